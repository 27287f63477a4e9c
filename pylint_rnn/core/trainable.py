"""Does a tensor depend on trainable variables, and which calls create them?

Built on :mod:`pylint_rnn.core.dataflow` (where a value comes from): :func:`depends_on_trainable` follows
a tensor's definitions, the arguments of TF ops and the module's own helpers to a variable-creating call
(``tf.Variable``, ``tf.get_variable``, ``tf.layers``, RNN functions, cells, Keras layers, helpers that
create variables); :func:`upstream_nodes` and :func:`trainable_sources` walk everything a value is
computed from, to ask "does this loss reach that variable?". Unknown answers are ``False`` / empty.
"""
from __future__ import annotations

from typing import Iterable, List, Optional, Tuple

from astroid import nodes

from pylint_rnn.core import callargs, dataflow, effects, tfapi, tree
from pylint_rnn.core.bindings import bindings_of
from pylint_rnn.core.cache import module_cached
from pylint_rnn.core.dataflow import MAX_DEPTH
from pylint_rnn.core.origins import origins

_MAX_UPSTREAM_NODES = 4000

# Values that no gradient flows back through: inputs, constants, random draws, shapes, input pipelines.
_STOPPING_APIS = frozenset({
    "tf.placeholder", "tf.placeholder_with_default", "tf.stop_gradient", "tf.constant", "tf.zeros",
    "tf.ones", "tf.zeros_like", "tf.ones_like", "tf.fill", "tf.random_normal", "tf.random_uniform",
    "tf.random.normal", "tf.random.uniform", "tf.truncated_normal", "tf.shape", "tf.size", "tf.rank",
    "tf.data.Dataset", "tf.train.batch", "tf.train.shuffle_batch", "tf.sparse_placeholder",
})
# Lower-case functions of the layer namespaces that create no weights.
_WEIGHTLESS_LAYER_FUNCTIONS = frozenset({
    "flatten", "dropout", "l2_regularizer", "l1_regularizer", "xavier_initializer",
    "variance_scaling_initializer", "optimize_loss", "one_hot_encoding", "softmax",
})
# Layer classes that create no weights.
_WEIGHTLESS_LAYERS = frozenset({
    "Input", "InputLayer", "Dropout", "Flatten", "Reshape", "Activation", "Lambda", "Permute", "RepeatVector",
})
# Methods of iterators, cells and tensors whose result does not carry trainable weights.
_WEIGHTLESS_METHODS = frozenset({"get_next", "make_one_shot_iterator", "zero_state", "get_shape"})


def creates_trainable_api(call: nodes.Call, api: Optional[str]) -> bool:
    """Does this TF API call create (or run with) trainable variables?"""
    if not api or not tfapi.is_tf_api(api) or api == "tf.get_local_variable":
        return False
    if api in (tfapi.VARIABLE, tfapi.GET_VARIABLE):
        position = 1 if api == tfapi.VARIABLE else None
        return callargs.literal_value(callargs.call_argument(call, position, "trainable")) is not False
    if tfapi.is_rnn_function(api) or api.startswith("tf.contrib.seq2seq.dynamic_decode"):
        return True
    if api.startswith(("tf.layers.", "tf.contrib.layers.", "tf.contrib.slim.", "tf.compat.v1.layers.")):
        last = api.rsplit(".", 1)[-1]
        return last[:1].islower() and last not in _WEIGHTLESS_LAYER_FUNCTIONS
    return False


def is_layer_object_api(api: Optional[str]) -> bool:
    """A constructor whose object creates trainable weights when called (cells, Keras / tf.layers layers)."""
    if not api:
        return False
    if tfapi.is_any_cell(api):
        return True
    if api.startswith(("tf.keras.layers.", "tf.layers.", "tf.keras.Sequential", "tf.keras.Model",
                       "tf.keras.models.", "tf.estimator")):
        last = api.rsplit(".", 1)[-1]
        return last[:1].isupper() and last not in _WEIGHTLESS_LAYERS
    return False


def is_layer_object(expr: nodes.NodeNG, depth: int = 0) -> bool:
    """Is expr (the callee of a call) a layer/cell/model object of TF or of a module class subclassing one?"""
    for value, _ in origins(expr) if depth <= MAX_DEPTH else ():
        if isinstance(value, nodes.Call):
            if is_layer_object_api(tfapi.call_api(value)):
                return True
            callee = value.func
            if isinstance(callee, nodes.Name) and _names_a_class(callee) \
                    and is_layer_object_api(tfapi.api_name(callee)):
                return True
    return False


def _names_a_class(name: nodes.Name) -> bool:
    """Is the last binding of ``name`` a class statement (a module class subclassing a layer or cell)?"""
    found = bindings_of(name)
    return bool(found) and isinstance(found[-1], nodes.ClassDef)


def keras_layers_called(func: nodes.NodeNG) -> bool:
    """Does func call a freshly built layer/cell object (``tf.keras.layers.LSTM(8)(x)``, ``cell(x, s)``)?"""

    def compute() -> bool:
        return any(isinstance(call.func, nodes.Call) and is_layer_object_api(tfapi.call_api(call.func))
                   for call in tree.own_nodes(func, nodes.Call))

    return module_cached("keras-layers-called", func, compute, False)


def depends_on_trainable(expr: Optional[nodes.NodeNG], depth: int = 0) -> bool:
    """Does the tensor expr computes depend on trainable variables of the graph?

    Follows names, attributes and subscripts to what built them (:func:`pylint_rnn.core.origins.origins`:
    assignments, containers, records, helpers' returns, parameters' arguments), the arguments of TF ops,
    and calls of the module's own functions (variable-creating helpers, or helpers whose results depend on
    trainable variables). Placeholders, constants and input pipelines do not. Unknown: False.
    """
    if expr is None or depth > MAX_DEPTH:
        return False
    return module_cached("depends-trainable", expr, lambda: _depends(expr, depth), False)


def _any_depends(exprs: Iterable[nodes.NodeNG], depth: int) -> bool:
    """Does one of the expressions (one level deeper than ``depth``) depend on trainable variables?"""
    return any(depends_on_trainable(expr, depth + 1) for expr in exprs)


def _depends(expr: nodes.NodeNG, depth: int) -> bool:
    if isinstance(expr, (nodes.Const, nodes.Lambda, nodes.FunctionDef, nodes.ClassDef)):
        return False
    if isinstance(expr, (nodes.Name, nodes.Attribute, nodes.Subscript)):
        followed = _followed(expr)
        if followed:
            return _any_depends(followed, depth)
        return not isinstance(expr, nodes.Name) and _any_depends([_container_of(expr)], depth)
    if isinstance(expr, nodes.Call):
        return _call_depends(expr, depth)
    return _any_depends(expr.get_children(), depth)


def _call_depends(call: nodes.Call, depth: int) -> bool:
    api = tfapi.call_api(call)
    if api is not None:
        if creates_trainable_api(call, api):
            return True
        if api in _STOPPING_APIS or api.startswith(("tf.data.", "tf.metrics.")):
            return False
        return _any_depends(_call_arguments(call), depth)
    func = call.func
    if isinstance(func, nodes.Call) and is_layer_object_api(tfapi.call_api(func)):
        return True  # tf.keras.layers.Dense(10)(x)
    if isinstance(func, nodes.Attribute) and func.attrname in _WEIGHTLESS_METHODS:
        return False
    callee = effects.function_of_call(call)
    if callee is not None:
        if effects.creates_variables(callee) or keras_layers_called(callee):
            return True
        return _any_depends(tree.returned_values(callee), depth) or _any_depends(_call_arguments(call), depth)
    if isinstance(func, (nodes.Name, nodes.Attribute)) and is_layer_object(func, depth):
        return True
    if isinstance(func, nodes.Attribute) and _any_depends([func.expr], depth):
        return True
    return _any_depends(_call_arguments(call), depth)


def upstream_nodes(expr: nodes.NodeNG) -> frozenset:
    """Ids of every expression the value of expr is computed from, following definitions (bounded).

    Walks names, attributes and subscripts to what built them, the arguments of calls, the layer objects called
    (to their constructors) and the return values of the module's own functions. Used to ask "does this
    loss depend on that tensor / that variable?".
    """
    return module_cached("upstream-ids", expr, lambda: frozenset(id(n) for n in _upstream_walk(expr)),
                         frozenset())


def helper_calls_upstream(expr: nodes.NodeNG) -> List[Tuple[nodes.Call, nodes.NodeNG]]:
    """(call, callee) for each call of the module's own variable-creating functions that expr is computed
    from (``h = layer(x, 'a')``): the calls themselves, and those that assign the names on the way (the
    walk itself goes straight through a call to the helper's return values)."""
    out, seen = [], set()
    for node in _upstream_walk(expr):
        candidates = [node] if isinstance(node, nodes.Call) else []
        if isinstance(node, (nodes.Name, nodes.Attribute, nodes.Subscript)):
            candidates = [d.value for d in dataflow.definitions(node) if isinstance(d.value, nodes.Call)]
        for call in candidates:
            callee = effects.function_of_call(call)
            if id(call) not in seen and callee is not None and effects.creates_variables(callee):
                seen.add(id(call))
                out.append((call, callee))
    return out


def trainable_sources(expr: nodes.NodeNG) -> List[nodes.NodeNG]:
    """The calls that create the trainable variables expr is computed from.

    ``tf.Variable`` / ``tf.get_variable`` / ``tf.layers.*`` / RNN-function calls, and the constructors of
    the layer, cell and model objects that are called (one object called twice is one source).
    """

    def compute() -> list:
        out = []
        for node in _upstream_walk(expr):
            if isinstance(node, nodes.Call):
                api = tfapi.call_api(node)
                if creates_trainable_api(node, api) or is_layer_object_api(api):
                    out.append(node)
        return out

    return module_cached("trainable-sources", expr, compute, [])


def _upstream_walk(expr: nodes.NodeNG) -> list:
    def compute() -> list:
        seen: set = set()
        order = []
        stack = [expr]
        while stack and len(seen) < _MAX_UPSTREAM_NODES:
            node = stack.pop()
            if node is None or id(node) in seen:
                continue
            if isinstance(node, (nodes.Lambda, nodes.FunctionDef, nodes.ClassDef, nodes.Const)):
                continue
            seen.add(id(node))
            order.append(node)
            stack.extend(_upstream_step(node))
        return order

    return module_cached("upstream-walk", expr, compute, [])


def _followed(expr: nodes.NodeNG) -> List[nodes.NodeNG]:
    """What a name, attribute or subscript holds, followed to where it is built (see core.origins)."""
    return [value for value, _ in origins(expr) if value is not expr]


def _container_of(expr: nodes.NodeNG) -> nodes.NodeNG:
    """``x`` of ``x.attr`` / ``x[k]``: when the element is not known, the whole container is."""
    return expr.expr if isinstance(expr, nodes.Attribute) else expr.value


def _upstream_step(node: nodes.NodeNG) -> List[nodes.NodeNG]:
    """The expressions node's value is computed from, one step up."""
    if isinstance(node, (nodes.Name, nodes.Attribute, nodes.Subscript)):
        followed = _followed(node)
        if followed or isinstance(node, nodes.Name):
            return followed
        return [_container_of(node)]
    if not isinstance(node, nodes.Call):
        return list(node.get_children())
    out = list(_call_arguments(node))
    callee = effects.function_of_call(node)
    if callee is not None:
        out.extend(tree.returned_values(callee))
    elif isinstance(node.func, (nodes.Attribute, nodes.Name, nodes.Call)) and tfapi.call_api(node) is None:
        out.append(node.func)  # x.reshape(...), layer(x), Dense(3)(x)
    return out


def _call_arguments(call: nodes.Call) -> Iterable[nodes.NodeNG]:
    yield from call.args or ()
    for keyword in call.keywords or ():
        yield keyword.value
