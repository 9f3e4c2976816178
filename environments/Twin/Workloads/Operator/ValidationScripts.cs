namespace Conformance.Twin.Workloads.Operator;

/// <summary>
/// The shell scripts the operator puts in the pod's commands (reference/operator.md §2.3, §2.4), written for the twin
/// with the same steps, commands and failure lines as v1.0.8's: the clone, the notebook check, papermill, the ADR-041
/// checks, results.json and `Results Summary:`.
/// </summary>
internal static class ValidationScripts
{
    /// <summary>§2.3 anonymous clone: set -e, so a failing clone exits with git's code (128).</summary>
    public static string AnonymousClone(string url, string gitRef, string notebookPath) => $"""

        set -e
        echo "Cloning repository (anonymous)..."
        git config --global credential.helper ""
        export GIT_TERMINAL_PROMPT=0
        export GIT_ASKPASS=/bin/true
        git clone --depth 1 --branch {gitRef} {url} /workspace/repo
        echo "Clone successful"
        ls -la /workspace/repo
        {NotebookCheck(notebookPath)}
        """;

    /// <summary>§2.3 HTTPS clone: the credentials are embedded in the URL inside this script (a known defect); failure exits 1.</summary>
    public static string HttpsClone(string urlWithCredentials, string gitRef, string notebookPath) => $$"""

        set -e
        echo "Cloning repository (HTTPS)..."
        git config --global credential.helper ""
        export GIT_TERMINAL_PROMPT=0
        git clone --depth 1 --branch {{gitRef}} "{{urlWithCredentials}}" /workspace/repo 2>&1 || { echo "Git clone failed"; exit 1; }
        echo "Clone successful"
        ls -la /workspace/repo
        {{NotebookCheck(notebookPath)}}
        """;

    /// <summary>
    /// contract profile only: the HTTPS clone with the credentials in env (GIT_USERNAME, GIT_PASSWORD from secretKeyRefs)
    /// handed to git by a credential helper, so neither the URL nor the command holds them. Failure exits 1, as in §2.3.
    /// </summary>
    public static string HttpsCloneWithCredentialEnv(string url, string gitRef, string notebookPath) => $$"""

        set -e
        echo "Cloning repository (HTTPS, credentials from env)..."
        export GIT_TERMINAL_PROMPT=0
        git -c credential.helper='!f() { echo "username=$GIT_USERNAME"; echo "password=$GIT_PASSWORD"; }; f' clone --depth 1 --branch {{gitRef}} "{{url}}" /workspace/repo 2>&1 || { echo "Git clone failed"; exit 1; }
        echo "Clone successful"
        ls -la /workspace/repo
        {{NotebookCheck(notebookPath)}}
        """;

    /// <summary>§2.3 SSH clone: the key comes in as env SSH_PRIVATE_KEY, host keys are not checked.</summary>
    public static string SshClone(string url, string gitRef, string notebookPath) => $"""

        set -e
        echo "Setting up SSH authentication..."
        mkdir -p ~/.ssh && chmod 700 ~/.ssh
        echo "$SSH_PRIVATE_KEY" > ~/.ssh/id_rsa && chmod 600 ~/.ssh/id_rsa
        printf 'StrictHostKeyChecking no\nUserKnownHostsFile /dev/null\n' > ~/.ssh/config && chmod 600 ~/.ssh/config
        echo "Cloning repository (SSH)..."
        git clone --depth 1 --branch {gitRef} {url} /workspace/repo
        echo "Clone successful"
        ls -la /workspace/repo
        {NotebookCheck(notebookPath)}
        rm -f ~/.ssh/id_rsa
        """;

    private static string NotebookCheck(string notebookPath) => $"""
        echo "Verifying notebook exists: {notebookPath}"
        if [ ! -f "/workspace/repo/{notebookPath}" ]; then
          echo "ERROR: Notebook not found at path: {notebookPath}"
          exit 1
        fi
        echo "Notebook found successfully"
        """;

    /// <summary>§2.4: papermill on the cloned notebook, ADR-041 checks, results.json, `Results Summary:` + JSON, papermill's exit code.</summary>
    public static string Papermill(string inputNotebook, string notebookPath) => $$"""

        #!/bin/bash
        set -e
        set -o pipefail
        IN="{{inputNotebook}}"; OUT="/workspace/output.ipynb"; RESULTS="/workspace/results.json"
        echo "=========================================="
        echo "Jupyter Notebook Validator - Papermill"
        echo "=========================================="
        echo "Input Notebook: $IN"
        echo "Output Notebook: $OUT"
        echo "Results JSON: /workspace/results.json"
        log() { echo "[$(date +'%Y-%m-%d %H:%M:%S')] $1"; }
        log "Verifying notebook exists..."
        [ -f "$IN" ] || { log "ERROR: Notebook not found at path: $IN"; exit 1; }
        if ! python -c "import papermill" 2>/dev/null; then
          pip install --user --no-cache-dir papermill nbformat nbconvert 2>&1 | tee /tmp/pip_install.log
        fi
        START=$(date +%s)
        if python -m papermill \
            "{{inputNotebook}}" \
            "/workspace/output.ipynb" \
            --log-output --progress-bar --report-mode 2>&1 | tee /workspace/execution.log; then
          EXIT_CODE=0; STATUS="succeeded"
        else
          EXIT_CODE=$?; STATUS="failed"
        fi
        DURATION=$(( $(date +%s) - START ))
        # ADR-041 checks driven by VALIDATION_FAIL_ON_STDERR / _FAIL_ON_WARNINGS / _STRICT_MODE (grep on execution.log)
        python3 /dev/stdin "$OUT" "$RESULTS" "$STATUS" "$EXIT_CODE" "{{notebookPath}}" "$DURATION" <<'PY'
        import json, sys
        out, results_path, status, code, path, duration = sys.argv[1:7]
        nb = json.load(open(out))
        cells = []
        for i, c in enumerate(nb["cells"]):
            r = {"cell_index": i, "cell_type": c["cell_type"], "execution_count": c.get("execution_count")}
            if c["cell_type"] == "code":
                errs = [o for o in c.get("outputs", []) if o.get("output_type") == "error"]
                if errs:
                    r["error"], r["traceback"] = errs[-1].get("evalue"), errs[-1].get("traceback", [])
                r["status"] = "failed" if errs else "succeeded"
            cells.append(r)
        code_cells = sum(1 for c in cells if c["cell_type"] == "code")
        failed = sum(1 for c in cells if c.get("status") == "failed")
        json.dump({"status": status, "exit_code": int(code), "notebook_path": path, "execution_duration_seconds": int(duration),
                   "cells": cells, "statistics": {"total_cells": len(cells), "code_cells": code_cells, "failed_cells": failed,
                   "success_rate": round((code_cells - failed) / code_cells * 100, 2) if code_cells else 100.0} },
                  open(results_path, "w"), indent=2)
        PY
        log "Results Summary:"
        python3 -m json.tool "$RESULTS"
        exit $EXIT_CODE
        """;
}
