"""Builds the cases of fixtures/accuracy with real TensorFlow and reports whether each pitfall manifests.

Run by tests/runtime/test_accuracy_truth.py, one child process per group (``python accuracy_runner.py GROUP
OUT.json``):

- ``tf1``: TF1 graph code. ``tf.compat.v1.disable_v2_behavior()``, the legacy cells of tf_keras
  (TF_USE_LEGACY_KERAS=1), one fresh ``tf.Graph()`` per case.
- ``keras``: Keras code (tf.keras = tf_keras, and Keras 3 for ``import keras``), eager; the Keras sessions
  are cleared between cases.

A fixture is executed as written: its source is compiled under its own path (so tracebacks, ``op.traceback``
and the construction records below point at its lines) and run with an ``__import__`` that maps TF1 module
names TF 2.21 no longer has onto their TF 2.21 equivalents:

- ``import tensorflow as tf`` (TF1 code) and ``tensorflow.compat.v1``: ``tf.compat.v1``, with recording
  wrappers around the RNN functions, ``tf.Session``, ``tf.Variable`` and the optimizers;
- ``tf.contrib.rnn`` / ``tensorflow.contrib.rnn``: the legacy cells of ``tf.compat.v1.nn.rnn_cell`` and the
  RNN functions (``stack_bidirectional_dynamic_rnn`` re-implemented as contrib built it: one
  ``bidirectional_dynamic_rnn`` per layer in ``stack_bidirectional_rnn/cell_<i>``);
  ``LayerNormBasicLSTMCell`` is stood in for by ``BasicLSTMCell`` (same weight-sharing behaviour);
- ``tensorflow.python.ops.rnn`` / ``rnn_cell``: the real TF 2.21 modules, with the RNN functions recorded;
- ``tf.app.flags`` / ``tf.flags`` / ``absl.flags``: a fresh, already parsed flag namespace per case;
- modules of the fixture's own folder or package (``from .cells import X``, ``from pkg.cells import X``):
  loaded from the fixture folder the same way.

Code that TF 2.21 cannot run at all (``tensorflow.models.rnn`` with the TF 0.x argument order) is proved by a
minimal equivalent written in tests/runtime/accuracy_cases.py, next to a comment naming the case.

Each case's probe (accuracy_cases.py) returns an observation: a bool (the pitfall manifests), an int (how
many times), or a list of events, each a list of candidate ``file:line`` locations (fixture frames of a
traceback, of a construction, of an ``op.traceback``). The test compares them with the fixture's markers.
"""
from __future__ import annotations

import builtins
import functools
import inspect
import json
import os
import sys
import time
import traceback
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ACC = ROOT / "fixtures" / "accuracy"
_REAL_IMPORT = builtins.__import__


# ----------------------------------------------------------------------------------------------------------
# Recordings of one case


class Rec:
    def __init__(self):
        self.rnn_calls = []  # dicts: kind, args (bound arguments), result, frames
        self.constructed = {}  # id(obj) -> (obj, frames): cells, stacks, Keras RNN layers, Sequential
        self.variables = []  # (variable, reuse flag at creation, frames) of tf.Variable calls in fixture code
        self.losses = []  # losses given to an optimizer
        self.train_ops = []  # ops returned by minimize / apply_gradients
        self.fetched = []  # (tensor, numpy value) of earlier session runs
        self.roundtrips = []  # dicts: frames, tensor, placeholder (a training run fed a fetched value)
        self.sessions = []
        self.layer_calls = []  # (Keras RNN layer, its output) of every call


REC = Rec()


def rel_location(filename, lineno):
    try:
        rel = Path(filename).resolve().relative_to(ACC)
    except ValueError:
        return None
    return f"{rel.as_posix()}:{lineno}"


def frames_of(stack):
    out = []
    for fr in stack:
        filename, lineno = (fr.filename, fr.lineno) if hasattr(fr, "filename") else (fr[0], fr[1])
        loc = rel_location(filename, lineno)
        if loc:
            out.append(loc)
    return out


def fixture_frames():
    return frames_of(traceback.extract_stack())


def exc_frames(exc):
    return frames_of(traceback.extract_tb(exc.__traceback__))


def op_frames(op):
    return frames_of(op.traceback)


def record_constructions(*classes):
    """Patch __init__ of these classes to remember every object built and the fixture lines building it."""
    for cls in classes:
        if getattr(cls.__init__, "_acc_patched", False):
            continue
        original = cls.__init__

        @functools.wraps(original)
        def init(self, *args, __original=original, **kwargs):
            if id(self) not in REC.constructed:
                REC.constructed[id(self)] = (self, fixture_frames())
            return __original(self, *args, **kwargs)

        init._acc_patched = True
        init.__signature__ = inspect.signature(original)  # Keras 3 reads the argspec of __init__
        cls.__init__ = init


def record_calls(*classes):
    """Patch __call__ of these (Keras layer) classes to remember (layer, output) of every call."""
    for cls in classes:
        if getattr(cls.__dict__.get("__call__"), "_acc_patched", False):
            continue
        original = cls.__call__

        def call(self, *args, __original=original, **kwargs):
            out = __original(self, *args, **kwargs)
            REC.layer_calls.append((self, out))
            return out

        call._acc_patched = True
        cls.__call__ = call


def constructed(kind):
    """(obj, frames) of recorded constructions that are instances of kind, in construction order."""
    return [(o, f) for o, f in REC.constructed.values() if isinstance(o, kind)]


# ----------------------------------------------------------------------------------------------------------
# Flags: a fresh namespace per case, with defaults already "parsed"


class _FlagValues:
    def __init__(self):
        self.__dict__["_values"] = {}

    def __getattr__(self, name):
        try:
            return self.__dict__["_values"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self.__dict__["_values"][name] = value

    def __call__(self, argv=None):
        return argv

    def set_default(self, name, value):
        self._values[name] = value


def make_flags_module():
    mod = types.ModuleType("flags")
    mod.FLAGS = _FlagValues()

    def define(name, default, help=None, *args, **kwargs):  # noqa: A002 - the flags signature
        mod.FLAGS._values[name] = default

    for kind in ("integer", "float", "string", "boolean", "bool", "enum", "list"):
        setattr(mod, f"DEFINE_{kind}", define)
    mod.flags = mod  # `from tensorflow.app import flags` / `tf.app.flags.FLAGS`
    return mod


# ----------------------------------------------------------------------------------------------------------
# Proxies for TF module names


class Proxy(types.ModuleType):
    """A module whose missing attributes come from base (a module, or a package whose submodules load)."""

    def __init__(self, name, base=None, **overrides):
        super().__init__(name)
        self.__dict__["_base"] = base
        self.__dict__.update(overrides)

    def __getattr__(self, attr):
        base = self.__dict__.get("_base")
        if base is None or attr.startswith("__"):
            raise AttributeError(attr)
        try:
            return getattr(base, attr)
        except AttributeError:
            if hasattr(base, "__path__"):
                import importlib

                return importlib.import_module(f"{base.__name__}.{attr}")
            raise


def recording_rnn(kind, fn):
    sig = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        bound = sig.bind(*args, **kwargs)
        frames = fixture_frames()
        result = fn(*args, **kwargs)
        REC.rnn_calls.append(dict(kind=kind, args=dict(bound.arguments), result=result, frames=frames))
        return result

    return wrapper


class TF1World:
    """The TF1 names a fixture of the tf1 group may import, mapped onto TF 2.21."""

    def __init__(self):
        import tensorflow as tf
        from tensorflow.python.ops import rnn as py_rnn
        from tensorflow.python.ops import rnn_cell as py_rnn_cell
        from tensorflow.python.keras.layers.legacy_rnn import rnn_cell_impl as py_cell_impl

        v1 = tf.compat.v1
        self.tf, self.v1 = tf, v1
        cells = v1.nn.rnn_cell
        import tf_keras

        K = tf_keras.layers
        record_constructions(cells.RNNCell, py_cell_impl.RNNCell, K.RNN, K.StackedRNNCells, K.LSTMCell,
                             K.GRUCell, K.SimpleRNNCell)
        record_calls(K.RNN)
        self._patch_optimizers()

        rec = {
            "dynamic_rnn": recording_rnn("dynamic_rnn", v1.nn.dynamic_rnn),
            "static_rnn": recording_rnn("static_rnn", v1.nn.static_rnn),
            "bidirectional_dynamic_rnn": recording_rnn("bidirectional_dynamic_rnn", v1.nn.bidirectional_dynamic_rnn),
            "static_bidirectional_rnn": recording_rnn("static_bidirectional_rnn", v1.nn.static_bidirectional_rnn),
        }
        self.rec = rec
        nn = Proxy("tensorflow.nn", v1.nn, **rec)
        contrib_rnn = Proxy(
            "tensorflow.contrib.rnn", cells, **rec,
            stack_bidirectional_dynamic_rnn=recording_rnn("stack_bidirectional_dynamic_rnn",
                                                          self._stack_bidirectional_dynamic_rnn),
            LayerNormBasicLSTMCell=_layer_norm_stand_in(cells),
        )
        contrib = Proxy("tensorflow.contrib", None, rnn=contrib_rnn)
        py_rnn_rec = Proxy("tensorflow.python.ops.rnn", py_rnn, **{
            k: recording_rnn(k, getattr(py_rnn, k)) for k in rec})
        python = Proxy("tensorflow.python", tf.python if hasattr(tf, "python") else None,
                       ops=Proxy("tensorflow.python.ops", sys.modules["tensorflow.python.ops"],
                                 rnn=py_rnn_rec, rnn_cell=py_rnn_cell))
        self.flags = make_flags_module()
        app = Proxy("tensorflow.app", v1.app, flags=self.flags, run=lambda main=None, argv=None: None)
        top = Proxy("tensorflow", v1, nn=nn, contrib=contrib, python=python, app=app, flags=self.flags,
                    Session=self._session_class(), Variable=self._variable, estimator=_estimator_stand_in())
        top.__dict__["compat"] = Proxy("tensorflow.compat", tf.compat, v1=top, v2=tf)
        self.top = top

    # -- tf.Variable, recorded with the reuse flag in force
    def _variable(self, *args, **kwargs):
        reuse = self.v1.get_variable_scope().reuse
        var = self.v1.Variable(*args, **kwargs)
        REC.variables.append((var, reuse, fixture_frames()))
        return var

    # -- optimizers: remember the losses they differentiate and the ops they return
    def _patch_optimizers(self):
        opt = self.v1.train.Optimizer
        if getattr(opt.compute_gradients, "_acc_patched", False):
            return
        compute, apply = opt.compute_gradients, opt.apply_gradients

        def compute_gradients(self_, loss, *args, **kwargs):
            REC.losses.append(loss)
            return compute(self_, loss, *args, **kwargs)

        def apply_gradients(self_, *args, **kwargs):
            op = apply(self_, *args, **kwargs)
            REC.train_ops.append(op)
            return op

        compute_gradients._acc_patched = True
        opt.compute_gradients, opt.apply_gradients = compute_gradients, apply_gradients

    # -- sessions: remember fetched values; notice a training run fed one of them
    def _session_class(self):
        import numpy as np
        tf, v1 = self.tf, self.v1

        def flat(x):
            return tf.nest.flatten(x, expand_composites=False)

        class Session(v1.Session):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                REC.sessions.append(self)

            def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
                fetched = flat(fetches)
                trains = any(_op_of(f) in [_op_of(t) for t in REC.train_ops] for f in fetched)
                if trains and feed_dict:
                    frames = fixture_frames()
                    for key, value in feed_dict.items():
                        if not hasattr(key, "dtype") or not key.dtype.is_floating:
                            continue
                        arr = np.asarray(value)
                        if arr.dtype.kind != "f" or arr.size < 2:
                            continue
                        for tensor, old in REC.fetched:
                            if old.size == arr.size and np.array_equal(old.ravel(), arr.ravel()):
                                REC.roundtrips.append(dict(frames=frames, tensor=tensor, placeholder=key))
                                break
                out = super().run(fetches, feed_dict, options, run_metadata)
                for tensor, value in zip(fetched, flat(out)):
                    if isinstance(value, np.ndarray) and value.dtype.kind == "f" and hasattr(tensor, "op"):
                        REC.fetched.append((tensor, value))
                return out

        return Session

    # -- tf.contrib.rnn.stack_bidirectional_dynamic_rnn, as contrib built it
    def _stack_bidirectional_dynamic_rnn(self, cells_fw, cells_bw, inputs, initial_states_fw=None,
                                         initial_states_bw=None, dtype=None, sequence_length=None,
                                         parallel_iterations=None, time_major=False, scope=None,
                                         swap_memory=False):
        v1 = self.v1
        states_fw, states_bw, prev = [], [], inputs
        with v1.variable_scope(scope or "stack_bidirectional_rnn"):
            for i, (cell_fw, cell_bw) in enumerate(zip(cells_fw, cells_bw)):
                init_fw = initial_states_fw[i] if initial_states_fw else None
                init_bw = initial_states_bw[i] if initial_states_bw else None
                with v1.variable_scope("cell_%d" % i):
                    (out_fw, out_bw), (st_fw, st_bw) = v1.nn.bidirectional_dynamic_rnn(
                        cell_fw, cell_bw, prev, initial_state_fw=init_fw, initial_state_bw=init_bw,
                        sequence_length=sequence_length, dtype=dtype, time_major=time_major)
                    prev = self.tf.concat([out_fw, out_bw], 2)
                states_fw.append(st_fw)
                states_bw.append(st_bw)
        return prev, tuple(states_fw), tuple(states_bw)


def _layer_norm_stand_in(cells):
    class LayerNormBasicLSTMCell(cells.BasicLSTMCell):
        """tf.contrib.rnn.LayerNormBasicLSTMCell is gone in TF 2.x; BasicLSTMCell shares weights the same way."""

        def __init__(self, num_units, forget_bias=1.0, input_size=None, activation=None, layer_norm=True,
                     norm_gain=1.0, norm_shift=0.0, dropout_keep_prob=1.0, dropout_prob_seed=None,
                     reuse=None):
            super().__init__(num_units, forget_bias=forget_bias, activation=activation, reuse=reuse)

    return LayerNormBasicLSTMCell


def _estimator_stand_in():
    """tf.estimator is gone from TF 2.21: model_fn code only needs ModeKeys and EstimatorSpec to build."""
    import collections

    modes = types.SimpleNamespace(TRAIN="train", EVAL="eval", PREDICT="infer")
    spec = collections.namedtuple("EstimatorSpec", "mode predictions loss train_op eval_metric_ops")
    spec.__new__.__defaults__ = (None,) * 4

    def estimator(model_fn, model_dir=None, config=None, params=None):
        return types.SimpleNamespace(model_fn=model_fn, params=params)

    return Proxy("tensorflow.estimator", None, ModeKeys=modes, EstimatorSpec=spec, Estimator=estimator)


def _op_of(x):
    return getattr(x, "op", x)


class KerasWorld:
    """Keras fixtures import the real modules; only the constructions of recurrent layers are recorded."""

    def __init__(self):
        import tensorflow as tf
        import keras
        import tf_keras

        self.tf = tf
        self.flags = make_flags_module()
        classes = []
        for lib in (tf_keras, keras):
            L = lib.layers
            classes += [L.RNN, L.StackedRNNCells, L.Bidirectional, L.LSTMCell, L.GRUCell, L.SimpleRNNCell]
            classes.append(lib.Sequential)
        record_constructions(*classes)
        self.top = None


# ----------------------------------------------------------------------------------------------------------
# Loading a fixture


class Loader:
    def __init__(self, world):
        self.world = world
        self.modules = {}  # path -> module, per case

    def reset(self):
        self.modules = {}
        self.world.flags.__dict__["FLAGS"] = _FlagValues()

    def load(self, relpath, inject=None, replace=None):
        """Execute fixtures/accuracy/<relpath> as a module (not as __main__) and return it.

        replace=(old, new) edits one line of the source first (same line count): the probes of latent
        cases turn a configuration knob with it.
        """
        return self._load_path(ACC / relpath, inject, replace)

    def _load_path(self, path, inject=None, replace=None):
        path = path.resolve()
        if path in self.modules:
            return self.modules[path]
        is_pkg = path.name == "__init__.py"
        folder = path.parent
        in_pkg = (folder / "__init__.py").exists()
        if in_pkg:
            pkg_name = folder.name
            name = pkg_name if is_pkg else f"{pkg_name}.{path.stem}"
        else:
            pkg_name, name = "", "acc_" + path.stem
        mod = types.ModuleType(name)
        mod.__file__ = str(path)
        mod.__package__ = pkg_name
        if is_pkg:
            mod.__path__ = [str(folder)]
        bi = dict(builtins.__dict__)
        bi["__import__"] = self._import
        mod.__dict__["__builtins__"] = bi
        if inject:
            mod.__dict__.update(inject)
        self.modules[path] = mod
        source = path.read_text(encoding="utf-8")
        if replace:
            old, new = replace
            assert source.count(old) == 1 and "\n" not in old + new, replace
            source = source.replace(old, new)
        code = compile(source, str(path), "exec", dont_inherit=True)  # not this file's __future__ flags
        exec(code, mod.__dict__)  # noqa: S102 - running the fixture is the point
        return mod

    def _local(self, base, name, fromlist, relative):
        if not name:
            pkg = self._load_path(base / "__init__.py")
            for item in fromlist or ():
                sub = base / f"{item}.py"
                if sub.exists():
                    setattr(pkg, item, self._load_path(sub))
            return pkg
        parts = name.split(".")
        mods, where = [], base
        for part in parts:
            if (where / part / "__init__.py").exists():
                mods.append(self._load_path(where / part / "__init__.py"))
                where = where / part
            else:
                mods.append(self._load_path(where / f"{part}.py"))
        for parent, child, part in zip(mods, mods[1:], parts[1:]):
            setattr(parent, part, child)
        last = mods[-1]
        for item in fromlist or ():
            sub = where / f"{item}.py"
            if hasattr(last, "__path__") and sub.exists():
                setattr(last, item, self._load_path(sub))
        return last if (fromlist or relative) else mods[0]

    def _import(self, name, globals=None, locals=None, fromlist=(), level=0):  # noqa: A002
        importer = Path(globals["__file__"]) if globals and globals.get("__file__") else None
        if level > 0 and importer is not None:
            base = importer.parent
            for _ in range(level - 1):
                base = base.parent
            return self._local(base, name, fromlist, relative=True)
        top = name.split(".")[0]
        if importer is not None:
            for folder in (importer.parent, importer.parent.parent):
                if (folder / f"{top}.py").exists() or (folder / top / "__init__.py").exists():
                    return self._local(folder, name, fromlist, relative=False)
        if top == "absl" and (name == "absl.flags" or "flags" in (fromlist or ())):
            return self.world.flags if name == "absl.flags" and fromlist else Proxy("absl", None, flags=self.world.flags)
        if top == "tensorflow" and self.world.top is not None:
            obj = self.world.top
            try:
                for part in name.split(".")[1:]:
                    obj = getattr(obj, part)
            except AttributeError:
                return _REAL_IMPORT(name, globals, locals, fromlist, level)
            return obj if fromlist else self.world.top
        return _REAL_IMPORT(name, globals, locals, fromlist, level)


# ----------------------------------------------------------------------------------------------------------
# Running a group


def observation(value, detail=""):
    if isinstance(value, bool):
        return {"kind": "bool", "value": value, "detail": detail}
    if isinstance(value, int):
        return {"kind": "count", "value": value, "detail": detail}
    return {"kind": "events", "value": [sorted(set(e)) for e in value], "detail": detail}


def run_group(group, only=None, cases=None):
    """Run the probes of one group; ``cases``: the module holding them (default accuracy_cases)."""
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    if group == "tf1":
        tf.compat.v1.disable_v2_behavior()
        world = TF1World()
    else:
        world = KerasWorld()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if cases is None:
        import accuracy_cases as cases

    cases.bind(world)
    loader = Loader(world)
    results = {}
    for key, (case_group, probe) in sorted(cases.CASES.items()):
        if case_group != group or (only and not any(o in key for o in only)):
            continue
        global REC
        REC.__init__()
        loader.reset()
        started = time.perf_counter()
        try:
            if group == "tf1":
                with tf.Graph().as_default():
                    obs = probe(loader)
            else:
                import keras
                import tf_keras

                tf_keras.backend.clear_session()
                keras.backend.clear_session()
                obs = probe(loader)
            if isinstance(obs, tuple):
                obs = observation(*obs)
            else:
                obs = observation(obs)
        except Exception as exc:  # the probe itself failed: report it, the test fails on it
            obs = {"kind": "error", "value": None,
                   "detail": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-4000:]}
        for sess in REC.sessions:
            try:
                sess.close()
            except Exception:  # noqa: BLE001
                pass
        obs["seconds"] = round(time.perf_counter() - started, 3)
        results[key] = obs
    return results


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    group, out = argv[0], argv[1]
    only = argv[2:] or None
    started = time.perf_counter()
    results = run_group(group, only)
    Path(out).write_text(json.dumps({"group": group, "seconds": round(time.perf_counter() - started, 2),
                                     "results": results}, indent=1))


if __name__ == "__main__":
    # Run through the importable module, so that accuracy_cases and this script share one REC.
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import accuracy_runner

    accuracy_runner.main()
