namespace Conformance.Twin.Kube.Http.Protobuf;

/// <summary>A minimal protobuf wire-format reader: (field number, wire type, value) triples.</summary>
public ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    readonly ReadOnlySpan<byte> data = data;
    int pos;

    public bool Next(out int field, out int wireType)
    {
        if (pos >= data.Length) { field = 0; wireType = 0; return false; }
        var key = Varint();
        field = (int)(key >> 3);
        wireType = (int)(key & 7);
        return true;
    }

    public ulong Varint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = data[pos++];
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return result;
        }
        throw new FormatException("bad varint");
    }

    public ReadOnlySpan<byte> Bytes()
    {
        var len = (int)Varint();
        var s = data.Slice(pos, len);
        pos += len;
        return s;
    }

    public string String() => System.Text.Encoding.UTF8.GetString(Bytes());

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0: Varint(); break;
            case 1: pos += 8; break;
            case 2: Bytes(); break;
            case 5: pos += 4; break;
            default: throw new FormatException($"unsupported wire type {wireType}");
        }
    }
}
