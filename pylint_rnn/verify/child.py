"""The verifier's child process: import TensorFlow, install probes, run the target, analyse, report JSON.

Run as ``python -m pylint_rnn.verify.child CONFIG.json``. The parent (:mod:`pylint_rnn.verify.cli`) never
imports TensorFlow; this process does, once. The result goes to ``config["result"]`` as JSON, then the
process ends with ``os._exit`` so threads the target started cannot keep it alive.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import time
import traceback

_REAL_OS_EXIT = os._exit


def _user_traceback(rec_or_root, exc):
    """The exception's traceback, trimmed to frames in the user's files."""
    frames = traceback.extract_tb(exc.__traceback__)
    keep = [f for f in frames if rec_or_root(f.filename)]
    lines = ["Traceback (most recent call last, user frames only):\n"]
    lines += traceback.format_list(keep)
    verify_dir = os.path.dirname(os.path.realpath(__file__))
    for text in traceback.format_exception_only(type(exc), exc):
        for line in text.splitlines():
            if "site-packages" in line or verify_dir in line:
                continue  # TensorFlow's own frames quoted inside its error message
            lines.append(line + "\n")
    last = keep[-1] if keep else None
    if isinstance(exc, SyntaxError) and exc.filename and rec_or_root(exc.filename):
        last = traceback.FrameSummary(exc.filename, exc.lineno or 0, "<module>")
    return "".join(lines), (os.path.realpath(last.filename), last.lineno) if last else None


def _load_and_run(cfg, rec, state):
    import importlib
    import importlib.util
    import runpy

    kind = cfg["kind"]
    path = cfg["path"]
    if kind == "script":
        sys.argv = [path] + list(cfg.get("args") or [])
        sys.path.insert(0, os.path.dirname(path))
        state["globals"] = runpy.run_path(path, run_name="__main__")
        return None
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
        state["usage_error"] = (f"{cfg['module'] or path} has no callable '{cfg['func']}' "
                                f"(TARGET is FILE.py, FILE.py:FUNCTION or package.module:FUNCTION).")
        return None
    state["factory_called"] = True
    return func()


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    with open(argv[0], encoding="utf-8") as fh:
        cfg = json.load(fh)
    result = {"target": cfg["target"], "status": "ok", "findings": [], "layers": [], "notes": [],
              "mode": None, "error": None, "timings": {}}
    t0 = time.perf_counter()

    def write_and_exit(code=0):
        result["timings"]["child_total_s"] = round(time.perf_counter() - t0, 3)
        tmp = cfg["result"] + ".part"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(result, fh, default=str)
        os.replace(tmp, cfg["result"])
        sys.stdout.flush()
        sys.stderr.flush()
        _REAL_OS_EXIT(code)

    # --- decide the mode and import TensorFlow once
    source = ""
    try:
        with open(cfg["path"], encoding="utf-8", errors="replace") as fh:
            source = fh.read()
    except OSError:
        pass
    from pylint_rnn.verify import shim

    mode = cfg.get("compat", "auto")
    if mode == "auto":
        mode = "tf1" if shim.looks_tf1(source) else "native"
    result["mode"] = mode
    if mode == "tf1":
        os.environ["TF_USE_LEGACY_KERAS"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import logging

    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    import warnings

    warnings.filterwarnings("ignore")
    if mode == "tf1":
        real_tf = shim.install()
    else:
        import tensorflow as real_tf
    try:
        real_tf.get_logger().setLevel(logging.ERROR)
        from tensorflow.python.util import deprecation

        deprecation._PRINT_DEPRECATION_WARNINGS = False  # noqa: SLF001
    except Exception:  # noqa: BLE001
        pass
    result["timings"]["tf_import_s"] = round(time.perf_counter() - t0, 3)

    from pylint_rnn.verify.probes import Recorder, StopTarget, TargetExit, TargetTimeout

    rec = Recorder(cfg["user_root"], cfg["max_train_steps"])
    rec.install(real_tf)
    uses_keras = "keras" in source
    if uses_keras or cfg["kind"] != "script":
        if os.environ.get("TF_USE_LEGACY_KERAS") == "1" or mode == "tf1":
            rec.patch_keras("tf_keras")
        if mode != "tf1" and ("import keras" in source or "from keras" in source
                              or os.environ.get("TF_USE_LEGACY_KERAS") != "1"):
            rec.patch_keras("keras")

    def fake_os_exit(code):
        raise TargetExit(code)

    os._exit = fake_os_exit

    def on_term(signum, frame):
        raise TargetTimeout()

    signal.signal(signal.SIGTERM, on_term)

    state = {}
    returned = None
    target_start = time.perf_counter()
    try:
        returned = _load_and_run(cfg, rec, state)
    except StopTarget:
        result["notes"].append(f"stopped after {rec.training_runs} training run(s) (--max-train-steps)")
    except TargetTimeout:
        result["status"] = "timeout"
    except TargetExit as exc:
        if exc.code not in (0, None):
            result["status"] = "target-failed"
            result["error"] = {"kind": "os._exit", "message": f"The target called os._exit({exc.code})."}
        else:
            result["notes"].append("the target called os._exit(0); analysed what it had built")
    except SystemExit as exc:
        if exc.code not in (0, None):
            result["status"] = "target-failed"
            result["error"] = {"kind": "sys.exit", "message": f"The target called sys.exit({exc.code!r})."}
        else:
            result["notes"].append("the target called sys.exit(0); analysed what it had built")
    except KeyboardInterrupt:
        result["status"] = "target-failed"
        result["error"] = {"kind": "KeyboardInterrupt", "message": "The target was interrupted."}
    except BaseException as exc:  # noqa: BLE001 - every failure of the target is reported, not raised
        tb_text, site = _user_traceback(rec.is_user_file, exc)
        result["status"] = "target-failed"
        result["error"] = {"kind": type(exc).__name__, "message": str(exc).strip().splitlines()[0][:500]
                           if str(exc).strip() else type(exc).__name__,
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
    finally:
        os._exit = _REAL_OS_EXIT
    result["timings"]["target_s"] = round(time.perf_counter() - target_start, 3)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if "usage_error" in state:
        result["status"] = "usage-error"
        result["error"] = {"kind": "usage", "message": state["usage_error"]}
        write_and_exit()

    # --- what did the factory return?
    try:
        from pylint_rnn.verify.analysis import Analysis

        analysis = Analysis(rec)
        if state.get("factory_called") and result["status"] == "ok":
            _classify_return(real_tf, rec, analysis, returned, result)
        if cfg["kind"] == "script" and result["status"] == "ok" and not rec.rnn_calls and not rec.keras_models:
            for value in list((state.get("globals") or {}).values()):
                if _is_keras_model(value):
                    rec.keras_models.append(value)
        status = analysis.run_all()
        layers = analysis.layers_table()
        from pylint_rnn.verify import keras_checks

        for model in rec.keras_models:
            layers.extend(keras_checks.analyze_model(rec, model))
        result["layers"] = layers
        result["checked"] = {
            "objectives": [{"kind": o["kind"], "line": o["site"][1] if o["site"] else None,
                            "variables": len(o["vars"])} for o in rec.objectives],
            "variables": len(rec.variables), "rnn_calls": len(rec.rnn_calls),
            "session_runs": len(rec.runs), "training_runs": rec.training_runs,
            "keras_models": len(rec.keras_models),
        }
        if not rec.objectives and not rec.keras_models:
            result["notes"].append("no training objective (optimizer, tf.gradients or returned loss) was built: "
                                   "rnn-no-gradient and rnn-placeholder-roundtrip were not checked")
        del status
    except BaseException as exc:  # noqa: BLE001
        result["notes"].append("analysis error: " + "".join(traceback.format_exception_only(type(exc), exc)).strip())
    result["findings"] = sorted(rec.findings, key=lambda f: (f["path"], f["line"], f["symbol"]))
    result["notes"].extend(rec.notes[:20])
    write_and_exit()


def _is_keras_model(value):
    return (hasattr(value, "trainable_weights") and hasattr(value, "layers")
            and callable(getattr(value, "fit", None)) and callable(getattr(value, "compile", None)))


def _classify_return(tf, rec, analysis, returned, result):
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
