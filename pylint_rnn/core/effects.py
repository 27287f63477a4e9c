"""Which functions and methods of the module create variables or graph ops, directly or through calls.

A call to such a function can then be reasoned about like a call to ``tf.nn.dynamic_rnn``: it creates
variables in the caller's variable scope. Summaries are computed once per function and cached on the
module; recursion between functions ends in "nothing more known", never in a loop.

Two kinds of variable creation matter for weight sharing:

- *named* creations (``tf.get_variable('w')``, an RNN function's cell variables, ``tf.layers.dense(...,
  name='fc')``) collide when the same name is created again in one variable scope without reuse, and are
  shared under reuse; :mod:`pylint_rnn.core.varnames` says which names each creates;
- *plain* creations (``tf.Variable``) ignore reuse: every run makes a new, unshared copy.

Which function a call runs is :mod:`pylint_rnn.core.calls`' answer (re-exported here for the analyses).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, FrozenSet, NamedTuple, Optional, Tuple

from astroid import nodes

from pylint_rnn.core import callargs, callindex, scopes, tfapi, tree, varnames
from pylint_rnn.core.cache import module_cached
from pylint_rnn.core.calls import (bind_arguments, called_function, function_of_call, functions_by_name,
                                   may_run_a_method, returns_new_cell)

__all__ = [
    "Creation", "Effects", "effects", "creates_graph_ops", "creates_variables", "module_creates_variables",
    "function_of_call", "returns_new_cell", "bind_arguments", "bind_reuse", "bind_key", "combine_reuse",
    "variable_label", "path_text", "called_function", "functions_by_name", "may_run_a_method", "RESET_GRAPH",
]

RESET_GRAPH = "tf.reset_default_graph"


class Creation(NamedTuple):  # pylint: disable=too-many-instance-attributes  # a record: one field per fact
    """One site (in a function's body, or a call that reaches one) that creates variables."""

    node: nodes.Call  # the call in *this* frame: the creating API call, or the call of a helper
    label: str  # what the user sees: "tf.get_variable('w')", "dynamic_rnn", "encode()"
    key: Optional[Tuple[str, ...]]  # variable-scope path relative to the frame (None: unknown/unique)
    reuse: str  # reuse mode in force at the site (scopes.REUSE_* or "param:<name>")
    leaves: FrozenSet[varnames.Leaf] = frozenset()  # named creations: the variables below key, and owners
    identity: tuple = ()  # plain creations: which tf.Variable
    graph: Optional[nodes.NodeNG] = None  # the ``with <graph>.as_default()`` around it in this frame
    origins: Tuple[Tuple[Tuple[str, ...], str], ...] = ()  # through a call: path -> what creates it inside

    def describe(self, path: Tuple[str, ...], scope: Tuple[str, ...] = ()) -> str:
        """What creates the variable at path (below key; shown below ``scope`` + key... of a callee):
        ``dynamic_rnn ('rnn/lstm_cell/kernel')``, ``encode() (tf.get_variable('w'))``."""
        for origin_path, text in self.origins:
            if origin_path == path:
                return f"{self.label} ({text})"
        if self.label.startswith("tf.get_variable") and not scope:
            return self.label
        return f"{self.label} ('{path_text(scope + path)}')"


@dataclass
class Effects:
    """What running a function does to the graph."""

    graph_ops: bool = False
    variables: bool = False
    resets_graph: bool = False  # calls tf.reset_default_graph(): what it builds next is in a new graph
    named: Tuple[Creation, ...] = ()
    plain: Tuple[Creation, ...] = ()
    calls: Tuple[Tuple[nodes.Call, object], ...] = field(default_factory=tuple)


_EMPTY = Effects()


def effects(frame: nodes.NodeNG) -> Effects:
    """The graph effects of running frame (a FunctionDef, Lambda, or Module)."""
    return module_cached("effects", frame, lambda: _compute_effects(frame), _EMPTY)


def creates_graph_ops(func: Optional[nodes.NodeNG]) -> bool:
    return func is not None and effects(func).graph_ops


def creates_variables(func: Optional[nodes.NodeNG]) -> bool:
    return func is not None and effects(func).variables


def _compute_effects(frame: nodes.NodeNG) -> Effects:
    result = Effects()
    named, plain, calls = [], [], []
    module = frame.root()
    apis, functions = callindex.apis(module), functions_by_name(module)
    for call in tree.own_nodes(frame, nodes.Call):
        api = apis.get(id(call))
        if api is not None:
            _api_effects(call, api, result, named, plain)
            continue
        callee = called_function(call) if may_run_a_method(call, functions) else None
        if callee is None or callee is frame:
            continue
        sub = effects(callee)
        calls.append((call, callee))
        result.graph_ops |= sub.graph_ops
        result.variables |= sub.variables
        result.resets_graph |= sub.resets_graph
        named.extend(_creations_through_call(call, callee, sub))
        plain.extend(_plain_through_call(call, callee, sub))
    result.named, result.plain, result.calls = tuple(named), tuple(plain), tuple(calls)
    return result


def _api_effects(call: nodes.Call, api: str, result: Effects, named: list, plain: list) -> None:
    if not tfapi.is_tf_api(api):
        return
    if api == RESET_GRAPH:
        result.resets_graph = True
        return
    # Constructing a cell or a Keras layer creates no op yet; everything else under tf.* does.
    if not (tfapi.is_any_cell(api) or api.startswith("tf.keras.")):
        result.graph_ops = True
    if not _may_create_variables(api):
        return
    result.variables = True
    here = {"key": scopes.scope_key(call), "reuse": scopes.reuse_mode(call), "graph": scopes.graph_context(call)}
    if api == tfapi.VARIABLE:
        if callargs.literal_value(callargs.call_argument(call, 1, "trainable")) is not False:
            plain.append(Creation(call, variable_label(call), identity=("Variable",), **here))
        return
    short = api.rsplit(".", 1)[-1]
    if api == tfapi.GET_VARIABLE:
        leaves = varnames.get_variable_leaves(call)
        label = f"tf.get_variable('{'/'.join(next(iter(leaves))[0])}')" if leaves else ""
    elif tfapi.is_rnn_function(api):
        leaves, label = varnames.rnn_leaves(call, api), short
    else:
        leaves, label = varnames.layer_leaves(call, api), _layer_label(call, short)
        own_reuse = scopes.reuse_of_expression(callargs.call_argument(call, None, "reuse"), call)
        here["reuse"] = combine_reuse(here["reuse"], own_reuse)
    if leaves:
        named.append(Creation(call, label, leaves=leaves, **here))


def _layer_label(call: nodes.Call, short: str) -> str:
    for keyword in ("name", "scope"):
        name = callargs.constant_value(callargs.call_argument(call, None, keyword))
        if isinstance(name, str):
            return f"{short}({keyword}='{name}')"
    return f"{short}()"


def path_text(path: Tuple[str, ...]) -> str:
    """rnn/lstm_cell/kernel; a part the model knows only as a class (``<tf.contrib...>``) reads '...'."""
    shown = []
    for part in path:
        if part.startswith("<"):
            shown.append("...")
            break
        shown.append(part)
    return "/".join(shown)


def module_creates_variables(node: nodes.NodeNG) -> bool:
    """Does node's module call any variable-creating TF API at all? (One walk per module.)"""
    module = node.root()

    def compute() -> bool:
        return any(_may_create_variables(tfapi.call_api(call)) for call in callindex.api_calls(module))

    return module_cached("creates-variables", module, compute, False)


def _may_create_variables(api: str) -> bool:
    return api in (tfapi.GET_VARIABLE, tfapi.VARIABLE) or tfapi.is_rnn_function(api) \
        or api.startswith(("tf.layers.", "tf.contrib.layers."))


def variable_label(call: nodes.Call) -> str:
    """How the user names a tf.Variable: its name= argument, else the name it is assigned to."""
    name = callargs.literal_value(callargs.call_argument(call, None, "name"))
    if isinstance(name, str):
        return name
    parent = call.parent
    if isinstance(parent, nodes.Assign) and len(parent.targets) == 1:
        target = tfapi.dotted_name(parent.targets[0]) if not isinstance(parent.targets[0], nodes.AssignName) \
            else parent.targets[0].name
        if isinstance(parent.targets[0], nodes.AssignAttr):
            target = f"{tfapi.dotted_name(parent.targets[0].expr)}.{parent.targets[0].attrname}"
        if target:
            return target
    return "tf.Variable"


# --- binding a callee's creations at a call site --------------------------------------------------------


def bind_reuse(mode: str, bound: Dict[str, nodes.NodeNG], call: nodes.Call) -> str:
    """Resolve a ``param:<name>`` reuse mode against the arguments of a call."""
    if not mode.startswith(scopes.PARAM_PREFIX):
        return mode
    argument = bound.get(mode[len(scopes.PARAM_PREFIX):])
    return scopes.reuse_of_expression(argument, call) if argument is not None else scopes.REUSE_UNKNOWN


def bind_key(key: Optional[tuple], bound: Dict[str, nodes.NodeNG]) -> Optional[tuple]:
    """Resolve ``param:<name>`` scope names against a call's literal arguments; None if any is unknown."""
    if key is None:
        return None
    out = []
    for part in key:
        if part.startswith(scopes.PARAM_PREFIX):
            value = callargs.constant_value(bound.get(part[len(scopes.PARAM_PREFIX):]))
            if not isinstance(value, str):
                return None
            part = value
        out.append(part)
    return tuple(out)


_REUSE_STRENGTH = {scopes.REUSE_TRUE: 4, scopes.REUSE_AUTO: 3, scopes.REUSE_LATER: 2, scopes.REUSE_UNKNOWN: 1,
                   scopes.REUSE_NONE: 0}


def combine_reuse(outer: str, inner: str) -> str:
    """Reuse in an inner scope under an outer one: reuse is inherited and cannot be switched off."""
    outer_rank = _REUSE_STRENGTH.get(outer, 1)
    inner_rank = _REUSE_STRENGTH.get(inner, 1)
    if inner_rank >= outer_rank:
        return inner if inner in _REUSE_STRENGTH else scopes.REUSE_UNKNOWN
    return outer if outer in _REUSE_STRENGTH else scopes.REUSE_UNKNOWN


def _creations_through_call(call: nodes.Call, callee: nodes.NodeNG, sub: Effects) -> list:
    """The callee's named creations, seen from this call: one Creation at the call site, whose variables
    are the callee's below the callee's own scopes. Cells the callee builds are new objects on every call;
    a cell built outside it is one object, whose weights every call shares."""
    if not sub.named or sub.resets_graph:
        return []
    bound = bind_arguments(call, callee)
    leaves, origins = set(), {}
    for creation in sub.named:
        key = bind_key(creation.key, bound)
        if key is None or creation.graph is not None or bind_reuse(creation.reuse, bound, call) != scopes.REUSE_NONE:
            continue  # unknown, in a graph of its own, or reused inside the callee: cannot collide across calls
        for path, owner in creation.leaves:
            fresh = owner is None or owner.frame() is callee
            leaves.add((key + path, call if fresh and owner is not None else owner))
            origins.setdefault(key + path, creation.describe(path, key))
    if not leaves:
        return []
    name = callee.name if isinstance(callee, nodes.FunctionDef) else "lambda"
    if name == "__init__" and isinstance(call.func, nodes.Name):
        name = call.func.name
    return [Creation(call, f"{name}()", key=scopes.scope_key(call), reuse=scopes.reuse_mode(call),
                     leaves=frozenset(leaves), graph=scopes.graph_context(call), origins=tuple(origins.items()))]


def _plain_through_call(call: nodes.Call, callee: nodes.NodeNG, sub: Effects) -> list:
    """The callee's tf.Variable creations, seen from this call, with the reuse the call gives them."""
    if not sub.plain:
        return []
    bound = bind_arguments(call, callee)
    here_key, here_reuse = scopes.scope_key(call), scopes.reuse_mode(call)
    out = []
    for creation in sub.plain:
        reuse = combine_reuse(here_reuse, bind_reuse(creation.reuse, bound, call))
        out.append(Creation(call, creation.label, key=here_key, reuse=reuse,
                            identity=("via", id(callee), creation.label)))
    return out
