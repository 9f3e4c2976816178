using Xunit;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Json;
using Conformance.Twin.Kube.Schema;
using FluentAssertions;

namespace Conformance.Tests.TwinKube;

public sealed class StructuralSchemaTests
{
    static StructuralSchema OperatorSchema() =>
        StructuralSchema.FromCrd(YamlJson.ParseAll(File.ReadAllText(Upstream.OperatorCrd)).Single(), "v1alpha1");

    static JsonObject Job(string specYaml) => (JsonObject)YamlJson.Parse($"""
        apiVersion: mlops.mlops.dev/v1alpha1
        kind: NotebookValidationJob
        metadata: {"{name: j}"}
        spec:
        {specYaml}
        """)!;

    [Fact]
    public void Missing_notebook_is_a_required_value_and_a_wrong_type_names_the_field()
    {
        var job = Job("""
              podConfig: {containerImage: img}
              timeout: 5
            """);
        var errors = OperatorSchema().Process(job).Errors.Select(e => e.ToString()).ToList();
        errors.Should().Contain("spec.notebook: Required value");
        errors.Should().Contain("spec.timeout: Invalid value: \"integer\": spec.timeout in body must be of type string: \"integer\"");
    }

    [Fact]
    public void Pattern_and_enum_errors_read_like_the_api_server()
    {
        var job = Job("""
              notebook: {git: {url: "ftp://x", ref: main}, path: nb.txt}
              podConfig: {containerImage: img}
              comparisonConfig: {strategy: fuzzy}
            """);
        var errors = OperatorSchema().Process(job).Errors.Select(e => e.ToString()).ToList();
        errors.Should().Contain("spec.notebook.path: Invalid value: \"nb.txt\": spec.notebook.path in body should match '^.*\\.ipynb$'");
        errors.Should().Contain(e => e.StartsWith("spec.notebook.git.url: Invalid value: \"ftp://x\": spec.notebook.git.url in body should match"));
        errors.Should().Contain("spec.comparisonConfig.strategy: Unsupported value: \"fuzzy\": supported values: \"exact\", \"normalized\"");
    }

    [Fact]
    public void Defaults_are_applied_and_unknown_fields_pruned()
    {
        var job = Job("""
              notebook: {git: {url: "https://example.com/r.git", ref: main}, path: a.ipynb}
              podConfig: {containerImage: img, bogus: 1}
            """);
        var outcome = OperatorSchema().Process(job);
        outcome.Errors.Should().BeEmpty();
        outcome.PrunedFields.Should().Equal("spec.podConfig.bogus");
        job.Str("spec", "timeout").Should().Be("30m");
        job.Str("spec", "podConfig", "serviceAccountName").Should().Be("default");
    }

    [Fact]
    public void Eso_and_helmchart_crds_load_fast_and_enforce_their_schemas()
    {
        var sw = Stopwatch.StartNew();
        var catalog = CrdCatalog.LoadFiles([.. Upstream.EsoCrds, Upstream.HelmChartCrd, Upstream.OperatorCrd]);
        sw.Stop();
        sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "CRD loading must stay cheap (took {0})", sw.Elapsed);
        catalog.Kinds.Should().Contain(("external-secrets.io/v1", "ExternalSecret")).And.Contain(("helm.cattle.io/v1", "HelmChart"));

        var es = (JsonObject)YamlJson.Parse("""
            apiVersion: external-secrets.io/v1
            kind: ExternalSecret
            metadata: {name: e}
            spec:
              refreshInterval: 1h
              secretStoreRef: {name: vault, kind: SecretStore}
              target: {creationPolicy: Sometimes}
              data: [{secretKey: k, remoteRef: {key: a}}]
            """)!;
        var outcome = catalog.Validate(es);
        outcome.Errors.Select(e => e.ToString()).Should().Contain(e => e.StartsWith("spec.target.creationPolicy: Unsupported value: \"Sometimes\""));

        var chart = (JsonObject)YamlJson.Parse("""
            apiVersion: helm.cattle.io/v1
            kind: HelmChart
            metadata: {name: eso, namespace: kube-system}
            spec: {chart: external-secrets, repo: "https://charts.external-secrets.io", version: 0.10.0, set: {installCRDs: "true"}}
            """)!;
        catalog.Validate(chart).Errors.Should().BeEmpty();
    }

    [Fact]
    public void Yaml_scalars_follow_kubernetes_rules()
    {
        var n = YamlJson.Parse("a: yes\nb: '1'\nc: 1\nd: 1.5\ne: ~\nf: \"true\"\ng: 0x10")!;
        n["a"]!.GetValue<bool>().Should().BeTrue();
        n["b"]!.GetValue<string>().Should().Be("1");
        n["c"]!.GetValue<long>().Should().Be(1);
        n["d"]!.GetValue<double>().Should().Be(1.5);
        n["e"].Should().BeNull();
        n["f"]!.GetValue<string>().Should().Be("true");
        n["g"]!.GetValue<long>().Should().Be(16);
    }
}
