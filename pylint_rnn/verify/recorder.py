"""What the probes record while the target runs, and the few services every probe shares.

Child process only. A :class:`Recorder` holds the records (variables, RNN calls, cell calls, objectives,
``Session.run`` calls, Keras layers and models), the findings made while the target runs (they survive its
failure), and the verifier's own errors: a probe that fails records the error and lets the target go on,
and the run's status becomes ``error`` (never a silent "ok"). The probes themselves live in
``probes_graph``, ``probes_training`` and ``probes_keras``.
"""
from __future__ import annotations

import contextlib
import inspect
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

Site = Tuple[str, int, str]  # (real path, line, function name) of a frame in the user's code


class StopTarget(BaseException):
    """Raised into the target when a training step is about to run more than ``--max-train-steps`` times
    (not an Exception, so the target's own ``except Exception`` does not swallow it)."""


class TargetExit(BaseException):
    """The target called ``os._exit``; raised instead so the analysis can still run."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


class TargetTimeout(BaseException):
    """Raised into the target when the supervisor's time limit is reached."""


# Graph op types, shared by the probes and the analyses that walk the recorded graphs.
VAR_OPS = frozenset({"VariableV2", "Variable", "VarHandleOp"})  # an op that is a variable
READ_OPS = frozenset({"Identity", "ReadVariableOp", "Enter", "RefIdentity", "Snapshot"})  # reads one
# Ops that only move or copy a value: a variable read through these is "the same value".
COPY_OPS = READ_OPS | {"Reshape", "Tile", "ExpandDims", "Squeeze", "Cast", "StopGradient",
                       "Pack", "ConcatV2", "Concat", "Transpose", "Fill", "BroadcastTo", "Const"}
ASSIGN_OPS = frozenset({"Assign", "AssignVariableOp", "AssignAdd", "AssignSub", "AssignAddVariableOp",
                        "AssignSubVariableOp", "ScatterUpdate", "ResourceScatterUpdate"})
WALK_LIMIT = 50000  # ops visited by one walk up a graph: graphs of real models stay far below
MAX_CELL_CALLS = 5000  # manual cell calls kept (a long eager loop calls one cell many times)
# TensorFlow's implementation packages: not API modules, and many (skipped when patching the API).
_TF_INTERNALS = ("tensorflow.python", "tensorflow.core", "tensorflow.compiler", "tensorflow.lite",
                 "tensorflow.tools", "tensorflow.security", "tensorflow.dtensor", "tensorflow.include")


@dataclass
class GraphRecords:
    """What builds the model: variables, RNN calls, stacks of cells, cells the user's code calls."""

    variables: List[dict] = field(default_factory=list)  # var, name, shape, trainable, reuse, scope, site, graph
    rnn_calls: List[dict] = field(default_factory=list)  # see probes_graph.GraphProbes.on_call
    stacks: Dict[int, dict] = field(default_factory=dict)  # id(stack cell) -> {"cell", "cells", "site"}
    cell_calls: List[dict] = field(default_factory=list)  # cells called by the user's own code (manual unrolls)
    assigned: Dict[int, Any] = field(default_factory=dict)  # id(variable) -> variable, assigned from Python
    cell_ops: List[dict] = field(default_factory=list)  # every TF1 cell call and its ops (cellcalls; --format html)


@dataclass
class TrainingRecords:
    """How the model is trained: objectives, train ops, Session.run calls, steps taken."""

    max_steps: int = 1  # --max-train-steps
    objectives: List[dict] = field(default_factory=list)  # loss, vars, has_grad{id: bool}, site, train_ops, kind
    train_ops: Dict[tuple, dict] = field(default_factory=dict)  # (id(graph), op name) -> objective
    runs: List[dict] = field(default_factory=list)  # Session.run records
    training_runs: int = 0


@dataclass
class KerasRecords:
    """Keras layers (where built, how called) and the models the target compiled, trained or returned."""

    layer_sites: Dict[int, tuple] = field(default_factory=dict)  # id(layer or cell) -> (layer, site)
    layer_calls: Dict[int, dict] = field(default_factory=dict)  # id(recurrent layer) -> its calls
    created_in_call: List[dict] = field(default_factory=list)  # layers built while a user model ran call()
    models: List[Any] = field(default_factory=list)
    gradients: Dict[int, bool] = field(default_factory=dict)  # id(weight) -> gets a gradient (the HTML picture)


@dataclass
class RunStatus:
    """What the run says about itself: notes, the verifier's own errors, whether TensorFlow was imported."""

    notes: List[str] = field(default_factory=list)
    internal_errors: List[str] = field(default_factory=list)
    imported_tf: bool = False
    paused: bool = False  # while the verifier runs the user's model itself: nothing is recorded


class UserCode:
    """The boundary between the user's code (files below the target's root) and everything else."""

    def __init__(self, user_root: str):
        self.user_root = os.path.realpath(user_root)
        self._verify_dir = os.path.dirname(os.path.realpath(__file__))
        self._user_cache: Dict[str, bool] = {}

    # ------------------------------------------------------------------ the user's code
    def is_user_file(self, filename: str) -> bool:
        """Is this file part of the user's code (below the target's root, not the verifier, not a library)?"""
        hit = self._user_cache.get(filename)
        if hit is None:
            real = os.path.realpath(filename) if filename and not filename.startswith("<") else ""
            hit = (bool(real) and real.startswith(self.user_root + os.sep)
                   and not real.startswith(self._verify_dir + os.sep)
                   and "site-packages" not in real and "dist-packages" not in real)
            self._user_cache[filename] = hit
        return hit

    def user_site(self) -> Optional[Site]:
        """(path, line, function) of the innermost frame of the user's code on the current stack, or None."""
        frame = inspect.currentframe()
        while frame is not None:
            if self.is_user_file(frame.f_code.co_filename):
                return (os.path.realpath(frame.f_code.co_filename), frame.f_lineno, frame.f_code.co_name)
            frame = frame.f_back
        return None

    def user_frame(self):
        """The innermost frame of the user's code on the current stack, or None."""
        frame = inspect.currentframe()
        while frame is not None and not self.is_user_file(frame.f_code.co_filename):
            frame = frame.f_back
        return frame

    def called_from_user(self, depth: int) -> bool:
        """Is the frame ``depth`` levels above the caller of this method in the user's code?"""
        frame = inspect.currentframe()
        for _ in range(depth + 1):
            frame = frame.f_back if frame is not None else None
        return frame is not None and self.is_user_file(frame.f_code.co_filename)

    def traceback_site(self, frames) -> Optional[Site]:
        """The innermost user frame of a TF op's creation traceback (a list of frame summaries)."""
        for frame in reversed(list(frames or [])):
            filename = getattr(frame, "filename", None) or frame[0]
            if self.is_user_file(filename):
                return (os.path.realpath(filename), getattr(frame, "lineno", None) or frame[1],
                        getattr(frame, "name", "") or "")
        return None

    def op_site(self, op) -> Optional[Site]:
        """Where the user's code created a graph op."""
        return self.traceback_site(getattr(op, "traceback", None))


class Recorder(UserCode):
    """The records of one run of the target, by section, and the services every probe shares."""

    def __init__(self, user_root: str, max_train_steps: int):
        super().__init__(user_root)
        self.tf: Any = None  # the real tensorflow module, once imported
        self.graph = GraphRecords()
        self.train = TrainingRecords(max_steps=max_train_steps)
        self.keras = KerasRecords()
        self.status = RunStatus()
        self.findings: List[dict] = []

    # ------------------------------------------------------------------ findings and errors
    def add_finding(self, symbol: str, message: str, site: Optional[Site], confirmed: bool = True,
                    details: Optional[dict] = None) -> None:
        """One finding per (symbol, file, line); a finding without a user site is not reported."""
        if site is None:
            return
        key = (symbol, site[0], site[1])
        if any((f["symbol"], f["path"], f["line"]) == key for f in self.findings):
            return
        self.findings.append({"symbol": symbol, "message": message, "path": site[0], "line": site[1],
                              "confirmed": confirmed, "details": details or {}})

    def drop_finding(self, symbol: str, site: Optional[Site]) -> None:
        """Forget the finding at a site, so that a better-proved one can take its place."""
        if site is not None:
            self.findings = [f for f in self.findings if (f["symbol"], f["path"], f["line"]) != (symbol, *site[:2])]

    @contextlib.contextmanager
    def guard(self, what: str):
        """Run a probe's bookkeeping: an error in it is the verifier's, recorded, never the target's."""
        try:
            yield
        except Exception as exc:
            self.status.internal_errors.append(f"{what}: {type(exc).__name__}: {exc}".splitlines()[0][:300])

    # ------------------------------------------------------------------ patching
    @staticmethod
    def patch(owner: Any, name: str, factory: Callable[[Callable], Callable]) -> None:
        """Replace ``owner.name`` by ``factory(original)``, once."""
        original = getattr(owner, name)
        if getattr(original, "pylint_rnn_probe", False):
            return
        new = factory(original)
        new.pylint_rnn_probe = True
        new.pylint_rnn_original = original
        setattr(owner, name, new)

    @staticmethod
    def replace_in_api(replacements: Dict[Callable, Callable]) -> int:
        """Put each new function wherever TensorFlow's public API modules export the original; -> how many
        places were changed.

        TensorFlow's API modules (``tf.compat.v1``, ``tf.compat.v1.nn``, their TFModuleWrapper copies ...) bind
        functions when they are imported, so patching the defining module alone does not reach
        ``tf.gradients`` & co. Its implementation modules (``tensorflow.python...``) are left alone.
        """
        by_id = {id(original): new for original, new in replacements.items()}
        count = 0
        for name, module in list(sys.modules.items()):
            if module is None or not name.startswith("tensorflow") or name.startswith(_TF_INTERNALS):
                continue
            namespace = getattr(module, "__dict__", {})
            for attr, value in list(namespace.items()):
                if id(value) in by_id and value in replacements:
                    setattr(module, attr, by_id[id(value)])
                    count += 1
        return count

    # ------------------------------------------------------------------ graph helpers
    def var_ops(self, graph) -> Dict[str, dict]:
        """op name -> variable record, for the variables of one graph."""
        return {rec["op_name"]: rec for rec in self.graph.variables if rec["graph"] is graph}

    @staticmethod
    def variable_of(tensor, var_by_op: Dict[str, dict], hops: int = 4):
        """The variable a tensor reads (directly or through a few read ops), or None."""
        op = getattr(tensor, "op", None)
        for _ in range(hops):
            if op is None:
                return None
            if op.type in VAR_OPS:
                return var_by_op.get(op.name, {}).get("var")
            if op.type in READ_OPS and op.inputs:
                op = op.inputs[0].op
                continue
            return None
        return None

    def variables_read(self, ops, var_by_op: Dict[str, dict]) -> list:
        """The variables the ops read (an input that is a variable, directly or through read ops), each once."""
        used, seen = [], set()
        for op in ops:
            for tensor in op.inputs:
                var = self.variable_of(tensor, var_by_op)
                if var is not None and id(var) not in seen:
                    seen.add(id(var))
                    used.append(var)
        return used

    def records_by_id(self) -> Dict[int, dict]:
        """id(tf.Variable) -> its creation record."""
        return {id(rec["var"]): rec for rec in self.graph.variables}


def graph_op(value):
    """The graph op that produced a tensor, or None: an eager tensor, a Keras symbolic tensor (whose ``.op``
    raises TypeError), an array, anything else."""
    if type(value).__name__ == "EagerTensor":
        return None
    try:
        op = value.op
    except Exception:  # Keras' symbolic tensors raise TypeError, eager ones AttributeError
        return None
    return op if hasattr(op, "type") and hasattr(op, "inputs") else None


def underlying_variable(variable):
    """A Keras 3 variable holds a tf.Variable (``.value``'s source); any other object is itself."""
    inner = getattr(variable, "_value", None)  # Keras 3 keeps its tf.Variable there only
    if inner is not None and hasattr(inner, "handle") and hasattr(inner, "assign"):
        return inner
    return variable


def ops_upstream(tensors, through=None, limit=WALK_LIMIT):
    """The graph ops the tensors are computed from (by data edges), each once, in walk order; the walk goes
    past an op only when its type is in ``through`` (past every op when ``through`` is None)."""
    seen = set()
    stack = [op for op in map(graph_op, tensors) if op is not None]
    while stack and len(seen) < limit:
        op = stack.pop()
        if op.name in seen:
            continue
        seen.add(op.name)
        yield op
        if through is None or op.type in through:
            stack.extend(t.op for t in op.inputs)


def closure_variables(rec: Recorder, tensors, graph, copy_only=False, limit=20000) -> list:
    """Variables whose value flows (by data edges) into the tensors; with ``copy_only``, only through ops
    that merely copy or reshape values."""
    var_by_op = rec.var_ops(graph)
    out = []
    for op in ops_upstream(tensors, COPY_OPS if copy_only else None, limit):
        info = var_by_op.get(op.name) if op.type in VAR_OPS else None
        if info is not None and info["var"] not in out:
            out.append(info["var"])
    return out
