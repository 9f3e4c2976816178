// The client calls here are short and bounded by the twin; passing the test cancellation token to each adds noise only.
#pragma warning disable xUnit1051
using Xunit;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using k8s;
using k8s.Models;

namespace Conformance.Tests.TwinKube;

public sealed class CrdAndAuthTests(TwinKubeFixture f) : IClassFixture<TwinKubeFixture>
{
    const string Group = "mlops.mlops.dev", Version = "v1alpha1", Plural = "notebookvalidationjobs";

    async Task EnsureCrdAsync()
    {
        var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(File.ReadAllText(Upstream.OperatorCrd));
        try { await f.Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd); }
        catch (k8s.Autorest.HttpOperationException e) when ((int)e.Response.StatusCode == 409) { }
        var stored = await f.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd.Metadata.Name);
        stored.Status.Conditions.Should().Contain(c => c.Type == "Established" && c.Status == "True");
    }

    static JsonObject Job(string name, JsonObject spec) => new()
    {
        ["apiVersion"] = $"{Group}/{Version}", ["kind"] = "NotebookValidationJob", ["metadata"] = new JsonObject { ["name"] = name }, ["spec"] = spec,
    };

    static JsonObject AsJson(object o) => JsonNode.Parse(JsonSerializer.Serialize(o))!.AsObject();

    [Fact]
    public async Task The_operator_crd_validates_defaults_and_splits_status()
    {
        await EnsureCrdAsync();
        var ns = await f.NewNamespaceAsync();
        var (code, st) = await TwinKubeFixture.FailureOf(() => f.Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            Job("bad", new JsonObject { ["podConfig"] = new JsonObject { ["containerImage"] = "img" } }), Group, Version, ns, Plural));
        code.Should().Be(422);
        st["reason"]!.GetValue<string>().Should().Be("Invalid");
        st["message"]!.GetValue<string>().Should().Be("NotebookValidationJob.mlops.mlops.dev \"bad\" is invalid: spec.notebook: Required value");
        st["details"]!["causes"]![0]!["field"]!.GetValue<string>().Should().Be("spec.notebook");

        var good = Job("good", new JsonObject
        {
            ["notebook"] = new JsonObject { ["git"] = new JsonObject { ["url"] = "https://example.com/r.git", ["ref"] = "main" }, ["path"] = "a.ipynb" },
            ["podConfig"] = new JsonObject { ["containerImage"] = "img" },
        });
        var created = AsJson(await f.Client.CustomObjects.CreateNamespacedCustomObjectAsync(good, Group, Version, ns, Plural));
        created["spec"]!["timeout"]!.GetValue<string>().Should().Be("30m");
        created["spec"]!["podConfig"]!["serviceAccountName"]!.GetValue<string>().Should().Be("default");
        created["metadata"]!["generation"]!.GetValue<long>().Should().Be(1);

        var afterStatus = AsJson(await f.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"phase":"Running"},"spec":{"timeout":"1h"}}""", V1Patch.PatchType.MergePatch), Group, Version, ns, Plural, "good"));
        afterStatus["status"]!["phase"]!.GetValue<string>().Should().Be("Running");
        afterStatus["spec"]!["timeout"]!.GetValue<string>().Should().Be("30m");
        afterStatus["metadata"]!["generation"]!.GetValue<long>().Should().Be(1);

        var specChange = AsJson(await f.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"timeout":"1h"},"status":{"phase":"Failed"}}""", V1Patch.PatchType.MergePatch), Group, Version, ns, Plural, "good"));
        specChange["metadata"]!["generation"]!.GetValue<long>().Should().Be(2);
        specChange["status"]!["phase"]!.GetValue<string>().Should().Be("Running");
    }

    [Fact]
    public async Task Server_side_apply_creates_merges_and_reports_conflicts()
    {
        await EnsureCrdAsync();
        var ns = await f.NewNamespaceAsync();
        var body = """
            {"apiVersion":"mlops.mlops.dev/v1alpha1","kind":"NotebookValidationJob","metadata":{"name":"ssa"},
             "spec":{"notebook":{"git":{"url":"https://example.com/r.git","ref":"main"},"path":"a.ipynb"},"podConfig":{"containerImage":"img"}}}
            """;
        await f.Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(body, V1Patch.PatchType.ApplyPatch), Group, Version, ns, Plural, "ssa", fieldManager: "harness");
        await f.Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch("""{"spec":{"podConfig":{"containerImage":"other"}}}""", V1Patch.PatchType.MergePatch),
            Group, Version, ns, Plural, "ssa", fieldManager: "someone");
        var (code, st) = await TwinKubeFixture.FailureOf(() => f.Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(body, V1Patch.PatchType.ApplyPatch), Group, Version, ns, Plural, "ssa", fieldManager: "harness"));
        code.Should().Be(409);
        st["message"]!.GetValue<string>().Should().Be("Apply failed with 1 conflict: conflict with \"someone\": .spec.podConfig.containerImage");
        var forced = AsJson(await f.Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(body, V1Patch.PatchType.ApplyPatch), Group, Version, ns, Plural, "ssa", fieldManager: "harness", force: true));
        forced["spec"]!["podConfig"]!["containerImage"]!.GetValue<string>().Should().Be("img");
        forced["metadata"]!["managedFields"]!.AsArray().Select(m => m!["manager"]!.GetValue<string>()).Should().Contain("harness");
    }

    [Fact]
    public async Task Service_account_tokens_authenticate_and_rbac_denies_with_the_real_text()
    {
        var ns = await f.NewNamespaceAsync();
        await f.Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "runner" } }, ns);
        var tr = await f.Client.CoreV1.CreateNamespacedServiceAccountTokenAsync(new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { ExpirationSeconds = 600 } }, "runner", ns);
        tr.Status.Token.Should().NotBeNullOrEmpty();
        using var sa = f.ClientWithToken(tr.Status.Token);

        var (code, st) = await TwinKubeFixture.FailureOf(() => sa.CoreV1.ReadNamespacedSecretAsync("x", "default"));
        code.Should().Be(403);
        st["message"]!.GetValue<string>().Should().Be($"secrets \"x\" is forbidden: User \"system:serviceaccount:{ns}:runner\" cannot get resource \"secrets\" in API group \"\" in the namespace \"default\"");
        var (code2, st2) = await TwinKubeFixture.FailureOf(() => sa.CoreV1.ListNodeAsync());
        code2.Should().Be(403);
        st2["message"]!.GetValue<string>().Should().Be($"nodes is forbidden: User \"system:serviceaccount:{ns}:runner\" cannot list resource \"nodes\" in API group \"\" at the cluster scope");

        await f.Client.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new V1ObjectMeta { Name = "read-db" },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["secrets"], Verbs = ["get"], ResourceNames = ["db"] }],
        }, ns);
        await f.Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "read-db" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "read-db" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "runner", NamespaceProperty = ns }],
        }, ns);
        await f.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "db" } }, ns);
        await f.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "other" } }, ns);
        (await sa.CoreV1.ReadNamespacedSecretAsync("db", ns)).Metadata.Name.Should().Be("db");
        (await TwinKubeFixture.FailureOf(() => sa.CoreV1.ReadNamespacedSecretAsync("other", ns))).Code.Should().Be(403);
        (await TwinKubeFixture.FailureOf(() => sa.CoreV1.ListNamespacedSecretAsync(ns))).Code.Should().Be(403);

        var ssar = await sa.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(new V1SelfSubjectAccessReview
        {
            Spec = new V1SelfSubjectAccessReviewSpec { ResourceAttributes = new V1ResourceAttributes { NamespaceProperty = ns, Verb = "get", Resource = "secrets", Name = "db" } },
        });
        ssar.Status.Allowed.Should().BeTrue();

        using var nobody = f.ClientWithToken("not-a-token");
        var (code401, st401) = await TwinKubeFixture.FailureOf(() => nobody.CoreV1.ListNamespaceAsync());
        code401.Should().Be(401);
        st401["reason"]!.GetValue<string>().Should().Be("Unauthorized");
    }

    [Fact]
    public async Task Token_review_accepts_valid_tokens_and_rejects_expired_wrong_audience_and_deleted_accounts()
    {
        var ns = await f.NewNamespaceAsync();
        var sa = await f.Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "vault-auth" } }, ns);
        var tr = await f.Client.CoreV1.CreateNamespacedServiceAccountTokenAsync(new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { Audiences = ["vault"] } }, "vault-auth", ns);

        async Task<V1TokenReviewStatus> Review(string token, params string[] auds) =>
            (await f.Client.AuthenticationV1.CreateTokenReviewAsync(new V1TokenReview { Spec = new V1TokenReviewSpec { Token = token, Audiences = auds.Length > 0 ? auds : null } })).Status;

        var ok = await Review(tr.Status.Token, "vault");
        ok.Authenticated.Should().BeTrue();
        ok.User.Username.Should().Be($"system:serviceaccount:{ns}:vault-auth");
        ok.User.Uid.Should().Be(sa.Metadata.Uid);
        ok.User.Groups.Should().Contain(["system:serviceaccounts", $"system:serviceaccounts:{ns}", "system:authenticated"]);
        ok.Audiences.Should().Equal("vault");

        var wrongAud = await Review(tr.Status.Token);
        wrongAud.Authenticated.Should().NotBe(true);
        wrongAud.Error.Should().Contain("token audiences [\"vault\"] is invalid for the target audiences");

        var expired = await f.Server.IssueServiceAccountTokenAsync(ns, "vault-auth", ["vault"], TimeSpan.FromMinutes(-5));
        (await Review(expired, "vault")).Error.Should().Contain("service account token has expired");

        var legacy = await f.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "vault-auth-token", Annotations = new Dictionary<string, string> { ["kubernetes.io/service-account.name"] = "vault-auth" } },
            Type = "kubernetes.io/service-account-token",
        }, ns);
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
            await foreach (var (_, s) in f.Client.CoreV1.WatchListNamespacedSecretAsync(ns, fieldSelector: "metadata.name=vault-auth-token", cancellationToken: cts.Token))
                if (s.Data?.ContainsKey("token") == true) break;
        var populated = await f.Client.CoreV1.ReadNamespacedSecretAsync("vault-auth-token", ns);
        populated.Data.Keys.Should().Contain(["token", "ca.crt", "namespace"]);
        var legacyToken = System.Text.Encoding.UTF8.GetString(populated.Data["token"]);
        (await Review(legacyToken)).Authenticated.Should().BeTrue();

        await f.Client.CoreV1.DeleteNamespacedServiceAccountAsync("vault-auth", ns);
        (await Review(tr.Status.Token, "vault")).Error.Should().Contain("service account token has been invalidated");
        (await Review(legacyToken)).Authenticated.Should().NotBe(true);
    }
}
