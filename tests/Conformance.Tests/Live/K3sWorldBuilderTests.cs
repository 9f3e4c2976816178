using Xunit;
using Conformance.Environments.K3s;
using Conformance.Environments.Options;
using FluentAssertions;

namespace Conformance.Tests.Live;

public sealed class K3sWorldBuilderTests
{
    [Fact]
    public void Defaults_live_in_one_place()
    {
        var options = new K3sWorldBuilder().Options;
        options.Should().Be(LiveOptions.Default);
        options.K3sImage.Should().Be(LiveDefaults.K3sImage);
        options.EsoChartVersion.Should().Be(LiveDefaults.EsoChartVersion);
        options.VaultImage.Should().Be(LiveDefaults.VaultImage);
        options.LocalStackImage.Should().Be(LiveDefaults.LocalStackImage);
    }

    [Fact]
    public void With_methods_return_new_builders_and_leave_the_original_unchanged()
    {
        var original = new K3sWorldBuilder();
        var changed = original.WithK3s("v1.34.1-k3s1").WithEso("2.8.0").WithVault("1.20").WithOperator("1.0.7").WithReuse();

        original.Options.Should().Be(LiveOptions.Default);
        changed.Should().NotBeSameAs(original);
        changed.Options.K3sImage.Should().Be("rancher/k3s:v1.34.1-k3s1");
        changed.Options.EsoChartVersion.Should().Be("2.8.0");
        changed.Options.VaultImage.Should().Be("hashicorp/vault:1.20");
        changed.Options.OperatorImage.Should().Be("quay.io/takinosh/jupyter-notebook-validator-operator:1.0.7");
        changed.Options.Reuse.Should().BeTrue();
    }

    [Fact]
    public void A_full_image_reference_is_taken_as_is()
    {
        new K3sWorldBuilder().WithVault("registry.local:5000/mirror/vault:2.0.4").Options.VaultImage
            .Should().Be("registry.local:5000/mirror/vault:2.0.4");
    }

    [Fact]
    public void Build_validates_everything_before_anything_starts()
    {
        var builder = new K3sWorldBuilder().WithK3s("v1.31.x-k3s1").WithEso("latest").WithLocalStack("latest");
        builder.Validate().Should().HaveCount(3);
        var act = () => builder.Build();
        act.Should().Throw<LiveOptionsException>().Which.Errors.Should().HaveCount(3)
            .And.Contain(e => e.Contains("v1.31.x-k3s1") && e.Contains("K3s release tag"))
            .And.Contain(e => e.Contains("'latest' is not a semantic version"))
            .And.Contain(e => e.Contains("LOCALSTACK_AUTH_TOKEN"));
    }

    [Fact]
    public void A_valid_builder_builds_a_world_named_k3s_without_touching_Docker()
    {
        var probed = false;
        var world = new K3sWorldBuilder().WithDockerProbe(() =>
        {
            probed = true;
            return new DockerProbeResult(false, null, [], TimeSpan.Zero);
        }).Build();
        world.Name.Should().Be("k3s");
        world.Plan().Should().NotBeEmpty();
        probed.Should().BeFalse("building and planning must not need Docker");
    }
}
