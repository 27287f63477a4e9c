"""What is the time dimension, and how deep is this stack? Answered from shapes and lists as written.

The time-step checks compare two numbers the code writes: the depth of a stack of cells or recurrent
layers, and the number of time steps of the input it runs on. This module finds both without inference:
the time dimension of a tensor expression (``tf.placeholder`` / ``tf.zeros`` / ``tf.reshape`` shapes,
a Keras ``Input``'s ``shape`` / ``batch_shape``, through ``embedding_lookup``, ``transpose`` perms and Keras
layers that keep the time axis), the number of steps of a static RNN's input list, the depth of a cell or
layer list, the time dimension an RNN call's inputs have, and the steps a Keras recurrent layer declares
or is applied to. Every answer is an expression of the user's code (or a ``Count`` of one), or None when
the tree does not say.

Where the number is not written (a parameter ``x``), a dimension still has a token: ``len(steps)``,
``x.shape[1]`` or ``tf.shape(x)[1]`` read back from the very tensor an RNN runs on carry the token of that
tensor's time dimension (:func:`trace_dim`, :func:`dim_count`, :func:`rnn_input_step_count`), so a depth
measured from the input is recognised as its time dimension through aliases and the ops that keep the
leading axes (embedding lookups, one-hot, dense layers, dropout, transposes).
"""
from __future__ import annotations

from typing import Callable, Iterator, NamedTuple, Optional, Tuple, Union

from astroid import nodes

from pylint_rnn.core import callargs, dataflow, tfapi, tree
from pylint_rnn.core.bindings import assigned_value, method_class, single_binding
from pylint_rnn.core.cache import module_cached
from pylint_rnn.core.counts import Count, count_of, range_bound

# How far names, transposes and layer chains are followed: enough for real code, bounded for odd code.
_MAX_DEPTH = 6

# API -> (position, keyword) of a shape argument that includes the batch dimension.
SHAPE_ARGUMENTS = {
    "tf.placeholder": (1, "shape"),
    "tf.zeros": (0, "shape"), "tf.ones": (0, "shape"),
    "tf.random_normal": (0, "shape"), "tf.random.normal": (0, "shape"),
    "tf.random_uniform": (0, "shape"), "tf.random.uniform": (0, "shape"),
    "tf.truncated_normal": (0, "shape"), "tf.random.truncated_normal": (0, "shape"),
    "tf.reshape": (1, "shape"),
}
KERAS_INPUTS = frozenset({"tf.keras.Input", "tf.keras.layers.Input", "tf.keras.layers.InputLayer"})
# Keras layers that keep the time axis where it is: follow them back to the model's Input.
KERAS_TIME_PRESERVING = frozenset(f"tf.keras.layers.{n}" for n in (
    "Embedding", "Dense", "Dropout", "Masking", "TimeDistributed", "BatchNormalization", "LayerNormalization",
    "Activation", "SpatialDropout1D", "GaussianNoise", "GaussianDropout",
))
UNSTACK = frozenset({"tf.unstack", "tf.unpack"})
SPLIT = "tf.split"
TRANSPOSE = "tf.transpose"
EMBEDDING_LOOKUP = "tf.nn.embedding_lookup"

STEP_LIST = "list"  # the time "axis" of a static RNN: its inputs and outputs are Python lists of steps
TimeAxis = Union[int, str]  # 0, 1 or STEP_LIST


# --- following a value back to where it is written -----------------------------------------------------


def value_of(expr: Optional[nodes.NodeNG], depth: int = 0) -> Optional[nodes.NodeNG]:
    """Follow a name (or ``self.x``) to the one expression assigned to it; any other expression is itself.
    None when a name has no single plain assignment."""
    while depth < _MAX_DEPTH:
        if isinstance(expr, nodes.Name):
            binding = single_binding(expr)
            value = assigned_value(binding) if isinstance(binding, nodes.AssignName) else None
        elif isinstance(expr, nodes.Attribute) and isinstance(expr.expr, nodes.Name) \
                and expr.expr.name in ("self", "cls"):
            value = _self_attribute_value(expr)
        else:
            return expr
        if value is None:
            return None
        expr, depth = value, depth + 1
    return None


def _self_attribute_value(attr: nodes.Attribute) -> Optional[nodes.NodeNG]:
    """``self.cell`` -> the value of the one ``self.cell = ...`` in the class, if there is exactly one."""
    klass = method_class(attr.expr)
    if klass is None:
        return None

    def compute() -> dict:
        found = {}
        for assign_attr in klass.nodes_of_class(nodes.AssignAttr):
            if isinstance(assign_attr.expr, nodes.Name) and assign_attr.expr.name in ("self", "cls"):
                found.setdefault(assign_attr.attrname, []).append(assign_attr)
        return found

    candidates = module_cached("self-attrs", klass, compute, {}).get(attr.attrname, [])
    if len(candidates) != 1:
        return None
    return assigned_value(candidates[0])


def _is_none(node: nodes.NodeNG) -> bool:
    return isinstance(node, nodes.Const) and node.value is None


def _axis_argument(call: nodes.Call, position: int) -> Optional[int]:
    """The literal ``axis`` a call passes (0 when it passes none); None when it is not an int literal."""
    argument = callargs.call_argument(call, position, "axis")
    if argument is None:
        return 0
    value = callargs.literal_value(argument)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# --- the time dimension of a tensor --------------------------------------------------------------------

# Ops whose output keeps every leading axis of their first argument (elementwise ops, dense layers on the
# last axis, dropout, casts): the time axis of the result is that of the argument.
AXIS_PRESERVING = frozenset({
    "tf.identity", "tf.cast", "tf.to_float", "tf.stop_gradient", "tf.nn.dropout", "tf.layers.dense",
    "tf.layers.dropout", "tf.layers.batch_normalization", "tf.contrib.layers.fully_connected",
    "tf.contrib.layers.layer_norm", "tf.nn.relu", "tf.nn.tanh", "tf.tanh", "tf.sigmoid", "tf.nn.elu",
    "tf.one_hot", "tf.expand_dims", "tf.concat",
})
Trace = Tuple[Optional[nodes.NodeNG], Optional[str]]  # (the dimension as written, the tensor's token)


def time_dim(expr: Optional[nodes.NodeNG], axis: int, depth: int = 0) -> Optional[nodes.NodeNG]:
    """The expression giving dimension ``axis`` (counted with the batch) of a tensor, if the code spells it."""
    return trace_dim(expr, axis, depth)[0]


def trace_dim(expr: Optional[nodes.NodeNG], axis: int, depth: int = 0) -> Trace:
    """(the expression giving dimension ``axis`` of a tensor if the code spells it, a token naming that
    dimension of the tensor it comes from). Two expressions with one token have that dimension in common
    whatever it is: ``x`` and ``emb = embedding_lookup(w, x)`` along axis 1, ``x`` and ``x.shape[1]``."""
    if expr is None or depth > _MAX_DEPTH:
        return None, None
    if isinstance(expr, (nodes.Name, nodes.Attribute)):
        value = value_of(expr)
        if value is not None and value is not expr:
            return trace_dim(value, axis, depth + 1)
        return None, _unbound_token(expr, f"dim{axis}")
    if not isinstance(expr, nodes.Call):
        return None, None
    if isinstance(expr.func, nodes.Call):
        # A Keras layer applied to a tensor: follow layers that keep the time axis.
        if tfapi.call_api(expr.func) in KERAS_TIME_PRESERVING and expr.args:
            return trace_dim(expr.args[0], axis, depth + 1)
        return None, None
    api = tfapi.call_api(expr)
    if api in SHAPE_ARGUMENTS:
        return shape_element(callargs.call_argument(expr, *SHAPE_ARGUMENTS[api]), axis), f"dim{axis}:{id(expr)}"
    if api in KERAS_INPUTS:
        return _keras_input_dim(expr, api, axis), f"dim{axis}:{id(expr)}"
    source = _axis_source(expr, api, axis)
    return trace_dim(source[0], source[1], depth + 1) if source is not None else (None, None)


def _axis_source(call: nodes.Call, api: Optional[str], axis: int) -> Optional[Tuple[nodes.NodeNG, int]]:
    """(tensor, its axis) that dimension ``axis`` of an op's result is: the ids of an embedding lookup, the
    first argument of an op that keeps the leading axes, the permuted axis of a transpose."""
    if api == EMBEDDING_LOOKUP:
        ids = callargs.call_argument(call, 1, "ids")
        return (ids, axis) if ids is not None else None
    if api in AXIS_PRESERVING and call.args and (axis < 2 or api not in ("tf.one_hot", "tf.expand_dims")):
        first = call.args[0]
        if api != "tf.concat":
            return first, axis
        # tf.concat([a, b], axis=-1): joined along the features, the time axis is a's
        if isinstance(first, (nodes.List, nodes.Tuple)) and first.elts and _concat_axis(call) != axis:
            return first.elts[0], axis
        return None
    if api == TRANSPOSE:
        perm = callargs.call_argument(call, 1, "perm")
        if isinstance(perm, (nodes.List, nodes.Tuple)) and axis < len(perm.elts):
            source = callargs.literal_value(perm.elts[axis])
            tensor = callargs.call_argument(call, 0, "a")
            if isinstance(source, int) and not isinstance(source, bool) and tensor is not None:
                return tensor, source
    return None


def _concat_axis(call: nodes.Call) -> Optional[int]:
    value = callargs.literal_value(callargs.call_argument(call, 1, "axis"))
    return value if isinstance(value, int) and not isinstance(value, bool) and value != 0 else None


def _unbound_token(expr: nodes.NodeNG, what: str) -> Optional[str]:
    """A token for a value the module does not build (a parameter, ``self.x`` set elsewhere): its binding."""
    if isinstance(expr, nodes.Name):
        binding = single_binding(expr)
        return f"{what}:{id(binding)}" if binding is not None else None
    dotted = tfapi.dotted_name(expr)
    return f"{what}:{dotted}" if dotted else None


def _keras_input_dim(call: nodes.Call, api: str, axis: int) -> Optional[nodes.NodeNG]:
    """``Input(batch_shape=(B, T, F))`` counts the batch; ``Input(shape=(T, F))`` does not."""
    batch_shape = callargs.call_argument(call, None, "batch_shape") or callargs.call_argument(
        call, None, "batch_input_shape")
    if batch_shape is not None:
        return shape_element(batch_shape, axis)
    keyword = "input_shape" if api.endswith("InputLayer") else "shape"
    return shape_element(callargs.call_argument(call, 0, keyword), axis - 1)


def shape_element(shape: Optional[nodes.NodeNG], index: int) -> Optional[nodes.NodeNG]:
    """Element ``index`` of a literal shape list or tuple (or a name bound to one); None for a ``None``
    dimension, a starred element before it, or a shape that is not written out."""
    shape = value_of(shape) if isinstance(shape, nodes.Name) else shape
    if not isinstance(shape, (nodes.List, nodes.Tuple)) or not 0 <= index < len(shape.elts):
        return None
    element = shape.elts[index]
    if isinstance(element, nodes.Starred) or _is_none(element):
        return None
    if any(isinstance(e, nodes.Starred) for e in shape.elts[:index]):
        return None
    return element


# --- lists of per-step tensors -------------------------------------------------------------------------


def steps_of_list(expr: Optional[nodes.NodeNG], depth: int = 0) -> Optional[nodes.NodeNG]:
    """How many per-step tensors a list of inputs holds (the inputs of static_rnn): the range of a list
    comprehension or of the loop that appends to it, ``num=`` of ``tf.unstack`` (else the unstacked axis's
    dimension), the splits of ``tf.split``."""
    return trace_steps(expr, depth)[0]


def trace_steps(expr: Optional[nodes.NodeNG], depth: int = 0) -> Trace:
    """(how many items a list of per-step tensors holds, as written; a token for that number, shared with
    the time dimension it was cut from)."""
    if expr is None or depth > _MAX_DEPTH:
        return None, None
    if isinstance(expr, (nodes.Name, nodes.Attribute)):
        value = value_of(expr)
        if isinstance(expr, nodes.Name) and isinstance(value, nodes.List) and not value.elts:
            return range_bound(_appending_loop_iter(expr)), f"steps:{id(value)}"
        if value is not None and value is not expr:
            return trace_steps(value, depth + 1)
        return None, _unbound_token(expr, "steps")
    if isinstance(expr, nodes.ListComp) and len(expr.generators) == 1:
        return range_bound(expr.generators[0].iter), f"steps:{id(expr)}"
    if not isinstance(expr, nodes.Call):
        return None, None
    api = tfapi.call_api(expr)
    axis = _axis_argument(expr, 2)
    if api in UNSTACK:
        num = callargs.call_argument(expr, 1, "num")
        element, token = trace_dim(callargs.call_argument(expr, 0, "value"), axis, depth + 1) \
            if axis is not None and axis >= 0 else (None, None)
        return (num if num is not None and not _is_none(num) else element), token
    if api == SPLIT:
        num = callargs.call_argument(expr, 1, "num_or_size_splits")
        if num is not None and not isinstance(num, (nodes.List, nodes.Tuple)):
            token = trace_dim(callargs.call_argument(expr, 0, "value"), axis, depth + 1)[1] \
                if axis is not None and axis >= 0 else None
            return num, token
    return None, None


def _appending_loop_iter(name: nodes.Name) -> Optional[nodes.NodeNG]:
    """``steps = []; for t in range(T): steps.append(x[:, t])``: the loop's iterable, for a use of steps."""
    binding = single_binding(name)
    frame = binding.frame() if binding is not None else None
    appends = [call for call in tree.own_nodes(frame, nodes.Call)
               if isinstance(call.func, nodes.Attribute) and call.func.attrname in ("append", "extend")
               and isinstance(call.func.expr, nodes.Name) and call.func.expr.name == name.name] \
        if frame is not None else []
    if len(appends) != 1 or appends[0].func.attrname != "append":
        return None
    loop = tree.enclosing_for(appends[0])
    return loop.iter if loop is not None and not tree.conditional_between(appends[0], loop) else None


def is_step_list(expr: nodes.NodeNG, depth: int = 0) -> bool:
    """Is this a list of time steps: ``tf.unstack(x, axis=1)``, ``tf.split(x, T, axis=1)``,
    ``tf.unstack(tf.transpose(x, ...))``, or a name bound to one of those?"""
    if depth > _MAX_DEPTH:
        return False
    if isinstance(expr, (nodes.Name, nodes.Attribute)):
        value = value_of(expr)
        return value is not None and value is not expr and is_step_list(value, depth + 1)
    if not isinstance(expr, nodes.Call):
        return False
    api = tfapi.call_api(expr)
    if api not in UNSTACK and api != SPLIT:
        return False
    axis = _axis_argument(expr, 2)
    if axis == 1:
        return True
    if axis == 0:
        tensor = callargs.call_argument(expr, 0, "value")
        source = value_of(tensor) if isinstance(tensor, nodes.Name) else tensor
        return isinstance(source, nodes.Call) and tfapi.call_api(source) == TRANSPOSE
    return False


# --- stack depths --------------------------------------------------------------------------------------

ElementFilter = Optional[Callable[[nodes.NodeNG], bool]]


class StackDepth(NamedTuple):
    """How many layers a list of cells or layers has, as written."""

    count: Count
    items: Optional[Tuple[nodes.NodeNG, ...]] = None  # the listed layers, for an explicit ``[a, b, c]``


def stack_depth(expr: Optional[nodes.NodeNG], element_ok: ElementFilter = None,
                depth: int = 0) -> Optional[StackDepth]:
    """The depth of ``[f() for _ in range(d)]``, ``[c] * d``, ``[a, b, c]``, or of a name bound to one of
    those or to ``[]`` filled by ``.append`` in a ``for _ in range(d)``. ``element_ok`` restricts which
    elements count (e.g. only recurrent layers); a list with another element has no depth."""
    if expr is None or depth > _MAX_DEPTH:
        return None
    if isinstance(expr, nodes.ListComp) and len(expr.generators) == 1:
        generator = expr.generators[0]
        if generator.ifs or (element_ok is not None and not element_ok(expr.elt)):
            return None
        return _as_depth(iteration_count(generator.iter))
    if isinstance(expr, (nodes.List, nodes.Tuple)):
        return _listed_depth(expr, element_ok)
    if isinstance(expr, nodes.BinOp) and expr.op == "*":
        return _repeated_depth(expr, element_ok)
    if isinstance(expr, nodes.Name):
        binding = single_binding(expr)
        if not isinstance(binding, nodes.AssignName):
            return None
        value = assigned_value(binding)
        if isinstance(value, nodes.List) and not value.elts:
            return _as_depth(appended_count(expr, element_ok))
        return stack_depth(value, element_ok, depth + 1)
    return None


def _listed_depth(expr: nodes.NodeNG, element_ok: ElementFilter) -> Optional[StackDepth]:
    """``[a, b, c]``: as many layers as items, which are kept (to compare how they are built)."""
    if any(isinstance(e, nodes.Starred) for e in expr.elts):
        return None
    if element_ok is not None and not all(element_ok(e) for e in expr.elts):
        return None
    return StackDepth(Count.of(len(expr.elts)), tuple(expr.elts))


def _repeated_depth(expr: nodes.BinOp, element_ok: ElementFilter) -> Optional[StackDepth]:
    """``[c] * d`` / ``d * [c]``: d layers."""
    for sequence, times in ((expr.left, expr.right), (expr.right, expr.left)):
        if isinstance(sequence, (nodes.List, nodes.Tuple)) and len(sequence.elts) == 1:
            if element_ok is not None and not element_ok(sequence.elts[0]):
                return None
            return _as_depth(dim_count(times))
    return None


def _as_depth(count: Optional[Count]) -> Optional[StackDepth]:
    return StackDepth(count) if count is not None else None


def appended_count(name: nodes.Name, element_ok: ElementFilter = None) -> Optional[Count]:
    """``cells = []; for _ in range(d): cells.append(...)`` -> d, for a use of ``cells``: exactly one
    append, between the ``[]`` and the use, in exactly one ``for`` over a range and under nothing else."""
    binding = single_binding(name)
    if not isinstance(binding, nodes.AssignName):
        return None
    frame = binding.frame()
    appends = []
    for node in tree.own_nodes(frame, (nodes.Call, nodes.AugAssign)):
        if isinstance(node, nodes.AugAssign):
            if isinstance(node.target, nodes.AssignName) and node.target.name == binding.name:
                return None
        elif isinstance(node.func, nodes.Attribute) and isinstance(node.func.expr, nodes.Name) \
                and node.func.expr.name == binding.name:
            if node.func.attrname != "append":
                return None  # extend/insert/...: the count is not one loop's
            appends.append(node)
    if len(appends) != 1:
        return None
    append = appends[0]
    if not (binding.lineno or 0) <= (append.lineno or 0) <= (name.lineno or 0):
        return None
    if len(append.args) != 1 or (element_ok is not None and not element_ok(append.args[0])):
        return None
    around = [p for p in tree.ancestors_below(append, frame)
              if isinstance(p, (nodes.For, nodes.While, nodes.If, nodes.Try, nodes.AsyncFor))]
    if len(around) != 1 or not isinstance(around[0], nodes.For):
        return None
    return iteration_count(around[0].iter)


def iteration_count(iterable: nodes.NodeNG) -> Optional[Count]:
    """How many times ``for _ in iterable`` runs, as a :func:`dim_count`: ``range(n)``, ``range(len(xs))``,
    or a list of per-step tensors itself (``for x_t in steps``); None otherwise."""
    bound = range_bound(iterable)
    if bound is not None:
        return dim_count(bound)
    if isinstance(iterable, (nodes.Name, nodes.Attribute)):
        written, token = trace_steps(iterable)
        if token is not None and (written is not None or is_step_list(iterable)):
            return _with_token(written, token, f"len({iterable.as_string()})")
    return None


# --- the time dimension an RNN runs over ----------------------------------------------------------------


def rnn_time_axis(call: nodes.Call) -> Optional[TimeAxis]:
    """The time axis of an RNN function's inputs and outputs: STEP_LIST for a static RNN, 0 with
    ``time_major=True``, 1 otherwise; None when it is not an RNN call or time_major is not a literal."""
    signature = tfapi.rnn_signature(call)
    if signature is None:
        return None
    if signature.static:
        return STEP_LIST
    major = tfapi.time_major(call, signature.time_major_position)
    if major is None:
        return None
    return 0 if major else 1


def rnn_input_steps(call: nodes.Call) -> Optional[nodes.NodeNG]:
    """The number of time steps of an RNN function's inputs, as the code writes it."""
    return _trace_rnn_input_steps(call)[0]


def rnn_input_step_count(call: nodes.Call) -> Optional[Count]:
    """The number of time steps of an RNN function's inputs as a Count: the number as written (if it is),
    and a token for the time dimension of the inputs, which :func:`dim_count` gives ``len(inputs)`` and
    ``inputs.shape[1]`` too."""
    return _with_token(*_trace_rnn_input_steps(call), "the time steps")


def _trace_rnn_input_steps(call: nodes.Call) -> Trace:
    signature = tfapi.rnn_signature(call)
    if signature is None or signature.inputs is None:
        return None, None
    inputs = callargs.call_argument(call, *signature.inputs)
    axis = rnn_time_axis(call)
    if inputs is None or axis is None:
        return None, None
    return trace_steps(inputs) if axis == STEP_LIST else trace_dim(inputs, axis)


def _with_token(written: Optional[nodes.NodeNG], token: Optional[str], text: str) -> Optional[Count]:
    """The Count of a dimension as written, with the dimension's token among its spellings."""
    count = count_of(written)
    if token is None:
        return count
    if count is None:
        return Count(None, text, False, (), (token,))
    return Count(count.value, count.text, count.literal, count.names, count.spellings + (token,))


# --- counts that measure a tensor ----------------------------------------------------------------------

_SHAPE_METHODS = ("get_shape", "as_list")


def dim_count(expr: Optional[nodes.NodeNG]) -> Optional[Count]:
    """:func:`~pylint_rnn.core.counts.count_of`, and for a count that measures a tensor (``len(steps)``,
    ``x.shape[1]``, ``tf.shape(x)[1]``, ``x.get_shape().as_list()[1]``, or a name bound to one) the
    dimension it measures: its spelling when the code writes it, and its token."""
    count = count_of(expr)
    if count is None:
        return None
    measured = _measured(expr)
    if measured == (None, None):
        return count
    written, token = measured
    extra = count_of(written) or Count(None, count.text)
    value = count.value if count.value is not None else extra.value
    spellings = count.spellings + extra.spellings + ((token,) if token else ())
    return Count(value, count.text, count.literal, count.names + extra.names, spellings)


def _measured(expr: nodes.NodeNG, depth: int = 0) -> Trace:
    """The dimension a count expression measures, through names, ``int(...)`` and ``Dimension.value``."""
    while depth <= _MAX_DEPTH:
        if isinstance(expr, nodes.Name):
            expr = value_of(expr)
        elif isinstance(expr, nodes.Attribute) and expr.attrname == "value":  # TF1 Dimension.value
            expr = expr.expr
        elif isinstance(expr, nodes.Call) and isinstance(expr.func, nodes.Name) and expr.func.name == "int" \
                and len(expr.args) == 1:
            expr = expr.args[0]
        else:
            break
        depth += 1
    if isinstance(expr, nodes.Call) and isinstance(expr.func, nodes.Name) and expr.func.name == "len" \
            and len(expr.args) == 1:
        return trace_steps(expr.args[0])
    if isinstance(expr, nodes.Subscript):
        axis = callargs.literal_value(expr.slice)
        tensor = _shape_of(expr.value)
        if isinstance(axis, int) and not isinstance(axis, bool) and axis >= 0 and tensor is not None:
            return trace_dim(tensor, axis)
    return None, None


def _shape_of(expr: nodes.NodeNG) -> Optional[nodes.NodeNG]:
    """``x.shape``, ``x.get_shape()``, ``x.shape.as_list()``, ``tf.shape(x)`` -> ``x``."""
    if isinstance(expr, nodes.Call) and not expr.args and isinstance(expr.func, nodes.Attribute) \
            and expr.func.attrname in _SHAPE_METHODS:
        inner = expr.func.expr
        return inner.expr if isinstance(inner, nodes.Attribute) and inner.attrname == "shape" else (
            _shape_of(inner) if expr.func.attrname == "as_list" else inner)
    if isinstance(expr, nodes.Attribute) and expr.attrname == "shape":
        return expr.expr
    if isinstance(expr, nodes.Call) and tfapi.call_api(expr) == "tf.shape" and expr.args:
        return expr.args[0]
    return None


def keras_declared_steps(layer: nodes.Call) -> Iterator[nodes.NodeNG]:
    """The time steps a Keras layer constructor declares: ``input_shape=(T, F)``,
    ``batch_input_shape=(B, T, F)``, ``input_length=T``."""
    element = shape_element(callargs.call_argument(layer, None, "input_shape"), 0)
    if element is not None:
        yield element
    element = shape_element(callargs.call_argument(layer, None, "batch_input_shape"), 1)
    if element is not None:
        yield element
    length = callargs.call_argument(layer, None, "input_length")
    if length is not None and not _is_none(length):
        yield length


def keras_layer_step_counts(layer: nodes.Call) -> Iterator[Tuple[Count, Optional[nodes.NodeNG]]]:
    """(time steps, the tensor they are of) for a Keras recurrent layer: first what it declares (tensor
    None), then the time dimension of each tensor it is applied to (with its token, so that a depth read
    back from that tensor matches even when the code does not spell the number). Nothing for a time-major
    layer."""
    if tfapi.time_major(layer) is not False:
        return
    for steps in keras_declared_steps(layer):
        yield count_of(steps), None
    for use in dataflow.result_uses(layer):
        parent = use.parent
        if isinstance(parent, nodes.Call) and parent.func is use and parent.args:
            count = _with_token(*trace_dim(parent.args[0], 1), "the time steps")
            if count is not None:
                yield count, parent.args[0]
