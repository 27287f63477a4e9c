"""Keras recurrent layers rebuilt on every call of a helper whose results are combined (siamese twins).

``def encode(x): return layers.LSTM(64)(x)`` builds a new LSTM, with new weights, each time it runs. When
the helper is applied to two inputs and the two results are then compared or merged (``concatenate``,
``Subtract``, ``a - b``, ``Dot``, a ``Lambda`` distance, ``Model([x1, x2], ...)``), the structure says the
two branches are twins, yet they share nothing. Build the layer once and call the object on each input.

The finding is reported at the layer construction inside the helper: that is the line to change (move the
construction out, or pass the layer in), and the line to put a ``# pylint: disable`` on when separate
towers are intended. The analysis is module-local and syntactic; it never infers.
"""
from __future__ import annotations

from typing import Collection, Dict, List, Optional, Set, Tuple

from astroid import nodes
from pylint.interfaces import INFERENCE

from pylint_rnn.analyses import Finding
from pylint_rnn.core import effects as fx
from pylint_rnn.core import callargs, callindex, calls, callsites, dataflow, tfapi, timeaxis, tree
from pylint_rnn.core.bindings import assigned_value, bindings_of
from pylint_rnn.core.counts import loop_count

REBUILT = "rnn-layer-rebuilt-per-call"

_RECURRENT_APIS = tfapi.KERAS_RNN_LAYERS | {tfapi.KERAS_BIDIRECTIONAL}
# Last names of the Keras recurrent layer classes: the checker takes its candidates by this spelling first.
RECURRENT_LAST_NAMES = frozenset(name.rsplit(".", 1)[-1] for name in _RECURRENT_APIS)
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
_SCOPES = frozenset({tfapi.VARIABLE_SCOPE, tfapi.NAME_SCOPE, "tf.keras.backend.name_scope"})
_INPUT_TEXT_LIMIT = 30

# call site indices a name may be computed from, by name, in the frame that calls the helper
Derivations = Dict[str, Set[int]]


def is_layer_built_in_function(call: nodes.Call) -> bool:
    """Is this a Keras recurrent layer constructed in a function or lambda body (a candidate)?"""
    if tree.last_name(call.func) not in RECURRENT_LAST_NAMES:
        return False
    if not isinstance(call.frame(), (nodes.FunctionDef, nodes.Lambda)):
        return False
    return tfapi.call_api(call) in _RECURRENT_APIS


def rebuilt_layers(constructions: List[nodes.Call], separate_towers: Collection[str]) -> List[Finding]:
    """rnn-layer-rebuilt-per-call for the candidate constructions of one module.

    ``separate_towers`` names the helpers that are meant to build new weights on every call.
    """
    by_function: Dict[int, list] = {}
    for call in constructions:
        if not _is_wrapped_layer(call) and not _escapes(call):
            by_function.setdefault(id(call.frame()), []).append(call)
    found = []
    for built_here in by_function.values():
        function = built_here[0].frame()
        name = _function_name(function)
        if name is None or name in separate_towers:
            continue
        twins = _twins(function, name)
        if twins is None:
            continue
        input_a, input_b, merge = twins
        for call in built_here:
            layer = tfapi.call_api(call).rsplit(".", 1)[-1]
            # The twin structure is read from how the results are used; the user may still mean two towers.
            found.append(Finding(REBUILT, call, (layer, name, input_a, input_b, merge.lineno), (layer, name),
                                 INFERENCE))
    return found


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
    declarations = tree.own_nodes(function, (nodes.Global, nodes.Nonlocal))
    return any(name in declaration.names for declaration in declarations)


def _returned(function: nodes.NodeNG, name: str) -> bool:
    returned = tree.returned_values(function)
    return any(isinstance(value, nodes.Name) and value.name == name for value in returned)


def _twins(function: nodes.NodeNG, name: str) -> Optional[Tuple[str, str, nodes.NodeNG]]:
    """(first input, second input, merge node) when the helper runs on twin inputs whose results meet:
    two calls, or one call run by a comprehension or loop over the inputs."""
    twins = _find_twins(function, name)
    if twins is None:
        return _repeated_twins(function)
    first, second, merge = twins
    return (*_differing_inputs(first, second, function), merge)


def _find_twins(function: nodes.NodeNG, name: str) -> Optional[Tuple[nodes.Call, nodes.Call, nodes.NodeNG]]:
    """(first call, second call, merge node) when function is applied to two inputs that are combined."""
    sites_by_frame: Dict[int, list] = {}
    for call in callsites.call_sites(function, name):
        if call.args or call.keywords:
            sites_by_frame.setdefault(id(call.frame()), []).append(call)
    config = None
    for sites in sites_by_frame.values():
        if len(sites) < 2:
            continue
        if config is None:
            config = _config_parameters(function)
        bound = [fx.bind_arguments(site, function) for site in sites]
        derived = _derivations(sites[0].frame(), sites)
        for i, first in enumerate(sites):
            for j in range(i + 1, len(sites)):
                if not _twin_arguments(bound[i], bound[j], config):
                    continue
                if _chained(first, sites[j], i, j, derived):
                    continue
                merge = _merge_of((i, j), sites, derived, function)
                if merge is not None:
                    return first, sites[j], merge
    return None


def _config_parameters(function: nodes.NodeNG) -> Set[str]:
    """Parameters that shape what the helper builds: used in layer constructors, scopes, tests, loops."""
    params = set(function.argnames())
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
        used.update(name.name for part in parts for name in tree.names_in(part) if name.name in params)
    return used


def _twin_arguments(first: dict, second: dict, config: Set[str]) -> bool:
    """Same configuration, different inputs."""
    differs = False
    for param in set(first) | set(second):
        a, b = first.get(param), second.get(param)
        if a is None and b is None or a is not None and b is not None and a.as_string() == b.as_string():
            continue
        if param in config:
            return False  # e.g. encoder and decoder from one helper with different sizes
        differs = True
    return differs


def _differing_inputs(first: nodes.Call, second: nodes.Call, function: nodes.NodeNG) -> Tuple[str, str]:
    """The first argument (in parameter order) the two calls pass differently, as written."""
    a, b = fx.bind_arguments(first, function), fx.bind_arguments(second, function)
    for param in function.argnames():
        x, y = a.get(param), b.get(param)
        if x is not None and y is not None and x.as_string() != y.as_string():
            return tree.short_text(x, _INPUT_TEXT_LIMIT), tree.short_text(y, _INPUT_TEXT_LIMIT)
    return tree.short_text(first, _INPUT_TEXT_LIMIT), tree.short_text(second, _INPUT_TEXT_LIMIT)


# --- one call site run on several inputs: a comprehension or a loop ----------------------------------------


def _repeated_twins(function: nodes.NodeNG) -> Optional[Tuple[str, str, nodes.NodeNG]]:
    """(first input, second input, merge node) when one call of the helper runs in a comprehension, a
    ``for`` loop or a ``map`` over two or more inputs (``[encode(q) for q in (q1, q2)]``, ``for x in
    inputs: outs.append(encode(x))``, ``map(encode, (q1, q2))``) and the results are combined."""
    config = _config_parameters(function)
    for site in callsites.call_sites(function, _function_name(function)):
        loop = _iterating_loop(site)
        items = _sequence_items(_loop_iterable(loop), loop) if loop is not None else None
        if items is None:
            continue
        variables = {n.name for n in _loop_target(loop).nodes_of_class(nodes.AssignName)}
        bound = fx.bind_arguments(site, function)
        varying = {param for param, arg in bound.items() if {n.name for n in tree.names_in(arg)} & variables}
        if not varying or varying & config:
            continue  # the same input each time, or another configuration each time
        merge = _merge_of_results(site, loop, function)
        if merge is not None:
            return items[0], items[1], merge
    return _mapped_twins(function, config)


def _mapped_twins(function: nodes.NodeNG, config: Set[str]) -> Optional[Tuple[str, str, nodes.NodeNG]]:
    """``a, b = map(encode, (q1, q2))`` / ``list(map(encode, inputs))``, then merged."""
    params = function.argnames()
    if not params or params[0] in config:
        return None
    for call in _map_calls(function):
        items = _sequence_items(call.args[1], call)
        whole = call.parent if _is_list_call(call.parent) else call
        merge = _merge_of_results(call, whole, function) if items is not None else None
        if merge is not None:
            return items[0], items[1], merge
    return None


def _map_calls(function: nodes.NodeNG) -> List[nodes.Call]:
    name = _function_name(function)
    return [call for call in callindex.calls_named(function.root(), ("map",))
            if isinstance(call.func, nodes.Name) and call.func.name == "map" and len(call.args) == 2
            and tree.last_name(call.args[0]) == name and calls.function_of_expression(call.args[0]) is function]


def _is_list_call(node: nodes.NodeNG) -> bool:
    return isinstance(node, nodes.Call) and isinstance(node.func, nodes.Name) and node.func.name in ("list", "tuple")


def _iterating_loop(site: nodes.Call) -> Optional[nodes.NodeNG]:
    """The comprehension whose element is the call, or the ``for`` whose body appends its result."""
    parent = site.parent
    if isinstance(parent, (nodes.ListComp, nodes.GeneratorExp)) and parent.elt is site \
            and len(parent.generators) == 1 and not parent.generators[0].ifs:
        return parent
    appends = isinstance(parent, nodes.Call) and isinstance(parent.func, nodes.Attribute) \
        and parent.func.attrname == "append" and site in parent.args
    statement = parent.parent if appends else None
    if isinstance(statement, nodes.Expr) and isinstance(statement.parent, nodes.For) \
            and statement in statement.parent.body:
        return statement.parent
    return None


def _loop_target(loop: nodes.NodeNG) -> nodes.NodeNG:
    return loop.target if isinstance(loop, nodes.For) else loop.generators[0].target


def _loop_iterable(loop: nodes.NodeNG) -> nodes.NodeNG:
    return loop.iter if isinstance(loop, nodes.For) else loop.generators[0].iter


def _sequence_items(iterable: nodes.NodeNG, at: nodes.NodeNG) -> Optional[Tuple[str, str]]:
    """The first two inputs a sequence holds, as written, when it holds at least two."""
    if isinstance(iterable, nodes.Call) and isinstance(iterable.func, nodes.Name) \
            and iterable.func.name in ("zip", "enumerate") and iterable.args:
        iterable = iterable.args[0]
    elements = dataflow.sequence_elements(iterable, at) if isinstance(
        iterable, (nodes.List, nodes.Tuple, nodes.Name, nodes.Attribute)) else None
    if elements is not None and len(elements) >= 2:
        return tree.short_text(elements[0], _INPUT_TEXT_LIMIT), tree.short_text(elements[1], _INPUT_TEXT_LIMIT)
    built = timeaxis.value_of(iterable) if isinstance(iterable, nodes.Name) else None
    if isinstance(built, nodes.ListComp) and len(built.generators) == 1:
        count = loop_count(built.generators[0].iter)
        if count is not None and count.value is not None and count.value >= 2:
            return f"{iterable.name}[0]", f"{iterable.name}[1]"
    return None


def _merge_of_results(site: nodes.Call, loop: nodes.NodeNG, function: nodes.NodeNG) -> Optional[nodes.NodeNG]:
    """The first node that combines two results of the repeated call: an operand that is the whole list
    of results, or two operands that are two of them."""
    whole, parts = _result_names(site, loop)
    for node in tree.own_nodes(site.frame(), (nodes.BinOp, nodes.Call)):
        operands, _ = _merge_operands(node, function)
        named = [operand.name for operand in operands if isinstance(operand, nodes.Name)]
        if any(operand is loop for operand in operands) or set(named) & whole:
            return node
        if len(set(named) & parts) >= 2:
            return node
    return None


def _result_names(site: nodes.Call, loop: nodes.NodeNG) -> Tuple[Set[str], Set[str]]:
    """(names holding the list of results, names holding one result each)."""
    if isinstance(loop, nodes.For):
        return {site.parent.func.expr.as_string()}, set()
    assign = loop.parent
    if not (isinstance(assign, nodes.Assign) and assign.value is loop and len(assign.targets) == 1):
        return set(), set()
    target = assign.targets[0]
    if isinstance(target, nodes.AssignName):
        return {target.name}, set()
    return set(), {n.name for n in target.nodes_of_class(nodes.AssignName)}


# --- where do the two results go? ------------------------------------------------------------------------


def _derivations(frame: nodes.NodeNG, sites: list) -> Derivations:
    """name -> indices of the call sites whose result the name may be computed from."""
    derived: Derivations = {}
    assigns = list(tree.own_nodes(frame, (nodes.Assign, nodes.AnnAssign, nodes.AugAssign)))
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


def _sites_in(expr: nodes.NodeNG, site_ids: Dict[int, int], derived: Derivations) -> Set[int]:
    """The call sites expr may be computed from: sites in it, and names derived from them (a lambda in
    it counts: ``Lambda(lambda _: a - b)`` combines a and b)."""
    found: Set[int] = set()
    for node in expr.nodes_of_class((nodes.Call, nodes.Name), skip_klass=(nodes.FunctionDef, nodes.ClassDef)):
        if id(node) in site_ids:
            found.add(site_ids[id(node)])
        elif isinstance(node, nodes.Name) and node.name in derived:
            found |= derived[node.name]
    return found


def _chained(first: nodes.Call, second: nodes.Call, i: int, j: int, derived: Derivations) -> bool:
    """The second call consumes the first one's result (encoder -> decoder): a pipeline, not twins."""
    site_ids = {id(first): i, id(second): j}
    for arg in list(second.args) + [kw.value for kw in second.keywords or ()]:
        if i in _sites_in(arg, site_ids, derived):
            return True
    for arg in list(first.args) + [kw.value for kw in first.keywords or ()]:
        if j in _sites_in(arg, site_ids, derived):
            return True
    return False


def _merge_of(pair: Tuple[int, int], sites: list, derived: Derivations,
              function: nodes.NodeNG) -> Optional[nodes.NodeNG]:
    """The first node in the sites' frame that combines the results of the sites at ``pair``."""
    i, j = pair
    site_ids = {id(site): index for index, site in enumerate(sites)}
    for node in tree.own_nodes(sites[0].frame(), (nodes.BinOp, nodes.Call)):
        operands, joint = _merge_operands(node, function)
        found = [_sites_in(operand, site_ids, derived) for operand in operands]
        if joint and any({i, j} <= f for f in found):
            return node
        has_i = [k for k, f in enumerate(found) if i in f]
        has_j = [k for k, f in enumerate(found) if j in f]
        if any(a != b for a in has_i for b in has_j):
            return node
    return None


def _merge_operands(node: nodes.NodeNG, function: nodes.NodeNG) -> Tuple[list, bool]:
    """(what node combines, whether one operand holding both results is already a merge: Model outputs)."""
    if isinstance(node, nodes.BinOp):
        return ([node.left, node.right] if node.op in _MERGE_OPERATORS else []), False
    kind = _merge_kind(node, function)
    if kind is None:
        return [], False
    if kind == "model":
        outputs = callargs.call_argument(node, 1, "outputs")
        return ([outputs] if outputs is not None else []), True
    return _flatten(list(node.args) + [kw.value for kw in node.keywords or ()]), False


def _merge_kind(call: nodes.Call, function: nodes.NodeNG) -> Optional[str]:
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
        for binding in bindings_of(func):
            value = assigned_value(binding) if isinstance(binding, nodes.AssignName) else None
            if isinstance(value, nodes.Call) and tfapi.call_api(value) in _MERGE_LAYERS:
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
