using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Conformance.Fixtures.Vault;
using Conformance.Tests.Fixtures.Support;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Fixtures.Vault;

/// <summary>Every path the Vault client can call exists in Vault's OpenAPI (upstream/vault/openapi.json) with that method.</summary>
public sealed class VaultClientPathTests
{
    private static readonly Lazy<IReadOnlyList<(Regex Pattern, string Template, JsonObject Item)>> Spec = new(LoadSpec);

    private const string Lease = "database/creds/readonly/abc123";

    /// <summary>One call of every public operation. A new public method without an entry here fails the coverage test.</summary>
    private static readonly (string Method, Func<VaultClient, Task> Call)[] Operations =
    [
        (nameof(VaultClient.HealthAsync), c => c.HealthAsync()),
        (nameof(VaultClient.EnableSecretsEngineAsync), c => c.EnableSecretsEngineAsync("database", "database", defaultLeaseTtl: TimeSpan.FromMinutes(1), maxLeaseTtl: TimeSpan.FromMinutes(10))),
        (nameof(VaultClient.DisableSecretsEngineAsync), c => c.DisableSecretsEngineAsync("database")),
        (nameof(VaultClient.TuneMountAsync), c => c.TuneMountAsync("database", maxLeaseTtl: TimeSpan.FromMinutes(5))),
        (nameof(VaultClient.ReadMountTuneAsync), c => c.ReadMountTuneAsync("database")),
        (nameof(VaultClient.ListMountsAsync), c => c.ListMountsAsync()),
        (nameof(VaultClient.EnableAuthAsync), c => c.EnableAuthAsync("kubernetes", "kubernetes")),
        (nameof(VaultClient.DisableAuthAsync), c => c.DisableAuthAsync("kubernetes")),
        (nameof(VaultClient.PutPolicyAsync), c => c.PutPolicyAsync("app-db", "path \"database/creds/readonly\" { capabilities = [\"read\"] }")),
        (nameof(VaultClient.ReadPolicyAsync), c => c.ReadPolicyAsync("app-db")),
        (nameof(VaultClient.DeletePolicyAsync), c => c.DeletePolicyAsync("app-db")),
        (nameof(VaultClient.CreateTokenAsync), c => c.CreateTokenAsync(["default"], TimeSpan.FromMinutes(5))),
        (nameof(VaultClient.LookupSelfAsync), c => c.LookupSelfAsync()),
        (nameof(VaultClient.LookupTokenAsync), c => c.LookupTokenAsync("hvs.other-token-value")),
        (nameof(VaultClient.RenewSelfAsync), c => c.RenewSelfAsync(TimeSpan.FromMinutes(1))),
        (nameof(VaultClient.RevokeTokenAsync), c => c.RevokeTokenAsync("hvs.other-token-value")),
        (nameof(VaultClient.RevokeSelfAsync), c => c.RevokeSelfAsync()),
        (nameof(VaultClient.KvPutAsync), c => c.KvPutAsync("team/app", new Dictionary<string, string> { ["k"] = "v" }, cas: 0)),
        (nameof(VaultClient.KvGetAsync), c => c.KvGetAsync("team/app", version: 2)),
        (nameof(VaultClient.KvReadMetadataAsync), c => c.KvReadMetadataAsync("team/app")),
        (nameof(VaultClient.KvWriteMetadataAsync), c => c.KvWriteMetadataAsync("team/app", maxVersions: 5, casRequired: true)),
        (nameof(VaultClient.KvDeleteAllAsync), c => c.KvDeleteAllAsync("team/app")),
        (nameof(VaultClient.KvDeleteLatestAsync), c => c.KvDeleteLatestAsync("team/app")),
        (nameof(VaultClient.KvDeleteVersionsAsync), c => c.KvDeleteVersionsAsync("team/app", [1])),
        (nameof(VaultClient.KvUndeleteAsync), c => c.KvUndeleteAsync("team/app", [1])),
        (nameof(VaultClient.KvDestroyAsync), c => c.KvDestroyAsync("team/app", [1])),
        (nameof(VaultClient.KvListAsync), c => c.KvListAsync("team")),
        (nameof(VaultClient.ConfigurePostgresConnectionAsync), c => c.ConfigurePostgresConnectionAsync("pg",
            new PostgresConnectionConfig("postgresql://{{username}}:{{password}}@pg:5432/app", "postgres", "root-password-1", ["readonly"]))),
        (nameof(VaultClient.WriteDatabaseRoleAsync), c => c.WriteDatabaseRoleAsync("readonly",
            new DatabaseRole("pg", ["CREATE ROLE \"{{name}}\";"], TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(3), RevocationStatements: ["DROP ROLE \"{{name}}\";"]))),
        (nameof(VaultClient.ReadDatabaseRoleAsync), c => c.ReadDatabaseRoleAsync("readonly")),
        (nameof(VaultClient.DeleteDatabaseRoleAsync), c => c.DeleteDatabaseRoleAsync("readonly")),
        (nameof(VaultClient.GetDatabaseCredentialsAsync), c => c.GetDatabaseCredentialsAsync("readonly")),
        (nameof(VaultClient.ConfigureAwsRootAsync), c => c.ConfigureAwsRootAsync("AKID", "aws-secret-key-1", "us-east-1", new Uri("http://moto:5000"), new Uri("http://moto:5000"))),
        (nameof(VaultClient.ConfigureAwsLeaseAsync), c => c.ConfigureAwsLeaseAsync(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5))),
        (nameof(VaultClient.WriteAwsIamUserRoleAsync), c => c.WriteAwsIamUserRoleAsync("deploy", "{}")),
        (nameof(VaultClient.WriteAwsAssumedRoleAsync), c => c.WriteAwsAssumedRoleAsync("assume", ["arn:aws:iam::123456789012:role/x"], TimeSpan.FromMinutes(15))),
        (nameof(VaultClient.GetAwsCredentialsAsync), c => c.GetAwsCredentialsAsync("deploy")),
        (nameof(VaultClient.GetAwsStsCredentialsAsync), c => c.GetAwsStsCredentialsAsync("assume", TimeSpan.FromMinutes(15))),
        (nameof(VaultClient.ConfigureKubernetesAuthAsync), c => c.ConfigureKubernetesAuthAsync("https://k3s:6443", "-----BEGIN CERTIFICATE-----\n...", "reviewer.jwt.value")),
        (nameof(VaultClient.WriteKubernetesRoleAsync), c => c.WriteKubernetesRoleAsync("app",
            new KubernetesAuthRole(["app"], ["demo"], ["app-db"], TimeSpan.FromHours(1), TimeSpan.FromHours(24)))),
        (nameof(VaultClient.KubernetesLoginAsync), c => c.KubernetesLoginAsync("app", "sa.jwt.value")),
        (nameof(VaultClient.LookupLeaseAsync), c => c.LookupLeaseAsync(Lease)),
        (nameof(VaultClient.RenewLeaseAsync), c => c.RenewLeaseAsync(Lease, TimeSpan.FromMinutes(1))),
        (nameof(VaultClient.RevokeLeaseAsync), c => c.RevokeLeaseAsync(Lease)),
        (nameof(VaultClient.RevokeLeasePrefixAsync), c => c.RevokeLeasePrefixAsync("database/creds/readonly")),
        (nameof(VaultClient.ListLeasesAsync), c => c.ListLeasesAsync("database/creds/readonly")),
        (nameof(VaultClient.EnableFileAuditAsync), c => c.EnableFileAuditAsync("file", "stdout")),
        (nameof(VaultClient.EnableSocketAuditAsync), c => c.EnableSocketAuditAsync("socket", "127.0.0.1:9090")),
        (nameof(VaultClient.ListAuditDevicesAsync), c => c.ListAuditDevicesAsync()),
        (nameof(VaultClient.DisableAuditAsync), c => c.DisableAuditAsync("file")),
        (nameof(VaultClient.AuditHashAsync), c => c.AuditHashAsync("file", "some input")),
    ];

    // Raw pass-through methods take any path; their callers are the methods above.
    private static readonly string[] Raw = [nameof(VaultClient.ReadAsync), nameof(VaultClient.WriteAsync), nameof(VaultClient.DeleteAsync), nameof(VaultClient.ListAsync)];

    [Fact]
    public void Every_public_operation_is_exercised_by_the_path_check()
    {
        var publicOps = typeof(VaultClient).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => typeof(Task).IsAssignableFrom(m.ReturnType)).Select(m => m.Name).Except(Raw).Distinct();
        Operations.Select(o => o.Method).Should().BeEquivalentTo(publicOps);
    }

    [Fact]
    public async Task Every_path_the_client_calls_exists_in_the_OpenAPI_with_that_method()
    {
        var handler = new RecordingHandler(_ => RecordingHandler.Json(
            """{"request_id":"r","lease_id":"","renewable":false,"lease_duration":0,"data":{"keys":["a"],"policy":"x","hash":"h"},"auth":{"client_token":"hvs.issued-token-1","accessor":"acc"},"warnings":null}"""));
        using var client = new VaultClient(new Uri("http://127.0.0.1:8200/"), "root-token-for-test", handler: handler);
        var calls = new List<VaultCall>();
        client.Calling += calls.Add;

        var problems = new List<string>();
        foreach (var (method, call) in Operations)
        {
            calls.Clear();
            await call(client);
            if (calls.Count == 0)
                problems.Add($"{method}: made no request");
            foreach (var c in calls)
                if (Match(c) is { } problem)
                    problems.Add($"{method}: {problem}");
        }

        problems.Should().BeEmpty();
        handler.Requests.Should().AllSatisfy(r => r.Uri.AbsolutePath.Should().StartWith("/v1/"));
    }

    [Theory]
    [InlineData("GET", "sys/nonexistent", false)]
    [InlineData("DELETE", "sys/leases/lookup", false)]
    [InlineData("GET", "sys/leases/lookup/database/creds/x/", false)]
    public void The_check_itself_rejects_paths_and_methods_Vault_does_not_have(string method, string path, bool list)
    {
        Match(new VaultCall("test", method, path, list)).Should().NotBeNull();
    }

    private static string? Match(VaultCall call)
    {
        var pathOnly = call.Path.Split('?')[0];
        var candidates = Spec.Value.Where(s => s.Pattern.IsMatch("/" + pathOnly)).ToList();
        if (candidates.Count == 0)
            return $"{call.Method} {pathOnly}: no OpenAPI path matches";
        var op = call.Method.ToLowerInvariant() switch { "put" => "post", var m => m };
        var withMethod = candidates.Where(c => c.Item.ContainsKey(op)).ToList();
        if (withMethod.Count == 0)
            return $"{call.Method} {pathOnly}: matches {string.Join(", ", candidates.Select(c => c.Template))} but none has '{op}'";
        if (call.List && !withMethod.Any(c => HasListParameter((JsonObject)c.Item[op]!)))
            return $"LIST {pathOnly}: matches {string.Join(", ", withMethod.Select(c => c.Template))} but none takes list=true";
        if (!call.List && op == "get" && withMethod.All(c => ListRequired((JsonObject)c.Item[op]!)))
            return $"GET {pathOnly}: the OpenAPI path is a LIST (list=true required)";
        return null;
    }

    private static bool HasListParameter(JsonObject op) =>
        op["parameters"] is JsonArray ps && ps.Any(p => (string?)p!["name"] == "list");

    private static bool ListRequired(JsonObject op) =>
        op["parameters"] is JsonArray ps && ps.Any(p => (string?)p!["name"] == "list" && ((bool?)p["required"] ?? false));

    private static string MountDefault(JsonNode item, string parameter) =>
        item["parameters"]?.AsArray().Where(p => (string?)p!["name"] == parameter).Select(p => (string?)p!["schema"]?["default"]).FirstOrDefault()
        ?? throw new InvalidOperationException($"OpenAPI parameter {parameter} has no default");

    private static IReadOnlyList<(Regex, string, JsonObject)> LoadSpec()
    {
        var doc = JsonNode.Parse(File.ReadAllText(SharedFiles.Upstream("vault", "openapi.json")))!;
        var result = new List<(Regex, string, JsonObject)>();
        foreach (var (template, item) in doc["paths"]!.AsObject())
        {
            // A mount placeholder stands for the mount the harness uses: its OpenAPI default (database, aws,
            // kubernetes), or secret/ for KV v2 (dev mode mounts KV v2 there, reference/vault.md §3.1). This keeps
            // generic templates such as /{kv_v1_mount_path}/{path} from matching everything. {path}, {prefix} and
            // lease ids may span several segments; other parameters are one segment.
            var regex = Regex.Replace(Regex.Escape(template).Replace(@"\{", "{"), @"\{([a-z0-9_]+)}", m =>
                m.Groups[1].Value == "kv_v2_mount_path" ? "(?:secret|kv-v2)"
                : m.Groups[1].Value.EndsWith("_mount_path", StringComparison.Ordinal) ? Regex.Escape(MountDefault(item!, m.Groups[1].Value))
                : m.Groups[1].Value is "path" or "prefix" or "url_lease_id" ? ".+"
                : "[^/]+");
            result.Add((new Regex("^" + regex + "$"), template, item!.AsObject()));
        }
        return result;
    }
}
