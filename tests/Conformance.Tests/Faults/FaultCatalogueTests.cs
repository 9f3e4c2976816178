using Conformance.Cli;
using Conformance.Environments.Twin.Aws;
using Conformance.Environments.Twin.Faults;
using Conformance.Twin.Eso;
using Conformance.Twin.Injector;
using Conformance.Twin.Kube;
using Conformance.Twin.Vault;
using Conformance.Twin.Workloads.Kubelet;
using Conformance.Twin.Workloads.Operator;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Faults;

/// <summary>The catalogue is the one list of faults: every component's faults are in it, and names are checked against it.</summary>
public sealed class FaultCatalogueTests
{
    public static TheoryData<string> ComponentFaults() =>
        [.. OperatorFaults.Known, .. KubeletFaults.Known, .. EsoFaults.Known, .. TwinFaults.Known, .. TwinVaultFaults.All, .. AwsFaults.Known, .. KubeFaults.Known];

    [Theory]
    [MemberData(nameof(ComponentFaults))]
    public void Every_fault_a_component_implements_is_in_the_catalogue_with_its_prefix_as_component(string name)
    {
        var fault = TwinFaultCatalogue.Find(name);
        fault.Should().NotBeNull($"{name} is implemented but missing from TwinFaultCatalogue.All");
        name.Should().StartWith(fault!.Component + "-", "a fault's name starts with its component");
        fault.Models.Should().NotBeNullOrWhiteSpace();
        fault.Citation.Should().NotBeNullOrWhiteSpace();
        fault.Target.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public void The_catalogue_lists_only_implemented_faults_once_each()
    {
        TwinFaultCatalogue.Names.Should().BeEquivalentTo(ComponentFaults().Select(r => (string)r.Data));
        TwinFaultCatalogue.Names.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Unknown_names_are_refused_with_the_known_ones_listed()
    {
        var act = () => TwinFaultCatalogue.Parse("operator-drops-env, operator-drop-env");
        act.Should().Throw<UnknownTwinFaultException>()
            .WithMessage("*'operator-drop-env'*known faults:*operator-drops-env*aws-returns-previous-for-current*")
            .Which.Unknown.Should().Equal("operator-drop-env");
    }

    [Fact]
    public void A_comma_list_is_trimmed_and_deduplicated()
    {
        TwinFaultCatalogue.Parse(" operator-drops-env ,,vault-ignores-max-ttl,operator-drops-env").Should()
            .Equal("operator-drops-env", "vault-ignores-max-ttl");
        TwinFaultCatalogue.Parse(null).Should().BeEmpty();
    }

    [Fact]
    public void The_CLI_refuses_an_unknown_fault_as_bad_usage()
    {
        var variables = new System.Collections.Hashtable { ["CONFORMANCE_TWIN_FAULTS"] = "kubelet-ignores-everything" };
        var act = () => RunSettings.FromEnvironment(variables);
        act.Should().Throw<SettingsException>().WithMessage("*kubelet-ignores-everything*kubelet-ignores-missing-secret*--list-faults*");
    }

    [Fact]
    public void Docs_faults_md_is_generated_from_the_catalogue()
    {
        var docs = Path.Combine(RepositoryRoot.Find(), "docs", "faults.md");
        File.ReadAllText(docs).Should().Be(TwinFaultCatalogue.Markdown(),
            "docs/faults.md must match the catalogue; regenerate it: dotnet cli/Conformance.Cli/bin/Debug/net10.0/Conformance.Cli.dll faults > docs/faults.md");
    }
}
