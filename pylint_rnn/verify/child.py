"""The verifier's child process: import TensorFlow, install probes, run the target, analyse, report JSON.

Run as ``python -m pylint_rnn.verify.child CONFIG.json``. The parent (:mod:`pylint_rnn.verify.cli`) never
imports TensorFlow; this process does, once. It runs in three phases:

1. :func:`prepare`: read the target's source, choose the TF1 facade or native TensorFlow, import
   TensorFlow once and install the probes;
2. :func:`run_target`: run the script or call the factory, turning a stop, a time-out, an exit or a crash
   of the target into the result's status instead of ending the process;
3. :func:`analyse`: turn what the probes recorded into findings and the structure table.

The result goes to ``config["result"]`` as JSON, then the process ends with ``os._exit`` so threads the
target started cannot keep it alive.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import time
import traceback
from dataclasses import dataclass
from typing import Optional

from pylint_rnn.verify import shim
from pylint_rnn.verify.cellcalls import CellCallProbe
from pylint_rnn.verify.probes import Recorder, StopTarget, TargetExit, TargetTimeout

_REAL_OS_EXIT = os._exit


@dataclass
class TargetRun:
    """What running the target left behind. Filled in as it goes: the target may stop at any point."""

    returned: object = None  # the factory's return value
    globals: Optional[dict] = None  # a script's module globals, once it ran to the end
    factory_called: bool = False
    usage_error: Optional[str] = None  # the factory named on the command line does not exist


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    with open(argv[0], encoding="utf-8") as fh:
        cfg = json.load(fh)
    started = time.perf_counter()
    result = {"target": cfg["target"], "status": "ok", "findings": [], "layers": [], "notes": [],
              "mode": None, "error": None, "timings": {}}
    rec = prepare(cfg, result, started)
    run = run_target(cfg, rec, result)
    if run.usage_error is not None:
        result["status"] = "usage-error"
        result["error"] = {"kind": "usage", "message": run.usage_error}
    else:
        analyse(cfg, rec, run, result)
    _write_and_exit(cfg, result, started)


def _write_and_exit(cfg, result, started):
    result["timings"]["child_total_s"] = round(time.perf_counter() - started, 3)
    tmp = cfg["result"] + ".part"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(result, fh, default=str)
    os.replace(tmp, cfg["result"])  # the parent never reads a half-written result
    sys.stdout.flush()
    sys.stderr.flush()
    _REAL_OS_EXIT(0)


# ---------------------------------------------------------------------------------------- 1. prepare
def prepare(cfg, result, started) -> Recorder:
    """Choose the mode, import TensorFlow once, install the TF1 facade (if needed) and the probes."""
    source = _read_source(cfg["path"])
    mode = cfg.get("compat", "auto")
    if mode == "auto":
        mode = "tf1" if shim.looks_tf1(source) else "native"
    result["mode"] = mode
    real_tf = _import_tensorflow(mode)
    result["timings"]["tf_import_s"] = round(time.perf_counter() - started, 3)
    rec = Recorder(cfg["user_root"], cfg["max_train_steps"])
    rec.install(real_tf)
    if cfg.get("picture"):
        CellCallProbe(rec).install()  # for the HTML picture: which ops each cell call created
    if "keras" in source or cfg["kind"] != "script":
        legacy_keras = os.environ.get("TF_USE_LEGACY_KERAS") == "1"
        if legacy_keras or mode == "tf1":
            rec.patch_keras("tf_keras")
        if mode != "tf1" and ("import keras" in source or "from keras" in source or not legacy_keras):
            rec.patch_keras("keras")
    return rec


def _read_source(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return ""


def _import_tensorflow(mode):
    """The real tensorflow module, imported once, quiet; in tf1 mode behind the TF1 facade."""
    import logging
    import warnings

    if mode == "tf1":
        os.environ["TF_USE_LEGACY_KERAS"] = "1"  # TF1 cells live in tf-keras
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    if mode == "tf1":
        real_tf = shim.install()
    else:
        import tensorflow as real_tf
    try:
        real_tf.get_logger().setLevel(logging.ERROR)
        from tensorflow.python.util import deprecation

        deprecation._PRINT_DEPRECATION_WARNINGS = False  # noqa: SLF001 - TF offers no public switch
    except Exception:  # noqa: BLE001 - quieter output is a nicety, never a reason to fail
        pass
    return real_tf


# ---------------------------------------------------------------------------------------- 2. run
def run_target(cfg, rec, result) -> TargetRun:
    """Run the target; how it ended goes into ``result`` (status, error, notes), never up the stack."""
    run = TargetRun()
    os._exit = _raise_target_exit
    signal.signal(signal.SIGTERM, _raise_timeout)  # the parent's time limit: stop, then still analyse
    start = time.perf_counter()
    try:
        _load_and_run(cfg, run)
    except StopTarget:
        result["notes"].append(f"stopped after {rec.training_runs} training run(s) (--max-train-steps)")
    except TargetTimeout:
        result["status"] = "timeout"
    except (TargetExit, SystemExit) as exc:
        _record_exit(result, "os._exit" if isinstance(exc, TargetExit) else "sys.exit", exc.code)
    except KeyboardInterrupt:
        result["status"] = "target-failed"
        result["error"] = {"kind": "KeyboardInterrupt", "message": "The target was interrupted."}
    except BaseException as exc:  # noqa: BLE001 - every failure of the target is reported, not raised
        _record_failure(cfg, rec, result, exc)
    finally:
        os._exit = _REAL_OS_EXIT
    result["timings"]["target_s"] = round(time.perf_counter() - start, 3)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    return run


def _raise_target_exit(code):
    raise TargetExit(code)


def _raise_timeout(_signum, _frame):
    raise TargetTimeout()


def _load_and_run(cfg, run):
    import importlib
    import importlib.util
    import runpy

    kind = cfg["kind"]
    path = cfg["path"]
    if kind == "script":
        sys.argv = [path] + list(cfg.get("args") or [])
        sys.path.insert(0, os.path.dirname(path))
        run.globals = runpy.run_path(path, run_name="__main__")
        return
    sys.path.insert(0, cfg["sys_path"])
    if kind == "factory-file":
        name = os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    else:
        module = importlib.import_module(cfg["module"])
    func = getattr(module, cfg["func"], None)
    if func is None or not callable(func):
        run.usage_error = (f"{cfg['module'] or path} has no callable '{cfg['func']}' "
                           f"(TARGET is FILE.py, FILE.py:FUNCTION or package.module:FUNCTION).")
        return
    run.factory_called = True
    run.returned = func()


def _record_exit(result, how, code):
    """The target called ``os._exit`` or ``sys.exit``: a failure unless the code says success."""
    if code not in (0, None):
        result["status"] = "target-failed"
        result["error"] = {"kind": how, "message": f"The target called {how}({code!r})."}
    else:
        result["notes"].append(f"the target called {how}(0); analysed what it had built")


def _record_failure(cfg, rec, result, exc):
    """The target raised: report the error at the user's line (and a duplicate-variable finding)."""
    tb_text, site = _user_traceback(rec.is_user_file, exc)
    text = str(exc).strip()
    result["status"] = "target-failed"
    result["error"] = {"kind": type(exc).__name__,
                       "message": text.splitlines()[0][:500] if text else type(exc).__name__,
                       "traceback": tb_text, "path": site[0] if site else None,
                       "line": site[1] if site else None}
    if isinstance(exc, shim.UnsupportedTF1API):
        result["error"]["unsupported_api"] = exc.api_name
    if isinstance(exc, MemoryError):
        result["error"]["message"] = (f"MemoryError: the target exceeded the memory limit "
                                      f"({cfg.get('memory_mb')} MB).")
    if "already exists" in str(exc) and "Variable" in str(exc) and site:
        rec.add_finding(
            "rnn-duplicate-variables",
            "Creating a variable that already exists failed: this line builds the same variables a second "
            "time in the same scope (a second RNN/cell in one scope, or a missing reuse). Give each RNN "
            "its own variable_scope, or reuse the scope if sharing is intended.",
            site, True, {"error": str(exc).splitlines()[0][:300]})


def _user_traceback(is_user_file, exc):
    """The exception's traceback, trimmed to frames in the user's files, and its innermost user site."""
    frames = traceback.extract_tb(exc.__traceback__)
    keep = [f for f in frames if is_user_file(f.filename)]
    lines = ["Traceback (most recent call last, user frames only):\n"]
    lines += traceback.format_list(keep)
    verify_dir = os.path.dirname(os.path.realpath(__file__))
    for text in traceback.format_exception_only(type(exc), exc):
        for line in text.splitlines():
            if "site-packages" in line or verify_dir in line:
                continue  # TensorFlow's own frames quoted inside its error message
            lines.append(line + "\n")
    last = keep[-1] if keep else None
    if isinstance(exc, SyntaxError) and exc.filename and is_user_file(exc.filename):
        last = traceback.FrameSummary(exc.filename, exc.lineno or 0, "<module>")
    return "".join(lines), (os.path.realpath(last.filename), last.lineno) if last else None


# ---------------------------------------------------------------------------------------- 3. analyse
def analyse(cfg, rec, run, result):
    """Findings, the structure table and what was checked; an analysis bug becomes a note, not a crash."""
    from pylint_rnn.verify import keras_checks, picture
    from pylint_rnn.verify.analysis import Analysis

    try:
        analysis = Analysis(rec)
        if run.factory_called and result["status"] == "ok":
            _classify_return(rec, analysis, run.returned, result)
        if cfg["kind"] == "script" and result["status"] == "ok" and not rec.rnn_calls and not rec.keras_models:
            # a Keras script that never called fit(): look for the model it left in its globals
            rec.keras_models.extend(v for v in list((run.globals or {}).values()) if _is_keras_model(v))
        analysis.run_all()
        layers = analysis.layers_table()
        for model in rec.keras_models:
            layers.extend(keras_checks.analyze_model(rec, model))
        result["layers"] = layers
        result["checked"] = _checked_summary(rec)
        if not rec.objectives and not rec.keras_models:
            result["notes"].append("no training objective (optimizer, tf.gradients or returned loss) was built: "
                                   "rnn-no-gradient and rnn-placeholder-roundtrip were not checked")
    except BaseException as exc:  # noqa: BLE001
        result["notes"].append("analysis error: " + "".join(traceback.format_exception_only(type(exc), exc)).strip())
    result["findings"] = sorted(rec.findings, key=lambda f: (f["path"], f["line"], f["symbol"]))
    if cfg.get("picture"):
        result["picture"] = picture.build(rec, result["findings"])  # for --format html; never raises
    result["notes"].extend(rec.notes[:20])


def _checked_summary(rec):
    return {
        "objectives": [{"kind": o["kind"], "line": o["site"][1] if o["site"] else None,
                        "variables": len(o["vars"])} for o in rec.objectives],
        "variables": len(rec.variables), "rnn_calls": len(rec.rnn_calls),
        "session_runs": len(rec.runs), "training_runs": rec.training_runs,
        "keras_models": len(rec.keras_models),
    }


def _is_keras_model(value):
    return (hasattr(value, "trainable_weights") and hasattr(value, "layers")
            and callable(getattr(value, "fit", None)) and callable(getattr(value, "compile", None)))


def _classify_return(rec, analysis, returned, result):
    """A factory returns a Keras model, a loss tensor or (loss, train_op); anything else fails the run."""
    if _is_keras_model(returned):
        rec.keras_models.append(returned)
        return
    items = list(returned) if isinstance(returned, (tuple, list)) else [returned]
    loss = items[0] if items else None
    ok = (hasattr(loss, "op") and hasattr(loss, "graph") and hasattr(loss, "dtype")
          and (len(items) == 1 or (len(items) == 2 and hasattr(items[1], "name"))))
    if not ok:
        result["status"] = "target-failed"
        result["error"] = {"kind": "factory-return", "message": (
            f"The factory returned {type(returned).__name__} ({repr(returned)[:120]}); expected a loss tensor, "
            f"a (loss, train_op) pair, or a Keras model.")}
        return
    if not rec.objectives:
        analysis.add_objective_from_loss(loss)


if __name__ == "__main__":
    main()
