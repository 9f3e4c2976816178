using Conformance.Twin.Vault.Aws;
using Conformance.Twin.Vault.Database;
using Conformance.Twin.Vault.Http;
using Conformance.Twin.Vault.KubernetesAuth;
using Conformance.Twin.Vault.Kv;

namespace Conformance.Twin.Vault.Mounts;

/// <summary>Builds the backend for "sys/mounts/&lt;p&gt;" and "sys/auth/&lt;p&gt;" by type (the plugin catalog).</summary>
internal static class BackendFactory
{
    public static MountEntry Create(VaultCore core, string path, string type, bool isAuth, Dictionary<string, string> options, string description)
    {
        if (type == "kv-v2") { type = "kv"; options["version"] = "2"; }   // Vault: "kv-v2" is kv with version 2
        var prefix = isAuth ? "auth_" : "";
        IBackend backend = (isAuth, type) switch
        {
            (false, "kv") => options.GetValueOrDefault("version") == "2" ? new KvV2Backend(core) : throw new VaultException(400, "the twin Vault implements KV version 2 only; mount with options {\"version\":\"2\"}", logical: true),
            (false, "database") => new DatabaseBackend(core),
            (false, "aws") => new AwsBackend(core),
            (true, "kubernetes") => new KubernetesAuthBackend(core),
            _ => throw new VaultException(400, $"plugin not found in the catalog: {type}", logical: true),
        };
        return new MountEntry
        {
            Path = path, Type = type, IsAuth = isAuth, Backend = backend, Options = options, Description = description,
            Accessor = prefix + type.Replace('-', '_') + "_" + Ids.Random(8).ToLowerInvariant(),
        };
    }
}
