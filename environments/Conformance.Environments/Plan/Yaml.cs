using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace Conformance.Environments.Plan;

/// <summary>
/// Manifests as plain trees (ordered <see cref="Dictionary{TKey,TValue}"/> maps, lists, string/long/double/bool/null
/// scalars) so one value renders as YAML for the plan and as JSON for the API server.
/// </summary>
public static partial class Yaml
{
    /// <summary>Loads every document of a YAML stream; plain scalars get YAML 1.2 core types, quoted ones stay strings.</summary>
    public static IReadOnlyList<Dictionary<string, object?>> LoadAll(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents
            .Where(d => d.RootNode is YamlMappingNode)
            .Select(d => (Dictionary<string, object?>)Convert(d.RootNode)!)
            .ToList();
    }

    private static object? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(
            kv => ((YamlScalarNode)kv.Key).Value ?? "", kv => Convert(kv.Value)),
        YamlSequenceNode seq => seq.Children.Select(Convert).ToList(),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static object? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain) return value;
        if (value is "" or "~" or "null" or "Null" or "NULL") return null;
        if (value is "true" or "True" or "TRUE") return true;
        if (value is "false" or "False" or "FALSE") return false;
        if (IntPattern().IsMatch(value)) return long.Parse(value, CultureInfo.InvariantCulture);
        if (FloatPattern().IsMatch(value)) return double.Parse(value, CultureInfo.InvariantCulture);
        return value;
    }

    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithQuotingNecessaryStrings()
        .DisableAliases()
        .WithEventEmitter(next => new LiteralMultilineEmitter(next))
        .Build();

    // Multi-line strings (Helm values, Vault policies) read best as literal blocks.
    private sealed class LiteralMultilineEmitter(YamlDotNet.Serialization.IEventEmitter next)
        : YamlDotNet.Serialization.EventEmitters.ChainedEventEmitter(next)
    {
        public override void Emit(YamlDotNet.Serialization.ScalarEventInfo eventInfo, YamlDotNet.Core.IEmitter emitter)
        {
            if (eventInfo.Source.Value is string text && text.Contains('\n')) eventInfo.Style = YamlDotNet.Core.ScalarStyle.Literal;

            base.Emit(eventInfo, emitter);
        }
    }

    /// <summary>Renders one tree as a YAML document (no leading <c>---</c>).</summary>
    public static string Dump(object? tree) => Serializer.Serialize(tree).TrimEnd('\n') + "\n";

    /// <summary>Renders one tree as compact JSON.</summary>
    public static string Json(object? tree) => JsonSerializer.Serialize(tree);

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
