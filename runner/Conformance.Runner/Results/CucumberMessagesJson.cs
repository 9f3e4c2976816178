using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cucumber.Messages;
using Io.Cucumber.Messages.Types;

namespace Conformance.Runner.Results;

/// <summary>
/// JSON for Cucumber Messages the way cucumber/messages serialises them: camelCase properties, nulls left out, enums as
/// their protocol strings (<c>PASSED</c>, <c>text/x.cucumber.gherkin+plain</c>) taken from the package's own
/// <c>XxxExtensions.Value</c> methods. The package ships types only; this is the serializer its writer and reader take.
/// </summary>
public static class CucumberMessagesJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new ProtocolEnumConverterFactory() },
    };

    public static string Serialize(Envelope envelope) => JsonSerializer.Serialize(envelope, Options);

    public static Envelope Deserialize(string line) =>
        JsonSerializer.Deserialize<Envelope>(line, Options) ?? throw new JsonException("an ndjson line was 'null', not an Envelope");

    /// <summary>A writer over <paramref name="stream"/> (one envelope per line).</summary>
    public static MessageToNdjsonWriter CreateWriter(Stream stream) =>
        new(stream, (writer, envelope) => writer.Write(Serialize(envelope)));

    /// <summary>Reads every envelope of an ndjson stream.</summary>
    public static NdjsonMessageReader CreateReader(Stream stream) => new(stream, Deserialize);

    private sealed class ProtocolEnumConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            typeToConvert.IsEnum && typeToConvert.Namespace == typeof(Envelope).Namespace;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(ProtocolEnumConverter<>).MakeGenericType(typeToConvert))!;
    }

    private sealed class ProtocolEnumConverter<T> : JsonConverter<T> where T : struct, Enum
    {
        private static readonly ConcurrentDictionary<T, string> ToText = new();
        private static readonly Dictionary<string, T> FromText = Build();

        private static Dictionary<string, T> Build()
        {
            var extensions = typeof(T).Assembly.GetType(typeof(T).FullName + "Extensions");
            var value = extensions?.GetMethod("Value", BindingFlags.Public | BindingFlags.Static, [typeof(T)]);
            var map = new Dictionary<string, T>(StringComparer.Ordinal);
            foreach (var v in Enum.GetValues<T>())
            {
                var text = value?.Invoke(null, [v]) as string ?? v.ToString();
                ToText[v] = text;
                map[text] = v;
            }
            return map;
        }

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString() ?? "";
            return FromText.TryGetValue(text, out var v) ? v : throw new JsonException($"\"{text}\" is not a {typeof(T).Name}");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(ToText[value]);
    }
}
