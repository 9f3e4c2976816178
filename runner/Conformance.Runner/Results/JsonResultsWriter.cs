using System.Text.Json;
using System.Text.Json.Serialization;

namespace Conformance.Runner.Results;

/// <summary>The results model as JSON (camelCase, statuses as kebab-case strings, durations in milliseconds).</summary>
public static class JsonResultsWriter
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static void Write(RunResults results, Stream stream) => JsonSerializer.Serialize(stream, results, Options);

    public static string ToJson(RunResults results) => JsonSerializer.Serialize(results, Options);
}
