# The twin's stand-in for the operator's validator container (reference/operator.md §2.4): it executes a notebook's
# code cells in order in one namespace, the way papermill drives a python3 kernel, and prints the same log shape as the
# operator's papermill script: papermill cell output, the ADR-041 checks, then "Results Summary:" and the results JSON.
# Container paths are mapped to the pod's host folders by patching the file APIs, so open("/vault/secrets/db") works.
#
# usage: validator_runner.py <mounts.json> <input.ipynb> <output.ipynb> <results.json> <notebook path as in spec>
import ast
import builtins
import io
import json
import os
import sys
import time
import traceback
from datetime import datetime, timezone

MOUNTS_FILE, INPUT_NB, OUTPUT_NB, RESULTS_JSON, NOTEBOOK_PATH = sys.argv[1:6]

with open(MOUNTS_FILE, "r", encoding="utf-8") as _f:
    _MOUNTS = sorted(((m["container"].rstrip("/") or "/", m["host"]) for m in json.load(_f)), key=lambda m: -len(m[0]))
os.unlink(MOUNTS_FILE)


def _to_host(path):
    if isinstance(path, int):
        return path
    try:
        s = os.fspath(path)
    except TypeError:
        return path
    if isinstance(s, bytes) or not s.startswith("/"):
        return path
    for container, host in _MOUNTS:
        if s == container:
            return host
        if s.startswith(container + "/"):
            return host + s[len(container):]
    return path


def _wrap(fn, *positions):
    def wrapper(*args, **kwargs):
        args = list(args)
        for i in positions:
            if i < len(args):
                args[i] = _to_host(args[i])
        return fn(*args, **kwargs)
    wrapper.__name__ = getattr(fn, "__name__", "wrapped")
    wrapper.__doc__ = getattr(fn, "__doc__", None)
    return wrapper


builtins.open = _wrap(builtins.open, 0)
io.open = builtins.open
for _name in ("stat", "lstat", "listdir", "scandir", "access", "mkdir", "rmdir", "remove", "unlink", "chdir",
              "open", "chmod", "utime", "readlink"):
    if hasattr(os, _name):
        setattr(os, _name, _wrap(getattr(os, _name), 0))
for _name in ("rename", "replace"):
    setattr(os, _name, _wrap(getattr(os, _name), 0, 1))

_real_stdout = sys.stdout
_log_lines = []  # what papermill's `| tee /workspace/execution.log` would hold


def emit(line=""):
    _log_lines.append(line)
    _real_stdout.write(line + "\n")
    _real_stdout.flush()


def log(message):
    print(f"[{datetime.now().strftime('%Y-%m-%d %H:%M:%S')}] {message}", flush=True)


class _CellStream(io.TextIOBase):
    """Collects a cell's stream output (like the kernel's iopub stream) and echoes it into the log (--log-output)."""

    def __init__(self, name, outputs):
        self.name, self.outputs, self._pending = name, outputs, ""

    def writable(self):
        return True

    def write(self, text):
        if not text:
            return 0
        if self.outputs and self.outputs[-1].get("output_type") == "stream" and self.outputs[-1]["name"] == self.name:
            self.outputs[-1]["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": self.name, "text": text})
        self._pending += text
        while "\n" in self._pending:
            line, self._pending = self._pending.split("\n", 1)
            emit(line)
        return len(text)

    def flush_pending(self):
        if self._pending:
            emit(self._pending)
            self._pending = ""


def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _strip_magics(source):
    # IPython line magics and shell escapes have no meaning without a kernel; the twin skips them.
    return "\n".join("pass" if l.lstrip().startswith(("%", "!")) else l for l in source.split("\n"))


def _format_error(exc, count, source):
    tb = traceback.extract_tb(exc.__traceback__)
    frames = [f for f in tb if f.filename == f"<cell-{count}>"]
    lines = ["-" * 75, f"{type(exc).__name__:<42}Traceback (most recent call last)"]
    src_lines = source.split("\n")
    for f in frames:
        lines.append(f"Cell In[{count}], line {f.lineno}")
        if 1 <= f.lineno <= len(src_lines):
            lines.append(f"----> {f.lineno} {src_lines[f.lineno - 1]}")
        lines.append("")
    lines.append(f"{type(exc).__name__}: {exc}")
    return lines


def run_cell(cell, count, namespace):
    outputs = []
    source = _strip_magics(_source(cell))
    out, err = _CellStream("stdout", outputs), _CellStream("stderr", outputs)
    sys.stdout, sys.stderr = out, err
    try:
        tree = ast.parse(source, filename=f"<cell-{count}>", mode="exec")
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, f"<cell-{count}>", "exec"), namespace)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), f"<cell-{count}>", "eval"), namespace)
            if value is not None:
                out.flush_pending()
                outputs.append({"output_type": "execute_result", "execution_count": count,
                                "data": {"text/plain": repr(value)}, "metadata": {}})
                for line in repr(value).split("\n"):
                    emit(line)
        error = None
    except BaseException as exc:  # the kernel reports every exception, SystemExit included
        error = exc
    finally:
        out.flush_pending()
        err.flush_pending()
        sys.stdout, sys.stderr = _real_stdout, sys.__stderr__
    if error is not None:
        tb_lines = _format_error(error, count, source)
        outputs.append({"output_type": "error", "ename": type(error).__name__, "evalue": str(error),
                        "traceback": tb_lines})
    return outputs, error


def main():
    start = time.time()
    print("==========================================")
    print("Jupyter Notebook Validator - Papermill (twin)")
    print("==========================================")
    print(f"Input Notebook: {sys.argv[6] if len(sys.argv) > 6 else INPUT_NB}")
    print(f"Output Notebook: {sys.argv[7] if len(sys.argv) > 7 else OUTPUT_NB}")
    print(f"Results JSON: {sys.argv[8] if len(sys.argv) > 8 else RESULTS_JSON}")
    print("")
    log("Verifying notebook exists...")
    if not os.path.isfile(INPUT_NB):
        log(f"ERROR: Notebook not found at path: {INPUT_NB}")
        return 1
    log("✓ Notebook found")
    log("Checking Papermill installation...")
    log("✓ Papermill already installed")
    log(f"Python version: Python {sys.version.split()[0]}")
    log("Papermill version: twin")
    log("")
    log("==========================================")
    log("Executing Notebook with Papermill")
    log("==========================================")

    with open(INPUT_NB, "r", encoding="utf-8") as f:
        nb = json.load(f)
    cells = nb.get("cells", [])
    emit(f"Input Notebook:  {sys.argv[6] if len(sys.argv) > 6 else INPUT_NB}")
    emit(f"Output Notebook: {sys.argv[7] if len(sys.argv) > 7 else OUTPUT_NB}")
    emit("Executing notebook with kernel: python3")

    namespace = {"__name__": "__main__", "__builtins__": builtins}
    count = 0
    failed_at = None
    failure = None
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        count += 1
        emit(f"Executing Cell {count}{'-' * 40}")
        outputs, error = run_cell(cell, count, namespace)
        cell["outputs"], cell["execution_count"] = outputs, count
        emit(f"Ending Cell {count}{'-' * 42}")
        if error is not None:
            failed_at, failure = index, (count, outputs[-1])
            break
    for cell in cells[(failed_at + 1) if failed_at is not None else len(cells):]:
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None

    if failure is not None:
        # papermill marks the failure with a markdown error cell at the top and an anchor before the failed cell
        fcount, ferr = failure
        cells.insert(failed_at, {"cell_type": "markdown", "metadata": {"tags": ["papermill-error-cell-tag"]},
                                 "source": '<span id="papermill-error-cell" style="color:red; font-family:Helvetica Neue, Helvetica, Arial, sans-serif; font-size:2em;">Execution using papermill encountered an exception here and stopped:</span>'})
        cells.insert(0, {"cell_type": "markdown", "metadata": {"tags": ["papermill-error-cell-tag"]},
                         "source": f"<span style=\"color:red; font-family:Helvetica Neue, Helvetica, Arial, sans-serif; font-size:2em;\">An Exception was encountered at '<a href=\"#papermill-error-cell\">In [{fcount}]</a>'.</span>"})
        emit("Traceback (most recent call last):")
        emit('  File "/opt/conda/bin/papermill", line 8, in <module>')
        emit("papermill.exceptions.PapermillExecutionError: ")
        emit("-" * 75)
        emit(f'Exception encountered at "In [{fcount}]":')
        for line in ferr["traceback"]:
            for sub in line.split("\n"):
                emit(sub)
    nb["cells"] = cells
    os.makedirs(os.path.dirname(OUTPUT_NB) or ".", exist_ok=True)
    with open(OUTPUT_NB, "w", encoding="utf-8") as f:
        json.dump(nb, f, indent=1)

    execution_log = "\n".join(_log_lines)
    if failure is None:
        exit_code, status, error_msg, category = 0, "succeeded", "None", "none"
        log("")
        log("✓ Notebook execution completed successfully")
    else:
        exit_code, status, category = 1, "failed", "notebook_execution_failed"
        if "PermissionError" in execution_log or "Permission denied" in execution_log:
            error_msg = "Notebook execution failed due to permission errors. Check that the container has write access to required directories."
            category = "environment_setup_failed"
        elif any(s in execution_log for s in ("ModuleNotFoundError", "ImportError", "No module named")):
            error_msg = "Notebook execution failed due to missing Python dependencies. Consider using a custom image with required packages pre-installed."
            category = "dependency_install_failed"
        elif any(s in execution_log for s in ("NameError", "AttributeError", "TypeError")):
            error_msg = "Notebook execution failed due to code errors. Review the notebook code for issues."
        else:
            error_msg = f"Papermill execution failed with exit code {exit_code}. Check logs for details."
        log("")
        log(f"✗ Notebook execution failed with exit code: {exit_code}")
        log(f"Error category: {category}")
    duration = int(time.time() - start)
    log(f"Execution duration: {duration}s")

    # ADR-041 checks: grep-based, driven by the VALIDATION_* env vars (reference/operator.md §1.1 validationConfig)
    env = os.environ
    log("")
    log("==========================================")
    log("ADR-041: Validation Safety Checks")
    log("==========================================")
    log(f"Validation Level: {env.get('VALIDATION_LEVEL') or 'development'}")
    log(f"Strict Mode: {env.get('VALIDATION_STRICT_MODE') or 'false'}")
    log(f"Fail on Stderr: {env.get('VALIDATION_FAIL_ON_STDERR') or 'false'}")
    log(f"Fail on Warnings: {env.get('VALIDATION_FAIL_ON_WARNINGS') or 'false'}")
    log(f"Detect Silent Failures: {env.get('VALIDATION_DETECT_SILENT_FAILURES') or 'true'}")
    starts = ("WARNING", "Error", "ERROR", "Traceback", "DeprecationWarning", "FutureWarning")
    if env.get("VALIDATION_FAIL_ON_STDERR") == "true" and status == "succeeded" \
            and any(l.startswith(starts) for l in _log_lines):
        log("⚠️ ADR-041: Stderr output detected with failOnStderr=true")
        status, exit_code, category = "failed", 1, "validation_stderr_failure"
        error_msg = "Validation failed: stderr output detected (ADR-041 failOnStderr enabled)"
    warn = ("Warning", "warning", "WARN", "UserWarning", "DeprecationWarning", "FutureWarning", "RuntimeWarning")
    if env.get("VALIDATION_FAIL_ON_WARNINGS") == "true" and status == "succeeded" \
            and any(w in execution_log for w in warn):
        log("⚠️ ADR-041: Python warnings detected with failOnWarnings=true")
        status, exit_code, category = "failed", 1, "validation_warning_failure"
        error_msg = "Validation failed: Python warnings detected (ADR-041 failOnWarnings enabled)"
    if env.get("VALIDATION_STRICT_MODE") == "true":
        log("🔒 ADR-041: Strict mode enabled - applying maximum validation rigor")
        n = sum(1 for l in _log_lines if l.startswith(("WARNING", "Error", "Traceback")))
        if n > 0 and status == "succeeded":
            log(f"⚠️ ADR-041: Strict mode detected {n} stderr/warning lines")
            status, exit_code, category = "failed", 1, "validation_strict_mode_failure"
            error_msg = f"Validation failed in strict mode: found {n} stderr/warning lines"
    log("✓ ADR-041 safety checks completed")

    log("")
    log("Parsing notebook results...")
    results = {
        "status": status, "error": error_msg, "error_category": category, "exit_code": exit_code,
        "notebook_path": NOTEBOOK_PATH, "execution_duration_seconds": duration,
        "timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "cells": [],
    }
    for idx, cell in enumerate(cells):
        entry = {"cell_index": idx, "cell_type": cell.get("cell_type"), "execution_count": cell.get("execution_count")}
        if cell.get("cell_type") == "code":
            has_error = False
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    has_error = True
                    entry["error"] = out.get("evalue", "Unknown error")
                    entry["traceback"] = out.get("traceback", [])
            entry["status"] = "failed" if has_error else "succeeded"
        results["cells"].append(entry)
    total = len(results["cells"])
    code = sum(1 for c in results["cells"] if c["cell_type"] == "code")
    failed = sum(1 for c in results["cells"] if c.get("status") == "failed")
    results["statistics"] = {"total_cells": total, "code_cells": code, "failed_cells": failed,
                             "success_rate": round((code - failed) / code * 100, 2) if code > 0 else 100.0}
    with open(RESULTS_JSON, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2)
    print(f"✓ Parsed {total} cells ({code} code cells)")
    print(f"✓ Success rate: {results['statistics']['success_rate']}%")

    log("")
    log("==========================================")
    log("Validation Complete")
    log("==========================================")
    log(f"Status: {status}")
    log(f"Results saved to: {sys.argv[8] if len(sys.argv) > 8 else RESULTS_JSON}")
    log("")
    log("Results Summary:")
    print(json.dumps(results, indent=4, ensure_ascii=True), flush=True)
    log(f"No golden notebook found at /workspace/golden/{NOTEBOOK_PATH}, skipping comparison")
    return exit_code


if __name__ == "__main__":
    sys.stdout.reconfigure(encoding="utf-8") if hasattr(sys.stdout, "reconfigure") else None
    _real_stdout = sys.stdout
    sys.exit(main())
