using Xunit;
using Conformance.Environments.Options;
using FluentAssertions;

namespace Conformance.Tests.Live;

public sealed class LiveOptionsTests
{
    private static OptionsResult FromEnv(params (string Key, string Value)[] pairs) =>
        LiveOptions.FromEnvironment((IReadOnlyDictionary<string, string?>)pairs.ToDictionary(p => p.Key, p => (string?)p.Value));

    [Fact]
    public void Defaults_are_valid_and_come_from_LiveDefaults()
    {
        var result = FromEnv();
        result.Ok.Should().BeTrue(string.Join("\n", result.Errors));
        result.Options!.K3sImage.Should().Be(LiveDefaults.K3sImage);
        result.Options.OperatorImage.Should().Be("quay.io/takinosh/jupyter-notebook-validator-operator:1.0.8");
        result.Options.Keep.Should().Be(KeepPolicy.Never);
        result.Options.Reuse.Should().BeFalse();
    }

    [Fact]
    public void Every_option_has_a_flag_and_a_distinct_environment_variable()
    {
        OptionCatalog.All.Select(o => o.EnvironmentVariable).Should().OnlyHaveUniqueItems();
        OptionCatalog.All.Select(o => o.Flag).Should().OnlyHaveUniqueItems().And.OnlyContain(f => f.StartsWith("--"));
        OptionCatalog.Usage().Should().Contain("CONFORMANCE_K3S_IMAGE").And.Contain("CONFORMANCE_ESO_CHART_VERSION");
    }

    [Fact]
    public void Environment_variables_override_defaults()
    {
        var result = FromEnv(("CONFORMANCE_K3S_IMAGE", "rancher/k3s:v1.32.5-k3s1"), ("CONFORMANCE_ESO_CHART_VERSION", "0.17.0"),
            ("CONFORMANCE_REUSE", "1"), ("CONFORMANCE_KEEP", "on-failure"), ("CONFORMANCE_STARTUP_TIMEOUT", "20m"));
        result.Ok.Should().BeTrue(string.Join("\n", result.Errors));
        result.Options!.K3sImage.Should().Be("rancher/k3s:v1.32.5-k3s1");
        result.Options.EsoChartVersion.Should().Be("0.17.0");
        result.Options.Reuse.Should().BeTrue();
        result.Options.Keep.Should().Be(KeepPolicy.OnFailure);
        result.Options.StartupTimeout.Should().Be(TimeSpan.FromMinutes(20));
    }

    [Theory]
    [InlineData("CONFORMANCE_K3S_IMAGE", "rancher/k3s:v1.31.x-k3s1", "is not a K3s release tag")]
    [InlineData("CONFORMANCE_K3S_IMAGE", "rancher/k3s", "has neither a tag nor a digest")]
    [InlineData("CONFORMANCE_VAULT_IMAGE", "hashicorp/vault:1 20", "contains whitespace")]
    [InlineData("CONFORMANCE_VAULT_IMAGE", "HashiCorp/Vault:1.20", "repository 'HashiCorp/Vault' is malformed")]
    [InlineData("CONFORMANCE_OPERATOR_IMAGE", "quay.io/takinosh/op:-bad", "tag '-bad' is malformed")]
    [InlineData("CONFORMANCE_POSTGRES_IMAGE", "postgres@sha256:abc", "is not of the form sha256")]
    [InlineData("CONFORMANCE_ESO_CHART_VERSION", "2.9", "is not a semantic version")]
    [InlineData("CONFORMANCE_VAULT_HELM_CHART_VERSION", "v0.34.1", "is not a semantic version")]
    [InlineData("CONFORMANCE_REUSE", "maybe", "is not a boolean")]
    [InlineData("CONFORMANCE_KEEP", "sometimes", "is not one of never, on-failure, always")]
    [InlineData("CONFORMANCE_STARTUP_TIMEOUT", "soon", "is not a duration")]
    [InlineData("CONFORMANCE_VAULT_ADDR", "vault:8200", "is not an absolute http(s) or git URL")]
    public void Malformed_values_are_clear_errors_naming_the_variable(string variable, string value, string expected)
    {
        var result = FromEnv((variable, value));
        result.Ok.Should().BeFalse();
        result.Errors.Should().ContainSingle().Which.Should().Contain(variable).And.Contain(expected);
    }

    [Fact]
    public void Several_errors_are_all_reported_at_once()
    {
        var result = FromEnv(("CONFORMANCE_K3S_IMAGE", "rancher/k3s:latest"), ("CONFORMANCE_ESO_CHART_VERSION", "x"));
        result.Errors.Should().HaveCount(2);
        var act = () => result.GetOrThrow();
        act.Should().Throw<LiveOptionsException>().Which.Message.Should().Contain("CONFORMANCE_K3S_IMAGE").And.Contain("CONFORMANCE_ESO_CHART_VERSION");
    }

    [Theory]
    [InlineData("localstack/localstack:4.15", true)]
    [InlineData("localstack/localstack:latest", true)]
    [InlineData("localstack/localstack:5.0.1", true)]
    [InlineData("localstack/localstack:4.14", false)]
    [InlineData("localstack/localstack:3.8.1", false)]
    public void LocalStack_images_that_need_a_token_are_refused_without_one(string image, bool needsToken)
    {
        var without = FromEnv(("CONFORMANCE_LOCALSTACK_IMAGE", image));
        without.Ok.Should().Be(!needsToken);
        if (needsToken) without.Errors.Single().Should().Contain("CONFORMANCE_LOCALSTACK_AUTH_TOKEN");
        FromEnv(("CONFORMANCE_LOCALSTACK_IMAGE", image), ("CONFORMANCE_LOCALSTACK_AUTH_TOKEN", "t")).Ok.Should().BeTrue();
    }

    [Fact]
    public void Flags_override_environment_and_unknown_arguments_are_passed_through()
    {
        var env = new Dictionary<string, string?> { ["CONFORMANCE_ESO_CHART_VERSION"] = "0.17.0" };
        var result = LiveOptions.Parse(["--eso-chart=2.8.1", "--tags", "@tier1", "--k3s-image", "rancher/k3s:v1.34.1-k3s1", "--reuse"],
            (IReadOnlyDictionary<string, string?>)env);
        result.Ok.Should().BeTrue(string.Join("\n", result.Errors));
        result.Options!.EsoChartVersion.Should().Be("2.8.1");
        result.Options.K3sImage.Should().Be("rancher/k3s:v1.34.1-k3s1");
        result.Options.Reuse.Should().BeTrue();
        result.Unrecognized.Should().Equal("--tags", "@tier1");
    }

    [Fact]
    public void A_flag_without_its_value_is_an_error()
    {
        var result = LiveOptions.Parse(["--operator-image"], (IReadOnlyDictionary<string, string?>)new Dictionary<string, string?>());
        result.Errors.Should().ContainSingle().Which.Should().Contain("--operator-image needs a value");
    }

    [Fact]
    public void Secret_options_are_never_echoed_in_errors_or_usage()
    {
        const string secret = "s3cr3t-token-value";
        var result = FromEnv(("CONFORMANCE_VAULT_TOKEN", secret), ("CONFORMANCE_AWS_SECRET_ACCESS_KEY", secret), ("CONFORMANCE_K3S_IMAGE", "bad image"));
        result.Errors.Should().NotBeEmpty().And.OnlyContain(e => !e.Contains(secret));
        OptionCatalog.Usage().Should().NotContain(secret);
    }
}
