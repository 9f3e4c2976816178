using System.Text.Json.Nodes;
using Conformance.Twin.Eso;
using Conformance.Twin.Eso.Model;
using Conformance.Twin.Eso.Providers.Aws;
using FluentAssertions;
using k8s.Models;
using Xunit;

namespace Conformance.Tests.TwinEso;

/// <summary>The twin's Secrets Manager client and aws provider against a real moto_server (issue 4: a real emulator, not ours).</summary>
public sealed class SecretsManagerAgainstMotoTests(MotoServerFixture moto) : IClassFixture<MotoServerFixture>
{
    private static readonly AwsCredentials Creds = new("AKIDTWINTEST", "twin-test-secret-key");
    private static readonly HttpClient Http = new();

    private SecretsManagerClient Client()
    {
        Assert.SkipWhen(moto.SkipReason is not null, moto.SkipReason ?? "");
        return new SecretsManagerClient(Http, moto.Endpoint!, "us-east-1", Creds, TimeProvider.System);
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static Task Create(SecretsManagerClient sm, string name, string value) =>
        sm.CallAsync("CreateSecret", new JsonObject { ["Name"] = name, ["SecretString"] = value }, CancellationToken.None);

    private static Task Put(SecretsManagerClient sm, string name, string value) =>
        sm.CallAsync("PutSecretValue", new JsonObject { ["SecretId"] = name, ["SecretString"] = value }, CancellationToken.None);

    [Fact]
    public async Task GetSecretValue_follows_rotation_through_version_stages()
    {
        var sm = Client();
        var name = Unique("rotate");
        await Create(sm, name, "one");
        await Put(sm, name, "two");

        var current = await sm.GetSecretValueAsync(name, null, "AWSCURRENT", CancellationToken.None);
        var previous = await sm.GetSecretValueAsync(name, null, "AWSPREVIOUS", CancellationToken.None);
        current.SecretString.Should().Be("two");
        current.VersionStages.Should().Contain("AWSCURRENT");
        previous.SecretString.Should().Be("one");
        var byId = await sm.GetSecretValueAsync(name, previous.VersionId, null, CancellationToken.None);
        byId.SecretString.Should().Be("one");
    }

    [Fact]
    public async Task Errors_carry_the_AWS_code_in_the_SDK_shape()
    {
        var sm = Client();
        var act = () => sm.GetSecretValueAsync(Unique("missing"), null, "AWSCURRENT", CancellationToken.None);
        var e = (await act.Should().ThrowAsync<AwsApiException>()).Which;
        e.Code.Should().Be("ResourceNotFoundException");
        // The status is whatever the endpoint sent (AWS: 400; moto: 404), as aws-sdk-go-v2 prints it.
        e.Message.Should().MatchRegex("^operation error Secrets Manager: GetSecretValue, https response error StatusCode: (400|404), RequestID: \\S+, ")
            .And.EndWith("ResourceNotFoundException: Secrets Manager can't find the specified secret.");
    }

    [Fact]
    public async Task A_secret_pending_deletion_answers_InvalidRequestException()
    {
        var sm = Client();
        var name = Unique("soft");
        await Create(sm, name, "x");
        await sm.CallAsync("DeleteSecret", new JsonObject { ["SecretId"] = name, ["RecoveryWindowInDays"] = 7 }, CancellationToken.None);
        var act = () => sm.GetSecretValueAsync(name, null, "AWSCURRENT", CancellationToken.None);
        (await act.Should().ThrowAsync<AwsApiException>()).Which.Code.Should().Be("InvalidRequestException");
    }

    private EsoTestBed AwsBed(IEnumerable<string>? faults = null)
    {
        Assert.SkipWhen(moto.SkipReason is not null, moto.SkipReason ?? "");
        return new EsoTestBed(faults, [new AwsSecretsManagerProvider(Http)], options: new EsoOptions { AwsSecretsManagerEndpoint = moto.Endpoint });
    }

    private static JsonObject AwsProvider() => new()
    {
        ["aws"] = new JsonObject
        {
            ["service"] = "SecretsManager", ["region"] = "us-east-1",
            ["auth"] = new JsonObject
            {
                ["secretRef"] = new JsonObject
                {
                    ["accessKeyIDSecretRef"] = new JsonObject { ["name"] = "awssm-creds", ["key"] = "access-key-id" },
                    ["secretAccessKeySecretRef"] = new JsonObject { ["name"] = "awssm-creds", ["key"] = "secret-access-key" },
                },
            },
        },
    };

    private static void PutCreds(EsoTestBed bed, string akid = "AKIDTWINTEST") =>
        bed.Cluster.PutSecret(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "awssm-creds", NamespaceProperty = EsoTestBed.Ns },
            StringData = null,
            Data = new Dictionary<string, byte[]>
            {
                ["access-key-id"] = System.Text.Encoding.UTF8.GetBytes(akid),
                ["secret-access-key"] = System.Text.Encoding.UTF8.GetBytes("twin-test-secret-key"),
            },
        });

    [Fact]
    public async Task Store_validation_reports_missing_credentials_as_ESO_does()
    {
        var bed = AwsBed();
        bed.PutStore("aws", AwsProvider(), ready: false);
        await bed.Stores.ReconcileAsync(StoreRef.SecretStoreKind, EsoTestBed.Ns, "aws", CancellationToken.None);
        var ready = bed.Cluster.Store(StoreRef.SecretStoreKind, EsoTestBed.Ns, "aws")!.Objects("status", "conditions").Single();
        (ready.Str("status"), ready.Str("reason"), ready.Str("message")).Should().Be(("False", "InvalidProviderConfig", "unable to create client"));
        bed.Cluster.Events.Should().Contain(e => e.Reason == "InvalidProviderConfig" && e.Message ==
            "unable to create session: could not fetch SecretAccessKey secret: cannot get Kubernetes secret \"awssm-creds\" from namespace \"e2e\": secrets \"awssm-creds\" not found");

        PutCreds(bed);
        await bed.Stores.ReconcileAsync(StoreRef.SecretStoreKind, EsoTestBed.Ns, "aws", CancellationToken.None);
        ready = bed.Cluster.Store(StoreRef.SecretStoreKind, EsoTestBed.Ns, "aws")!.Objects("status", "conditions").Single();
        (ready.Str("status"), ready.Str("reason"), ready.Str("message")).Should().Be(("True", "Valid", "store validated"));
    }

    [Fact]
    public async Task ExternalSecret_syncs_rotates_and_follows_deletion_against_moto()
    {
        var sm = Client();
        var bed = AwsBed();
        PutCreds(bed);
        bed.PutStore("e2e-store", AwsProvider(), ready: true);
        var key = Unique("app/db");
        await Create(sm, key, """{"user":"alice","password":"p1"}""");
        bed.Apply(es =>
        {
            es["spec"]!["data"] = new JsonArray(new JsonObject { ["secretKey"] = "password", ["remoteRef"] = new JsonObject { ["key"] = key, ["property"] = "password" } });
            es["spec"]!["target"]!["deletionPolicy"] = "Delete";
        });
        await bed.ReconcileAsync();
        bed.SecretData().Should().Equal(new Dictionary<string, string> { ["password"] = "p1" });

        await Put(sm, key, """{"user":"alice","password":"p2"}""");
        bed.Time.Advance(TimeSpan.FromSeconds(6));
        await bed.ReconcileAsync();
        bed.SecretData()!["password"].Should().Be("p2");

        await sm.CallAsync("DeleteSecret", new JsonObject { ["SecretId"] = key, ["ForceDeleteWithoutRecovery"] = true }, CancellationToken.None);
        bed.Time.Advance(TimeSpan.FromSeconds(6));
        await bed.ReconcileAsync();
        bed.Cluster.Secret(EsoTestBed.Ns, EsoTestBed.Target).Should().BeNull();
        bed.Ready()!.Value.Reason.Should().Be("SecretDeleted");
    }

    [Fact]
    public async Task Soft_deleted_secret_is_a_sync_error_on_ESO_2x()
    {
        var sm = Client();
        var bed = AwsBed();
        PutCreds(bed);
        bed.PutStore("e2e-store", AwsProvider(), ready: true);
        var key = Unique("soft");
        await Create(sm, key, "v1");
        bed.Apply(es =>
        {
            es["spec"]!["data"]![0]!["remoteRef"]!["key"] = key;
            es["spec"]!["target"]!["deletionPolicy"] = "Delete";
        });
        await bed.ReconcileAsync();
        await sm.CallAsync("DeleteSecret", new JsonObject { ["SecretId"] = key, ["RecoveryWindowInDays"] = 7 }, CancellationToken.None);
        bed.Time.Advance(TimeSpan.FromSeconds(6));
        await bed.ReconcileAsync();
        // reference/eso.md §4 gotcha: ESO >= 0.18 checks InvalidParameterException, AWS answers InvalidRequestException.
        bed.Ready().Should().Be(("False", "SecretSyncedError", "could not get secret data from provider"));
        bed.SecretData()!["value"].Should().Be("v1");
    }

    [Fact]
    public async Task Fault_writes_previous_version_reads_AWSPREVIOUS()
    {
        var sm = Client();
        var bed = AwsBed([EsoFaults.WritesPreviousVersion]);
        PutCreds(bed);
        bed.PutStore("e2e-store", AwsProvider(), ready: true);
        var key = Unique("prev");
        await Create(sm, key, "old");
        await Put(sm, key, "new");
        bed.Apply(es => es["spec"]!["data"]![0]!["remoteRef"]!["key"] = key);
        await bed.ReconcileAsync();
        bed.SecretData()!["value"].Should().Be("old");
    }

    [Fact]
    public async Task Unreachable_endpoint_is_a_sync_error()
    {
        Assert.SkipWhen(moto.SkipReason is not null, moto.SkipReason ?? "");
        var options = new EsoOptions { AwsSecretsManagerEndpoint = new Uri("http://127.0.0.1:1/") };
        var bed = new EsoTestBed(null, [new AwsSecretsManagerProvider(Http)], options: options);
        PutCreds(bed);
        bed.PutStore("e2e-store", AwsProvider(), ready: true);
        bed.Apply();
        var outcome = await bed.ReconcileAsync();
        outcome.Error.Should().NotBeNull();
        bed.Ready().Should().Be(("False", "SecretSyncedError", "could not get secret data from provider"));
        bed.Cluster.Events.Should().Contain(e => e.Reason == "UpdateFailed" && e.Message.Contains("request send failed"));
    }
}
