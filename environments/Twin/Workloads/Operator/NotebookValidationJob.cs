using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Conformance.Twin.Workloads.Operator;

/// <summary>The parts of the NotebookValidationJob spec (mlops.mlops.dev/v1alpha1, reference/operator.md §1.1) the controller reads.</summary>
public sealed class NvjSpec
{
    public NvjNotebook Notebook { get; set; } = new();
    public NvjPodConfig PodConfig { get; set; } = new();
    public NvjNotebook? GoldenNotebook { get; set; }
    public string? Timeout { get; set; }
    public NvjValidationConfig? ValidationConfig { get; set; }
    public JsonObject? ModelValidation { get; set; }
}

public sealed class NvjNotebook
{
    public NvjGit Git { get; set; } = new();
    public string Path { get; set; } = "";
}

public sealed class NvjGit
{
    public string Url { get; set; } = "";
    public string Ref { get; set; } = "";
    public string? CredentialsSecret { get; set; }
}

public sealed class NvjPodConfig
{
    public string ContainerImage { get; set; } = "";
    public string? ServiceAccountName { get; set; }
    public List<V1EnvVar>? Env { get; set; }
    public List<V1EnvFromSource>? EnvFrom { get; set; }
    public List<string>? Credentials { get; set; }
    public NvjResources? Resources { get; set; }
    public List<V1Volume>? Volumes { get; set; }
    public List<V1VolumeMount>? VolumeMounts { get; set; }
    public List<V1Toleration>? Tolerations { get; set; }
    public Dictionary<string, string>? NodeSelector { get; set; }
    public V1Affinity? Affinity { get; set; }
    public JsonObject? BuildConfig { get; set; }
}

public sealed class NvjResources
{
    public Dictionary<string, string>? Limits { get; set; }
    public Dictionary<string, string>? Requests { get; set; }
}

public sealed class NvjValidationConfig
{
    public string? Level { get; set; }
    public bool StrictMode { get; set; }
    public bool FailOnStderr { get; set; }
    public bool FailOnWarnings { get; set; }
    public bool? DetectSilentFailures { get; set; }
}

/// <summary>status as v1.0.8 writes it (reference/operator.md §1.2).</summary>
public sealed class NvjStatus
{
    public string? Phase { get; set; }
    public List<NvjCondition>? Conditions { get; set; }
    public string? StartTime { get; set; }
    public string? CompletionTime { get; set; }
    public List<NvjCellResult>? Results { get; set; }
    public string? ValidationPodName { get; set; }
    public string? Message { get; set; }
    public int RetryCount { get; set; }
    public string? LastRetryTime { get; set; }
}

public sealed class NvjCondition
{
    public string Type { get; set; } = "";
    public string Status { get; set; } = "";
    public string Reason { get; set; } = "";
    public string Message { get; set; } = "";
    public string LastTransitionTime { get; set; } = "";
    public long? ObservedGeneration { get; set; }
}

public sealed class NvjCellResult
{
    public int CellIndex { get; set; }
    public string Status { get; set; } = "";
    public string? Output { get; set; }
    public string? ErrorMessage { get; set; }
}

/// <summary>A NotebookValidationJob as read from the API: the raw object (kept whole for status updates) plus typed views.</summary>
public sealed class NotebookValidationJob
{
    public const string Group = "mlops.mlops.dev";
    public const string Version = "v1alpha1";
    public const string Plural = "notebookvalidationjobs";
    public const string Kind = "NotebookValidationJob";

    internal static readonly JsonSerializerOptions Json = CreateJson();

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            PropertyNameCaseInsensitive = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        // KubernetesClient's converters (quantities, int-or-string, times) for the core types embedded in the spec
        k8s.KubernetesJson.AddJsonOptions(o =>
        {
            foreach (var c in o.Converters) options.Converters.Add(c);
        });
        return options;
    }

    public NotebookValidationJob(JsonObject raw)
    {
        Raw = raw;
        var meta = raw["metadata"]?.AsObject() ?? new JsonObject();
        Name = (string?)meta["name"] ?? "";
        Namespace = (string?)meta["namespace"] ?? "";
        Uid = (string?)meta["uid"] ?? "";
        Annotations = meta["annotations"]?.Deserialize<Dictionary<string, string>>(Json) ?? [];
        Labels = meta["labels"]?.Deserialize<Dictionary<string, string>>(Json) ?? [];
        Spec = raw["spec"]?.Deserialize<NvjSpec>(Json) ?? new NvjSpec();
        Status = raw["status"]?.Deserialize<NvjStatus>(Json) ?? new NvjStatus();
    }

    public JsonObject Raw { get; }
    public string Name { get; }
    public string Namespace { get; }
    public string Uid { get; }
    public IReadOnlyDictionary<string, string> Annotations { get; }
    public IReadOnlyDictionary<string, string> Labels { get; }
    public NvjSpec Spec { get; }
    public NvjStatus Status { get; set; }

    public string ResourceVersion
    {
        get => (string?)Raw["metadata"]?["resourceVersion"] ?? "";
        set => Raw["metadata"]!["resourceVersion"] = value;
    }

    /// <summary>The object with the current typed status, as the body of a status update.</summary>
    public JsonObject WithStatus()
    {
        var copy = Raw.DeepClone().AsObject();
        copy["status"] = JsonSerializer.SerializeToNode(Status, Json);
        return copy;
    }
}
