"""Keras recurrent layers rebuilt on every call of a helper whose results are combined (siamese twins).

``def encode(x): return layers.LSTM(64)(x)`` builds a new LSTM, with new weights, each time it runs. When
the helper is applied to two inputs and the two results are then compared or merged (``concatenate``,
``Subtract``, ``a - b``, ``Dot``, a ``Lambda`` distance, ``Model([x1, x2], ...)``), the structure says the
two branches are twins, yet they share nothing. Build the layer once and call the object on each input.

The message is reported at the layer construction inside the helper: that is the line to change (move the
construction out, or pass the layer in), and the line to put a ``# pylint: disable`` on when separate
towers are intended. The analysis is module-local and syntactic; it never infers.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Set

from astroid import nodes
from pylint.checkers import BaseChecker

from pylint_rnn.checkers import CHECKER_NAME
from pylint_rnn.checkers._guard import never_crash
from pylint_rnn.core import effects as fx
from pylint_rnn.core import tfapi

# Last names of the Keras recurrent layer classes (cheap syntactic pre-filter before resolving the API).
_RNN_LAST_NAMES = frozenset(
    name.rsplit(".", 1)[-1] for name in tfapi.KERAS_RNN_LAYERS | {tfapi.KERAS_BIDIRECTIONAL}
)
_RECURRENT_APIS = tfapi.KERAS_RNN_LAYERS | {tfapi.KERAS_BIDIRECTIONAL}
# Ops and layers that combine two tensors: the two branches meet here.
_MERGE_FUNCTIONS = frozenset({
    "tf.concat", "tf.stack", "tf.add", "tf.subtract", "tf.multiply", "tf.matmul", "tf.maximum",
    "tf.minimum", "tf.squared_difference", "tf.math.squared_difference", "tf.math.add", "tf.math.subtract",
    "tf.math.multiply", "tf.linalg.matmul", "tf.add_n", "tf.math.add_n", "tf.losses.cosine_distance",
    "tf.keras.layers.concatenate", "tf.keras.layers.add", "tf.keras.layers.subtract",
    "tf.keras.layers.multiply", "tf.keras.layers.average", "tf.keras.layers.maximum",
    "tf.keras.layers.minimum", "tf.keras.layers.dot", "tf.keras.backend.concatenate",
    "tf.keras.backend.stack", "tf.keras.backend.dot", "tf.keras.backend.batch_dot",
    "tf.keras.losses.cosine_similarity", "tf.keras.metrics.cosine_similarity",
})
_MERGE_LAYERS = frozenset(f"tf.keras.layers.{name}" for name in (
    "Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dot", "Lambda",
    "Attention", "AdditiveAttention", "MultiHeadAttention",
))
_MODELS = frozenset({"tf.keras.Model", "tf.keras.models.Model"})
_MERGE_OPERATORS = frozenset({"-", "+", "*", "/", "@"})
_SCOPES = frozenset({"tf.variable_scope", "tf.name_scope", "tf.keras.backend.name_scope"})


class KerasSharingChecker(BaseChecker):
    name = CHECKER_NAME
    msgs = {
        "W7911": (
            "%s is built inside %r, which is applied to '%s' and '%s' whose results are combined at line %s: "
            "each call builds new weights, so the branches share nothing; build the %s once outside %r "
            "and call it on each input",
            "rnn-layer-rebuilt-per-call",
            "A Keras layer owns its weights: every construction (``layers.LSTM(64)``) creates a new set. "
            "A helper that constructs the layer and applies it builds a new, independent LSTM each time "
            "it runs. Applying such a helper to two inputs whose results are then compared or merged "
            "(siamese networks, twin towers: concatenate, subtract, dot, a distance Lambda) trains two "
            "unrelated encoders, which is rarely what that structure means and doubles the parameters. "
            "Construct the layer once (outside the helper, or in __init__) and call the same object on "
            "each input; Keras then shares its weights between the calls. If separate towers are "
            "intended, list the helper in separate-tower-functions.",
        ),
    }
    options = (
        (
            "separate-tower-functions",
            {
                "default": (),
                "type": "csv",
                "metavar": "<names>",
                "help": "Functions and methods (by name) that are meant to build a separate set of "
                        "weights on every call, e.g. the towers of a two-tower model with unshared "
                        "encoders. rnn-layer-rebuilt-per-call ignores them.",
            },
        ),
    )

    def __init__(self, linter=None) -> None:
        super().__init__(linter)
        self._constructions: List[nodes.Call] = []

    @never_crash
    def visit_module(self, node: nodes.Module) -> None:
        self._constructions = []

    @never_crash
    def visit_call(self, node: nodes.Call) -> None:
        func = node.func
        last = func.attrname if isinstance(func, nodes.Attribute) else getattr(func, "name", None)
        if last not in _RNN_LAST_NAMES:
            return
        if not isinstance(node.frame(), (nodes.FunctionDef, nodes.Lambda)):
            return
        if tfapi.call_api(node) in _RECURRENT_APIS:
            self._constructions.append(node)

    @never_crash
    def leave_module(self, node: nodes.Module) -> None:
        constructions, self._constructions = self._constructions, []
        if not constructions:
            return
        ignored = set(getattr(self.linter.config, "separate_tower_functions", ()) or ())
        by_function: Dict[int, list] = {}
        for call in constructions:
            if _is_wrapped_layer(call) or _escapes(call):
                continue
            by_function.setdefault(id(call.frame()), []).append(call)
        for calls in by_function.values():
            function = calls[0].frame()
            name = _function_name(function)
            if name is None or name in ignored:
                continue
            twins = _find_twins(node, function, name)
            if twins is None:
                continue
            first, second, merge = twins
            inputs = _differing_inputs(first, second, function)
            for call in calls:
                layer = tfapi.call_api(call).rsplit(".", 1)[-1]
                self.add_message(
                    "rnn-layer-rebuilt-per-call", node=call,
                    args=(layer, name, inputs[0], inputs[1], merge.lineno, layer, name),
                )


# --- the helper and its call sites ------------------------------------------------------------------------


def _function_name(function: nodes.NodeNG) -> Optional[str]:
    if isinstance(function, nodes.FunctionDef):
        return function.name
    parent = function.parent  # encode = lambda x: ...
    if isinstance(parent, nodes.Assign) and len(parent.targets) == 1 \
            and isinstance(parent.targets[0], nodes.AssignName):
        return parent.targets[0].name
    return None


def _is_wrapped_layer(call: nodes.Call) -> bool:
    """The LSTM inside Bidirectional(LSTM(...)): the wrapper is the construction reported."""
    parent = call.parent
    if isinstance(parent, nodes.Keyword):
        parent = parent.parent
    return isinstance(parent, nodes.Call) and tfapi.call_api(parent) == tfapi.KERAS_BIDIRECTIONAL


def _escapes(call: nodes.Call) -> bool:
    """Is the layer kept beyond this call (self.lstm = ..., a cache, a global) or handed back (a factory)?

    Then it may well be built once and shared (lazy construction), or the caller decides: stay silent.
    """
    function = call.frame()
    node, parent = call, call.parent
    while isinstance(parent, (nodes.Call, nodes.Keyword, nodes.List, nodes.Tuple)) and not (
            isinstance(parent, nodes.Call) and parent.func is node):
        # an argument of another constructor (Sequential([LSTM(...)]), TimeDistributed(...)): follow it up
        if isinstance(parent, nodes.Call) and tfapi.call_api(parent) is None:
            break
        node, parent = parent, parent.parent
    if isinstance(parent, nodes.Return) or (isinstance(function, nodes.Lambda) and parent is function):
        return True
    if isinstance(parent, (nodes.Assign, nodes.AnnAssign)):
        targets = parent.targets if isinstance(parent, nodes.Assign) else [parent.target]
        for target in targets:
            if not isinstance(target, nodes.AssignName):
                return True  # self.lstm = ..., cache[key] = ...
            if _declared_outside(function, target.name) or _returned(function, target.name):
                return True
    return False


def _declared_outside(function: nodes.NodeNG, name: str) -> bool:
    for node in function.nodes_of_class((nodes.Global, nodes.Nonlocal)):
        if name in node.names:
            return True
    return False


def _returned(function: nodes.NodeNG, name: str) -> bool:
    for ret in function.nodes_of_class(nodes.Return):
        if ret.frame() is function and isinstance(ret.value, nodes.Name) and ret.value.name == name:
            return True
    return False


def _find_twins(module: nodes.Module, function: nodes.NodeNG, name: str):
    """(first call, second call, merge node) when function is applied to two inputs that are combined."""
    sites_by_frame: Dict[int, list] = {}
    for call in module.nodes_of_class(nodes.Call):
        func = call.func
        last = func.attrname if isinstance(func, nodes.Attribute) else getattr(func, "name", None)
        if last != name or not call.args and not call.keywords:
            continue
        if fx.function_of_call(call) is not function:
            continue
        sites_by_frame.setdefault(id(call.frame()), []).append(call)
    config = None
    for sites in sites_by_frame.values():
        if len(sites) < 2:
            continue
        if config is None:
            config = _config_parameters(function)
        bound = [fx.bind_arguments(site, function) for site in sites]
        derived = _derivations(sites[0].frame(), sites)
        for i in range(len(sites)):
            for j in range(i + 1, len(sites)):
                if not _twin_arguments(bound[i], bound[j], config):
                    continue
                if _chained(sites[i], sites[j], i, j, derived):
                    continue
                merge = _merge_of(sites[0].frame(), i, j, sites, derived, function)
                if merge is not None:
                    return sites[i], sites[j], merge
    return None


def _config_parameters(function: nodes.NodeNG) -> Set[str]:
    """Parameters that shape what the helper builds: used in layer constructors, scopes, tests, loops."""
    params = {arg.name for arg in _all_params(function)}
    used: Set[str] = set()
    for node in function.nodes_of_class((nodes.Call, nodes.If, nodes.IfExp, nodes.For, nodes.While)):
        if isinstance(node, nodes.Call):
            api = tfapi.call_api(node)
            if not api:
                continue
            last = api.rsplit(".", 1)[-1]
            if not (api in _SCOPES or (api.startswith("tf.keras.") and last[:1].isupper())):
                continue
            parts = list(node.args) + [kw.value for kw in node.keywords or ()]
        elif isinstance(node, nodes.For):
            parts = [node.iter]
        else:
            parts = [node.test]
        for part in parts:
            for name in _names_in(part):
                if name in params:
                    used.add(name)
    return used


def _all_params(function: nodes.NodeNG) -> list:
    args = function.args
    if args is None:
        return []
    return list(args.posonlyargs or []) + list(args.args or []) + list(args.kwonlyargs or [])


def _names_in(node: nodes.NodeNG):
    if isinstance(node, nodes.Name):
        yield node.name
    for child in node.get_children():
        if isinstance(child, (nodes.FunctionDef, nodes.ClassDef)):
            continue
        yield from _names_in(child)


def _twin_arguments(first: dict, second: dict, config: Set[str]) -> bool:
    """Same configuration, different inputs."""
    differs = False
    for param in set(first) | set(second):
        a, b = first.get(param), second.get(param)
        same = (a is None and b is None) or (a is not None and b is not None and a.as_string() == b.as_string())
        if same:
            continue
        if param in config:
            return False  # e.g. encoder and decoder from one helper with different sizes
        differs = True
    return differs


def _differing_inputs(first: nodes.Call, second: nodes.Call, function: nodes.NodeNG):
    a, b = fx.bind_arguments(first, function), fx.bind_arguments(second, function)
    for param in [p.name for p in _all_params(function)]:
        x, y = a.get(param), b.get(param)
        if x is not None and y is not None and x.as_string() != y.as_string():
            return _short(x), _short(y)
    return _short(first), _short(second)


def _short(node: nodes.NodeNG) -> str:
    text = node.as_string()
    return text if len(text) <= 30 else text[:27] + "..."


# --- where do the two results go? ------------------------------------------------------------------------


def _frame_nodes(frame: nodes.NodeNG, kinds):
    """Nodes of the given kinds executed by frame's own body (not inside nested defs/lambdas)."""
    roots = [frame.body] if isinstance(frame, nodes.Lambda) else list(frame.body)
    stack = list(reversed(roots))
    while stack:
        current = stack.pop()
        if isinstance(current, (nodes.FunctionDef, nodes.ClassDef)):
            continue
        if isinstance(current, kinds):
            yield current
        stack.extend(reversed(list(current.get_children())))


def _derivations(frame: nodes.NodeNG, sites: list) -> Dict[str, Set[int]]:
    """name -> indices of the call sites whose result the name may be computed from."""
    derived: Dict[str, Set[int]] = {}
    assigns = list(_frame_nodes(frame, (nodes.Assign, nodes.AnnAssign, nodes.AugAssign)))
    site_ids = {id(site): index for index, site in enumerate(sites)}
    for _ in range(2):  # a second pass for loops
        for assign in assigns:
            if assign.value is None:
                continue
            found = _sites_in(assign.value, site_ids, derived)
            if not found:
                continue
            targets = assign.targets if isinstance(assign, nodes.Assign) else [assign.target]
            for target in targets:
                for name in target.nodes_of_class(nodes.AssignName):
                    derived.setdefault(name.name, set()).update(found)
    return derived


def _sites_in(expr: nodes.NodeNG, site_ids: Dict[int, int], derived: Dict[str, Set[int]]) -> Set[int]:
    found: Set[int] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if id(node) in site_ids:
            found.add(site_ids[id(node)])
        if isinstance(node, nodes.Name) and node.name in derived:
            found |= derived[node.name]
        if isinstance(node, (nodes.FunctionDef, nodes.ClassDef)):
            continue
        stack.extend(node.get_children())
    return found


def _chained(first: nodes.Call, second: nodes.Call, i: int, j: int, derived) -> bool:
    """The second call consumes the first one's result (encoder -> decoder): a pipeline, not twins."""
    site_ids = {id(first): i, id(second): j}
    for arg in list(second.args) + [kw.value for kw in second.keywords or ()]:
        if i in _sites_in(arg, site_ids, derived):
            return True
    for arg in list(first.args) + [kw.value for kw in first.keywords or ()]:
        if j in _sites_in(arg, site_ids, derived):
            return True
    return False


def _merge_of(frame, i: int, j: int, sites: list, derived, function) -> Optional[nodes.NodeNG]:
    site_ids = {id(site): index for index, site in enumerate(sites)}
    for node in _frame_nodes(frame, (nodes.BinOp, nodes.Call)):
        if isinstance(node, nodes.BinOp):
            if node.op not in _MERGE_OPERATORS:
                continue
            operands, joint = [node.left, node.right], False
        else:
            kind = _merge_kind(node, function)
            if kind is None:
                continue
            if kind == "model":
                outputs = tfapi.call_argument(node, 1, "outputs")
                operands, joint = ([outputs] if outputs is not None else []), True
            else:
                operands, joint = _flatten(list(node.args) + [kw.value for kw in node.keywords or ()]), False
        found = [_sites_in(op, site_ids, derived) for op in operands]
        if joint and any({i, j} <= f for f in found):
            return node
        has_i = [k for k, f in enumerate(found) if i in f]
        has_j = [k for k, f in enumerate(found) if j in f]
        if any(a != b for a in has_i for b in has_j):
            return node
    return None


def _merge_kind(call: nodes.Call, function) -> Optional[str]:
    api = tfapi.call_api(call)
    if api in _MERGE_FUNCTIONS:
        return "op"
    if api in _MODELS:
        return "model"
    func = call.func
    if isinstance(func, nodes.Call) and tfapi.call_api(func) in _MERGE_LAYERS:
        return "layer"  # layers.Subtract()([a, b]), Lambda(distance)([a, b])
    if isinstance(func, nodes.Name):
        callee = fx.function_of_call(call)
        if callee is not None and callee is not function:
            return "helper"  # the user's own distance / similarity function
        try:
            _, bindings = func.lookup(func.name)
        except Exception:  # pylint: disable=broad-exception-caught
            return None
        for binding in bindings:
            parent = binding.parent
            if isinstance(binding, nodes.AssignName) and isinstance(parent, nodes.Assign) \
                    and isinstance(parent.value, nodes.Call) and tfapi.call_api(parent.value) in _MERGE_LAYERS:
                return "layer"  # merge = layers.Concatenate(); merge([a, b])
    return None


def _flatten(parts: list) -> list:
    out = []
    for part in parts:
        if isinstance(part, (nodes.List, nodes.Tuple)):
            out.extend(_flatten(list(part.elts)))
        else:
            out.append(part)
    return out


CHECKERS = (KerasSharingChecker,)
