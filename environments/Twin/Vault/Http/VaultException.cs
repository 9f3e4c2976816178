namespace Conformance.Twin.Vault.Http;

/// <summary>
/// An error in Vault's shape. Vault renders logical.ErrorResponse messages as-is (400), while Go errors from the core
/// pass through hashicorp/go-multierror and read "1 error occurred:\n\t* msg\n\n" (reference/vault.md §3 conventions).
/// </summary>
public sealed class VaultException : Exception
{
    public VaultException(int status, string message, bool logical = false) : this(status, [message], logical) { }

    public VaultException(int status, IReadOnlyList<string> messages, bool logical)
        : base(string.Join("; ", messages))
    {
        Status = status;
        Messages = messages;
        Logical = logical;
    }

    public int Status { get; }
    public IReadOnlyList<string> Messages { get; }
    public bool Logical { get; }

    /// <summary>The strings for the "errors" array.</summary>
    public IReadOnlyList<string> Errors => Logical || Messages.Count == 0 ? Messages : [MultiError(Messages)];

    public static string MultiError(IReadOnlyList<string> messages)
    {
        var head = messages.Count == 1 ? "1 error occurred:" : $"{messages.Count} errors occurred:";
        return head + "\n" + string.Concat(messages.Select(m => "\t* " + m + "\n")) + "\n";
    }

    public static VaultException PermissionDenied() => new(403, "permission denied");
    public static VaultException BadRequest(string message) => new(400, message, logical: true);
    public static VaultException NotFound() => new(404, [], logical: true);
}
