"""The worker: import TensorFlow, install the probes, run the target, analyse, write the result as JSON.

Forked by :mod:`pylint_rnn.verify.supervisor`, which enforces the limits and cleans up. Three phases, each
announced on the status pipe (the parent shows them on a terminal):

1. :func:`prepare`: choose TF1 mode or native TensorFlow (:mod:`tfmode`), import TensorFlow once, install the
   probes (Keras' as soon as the target imports it);
2. :func:`run_target`: run the script or call the factory, turning a stop, a time-out, an exit or a crash of
   the target into the result's status instead of ending the process;
3. :func:`analyse`: turn what the probes recorded into findings and the structure table.

Never a silent "ok": an error of the verifier's own (a probe, the analysis) makes the status ``error``.
The result goes to ``config["result"]``, then the process ends with ``os._exit`` so threads the target started
cannot keep it alive.
"""
from __future__ import annotations

import builtins
import importlib.abc
import importlib.util
import json
import os
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from pylint_rnn.verify import INSTALL_HINT, shim, tfmode
from pylint_rnn.verify.recorder import Recorder, StopTarget, TargetExit, TargetTimeout, graph_op

_REAL_OS_EXIT = os._exit
_TF_PACKAGES = ("tensorflow", "keras", "tf_keras")


@dataclass
class Probes:
    """The installed probes (the Keras ones from the moment the target imports Keras)."""

    rec: Recorder
    graph: Any = None
    training: Any = None
    keras: Any = None
    keras_done: set = field(default_factory=set)


@dataclass
class TargetRun:
    """What running the target left behind. Filled in as it goes: the target may stop at any point."""

    returned: object = None  # the factory's return value
    globals: Optional[dict] = None  # a script's module globals, once it ran to the end
    factory_called: bool = False
    usage_error: Optional[str] = None  # the factory named on the command line does not exist


def main(cfg: dict) -> None:
    """Run the three phases and end the process (never returns)."""
    started = time.perf_counter()
    result = {"target": cfg["target"], "status": "ok", "findings": [], "layers": [], "notes": [],
              "mode": None, "error": None, "timings": {}}
    try:
        _status(cfg, "importing TensorFlow")
        probes = prepare(cfg, result, started)
        if probes is not None:
            _status(cfg, "running the target")
            run = run_target(cfg, probes, result)
            if run.usage_error is not None:
                _usage_error(result, run.usage_error)
            else:
                _status(cfg, "analysing")
                analyse(cfg, probes, run, result)
    except BaseException as exc:  # the verifier's own failure: reported, never a silent "ok"
        internal_error(result, "the verifier failed", exc)
    _write_and_exit(cfg, result, started)


def _status(cfg: dict, phase: str) -> None:
    """Tell the parent which phase runs (it shows it on a terminal)."""
    fd = cfg.get("status_fd")
    if fd is None:
        return
    try:
        os.write(fd, (phase + "\n").encode())
    except OSError:
        pass


def _usage_error(result: dict, message: str) -> None:
    result["status"] = "usage-error"
    result["error"] = {"kind": "usage", "message": message}


def internal_error(result: dict, what: str, exc: BaseException) -> None:
    """Status ``error`` with a one-line cause (unless the target itself already failed)."""
    cause = f"{what}: {type(exc).__name__}: {str(exc).strip()}".splitlines()[0][:300]
    if result["status"] in ("ok", "usage-error"):
        result["status"] = "error"
        result["error"] = {"kind": "internal", "message": cause,
                           "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))}
    else:
        result["notes"].append("internal error: " + cause)


def _write_and_exit(cfg: dict, result: dict, started: float) -> None:
    result["timings"]["child_total_s"] = round(time.perf_counter() - started, 3)
    tmp = cfg["result"] + ".part"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(result, handle, default=str)
    os.replace(tmp, cfg["result"])  # the parent never reads a half-written result
    sys.stdout.flush()
    sys.stderr.flush()
    _REAL_OS_EXIT(0)


# ---------------------------------------------------------------------------------------- 1. prepare
def prepare(cfg: dict, result: dict, started: float) -> Optional[Probes]:
    """Choose the mode, import TensorFlow once, install the TF1 facade (if needed) and the probes.

    -> None (a usage error in ``result``) when TensorFlow is not installed."""
    mode, names = tfmode.choose_mode(cfg.get("compat", "auto"), cfg["path"], cfg["user_root"])
    result["mode"] = mode
    if names:
        result["tf1_names"] = names[:10]
    try:
        real_tf = _import_tensorflow(mode)
    except ImportError as exc:
        if (getattr(exc, "name", "") or "").partition(".")[0] != "tensorflow":
            raise
        _usage_error(result, f"TensorFlow is not installed in this Python ({sys.executable}); the verifier "
                             f"builds your graph with it. {INSTALL_HINT}")
        return None
    result["timings"]["tf_import_s"] = round(time.perf_counter() - started, 3)
    from pylint_rnn.verify.probes_graph import GraphProbes
    from pylint_rnn.verify.probes_training import TrainingProbes

    rec = Recorder(cfg["user_root"], cfg["max_train_steps"])
    rec.tf = real_tf
    probes = Probes(rec, GraphProbes(rec), TrainingProbes(rec))
    probes.graph.install()
    probes.training.install()
    if cfg.get("picture"):
        from pylint_rnn.verify.cellcalls import CellCallProbe

        CellCallProbe(rec, probes.graph).install()  # for the HTML picture: which ops each cell call created
    _install_keras_probes(probes)
    return probes


def _import_tensorflow(mode: str):
    """The real tensorflow module, imported once, quiet; in tf1 mode behind the TF1 facade."""
    import logging
    import warnings

    if mode == "tf1":
        os.environ["TF_USE_LEGACY_KERAS"] = "1"  # TF1 cells live in tf-keras
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.getLogger("tensorflow").setLevel(logging.ERROR)  # deprecation notices go through this logger
    warnings.filterwarnings("ignore")
    if mode == "tf1":
        return shim.install()
    import tensorflow

    return tensorflow


def _install_keras_probes(probes: Probes) -> None:
    """Patch each Keras now if it is loaded, else the moment the target imports it."""
    from pylint_rnn.verify.probes_keras import KerasProbes

    probes.keras = KerasProbes(probes.rec, probes.graph)

    def loaded(which: str) -> None:
        if which in probes.keras_done:
            return
        probes.keras_done.add(which)
        with probes.rec.guard(f"installing the {which} probes"):
            probes.keras.install(which)
            probes.training.patch_keras_optimizers(which)
            if which == "tf_keras":
                probes.graph.patch_legacy_cells()

    for which in ("tf_keras", "keras"):
        if which in sys.modules:
            loaded(which)
    sys.meta_path.insert(0, _AfterImport({"tf_keras", "keras"} - probes.keras_done, loaded))


class _AfterImport(importlib.abc.MetaPathFinder):
    """Calls ``callback(name)`` right after one of the packages ``names`` has been imported."""

    def __init__(self, names: set, callback: Callable[[str], None]):
        self.names = set(names)
        self.callback = callback
        self.busy = False

    def find_spec(self, fullname, path=None, target=None):
        """The package's own spec, whose loader calls back once the package has run."""
        del path, target  # the finder protocol's arguments: the name alone decides
        if fullname not in self.names or self.busy:
            return None
        self.busy = True
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            self.busy = False
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return None
        original, callback = spec.loader.exec_module, self.callback

        def exec_module(module):
            original(module)
            callback(fullname)

        spec.loader.exec_module = exec_module
        return spec


# ---------------------------------------------------------------------------------------- 2. run
def run_target(cfg: dict, probes: Probes, result: dict) -> TargetRun:
    """Run the target; how it ended goes into ``result`` (status, error, notes), never up the stack."""
    rec = probes.rec
    run = TargetRun()
    os._exit = _raise_target_exit
    signal.signal(signal.SIGTERM, _raise_timeout)  # the time limit: stop, then still analyse
    real_import = builtins.__import__
    builtins.__import__ = _watching_imports(rec, real_import)
    start = time.perf_counter()
    try:
        _load_and_run(cfg, run)
    except StopTarget:
        result["notes"].append(f"stopped when a training step was about to run more than "
                               f"--max-train-steps {rec.train.max_steps} time(s)")
    except TargetTimeout:
        result["status"] = "timeout"
    except (TargetExit, SystemExit) as exc:
        _record_exit(result, "os._exit" if isinstance(exc, TargetExit) else "sys.exit", exc.code)
    except KeyboardInterrupt:
        result["status"] = "target-failed"
        result["error"] = {"kind": "KeyboardInterrupt", "message": "The target was interrupted."}
    except BaseException as exc:  # every failure of the target is reported, not raised
        _record_failure(cfg, rec, result, exc)
    finally:
        os._exit = _REAL_OS_EXIT
        builtins.__import__ = real_import
    result["timings"]["target_s"] = round(time.perf_counter() - start, 3)
    if result["status"] == "ok" and not _used_tensorflow(rec, run):
        _usage_error(result, f"{cfg['target']} never imported TensorFlow (or Keras): there is nothing to verify. "
                             f"TARGET is the script or factory that builds the model.")
    return run


def _watching_imports(rec: Recorder, real_import):
    """builtins.__import__ that notes when the user's code imports TensorFlow or Keras."""

    def tracking_import(name, globals=None, locals=None, fromlist=(), level=0):  # pylint: disable=redefined-builtin  # __import__'s own signature
        if not rec.status.imported_tf and level == 0 and name.split(".", 1)[0] in _TF_PACKAGES \
                and rec.is_user_file((globals or {}).get("__file__") or ""):
            rec.status.imported_tf = True
        return real_import(name, globals, locals, fromlist, level)

    return tracking_import


def _used_tensorflow(rec: Recorder, run: TargetRun) -> bool:
    """Did the target import or use TensorFlow or Keras (an import, or anything a probe recorded)?"""
    recorded = (rec.graph.variables, rec.keras.layer_sites, rec.train.runs, rec.train.objectives, rec.keras.models)
    if rec.status.imported_tf or any(recorded):
        return True
    values = list((run.globals or {}).values()) + ([run.returned] if run.factory_called else [])
    return any((getattr(v, "__name__", "") or "").split(".")[0] in _TF_PACKAGES
               or (type(v).__module__ or "").split(".")[0] in _TF_PACKAGES for v in values)


def _raise_target_exit(code):
    raise TargetExit(code)


def _raise_timeout(_signum, _frame):
    raise TargetTimeout()


def _load_and_run(cfg: dict, run: TargetRun) -> None:
    import runpy

    kind, path = cfg["kind"], cfg["path"]
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


def _record_exit(result: dict, how: str, code) -> None:
    """The target called ``os._exit`` or ``sys.exit``: a failure unless the code says success."""
    if code not in (0, None):
        result["status"] = "target-failed"
        result["error"] = {"kind": how, "message": f"The target called {how}({code!r})."}
    else:
        result["notes"].append(f"the target called {how}(0); analysed what it had built")


def _record_failure(cfg: dict, rec: Recorder, result: dict, exc: BaseException) -> None:
    """The target raised: report the error at the user's line (and a duplicate-variable finding)."""
    tb_text, site = _user_traceback(rec.is_user_file, exc)
    text = str(exc).strip()
    result["status"] = "target-failed"
    result["error"] = {"kind": type(exc).__name__,
                       "message": f"{type(exc).__name__}: {text.splitlines()[0][:500]}" if text else type(exc).__name__,
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
def analyse(cfg: dict, probes: Probes, run: TargetRun, result: dict) -> None:
    """Findings, the structure table and what was checked. An error here is the verifier's: status error."""
    from pylint_rnn.verify import analysis, keras_checks, structure, structure_keras, timesteps

    rec = probes.rec
    signal.signal(signal.SIGTERM, _raise_timeout)
    rec.status.paused = True  # the checks run the user's models themselves: that is not the target's doing
    try:
        if run.factory_called and result["status"] == "ok":
            _classify_return(rec, probes, run.returned, result)
        if cfg["kind"] == "script" and result["status"] == "ok" and not rec.keras.models:
            # a Keras script that never compiled or trained: the models it left in its globals
            for value in list((run.globals or {}).values()):
                if probes.keras.is_model(value):
                    probes.keras.remember_model(value)
        analysis.run_all(rec)
        keras_checks.analyze(rec, probes.keras.call_inputs)
        result["layers"] = structure.rows(rec) + timesteps.rows(rec) + structure_keras.rows(rec)
        result["checked"] = _checked_summary(rec)
        if not rec.train.objectives and not rec.keras.models:
            result["notes"].append("no training objective (optimizer, tf.gradients, GradientTape or returned loss) "
                                   "was built: rnn-no-gradient and rnn-placeholder-roundtrip were not checked")
    except TargetTimeout:
        result["status"] = "timeout"
        result["notes"].append("the time limit was reached while analysing: the findings may be incomplete")
    except Exception as exc:
        internal_error(result, "the analysis failed", exc)
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if rec.status.internal_errors and result["status"] == "ok":
        result["status"] = "error"
        result["error"] = {"kind": "internal", "message": "a probe failed: " + rec.status.internal_errors[0]}
    result["notes"].extend("internal error: " + e for e in rec.status.internal_errors[1:5])
    result["findings"] = sorted(rec.findings, key=lambda f: (f["path"], f["line"], f["symbol"]))
    if cfg.get("picture"):
        from pylint_rnn.verify import picture

        result["picture"] = picture.build(rec, result["findings"])  # for --format html; never raises
    result["notes"].extend(rec.status.notes[:20])


def _checked_summary(rec: Recorder) -> dict:
    return {
        "objectives": [{"kind": o["kind"], "line": o["site"][1] if o["site"] else None,
                        "variables": len(o["vars"])} for o in rec.train.objectives],
        "variables": len(rec.graph.variables), "rnn_calls": len(rec.graph.rnn_calls),
        "session_runs": len(rec.train.runs), "training_runs": rec.train.training_runs,
        "keras_models": len(rec.keras.models), "cell_calls": len(rec.graph.cell_calls),
        "keras_recurrent_calls": sum(e["calls"] for e in rec.keras.layer_calls.values()),
    }


def _classify_return(rec: Recorder, probes: Probes, returned, result: dict) -> None:
    """A factory returns a Keras model, a loss tensor or (loss, train_op); anything else fails the run."""
    from pylint_rnn.verify.analysis import add_objective_from_loss

    if probes.keras.is_model(returned):
        probes.keras.remember_model(returned)
        return
    items = list(returned) if isinstance(returned, (tuple, list)) else [returned]
    loss = items[0] if items else None
    ok = (graph_op(loss) is not None and hasattr(loss, "graph") and hasattr(loss, "dtype")
          and (len(items) == 1 or (len(items) == 2 and hasattr(items[1], "name"))))
    if not ok:
        result["status"] = "target-failed"
        result["error"] = {"kind": "factory-return", "message": (
            f"The factory returned {type(returned).__name__} ({repr(returned)[:120]}); expected a loss tensor, "
            f"a (loss, train_op) pair, or a Keras model.")}
        return
    if not rec.train.objectives:
        add_objective_from_loss(rec, loss)
