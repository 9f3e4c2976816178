using System.Security.Cryptography;
using System.Text;

namespace Conformance.Environments.Plan;

/// <summary>
/// A secret value inside a manifest or a Vault call body. Plans render it as <c>&lt;label&gt;</c>; only
/// <see cref="Reveal"/> (used when applying) yields the value. Its ToString never shows the value.
/// </summary>
public sealed class Sensitive(string label, string? value)
{
    public string Label { get; } = label;

    /// <summary>A placeholder with no value, for plans made before anything runs.</summary>
    public static Sensitive Placeholder(string label) => new(label, null);

    public bool HasValue => value is not null;

    public string Reveal() => value ?? throw new InvalidOperationException($"'{Label}' has no value in a plan");

    /// <summary>A short fingerprint that identifies the value without revealing it.</summary>
    public string Fingerprint() => value is null
        ? "none"
        : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..12];

    public override string ToString() => $"<{Label}>";

    /// <summary>Copies a tree, replacing every <see cref="Sensitive"/> by its value (or its placeholder text).</summary>
    public static object? Resolve(object? tree, bool reveal) => tree switch
    {
        Sensitive s => reveal ? s.Reveal() : s.ToString(),
        IDictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => Resolve(kv.Value, reveal)),
        IEnumerable<object?> list when tree is not string => list.Select(item => Resolve(item, reveal)).ToList(),
        _ => tree,
    };
}
