using System.Net;
using System.Text.Json.Nodes;
using FluentAssertions;

using Xunit;

namespace Conformance.Tests.TwinVault;

/// <summary>The openapi fidelity guard: requests outside upstream/vault/openapi.json fail and are recorded.</summary>
public sealed class FidelityGuardTests
{
    [Fact]
    public async Task Paths_outside_the_spec_are_404_and_recorded()
    {
        await using var v = await TestVault.StartAsync();
        v.ExpectViolations = true;
        var bogus = await v.Root.GetAsync("sys/no-such-endpoint");
        bogus.Status.Should().Be(HttpStatusCode.NotFound);
        (await v.Root.GetAsync("secret/dta/app")).Status.Should().Be(HttpStatusCode.NotFound);
        (await v.Root.PostAsync("sys/health")).Status.Should().Be(HttpStatusCode.MethodNotAllowed, "sys/health is GET only in the spec");
        v.Vault.FidelityViolations.Should().HaveCount(3);
        v.Vault.FidelityViolations[0].Should().Contain("sys/no-such-endpoint");
    }

    [Fact]
    public async Task Spec_paths_on_unmounted_engines_are_vaults_404_not_violations()
    {
        await using var v = await TestVault.StartAsync();
        var r = await v.Root.GetAsync("database/creds/readonly");
        r.Status.Should().Be(HttpStatusCode.NotFound);
        r.Errors.Single().Should().Contain("no handler for route \"database/creds/readonly\"");
        v.Vault.FidelityViolations.Should().BeEmpty();
    }

    [Fact]
    public void Embedded_path_table_matches_upstream_openapi_json()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        string? spec = null;
        for (; dir is not null && spec is null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "upstream", "vault", "openapi.json");
            if (File.Exists(candidate)) spec = candidate;
        }
        if (spec is null) Assert.Skip("shared/upstream/vault/openapi.json not found above the test directory");
        var paths = JsonNode.Parse(File.ReadAllText(spec))!["paths"]!.AsObject()
            .Where(kv => kv.Value!.AsObject().Any(op => op.Key is "get" or "post" or "delete"))
            .Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
        var guard = new Twin.Vault.Http.OpenApiGuard();
        guard.Templates.Select(t => t.Path).Order(StringComparer.Ordinal).Should().Equal(paths, "Http/openapi-paths.tsv must be regenerated from openapi.json");
    }
}
