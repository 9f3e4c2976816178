using System.Text;
using Conformance.Twin.Workloads.Programs;
using k8s.Models;

namespace Conformance.Tests.TwinWorkloads;

/// <summary>Runs a container program directly (no kubelet) in a temp folder, capturing its log.</summary>
internal sealed class ProgramRun : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "twin-workloads-test-" + Guid.NewGuid().ToString("N")[..8]);
    public StringWriter Log { get; } = new();

    public string Folder(string name)
    {
        var p = Path.Combine(Root, name);
        Directory.CreateDirectory(p);
        return p;
    }

    public async Task<(int Exit, string Log, ContainerContext Context)> RunAsync(IContainerProgram program, V1Container container,
        IReadOnlyDictionary<string, string> env, params ContainerMount[] mounts)
    {
        using var term = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ctx = new ContainerContext
        {
            Pod = new V1Pod { Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "ns", Uid = "u" }, Spec = new V1PodSpec { Containers = [container] } },
            Container = container,
            IsInitContainer = false,
            Env = env,
            Mounts = mounts.OrderByDescending(m => m.ContainerPath.Length).ToList(),
            RootFolder = Folder("rootfs-" + container.Name),
            Log = TextWriter.Synchronized(Log),
            Terminate = term.Token,
            Kill = term.Token,
        };
        var exit = await program.RunAsync(ctx);
        return (exit, Log.ToString(), ctx);
    }

    public static string Notebook(params (string Type, string Source)[] cells)
    {
        var sb = new StringBuilder("{\"cells\":[");
        sb.AppendJoin(",", cells.Select(c => c.Type == "code"
            ? $"{{\"cell_type\":\"code\",\"metadata\":{{}},\"outputs\":[],\"execution_count\":null,\"source\":{System.Text.Json.JsonSerializer.Serialize(c.Source)}}}"
            : $"{{\"cell_type\":\"markdown\",\"metadata\":{{}},\"source\":{System.Text.Json.JsonSerializer.Serialize(c.Source)}}}"));
        sb.Append("],\"metadata\":{\"kernelspec\":{\"name\":\"python3\"}},\"nbformat\":4,\"nbformat_minor\":5}");
        return sb.ToString();
    }

    public static bool HasPython3() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "python3")));

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
