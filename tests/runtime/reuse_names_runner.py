"""Builds the reuse-family fixtures with real TensorFlow and records where the pitfalls manifest.

Run by test_reuse_names_truth.py in a child process: ``python reuse_names_runner.py OUT.json FIXTURE...``.

Each fixture (TF1 graph code, ``tf.compat.v1`` with the legacy cells of tf_keras) is executed once as a
module in a fresh default graph, then every top-level function that needs no argument is called, each in a
fresh default graph (``tf.reset_default_graph()`` first, so a fixture may reset it too). Per run it records:

- ``duplicate``: the fixture lines of the traceback of a ValueError "... already exists" (the run stops);
- ``not_shared``: for each trainable ``tf.Variable`` created while reuse is on and a variable of the same
  name (uniquifying ``_<n>`` suffixes aside) already exists, the fixture lines of its creation stack;
- ``aliases``: for a function returning a list, whether it holds one object several times and the graph
  has variables (one subgraph named n times).

``import tensorflow`` (and ``tensorflow.compat.v1``) give ``tf.compat.v1``; ``tf.contrib.rnn`` gives the
legacy cells and RNN functions; ``tensorflow.keras`` the Keras of the environment (tf_keras).
"""
from __future__ import annotations

import builtins
import inspect
import json
import os
import re
import sys
import traceback
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from accuracy_runner import Proxy  # noqa: E402 - the runner's module proxy, shared with the accuracy truth

_REAL_IMPORT = builtins.__import__
_SUFFIX = re.compile(r"_\d+$")


class Recorder:
    def __init__(self, tf):
        self.tf, self.v1 = tf, tf.compat.v1
        self.path = None
        self.not_shared = []

    def lines(self, frames):
        return sorted({fr.lineno for fr in frames if fr.filename == self.path})

    def variable(self, *args, **kwargs):
        v1 = self.v1
        reuse = v1.get_variable_scope().reuse
        before = {_base_name(v.name) for v in v1.global_variables()}
        var = v1.Variable(*args, **kwargs)
        trainable = kwargs.get("trainable", args[1] if len(args) > 1 else True)
        if reuse and trainable is not False and _base_name(var.name) in before:
            self.not_shared.append(self.lines(traceback.extract_stack()))
        return var

    def tensorflow(self):
        tf, v1 = self.tf, self.v1
        cells = v1.nn.rnn_cell
        contrib_rnn = Proxy("tensorflow.contrib.rnn", cells, static_rnn=v1.nn.static_rnn,
                            static_bidirectional_rnn=v1.nn.static_bidirectional_rnn)
        top = Proxy("tensorflow", v1, contrib=Proxy("tensorflow.contrib", None, rnn=contrib_rnn),
                    Variable=self.variable)
        top.__dict__["compat"] = Proxy("tensorflow.compat", tf.compat, v1=top, v2=tf)
        return top


def _base_name(name):
    """'tower_1/softmax_w_2:0' -> 'tower/softmax_w': the name without the suffixes that uniquify it."""
    return "/".join(_SUFFIX.sub("", part) for part in name.split(":")[0].split("/"))


def _importer(top):
    def do_import(name, globals=None, locals=None, fromlist=(), level=0):  # noqa: A002 - __import__'s
        if name.split(".")[0] == "tensorflow":
            obj = top
            for part in name.split(".")[1:]:
                obj = getattr(obj, part)
            return obj if fromlist else top
        return _REAL_IMPORT(name, globals, locals, fromlist, level)

    return do_import


def _no_argument_functions(module, path):
    out = []
    for name, value in vars(module).items():
        if inspect.isfunction(value) and value.__code__.co_filename == path:
            params = inspect.signature(value).parameters.values()
            if all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
                out.append((value.__code__.co_firstlineno, name, value))
    return sorted(out)


def run_fixture(rec, path):
    rec.path = str(path)
    v1 = rec.v1
    module = types.ModuleType("fixture_" + path.stem)
    module.__file__ = str(path)
    bi = dict(builtins.__dict__)
    bi["__import__"] = _importer(rec.tensorflow())
    module.__dict__["__builtins__"] = bi
    runs = {}

    def run(label, action):
        rec.not_shared = []
        v1.reset_default_graph()
        result = {"duplicate": None, "not_shared": [], "aliases": None, "error": None}
        try:
            value = action()
            if isinstance(value, list) and len(value) > 1:
                one_object = all(item is value[0] for item in value)
                result["aliases"] = one_object and bool(v1.global_variables())
        except ValueError as exc:
            if "already exists" not in str(exc):
                result["error"] = "".join(traceback.format_exception_only(type(exc), exc))[-500:]
            else:
                result["duplicate"] = rec.lines(traceback.extract_tb(exc.__traceback__))
        except Exception as exc:  # noqa: BLE001 - a fixture that does not build is reported, not hidden
            result["error"] = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-1500:]
        result["not_shared"] = rec.not_shared
        runs[label] = result

    source = path.read_text(encoding="utf-8")
    run("<module>", lambda: exec(compile(source, str(path), "exec"), module.__dict__))  # noqa: S102
    for lineno, name, function in _no_argument_functions(module, str(path)):
        end = lineno + len(inspect.getsourcelines(function)[0]) - 1
        run(f"{name}:{lineno}-{end}", function)
    return runs


def main(argv):
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    tf.compat.v1.disable_v2_behavior()
    rec = Recorder(tf)
    out, fixtures = Path(argv[0]), [Path(p).resolve() for p in argv[1:]]
    results = {str(p): run_fixture(rec, p) for p in fixtures}
    out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
