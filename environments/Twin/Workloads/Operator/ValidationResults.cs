using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Conformance.Twin.Workloads.Operator;

/// <summary>The validator's results JSON (reference/operator.md §2.4).</summary>
public sealed class NotebookExecutionResult
{
    [JsonPropertyName("status")] public string Status { get; set; } = "";
    [JsonPropertyName("error")] public string? Error { get; set; }
    [JsonPropertyName("exit_code")] public int ExitCode { get; set; }
    [JsonPropertyName("notebook_path")] public string? NotebookPath { get; set; }
    [JsonPropertyName("cells")] public List<CellExecution> Cells { get; set; } = [];
    [JsonPropertyName("statistics")] public CellStatistics Statistics { get; set; } = new();
}

public sealed class CellExecution
{
    [JsonPropertyName("cell_index")] public int CellIndex { get; set; }
    [JsonPropertyName("cell_type")] public string CellType { get; set; } = "";
    [JsonPropertyName("status")] public string? Status { get; set; }
    [JsonPropertyName("error")] public string? Error { get; set; }
    [JsonPropertyName("traceback")] public List<string>? Traceback { get; set; }
}

public sealed class CellStatistics
{
    [JsonPropertyName("total_cells")] public int TotalCells { get; set; }
    [JsonPropertyName("code_cells")] public int CodeCells { get; set; }
    [JsonPropertyName("failed_cells")] public int FailedCells { get; set; }
    [JsonPropertyName("success_rate")] public double SuccessRate { get; set; }
}

/// <summary>How v1.0.8 reads the validator's log (pod_log_helper.go, reference/operator.md §2.4, §2.5).</summary>
public static class ValidationResults
{
    /// <summary>§2.4: from the first `{` after `Results Summary:` to the LAST `}` of the whole log, parsed as JSON.</summary>
    public static NotebookExecutionResult Parse(string logs)
    {
        const string marker = "Results Summary:";
        var at = logs.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) throw new FormatException("results summary not found in logs");
        var section = logs[(at + marker.Length)..];
        var first = section.IndexOf('{', StringComparison.Ordinal);
        if (first < 0) throw new FormatException("JSON start not found in results section");
        var last = section.LastIndexOf('}');
        if (last < first) throw new FormatException("JSON end not found in results section");
        try
        {
            return JsonSerializer.Deserialize<NotebookExecutionResult>(section[first..(last + 1)])
                ?? throw new FormatException("failed to parse results JSON: null");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"failed to parse results JSON: {ex.Message}", ex);
        }
    }

    /// <summary>§2.4: cells -> status.results (succeeded Success, failed Failure with evalue and traceback ≤2000, markdown Skipped).</summary>
    public static List<NvjCellResult> ToCellResults(NotebookExecutionResult result) =>
        result.Cells.Select(c =>
        {
            var r = new NvjCellResult { CellIndex = c.CellIndex };
            if (c.Status == "succeeded") r.Status = "Success";
            else if (c.Status == "failed")
            {
                r.Status = "Failure";
                if (!string.IsNullOrEmpty(c.Error)) r.ErrorMessage = c.Error;
                if (c.Traceback is { Count: > 0 } tb)
                {
                    var text = string.Join("\n", tb);
                    r.Output = text.Length > 2000 ? text[..2000] + "\n... (truncated)" : text;
                }
            }
            else r.Status = c.CellType == "markdown" ? "Skipped" : "Success";
            return r;
        }).ToList();

    /// <summary>§2.4 message: "Validation completed: ok/code cells succeeded (rate% success rate)", or "Validation failed: error".</summary>
    public static string Message(NotebookExecutionResult result) =>
        result.Status == "failed"
            ? $"Validation failed: {result.Error}"
            : string.Create(CultureInfo.InvariantCulture,
                $"Validation completed: {result.Statistics.CodeCells - result.Statistics.FailedCells}/{result.Statistics.CodeCells} cells succeeded ({result.Statistics.SuccessRate:F1}% success rate)");

    /// <summary>§2.5 "Log error": the first 5 log lines holding ERROR:/Error:/FAILED:/Failed:/Exception:/Traceback.</summary>
    public static string ExtractErrors(string logs)
    {
        string[] patterns = ["ERROR:", "Error:", "FAILED:", "Failed:", "Exception:", "Traceback"];
        var lines = logs.Split('\n').Where(l => patterns.Any(p => l.Contains(p, StringComparison.Ordinal)))
            .Select(l => l.Trim()).Take(5).ToList();
        return lines.Count > 0 ? string.Join("\n", lines) : "Validation failed (see pod logs for details)";
    }
}
