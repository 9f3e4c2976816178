using System.Text.Json.Nodes;
using Conformance.Environments.K3s;
using Conformance.Environments.Plan;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Live;

/// <summary>Every Vault call of the plan exists in Vault's OpenAPI document (upstream/vault/openapi.json).</summary>
public sealed class VaultOpenApiTests
{
    private static readonly Lazy<JsonObject> Paths = new(() =>
        JsonNode.Parse(File.ReadAllText(UpstreamFiles.Path_("vault/openapi.json")))!["paths"]!.AsObject());

    // Mount types as OpenAPI names their mount placeholders ({database_mount_path}, {kubernetes_mount_path}, ...).
    private static readonly Dictionary<string, string> Placeholders = new()
    {
        ["database"] = "{database_mount_path}", ["kubernetes"] = "{kubernetes_mount_path}", ["kv-v2"] = "{kv_v2_mount_path}",
        ["aws"] = "{aws_mount_path}", ["kv"] = "{kv_v1_mount_path}",
    };

    [Fact]
    public void Every_vault_call_of_the_plan_matches_an_OpenAPI_path_and_method()
    {
        var calls = new K3sWorldBuilder().Build().PlanModel().VaultCalls;
        var mounts = MountsOf(calls);
        calls.Should().NotBeEmpty();
        foreach (var call in calls)
        {
            Match(call.Method, Template(call.Path, mounts)).Should().NotBeNull($"{call.Method} /v1/{call.Path} ({call.Purpose}) must exist in Vault's OpenAPI");
        }
    }

    [Theory]
    [InlineData("POST", "sys/mountz/database")]
    [InlineData("POST", "database/creds/conformance-readonly")]
    [InlineData("GET", "auth/kubernetes/configs")]
    public void A_wrong_path_or_method_does_not_match(string method, string path)
    {
        var mounts = MountsOf(new K3sWorldBuilder().Build().PlanModel().VaultCalls);
        Match(method, Template(path, mounts)).Should().BeNull();
    }

    /// <summary>secret/ is KV v2 in dev mode; other mounts come from the plan's own enable calls.</summary>
    private static Dictionary<string, string> MountsOf(IEnumerable<VaultCall> calls)
    {
        var mounts = new Dictionary<string, string> { ["secret"] = "kv-v2" };
        foreach (var call in calls)
        {
            var type = call.Body?.GetValueOrDefault("type") as string;
            if (type is null) continue;
            if (call.Path.StartsWith("sys/mounts/", StringComparison.Ordinal)) mounts[call.Path["sys/mounts/".Length..]] = type;
            if (call.Path.StartsWith("sys/auth/", StringComparison.Ordinal)) mounts["auth/" + call.Path["sys/auth/".Length..]] = type;
        }

        return mounts;
    }

    private static string Template(string path, Dictionary<string, string> mounts)
    {
        foreach (var (mount, type) in mounts.OrderByDescending(m => m.Key.Length))
        {
            if (!path.StartsWith(mount + "/", StringComparison.Ordinal) || !Placeholders.TryGetValue(type, out var placeholder)) continue;
            var prefix = mount.StartsWith("auth/", StringComparison.Ordinal) ? "auth/" + placeholder : placeholder;
            return prefix + path[mount.Length..];
        }

        return path;
    }

    /// <summary>The OpenAPI template matching <paramref name="path"/> with the method, or null.</summary>
    private static string? Match(string method, string path)
    {
        var segments = ("/" + path).Split('/');
        foreach (var (template, item) in Paths.Value)
        {
            if (item?[method.ToLowerInvariant()] is null) continue;
            var parts = template.Split('/');
            if (Matches(parts, segments)) return template;
        }

        return null;
    }

    private static bool Matches(string[] template, string[] actual)
    {
        for (var i = 0; i < template.Length; i++)
        {
            if (i >= actual.Length) return false;
            var t = template[i];
            var isParam = t.StartsWith('{') && t.EndsWith('}');
            // A trailing {path} takes the rest (KV v2 paths have slashes).
            if (isParam && t == "{path}" && i == template.Length - 1) return actual.Skip(i).All(s => s.Length > 0);
            if (isParam ? actual[i].Length == 0 || (t.EndsWith("_mount_path}") ? actual[i] != t : false) : t != actual[i]) return false;
        }

        return template.Length == actual.Length;
    }
}
