using System.Net;
using FluentAssertions;

using Xunit;

namespace Conformance.Tests.TwinVault;

/// <summary>KV v2 at secret/ (reference/vault.md §3.2): versions, check-and-set, soft delete, destroy, metadata, listing.</summary>
public sealed class KvV2Tests
{
    [Fact]
    public async Task Writes_and_reads_versions_with_vaults_shapes()
    {
        await using var v = await TestVault.StartAsync();
        var w1 = await v.Root.PostAsync("secret/data/app/db", new { data = new { user = "a", password = "p1" } });
        w1.Status.Should().Be(HttpStatusCode.OK, w1.ToString());
        w1.Data["version"]!.GetValue<int>().Should().Be(1);
        w1.Data["deletion_time"]!.GetValue<string>().Should().BeEmpty();
        w1.Data["destroyed"]!.GetValue<bool>().Should().BeFalse();
        w1.Data.ContainsKey("custom_metadata").Should().BeTrue();
        (await v.Root.PostAsync("secret/data/app/db", new { data = new { user = "a", password = "p2" } })).Data["version"]!.GetValue<int>().Should().Be(2);

        var read = await v.Root.GetAsync("secret/data/app/db");
        read.Data["data"]!["password"]!.GetValue<string>().Should().Be("p2");
        read.Data["metadata"]!["version"]!.GetValue<int>().Should().Be(2);
        read.Body!["lease_id"]!.GetValue<string>().Should().BeEmpty("KV v2 reads carry no lease");
        read.Body["renewable"]!.GetValue<bool>().Should().BeFalse();
        read.Body["mount_type"]!.GetValue<string>().Should().Be("kv");
        (await v.Root.GetAsync("secret/data/app/db?version=1")).Data["data"]!["password"]!.GetValue<string>().Should().Be("p1");
        (await v.Root.GetAsync("secret/data/app/db?version=7")).Status.Should().Be(HttpStatusCode.NotFound);
        var missing = await v.Root.GetAsync("secret/data/nothing");
        missing.Status.Should().Be(HttpStatusCode.NotFound);
        missing.Body!.ToJsonString().Should().Be("""{"errors":[]}""");
        (await v.Root.PostAsync("secret/data/app/db", new { })).Errors.Should().Equal("no data provided");
    }

    [Fact]
    public async Task Check_and_set_is_enforced_per_write_and_when_required()
    {
        await using var v = await TestVault.StartAsync();
        (await v.Root.PostAsync("secret/data/cas", new { data = new { k = "1" }, options = new { cas = 0 } })).Status.Should().Be(HttpStatusCode.OK);
        var stale = await v.Root.PostAsync("secret/data/cas", new { data = new { k = "2" }, options = new { cas = 0 } });
        stale.Status.Should().Be(HttpStatusCode.BadRequest);
        stale.Errors.Should().Equal("check-and-set parameter did not match the current version");
        (await v.Root.PostAsync("secret/data/cas", new { data = new { k = "2" }, options = new { cas = 1 } })).Data["version"]!.GetValue<int>().Should().Be(2);

        (await v.Root.PostAsync("secret/metadata/cas", new { cas_required = true, max_versions = 2, custom_metadata = new { owner = "team-a" } })).Status.Should().Be(HttpStatusCode.NoContent);
        (await v.Root.PostAsync("secret/data/cas", new { data = new { k = "3" } })).Errors.Should().Equal("check-and-set parameter required for this call");
        (await v.Root.PostAsync("secret/data/cas", new { data = new { k = "3" }, options = new { cas = 2 } })).Status.Should().Be(HttpStatusCode.OK);

        var meta = await v.Root.GetAsync("secret/metadata/cas");
        meta.Data["current_version"]!.GetValue<int>().Should().Be(3);
        meta.Data["oldest_version"]!.GetValue<int>().Should().Be(2, "max_versions 2 pruned version 1");
        meta.Data["cas_required"]!.GetValue<bool>().Should().BeTrue();
        meta.Data["custom_metadata"]!["owner"]!.GetValue<string>().Should().Be("team-a");
        meta.Data["versions"]!.AsObject().Select(kv => kv.Key).Should().Equal("2", "3");
        (await v.Root.GetAsync("secret/data/cas?version=1")).Status.Should().Be(HttpStatusCode.NotFound);
        (await v.Root.GetAsync("secret/data/cas")).Data["metadata"]!["custom_metadata"]!["owner"]!.GetValue<string>().Should().Be("team-a");
    }

    [Fact]
    public async Task Delete_undelete_destroy_and_metadata_delete()
    {
        await using var v = await TestVault.StartAsync();
        await v.Root.PostAsync("secret/data/d", new { data = new { k = "1" } });
        await v.Root.PostAsync("secret/data/d", new { data = new { k = "2" } });
        (await v.Root.DeleteAsync("secret/data/d")).Status.Should().Be(HttpStatusCode.NoContent);
        var deleted = await v.Root.GetAsync("secret/data/d");
        deleted.Status.Should().Be(HttpStatusCode.NotFound);
        deleted.Data["data"].Should().BeNull();
        deleted.Data["metadata"]!["deletion_time"]!.GetValue<string>().Should().NotBeEmpty();
        (await v.Root.PostAsync("secret/undelete/d", new { versions = new[] { 2 } })).Status.Should().Be(HttpStatusCode.NoContent);
        (await v.Root.GetAsync("secret/data/d")).Data["data"]!["k"]!.GetValue<string>().Should().Be("2");
        (await v.Root.PostAsync("secret/destroy/d", new { versions = new[] { 1 } })).Status.Should().Be(HttpStatusCode.NoContent);
        var destroyed = await v.Root.GetAsync("secret/data/d?version=1");
        destroyed.Status.Should().Be(HttpStatusCode.NotFound);
        destroyed.Data["metadata"]!["destroyed"]!.GetValue<bool>().Should().BeTrue();
        (await v.Root.PostAsync("secret/undelete/d", new { versions = new[] { 1 } })).Status.Should().Be(HttpStatusCode.NoContent);
        (await v.Root.GetAsync("secret/data/d?version=1")).Status.Should().Be(HttpStatusCode.NotFound, "destroyed versions cannot come back");
        (await v.Root.PostAsync("secret/delete/d", new { })).Errors.Should().Equal("no version number provided");

        await v.Root.PostAsync("secret/data/dir/a", new { data = new { k = "1" } });
        await v.Root.PostAsync("secret/data/dir/sub/b", new { data = new { k = "1" } });
        var list = await v.Root.ListAsync("secret/metadata/dir");
        list.Data["keys"]!.AsArray().Select(k => k!.GetValue<string>()).Should().Equal("a", "sub/");
        (await v.Root.ListAsync("secret/metadata/")).Data["keys"]!.AsArray().Select(k => k!.GetValue<string>()).Should().Equal("d", "dir/");
        (await v.Root.DeleteAsync("secret/metadata/d")).Status.Should().Be(HttpStatusCode.NoContent);
        (await v.Root.GetAsync("secret/metadata/d")).Status.Should().Be(HttpStatusCode.NotFound);
        (await v.Root.ListAsync("secret/metadata/nothing/")).Status.Should().Be(HttpStatusCode.NotFound);
        var sub = await v.Root.GetAsync("secret/subkeys/dir/a");
        sub.Data["subkeys"]!.AsObject().ContainsKey("k").Should().BeTrue();
    }

    [Fact]
    public async Task A_write_to_a_new_key_needs_create_and_an_existing_one_update()
    {
        await using var v = await TestVault.StartAsync();
        await v.Root.PostAsync("sys/policies/acl/upd", new { policy = """path "secret/data/*" { capabilities = ["update", "read"] }""" });
        await v.Root.PostAsync("secret/data/existing", new { data = new { k = "1" } });
        var token = (await v.Root.PostAsync("auth/token/create", new { policies = new[] { "upd" } })).Auth["client_token"]!.GetValue<string>();
        using var t = v.As(token);
        (await t.PostAsync("secret/data/existing", new { data = new { k = "2" } })).Status.Should().Be(HttpStatusCode.OK);
        (await t.PostAsync("secret/data/new", new { data = new { k = "1" } })).Status.Should().Be(HttpStatusCode.Forbidden, "writing a new key is a create (ExistenceCheck)");
    }
}
