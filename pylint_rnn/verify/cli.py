"""``pylint-rnn-verify TARGET [options]``: run a TensorFlow model in a child process and confirm RNN pitfalls.

This is the parent process. It never imports TensorFlow: it validates the arguments, starts one child
(:mod:`pylint_rnn.verify.child`) in its own process group with a time and memory limit, reads the JSON the
child writes into a private temporary directory, and renders it. Exit status: 0 no finding, 1 findings,
2 usage error, 3 the target failed or timed out.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from . import report

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_TARGET = 0, 1, 2, 3


class UsageError(Exception):
    pass


def build_parser():
    p = argparse.ArgumentParser(
        prog="pylint-rnn-verify",
        description="Run a TensorFlow script or model factory with probes and confirm RNN weight-sharing "
                    "pitfalls (no gradient, placeholder round-trips, unshared or over-shared weights).",
        epilog="Exit status: 0 no finding, 1 findings, 2 usage error, 3 target failed or timed out.")
    p.add_argument("target", help="train.py (run as __main__), model.py:build or package.module:build (a factory "
                                   "returning a loss tensor, (loss, train_op), or a Keras model)")
    p.add_argument("--format", choices=("text", "json", "sarif", "html"), default="text",
                   help="html: one self-contained page that draws layers x time steps, shared weights and "
                        "gradient flow")
    p.add_argument("--output", "-o", help="write the report to this file instead of stdout")
    p.add_argument("--max-train-steps", type=int, default=1, metavar="N",
                   help="stop a script after N training Session.run calls (default 1; Keras fit() stops at once)")
    p.add_argument("--timeout", type=float, default=300.0, metavar="SECONDS", help="time limit (default 300)")
    p.add_argument("--memory-limit", type=int, default=4096, metavar="MB",
                   help="data-segment limit of the child in MB (RLIMIT_DATA, plus an RSS watch; default 4096, "
                        "0 = none)")
    p.add_argument("--compat", choices=("auto", "tf1", "native"), default="auto",
                   help="auto: install the TF1 facade when the target uses TF1-only names (default)")
    p.add_argument("--static", action="store_true",
                   help="also run the pylint plugin on the target's file and say which static findings the run "
                        "confirms")
    p.add_argument("--show-output", action="store_true", help="let the target's stdout/stderr through")
    return p


def resolve_target(target, cwd):
    """-> dict(kind, path, module, func, sys_path, user_root). Raises UsageError.

    ``user_root`` is the folder of the user's code: the child reports findings and trims tracebacks to
    frames in files below it. For FILE.py targets it is the file's folder; for package.module targets,
    the top-level package (or the folder of a top-level module).
    """
    func = None
    spec = target
    if ":" in target and not os.path.exists(target):
        spec, func = target.rsplit(":", 1)
        if not func.isidentifier():
            raise UsageError(f"'{func}' is not a function name (TARGET is FILE.py, FILE.py:FUNCTION or "
                             f"package.module:FUNCTION)")
    if spec.endswith(".py") or os.sep in spec or "/" in spec:
        path = os.path.realpath(os.path.join(cwd, spec))
        if not os.path.isfile(path):
            raise UsageError(f"no such file: {spec}")
        folder = os.path.dirname(path)
        return {"kind": "script" if func is None else "factory-file", "path": path, "module": None,
                "func": func, "sys_path": folder, "user_root": folder}
    if func is None:
        raise UsageError(f"'{target}' is neither a .py file nor package.module:FUNCTION")
    parts = spec.split(".")
    if not all(p.isidentifier() for p in parts):
        raise UsageError(f"'{spec}' is not a module name")
    for base in [cwd] + [p for p in sys.path if p and os.path.isdir(p)]:
        stem = os.path.join(base, *parts)
        for cand in (stem + ".py", os.path.join(stem, "__init__.py")):
            if os.path.isfile(cand):
                root = os.path.join(base, parts[0]) if len(parts) > 1 else os.path.dirname(cand)
                return {"kind": "factory-module", "path": os.path.realpath(cand), "module": spec, "func": func,
                        "sys_path": base, "user_root": os.path.realpath(root if os.path.isdir(root) else base)}
    raise UsageError(f"cannot find module '{spec}' (looked in the current directory and sys.path)")


def _limit_memory(mb):
    def apply():
        os.setsid()
        if mb:
            limit = mb * 1024 * 1024
            try:
                resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
            except (ValueError, OSError):
                pass
    return apply


def _rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return 0
    return 0


def _kill_group(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


class Interrupted(Exception):
    """The verifier itself was asked to stop (SIGTERM, SIGINT, SIGHUP)."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def _raise_interrupted(signum, _frame):
    raise Interrupted(signum)


class ChildEnding:
    """How the child process ended: its exit status, and whether a limit stopped it."""

    def __init__(self, returncode, timed_out, over_memory):
        self.returncode = returncode
        self.timed_out = timed_out
        self.over_memory = over_memory


def run_child(resolved, opts, target_label):
    """Run the child; return the result dict (never raises for the target's failures).

    If the verifier itself is stopped, the child's whole process group is killed and the temporary
    directory removed before Interrupted propagates: nothing the target started outlives us.
    """
    tmp = tempfile.mkdtemp(prefix="pylint-rnn-verify-")
    proc = None
    previous = {sig: signal.signal(sig, _raise_interrupted)
                for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    try:
        cfg_path, result_path = _write_config(tmp, resolved, opts, target_label)
        output_path = None if opts.show_output else os.path.join(tmp, "output.txt")
        start = time.monotonic()
        proc = _start_child(cfg_path, output_path, opts.memory_limit)
        ending = _supervise(proc, opts)
        elapsed = time.monotonic() - start
        result = _collect_result(result_path, output_path, ending, opts, target_label)
        result.setdefault("timings", {})["wall_s"] = round(elapsed, 3)
        return result
    finally:
        if proc is not None:
            _kill_group(proc.pid, signal.SIGKILL)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        shutil.rmtree(tmp, ignore_errors=True)


def _write_config(tmp, resolved, opts, target_label):
    """The child's configuration file; -> (its path, the path the child writes its result to)."""
    result_path = os.path.join(tmp, "result.json")
    cfg = dict(resolved, target=target_label, result=result_path, args=opts.args,
               max_train_steps=opts.max_train_steps, compat=opts.compat, memory_mb=opts.memory_limit,
               picture=opts.format == "html")
    cfg_path = os.path.join(tmp, "config.json")
    with open(cfg_path, "w", encoding="utf-8") as fh:
        json.dump(cfg, fh)
    return cfg_path, result_path


def _start_child(cfg_path, output_path, memory_limit):
    """Start the child in its own process group (its pid is the group id), output to output_path or ours."""
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # never write __pycache__ into the user's tree
    pkg_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = pkg_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    cmd = [sys.executable, "-m", "pylint_rnn.verify.child", cfg_path]
    if output_path is None:
        return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, env=env, preexec_fn=_limit_memory(memory_limit))
    with open(output_path, "wb") as out:  # the child holds its own copy of the file descriptor
        return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                env=env, preexec_fn=_limit_memory(memory_limit))


def _supervise(proc, opts):
    """Wait for the child, enforcing the time and memory limits; then kill whatever it left running."""
    timed_out = over_memory = False
    deadline = time.monotonic() + opts.timeout
    while proc.poll() is None:
        now = time.monotonic()
        if now >= deadline and not timed_out:
            timed_out = True
            _kill_group(proc.pid, signal.SIGTERM)  # the child's handler stops the target and still reports
            deadline = now + 20
            continue
        if timed_out and now >= deadline:
            _kill_group(proc.pid, signal.SIGKILL)
            break
        if opts.memory_limit and _rss_mb(proc.pid) > opts.memory_limit * 1.25:
            over_memory = True
            _kill_group(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.05)
    returncode = proc.wait()
    _kill_group(proc.pid, signal.SIGKILL)  # nothing the target started may outlive the verifier
    return ChildEnding(returncode, timed_out, over_memory)


def _collect_result(result_path, output_path, ending, opts, target_label):
    """The child's result, or, when it died before writing one, a result that says how it ended."""
    if os.path.exists(result_path):
        with open(result_path, encoding="utf-8") as fh:
            result = json.load(fh)
        if ending.timed_out:
            result["status"] = "timeout"
            result["error"] = {"kind": "timeout", "message": (
                f"The target did not finish within --timeout {opts.timeout:g} s; it was stopped and what "
                f"it had built so far was analysed.")}
        return result
    if ending.timed_out:
        status, msg = "timeout", f"The target did not finish within --timeout {opts.timeout:g} s and was killed."
    elif ending.over_memory:
        status, msg = "target-failed", (f"The target used more than the memory limit "
                                        f"({opts.memory_limit} MB) and was killed.")
    else:
        rc = ending.returncode
        how = f"signal {-rc}" if rc < 0 else f"status {rc}"
        status, msg = "target-failed", (f"The verifier's child process ended with {how} before "
                                        f"reporting (a crash inside the target or TensorFlow).")
    return {"target": target_label, "status": status, "findings": [], "layers": [],
            "error": {"kind": status, "message": msg, "output_tail": _output_tail(output_path)}, "notes": []}


def _output_tail(output_path):
    """The last lines the child printed (when its output was captured)."""
    if output_path is None:
        return ""
    try:
        with open(output_path, "rb") as fh:
            return fh.read()[-1500:].decode("utf-8", "replace").strip()
    except OSError:
        return ""


def run_static(path):
    """The pylint plugin's findings on one file (a subprocess; the checkers are not imported here)."""
    cmd = [sys.executable, "-m", "pylint", "--load-plugins=pylint_rnn", "--disable=all", "--enable=rnn",
           "--output-format=json", "--score=n", "--persistent=n", path]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, str(exc)
    try:
        data = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        return None, (proc.stderr or proc.stdout).strip().splitlines()[-1:] or "pylint produced no JSON"
    msgs = [{"symbol": m.get("symbol"), "path": report.display_path(os.path.realpath(m.get("path", path))),
             "line": m.get("line"), "message": m.get("message")}
            for m in data if str(m.get("symbol", "")).startswith("rnn-")]
    return msgs, None


def main(argv=None):
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    script_args = []
    if "--" in argv:  # everything after `--` goes to the script as its sys.argv[1:]
        cut = argv.index("--")
        argv, script_args = argv[:cut], argv[cut + 1:]
    opts = parser.parse_args(argv)
    opts.args = script_args
    if opts.max_train_steps < 0:
        parser.error("--max-train-steps must be >= 0")
    if opts.timeout <= 0:
        parser.error("--timeout must be > 0")
    cwd = os.getcwd()
    try:
        resolved = resolve_target(opts.target, cwd)
    except UsageError as exc:
        print(f"pylint-rnn-verify: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if opts.args and resolved["kind"] != "script":
        print("pylint-rnn-verify: error: script arguments are only allowed for a script target", file=sys.stderr)
        return EXIT_USAGE

    try:
        result = run_child(resolved, opts, opts.target)
    except Interrupted as stop:
        print(f"pylint-rnn-verify: stopped by signal {stop.signum}; the target and its processes were "
              "killed and nothing was left behind.", file=sys.stderr)
        return 128 + stop.signum
    if result.get("status") == "usage-error":
        print(f"pylint-rnn-verify: error: {result['error']['message']}", file=sys.stderr)
        return EXIT_USAGE
    report.relativize(result, cwd)
    if opts.static:
        msgs, err = run_static(resolved["path"])
        result["static"] = report.compare_static(result, msgs or [])
        if err:
            result["static"]["error"] = err

    if opts.format == "sarif":
        text = report.render_sarif(result, cwd)
    elif opts.format == "html":
        from . import html

        text = html.render_html(result, cwd)
    else:
        text = {"text": report.render_text, "json": report.render_json}[opts.format](result)
    if opts.output:
        with open(opts.output, "w", encoding="utf-8") as fh:
            fh.write(text)
        if opts.format != "text" and result.get("status") != "ok":
            print(report.render_text(result).split("\n\n")[0], file=sys.stderr)
    else:
        sys.stdout.write(text)
    if result.get("status") in ("target-failed", "timeout"):
        if opts.format != "text" and not opts.output:
            err = result.get("error") or {}
            print(f"pylint-rnn-verify: {result['status']}: {err.get('message')}", file=sys.stderr)
        return EXIT_TARGET
    return EXIT_FINDINGS if result.get("findings") else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
