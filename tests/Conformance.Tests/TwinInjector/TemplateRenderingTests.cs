using System.Text.Json.Nodes;
using Conformance.Twin.Injector.Agent;
using Conformance.Twin.Injector.Injection;
using Conformance.Twin.Injector.Templates;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.TwinInjector;

/// <summary>The consul-template subset the agent renders (reference/vault.md §1.2 default template, §2.3 KV v2).</summary>
public sealed class TemplateRenderingTests
{
    private static readonly Dictionary<string, SecretValue> Secrets = new()
    {
        ["database/creds/app"] = Secret("""{"lease_id":"database/creds/app/x","lease_duration":60,"renewable":true,"data":{"username":"v-kubernet-app-abc","password":"pw1"}}"""),
        ["secret/data/app"] = Secret("""{"lease_id":"","lease_duration":0,"renewable":false,"data":{"data":{"api_key":"k1","port":5432,"tags":["a","b"],"empty":null},"metadata":{"version":3,"destroyed":false}}}"""),
    };

    private static SecretValue Secret(string json) => VaultSecret.Parse(JsonNode.Parse(json)!.AsObject()).ToTemplateValue();

    private static string Render(string template, bool errorOnMissingKey = false) =>
        GoTemplate.Parse("dest", template).Execute((path, _) => Secrets[path], errorOnMissingKey);

    public static TheoryData<string, string, string> Cases => new()
    {
        // the injector's default `map` template on a dynamic secret: "key: value" lines in sorted key order
        { "default map on creds", AgentConfigJson.DefaultMapTemplate.Replace("%s", "database/creds/app"), "password: pw1\nusername: v-kubernet-app-abc\n" },
        // on KV v2 the default template prints Go maps of data and metadata
        { "default map on KV v2", AgentConfigJson.DefaultMapTemplate.Replace("%s", "secret/data/app"),
            "data: map[api_key:k1 empty:<nil> port:5432 tags:[a b]]\nmetadata: map[destroyed:false version:3]\n" },
        { "default json template", AgentConfigJson.DefaultJsonTemplate.Replace("%s", "database/creds/app"), "{\"password\":\"pw1\",\"username\":\"v-kubernet-app-abc\"}\n" },
        { ".Data.x", "{{ with secret \"database/creds/app\" }}{{ .Data.username }}{{ end }}", "v-kubernet-app-abc" },
        { ".Data.data.x", "{{ with secret \"secret/data/app\" }}{{ .Data.data.api_key }}{{ end }}", "k1" },
        { "printf dsn", "{{ with secret \"database/creds/app\" -}}\npostgresql://{{ .Data.username }}:{{ .Data.password }}@postgres:5432/app\n{{- end }}",
            "postgresql://v-kubernet-app-abc:pw1@postgres:5432/app" },
        { "printf verbs", "{{ with secret \"secret/data/app\" }}{{ printf \"%s=%v %q %v%%\" \"port\" .Data.data.port .Data.data.api_key .Data.data.tags }}{{ end }}", "port=5432 \"k1\" [a b]%" },
        // Vault's Go client decodes numbers as json.Number, a string type: %d is a bad verb for it, as in Go
        { "printf %d on json.Number", "{{ with secret \"secret/data/app\" }}{{ printf \"%d\" .Data.data.port }}{{ end }}", "%!d(json.Number=5432)" },
        { "range with trim markers", "{{- with secret \"secret/data/app\" }}\n{{- range $k, $v := .Data.data }}\nexport {{ $k }}=\"{{ $v }}\"\n{{- end }}\n{{ end -}}\n",
            "\nexport api_key=\"k1\"\nexport empty=\"<nil>\"\nexport port=\"5432\"\nexport tags=\"[a b]\"\n" },
        { "range over a list with else", "{{ with secret \"secret/data/app\" }}{{ range .Data.data.tags }}[{{ . }}]{{ else }}none{{ end }}{{ end }}", "[a][b]" },
        { "missing key prints no value", "{{ with secret \"secret/data/app\" }}{{ .Data.data.nope }}{{ end }}", "<no value>" },
        { "if else and eq", "{{ with secret \"secret/data/app\" }}{{ if eq .Data.metadata.version \"3\" }}v3{{ else }}old{{ end }}{{ end }}", "v3" },
        { "variables and pipes", "{{ $s := secret \"database/creds/app\" }}{{ $s.Data.username | toUpper }} {{ $s.LeaseDuration }} {{ $s.Renewable }}", "V-KUBERNET-APP-ABC 60 true" },
        { "index and toJSON", "{{ with secret \"secret/data/app\" }}{{ index .Data.data \"api_key\" }} {{ .Data.data.tags | toJSON }}{{ end }}", "k1 [\"a\",\"b\"]" },
        { "comment", "a{{/* hidden */}}b", "ab" },
        { "parenthesised secret", "{{ (secret \"database/creds/app\").Data.password }}", "pw1" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Renders(string name, string template, string expected)
    {
        _ = name;
        Render(template).Should().Be(expected);
    }

    [Fact]
    public void Error_on_missing_key_fails_the_render()
    {
        var act = () => Render("{{ with secret \"secret/data/app\" }}{{ .Data.data.nope }}{{ end }}", errorOnMissingKey: true);
        act.Should().Throw<TemplateException>().WithMessage("*map has no entry for key \"nope\"*");
    }

    [Fact]
    public void Field_of_a_missing_value_is_an_error()
    {
        var act = () => Render("{{ with secret \"secret/data/app\" }}{{ .Data.data.nope.deeper }}{{ end }}");
        act.Should().Throw<TemplateException>().WithMessage("*nil pointer evaluating interface {}.deeper*");
    }

    [Fact]
    public void Unclosed_action_is_a_parse_error_naming_the_template()
    {
        var act = () => GoTemplate.Parse("/vault/secrets/db", "{{ with secret \"x\" }}{{ .Data");
        act.Should().Throw<TemplateException>().WithMessage("template: /vault/secrets/db:1: unclosed action");
    }

    [Fact]
    public void Custom_delimiters()
    {
        GoTemplate.Parse("d", "[[ with secret \"database/creds/app\" ]]{{[[ .Data.username ]]}}[[ end ]]", "[[", "]]")
            .Execute((p, _) => Secrets[p]).Should().Be("{{v-kubernet-app-abc}}");
    }
}
