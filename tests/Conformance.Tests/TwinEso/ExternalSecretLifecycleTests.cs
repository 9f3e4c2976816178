using System.Text;
using System.Text.Json.Nodes;
using Conformance.Twin.Eso;
using Conformance.Twin.Eso.Hashing;
using Conformance.Twin.Eso.Model;
using FluentAssertions;
using k8s.Models;
using Xunit;

namespace Conformance.Tests.TwinEso;

/// <summary>
/// The ExternalSecret reconciler's decisions, case by case in the manner of ESO's e2e common cases (reference/eso.md §5):
/// one default ExternalSecret, a tweak per case, a fake remote, and assertions on the Secret, the status and the events.
/// </summary>
public sealed class ExternalSecretLifecycleTests
{
    private static JsonObject Spec(JsonObject es) => (JsonObject)es["spec"]!;
    private static JsonObject TargetOf(JsonObject es) => (JsonObject)es["spec"]!["target"]!;

    [Fact]
    public async Task SimpleDataSync_creates_an_owned_secret_with_ESO_bookkeeping()
    {
        var bed = new EsoTestBed();
        bed.Remote.CreateSecret("remote", "v1-value");
        var es = bed.Apply();

        var outcome = await bed.ReconcileAsync();

        bed.SecretData().Should().Equal(new Dictionary<string, string> { ["value"] = "v1-value" });
        var secret = bed.Cluster.Secret(EsoTestBed.Ns, EsoTestBed.Target)!;
        secret.Metadata.Labels.Should().Contain(EsoLabels.Managed, "true")
            .And.Contain(EsoLabels.CreatedBy, GoObjectHash.OfString($"{EsoTestBed.Ns}/{EsoTestBed.EsName}"));
        secret.Metadata.Annotations[EsoLabels.DataHash].Should().Be(GoObjectHash.OfData(secret.Data));
        secret.Type.Should().Be("Opaque");
        var owner = secret.Metadata.OwnerReferences.Should().ContainSingle().Subject;
        owner.Kind.Should().Be("ExternalSecret");
        owner.Controller.Should().BeTrue();
        owner.BlockOwnerDeletion.Should().BeTrue();
        owner.Uid.Should().Be(es.Str("metadata", "uid"));

        bed.Ready().Should().Be(("True", "SecretSynced", "secret synced"));
        bed.Status("refreshTime").Should().Be("2026-11-22T12:00:00Z");
        bed.Status("syncedResourceVersion").Should().StartWith("1-");
        bed.Cluster.ExternalSecret(EsoTestBed.Ns, EsoTestBed.EsName).Str("status", "binding", "name").Should().Be(EsoTestBed.Target);
        bed.Cluster.ExternalSecret(EsoTestBed.Ns, EsoTestBed.EsName)!.StrList("metadata", "finalizers").Should().Contain(EsoLabels.Finalizer);
        bed.Cluster.Events.Should().ContainSingle(e => e.Reason == "Created" && e.Message == "secret created" && e.Type == "Normal");
        outcome.RequeueAfter.Should().Be(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Rotation_reaches_the_secret_only_when_the_interval_has_elapsed()
    {
        var bed = new EsoTestBed();
        bed.Remote.CreateSecret("remote", "v1");
        bed.Apply();
        await bed.ReconcileAsync();
        bed.Remote.CreateSecret("remote", "v2");

        bed.Time.Advance(TimeSpan.FromSeconds(3));
        var early = await bed.ReconcileAsync();
        bed.SecretData()!["value"].Should().Be("v1");
        early.RequeueAfter.Should().Be(TimeSpan.FromSeconds(2));

        bed.Time.Advance(TimeSpan.FromSeconds(3));
        await bed.ReconcileAsync();
        bed.SecretData()!["value"].Should().Be("v2");
        bed.Status("refreshTime").Should().Be("2026-11-22T12:00:06Z");
        bed.EventReasons.Should().Contain("Updated");
    }

    [Fact]
    public async Task Unchanged_data_does_not_rewrite_the_secret()
    {
        var bed = new EsoTestBed();
        bed.Remote.CreateSecret("remote", "v1");
        bed.Apply();
        await bed.ReconcileAsync();
        var writes = bed.Cluster.SecretWrites;
        bed.Time.Advance(TimeSpan.FromSeconds(6));
        await bed.ReconcileAsync();
        bed.Cluster.SecretWrites.Should().Be(writes);
        bed.EventReasons.Should().NotContain("Updated");
    }

    [Fact]
    public async Task Zero_interval_never_refreshes_even_after_a_spec_change()
    {
        var bed = new EsoTestBed();
        bed.Remote.CreateSecret("remote", "v1");
        bed.Apply(es => Spec(es)["refreshInterval"] = "0");
        var first = await bed.ReconcileAsync();
        first.RequeueAfter.Should().BeNull();
        bed.Remote.CreateSecret("remote", "v2");
        bed.Time.Advance(TimeSpan.FromHours(2));
        bed.Apply(es => Spec(es)["data"]![0]!["remoteRef"]!["version"] = "2"); // #4167: spec edits do not re-sync
        await bed.ReconcileAsync();
        bed.SecretData()!["value"].Should().Be("v1");
    }

    [Fact]
    public async Task Force_sync_annotation_syncs_before_the_interval_and_is_copied_to_the_secret()
    {
        var bed = new EsoTestBed();
        bed.Remote.CreateSecret("remote", "v1");
        bed.Apply(es => Spec(es)["refreshInterval"] = "1h");
        await bed.ReconcileAsync();
        bed.Remote.CreateSecret("remote", "v2");
        bed.Time.Advance(TimeSpan.FromSeconds(1));
        bed.Apply(es => es["metadata"]!["annotations"] = new JsonObject { [EsoLabels.ForceSync] = "1763812801" });
        await bed.ReconcileAsync();
        bed.SecretData()!["value"].Should().Be("v2");
        bed.Cluster.Secret(EsoTestBed.Ns, EsoTestBed.Target)!.Metadata.Annotations.Should().Contain(EsoLabels.ForceSync, "1763812801");
    }

    [Fact]
    public async Task Fault_ignores_force_sync_keeps_the_stale_value()
    {
        var bed = new EsoTestBed([EsoFaults.IgnoresForceSync]);
        bed.Remote.CreateSecret("remote", "v1");
        bed.Apply(es => Spec(es)["refreshInterval"] = "1h");
        await bed.ReconcileAsync();
        bed.Remote.CreateSecret("remote", "v2");
        bed.Apply(es => es["metadata"]!["annotations"] = new JsonObject { [EsoLabels.ForceSync] = "1" });
        await bed.ReconcileAsync();
        bed.SecretData()!["value"].Should().Be("v1");
    }

    [Fact]
    public async Task Fault_never_refreshes_ignores_the_interval()
    {
        var bed = new EsoTestBed([EsoFaults.NeverRefreshes]);
        bed.Remote.CreateSecret("remote", "v1");
        bed.Apply();
        var first = await bed.ReconcileAsync();
        first.RequeueAfter.Should().BeNull();
        bed.Remote.CreateSecret("remote", "v2");
        bed.Time.Advance(TimeSpan.FromMinutes(1));
        await bed.ReconcileAsync();
        bed.SecretData()!["value"].Should().Be("v1");
    }

    [Theory]
    [InlineData("CreatedOnce", true, false)]  // CreatedOnce: neither time nor a change refreshes
    [InlineData("OnChange", false, false)]    // OnChange: time alone does not refresh
    [InlineData("OnChange", true, true)]      // ... a metadata change does
    [InlineData("Periodic", false, true)]     // Periodic: the interval does
    public async Task Refresh_policies(string policy, bool bumpAnnotation, bool expectRefreshed)
    {
        var bed = new EsoTestBed();
        bed.Remote.CreateSecret("remote", "v1");
        bed.Apply(es => Spec(es)["refreshPolicy"] = policy);
        await bed.ReconcileAsync();
        bed.Remote.CreateSecret("remote", "v2");
        bed.Time.Advance(TimeSpan.FromSeconds(10));
        if (bumpAnnotation) bed.Apply(es => es["metadata"]!["annotations"] = new JsonObject { ["force-sync"] = "2" });
        await bed.ReconcileAsync();
        bed.SecretData()!["value"].Should().Be(expectRefreshed ? "v2" : "v1");
    }

    [Fact]
    public async Task JSON_property_and_dataFrom_extract()
    {
        var bed = new EsoTestBed();
        bed.Remote.CreateSecret("json", """{"user":"alice","db":{"host":"pg","port":5432},"odd key":"x"}""");
        bed.Apply(es =>
        {
            Spec(es)["data"] = new JsonArray(
                new JsonObject { ["secretKey"] = "user", ["remoteRef"] = new JsonObject { ["key"] = "json", ["property"] = "user" } },
                new JsonObject { ["secretKey"] = "host", ["remoteRef"] = new JsonObject { ["key"] = "json", ["property"] = "db.host" } });
            Spec(es)["dataFrom"] = new JsonArray(new JsonObject { ["extract"] = new JsonObject { ["key"] = "json" } });
        });
        await bed.ReconcileAsync();
        bed.SecretData().Should().Equal(new Dictionary<string, string>
        {
            ["user"] = "alice", ["host"] = "pg", ["db"] = """{"host":"pg","port":5432}""", ["odd_key"] = "x",
        });
    }

    [Fact]
    public async Task Missing_property_is_a_sync_error()
    {
        var bed = new EsoTestBed();
        bed.Remote.CreateSecret("remote", """{"user":"alice"}""");
        bed.Apply(es => Spec(es)["data"]![0]!["remoteRef"]!["property"] = "password");
        var outcome = await bed.ReconcileAsync();
        outcome.Error.Should().NotBeNull();
        bed.Ready().Should().Be(("False", "SecretSyncedError", "could not get secret data from provider"));
        bed.Cluster.Events.Should().ContainSingle(e => e.Reason == "UpdateFailed" && e.Type == "Warning"
            && e.Message == "error processing spec.data[0] (key: remote), err: key password does not exist in secret remote");
        bed.Cluster.Secret(EsoTestBed.Ns, EsoTestBed.Target).Should().BeNull();
    }

    // Remote deletion under each deletionPolicy (reference/eso.md §4, docs/guides/ownership-deletion-policy.md).
    [Fact]
    public async Task Deletion_Retain_keeps_the_stale_secret_and_reports_the_error()
    {
        var bed = new EsoTestBed();
        bed.Remote.CreateSecret("remote", "v1");
        bed.Apply();
        await bed.ReconcileAsync();
        bed.Remote.DeleteSecret("remote");
        bed.Time.Advance(TimeSpan.FromSeconds(6));
        var outcome = await bed.ReconcileAsync();
        outcome.Error.Should().NotBeNull();
        bed.SecretData()!["value"].Should().Be("v1");
        bed.Ready().Should().Be(("False", "SecretSyncedError", "could not get secret data from provider"));
        bed.EventReasons.Should().Contain("UpdateFailed").And.NotContain("MissingProviderSecret");
    }

    [Fact]
    public async Task Deletion_Delete_removes_the_secret_when_all_data_is_gone()
    {
        var bed = new EsoTestBed();
        bed.Remote.CreateSecret("remote", "v1");
        bed.Apply(es => TargetOf(es)["deletionPolicy"] = "Delete");
        await bed.ReconcileAsync();
        bed.Remote.DeleteSecret("remote");
        bed.Time.Advance(TimeSpan.FromSeconds(6));
        await bed.ReconcileAsync();
        bed.Cluster.Secret(EsoTestBed.Ns, EsoTestBed.Target).Should().BeNull();
        bed.Ready().Should().Be(("True", "SecretDeleted", "secret deleted due to DeletionPolicy=Delete"));
        bed.Cluster.Events.Should().Contain(e => e.Reason == "MissingProviderSecret" && e.Message == "secret does not exist at provider using spec.dataFrom[0] (key=remote)");
        bed.Cluster.Events.Should().Contain(e => e.Reason == "Deleted" && e.Message == "secret deleted due to DeletionPolicy=Delete");
    }

    [Fact]
    public async Task Deletion_Merge_removes_only_the_missing_keys()
    {
        var bed = new EsoTestBed();
        bed.Remote.CreateSecret("remote", "v1");
        bed.Remote.CreateSecret("other", "o1");
        bed.Apply(es =>
        {
            TargetOf(es)["deletionPolicy"] = "Merge";
            ((JsonArray)Spec(es)["data"]!).Add(new JsonObject { ["secretKey"] = "other", ["remoteRef"] = new JsonObject { ["key"] = "other" } });
        });
        await bed.ReconcileAsync();
        bed.Remote.DeleteSecret("remote");
        bed.Time.Advance(TimeSpan.FromSeconds(6));
        await bed.ReconcileAsync();
        bed.SecretData().Should().Equal(new Dictionary<string, string> { ["other"] = "o1" });
        bed.Ready().Should().Be(("True", "SecretSynced", "secret synced"));
    }

    [Fact]
    public async Task Deletion_Delete_with_Orphan_is_refused_without_retry()
    {
        var bed = new EsoTestBed();
        bed.Apply(es => { TargetOf(es)["deletionPolicy"] = "Delete"; TargetOf(es)["creationPolicy"] = "Orphan"; });
        var outcome = await bed.ReconcileAsync();
        outcome.Error.Should().BeNull();
        outcome.RequeueAfter.Should().BeNull();
        bed.Ready().Should().Be(("False", "SecretSyncedError", "could not delete secret"));
        bed.Cluster.Events.Should().Contain(e => e.Message == $"unable to delete secret {EsoTestBed.Target}: creationPolicy=Orphan is not Owner");
    }

    [Fact]
    public async Task Fault_deletes_under_retain_removes_the_secret()
    {
        var bed = new EsoTestBed([EsoFaults.DeletesUnderRetain]);
        bed.Remote.CreateSecret("remote", "v1");
        bed.Apply();
        await bed.ReconcileAsync();
        bed.Remote.DeleteSecret("remote");
        bed.Time.Advance(TimeSpan.FromSeconds(6));
        await bed.ReconcileAsync();
        bed.Cluster.Secret(EsoTestBed.Ns, EsoTestBed.Target).Should().BeNull();
    }

    [Fact]
    public async Task Fault_ready_while_failing_hides_the_error()
    {
        var bed = new EsoTestBed([EsoFaults.ReadyWhileFailing]);
        bed.Apply();
        await bed.ReconcileAsync();
        bed.Ready().Should().Be(("True", "SecretSynced", "secret synced"));
    }

    [Fact]
    public async Task CreationPolicy_Orphan_has_no_owner()
    {
        var bed = new EsoTestBed();
        bed.Remote.CreateSecret("remote", "v1");
        bed.Apply(es => TargetOf(es)["creationPolicy"] = "Orphan");
        await bed.ReconcileAsync();
        var secret = bed.Cluster.Secret(EsoTestBed.Ns, EsoTestBed.Target)!;
        secret.Metadata.OwnerReferences.Should().BeNullOrEmpty();
        secret.Metadata.Labels.Should().NotContainKey(EsoLabels.CreatedBy).And.Contain(EsoLabels.Managed, "true");
        bed.Cluster.DeleteExternalSecretWithGc(EsoTestBed.Ns, EsoTestBed.EsName);
        bed.Cluster.Secret(EsoTestBed.Ns, EsoTestBed.Target).Should().NotBeNull();
    }

    [Fact]
    public async Task CreationPolicy_Owner_secret_is_garbage_collected_with_the_ExternalSecret()
    {
        var bed = new EsoTestBed();
        bed.Remote.CreateSecret("remote", "v1");
        bed.Apply();
        await bed.ReconcileAsync();
        bed.Cluster.DeleteExternalSecretWithGc(EsoTestBed.Ns, EsoTestBed.EsName);
        bed.Cluster.Secret(EsoTestBed.Ns, EsoTestBed.Target).Should().BeNull();
    }

    [Fact]
    public async Task CreationPolicy_Merge_waits_for_the_secret_then_merges_into_it()
    {
        var bed = new EsoTestBed();
        bed.Remote.CreateSecret("remote", "v1");
        bed.Apply(es => TargetOf(es)["creationPolicy"] = "Merge");
        await bed.ReconcileAsync();
        bed.Ready().Should().Be(("True", "SecretMissing", "secret will not be created due to CreationPolicy=Merge"));
        bed.Cluster.Secret(EsoTestBed.Ns, EsoTestBed.Target).Should().BeNull();

        bed.Cluster.PutSecret(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = EsoTestBed.Target, NamespaceProperty = EsoTestBed.Ns },
            Data = new Dictionary<string, byte[]> { ["mine"] = Encoding.UTF8.GetBytes("kept") },
        });
        bed.Time.Advance(TimeSpan.FromSeconds(6));
        await bed.ReconcileAsync(); // labels the Secret as managed, requeues
        await bed.ReconcileAsync();
        bed.SecretData().Should().Equal(new Dictionary<string, string> { ["mine"] = "kept", ["value"] = "v1" });
    }

    [Fact]
    public async Task CreationPolicy_None_writes_nothing()
    {
        var bed = new EsoTestBed();
        bed.Remote.CreateSecret("remote", "v1");
        bed.Apply(es => TargetOf(es)["creationPolicy"] = "None");
        await bed.ReconcileAsync();
        bed.Cluster.Secret(EsoTestBed.Ns, EsoTestBed.Target).Should().BeNull();
        bed.Ready().Should().Be(("True", "SecretSynced", "secret synced"));
    }

    [Fact]
    public async Task Tampered_secret_is_rewritten_before_the_interval()
    {
        var bed = new EsoTestBed();
        bed.Remote.CreateSecret("remote", "v1");
        bed.Apply(es => Spec(es)["refreshInterval"] = "1h");
        await bed.ReconcileAsync();
        var secret = bed.Cluster.Secret(EsoTestBed.Ns, EsoTestBed.Target)!;
        secret.Data["value"] = Encoding.UTF8.GetBytes("tampered");
        bed.Cluster.PutSecret(secret);
        await bed.ReconcileAsync();
        bed.SecretData()!["value"].Should().Be("v1");
    }

    [Fact]
    public async Task Template_renders_type_metadata_and_data()
    {
        var bed = new EsoTestBed();
        bed.Remote.CreateSecret("remote", """{"user":"alice","pass":"s3cr3t"}""");
        bed.Apply(es =>
        {
            Spec(es)["data"] = new JsonArray();
            Spec(es)["dataFrom"] = new JsonArray(new JsonObject { ["extract"] = new JsonObject { ["key"] = "remote" } });
            TargetOf(es)["template"] = new JsonObject
            {
                ["type"] = "kubernetes.io/basic-auth",
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["tier"] = "two" } },
                ["data"] = new JsonObject { ["username"] = "{{ .user }}", ["dsn"] = "postgres://{{ .user }}:{{ .pass | upper }}@db" },
            };
        });
        await bed.ReconcileAsync();
        bed.SecretData().Should().Equal(new Dictionary<string, string> { ["username"] = "alice", ["dsn"] = "postgres://alice:S3CR3T@db" });
        var secret = bed.Cluster.Secret(EsoTestBed.Ns, EsoTestBed.Target)!;
        secret.Type.Should().Be("kubernetes.io/basic-auth");
        secret.Metadata.Labels.Should().Contain("tier", "two");
    }

    [Fact]
    public async Task Template_with_an_unknown_key_fails_the_sync()
    {
        var bed = new EsoTestBed();
        bed.Remote.CreateSecret("remote", "v1");
        bed.Apply(es => TargetOf(es)["template"] = new JsonObject { ["data"] = new JsonObject { ["x"] = "{{ .nope }}" } });
        await bed.ReconcileAsync();
        bed.Ready().Should().Be(("False", "SecretSyncedError", "could not update secret"));
        bed.Cluster.Events.Should().Contain(e => e.Reason == "UpdateFailed" && e.Message.Contains("map has no entry for key \"nope\""));
    }

    [Fact]
    public async Task Secret_owned_by_another_ExternalSecret_is_not_taken_over()
    {
        var bed = new EsoTestBed();
        bed.Remote.CreateSecret("remote", "v1");
        bed.Cluster.PutSecret(new V1Secret
        {
            Metadata = new V1ObjectMeta
            {
                Name = EsoTestBed.Target, NamespaceProperty = EsoTestBed.Ns,
                Labels = new Dictionary<string, string> { [EsoLabels.Managed] = "true" },
                OwnerReferences = [new V1OwnerReference { ApiVersion = "external-secrets.io/v1", Kind = "ExternalSecret", Name = "someone-else", Uid = "u", Controller = true }],
            },
        });
        bed.Apply();
        await bed.ReconcileAsync();
        bed.Ready().Should().Be(("False", "SecretSyncedError", "target is owned by another ExternalSecret"));
        bed.Cluster.Events.Should().Contain(e => e.Message == "secret is owned by another ExternalSecret: someone-else");
    }

    [Fact]
    public async Task Store_not_ready_blocks_the_sync()
    {
        var bed = new EsoTestBed();
        bed.PutStore("e2e-store", new JsonObject { ["fake"] = new JsonObject() }, ready: false);
        bed.Apply();
        var outcome = await bed.ReconcileAsync();
        outcome.Error.Should().NotBeNull();
        bed.Cluster.Events.Should().Contain(e => e.Message == "error processing spec.data[0] (key: remote), err: SecretStore \"e2e-store\" is not ready");
    }

    [Fact]
    public async Task Missing_store_is_named_in_the_error()
    {
        var bed = new EsoTestBed();
        bed.Apply(es => Spec(es)["secretStoreRef"]!["name"] = "nope");
        await bed.ReconcileAsync();
        bed.Cluster.Events.Should().Contain(e => e.Message.EndsWith("could not get SecretStore \"nope\", secretstores.external-secrets.io \"nope\" not found", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClusterSecretStore_conditions_select_namespaces()
    {
        var bed = new EsoTestBed();
        bed.Remote.CreateSecret("remote", "v1");
        bed.PutStore("shared", new JsonObject { ["fake"] = new JsonObject() }, ready: true, kind: StoreRef.ClusterSecretStoreKind,
            conditions: new JsonArray(new JsonObject { ["namespaces"] = new JsonArray("team-a") }));
        bed.Apply(es => Spec(es)["secretStoreRef"] = new JsonObject { ["name"] = "shared", ["kind"] = "ClusterSecretStore" });
        await bed.ReconcileAsync();
        bed.Cluster.Events.Should().Contain(e => e.Message.EndsWith("using cluster store \"shared\" is not allowed from namespace \"e2e\": denied by spec.condition", StringComparison.Ordinal));

        bed.PutStore("shared", new JsonObject { ["fake"] = new JsonObject() }, ready: true, kind: StoreRef.ClusterSecretStoreKind,
            conditions: new JsonArray(new JsonObject { ["namespaces"] = new JsonArray("team-a", EsoTestBed.Ns) }));
        bed.Apply(es => es["metadata"]!["annotations"] = new JsonObject { ["force-sync"] = "1" });
        await bed.ReconcileAsync();
        bed.SecretData()!["value"].Should().Be("v1");
    }

    [Fact]
    public async Task Deleting_the_ExternalSecret_removes_the_finalizer_and_under_Delete_the_secret()
    {
        var bed = new EsoTestBed();
        bed.Remote.CreateSecret("remote", "v1");
        bed.Apply(es => TargetOf(es)["deletionPolicy"] = "Delete");
        await bed.ReconcileAsync();
        bed.Apply(es => es["metadata"]!["deletionTimestamp"] = "2026-11-22T12:00:10Z");
        await bed.ReconcileAsync();
        bed.Cluster.Secret(EsoTestBed.Ns, EsoTestBed.Target).Should().BeNull();
        bed.Cluster.ExternalSecret(EsoTestBed.Ns, EsoTestBed.EsName)!.StrList("metadata", "finalizers").Should().NotContain(EsoLabels.Finalizer);
    }

    [Fact]
    public async Task Status_conflict_requeues_immediately()
    {
        var bed = new EsoTestBed();
        bed.Remote.CreateSecret("remote", "v1");
        bed.Apply();
        var cluster = new ConflictOnceCluster(bed.Cluster);
        var reconciler = new Conformance.Twin.Eso.Controllers.ExternalSecretReconciler(cluster, bed.Options, bed.Providers,
            new Conformance.Twin.Eso.Generators.VaultDynamicSecretGenerator(new HttpClient()));
        var outcome = await reconciler.ReconcileAsync(EsoTestBed.Ns, EsoTestBed.EsName, CancellationToken.None);
        outcome.RequeueNow.Should().BeTrue();
    }
}
