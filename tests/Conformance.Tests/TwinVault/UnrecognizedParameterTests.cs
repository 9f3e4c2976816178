using System.Net;
using System.Text.Json.Nodes;
using FluentAssertions;

using Xunit;

namespace Conformance.Tests.TwinVaultTests;

/// <summary>sdk/framework/backend.go: body fields a path's schema does not know are ignored, and a write that answers
/// with a body says so in a warning; a write answered 204 says nothing (Vault 1.15).</summary>
public sealed class UnrecognizedParameterTests
{
    [Fact]
    public async Task A_write_with_a_body_warns_of_unknown_fields_sorted_and_still_succeeds()
    {
        await using var v = await TestVault.StartAsync();
        var r = await v.Root.PostAsync("auth/token/create", new { policies = new[] { "default" }, zz_unknown = "x", aa_unknown = "y", ttl = "1h" });
        r.Status.Should().Be(HttpStatusCode.OK);
        r.Auth["client_token"]!.GetValue<string>().Should().NotBeEmpty();
        r.Warnings.Should().Equal("Endpoint ignored these unrecognized parameters: [aa_unknown zz_unknown]");
    }

    [Fact]
    public async Task Known_fields_and_path_parameters_are_not_flagged()
    {
        await using var v = await TestVault.StartAsync();
        (await v.Root.PostAsync("secret/data/app", new { data = new { k = "v" }, options = new { } })).Warnings.Should().BeEmpty();
        (await v.Root.PostAsync("sys/mounts/aws", new { type = "aws" })).Status.Should().Be(HttpStatusCode.NoContent);
        (await v.Root.PostAsync("auth/token/create", new { policies = new[] { "default" }, display_name = "n" })).Warnings.Should().BeEmpty();
    }

    [Fact]
    public async Task Adr017s_aws_role_is_accepted_silently_and_keeps_no_sts_ttls()
    {
        // ADR-017 writes default_ttl/max_ttl; the AWS role schema knows default_sts_ttl/max_sts_ttl. pathRolesWrite
        // answers nil, so Vault returns 204 with no warning: only reading the role back shows nothing was kept.
        await using var v = await TestVault.StartAsync();
        (await v.Root.PostAsync("sys/mounts/aws", new { type = "aws" })).Status.Should().Be(HttpStatusCode.NoContent);
        var arn = "arn:aws:iam::123456789012:role/S3ReadOnlyRole";
        var w = await v.Root.PostAsync("aws/roles/s3-readonly", new { credential_type = "assumed_role", role_arns = new[] { arn }, default_ttl = "1h", max_ttl = "24h" });
        w.Status.Should().Be(HttpStatusCode.NoContent);
        w.Body.Should().BeNull();
        var role = (await v.Root.GetAsync("aws/roles/s3-readonly")).Data;
        role["default_sts_ttl"]!.GetValue<long>().Should().Be(0);
        role["max_sts_ttl"]!.GetValue<long>().Should().Be(0);

        // The other way: written with the engine's own names, the role keeps the 1 h default and the 24 h cap.
        (await v.Root.PostAsync("aws/roles/s3-readonly", new { credential_type = "assumed_role", role_arns = new[] { arn }, default_sts_ttl = "1h", max_sts_ttl = "24h" }))
            .Status.Should().Be(HttpStatusCode.NoContent);
        role = (await v.Root.GetAsync("aws/roles/s3-readonly")).Data;
        role["default_sts_ttl"]!.GetValue<long>().Should().Be(3600);
        role["max_sts_ttl"]!.GetValue<long>().Should().Be(86400);
    }

    [Fact]
    public void Embedded_request_field_table_matches_upstream_openapi_json()
    {
        string? spec = null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null && spec is null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "upstream", "vault", "openapi.json");
            if (File.Exists(candidate)) spec = candidate;
        }
        if (spec is null) Assert.Skip("shared/upstream/vault/openapi.json not found above the test directory");
        var doc = JsonNode.Parse(File.ReadAllText(spec))!;
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, ops) in doc["paths"]!.AsObject())
        {
            var schema = ops!["post"]?["requestBody"]?["content"]?["application/json"]?["schema"];
            if (schema?["$ref"] is { } r) schema = doc["components"]!["schemas"]![r.GetValue<string>().Split('/')[^1]];
            if (schema?["properties"] is not JsonObject props || props.Count == 0 || schema["additionalProperties"]?.GetValue<bool>() == true) continue;
            expected[path] = string.Join(",", props.Select(p => p.Key).Order(StringComparer.Ordinal));
        }
        var guard = new Twin.Vault.Http.OpenApiGuard();
        var placeholders = new System.Text.RegularExpressions.Regex(@"\{(\w+)\}");
        expected.Remove("/{database_mount_path}/config/{name}");   // OpenApiGuard.PassesBodyToPlugin
        var actual = guard.Templates.Where(t => t.RequestFields is not null).ToDictionary(t => t.Path,
            t => string.Join(",", t.RequestFields!.Except(placeholders.Matches(t.Path).Select(m => m.Groups[1].Value)).Order(StringComparer.Ordinal)));
        actual.Should().BeEquivalentTo(expected, "Http/openapi-request-fields.tsv must be regenerated from openapi.json");
    }
}
