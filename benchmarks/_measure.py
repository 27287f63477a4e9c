"""The measuring half of `make bench` (benchmarks/run.py): the corpus, the environment, running and timing
pylint and the verifier in child processes, and the stages whose figures run.py renders.
"""
from __future__ import annotations

import concurrent.futures
import datetime
import importlib.metadata
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
PY = sys.executable
RCFILE = BENCH / "bench.pylintrc"  # pylint's defaults, whatever configuration the current directory has
BASE_ARGS = [f"--rcfile={RCFILE}", "--persistent=n", "--score=n", "--disable=all", "--enable=syntax-error",
             "--output-format=json"]
PLUGIN_ARGS = ["--load-plugins=pylint_rnn", "--enable=rnn,rnn-time-axis-reduction"]
CRASH_SYMBOLS = ("astroid-error", "fatal")
SKIP_DIRS = {".git", ".hg", ".venv", "venv", "env", "__pycache__", "site-packages", "node_modules", ".tox",
             "build", "dist"}


def log(*args):
    print(*args, flush=True)


# ----------------------------------------------------------------------------------------------- corpus
def python_files(folder):
    """Every .py file under folder, skipping VCS, virtual environments and build output (sorted)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        found += [os.path.join(dirpath, name) for name in sorted(filenames) if name.endswith(".py")]
    return found


def generated_corpus(outdir, count, seed):
    """-> (files, expected) of the generated training scripts (benchmarks/corpus.py) written into outdir."""
    sys.path.insert(0, str(BENCH))
    try:
        import corpus  # pylint: disable=import-outside-toplevel
    finally:
        sys.path.pop(0)
    expected = corpus.generate(outdir, count, seed)
    return sorted(str(Path(outdir) / name) for name in expected), expected


def count_lines(paths):
    total = 0
    for path in paths:
        with open(path, "rb") as handle:
            total += handle.read().count(b"\n")
    return total


# ------------------------------------------------------------------------------------------ environment
def dist_version(*names):
    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "absent"


def machine():
    """Date, commit, CPU, load and versions of what is measured."""
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), cpu)
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
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "os": platform.platform(),
        "python": platform.python_version(),
        "pylint": dist_version("pylint"),
        "astroid": dist_version("astroid"),
        "tensorflow": dist_version("tensorflow", "tensorflow-cpu"),
        "tf-keras": dist_version("tf-keras", "tf_keras"),
        "keras": dist_version("keras"),
    }


PYCACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pylint-rnn-bench" / "pycache"


def child_env(**extra):
    """The children measure this repository's plugin as users run it: no debug, and with compiled bytecode
    (an installed wheel has it; a source tree under PYTHONDONTWRITEBYTECODE=1 would recompile the plugin on
    every run, ~0.4 s that is no cost of the analysis), kept outside the repository. Fixed hash seed."""
    env = dict(os.environ)
    env.pop("PYLINT_RNN_DEBUG", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONHASHSEED"] = "0"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("TF_USE_LEGACY_KERAS", "1")
    env.update(extra)
    return env


# --------------------------------------------------------------------------------------------- running
def run_measured(cmd, workdir, tag, cwd=ROOT, timeout=3600):
    """Run cmd; -> dict(wall, cpu, rss_mb, rc, out, err). CPU and peak RSS come from wait4 (includes workers)."""
    out_path, err_path = Path(workdir) / f"{tag}.out", Path(workdir) / f"{tag}.err"
    start = time.perf_counter()
    with open(out_path, "wb") as out, open(err_path, "wb") as err, \
            subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd, env=child_env(), start_new_session=True) as proc:
        status, usage, timed_out = _wait(proc, start, timeout)
    return {"wall": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime,
            "rss_mb": usage.ru_maxrss / 1024.0, "rc": os.waitstatus_to_exitcode(status), "timed_out": timed_out,
            "out": str(out_path), "err": str(err_path)}


def _wait(proc, start, timeout):
    """Reap proc with wait4 (its rusage covers its children), killing its process group after timeout."""
    timed_out = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
            return status, usage, timed_out
        if time.perf_counter() - start > timeout and not timed_out:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
        time.sleep(0.02)


def warm_up(files, workdir):
    """One baseline and one plugin run before any timing: fills the bytecode cache and the OS file cache."""
    for plugin in (False, True):
        run_measured(pylint_cmd(files[:5], plugin, 1), workdir, f"warm-up-{int(plugin)}")


def pylint_cmd(files, plugin, jobs):
    return [PY, "-m", "pylint", *BASE_ARGS, f"--jobs={jobs}", *(PLUGIN_ARGS if plugin else []), *files]


def parse_pylint(result):
    """Add pylint's JSON messages, ours, crashes and tracebacks to a run_measured result."""
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
    return result


def message_key(m):
    return (m["path"], m["line"], m["column"], m["symbol"], m["message"])


def median(values):
    return statistics.median(values) if values else float("nan")


def spread(values):
    """(max - min) / median: how far apart repetitions of one measurement landed."""
    return (max(values) - min(values)) / median(values) if values and median(values) else float("nan")


# ----------------------------------------------------------------------------------------------- stages
def timing(files, workdir, reps, jobs, tag):
    """Interleaved baseline/plugin runs; -> medians, ratios, noise, peak RSS and the last plugin run's findings."""
    series = {"base": [], "plugin": []}
    last_plugin = None
    for rep in range(reps):
        order = (("base", False), ("plugin", True)) if rep % 2 == 0 else (("plugin", True), ("base", False))
        for name, plugin in order:
            r = parse_pylint(run_measured(pylint_cmd(files, plugin, jobs), workdir, f"{tag}-j{jobs}-{name}-{rep}"))
            series[name].append({k: r[k] for k in ("cpu", "wall", "rss_mb", "rc")})
            if plugin:
                last_plugin = r
            log(f"  {tag} -j{jobs} rep {rep + 1}/{reps} {name:6s} cpu {r['cpu']:6.2f}s wall {r['wall']:6.2f}s "
                f"rss {r['rss_mb']:.0f}MB load {os.getloadavg()[0]:.1f}")
    base = [s["cpu"] for s in series["base"]]
    plug = [s["cpu"] for s in series["plugin"]]
    paired = [p / b for p, b in zip(plug, base)]
    return {
        "jobs": jobs, "reps": reps, "files": len(files), "lines": count_lines(files), "series": series,
        "base_cpu": median(base), "plugin_cpu": median(plug), "ratio_cpu": median(plug) / median(base),
        "ratio_cpu_min": min(plug) / min(base), "paired_min": min(paired), "paired_max": max(paired),
        "base_spread": spread(base), "plugin_spread": spread(plug),
        "base_wall": median([s["wall"] for s in series["base"]]),
        "plugin_wall": median([s["wall"] for s in series["plugin"]]),
        "base_rss": max(s["rss_mb"] for s in series["base"]),
        "plugin_rss": max(s["rss_mb"] for s in series["plugin"]),
        "findings": last_plugin,
    }


def instructions(files, workdir, tag):
    """Instructions executed (valgrind callgrind, one run each, PYTHONHASHSEED=0): a ratio free of the noise
    other processes put on CPU time; None when valgrind is missing."""
    if shutil.which("valgrind") is None:
        return None
    def count(name, plugin):
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={Path(workdir) / f'{tag}-{name}.cg'}",
               *pylint_cmd(files, plugin, 1)]
        r = run_measured(cmd, workdir, f"{tag}-cg-{name}", timeout=7200)
        found = re.search(r"Collected\s*:\s*(\d+)", Path(r["err"]).read_text(encoding="utf-8", errors="replace"))
        log(f"  instructions {tag} {name}: {found.group(1) if found else None} ({r['wall']:.0f}s under valgrind)")
        return int(found.group(1)) if found else None

    # Counts do not depend on what else runs: both runs at once halve the wait.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        jobs = {name: pool.submit(count, name, plugin) for name, plugin in (("base", False), ("plugin", True))}
        out = {name: job.result() for name, job in jobs.items()}
    if out["base"] and out["plugin"]:
        out["ratio"] = out["plugin"] / out["base"]
    return out | {"files": len(files), "lines": count_lines(files)}


def parallel(files, workdir, j1_run):
    """One plugin run with -j2 on files; are its messages those of the -j1 run?"""
    r = parse_pylint(run_measured(pylint_cmd(files, True, 2), workdir, "parallel-j2"))
    j1 = sorted(message_key(m) for m in j1_run["messages"])
    j2 = sorted(message_key(m) for m in r["messages"])
    log(f"  -j2: cpu {r['cpu']:.1f}s wall {r['wall']:.1f}s; same messages as -j1: {j1 == j2}")
    return {"equal": j1 == j2, "messages": len(j2), "cpu": r["cpu"], "wall": r["wall"], "rss_mb": r["rss_mb"],
            "only_j1": [k for k in j1 if k not in set(j2)][:20], "only_j2": [k for k in j2 if k not in set(j1)][:20]}


def score_generated(expected, run, root):
    """Injected pitfalls the plugin found (same file and message, within 3 lines) and its other messages."""
    found, missed, other = [], [], []
    ours = [m for m in run["ours"] if Path(m["path"]).resolve().parent == Path(root).resolve()]
    used = set()
    for name, wanted in sorted(expected.items()):
        for line, symbol in wanted:
            hit = [i for i, m in enumerate(ours) if Path(m["path"]).name == name and m["symbol"] == symbol
                   and abs(m["line"] - line) <= 3 and i not in used]
            (found if hit else missed).append(f"{name}:{line}: {symbol}")
            used.update(hit[:1])
    other = [f"{Path(m['path']).name}:{m['line']}: {m['symbol']}: {m['message'][:140]}"
             for i, m in enumerate(ours) if i not in used]
    return {"pitfalls": sum(len(v) for v in expected.values()), "found": found, "missed": missed, "other": other}


def probe(mode, files, workdir, *extra):
    """Run benchmarks/_probe.py MODE on files in a fresh interpreter; -> its JSON (or {"error": stderr})."""
    filelist = Path(workdir) / f"probe-{mode}{''.join(extra)}.txt"
    filelist.write_text("\n".join(files) + "\n", encoding="utf-8")
    out = Path(workdir) / f"probe-{mode}{''.join(extra)}.json"
    result = run_measured([PY, str(BENCH / "_probe.py"), mode, str(filelist), str(out), *extra],
                          workdir, f"probe-{mode}{''.join(extra)}")
    if result["rc"] != 0 or not out.exists():
        return {"error": Path(result["err"]).read_text(encoding="utf-8", errors="replace")[-3000:]}
    data = json.loads(out.read_text(encoding="utf-8"))
    data["cpu"] = result["cpu"]
    return data


def summarize_profile(prof):
    """Time entered from pylint per checker module, self time per core module, hottest functions."""
    if "error" in prof:
        return prof
    total = prof["total_s"]
    per_checker = {mod: s for mod, s in prof["entry_cumulative_s"].items() if mod.startswith("checkers.")}
    load = 0.0
    for func, seconds in prof["top_entry_functions"]:  # import and registration: start-up, not per file
        mod, name = func.rsplit(".", 1)
        if name in ("<module>", "register") or name[:1].isupper():
            load += seconds
            if mod in per_checker:
                per_checker[mod] -= seconds
    plugin_total = sum(per_checker.values())
    return {
        "total_s": total, "files": prof["files"], "plugin_visit_s": plugin_total, "load_s": load,
        "plugin_share": plugin_total / total if total else float("nan"),
        "per_checker": dict(sorted(per_checker.items(), key=lambda kv: -kv[1])),
        "own_self": dict(sorted(prof["self_time_s"].items(), key=lambda kv: -kv[1])),
        "top_self": prof["top_self"][:15], "top_cumulative": prof["top_cumulative"][:15],
        "top_external": prof.get("top_external", [])[:12],
        "guard_calls": prof.get("guard_calls"),
    }


# --------------------------------------------------------------------------------------------- verifier
def runnable_script(path):
    """A runtime fixture that runs as `python script.py`: top level of fixtures/runtime (hostile/ targets are
    the verifier's own robustness tests), with code at module level (factory modules only define functions)."""
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
        if isinstance(stmt, quiet) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)):
            continue
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and not any(
                isinstance(n, ast.Call) for n in ast.walk(stmt)):
            continue  # constants and aliases such as `layers = tf.keras.layers`
        return True
    return False


def _verify_pair(script, plain_cmd, verify, workdir, reps):
    plain, verified, timings = [], [], []
    for rep in range(reps):
        report = Path(workdir) / f"verify-{script.stem}-{rep}.json"
        pair = ((plain, plain_cmd, "plain"),
                (verified, verify + ["--format", "json", "-o", str(report), str(script)], "verify"))
        for store, cmd, kind in (pair if rep % 2 == 0 else pair[::-1]):
            store.append(run_measured(cmd, workdir, f"{kind}-{script.stem}-{rep}", cwd=script.parent, timeout=900))
        if report.exists():
            try:
                timings.append(json.loads(report.read_text(encoding="utf-8")).get("timings", {}))
            except json.JSONDecodeError:
                pass
    return plain, verified, timings


def _verify_command():
    """(the verifier's command line, the TF1-detection function or None)."""
    verify_bin = Path(PY).parent / "pylint-rnn-verify"
    verify = [str(verify_bin)] if verify_bin.exists() else [PY, "-m", "pylint_rnn.verify.cli"]
    try:
        from pylint_rnn.verify import shim
        return verify, shim.looks_tf1
    except Exception:
        return verify, None


def _verify_row(script, looks_tf1, verify, workdir, reps):
    """Plain and verified wall times of one script, and the verifier's own breakdown."""
    tf1 = bool(looks_tf1 and looks_tf1(script.read_text(encoding="utf-8", errors="replace")))
    plain_cmd = [PY, str(BENCH / "_tf1_run.py"), str(script)] if tf1 else [PY, str(script)]
    plain, verified, timings = _verify_pair(script, plain_cmd, verify, workdir, reps)
    row = {"script": str(script.relative_to(ROOT)), "baseline": "python + TF1 facade" if tf1 else "python",
           "plain_wall": median([r["wall"] for r in plain]), "verify_wall": median([r["wall"] for r in verified]),
           "plain_rc": sorted({r["rc"] for r in plain}), "verify_rc": sorted({r["rc"] for r in verified})}
    row["ratio"] = row["verify_wall"] / row["plain_wall"] if row["plain_wall"] else float("nan")
    for key in ("tf_import_s", "target_s", "child_total_s"):
        vals = [t[key] for t in timings if isinstance(t.get(key), (int, float))]
        row[key] = median(vals) if vals else None
    return row


def verifier(workdir, reps):
    """Each runnable runtime fixture alone vs under pylint-rnn-verify (wall time, interleaved repetitions)."""
    scripts = [p for p in sorted((ROOT / "fixtures" / "runtime").glob("*.py")) if runnable_script(p)]
    verify, looks_tf1 = _verify_command()
    tf_import = [run_measured([PY, "-c", "import tensorflow"], workdir, f"tfimport-{i}")["wall"]
                 for i in range(max(1, min(reps, 3)))]
    rows = []
    for script in scripts:
        rows.append(_verify_row(script, looks_tf1, verify, workdir, reps))
        log(f"  verify {rows[-1]['script']}: plain {rows[-1]['plain_wall']:.2f}s "
            f"verify {rows[-1]['verify_wall']:.2f}s ratio {rows[-1]['ratio']:.2f}")
    return {"tf_import_s": median(tf_import), "rows": rows}
