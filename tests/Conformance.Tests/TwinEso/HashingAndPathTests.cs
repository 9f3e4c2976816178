using System.Text;
using Conformance.Twin.Eso.Hashing;
using Conformance.Twin.Eso.Providers;
using Conformance.Twin.Eso.Providers.Vault;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.TwinEso;

public sealed class HashingAndPathTests
{
    // Expected digests computed with Python's hashlib.sha3_224 (FIPS 202).
    [Theory]
    [InlineData("", "6b4e03423667dbb73b6e15454f0eb1abd4597f9a1b078e3f5b5a6bc7")]
    [InlineData("abc", "e642824c3f8cf24ad09234ee7d3c766fc9a3a5168d0c94ad73b46fdf")]
    public void Sha3_224_matches_FIPS_202(string input, string hex) => Sha3_224.HexOf(input).Should().Be(hex);

    [Fact]
    public void Sha3_224_handles_more_than_one_block() =>
        Sha3_224.HexOf(new string('a', 200)).Should().Be("455e0ccfc6010738ed93a793dffd79aff36debbd1a7eb6621bd6c722");

    [Fact]
    public void Data_hash_is_sha3_of_go_rendering_with_sorted_keys()
    {
        var data = new Dictionary<string, byte[]> { ["b"] = [], ["a"] = Encoding.UTF8.GetBytes("hi") };
        GoObjectHash.RenderByteMap(data).Should().Be("map[a:[104 105] b:[]]");
        GoObjectHash.OfData(data).Should().Be("7ea3465c6776a2d21a7c6afaa765c3abc9e38a7cb9b4d770456f0b89");
    }

    [Fact]
    public void Meta_hash_renders_the_annotations_labels_struct() =>
        GoObjectHash.OfMeta(null, new Dictionary<string, string> { ["force-sync"] = "1" })
            .Should().Be("3cb9936e04320bcee317a9aaadf651af57f2be9c1e224eca5ace6f9f");

    // gjson-like property paths (ESO e2e NestedJSONWithGJSON, reference/eso.md §5).
    [Theory]
    [InlineData("""{"user":"alice"}""", "user", "alice")]
    [InlineData("""{"db":{"user":"bob","port":5432}}""", "db.user", "bob")]
    [InlineData("""{"db":{"user":"bob","port":5432}}""", "db.port", "5432")]
    [InlineData("""{"db":{"user":"bob"}}""", "db", """{"user":"bob"}""")]
    [InlineData("""{"a.b":"dotted"}""", "a\\.b", "dotted")]
    [InlineData("""{"list":["x","y"]}""", "list.1", "y")]
    [InlineData("""{"list":["x","y"]}""", "list.#", "2")]
    public void Json_property_paths(string json, string path, string expected)
    {
        JsonProperty.TryGet(json, path, out var value).Should().BeTrue();
        value.Should().Be(expected);
    }

    [Theory]
    [InlineData("""{"user":"alice"}""", "password")]
    [InlineData("not json", "user")]
    public void Missing_properties_are_reported(string json, string path) =>
        JsonProperty.TryGet(json, path, out _).Should().BeFalse();

    // The path table from ESO's buildPath comment (providers/v1/vault/client_get.go).
    [Theory]
    [InlineData("foo", "secret/path", true, "secret/path/data/foo")]
    [InlineData("foo", "secret/path", false, "secret/path/foo")]
    [InlineData("secret/path/foo", "secret/path", true, "secret/path/data/foo")]
    [InlineData("secret/path/data/foo", "secret/path", true, "secret/path/data/foo")]
    [InlineData("secret/path/foo", "secret/path", false, "secret/path/foo")]
    [InlineData("secret/path/foo", null, true, "secret/data/path/foo")]
    [InlineData("secret/path/data/foo", null, true, "secret/path/data/foo")]
    [InlineData("secret/path/foo", null, false, "secret/path/foo")]
    public void Vault_paths_are_built_as_ESO_builds_them(string key, string? mount, bool v2, string expected) =>
        VaultKvProvider.BuildPath(key, mount, v2).Should().Be(expected);

    [Fact]
    public void Go_json_marshal_sorts_keys_and_is_compact() =>
        GoJson.Marshal(System.Text.Json.Nodes.JsonNode.Parse("""{ "b": 1, "a": { "d": true, "c": [1, "x"] } }"""))
            .Should().Be("""{"a":{"c":[1,"x"],"d":true},"b":1}""");
}
