using System.Text.Json.Nodes;
using Conformance.Environments.K3s;
using Conformance.Environments.Options;
using Conformance.Environments.Plan;
using Conformance.Tests.Live.Schema;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Live;

/// <summary>
/// Every custom resource of the default plan validates against the real CRDs saved in upstream/, with the twin API
/// server's structural schema (what the API server would do) and with a strict reading that also rejects unknown fields.
/// </summary>
public sealed class PlanSchemaTests
{
    public static readonly TheoryData<string> Validators = ["twin-structural", "strict"];

    private static ICustomResourceSchemaValidator Create(string name) =>
        name == "strict" ? new StrictSchemaValidator() : new TwinStructuralSchemaValidator();

    private static CrdCatalog Crds() => CrdCatalog.Load(
    [
        UpstreamFiles.Path_("eso/external-secrets.io_externalsecrets.yaml"),
        UpstreamFiles.Path_("eso/external-secrets.io_secretstores.yaml"),
        UpstreamFiles.Path_("eso/external-secrets.io_clustersecretstores.yaml"),
        UpstreamFiles.Path_("k3s/helmchart-crd.yaml"),
        UpstreamFiles.Path_("operator/config/crd/bases/mlops.mlops.dev_notebookvalidationjobs.yaml"),
    ]);

    private static readonly HashSet<string> BuiltInGroups =
        ["v1", "apps/v1", "batch/v1", "discovery.k8s.io/v1", "rbac.authorization.k8s.io/v1", "apiextensions.k8s.io/v1"];

    [Theory]
    [MemberData(nameof(Validators))]
    public void Every_custom_resource_of_the_default_plan_validates_against_its_real_CRD(string validatorName)
    {
        var Validator = Create(validatorName);
        var crds = Crds();
        var plan = new K3sWorldBuilder().WithSmokeNotebook().Build().PlanModel();
        var custom = plan.AllManifests.Where(m => !BuiltInGroups.Contains(m.ApiVersion)).ToList();

        custom.Select(m => m.Kind).Should().Contain(["HelmChart", "ClusterSecretStore", "ExternalSecret", "NotebookValidationJob"]);
        foreach (var manifest in custom)
        {
            crds.TryGet(manifest.ApiVersion, manifest.Kind, out var schema, out var served, out var file)
                .Should().BeTrue($"{manifest.ApiVersion} {manifest.Kind} needs a saved CRD");
            served.Should().BeTrue($"{manifest.ApiVersion} of {manifest.Kind} must be a served version in {file}");
            Validator.Validate(schema, Json(manifest)).Should().BeEmpty($"{manifest.Describe} must validate against {file}");
        }
    }

    [Theory]
    [MemberData(nameof(Validators))]
    public void The_validator_catches_an_unknown_field_a_missing_required_field_and_a_bad_pattern(string validatorName)
    {
        var Validator = Create(validatorName);
        var crds = Crds();
        var plan = new K3sWorldBuilder().WithSmokeNotebook().Build().PlanModel();

        var chart = Json(plan.AllManifests.First(m => m.Kind == "HelmChart"));
        chart["spec"]!["valuesContents"] = "typo";
        crds.TryGet("helm.cattle.io/v1", "HelmChart", out var chartSchema, out _, out _);
        Validator.Validate(chartSchema, chart).Should().ContainSingle().Which.Should().Contain("spec.valuesContents").And.Contain("unknown field");

        var store = Json(plan.AllManifests.First(m => m.Kind == "ClusterSecretStore" && m.Name == "conformance-localstack"));
        store["spec"]!["provider"]!["aws"]!.AsObject().Remove("region");
        crds.TryGet("external-secrets.io/v1", "ClusterSecretStore", out var storeSchema, out _, out _);
        Validator.Validate(storeSchema, store).Should().Contain(e => e.Contains("region") && e.Contains("equired"));

        var job = Json(plan.AllManifests.First(m => m.Kind == "NotebookValidationJob"));
        job["spec"]!["notebook"]!["path"] = "smoke.py";
        crds.TryGet("mlops.mlops.dev/v1alpha1", "NotebookValidationJob", out var jobSchema, out _, out _);
        Validator.Validate(jobSchema, job).Should().Contain(e => e.Contains("spec.notebook.path") && e.Contains("smoke.py"));
    }

    [Fact]
    public void ESO_v1beta1_is_not_served_so_the_plan_must_use_v1()
    {
        Crds().TryGet("external-secrets.io/v1beta1", "ExternalSecret", out _, out var served, out _).Should().BeTrue();
        served.Should().BeFalse("ESO >= 0.17 unserves v1beta1 (reference/eso.md §1)");
    }

    [Fact]
    public void Chart_values_the_plan_sets_exist_in_the_charts_values_files()
    {
        var plan = new K3sWorldBuilder().Build().PlanModel();
        Check("external-secrets", UpstreamFiles.Path_("eso/values.yaml"));
        Check("vault", UpstreamFiles.Path_("vault-helm/values.yaml"));

        void Check(string chart, string valuesFile)
        {
            var upstream = Yaml.LoadAll(File.ReadAllText(valuesFile))[0];
            var manifest = plan.AllManifests.Single(m => m.Kind == "HelmChart" && m.Name == chart);
            var spec = (Dictionary<string, object?>)manifest.Tree["spec"]!;
            var ours = Yaml.LoadAll((string)spec["valuesContent"]!)[0];
            foreach (var key in Paths(ours, "").Where(p => !p.EndsWith(".namespaceSelector.matchExpressions", StringComparison.Ordinal)))
            {
                Lookup(upstream, key).Should().BeTrue($"value '{key}' set for chart {chart} must exist in {valuesFile}");
            }
        }
    }

    // Leaf paths of our values; a map value counts as a leaf where upstream's default is an empty map ({}).
    private static IEnumerable<string> Paths(Dictionary<string, object?> map, string prefix)
    {
        foreach (var (key, value) in map)
        {
            var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
            if (value is Dictionary<string, object?> child && key != "namespaceSelector")
                foreach (var p in Paths(child, path)) yield return p;
            else yield return path;
        }
    }

    private static bool Lookup(Dictionary<string, object?> map, string path)
    {
        object? node = map;
        foreach (var part in path.Split('.'))
        {
            if (node is not Dictionary<string, object?> m || !m.TryGetValue(part, out node)) return false;
        }

        return true;
    }

    private static JsonNode Json(Manifest manifest) => JsonNode.Parse(Yaml.Json(Sensitive.Resolve(manifest.Tree, reveal: false)))!;
}
