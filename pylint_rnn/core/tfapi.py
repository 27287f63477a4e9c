"""Which TensorFlow API is this expression?

Answers through the module's own imports and simple assignments only: the import statement tells which
dotted path a name stands for (``tf`` -> ``tensorflow.compat.v1``), and a small table maps the TF1, contrib,
compat and Keras spellings of one API onto one canonical name (``tf.nn.rnn_cell.LSTMCell``). Nothing here
imports TensorFlow or asks astroid to infer into it: that is slow, and TensorFlow is often not installed
where people lint.

Snippets pasted from a question or a notebook cell often use ``tf.nn.dynamic_rnn`` without ``import
tensorflow as tf``. A name that nothing binds where it is used (no enclosing scope, not the module: only a
NameError or a missing import could follow) and that is spelled ``tf`` / ``tensorflow`` / ``keras`` (or
``np`` / ``numpy``) is read as that module. The TF 0.x module names ``rnn`` / ``rnn_cell`` are also common
variable names, so an unbound one is read as a module only for an attribute that module really has
(``rnn_cell.BasicLSTMCell``, ``rnn.rnn``, ``rnn.static_rnn``), never on its own.
"""
from __future__ import annotations

import functools
from typing import Dict, Iterable, NamedTuple, Optional, Tuple

from astroid import nodes

from pylint_rnn.core import project, project_source, tree
from pylint_rnn.core.bindings import (assigned_value, bindings_of, enclosing_bindings, module_bindings,
                                      single_binding)
from pylint_rnn.core.cache import answers_of, cached_in, module_cached
from pylint_rnn.core.callargs import call_argument, literal_value

# How deep we follow ``a = b``, ``b = tf.contrib.rnn``: far enough for real code, bounded for odd code.
_MAX_ALIAS_DEPTH = 8

TF_ROOT = "tensorflow"
KERAS_ROOTS = ("keras", "tf_keras")
TF_ROOTS = (TF_ROOT,) + KERAS_ROOTS
# Modules a snippet uses without importing them (see implied_module): the name as written -> the module.
IMPLIED_MODULES = {"tf": TF_ROOT, "tensorflow": TF_ROOT, "keras": "keras", "np": "numpy", "numpy": "numpy"}
# TF 0.x / 1.x RNN modules pasted without their import, read as a module only for an API it has.
IMPLIED_RNN_MODULES = {"rnn_cell": ("tensorflow.nn.rnn_cell",), "rnn": ("tensorflow.contrib.rnn", "tensorflow.nn")}

# --- the knowledge table: canonical names by kind --------------------------------------------------------

_TF1_CELLS = (
    "RNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell",
)
_CONTRIB_ONLY_CELLS = (
    "LayerNormBasicLSTMCell", "NASCell", "UGRNNCell", "GLSTMCell", "IndRNNCell", "IndyGRUCell",
    "IndyLSTMCell", "LSTMBlockCell", "LSTMBlockFusedCell", "GRUBlockCell", "GRUBlockCellV2",
    "LayerNormLSTMCell", "CoupledInputForgetGateLSTMCell", "TimeFreqLSTMCell", "GridLSTMCell",
    "PhasedLSTMCell", "IntersectionRNNCell", "Conv1DLSTMCell", "Conv2DLSTMCell", "Conv3DLSTMCell",
    "ConvLSTMCell", "BidirectionalGridLSTMCell", "SRUCell", "WeightNormLSTMCell", "MinimalRNNCell",
    "CFNCell", "HighwayWrapper",
)
_TF1_WRAPPERS = ("DropoutWrapper", "ResidualWrapper", "DeviceWrapper")
_CONTRIB_ONLY_WRAPPERS = (
    "AttentionCellWrapper", "OutputProjectionWrapper", "InputProjectionWrapper", "EmbeddingWrapper",
    "HighwayWrapper",
)
_KERAS_CELLS = ("SimpleRNNCell", "LSTMCell", "GRUCell", "PeepholeLSTMCell", "AbstractRNNCell")
_KERAS_RNN_LAYERS = (
    "RNN", "SimpleRNN", "LSTM", "GRU", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "CuDNNLSTM", "CuDNNGRU",
)

CELL_CLASSES = frozenset(
    [f"tf.nn.rnn_cell.{n}" for n in _TF1_CELLS]
    + [f"tf.contrib.rnn.{n}" for n in _CONTRIB_ONLY_CELLS if n != "HighwayWrapper"]
    + [f"tf.keras.layers.{n}" for n in _KERAS_CELLS]
    + ["tf.contrib.cudnn_rnn.CudnnCompatibleLSTMCell", "tf.contrib.cudnn_rnn.CudnnCompatibleGRUCell"]
)
CELL_WRAPPERS = frozenset(
    [f"tf.nn.rnn_cell.{n}" for n in _TF1_WRAPPERS]
    + [f"tf.contrib.rnn.{n}" for n in _CONTRIB_ONLY_WRAPPERS]
    + ["tf.contrib.seq2seq.AttentionWrapper"]
)
CELL_STACKS = frozenset({"tf.nn.rnn_cell.MultiRNNCell", "tf.keras.layers.StackedRNNCells"})


class RnnSignature(NamedTuple):
    """Where a TF1 RNN function takes its arguments, as (position, keyword) pairs."""

    cells: Tuple[Tuple[int, str], ...]  # the cell, or the forward and the backward cell (or cell lists)
    inputs: Optional[Tuple[int, str]]  # None for raw_rnn, which reads its inputs through loop_fn
    initial_states: Tuple[Tuple[int, str], ...]  # one per cell argument; () when it takes none
    default_scope: str  # the variable scope it opens when scope= is not given
    static: bool  # takes a Python list of per-step inputs (static_*), not one tensor with a time axis
    cell_lists: bool = False  # takes a list of cells per direction (stack_bidirectional_*)
    time_major_position: Optional[int] = None  # where a positional time_major would go

    @property
    def bidirectional(self) -> bool:
        return len(self.cells) == 2


_UNI = ((0, "cell"),)
_BI = ((0, "cell_fw"), (1, "cell_bw"))
_BI_LISTS = ((0, "cells_fw"), (1, "cells_bw"))
# The functions that unroll a cell over time, keyed by canonical name.
RNN_SIGNATURES: Dict[str, RnnSignature] = {
    "tf.nn.dynamic_rnn": RnnSignature(_UNI, (1, "inputs"), ((3, "initial_state"),), "rnn", False,
                                      time_major_position=7),
    "tf.nn.static_rnn": RnnSignature(_UNI, (1, "inputs"), ((2, "initial_state"),), "rnn", True),
    "tf.nn.static_state_saving_rnn": RnnSignature(_UNI, (1, "inputs"), (), "rnn", True),
    "tf.nn.raw_rnn": RnnSignature(_UNI, None, (), "rnn", False),
    "tf.nn.bidirectional_dynamic_rnn": RnnSignature(
        _BI, (2, "inputs"), ((4, "initial_state_fw"), (5, "initial_state_bw")), "bidirectional_rnn", False,
        time_major_position=9),
    "tf.nn.static_bidirectional_rnn": RnnSignature(
        _BI, (2, "inputs"), ((3, "initial_state_fw"), (4, "initial_state_bw")), "bidirectional_rnn", True),
    "tf.contrib.rnn.stack_bidirectional_dynamic_rnn": RnnSignature(
        _BI_LISTS, (2, "inputs"), ((3, "initial_states_fw"), (4, "initial_states_bw")),
        "stack_bidirectional_rnn", False, cell_lists=True, time_major_position=8),
    "tf.contrib.rnn.stack_bidirectional_rnn": RnnSignature(
        _BI_LISTS, (2, "inputs"), ((3, "initial_states_fw"), (4, "initial_states_bw")),
        "stack_bidirectional_rnn", True, cell_lists=True),
}
KERAS_RNN_LAYERS = frozenset(f"tf.keras.layers.{n}" for n in _KERAS_RNN_LAYERS)
KERAS_RNN = "tf.keras.layers.RNN"  # the generic layer that unrolls a cell, or a list of cells
KERAS_BIDIRECTIONAL = "tf.keras.layers.Bidirectional"
KERAS_TIME_DISTRIBUTED = "tf.keras.layers.TimeDistributed"

GET_VARIABLE = "tf.get_variable"
VARIABLE = "tf.Variable"
VARIABLE_SCOPE = "tf.variable_scope"
NAME_SCOPE = "tf.name_scope"
GET_VARIABLE_SCOPE = "tf.get_variable_scope"
AUTO_REUSE = "tf.AUTO_REUSE"
PLACEHOLDER = "tf.placeholder"
PLACEHOLDER_WITH_DEFAULT = "tf.placeholder_with_default"
ASSIGN = "tf.assign"
STATE_TUPLE = "tf.nn.rnn_cell.LSTMStateTuple"  # tf.contrib.rnn.LSTMStateTuple canonicalises to it
SESSIONS = frozenset({
    "tf.Session", "tf.InteractiveSession", "tf.train.MonitoredSession",
    "tf.train.MonitoredTrainingSession", "tf.train.SingularMonitoredSession",
})

# Ops combining the elements of the one list they get into one tensor (by the parameter taking the list),
# and the Keras merge layers whose call does the same.
LIST_COMBINERS = {
    **dict.fromkeys(("tf.add_n", "tf.math.add_n", "tf.math.accumulate_n"), "inputs"),
    **dict.fromkeys(("tf.stack", "tf.concat"), "values"),
    **dict.fromkeys(("tf.reduce_mean", "tf.math.reduce_mean", "tf.reduce_sum", "tf.math.reduce_sum"), "input_tensor"),
    **{f"tf.keras.layers.{n}": "inputs" for n in ("add", "average", "concatenate", "maximum", "minimum", "multiply")},
    "tf.keras.backend.stack": "x", "tf.keras.backend.concatenate": "tensors",
}
KERAS_LIST_MERGES = frozenset(f"tf.keras.layers.{n}" for n in ("Add", "Average", "Concatenate", "Maximum", "Minimum",
                                                                "Multiply"))

# --- canonicalisation -------------------------------------------------------------------------------------

# contrib.rnn names that are the same object as a tf.nn one.
_CONTRIB_RNN_TO_NN = {
    **{n: f"tf.nn.rnn_cell.{n}" for n in _TF1_CELLS + _TF1_WRAPPERS},
    "MultiRNNCell": "tf.nn.rnn_cell.MultiRNNCell",
    "LSTMStateTuple": "tf.nn.rnn_cell.LSTMStateTuple",
    "static_rnn": "tf.nn.static_rnn",
    "static_bidirectional_rnn": "tf.nn.static_bidirectional_rnn",
    "static_state_saving_rnn": "tf.nn.static_state_saving_rnn",
}
# Old spellings of tf.nn functions (TF 0.x / 1.0) and module-internal paths people import from.
_NN_RENAMES = {"rnn": "static_rnn", "bidirectional_rnn": "static_bidirectional_rnn",
               "state_saving_rnn": "static_state_saving_rnn"}
# TF 0.x's tensorflow.models.rnn (``from tensorflow.models.rnn import rnn, rnn_cell; rnn.rnn(...)``) included.
_INTERNAL_MODULES = {
    **dict.fromkeys([("models", "rnn", "rnn"), ("python", "ops", "rnn"), ("python", "ops", "nn"),
                     ("python", "ops", "nn_ops")], "tf.nn"),
    **dict.fromkeys([("models", "rnn", "rnn_cell"), ("python", "ops", "rnn_cell_impl"),
                     ("python", "ops", "rnn_cell")], "tf.nn.rnn_cell"),
    **dict.fromkeys([("python", "ops", name) for name in (
        "variable_scope", "variables", "array_ops", "math_ops", "init_ops")], "tf"),
    **dict.fromkeys([("python", "layers", "core"), ("python", "layers", "layers")], "tf.layers"),
    # TF 1.0-1.1 exposed the cell modules under tf.contrib.rnn: tf.contrib.rnn.core_rnn_cell.MultiRNNCell
    **dict.fromkeys([("contrib", "rnn", "core_rnn_cell"), ("contrib", "rnn", "core_rnn_cell_impl")],
                    "tf.contrib.rnn"),
}
# Packages whose modules all export into one public namespace: the module's own name is dropped
# (tensorflow.contrib.rnn.python.ops.core_rnn_cell_impl.BasicLSTMCell is tf.contrib.rnn.BasicLSTMCell).
_INTERNAL_PACKAGES = {
    ("contrib", "rnn", "python", "ops"): "tf.contrib.rnn",  # rnn_cell, core_rnn, core_rnn_cell(_impl), ...
    ("contrib", "seq2seq", "python", "ops"): "tf.contrib.seq2seq",
    ("contrib", "cudnn_rnn", "python", "ops"): "tf.contrib.cudnn_rnn",
    ("contrib", "cudnn_rnn", "python", "layers"): "tf.contrib.cudnn_rnn",
}
# Keras's many module paths for one layer: keras.layers.recurrent.LSTM, keras.src.layers.rnn.lstm.LSTM ...
_KERAS_LAYER_PACKAGES = ("layers",)


@functools.lru_cache(maxsize=4096)  # a few hundred paths per project, asked once per call of each
def canonical_name(path: str) -> Optional[str]:
    """Map a fully qualified import path onto the canonical TF name, or None if it is not TF/Keras.

    ``tensorflow.compat.v1.nn.rnn_cell.LSTMCell`` and ``tensorflow.contrib.rnn.LSTMCell`` both give
    ``tf.nn.rnn_cell.LSTMCell``; ``keras.layers.LSTM`` and ``tensorflow.keras.layers.LSTM`` both give
    ``tf.keras.layers.LSTM``.
    """
    parts = path.split(".")
    root, rest = parts[0], parts[1:]
    if root in KERAS_ROOTS:
        return _canonical_keras(rest)
    if root != TF_ROOT:
        return None
    # compat.v1 / compat.v2 are the same APIs under another door.
    while len(rest) >= 2 and rest[0] == "compat" and rest[1] in ("v1", "v2"):
        rest = rest[2:]
    if rest[:1] == ["keras"]:
        return _canonical_keras(rest[1:])
    if rest[:2] == ["python", "keras"]:
        return _canonical_keras(rest[2:])
    for prefix, target in _INTERNAL_MODULES.items():
        if tuple(rest[: len(prefix)]) == prefix:
            tail = rest[len(prefix):]
            return canonical_name(".".join(["tensorflow"] + target.split(".")[1:] + tail))
    for prefix, target in _INTERNAL_PACKAGES.items():
        if tuple(rest[: len(prefix)]) == prefix and len(rest) > len(prefix) + 1:
            tail = rest[len(prefix) + 1:]
            return canonical_name(".".join(["tensorflow"] + target.split(".")[1:] + tail))
    if rest[:2] == ["contrib", "rnn"] and len(rest) == 3 and rest[2] in _CONTRIB_RNN_TO_NN:
        return _CONTRIB_RNN_TO_NN[rest[2]]
    if rest[:1] == ["nn"] and len(rest) == 2 and rest[1] in _NN_RENAMES:
        return f"tf.nn.{_NN_RENAMES[rest[1]]}"
    # tf.keras.layers.LSTMCell is also exported as tf.nn.rnn_cell.* in TF2; keep the TF1 spelling.
    return ".".join(["tf"] + rest)


def _canonical_keras(rest: list) -> str:
    if rest[:1] == ["src"]:
        rest = rest[1:]
    if rest[:2] == ["layers", "legacy_rnn"] or rest[:3] in (["layers", "rnn", "legacy_cells"],
                                                            ["layers", "rnn", "legacy_cell_wrappers"]):
        # the TF1 cells' home in TF 2.x: tensorflow.python.keras.layers.legacy_rnn.rnn_cell_impl.LSTMCell
        return canonical_name(f"tensorflow.nn.rnn_cell.{rest[-1]}")
    if rest and rest[0] in _KERAS_LAYER_PACKAGES and len(rest) > 2:
        # keras.layers.recurrent.LSTM, keras.src.layers.rnn.lstm.LSTM -> keras.layers.LSTM
        rest = [rest[0], rest[-1]]
    if rest[:1] == ["experimental"] and rest[1:] == ["PeepholeLSTMCell"]:
        rest = ["layers", "PeepholeLSTMCell"]
    return ".".join(["tf", "keras"] + rest)


# --- resolution through the module's own bindings --------------------------------------------------------


def dotted_name(node: nodes.NodeNG) -> Optional[str]:
    """``a.b.c`` for a Name/Attribute chain as written, else None."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Attribute):
        base = dotted_name(node.expr)
        return f"{base}.{node.attrname}" if base else None
    return None


def qualified_path(node: nodes.NodeNG, _depth: int = 0) -> Optional[str]:
    """The fully qualified import path an expression stands for, e.g. ``tensorflow.compat.v1.nn.dynamic_rnn``.

    Returns None when the expression is not a (chain of) name(s) bound by an import or a simple alias,
    or when its bindings disagree. A class of the user's project that subclasses a TF API stands for that
    API (``from .cells import MyCell`` -> ``tensorflow.nn.rnn_cell.LSTMCell``); an unbound ``tf`` is
    ``tensorflow`` (see the module's docstring).
    """
    if _depth > _MAX_ALIAS_DEPTH:
        return None
    if isinstance(node, nodes.Attribute):
        if isinstance(node.expr, nodes.Name) and node.expr.name in IMPLIED_RNN_MODULES and is_unbound(node.expr):
            return _implied_rnn_api_path(node.expr.name, node.attrname)
        base = qualified_path(node.expr, _depth + 1)
        if base is None:
            return None
        if base.split(".")[0] not in TF_ROOTS and project.is_project_module(node.root(), base):
            # c.MyCell with ``import pkg.cells as c``: the class in the project module, if it is a TF API
            return _project_path(node.root(), base, node.attrname, _depth) or f"{base}.{node.attrname}"
        return f"{base}.{node.attrname}"
    if isinstance(node, nodes.Name):
        return _qualified_name(node, _depth)
    return None


def _qualified_name(node: nodes.Name, depth: int) -> Optional[str]:
    bindings = _module_level_binding(node)
    if bindings == []:
        return IMPLIED_MODULES.get(node.name)
    if bindings is None:
        decided, path = _path_without_position(node, depth)
        if decided:
            return path
        known = _enclosing_paths(node, depth)
        if not any(path is not None for path in known.values()):
            return None  # whichever binding astroid's (costly, position-aware) lookup picks gives no path
        return _one_path(bindings_of(node), node.name, depth, known)
    return _one_path(bindings, node.name, depth)


def _enclosing_paths(node: nodes.Name, depth: int) -> Dict[int, Optional[str]]:
    """id(binding) -> its path, for the bindings of the name in each scope around it (those astroid's
    lookup chooses among): read again by _one_path for the ones the lookup picks."""
    return {id(binding): _path_of_binding(binding, node.name, depth)
            for bound in enclosing_bindings(node) for binding in bound}


def _one_path(bindings, name: str, depth: int, known: Optional[Dict[int, Optional[str]]] = None) -> Optional[str]:
    """The path every binding gives the name, or None when there are none or they disagree; ``known``:
    paths already worked out, by id of the binding."""
    paths = set()
    for binding in bindings:
        key = id(binding)
        paths.add(known[key] if known is not None and key in known else _path_of_binding(binding, name, depth))
        if len(paths) > 1:
            return None
    return paths.pop() if len(paths) == 1 else None


def _module_level_binding(node: nodes.Name) -> Optional[list]:
    """Fast path for the common case: a name bound once, at module level, by an import.

    astroid's lookup filters statements by position on every call, which dominates the plugin's cost on
    large files. A name that no enclosing function or class binds, and that the module binds exactly once
    with an import, resolves to that import wherever it is used. [] for a name bound nowhere on the way
    (a builtin, or a module a snippet never imported); None: take the full lookup.
    """
    bindings = module_bindings(node)
    if bindings is None:
        return None
    if len(bindings) == 1 and isinstance(bindings[0], (nodes.Import, nodes.ImportFrom)):
        return bindings
    return [] if not bindings else None


def is_unbound(name: nodes.Name) -> bool:
    """Does nothing bind ``name`` where it is used (no enclosing scope, not the module)?"""
    return _module_level_binding(name) == []


def _implied_rnn_api_path(module_name: str, attrname: str) -> Optional[str]:
    for module in IMPLIED_RNN_MODULES[module_name]:
        path = f"{module}.{attrname}"
        api = canonical_name(path)
        if is_any_cell(api) or is_rnn_function(api) or api == STATE_TUPLE:
            return path
    return None


def _path_without_position(node: nodes.Name, depth: int) -> tuple:
    """(decided, path): when every binding of the name in its scope gives one answer, position is moot.

    Parameters are never TF; a local bound only to call results or literals is never TF.
    """
    scope = node.scope()
    bindings = scope.locals.get(node.name)
    if not bindings or isinstance(scope, nodes.Module):
        return False, None
    paths = set()
    for binding in bindings:
        if isinstance(binding, nodes.AssignName) and isinstance(binding.parent, nodes.Arguments):
            paths.add(None)
        else:
            paths.add(_path_of_binding(binding, node.name, depth))
        if len(paths) > 1:
            return False, None
    return True, paths.pop()


def _path_of_binding(binding: nodes.NodeNG, name: str, depth: int) -> Optional[str]:
    if depth > _MAX_ALIAS_DEPTH:
        return None
    if isinstance(binding, nodes.Import):
        for modname, alias in binding.names:
            if alias == name:
                return modname
            if alias is None and modname.split(".")[0] == name:
                return name
        return None
    if isinstance(binding, nodes.ImportFrom):
        return _import_from_path(binding, name, depth)
    if isinstance(binding, nodes.AssignName):
        value = assigned_value(binding)
        return qualified_path(value, depth + 1) if value is not None else None
    if isinstance(binding, nodes.ClassDef):
        return _class_api_path(binding)
    return None


def _import_from_path(binding: nodes.ImportFrom, name: str, depth: int) -> Optional[str]:
    """``from M import X``: ``M.X``; but for the user's project, the TF API that ``X`` stands for when it
    is a class deriving from one there (or an alias or re-export of one)."""
    original = next((orig for orig, alias in binding.names if (alias or orig) == name), None)
    if original is None and not any(orig == "*" for orig, _ in binding.names):
        return None
    modname = project.absolute_module_name(binding)
    if modname is None:
        return None
    if not binding.level and modname.split(".")[0] in TF_ROOTS:
        return f"{modname}.{original or name}"
    if original is None:  # from project_module import *
        return _project_path(binding.root(), modname, name, depth)
    plain = f"{modname}.{original}" if modname else original
    if project.is_project_module(binding.root(), plain):
        return plain  # a submodule: its classes are resolved attribute by attribute
    return _project_path(binding.root(), modname, original, depth) or plain


def _project_path(context: nodes.Module, modname: str, name: str, depth: int) -> Optional[str]:
    """The TF path that ``name``, bound at module level in the project module ``modname``, stands for (that
    file is read with the standard library's ``ast``, never built by astroid)."""
    # Kept on the asking module: each use of an imported name asks again, and reading the answer from the
    # other file costs a stat of it (for its modification time).
    return module_cached(f"project-path:{depth}:{modname}:{name}", context,
                         lambda: project_source.name_path(context.file, modname, name, _KNOWLEDGE, depth))


def _class_api_path(classdef: nodes.ClassDef) -> Optional[str]:
    """A user's class counts as the TF API it subclasses (``class MyCell(tf.nn.rnn_cell.LSTMCell)``)."""

    def compute() -> Optional[str]:
        for base in classdef.bases:
            path = qualified_path(base)
            if path and canonical_name(path):
                return path
        return None

    # A class hierarchy that loops back on itself yields None instead of recursing.
    return module_cached("class-api", classdef, compute)


_KNOWLEDGE = project_source.Knowledge(
    is_api=lambda path: canonical_name(path) is not None,
    is_library_root=lambda root: root in TF_ROOTS,
    implied_module=IMPLIED_MODULES.get,
    implied_packages=frozenset(IMPLIED_RNN_MODULES),
    implied_attribute=_implied_rnn_api_path,
)


def api_name(node: nodes.NodeNG, module: Optional[nodes.Module] = None) -> Optional[str]:
    """Canonical TF/Keras name of an expression (``tf.nn.dynamic_rnn``), or None if it is not TF.
    ``module``: node's module, when the caller knows it."""
    # Memoised in the module's table, not on the node: an attribute added to ~20 k nodes per 120 scripts
    # outlived each module (pylint keeps every tree), grew the heap that the collector's full passes
    # traverse and cost one more of them: ~0.4 s of CPU, more than the lookups it saved.
    return cached_in(module or node.root(), "api-name", node, lambda: _api_name(node))


def _api_name(node: nodes.NodeNG) -> Optional[str]:
    path = qualified_path(node)
    return canonical_name(path) if path else None


def callee_apis(module: nodes.Module, calls: Iterable[nodes.Call]) -> Dict[int, str]:
    """id(call) -> the API the call invokes (``api_name`` of its callee), for the calls that invoke one.

    The module's API table, built once. Most callees are attributes of a name that only an import at module
    level binds (``tf.nn.dynamic_rnn``, ``np.zeros``), a name that nothing binds (``len``), or a name none of
    whose bindings anywhere in the module can stand for an API (``self``, a local bound to a call's result,
    a module function). Whichever binding astroid's lookup would pick then gives the same answer: it is
    worked out once per name, not by climbing from each call to the module through qualified_path's
    recursion."""
    inner = _inner_scope_bindings(module)
    roots: Dict[Tuple[str, int], list] = {}
    calls = list(calls)
    callees = answers_of(module, "api-name", [call.func for call in calls],
                         lambda func: _callee_api(func, module, inner, roots))
    return {id(call): api for call, api in zip(calls, callees) if api is not None}


def _inner_scope_bindings(module: nodes.Module) -> Dict[str, list]:
    """name -> its bindings in every scope of the module other than the module itself."""
    bindings: Dict[str, list] = {}
    for scope in tree.module_nodes(module, tree.INNER_SCOPES):
        for name, bound in scope.locals.items():
            bindings.setdefault(name, []).extend(bound)
    return bindings


def _callee_api(func: nodes.NodeNG, module: nodes.Module, inner: Dict[str, list], roots: dict) -> Optional[str]:
    """_api_name(func), with the shortcuts of callee_apis."""
    attributes = []
    node = func
    while isinstance(node, nodes.Attribute):
        attributes.append(node.attrname)
        node = node.expr
    if not isinstance(node, nodes.Name) or len(attributes) > _MAX_ALIAS_DEPTH:
        return _api_name(func)
    name, depth = node.name, len(attributes)  # qualified_path's depth at the name: one per attribute above
    bound, inner_bound = module.locals.get(name), inner.get(name)
    if not bound and inner_bound is None:  # bound nowhere: a builtin, or a module a snippet did not import (tf)
        if attributes and name in IMPLIED_RNN_MODULES:
            return _api_name(func)
        path = IMPLIED_MODULES.get(name)
    else:
        paths = roots.get((name, depth))
        if paths is None:  # the module's bindings first: the import's path is paths[0]
            paths = roots[(name, depth)] = [_path_of_binding(binding, name, depth)
                                            for binding in (*(bound or ()), *(inner_bound or ()))]
        if not any(paths) and (inner_bound is None or name not in IMPLIED_MODULES and name not in IMPLIED_RNN_MODULES):
            return None  # no binding can stand for an API (nor, where none reaches the use, the implied module)
        if inner_bound is not None or len(bound) != 1:
            return _api_name(func)  # which binding reaches the call depends on scope and position
        path = paths[0]  # the module's one binding (``import tf``, ``flags = tf.app.flags``): the only one to reach
    if not attributes:
        return canonical_name(path) if path else None
    if path is None:
        return None
    in_library = path.split(".")[0] in TF_ROOTS
    for attrname in reversed(attributes):
        if not in_library and project.is_project_module(module, path):
            return _api_name(func)  # a module of the user's project: qualified_path reads its classes
        path = f"{path}.{attrname}"
    return canonical_name(path)


def call_api(call: nodes.NodeNG) -> Optional[str]:
    """Canonical name of the API a call invokes, or None for anything that is not a TF/Keras API."""
    if not isinstance(call, nodes.Call):
        return None
    return api_name(call.func)


def short_name(api: Optional[str]) -> str:
    """``tf.nn.dynamic_rnn`` -> ``dynamic_rnn``: how messages name an API."""
    return api.rsplit(".", 1)[-1] if api else "?"


def is_tf_api(name: Optional[str]) -> bool:
    return bool(name) and name.startswith("tf.")


def is_cell_class(name: Optional[str]) -> bool:
    """A single recurrent cell (not a wrapper, not a stack)."""
    if not name or name in CELL_STACKS:
        return False
    return name in CELL_CLASSES or (name.endswith("Cell") and _in_rnn_namespace(name))


def is_any_cell(name: Optional[str]) -> bool:
    """Anything usable where a cell is expected: a cell, a wrapper around one, or a stack of them."""
    return is_cell_class(name) or is_cell_wrapper(name) or is_cell_stack(name)


def _in_rnn_namespace(name: str) -> bool:
    return name.startswith(("tf.nn.rnn_cell.", "tf.contrib.rnn.", "tf.keras.layers."))


def is_cell_wrapper(name: Optional[str]) -> bool:
    return name in CELL_WRAPPERS


def is_cell_stack(name: Optional[str]) -> bool:
    return name in CELL_STACKS


def stacked_cells_argument(call: nodes.Call, api: Optional[str]) -> Optional[nodes.NodeNG]:
    """The cells a stack takes: ``cells`` of MultiRNNCell / StackedRNNCells, ``cell`` of Keras ``RNN`` (a
    list there is stacked); None for any other API, or when the argument is not passed."""
    if is_cell_stack(api):
        return call_argument(call, 0, "cells")
    if api == KERAS_RNN:
        return call_argument(call, 0, "cell")
    return None


def is_rnn_function(name: Optional[str]) -> bool:
    return name in RNN_SIGNATURES


def rnn_signature(call: nodes.NodeNG) -> Optional[RnnSignature]:
    """The signature of the TF1 RNN function a call invokes, or None."""
    return RNN_SIGNATURES.get(call_api(call)) if isinstance(call, nodes.Call) else None


def time_major(call: nodes.Call, position: Optional[int] = None) -> Optional[bool]:
    """The ``time_major`` a call passes (RNN function or Keras layer): False when it passes none, None
    when it is not a literal."""
    argument = call_argument(call, position, "time_major")
    if argument is None:
        return False
    value = literal_value(argument)
    return value if isinstance(value, bool) else None


def is_keras_rnn_layer(name: Optional[str]) -> bool:
    return name in KERAS_RNN_LAYERS


# --- lists combined into one tensor -----------------------------------------------------------------------


def combined_list(call: nodes.Call) -> Optional[nodes.NodeNG]:
    """The argument whose elements a call combines into one tensor: the list of ``tf.add_n(xs)``,
    ``tf.stack(xs)``, ``tf.reduce_mean(xs)``, ``layers.average(xs)``, ``layers.Average()(xs)`` or of
    ``merge(xs)`` with ``merge = layers.Average()`` bound once; None for any other call."""
    parameter = LIST_COMBINERS.get(call_api(call))
    if parameter is not None:
        return call_argument(call, 0, parameter)
    layer = call.func
    if isinstance(layer, nodes.Name):
        binding = single_binding(layer)
        layer = assigned_value(binding) if isinstance(binding, nodes.AssignName) else None
    if isinstance(layer, nodes.Call) and call_api(layer) in KERAS_LIST_MERGES:
        return call_argument(call, 0, "inputs")
    return None
