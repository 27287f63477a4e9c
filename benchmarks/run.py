"""`make bench`: what the plugin costs on real code, and what the runtime verifier costs per script.

Corpus: every .py file of the installed tensorflow, tf_keras and keras packages, plus fixtures/.

1. Full corpus, one run each, in this order: pylint -j1 baseline, plugin -j1, plugin -j2.
   Gives CPU time, wall time and peak RSS of each, the findings (ours, triaged by hand from
   benchmarks/corpus_findings.txt), crashes (astroid-error, fatal, tracebacks, "pylint-rnn: internal error"),
   and whether -j2 finds exactly what -j1 finds.
2. Repeated, interleaved timing on a deterministic sample (the first N corpus files by SHA-1 of their path
   relative to site-packages, plus every fixture): baseline vs plugin, -j1 and -j2, several repetitions.
   The overhead ratio is computed on the median CPU time (user+sys of the process and its workers), which is
   robust to other load on the machine; wall-time ratios are reported too.
3. In-process cProfile of the plugin run on the sample: time per checker module (visit/leave methods entered
   from pylint) and self time per core module, and the hottest functions.
4. Inference check on the sample: astroid inference calls made from our code, and TF/Keras modules astroid
   loads because of our code, against the baseline run.
5. Verifier: for each runtime fixture, the script alone vs pylint-rnn-verify, interleaved repetitions.

Baseline is `pylint --disable=all --enable=syntax-error`: pylint 4 refuses a bare `--disable=all` ("No files
to lint"), and syntax-error is emitted by the parser step, so no checker runs in the baseline.

Writes benchmarks/results.md (latest figures, machine and versions, plus a history table), appends a line to
benchmarks/history.jsonl and writes benchmarks/corpus_findings.txt; prints a summary.
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
PY = sys.executable
PACKAGES = ("tensorflow", "tf_keras", "keras")
BASE_ARGS = ["--persistent=n", "--score=n", "--disable=all", "--enable=syntax-error", "--output-format=json"]
PLUGIN_ARGS = ["--load-plugins=pylint_rnn", "--enable=rnn,rnn-time-axis-reduction"]
CRASH_SYMBOLS = ("astroid-error", "fatal")
GOAL_RATIO = 1.10
GOAL_VERIFY_RATIO = 1.5


def log(*args):
    print(*args, flush=True)


# ----------------------------------------------------------------------------------------------- corpus
def package_dir(name):
    spec = importlib.util.find_spec(name)  # does not import the package
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def corpus():
    files, per_package = [], {}
    for name in PACKAGES:
        folder = package_dir(name)
        if folder is None:
            per_package[name] = None
            continue
        found = sorted(str(p) for p in folder.rglob("*.py"))
        per_package[name] = found
        files.extend(found)
    fixtures = sorted(str(p) for p in (ROOT / "fixtures").rglob("*.py"))
    files.extend(fixtures)
    return files, per_package, fixtures


def count_lines(paths):
    total = 0
    for path in paths:
        with open(path, "rb") as handle:
            total += handle.read().count(b"\n")
    return total


def site_relative(path):
    for name in PACKAGES:
        folder = package_dir(name)
        if folder and path.startswith(str(folder) + os.sep):
            return os.path.relpath(path, folder.parent)
    return os.path.relpath(path, ROOT)


def deterministic_sample(files, fixtures, size):
    tf_files = [f for f in files if f not in set(fixtures)]
    ranked = sorted(tf_files, key=lambda f: hashlib.sha1(site_relative(f).encode()).hexdigest())
    return sorted(ranked[:size]) + fixtures


# ------------------------------------------------------------------------------------------ environment
def dist_version(*names):
    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "absent"


def machine():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "unknown"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True, check=False).stdout.strip() or "unknown"
    dirty = bool(subprocess.run(["git", "status", "--porcelain", "--", "pylint_rnn"], cwd=ROOT,
                                capture_output=True, text=True, check=False).stdout.strip())
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "commit": commit + ("+dirty" if dirty else ""),
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "pylint": dist_version("pylint"),
        "astroid": dist_version("astroid"),
        "tensorflow": dist_version("tensorflow", "tensorflow-cpu"),
        "tf-keras": dist_version("tf-keras", "tf_keras"),
        "keras": dist_version("keras"),
    }


def child_env(**extra):
    env = dict(os.environ)
    env.pop("PYLINT_RNN_DEBUG", None)  # measure what users run
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("TF_USE_LEGACY_KERAS", "1")
    env.update(extra)
    return env


# --------------------------------------------------------------------------------------------- running
def run_measured(cmd, workdir, tag, cwd=ROOT, timeout=3600, env=None):
    """Run cmd; -> dict(wall, cpu, rss_mb, rc, out, err). CPU and peak RSS come from wait4 (includes workers)."""
    out_path, err_path = Path(workdir) / f"{tag}.out", Path(workdir) / f"{tag}.err"
    start = time.perf_counter()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd, env=env or child_env(),
                                start_new_session=True)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout and not timed_out:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall": time.perf_counter() - start,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024.0,
        "rc": proc.returncode,
        "timed_out": timed_out,
        "out": str(out_path),
        "err": str(err_path),
    }


def pylint_cmd(files, plugin, jobs):
    return [PY, "-m", "pylint", *BASE_ARGS, f"--jobs={jobs}", *(PLUGIN_ARGS if plugin else []), *files]


def parse_pylint(result):
    text = Path(result["out"]).read_text(encoding="utf-8", errors="replace")
    try:
        messages = json.loads(text) if text.strip() else []
    except json.JSONDecodeError:
        messages = []
        result["json_error"] = text[:2000]
    stderr = Path(result["err"]).read_text(encoding="utf-8", errors="replace")
    result["messages"] = messages
    result["ours"] = [m for m in messages if m["symbol"].startswith("rnn-")]
    result["crashes"] = [m for m in messages if m["symbol"] in CRASH_SYMBOLS]
    result["syntax_errors"] = [m for m in messages if m["symbol"] == "syntax-error"]
    result["tracebacks"] = stderr.count("Traceback (most recent call last)")
    result["internal_errors"] = [line for line in stderr.splitlines() if "pylint-rnn: internal error" in line]
    result["stderr_tail"] = stderr[-3000:]
    return result


def message_key(m):
    return (m["path"], m["line"], m["column"], m["symbol"], m["message"])


def median(values):
    return statistics.median(values) if values else float("nan")


# ----------------------------------------------------------------------------------------------- stages
def full_corpus(files, workdir):
    runs = {}
    for name, plugin, jobs in (("base-j1", False, 1), ("plugin-j1", True, 1), ("plugin-j2", True, 2)):
        log(f"  full corpus: {name} ({len(files)} files) ...")
        runs[name] = parse_pylint(run_measured(pylint_cmd(files, plugin, jobs), workdir, f"full-{name}"))
        r = runs[name]
        log(f"    cpu {r['cpu']:.1f}s wall {r['wall']:.1f}s rss {r['rss_mb']:.0f}MB rc {r['rc']} "
            f"ours {len(r['ours'])} crashes {len(r['crashes'])} tracebacks {r['tracebacks']} "
            f"internal {len(r['internal_errors'])}")
    j1 = sorted(message_key(m) for m in runs["plugin-j1"]["messages"])
    j2 = sorted(message_key(m) for m in runs["plugin-j2"]["messages"])
    return runs, {"plugin_j1_eq_j2": j1 == j2,
                  "only_j1": [k for k in j1 if k not in set(j2)][:20],
                  "only_j2": [k for k in j2 if k not in set(j1)][:20]}


def sample_timing(sample, workdir, reps, jobs):
    series = {"base": [], "plugin": []}
    for rep in range(reps):
        order = (("base", False), ("plugin", True)) if rep % 2 == 0 else (("plugin", True), ("base", False))
        for name, plugin in order:
            r = run_measured(pylint_cmd(sample, plugin, jobs), workdir, f"sample-j{jobs}-{name}-{rep}")
            parse_pylint(r)
            series[name].append({k: r[k] for k in ("cpu", "wall", "rss_mb", "rc")} |
                                {"crashes": len(r["crashes"]), "ours": len(r["ours"])})
            log(f"  sample -j{jobs} rep {rep + 1}/{reps} {name:6s} cpu {r['cpu']:6.1f}s wall {r['wall']:6.1f}s "
                f"rss {r['rss_mb']:.0f}MB")
    base_cpu = median([s["cpu"] for s in series["base"]])
    plug_cpu = median([s["cpu"] for s in series["plugin"]])
    base_wall = median([s["wall"] for s in series["base"]])
    plug_wall = median([s["wall"] for s in series["plugin"]])
    return {
        "jobs": jobs, "reps": reps, "series": series,
        "base_cpu": base_cpu, "plugin_cpu": plug_cpu, "ratio_cpu": plug_cpu / base_cpu,
        "ratio_cpu_min": min(s["cpu"] for s in series["plugin"]) / min(s["cpu"] for s in series["base"]),
        "base_wall": base_wall, "plugin_wall": plug_wall, "ratio_wall": plug_wall / base_wall,
        "base_rss": max(s["rss_mb"] for s in series["base"]),
        "plugin_rss": max(s["rss_mb"] for s in series["plugin"]),
    }


def probe(mode, filelist, workdir, *extra):
    out = Path(workdir) / f"probe-{mode}{''.join(extra)}.json"
    result = run_measured([PY, str(BENCH / "_probe.py"), mode, str(filelist), str(out), *extra],
                          workdir, f"probe-{mode}{''.join(extra)}")
    if result["rc"] != 0 or not out.exists():
        return {"error": Path(result["err"]).read_text(encoding="utf-8", errors="replace")[-3000:]}
    data = json.loads(out.read_text(encoding="utf-8"))
    data["cpu"] = result["cpu"]
    return data


def summarize_profile(prof):
    """Per plugin module: time entered from pylint (checkers) and self time (core), as share of the run."""
    if "error" in prof:
        return prof
    total = prof["total_s"]
    load = 0.0
    per_checker = {}
    entries = dict(prof["entry_cumulative_s"])
    # Registration and module import are start-up cost, not per-file cost.
    for func, seconds in prof["top_entry_functions"]:
        name = func.rsplit(".", 1)[1]
        if name in ("<module>", "register") or name[:1].isupper():
            load += seconds
    for mod, seconds in entries.items():
        if mod.startswith("checkers."):
            per_checker[mod] = seconds
    # subtract import-time entries from the checker modules they belong to
    for func, seconds in prof["top_entry_functions"]:
        mod, name = func.rsplit(".", 1)
        if mod in per_checker and (name == "<module>" or name[:1].isupper()):
            per_checker[mod] -= seconds
    plugin_total = sum(per_checker.values())
    core_self = {m: s for m, s in prof["self_time_s"].items() if m.startswith("core.")}
    return {
        "total_s": total,
        "plugin_visit_s": plugin_total,
        "plugin_share": plugin_total / total if total else float("nan"),
        "load_s": load,
        "per_checker": dict(sorted(per_checker.items(), key=lambda kv: -kv[1])),
        "core_self": dict(sorted(core_self.items(), key=lambda kv: -kv[1])),
        "hot_entries": [(f, s) for f, s in prof["top_entry_functions"]
                        if not f.endswith(("<module>", ".register"))][:8],
        "hot_self": prof["top_self_functions"][:10],
        "calls": prof.get("calls", {}),
    }


def runnable_script(path):
    """A runtime fixture that runs as `python script.py`: top level of fixtures/runtime (hostile/ targets are
    the verifier's own robustness tests: infinite loops, unbounded allocation...), and code at module level
    (factory modules that only define functions are targets of `pylint-rnn-verify file.py:FUNCTION`)."""
    import ast  # pylint: disable=import-outside-toplevel

    path = Path(path)
    if path.parent != ROOT / "fixtures" / "runtime":
        return False
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError, OSError):
        return False
    quiet = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    for stmt in tree.body:
        if isinstance(stmt, quiet):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # docstring
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and not any(
                isinstance(n, ast.Call) for n in ast.walk(stmt)):
            continue  # constants and aliases such as `layers = tf.keras.layers`
        return True
    return False


def verifier(workdir, reps):
    scripts = [p for p in sorted((ROOT / "fixtures" / "runtime").glob("*.py")) if runnable_script(p)]
    verify_bin = Path(PY).parent / "pylint-rnn-verify"
    verify = [str(verify_bin)] if verify_bin.exists() else [PY, "-m", "pylint_rnn.verify.cli"]
    try:
        from pylint_rnn.verify import shim  # pylint: disable=import-outside-toplevel
        looks_tf1 = shim.looks_tf1
    except Exception:  # pylint: disable=broad-exception-caught
        looks_tf1 = None
    rows = []
    tf_import = [run_measured([PY, "-c", "import tensorflow"], workdir, f"tfimport-{i}")["wall"]
                 for i in range(max(1, min(reps, 3)))]
    for script in scripts:
        source = script.read_text(encoding="utf-8", errors="replace")
        tf1 = bool(looks_tf1 and looks_tf1(source))
        plain_cmd = [PY, str(BENCH / "_tf1_run.py"), str(script)] if tf1 else [PY, str(script)]
        plain, verified, timings = [], [], []
        for rep in range(reps):
            report = Path(workdir) / f"verify-{script.stem}-{rep}.json"
            pair = ((plain, plain_cmd, "plain"),
                    (verified, verify + ["--format", "json", "-o", str(report), str(script)], "verify"))
            for store, cmd, kind in (pair if rep % 2 == 0 else pair[::-1]):
                r = run_measured(cmd, workdir, f"{kind}-{script.stem}-{rep}", cwd=script.parent, timeout=900)
                store.append(r)
            if report.exists():
                try:
                    timings.append(json.loads(report.read_text(encoding="utf-8")).get("timings", {}))
                except json.JSONDecodeError:
                    pass
        row = {
            "script": str(script.relative_to(ROOT)),
            "baseline": "python + TF1 facade" if tf1 else "python",
            "plain_wall": median([r["wall"] for r in plain]),
            "verify_wall": median([r["wall"] for r in verified]),
            "plain_rc": sorted({r["rc"] for r in plain}),
            "verify_rc": sorted({r["rc"] for r in verified}),
            "plain_rss": max(r["rss_mb"] for r in plain),
            "verify_rss": max(r["rss_mb"] for r in verified),
        }
        row["ratio"] = row["verify_wall"] / row["plain_wall"] if row["plain_wall"] else float("nan")
        for key in ("tf_import_s", "target_s", "child_total_s", "wall_s"):
            vals = [t[key] for t in timings if isinstance(t.get(key), (int, float))]
            row[key] = median(vals) if vals else None
        if plain and plain[0]["rc"] != 0:
            row["plain_stderr"] = Path(plain[0]["err"]).read_text(encoding="utf-8", errors="replace")[-400:]
        rows.append(row)
        log(f"  verify {row['script']}: plain {row['plain_wall']:.2f}s (rc {row['plain_rc']}) "
            f"verify {row['verify_wall']:.2f}s (rc {row['verify_rc']}) ratio {row['ratio']:.2f}")
    return {"tf_import_s": median(tf_import), "rows": rows}


# ---------------------------------------------------------------------------------------------- report
def fmt(value, spec=".2f"):
    if value is None or (isinstance(value, float) and value != value):
        return "n/a"
    return format(value, spec)


def _by_symbol(messages):
    counts = {}
    for m in messages:
        if m:
            counts[m["symbol"]] = counts.get(m["symbol"], 0) + 1
    return counts


def write_findings(runs):
    if not runs:
        return
    lines = []
    for m in sorted(runs["plugin-j1"]["ours"], key=lambda m: (m["path"], m["line"], m["symbol"])):
        lines.append(f"{site_relative(os.path.abspath(m['path']))}:{m['line']}: {m['symbol']}: {m['message']}")
    (BENCH / "corpus_findings.txt").write_text(
        "# Our messages on the benchmark corpus (tensorflow, tf_keras, keras, fixtures), from `make bench`.\n"
        + "\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")


def render(info, corpus_info, runs, jequal, timing1, timing2, prof, inference, verify):
    out = []
    out.append("# Benchmark results\n")
    out.append("Written by `make bench` (`benchmarks/run.py`); the method is described in that file's docstring. "
               "Overhead ratios are medians of CPU time (user+sys, workers included) over interleaved "
               "repetitions; wall-time ratios are given beside them. Baseline: `pylint --disable=all "
               "--enable=syntax-error` (pylint 4 refuses a bare `--disable=all`); plugin: the same plus "
               "`--load-plugins=pylint_rnn --enable=rnn,rnn-time-axis-reduction`.\n")
    out.append("## Machine and versions\n")
    out.append("| | |\n|---|---|")
    for key in ("date", "commit", "cpu", "nproc", "os", "python", "pylint", "astroid", "tensorflow",
                "tf-keras", "keras"):
        out.append(f"| {key} | {info[key]} |")
    out.append("")
    out.append("## Corpus\n")
    out.append("| part | files | lines |\n|---|---:|---:|")
    for name, (nfiles, nlines) in corpus_info["parts"].items():
        out.append(f"| {name} | {nfiles} | {nlines} |")
    out.append(f"| **total** | **{corpus_info['files']}** | **{corpus_info['lines']}** |")
    out.append(f"\nTiming sample: {corpus_info['sample_files']} files, {corpus_info['sample_lines']} lines "
               f"({corpus_info['sample_size']} corpus files chosen by SHA-1 of their path, plus every fixture).\n")

    out.append("## Plugin overhead (goal: ratio ≤ 1.10)\n")
    out.append("| measurement | baseline CPU s | plugin CPU s | ratio (CPU) | ratio (wall) | baseline peak RSS MB | "
               "plugin peak RSS MB |\n|---|---:|---:|---:|---:|---:|---:|")
    for t in (timing1, timing2):
        if t:
            out.append(f"| sample, -j{t['jobs']}, median of {t['reps']} | {fmt(t['base_cpu'], '.1f')} | "
                       f"{fmt(t['plugin_cpu'], '.1f')} | **{fmt(t['ratio_cpu'], '.3f')}** | "
                       f"{fmt(t['ratio_wall'], '.3f')} | {fmt(t['base_rss'], '.0f')} | {fmt(t['plugin_rss'], '.0f')} |")
    if runs:
        b, p, p2 = runs["base-j1"], runs["plugin-j1"], runs["plugin-j2"]
        out.append(f"| full corpus, -j1, one run | {fmt(b['cpu'], '.1f')} | {fmt(p['cpu'], '.1f')} | "
                   f"**{fmt(p['cpu'] / b['cpu'], '.3f')}** | {fmt(p['wall'] / b['wall'], '.3f')} | "
                   f"{fmt(b['rss_mb'], '.0f')} | {fmt(p['rss_mb'], '.0f')} |")
        out.append(f"| full corpus, plugin -j2, one run | - | {fmt(p2['cpu'], '.1f')} (wall {fmt(p2['wall'], '.0f')} "
                   f"vs {fmt(p['wall'], '.0f')} at -j1) | - | - | - | {fmt(p2['rss_mb'], '.0f')} |")
        out.append("\nWith -j2, peak RSS is that of the largest single process (the parent or one worker).\n")
        out.append("## Parallel and crashes (full corpus)\n")
        out.append(f"- -j2 findings identical to -j1 (all messages, plugin run): "
                   f"**{'yes' if jequal['plugin_j1_eq_j2'] else 'NO'}**.")
        if not jequal["plugin_j1_eq_j2"]:
            out.append(f"  - only in -j1: {jequal['only_j1']}\n  - only in -j2: {jequal['only_j2']}")
        for name in ("plugin-j1", "plugin-j2"):
            r = runs[name]
            out.append(f"- {name}: {len(r['crashes'])} astroid-error/fatal, {r['tracebacks']} tracebacks, "
                       f"{len(r['internal_errors'])} `pylint-rnn: internal error` lines, "
                       f"{len(r['syntax_errors'])} syntax-error (pylint's own), {len(r['ours'])} rnn-* messages.")
        counts = _by_symbol(runs["plugin-j1"]["ours"])
        outside = [m for m in runs["plugin-j1"]["ours"] if m and "fixtures/" not in m["path"]]
        out.append(f"- Our messages by symbol: {counts or 'none'} (listed in `benchmarks/corpus_findings.txt`); "
                   f"**{len(outside)}** of them on the tensorflow/tf_keras/keras sources, the rest on our own "
                   f"fixtures (where they are expected).\n")

    if prof and "error" not in prof:
        out.append("## Where the plugin's time goes (cProfile, CPU time, sample, in-process)\n")
        out.append(f"Profiled run: {fmt(prof['total_s'], '.1f')} s CPU in total; the plugin's visit/leave methods "
                   f"(entered from pylint's walker) account for {fmt(prof['plugin_visit_s'], '.2f')} s = "
                   f"**{fmt(100 * prof['plugin_share'], '.1f')} %** (plus {fmt(prof['load_s'], '.2f')} s one-off "
                   f"plugin import/registration). Profiling inflates function-call-heavy code, so these shares are "
                   f"upper bounds.\n")
        out.append("| checker module | s | % of run |\n|---|---:|---:|")
        for mod, seconds in prof["per_checker"].items():
            out.append(f"| pylint_rnn.{mod} | {fmt(seconds, '.3f')} | {fmt(100 * seconds / prof['total_s'], '.2f')} |")
        out.append("\n| core module (self time, called from the checkers above) | s | % of run |\n|---|---:|---:|")
        for mod, seconds in prof["core_self"].items():
            out.append(f"| pylint_rnn.{mod} | {fmt(seconds, '.3f')} | {fmt(100 * seconds / prof['total_s'], '.2f')} |")
        out.append("\nHottest entry points (cumulative): " +
                   ", ".join(f"`{f}` {s:.3f}s" for f, s in prof["hot_entries"]))
        out.append("\nHottest functions (self time): " +
                   ", ".join(f"`{f}` {s:.3f}s ({prof['calls'].get(f, '?')} calls)" for f, s in prof["hot_self"]) + "\n")
    elif prof:
        out.append(f"## Profile\n\nprofile failed:\n```\n{prof['error']}\n```\n")

    if inference:
        base, plug = inference.get("base", {}), inference.get("plugin", {})
        out.append("## Astroid inference into TensorFlow (sample)\n")
        if "error" in base or "error" in plug:
            out.append(f"probe failed: {base.get('error') or plug.get('error')}\n")
        else:
            extra = sorted(set(plug["tf_modules"]) - set(base["tf_modules"]))
            direct = plug["infer_calls_from_plugin"] - plug.get("infer_calls_in_plugin_module_loads", 0)
            ok = direct == 0 and not plug["tf_module_requests_from_plugin"] and not extra
            out.append("| run | astroid `infer()` calls | from pylint_rnn | TF/Keras module loads | "
                       "TF/Keras loads from pylint_rnn |\n|---|---:|---:|---:|---:|")
            out.append(f"| baseline | {base['infer_calls']} | - | {base['tf_module_requests']} | - |")
            out.append(f"| plugin | {plug['infer_calls']} | {plug['infer_calls_from_plugin']} | "
                       f"{plug['tf_module_requests']} | {len(plug['tf_module_requests_from_plugin'])} |")
            if "module_requests_from_plugin" in plug:
                out.append(f"\nOther modules astroid was asked for by our code: {plug['module_requests_from_plugin']} "
                           f"requests; not already loaded by pylint: {plug['modules_from_plugin_not_cached'] or 'none'}. "
                           f"Of the `infer()` calls from pylint_rnn, {plug['infer_calls_in_plugin_module_loads']} "
                           "happen inside those module loads (astroid's brain transforms while building the module), "
                           "the rest are direct.")
            out.append(f"\nTF/Keras modules loaded only in the plugin run: {extra or 'none'}. "
                       f"Verdict: **{'no inference into TensorFlow caused by our checks' if ok else 'OUR CHECKS INFER'}**. "
                       "(The loads in both runs are pylint's own import resolution of the TF sources being linted.)\n")

    if verify:
        out.append("## Runtime verifier (goal: ratio ≤ 1.5)\n")
        out.append(f"`python -c 'import tensorflow'` alone: {fmt(verify['tf_import_s'])} s wall. "
                   "Ratios are medians of wall time over interleaved repetitions. TF1-style scripts cannot run "
                   "as plain `python script.py` on TensorFlow 2, so their baseline is the script on the same TF1 "
                   "facade (`benchmarks/_tf1_run.py`). The verifier's breakdown comes from its JSON report: TF "
                   "import and target in the child, the rest is the parent (process start, limits, rendering) and "
                   "the child's probes/analysis.\n")
        out.append("| script | baseline | plain s | verify s | ratio | exit (plain/verify) | child TF import s | "
                   "child target s | child total s | parent overhead s |\n|---|---|---:|---:|---:|---|---:|---:|---:|---:|")
        for row in [r for r in verify["rows"] if runnable_script(ROOT / r["script"])]:
            parent = (row["verify_wall"] - row["child_total_s"]) if row.get("child_total_s") is not None else None
            out.append(f"| {row['script']} | {row['baseline']} | {fmt(row['plain_wall'])} | {fmt(row['verify_wall'])} "
                       f"| **{fmt(row['ratio'])}** | {row['plain_rc']}/{row['verify_rc']} | {fmt(row['tf_import_s'])} | "
                       f"{fmt(row['target_s'])} | {fmt(row['child_total_s'])} | {fmt(parent)} |")
        out.append("")
    return "\n".join(out)


def history_table():
    path = BENCH / "history.jsonl"
    if not path.exists():
        return ""
    rows = ["## History\n", "| date | commit | corpus files | ratio -j1 (sample) | ratio -j2 (sample) | "
            "ratio -j1 (full) | plugin RSS MB (full -j1) | crashes | our messages | verifier max ratio |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for line in path.read_text(encoding="utf-8").splitlines()[-30:]:
        try:
            h = json.loads(line)
        except json.JSONDecodeError:
            continue
        rows.append(f"| {h.get('date')} | {h.get('commit')} | {h.get('files')} | {fmt(h.get('ratio_j1'), '.3f')} | "
                    f"{fmt(h.get('ratio_j2'), '.3f')} | {fmt(h.get('ratio_full_j1'), '.3f')} | "
                    f"{fmt(h.get('rss_full'), '.0f')} | {h.get('crashes')} | {h.get('ours')} | "
                    f"{fmt(h.get('verify_max_ratio'))} |")
    return "\n".join(rows) + "\n"


def rerender(path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    full = raw.get("full") or None
    runs = None
    if full:
        listed = []
        findings = BENCH / "corpus_findings.txt"
        if findings.exists():
            for line in findings.read_text(encoding="utf-8").splitlines():
                if line and not line.startswith("#"):
                    where, symbol = line.split(": ", 2)[:2]
                    listed.append({"path": where.rsplit(":", 1)[0], "symbol": symbol})
        runs = {k: dict(v, crashes=v["crashes"], internal_errors=v["internal_errors"],
                        ours=listed if len(listed) == v["ours"] else [None] * v["ours"],
                        syntax_errors=[None] * v["syntax_errors"])
                for k, v in full.items()}
    text = render(raw["info"], raw["corpus"], runs, raw.get("jequal"), raw["timing_j1"], raw["timing_j2"],
                  raw.get("profile"), raw.get("inference"), raw.get("verify"))
    text += f"\nRe-rendered from {path.name}; benchmark wall time was {raw.get('elapsed_min', '?')} min.\n"
    text += "\n" + history_table()
    (BENCH / "results.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=int(os.environ.get("BENCH_SAMPLE", 200)),
                        help="corpus files in the repeated-timing sample (default 200)")
    parser.add_argument("--reps", type=int, default=int(os.environ.get("BENCH_REPS", 4)),
                        help="repetitions of the -j1 sample timing (default 4; -j2 uses max(2, reps - 2))")
    parser.add_argument("--verify-reps", type=int, default=int(os.environ.get("BENCH_VERIFY_REPS", 2)))
    parser.add_argument("--skip-full", action="store_true", help="skip the three full-corpus runs")
    parser.add_argument("--skip-verify", action="store_true")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: sample 40, 2 reps, no full corpus, 1 verifier rep; does not write results")
    parser.add_argument("--render-from", metavar="RESULTS_JSON",
                        help="only rewrite results.md from a results.json of an earlier run (current row filters)")
    args = parser.parse_args(argv)
    if args.render_from:
        return rerender(Path(args.render_from))
    if args.quick:
        args.sample, args.reps, args.verify_reps, args.skip_full = 40, 2, 1, True

    started = time.perf_counter()
    info = machine()
    files, per_package, fixtures = corpus()
    parts = {}
    for name, found in per_package.items():
        parts[name] = (len(found), count_lines(found)) if found is not None else (0, 0)
    parts["fixtures"] = (len(fixtures), count_lines(fixtures))
    sample = deterministic_sample(files, fixtures, args.sample)
    corpus_info = {"parts": parts, "files": len(files), "lines": sum(n for _, n in parts.values()),
                   "sample_size": args.sample, "sample_files": len(sample), "sample_lines": count_lines(sample)}
    log(f"pylint-rnn benchmark — {info['date']} commit {info['commit']} on {info['cpu']} x{info['nproc']}")
    log(f"corpus: {corpus_info['files']} files, {corpus_info['lines']} lines "
        f"({', '.join(f'{k} {v[0]}' for k, v in parts.items())}); sample {len(sample)} files")
    missing = [name for name, found in per_package.items() if found is None]
    if missing:
        log(f"WARNING: not installed, left out of the corpus: {missing}")

    with tempfile.TemporaryDirectory(prefix="pylint-rnn-bench-") as workdir:
        filelist = Path(workdir) / "sample.txt"
        filelist.write_text("\n".join(sample) + "\n", encoding="utf-8")

        runs = jequal = None
        if not args.skip_full:
            log("[1/5] full corpus runs")
            runs, jequal = full_corpus(files, workdir)
        log("[2/5] interleaved timing on the sample")
        timing1 = sample_timing(sample, workdir, args.reps, 1)
        timing2 = sample_timing(sample, workdir, max(2, args.reps - 2), 2)
        log("[3/5] profile")
        prof = summarize_profile(probe("profile", filelist, workdir))
        log("[4/5] inference check")
        inference = {"base": probe("inference", filelist, workdir),
                     "plugin": probe("inference", filelist, workdir, "--plugin")}
        verify = None
        if not args.skip_verify:
            log("[5/5] verifier")
            verify = verifier(workdir, args.verify_reps)

        text = render(info, corpus_info, runs, jequal, timing1, timing2, prof, inference, verify)
        elapsed = time.perf_counter() - started
        text += f"\nBenchmark wall time: {elapsed / 60:.1f} min.\n"
        if args.quick:
            print(text)
            return 0
        history = {
            "date": info["date"], "commit": info["commit"], "files": corpus_info["files"],
            "ratio_j1": timing1["ratio_cpu"], "ratio_j2": timing2["ratio_cpu"],
            "ratio_full_j1": runs["plugin-j1"]["cpu"] / runs["base-j1"]["cpu"] if runs else None,
            "rss_full": runs["plugin-j1"]["rss_mb"] if runs else None,
            "crashes": (len(runs["plugin-j1"]["crashes"]) + runs["plugin-j1"]["tracebacks"]
                        + len(runs["plugin-j1"]["internal_errors"])) if runs else None,
            "ours": len(runs["plugin-j1"]["ours"]) if runs else None,
            "verify_max_ratio": max((r["ratio"] for r in verify["rows"] if runnable_script(ROOT / r["script"])),
                                    default=None) if verify else None,
        }
        with open(BENCH / "history.jsonl", "a", encoding="utf-8") as handle:
            handle.write(json.dumps(history) + "\n")
        text += "\n" + history_table()
        (BENCH / "results.md").write_text(text, encoding="utf-8")
        write_findings(runs)
        raw = {"elapsed_min": round(elapsed / 60, 1),
               "ours_by_symbol": _by_symbol(runs["plugin-j1"]["ours"]) if runs else None,
               "info": info, "corpus": corpus_info, "timing_j1": timing1, "timing_j2": timing2,
               "profile": prof, "inference": inference, "verify": verify, "jequal": jequal,
               "full": {k: {kk: v[kk] for kk in ("cpu", "wall", "rss_mb", "rc", "tracebacks")} |
                        {"crashes": v["crashes"], "internal_errors": v["internal_errors"],
                         "ours": len(v["ours"]), "syntax_errors": len(v["syntax_errors"])}
                        for k, v in (runs or {}).items()}}
        (BENCH / "results.json").write_text(json.dumps(raw, indent=1, default=str), encoding="utf-8")

    summary = [
        f"overhead ratio (CPU, sample, -j1): {fmt(timing1['ratio_cpu'], '.3f')} (goal ≤ {GOAL_RATIO}); "
        f"-j2: {fmt(timing2['ratio_cpu'], '.3f')}",
    ]
    if runs:
        summary.append(f"full corpus -j1 ratio {fmt(runs['plugin-j1']['cpu'] / runs['base-j1']['cpu'], '.3f')}, "
                       f"peak RSS {runs['base-j1']['rss_mb']:.0f} -> {runs['plugin-j1']['rss_mb']:.0f} MB; "
                       f"-j2 findings identical: {jequal['plugin_j1_eq_j2']}; crashes: {history['crashes']}; "
                       f"our messages: {history['ours']}")
    if prof and "error" not in prof:
        summary.append(f"plugin share of profiled run: {100 * prof['plugin_share']:.1f} %; " +
                       ", ".join(f"{m} {s:.2f}s" for m, s in prof["per_checker"].items()))
    if inference and "error" not in inference["plugin"]:
        summary.append(f"astroid infer() from pylint_rnn: {inference['plugin']['infer_calls_from_plugin']}, "
                       f"TF modules loaded because of pylint_rnn: "
                       f"{len(inference['plugin']['tf_module_requests_from_plugin'])}")
    if verify:
        for row in verify["rows"]:
            summary.append(f"verify {Path(row['script']).name}: ratio {fmt(row['ratio'])} "
                           f"({fmt(row['plain_wall'])}s -> {fmt(row['verify_wall'])}s)")
    summary.append(f"wrote {BENCH / 'results.md'} in {(time.perf_counter() - started) / 60:.1f} min")
    log("\n".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
