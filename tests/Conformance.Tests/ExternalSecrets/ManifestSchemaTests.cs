using System.Text.Json.Nodes;
using Conformance.Environments;
using Conformance.Fixtures.ExternalSecrets;
using Conformance.Fixtures.Kube;
using Conformance.Twin.Kube.Schema;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.ExternalSecrets;

/// <summary>
/// Every manifest the ExternalSecrets builders render is accepted, unpruned, by ESO's real v1 CRDs
/// (upstream/eso, helm-chart 2.9.0), checked with the twin API server's structural schema (prune, default, validate).
/// </summary>
public sealed class ManifestSchemaTests
{
    private static readonly Lazy<StructuralSchema> ExternalSecretSchema = new(() => Schema("external-secrets.io_externalsecrets.yaml"));
    private static readonly Lazy<StructuralSchema> SecretStoreSchema = new(() => Schema("external-secrets.io_secretstores.yaml"));
    private static readonly Lazy<StructuralSchema> ClusterSecretStoreSchema = new(() => Schema("external-secrets.io_clustersecretstores.yaml"));

    private static readonly SecretKeySelector Akid = new("aws-store-credentials", "access-key-id");
    private static readonly SecretKeySelector Sak = new("aws-store-credentials", "secret-access-key");

    public static TheoryData<string> Stores => new() { "aws", "vault-token", "vault-kubernetes", "aws-cluster", "vault-cluster", "vault-refresh" };

    [Theory]
    [MemberData(nameof(Stores))]
    public void Store_manifests_are_accepted_by_the_real_CRDs(string variant)
    {
        var store = StoreFor(variant);
        var json = store.ToJson("ns-a");
        var schema = store.IsCluster ? ClusterSecretStoreSchema.Value : SecretStoreSchema.Value;
        Problems(schema, json).Should().BeEmpty();
        json["kind"]!.GetValue<string>().Should().Be(store.IsCluster ? "ClusterSecretStore" : "SecretStore");
        ((JsonObject)json["metadata"]!).ContainsKey("namespace").Should().Be(!store.IsCluster);
    }

    [Fact]
    public void The_AWS_store_carries_no_endpoint_because_ESO_has_no_field_for_it()
    {
        var json = StoreFor("aws").ToJson("ns-a").ToJsonString();
        json.Should().NotContainAny("endpoint", "http://", "https://");
        json.Should().Contain("\"service\":\"SecretsManager\"").And.Contain("\"accessKeyIDSecretRef\"");
    }

    [Fact]
    public void Vault_kubernetes_auth_names_the_role_mount_and_service_account()
    {
        var json = StoreFor("vault-kubernetes").ToJson("ns-a");
        var auth = json["spec"]!["provider"]!["vault"]!["auth"]!["kubernetes"]!;
        auth["mountPath"]!.GetValue<string>().Should().Be("kubernetes");
        auth["role"]!.GetValue<string>().Should().Be("ns-a-eso");
        auth["serviceAccountRef"]!["name"]!.GetValue<string>().Should().Be("eso-reader");
        json["spec"]!["provider"]!["vault"]!["version"]!.GetValue<string>().Should().Be("v2");
    }

    public static TheoryData<string> ExternalSecrets => new() { "data", "property-version", "extract", "refresh-zero", "policies", "template", "cluster-store" };

    [Theory]
    [MemberData(nameof(ExternalSecrets))]
    public void ExternalSecret_manifests_are_accepted_by_the_real_CRD(string variant)
    {
        var json = ExternalSecretFor(variant).ToJson("ns-a");
        Problems(ExternalSecretSchema.Value, json).Should().BeEmpty();
    }

    [Fact]
    public void Defaults_render_as_ESO_reads_them()
    {
        var json = ExternalSecretFor("refresh-zero").ToJson("ns-a");
        json["spec"]!["refreshInterval"]!.GetValue<string>().Should().Be("0s");
        json["spec"]!["target"]!["name"]!.GetValue<string>().Should().Be("db-creds");
        var policies = ExternalSecretFor("policies").ToJson("ns-a")["spec"]!;
        policies["target"]!["creationPolicy"]!.GetValue<string>().Should().Be("Orphan");
        policies["target"]!["deletionPolicy"]!.GetValue<string>().Should().Be("Merge");
        policies["refreshPolicy"]!.GetValue<string>().Should().Be("OnChange");
        var extract = ExternalSecretFor("extract").ToJson("ns-a")["spec"]!;
        extract["dataFrom"]![0]!["extract"]!["key"]!.GetValue<string>().Should().Be("ns-a/db");
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(3, "3s")]
    [InlineData(90, "1m30s")]
    [InlineData(3600, "1h0m0s")]
    public void Durations_render_like_Go(int seconds, string expected) =>
        ExternalSecretManifest.GoDuration(TimeSpan.FromSeconds(seconds)).Should().Be(expected);

    [Fact]
    public void The_builder_refuses_what_ESO_would_refuse()
    {
        var es = ExternalSecretFor("data");
        ((Action)(() => es.WithCreationPolicy("Owned").ToJson("ns-a"))).Should().Throw<ArgumentException>().WithMessage("*target.creationPolicy 'Owned'*");
        ((Action)(() => es.WithCreationPolicy("Orphan").WithDeletionPolicy("Delete").ToJson("ns-a"))).Should().Throw<ArgumentException>()
            .WithMessage("*deletionPolicy Delete needs creationPolicy Owner*");
        ((Action)(() => new ExternalSecretManifest("empty", StoreReference.SecretStore("s")).ToJson("ns-a"))).Should().Throw<ArgumentException>()
            .WithMessage("*maps nothing*");
        ((Action)(() => StoreFor("aws").ToJson(null))).Should().Throw<ArgumentException>().WithMessage("*needs a namespace*");
    }

    // The premise of the "malformed ExternalSecret" scenario: the CRD schema rejects a bad enum value and names the field.
    [Fact]
    public void The_CRD_rejects_a_bad_creationPolicy_naming_the_field()
    {
        var json = ExternalSecretFor("data").ToJson("ns-a");
        json["spec"]!["target"]!["creationPolicy"] = "Owned";
        Problems(ExternalSecretSchema.Value, json).Should().ContainSingle().Which.Should().Contain("spec.target.creationPolicy");
    }

    private static SecretStoreManifest StoreFor(string variant) => variant switch
    {
        "aws" => SecretStoreManifest.Aws("store", "us-east-1", Akid, Sak),
        "aws-cluster" => SecretStoreManifest.Aws("ns-a-store", "us-east-1", Akid with { Namespace = "ns-a" }, Sak with { Namespace = "ns-a" }).AsClusterStore(),
        "vault-token" => SecretStoreManifest.Vault("store", new Uri("http://127.0.0.1:8200/"), VaultStoreAuth.Token(new("vault-token", "token"))),
        "vault-kubernetes" => SecretStoreManifest.Vault("store", new Uri("http://vault.vault.svc:8200"), VaultStoreAuth.Kubernetes("ns-a-eso", "eso-reader")),
        "vault-cluster" => SecretStoreManifest.Vault("ns-a-store", new Uri("http://vault.vault.svc:8200"),
            VaultStoreAuth.Kubernetes("ns-a-eso", "eso-reader", serviceAccountNamespace: "ns-a")).AsClusterStore(),
        "vault-refresh" => SecretStoreManifest.Vault("store", new Uri("http://127.0.0.1:8200/"), VaultStoreAuth.Token(new("vault-token", "token")))
            .WithRefreshInterval(TimeSpan.FromSeconds(5)),
        _ => throw new ArgumentOutOfRangeException(nameof(variant)),
    };

    private static ExternalSecretManifest ExternalSecretFor(string variant)
    {
        var basic = new ExternalSecretManifest("db", StoreReference.SecretStore("store")).WithTarget("db-creds")
            .RefreshingEvery(TimeSpan.FromSeconds(3)).WithData("password", new RemoteRef("ns-a/db", "password"));
        return variant switch
        {
            "data" => basic,
            "property-version" => basic.WithData("old-password", new RemoteRef("ns-a/db", "password", "AWSPREVIOUS")),
            "extract" => new ExternalSecretManifest("db", StoreReference.SecretStore("store")).WithExtract(new RemoteRef("ns-a/db")),
            "refresh-zero" => basic.RefreshingEvery(TimeSpan.Zero),
            "policies" => basic.WithCreationPolicy("Orphan").WithDeletionPolicy("Merge").WithRefreshPolicy("OnChange"),
            "template" => basic.WithTemplateData("dsn", "postgres://app:{{ .password }}@db/app"),
            "cluster-store" => new ExternalSecretManifest("db", StoreReference.ClusterSecretStore("ns-a-store"))
                .WithData("password", new RemoteRef("ns-a/db", "password")).WithAnnotation(ExternalSecretsDriver.ForceSyncAnnotation, "1"),
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };
    }

    private static IReadOnlyList<string> Problems(StructuralSchema schema, JsonObject manifest)
    {
        var outcome = schema.Process(manifest.DeepClone());
        return outcome.PrunedFields.Select(f => $"{f}: pruned (unknown to the CRD)").Concat(outcome.Errors.Select(e => e.ToString())).ToList();
    }

    private static StructuralSchema Schema(string file)
    {
        var path = SharedFolder.Upstream(Path.Combine("eso", file));
        var crd = YamlToJson.Documents(File.ReadAllText(path), path).Single();
        return StructuralSchema.FromCrd(crd, "v1");
    }
}
