namespace Conformance.Twin.Eso.Hashing;

/// <summary>SHA3-224 (FIPS 202). .NET offers SHA3-256/384/512 only; ESO hashes with sha3.Sum224 (reference/eso.md §4).</summary>
public static class Sha3_224
{
    private const int RateBytes = 144; // (1600 - 2 * 224) / 8

    private static readonly ulong[] RoundConstants =
    [
        0x0000000000000001UL, 0x0000000000008082UL, 0x800000000000808aUL, 0x8000000080008000UL,
        0x000000000000808bUL, 0x0000000080000001UL, 0x8000000080008081UL, 0x8000000000008009UL,
        0x000000000000008aUL, 0x0000000000000088UL, 0x0000000080008009UL, 0x000000008000000aUL,
        0x000000008000808bUL, 0x800000000000008bUL, 0x8000000000008089UL, 0x8000000000008003UL,
        0x8000000000008002UL, 0x8000000000000080UL, 0x000000000000800aUL, 0x800000008000000aUL,
        0x8000000080008081UL, 0x8000000000008080UL, 0x0000000080000001UL, 0x8000000080008008UL,
    ];

    private static readonly int[] Rotations = [1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44];
    private static readonly int[] PiLanes = [10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1];

    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var state = new ulong[25];
        var blocks = data.Length / RateBytes + 1;
        var padded = new byte[blocks * RateBytes];
        data.CopyTo(padded);
        padded[data.Length] ^= 0x06; // SHA-3 domain separation
        padded[^1] ^= 0x80;
        for (var b = 0; b < blocks; b++)
        {
            for (var i = 0; i < RateBytes / 8; i++)
                state[i] ^= BitConverter.ToUInt64(padded, b * RateBytes + i * 8);
            Permute(state);
        }
        var output = new byte[28];
        for (var i = 0; i < 28; i++)
            output[i] = (byte)(state[i / 8] >> (8 * (i % 8)));
        return output;
    }

    public static string HexOf(string text) => Convert.ToHexStringLower(Hash(System.Text.Encoding.UTF8.GetBytes(text)));

    private static void Permute(ulong[] st)
    {
        Span<ulong> bc = stackalloc ulong[5];
        for (var round = 0; round < 24; round++)
        {
            for (var i = 0; i < 5; i++)
                bc[i] = st[i] ^ st[i + 5] ^ st[i + 10] ^ st[i + 15] ^ st[i + 20];
            for (var i = 0; i < 5; i++)
            {
                var t = bc[(i + 4) % 5] ^ ulong.RotateLeft(bc[(i + 1) % 5], 1);
                for (var j = 0; j < 25; j += 5)
                    st[j + i] ^= t;
            }
            var carry = st[1];
            for (var i = 0; i < 24; i++)
            {
                var j = PiLanes[i];
                var next = st[j];
                st[j] = ulong.RotateLeft(carry, Rotations[i]);
                carry = next;
            }
            for (var j = 0; j < 25; j += 5)
            {
                for (var i = 0; i < 5; i++)
                    bc[i] = st[j + i];
                for (var i = 0; i < 5; i++)
                    st[j + i] ^= ~bc[(i + 1) % 5] & bc[(i + 2) % 5];
            }
            st[0] ^= RoundConstants[round];
        }
    }
}
