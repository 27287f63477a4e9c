"""The measuring half of `make bench` (benchmarks/run.py): the corpus, the environment, running and timing
pylint and the verifier in child processes, and the five stages whose figures run.py renders.
"""
from __future__ import annotations

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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
PY = sys.executable
PACKAGES = ("tensorflow", "tf_keras", "keras")
BASE_ARGS = ["--persistent=n", "--score=n", "--disable=all", "--enable=syntax-error", "--output-format=json"]
PLUGIN_ARGS = ["--load-plugins=pylint_rnn", "--enable=rnn,rnn-time-axis-reduction"]
CRASH_SYMBOLS = ("astroid-error", "fatal")


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
