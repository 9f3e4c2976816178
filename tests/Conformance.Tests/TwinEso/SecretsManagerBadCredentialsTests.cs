using System.Text.Json.Nodes;
using Conformance.Twin.Eso;
using Conformance.Twin.Eso.Providers.Aws;
using FluentAssertions;
using k8s.Models;
using Xunit;

namespace Conformance.Tests.TwinEso;

/// <summary>moto_server with its request authentication on (INITIAL_NO_AUTH_ACTION_COUNT=0): unknown keys are refused.</summary>
public sealed class AuthenticatingMotoFixture : MotoServerFixture
{
    protected override IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["INITIAL_NO_AUTH_ACTION_COUNT"] = "0" };
}

/// <summary>A store with keys AWS does not know: the store is Ready (ESO validates credentials offline) and the sync fails.</summary>
public sealed class SecretsManagerBadCredentialsTests(AuthenticatingMotoFixture moto) : IClassFixture<AuthenticatingMotoFixture>
{
    [Fact]
    public async Task Unknown_keys_give_SecretSyncedError_with_the_AWS_error()
    {
        Assert.SkipWhen(moto.SkipReason is not null, moto.SkipReason ?? "");
        var bed = new EsoTestBed(null, [new AwsSecretsManagerProvider(new HttpClient())], options: new EsoOptions { AwsSecretsManagerEndpoint = moto.Endpoint });
        bed.Cluster.PutSecret(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "awssm-creds", NamespaceProperty = EsoTestBed.Ns },
            Data = new Dictionary<string, byte[]> { ["id"] = "AKIDUNKNOWN"u8.ToArray(), ["key"] = "wrong"u8.ToArray() },
        });
        var provider = new JsonObject
        {
            ["aws"] = new JsonObject
            {
                ["service"] = "SecretsManager", ["region"] = "us-east-1",
                ["auth"] = new JsonObject { ["secretRef"] = new JsonObject
                {
                    ["accessKeyIDSecretRef"] = new JsonObject { ["name"] = "awssm-creds", ["key"] = "id" },
                    ["secretAccessKeySecretRef"] = new JsonObject { ["name"] = "awssm-creds", ["key"] = "key" },
                } },
            },
        };
        bed.PutStore("e2e-store", provider, ready: false);
        await bed.Stores.ReconcileAsync("SecretStore", EsoTestBed.Ns, "e2e-store", CancellationToken.None);
        // reference/eso.md §4: AWS Validate() only retrieves static credentials, no network call => Ready.
        bed.Cluster.Store("SecretStore", EsoTestBed.Ns, "e2e-store")!["status"]!["conditions"]![0]!["status"]!.GetValue<string>().Should().Be("True");

        bed.Apply();
        var outcome = await bed.ReconcileAsync();
        outcome.Error.Should().NotBeNull();
        bed.Ready().Should().Be(("False", "SecretSyncedError", "could not get secret data from provider"));
        bed.Cluster.Events.Should().Contain(e => e.Reason == "UpdateFailed"
            && e.Message.StartsWith("error processing spec.data[0] (key: remote), err: operation error Secrets Manager: GetSecretValue, https response error StatusCode: 403", StringComparison.Ordinal)
            && e.Message.EndsWith("api error InvalidClientTokenId: The security token included in the request is invalid.", StringComparison.Ordinal));
    }
}
