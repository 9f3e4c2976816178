using System.Text.Json.Nodes;
using Conformance.Fixtures.Kube;
using Conformance.Runner;
using Conformance.Steps.Support;
using k8s;
using k8s.Autorest;

namespace Conformance.Steps;

/// <summary>
/// What a job's service account may do through the Kubernetes API, checked with its own token (TokenRequest): env
/// injection needs no RBAC on Secrets (the kubelet resolves them, reference/operator.md §2.7), so the account can have
/// none, and it must not read Secrets through the API, in its namespace or another.
/// </summary>
[Binding]
public sealed class LeastPrivilegeSteps(ScenarioWorld world)
{
    [Then("service account {string} has no RoleBinding or ClusterRoleBinding")]
    public async Task ThenNoBindings(string serviceAccount)
    {
        var subject = $"system:serviceaccount:{world.Namespace}:{serviceAccount}";
        var roleBindings = await world.Kube.Client.RbacAuthorizationV1.ListNamespacedRoleBindingAsync(world.Namespace, cancellationToken: world.Cancellation);
        var clusterBindings = await world.Kube.Client.RbacAuthorizationV1.ListClusterRoleBindingAsync(cancellationToken: world.Cancellation);
        var names = roleBindings.Items.Where(b => Binds(b.Subjects, serviceAccount)).Select(b => $"RoleBinding {b.Metadata.Name}")
            .Concat(clusterBindings.Items.Where(b => Binds(b.Subjects, serviceAccount)).Select(b => $"ClusterRoleBinding {b.Metadata.Name}"))
            .ToList();
        if (names.Count > 0)
            throw new StepFailedException($"{subject} is bound by {string.Join(", ", names)}; the scenario needs an account with no RBAC at all");
    }

    [Then("service account {string} cannot read Secret {string} through the API")]
    public Task ThenCannotReadHere(string serviceAccount, string secret) => AssertForbiddenAsync(serviceAccount, world.Namespace, secret);

    [Then("service account {string} cannot read Secret {string} of the other namespace through the API")]
    public Task ThenCannotReadElsewhere(string serviceAccount, string secret) =>
        AssertForbiddenAsync(serviceAccount, world.OtherNamespaces.LastOrDefault()
            ?? throw new InvalidOperationException("the scenario made no other namespace ('a Secret ... in another namespace ...')"), secret);

    [Then("service account {string} cannot list Secrets of the other namespace through the API")]
    public async Task ThenCannotListElsewhere(string serviceAccount)
    {
        var other = world.OtherNamespaces.LastOrDefault() ?? throw new InvalidOperationException("the scenario made no other namespace");
        using var client = await ClientForAsync(serviceAccount);
        await ExpectForbiddenAsync(() => client.CoreV1.ListNamespacedSecretAsync(other, cancellationToken: world.Cancellation),
            $"list secrets in namespace {other}", serviceAccount);
    }

    private async Task AssertForbiddenAsync(string serviceAccount, string @namespace, string secret)
    {
        using var client = await ClientForAsync(serviceAccount);
        await ExpectForbiddenAsync(() => client.CoreV1.ReadNamespacedSecretAsync(secret, @namespace, cancellationToken: world.Cancellation),
            $"get secret {@namespace}/{secret}", serviceAccount);
    }

    private async Task ExpectForbiddenAsync(Func<Task> call, string what, string serviceAccount)
    {
        try
        {
            await call();
        }
        catch (HttpOperationException e) when ((int)e.Response.StatusCode == 403)
        {
            return;
        }
        catch (HttpOperationException e)
        {
            throw new StepFailedException($"expected {what} as {world.Namespace}/{serviceAccount} to be Forbidden (403), but the API answered {(int)e.Response.StatusCode}");
        }
        throw new StepFailedException($"service account {world.Namespace}/{serviceAccount} could {what} through the API: least privilege is broken");
    }

    private static readonly KubeResource Roles = new("rbac.authorization.k8s.io", "v1", "roles", "Role", true);
    private static readonly KubeResource RoleBindings = new("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true);

    /// <summary>A Role and RoleBinding in the scenario's namespace only: the grant must not reach any other namespace.</summary>
    [Given("service account {string} may get and list Secrets in its own namespace")]
    public async Task GivenSecretsReadableHere(string serviceAccount)
    {
        var name = serviceAccount + "-reads-secrets";
        await world.Kube.CreateAsync(Roles, world.Namespace, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name },
            ["rules"] = new JsonArray(new JsonObject
            {
                ["apiGroups"] = new JsonArray(""), ["resources"] = new JsonArray("secrets"), ["verbs"] = new JsonArray("get", "list"),
            }),
        }, world.Cancellation);
        await world.Kube.CreateAsync(RoleBindings, world.Namespace, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name },
            ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "Role", ["name"] = name },
            ["subjects"] = new JsonArray(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = serviceAccount, ["namespace"] = world.Namespace }),
        }, world.Cancellation);
    }

    // The harness's kubeconfig (server, CA), but authenticated as the service account with a TokenRequest token.
    private async Task<Kubernetes> ClientForAsync(string serviceAccount)
    {
        var token = await world.Kube.RequestServiceAccountTokenAsync(world.Namespace, serviceAccount, cancellationToken: world.Cancellation);
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(world.World.Kube.KubeconfigPath, world.World.Kube.Context);
        config.AccessToken = token;
        config.Username = null;
        config.Password = null;
        config.ClientCertificateData = null;
        config.ClientCertificateFilePath = null;
        config.ClientCertificateKeyData = null;
        config.ClientKeyFilePath = null;
        config.TokenProvider = null;
        return new Kubernetes(config);
    }

    private static bool Binds(IList<k8s.Models.Rbacv1Subject>? subjects, string serviceAccount) =>
        subjects?.Any(s => s.Kind == "ServiceAccount" && s.Name == serviceAccount) == true;
}
