namespace Conformance.Twin.Eso;

/// <summary>Names ESO writes on Secrets and ExternalSecrets (apis/externalsecrets/v1/externalsecret_types.go, reference/eso.md §4).</summary>
public static class EsoLabels
{
    public const string Managed = "reconcile.external-secrets.io/managed";
    public const string CreatedBy = "reconcile.external-secrets.io/created-by";
    public const string DataHash = "reconcile.external-secrets.io/data-hash";
    public const string Finalizer = "externalsecrets.external-secrets.io/externalsecret-cleanup";
    public const string ForceSync = "external-secrets.io/force-sync";
    public const string Group = "external-secrets.io";
    public const string Version = "v1";
    public const string GeneratorGroup = "generators.external-secrets.io";
    public const string EventSource = "external-secrets";

    /// <summary>ESO fqdnFor: the field manager used for Secret writes.</summary>
    public static string FieldOwner(string esName)
    {
        var fqdn = $"externalsecrets.external-secrets.io/{esName}";
        return fqdn.Length > 63 ? $"externalsecrets.external-secrets.io/sha3/{Convert.ToHexStringLower(Hashing.Sha3_224.Hash(System.Text.Encoding.UTF8.GetBytes(esName)))}" : fqdn;
    }
}
