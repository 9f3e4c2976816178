namespace Conformance.Twin.Vault.Acl;

/// <summary>ACL capabilities (vault/policy.go); Deny overrides everything else.</summary>
[Flags]
public enum Capability
{
    None = 0,
    Create = 1,
    Read = 2,
    Update = 4,
    Delete = 8,
    List = 16,
    Sudo = 32,
    Patch = 64,
    Deny = 1 << 10,
}

public static class Capabilities
{
    public static Capability Parse(string name) => name switch
    {
        "create" => Capability.Create,
        "read" => Capability.Read,
        "update" => Capability.Update,
        "delete" => Capability.Delete,
        "list" => Capability.List,
        "sudo" => Capability.Sudo,
        "patch" => Capability.Patch,
        "deny" => Capability.Deny,
        "subscribe" or "recover" => Capability.None,
        _ => throw new FormatException($"invalid capability \"{name}\""),
    };

    /// <summary>The deprecated "policy" shorthand (vault/policy.go: read, write, sudo, deny).</summary>
    public static Capability FromPolicyShorthand(string p) => p switch
    {
        "deny" => Capability.Deny,
        "read" => Capability.Read | Capability.List,
        "write" => Capability.Read | Capability.List | Capability.Create | Capability.Update | Capability.Delete,
        "sudo" => Capability.Read | Capability.List | Capability.Create | Capability.Update | Capability.Delete | Capability.Sudo,
        _ => throw new FormatException($"invalid policy \"{p}\""),
    };

    public static IEnumerable<string> Names(Capability c)
    {
        if (c.HasFlag(Capability.Deny)) { yield return "deny"; yield break; }
        if (c.HasFlag(Capability.Create)) yield return "create";
        if (c.HasFlag(Capability.Delete)) yield return "delete";
        if (c.HasFlag(Capability.List)) yield return "list";
        if (c.HasFlag(Capability.Patch)) yield return "patch";
        if (c.HasFlag(Capability.Read)) yield return "read";
        if (c.HasFlag(Capability.Sudo)) yield return "sudo";
        if (c.HasFlag(Capability.Update)) yield return "update";
    }
}
