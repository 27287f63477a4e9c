"""``pylint-rnn-verify TARGET [options]``: run a TensorFlow model in a child process and confirm RNN pitfalls.

This is the parent process. It never imports TensorFlow: it validates the arguments (the target, a writable
``--output``) before anything runs, starts the supervisor and its worker (:mod:`pylint_rnn.verify.launch`),
and renders the result. Exit status: 0 no finding, 1 findings, 2 usage error (TensorFlow missing, a target
that never imports it, a bad path), 3 the target failed or timed out, or the verifier itself failed.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from pylint_rnn import __version__
from pylint_rnn.verify import launch, runtime_missing_message, tensorflow_available

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_TARGET = 0, 1, 2, 3
FAILED = ("target-failed", "timeout", "error")
TARGET_FORMS = "TARGET is FILE.py, FILE.py:FUNCTION or package.module:FUNCTION"


class UsageError(Exception):
    """Reported on stderr as ``pylint-rnn-verify: error: ...``; exit 2."""


def build_parser() -> argparse.ArgumentParser:
    """The command line of pylint-rnn-verify."""
    parser = argparse.ArgumentParser(
        prog="pylint-rnn-verify",
        description="Run a TensorFlow script or model factory with probes and confirm RNN weight-sharing "
                    "pitfalls (no gradient, placeholder round-trips, unshared or over-shared weights).",
        epilog="Exit status: 0 no finding, 1 findings, 2 usage error, 3 target failed or timed out "
               "(or the verifier failed). The target's stdin is /dev/null.")
    parser.add_argument("target", help="train.py (run as __main__), model.py:build or package.module:build (a "
                                       "factory returning a loss tensor, (loss, train_op), or a Keras model)")
    parser.add_argument("--version", action="version", version=f"pylint-rnn-verify {__version__}")
    parser.add_argument("--format", choices=("text", "json", "sarif", "html"), default="text",
                        help="html: one self-contained page that draws layers x time steps, shared weights and "
                             "gradient flow")
    parser.add_argument("--output", "-o", help="write the report to this file instead of stdout")
    parser.add_argument("--max-train-steps", type=int, default=1, metavar="N",
                        help="run each training step (Session.run of a train op, optimizer step, fit batch) at "
                             "most N times, then stop the target (default 1; 0 = before the first)")
    parser.add_argument("--timeout", type=float, default=300.0, metavar="SECONDS", help="time limit (default 300)")
    parser.add_argument("--memory-limit", type=int, default=4096, metavar="MB",
                        help="data-segment limit of the target in MB (RLIMIT_DATA, plus an RSS watch; default "
                             "4096, 0 = none)")
    parser.add_argument("--compat", choices=("auto", "tf1", "native"), default="auto",
                        help="auto: install the TF1 facade when the target uses TF1-only API (default)")
    parser.add_argument("--static", action="store_true",
                        help="also run the pylint plugin on the target's file and say which static findings the "
                             "run confirms")
    parser.add_argument("--show-output", action="store_true",
                        help="let the target's stdout/stderr through (otherwise captured; the last lines of its "
                             "error output are shown when it fails)")
    return parser


def resolve_target(target: str, cwd: str) -> dict:
    """-> dict(kind, path, module, func, sys_path, user_root). Raises UsageError.

    ``user_root`` is the folder of the user's code: the worker reports findings and trims tracebacks to
    frames in files below it. For FILE.py targets it is the file's folder; for package.module targets, the
    top-level package (or the folder of a top-level module).
    """
    func, spec = None, target
    if ":" in target and not os.path.exists(target):
        spec, func = target.rsplit(":", 1)
        if not func.isidentifier():
            raise UsageError(f"'{func}' is not a function name ({TARGET_FORMS})")
    path = os.path.realpath(os.path.join(cwd, spec))
    if os.path.isdir(path):
        raise UsageError(f"{spec} is a directory, not a Python file ({TARGET_FORMS})")
    if spec.endswith(".py") or os.sep in spec or "/" in spec:
        if not os.path.isfile(path):
            raise UsageError(f"no such file: {spec}")
        folder = os.path.dirname(path)
        return {"kind": "script" if func is None else "factory-file", "path": path, "module": None,
                "func": func, "sys_path": folder, "user_root": folder}
    if func is None:
        raise UsageError(f"'{target}' is neither a .py file nor package.module:FUNCTION ({TARGET_FORMS})")
    return _resolve_module(spec, func, cwd)


def _resolve_module(spec: str, func: str, cwd: str) -> dict:
    parts = spec.split(".")
    if not all(p.isidentifier() for p in parts):
        raise UsageError(f"'{spec}' is not a module name")
    for base in [cwd] + [p for p in sys.path if p and os.path.isdir(p)]:
        stem = os.path.join(base, *parts)
        for candidate in (stem + ".py", os.path.join(stem, "__init__.py")):
            if os.path.isfile(candidate):
                root = os.path.join(base, parts[0]) if len(parts) > 1 else os.path.dirname(candidate)
                return {"kind": "factory-module", "path": os.path.realpath(candidate), "module": spec,
                        "func": func, "sys_path": base,
                        "user_root": os.path.realpath(root if os.path.isdir(root) else base)}
    raise UsageError(f"cannot find module '{spec}' (looked in the current directory and sys.path)")


def check_output(path: str) -> None:
    """Refuse an --output that cannot be written, before the target runs (no file is left behind)."""
    if os.path.isdir(path):
        raise UsageError(f"--output {path} is a directory")
    existed = os.path.exists(path)
    try:
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise UsageError(f"cannot write --output {path}: {exc.strerror or exc}") from exc
    if not existed:
        os.remove(path)


def run_static(path: str):
    """The pylint plugin's findings on one file (a subprocess; the checkers are not imported here)."""
    from pylint_rnn.verify import report

    cmd = [sys.executable, "-m", "pylint", "--load-plugins=pylint_rnn", "--disable=all", "--enable=rnn",
           "--output-format=json", "--score=n", "--persistent=n", path]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, str(exc)
    try:
        data = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        return None, ((proc.stderr or proc.stdout).strip().splitlines() or ["pylint produced no JSON"])[-1]
    msgs = [{"symbol": m.get("symbol"), "path": report.display_path(os.path.realpath(m.get("path", path))),
             "line": m.get("line"), "message": m.get("message")}
            for m in data if str(m.get("symbol", "")).startswith("rnn-")]
    return msgs, None


def _parse(argv):
    """The options (argparse exits with status 2 on a usage error); arguments after ``--`` go to the script."""
    parser = build_parser()
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
    return opts


def _error(message: str) -> int:
    print(f"pylint-rnn-verify: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def main(argv=None) -> int:
    """The pylint-rnn-verify command; -> its exit status."""
    opts = _parse(list(sys.argv[1:] if argv is None else argv))
    if not tensorflow_available():
        print(runtime_missing_message("pylint-rnn-verify"), file=sys.stderr)
        return EXIT_USAGE
    cwd = os.getcwd()
    try:
        resolved = resolve_target(opts.target, cwd)
        if opts.args and resolved["kind"] != "script":
            raise UsageError("script arguments are only allowed for a script target")
        if opts.output:
            check_output(opts.output)
    except UsageError as exc:
        return _error(str(exc))
    try:
        result = launch.run_child(resolved, opts, opts.target)
    except launch.Interrupted as stop:
        print(f"pylint-rnn-verify: stopped by signal {stop.signum}; the target and every process it started "
              "were ended, and nothing was left behind.", file=sys.stderr)
        return 128 + stop.signum
    if result.get("status") == "usage-error":
        return _error(result["error"]["message"])
    return _report(result, opts, resolved, cwd)


def render(fmt: str, result: dict, cwd=None) -> str:
    """The report in one of the formats of --format."""
    from pylint_rnn.verify import report

    if fmt == "sarif":
        return report.render_sarif(result, cwd)
    if fmt == "json":
        return report.render_json(result)
    if fmt == "html":
        from pylint_rnn.verify import html  # the page's code is only loaded when asked for

        return html.render_html(result, cwd)
    return report.render_text(result)


def _report(result: dict, opts, resolved: dict, cwd: str) -> int:
    """Render the result where it was asked for; -> the exit status."""
    from pylint_rnn.verify import report

    report.relativize(result, cwd)
    if opts.static:
        msgs, err = run_static(resolved["path"])
        result["static"] = report.compare_static(result, msgs or [])
        if err:
            result["static"]["error"] = err
    text = render(opts.format, result, cwd)
    if opts.output:
        with open(opts.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    status = result.get("status")
    if status in FAILED and (opts.format != "text" or opts.output):
        print(f"pylint-rnn-verify: {report.one_line_status(result)}", file=sys.stderr)
    if status in FAILED:
        return EXIT_TARGET
    return EXIT_FINDINGS if result.get("findings") else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
