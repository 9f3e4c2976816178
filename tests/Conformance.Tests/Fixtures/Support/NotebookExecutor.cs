namespace Conformance.Tests.Fixtures.Support;

/// <summary>
/// Runs a notebook's code cells in order in one python3 interpreter (shared globals, like a kernel), the way the
/// twin's validator does. Prints tracebacks to stderr and exits 1 when a cell raises.
/// </summary>
internal static class NotebookExecutor
{
    private const string Script = """
        import json, sys, traceback
        nb = json.load(open(sys.argv[1], encoding="utf-8"))
        assert nb["nbformat"] == 4, "not nbformat 4"
        g = {"__name__": "__main__"}
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "code":
                continue
            try:
                exec(compile("".join(cell["source"]), f"<cell {i}>", "exec"), g)
            except Exception:
                traceback.print_exc()
                sys.exit(1)
        """;

    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string notebookPath, IDictionary<string, string?> env) =>
        ProcessRunner.RunAsync("python3", ["-c", Script, notebookPath], env);
}
