using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluentAssertions;

using Xunit;

namespace Conformance.Tests.TwinVaultTests;

/// <summary>The file audit device (reference/vault.md §3.7): JSON lines per request and response, strings HMAC'd per device.</summary>
public sealed partial class AuditTests
{
    [GeneratedRegex("^hmac-sha256:[0-9a-f]{64}$")]
    private static partial Regex Hmac();

    [Fact]
    public async Task Requests_and_responses_are_logged_with_secrets_hmaced()
    {
        await using var v = await TestVault.StartAsync();
        var file = Path.Combine(Path.GetTempPath(), "twin-audit-" + Guid.NewGuid().ToString("N") + ".log");
        try
        {
            (await v.Root.PostAsync("sys/audit/file", new { type = "file", options = new { file_path = file } })).Status.Should().Be(HttpStatusCode.NoContent);
            var canary = "canary-" + Guid.NewGuid().ToString("N");
            (await v.Root.PostAsync("secret/data/app/cfg", new { data = new { password = canary } })).Status.Should().Be(HttpStatusCode.OK);
            (await v.Root.GetAsync("secret/data/app/cfg")).Status.Should().Be(HttpStatusCode.OK);

            var lines = await File.ReadAllLinesAsync(file, TestContext.Current.CancellationToken);
            lines.Should().Equal(v.Vault.AuditLines, "the harness sees what the file holds");
            // The enabling request's response already reaches the new device (the broker logs to the devices it has by then).
            lines.Should().HaveCount(5);
            JsonNode.Parse(lines[0])!["request"]!["path"]!.GetValue<string>().Should().Be("sys/audit/file");
            lines = lines[1..];
            var all = string.Join("\n", lines);
            all.Should().NotContain(canary).And.NotContain(v.Vault.RootToken);

            var entries = lines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
            entries.Select(e => e["type"]!.GetValue<string>()).Should().Equal("request", "response", "request", "response");
            var write = entries[0];
            write["request"]!["path"]!.GetValue<string>().Should().Be("secret/data/app/cfg");
            write["request"]!["operation"]!.GetValue<string>().Should().Be("create");
            write["request"]!["mount_type"]!.GetValue<string>().Should().Be("kv");
            write["request"]!["remote_address"]!.GetValue<string>().Should().Be("127.0.0.1");
            write["auth"]!["display_name"]!.GetValue<string>().Should().Be("root");
            write["auth"]!["policies"]![0]!.GetValue<string>().Should().Be("root");
            write["auth"]!["accessor"]!.GetValue<string>().Should().MatchRegex(Hmac().ToString());
            write["auth"]!["client_token"]!.GetValue<string>().Should().MatchRegex(Hmac().ToString());
            var hashed = write["request"]!["data"]!["data"]!["password"]!.GetValue<string>();
            hashed.Should().MatchRegex(Hmac().ToString());

            var viaApi = await v.Root.PostAsync("sys/audit-hash/file", new { input = canary });
            viaApi.Data["hash"]!.GetValue<string>().Should().Be(hashed, "sys/audit-hash computes the device's HMAC");
            var readResponse = entries[3]["response"]!["data"]!["data"]!["password"]!.GetValue<string>();
            readResponse.Should().Be(hashed);
            entries[3]["request"]!["operation"]!.GetValue<string>().Should().Be("read");

            var devices = await v.Root.GetAsync("sys/audit");
            devices.Data["file/"]!["type"]!.GetValue<string>().Should().Be("file");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Denied_requests_are_logged_and_enabling_needs_sudo_and_a_file_path()
    {
        await using var v = await TestVault.StartAsync();
        var file = Path.Combine(Path.GetTempPath(), "twin-audit-" + Guid.NewGuid().ToString("N") + ".log");
        try
        {
            (await v.Root.PostAsync("sys/audit/file", new { type = "file", options = new { } })).Errors.Should().Equal("file_path is required");
            (await v.Root.PostAsync("sys/audit/file", new { type = "file", options = new { file_path = file, mode = "0755" } })).Status.Should().Be(HttpStatusCode.BadRequest);
            (await v.Root.PostAsync("sys/audit/file", new { type = "file", options = new { file_path = file } })).Status.Should().Be(HttpStatusCode.NoContent);
            var plain = (await v.Root.PostAsync("auth/token/create", new { policies = new[] { "default" }, display_name = "probe" })).Auth["client_token"]!.GetValue<string>();
            (await v.As(plain).PostAsync("sys/audit/other", new { type = "file", options = new { file_path = file + "2" } })).Status.Should().Be(HttpStatusCode.Forbidden);
            var denied = v.Vault.AuditLines.Select(l => JsonNode.Parse(l)!.AsObject()).Where(e => e["request"]!["path"]!.GetValue<string>() == "sys/audit/other").ToList();
            denied.Should().HaveCount(2);
            denied[0]["error"]!.GetValue<string>().Should().Be("1 error occurred:\n\t* permission denied\n\n");
            denied[0]["auth"]!["display_name"]!.GetValue<string>().Should().Be("token-probe");
        }
        finally
        {
            File.Delete(file);
        }
    }
    [Fact]
    public async Task The_omits_reads_fault_drops_read_entries_and_keeps_the_rest()
    {
        await using var v = await TestVault.StartAsync(faults: [Twin.Vault.TwinVaultFaults.AuditOmitsReads]);
        var file = Path.Combine(Path.GetTempPath(), "twin-audit-" + Guid.NewGuid().ToString("N") + ".log");
        try
        {
            (await v.Root.PostAsync("sys/audit/file", new { type = "file", options = new { file_path = file } })).Status.Should().Be(HttpStatusCode.NoContent);
            (await v.Root.PostAsync("secret/data/app/cfg", new { data = new { password = "p" } })).Status.Should().Be(HttpStatusCode.OK);
            (await v.Root.GetAsync("secret/data/app/cfg")).Status.Should().Be(HttpStatusCode.OK, "the read itself still works");
            (await v.Root.GetAsync("secret/data/app/missing")).Status.Should().Be(HttpStatusCode.NotFound);

            var entries = (await File.ReadAllLinesAsync(file, TestContext.Current.CancellationToken)).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
            entries.Select(e => e["request"]!["operation"]!.GetValue<string>()).Should().NotContain("read");
            entries.Where(e => e["request"]!["path"]!.GetValue<string>() == "secret/data/app/cfg")
                .Select(e => e["type"]!.GetValue<string>()).Should().Equal(["request", "response"], "the write is still logged");
        }
        finally
        {
            File.Delete(file);
        }
    }
    [Fact]
    public async Task The_loses_identity_fault_logs_every_request_without_its_display_name()
    {
        await using var v = await TestVault.StartAsync(faults: [Twin.Vault.TwinVaultFaults.AuditLosesIdentity]);
        (await v.Root.PostAsync("sys/audit/mem", new { type = "file", options = new { file_path = "discard" } })).Status.Should().Be(HttpStatusCode.NoContent);
        var probe = (await v.Root.PostAsync("auth/token/create", new { policies = new[] { "default" }, display_name = "probe" })).Auth["client_token"]!.GetValue<string>();
        (await v.As(probe).GetAsync("auth/token/lookup-self")).Status.Should().Be(HttpStatusCode.OK);

        var reads = v.Vault.AuditLines.Select(l => JsonNode.Parse(l)!.AsObject())
            .Where(e => e["request"]!["path"]!.GetValue<string>() == "auth/token/lookup-self").ToList();
        reads.Select(e => e["type"]!.GetValue<string>()).Should().Equal("request", "response");
        reads.Should().AllSatisfy(e =>
        {
            var auth = e["auth"]!.AsObject();
            auth.ContainsKey("display_name").Should().BeFalse();
            auth.ContainsKey("policies").Should().BeFalse();
            auth["client_token"]!.GetValue<string>().Should().MatchRegex(Hmac().ToString(), "the token is still named by its HMAC");
        });
    }
}
