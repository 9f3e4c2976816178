using System.Collections.Immutable;
using Conformance.Runner.Generator;
using FluentAssertions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace Conformance.Tests.Runner;

/// <summary>The source generator: one compilable test class per feature file, and the run fixture once.</summary>
public sealed class GeneratorTests
{
    [Fact]
    public void Each_feature_becomes_a_test_class_that_compiles_against_the_runner()
    {
        var features = ImmutableArray.Create<AdditionalText>(
            new InMemoryText("/repo/features/tier1/env-secret-ref.feature", "Feature: Env\n  Scenario: \"quoted\" name\n    Given x\n"),
            new InMemoryText("/repo/features/runner-smoke.feature", "Feature: Smoke\n  Scenario: s\n    Given y\n"),
            new InMemoryText("/repo/README.md", "not a feature"));
        var compilation = CSharpCompilation.Create("Generated", [], References(), new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

        var driver = CSharpGeneratorDriver.Create([new FeatureTestGenerator().AsSourceGenerator()], features);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics, TestContext.Current.CancellationToken);

        generatorDiagnostics.Should().BeEmpty();
        output.GetDiagnostics(TestContext.Current.CancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).Should().BeEmpty();
        var files = output.SyntaxTrees.Select(t => Path.GetFileName(t.FilePath)).ToList();
        files.Should().BeEquivalentTo("Feature_tier1_env_secret_ref.g.cs", "Feature_runner_smoke.g.cs", "ConformanceTestRun.g.cs");
        var env = output.SyntaxTrees.Single(t => t.FilePath.EndsWith("Feature_tier1_env_secret_ref.g.cs", StringComparison.Ordinal)).ToString();
        env.Should().Contain("internal const string Uri = @\"features/tier1/env-secret-ref.feature\";")
            .And.Contain("Scenario: \"\"quoted\"\" name")
            .And.Contain("[global::Conformance.Runner.Xunit.FeatureScenarios(Uri, Source)]");
    }

    [Fact]
    public void No_feature_files_means_no_run_fixture()
    {
        var compilation = CSharpCompilation.Create("Empty", [], References(), new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var driver = CSharpGeneratorDriver.Create(new FeatureTestGenerator());
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _, TestContext.Current.CancellationToken);

        output.SyntaxTrees.Should().BeEmpty();
    }

    private static IEnumerable<MetadataReference> References()
    {
        _ = typeof(Conformance.Runner.Xunit.FeatureScenariosAttribute);
        // Just what the generated code touches: fewer references keep Roslyn's binding quick.
        string[] needed = ["System.Private.CoreLib", "System.Runtime", "netstandard", "xunit.v3.core", "xunit.v3.common", "Conformance.Runner"];
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return trusted.Where(p => needed.Contains(Path.GetFileNameWithoutExtension(p))).Select(p => MetadataReference.CreateFromFile(p));
    }

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;
        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }
}
