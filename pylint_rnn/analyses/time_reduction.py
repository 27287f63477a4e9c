"""Reducing a stacked RNN's outputs over the time axis when the layers were meant (opt-in).

Seed 004: ``tf.reduce_sum(outputs, axis=1)`` on the outputs of ``dynamic_rnn`` run on a ``MultiRNNCell``
adds up time steps, not layers: a stack exposes only its top layer's outputs. Pooling over time is often
intended, so the rule (rnn-time-axis-reduction) is off by default. The outputs are followed to the RNN
that computed them wherever they travel (:mod:`pylint_rnn.core.origins`); their time axis comes from
:mod:`pylint_rnn.core.timeaxis`; where the tree does not say, nothing is reported.
"""
from __future__ import annotations

from typing import List, NamedTuple, Optional

from astroid import nodes

from pylint_rnn.analyses import Finding
from pylint_rnn.core import callargs, origins, tfapi, timeaxis
from pylint_rnn.core.bindings import single_binding
from pylint_rnn.core.cache import module_cached

REDUCTION = "rnn-time-axis-reduction"

_SUMS = frozenset({"tf.reduce_sum", "tf.math.reduce_sum", "tf.keras.backend.sum"})
_AVERAGES = frozenset({"tf.reduce_mean", "tf.math.reduce_mean", "tf.keras.backend.mean"})
_ADD_N = frozenset({"tf.add_n", "tf.math.add_n"})
REDUCTIONS = _SUMS | _AVERAGES | _ADD_N
_STACKS = frozenset({"tf.stack", "tf.pack"})  # a static RNN's list of steps made one tensor
_POOLING_NAMES = ("GlobalAveragePooling1D", "GlobalAvgPool1D")
POOLING = frozenset(f"tf.keras.layers.{name}" for name in _POOLING_NAMES)
_SEQUENTIALS = frozenset({"tf.keras.Sequential", "tf.keras.models.Sequential"})
_KERAS_PRODUCER = "the RNN layer"
_MAX_DEPTH = 6  # how far names and wrappers are followed to the stacked cell


class RnnOutputs(NamedTuple):
    """A tensor that is the outputs of an RNN run on a stacked cell."""

    producer: str  # "dynamic_rnn", "the RNN layer", ...
    time_axis: timeaxis.TimeAxis  # 0, 1, or STEP_LIST for a static RNN's list of steps
    stack: str  # how the stacked cell is shown: "'multi_cell'", "RNN([...])"


def checks(api: Optional[str]) -> bool:
    """Is ``api`` a reduction or a pooling layer (what the rule looks at, a pooling layer applied through
    a name aside)?"""
    return api in REDUCTIONS or api in POOLING


def time_axis_reduction(node: nodes.Call) -> Optional[Finding]:
    """``reduce_sum`` / ``reduce_mean`` / ``add_n`` / ``K.sum`` / ``K.mean`` over the time axis, or Keras
    ``GlobalAveragePooling1D`` after it, of the outputs of an RNN on a MultiRNNCell / StackedRNNCells /
    Keras ``RNN([...])``."""
    api = tfapi.call_api(node)
    if api in REDUCTIONS:
        return _reduction(node, api)
    if api in POOLING:
        return _pooling_layer_in_a_stack(node)
    if isinstance(node.func, (nodes.Call, nodes.Name, nodes.Attribute)) and node.args \
            and mentions_pooling(node.root()):
        return _pooling_applied(node)
    return None


def _reduction(node: nodes.Call, api: str) -> Optional[Finding]:
    axis = None if api in _ADD_N else _reduced_axis(node)
    if api not in _ADD_N and axis not in (0, 1):
        return None  # checked first: following the tensor costs more than reading the axis
    tensor = callargs.call_argument(node, 0, "inputs" if api in _ADD_N else "input_tensor")
    if tensor is None and api.startswith("tf.keras.backend."):
        tensor = callargs.call_argument(node, 0, "x")
    wanted = timeaxis.STEP_LIST if api in _ADD_N else axis
    sources = [source for source in (_rnn_outputs(tensor) if tensor is not None else ())
               if source.time_axis == wanted or (source.time_axis == timeaxis.STEP_LIST and axis == 0)]
    if not sources:
        return None
    axis_shown = "0 (the list of steps)" if api in _ADD_N else str(axis)
    verb = "averages" if api in _AVERAGES else "sums"
    return _finding(node, api, verb, sources[0], axis_shown)


def _finding(node: nodes.Call, api: str, verb: str, source: RnnOutputs, axis_shown: str) -> Finding:
    stack_class = "StackedRNNCells" if source.producer == _KERAS_PRODUCER else "MultiRNNCell"
    return Finding(REDUCTION, node, (tfapi.short_name(api), verb, source.producer, axis_shown, source.stack),
                   (stack_class,))


# --- Keras: GlobalAveragePooling1D averages axis 1 (the steps) of channels-last sequences ----------------


def _averages_steps(layer: nodes.Call) -> bool:
    data_format = callargs.call_argument(layer, 0, "data_format")
    return data_format is None or callargs.literal_value(data_format) == "channels_last"


def mentions_pooling(module: nodes.Module) -> bool:
    """Cheap, textual: may a call in this module apply a pooling layer (else no callee is resolved)?"""

    def compute() -> bool:
        try:
            with module.stream() as stream:
                text = stream.read()
        except Exception:  # no source: ask the tree
            return True
        return any(name.encode() in text for name in _POOLING_NAMES)

    return module_cached("mentions-pooling", module, compute, False)


def _pooling_applied(node: nodes.Call) -> Optional[Finding]:
    """``GlobalAveragePooling1D()(seq)`` / ``pool(seq)`` on a stacked RNN layer's sequences."""
    layers = [value for value, rest in origins.origins(node.func) if not rest]
    if len(layers) != 1 or tfapi.call_api(layers[0]) not in POOLING or not _averages_steps(layers[0]):
        return None
    sources = [source for source in _rnn_outputs(node.args[0]) if source.time_axis == 1]
    if not sources:
        return None
    return _finding(node, tfapi.call_api(layers[0]), "averages", sources[0], "1")


def _pooling_layer_in_a_stack(layer: nodes.Call) -> Optional[Finding]:
    """``Sequential([..., RNN(stack, return_sequences=True), GlobalAveragePooling1D()])`` or the same
    built with ``model.add(...)``: the layer right before the pooling one."""
    if not _averages_steps(layer):
        return None
    previous = _previous_layer(layer)
    built = [value for value, rest in origins.origins(previous) if not rest] if previous is not None else []
    source = _keras_layer_outputs(built[0], ()) if len(built) == 1 and isinstance(built[0], nodes.Call) else None
    if source is None or source.time_axis != 1:
        return None
    return _finding(layer, tfapi.call_api(layer), "averages", source, "1")


def _previous_layer(layer: nodes.Call) -> Optional[nodes.NodeNG]:
    parent = layer.parent
    if isinstance(parent, (nodes.List, nodes.Tuple)) and isinstance(parent.parent, nodes.Call) \
            and tfapi.call_api(parent.parent) in _SEQUENTIALS:
        index = parent.elts.index(layer)
        return parent.elts[index - 1] if index > 0 else None
    if not (isinstance(parent, nodes.Call) and isinstance(parent.func, nodes.Attribute)
            and parent.func.attrname == "add" and isinstance(parent.parent, nodes.Expr)):
        return None
    statement = parent.parent.previous_sibling()
    model = tfapi.dotted_name(parent.func.expr)
    if not isinstance(statement, nodes.Expr) or not isinstance(statement.value, nodes.Call):
        return None
    previous = statement.value
    if not (isinstance(previous.func, nodes.Attribute) and previous.func.attrname == "add"
            and model is not None and tfapi.dotted_name(previous.func.expr) == model and previous.args):
        return None
    return previous.args[0]


def _reduced_axis(node: nodes.Call) -> Optional[int]:
    """The one literal axis a reduction reduces (``axis=1``, ``axis=[1]``, ``reduction_indices=1``)."""
    argument = callargs.call_argument(node, 1, "axis")
    if argument is None:
        argument = callargs.call_argument(node, None, "reduction_indices")
    if isinstance(argument, (nodes.List, nodes.Tuple)) and len(argument.elts) == 1:
        argument = argument.elts[0]
    axis = callargs.literal_value(argument)
    return axis if isinstance(axis, int) and not isinstance(axis, bool) else None


def _rnn_outputs(tensor: nodes.NodeNG) -> List[RnnOutputs]:
    """The stacked RNNs whose outputs ``tensor`` may be, wherever they come from: ``outputs`` of ``outputs,
    state = dynamic_rnn(...)``, ``dynamic_rnn(...)[0]``, ``(out_fw, out_bw), _ = bidirectional_dynamic_rnn(...)``,
    ``RNN(stack, return_sequences=True)(x)``, through names, ``self`` attributes, dicts and records of
    endpoints, helpers' returns and parameters (:func:`pylint_rnn.core.origins.origins`). A helper called
    with a stack's outputs at one call site and other tensors at another reduces the stack's time axis at
    that call: each origin counts."""
    found = (_outputs_of_origin(value, path) for value, path in origins.origins(tensor))
    return [item for item in found if item is not None]


def _outputs_of_origin(value: nodes.NodeNG, path: tuple) -> Optional[RnnOutputs]:
    if not isinstance(value, nodes.Call):
        return None
    if tfapi.call_api(value) in _STACKS and not path:
        return _stacked_steps(value)
    signature = tfapi.rnn_signature(value)
    if signature is not None:
        if path == (0,) and not signature.bidirectional:
            return _outputs_of_call(value, None)
        if len(path) == 2 and path[0] == 0 and path[1] in (0, 1) and signature.bidirectional:
            return _outputs_of_call(value, path[1])
        return None
    return _keras_outputs(value, path)


def _stacked_steps(stack: nodes.Call) -> Optional[RnnOutputs]:
    """``tf.stack(outputs, axis=a)`` of a static RNN's list of steps: one tensor whose time axis is ``a``."""
    steps = callargs.call_argument(stack, 0, "values")
    axis_argument = callargs.call_argument(stack, 1, "axis")
    axis = 0 if axis_argument is None else callargs.literal_value(axis_argument)
    if steps is None or axis not in (0, 1) or isinstance(axis, bool):
        return None
    static = [source for source in _rnn_outputs(steps) if source.time_axis == timeaxis.STEP_LIST]
    return static[0]._replace(time_axis=axis) if static else None


def _outputs_of_call(call: nodes.Call, direction: Optional[int]) -> Optional[RnnOutputs]:
    """The outputs of an RNN function on a stacked cell (``direction``: 0 forward, 1 backward, None for
    the outputs of a unidirectional RNN)."""
    signature = tfapi.rnn_signature(call)
    if signature is None or signature.cell_lists or signature.inputs is None:
        return None
    position, keyword = signature.cells[direction if signature.bidirectional else 0]
    stack = _stack_of(callargs.call_argument(call, position, keyword))
    axis = timeaxis.rnn_time_axis(call)
    if stack is None or axis is None:
        return None
    return RnnOutputs(tfapi.short_name(tfapi.call_api(call)), axis, stack)


def _keras_outputs(applied: nodes.Call, path: tuple) -> Optional[RnnOutputs]:
    """``RNN(stacked_cells, return_sequences=True)(x)``: the layer inline, through a name or attribute, or
    built by a helper (``stacked_rnn(...)(x)``)."""
    built = [value for value, rest in origins.origins(applied.func) if not rest]
    if len(built) != 1 or not isinstance(built[0], nodes.Call):
        return None
    return _keras_layer_outputs(built[0], path)


def _keras_layer_outputs(layer: nodes.Call, path: tuple) -> Optional[RnnOutputs]:
    """The sequences a Keras ``RNN`` layer on stacked cells returns (``return_sequences=True``; with
    ``return_state=True`` they are element 0 of its result)."""
    if tfapi.call_api(layer) != tfapi.KERAS_RNN:
        return None
    if callargs.literal_value(callargs.call_argument(layer, None, "return_sequences")) is not True:
        return None
    returns_state = callargs.literal_value(callargs.call_argument(layer, None, "return_state")) is True
    major = tfapi.time_major(layer)
    if path != ((0,) if returns_state else ()) or major is None:
        return None
    label = _keras_stack_label(callargs.call_argument(layer, 0, "cell"))
    return RnnOutputs(_KERAS_PRODUCER, 0 if major else 1, label) if label is not None else None


def _keras_stack_label(cell: Optional[nodes.NodeNG]) -> Optional[str]:
    """How a Keras RNN's stacked cells are shown: a list of cells (literal, comprehension, ``[c] * n``, a
    name bound to one) or a StackedRNNCells; None for a single cell."""
    if cell is None:
        return None
    values = [value for value, rest in origins.origins(cell) if not rest]
    if len(values) == 1 and isinstance(values[0], (nodes.List, nodes.Tuple, nodes.ListComp, nodes.BinOp)):
        if timeaxis.stack_depth(values[0]) is None and not isinstance(values[0], nodes.List):
            return None
        return f"'{cell.as_string()}'" if isinstance(cell, (nodes.Name, nodes.Attribute)) else "RNN([...])"
    return _stack_of(cell)


def _stack_of(cell: Optional[nodes.NodeNG], depth: int = 0) -> Optional[str]:
    """A label for the cell when it is a stack (MultiRNNCell/StackedRNNCells, wrapped or not), wherever it
    is built: every origin of the cell must be one."""
    if cell is None or depth > _MAX_DEPTH:
        return None
    found = origins.origins(cell)
    labels = set()
    for value, rest in found:
        if rest or not isinstance(value, nodes.Call) or _is_user_class_call(value):
            return None
        api = tfapi.call_api(value)
        if tfapi.is_cell_stack(api):
            labels.add(tfapi.short_name(api))
        elif tfapi.is_cell_wrapper(api):
            inner = _stack_of(callargs.call_argument(value, 0, "cell"), depth + 1)
            if inner is None:
                return None
            labels.add(inner.strip("'"))
        else:
            return None
    if not labels:
        return None
    named = isinstance(cell, (nodes.Name, nodes.Attribute))
    return f"'{cell.as_string()}'" if named else f"'{sorted(labels)[0]}'"


def _is_user_class_call(call: nodes.Call) -> bool:
    """``MyMultiRNNCell(...)``: a class of the user's own that subclasses a TF API (it may behave
    differently, e.g. return every layer's output)."""
    func = call.func
    if not isinstance(func, nodes.Name):
        return False
    binding = single_binding(func)
    if isinstance(binding, nodes.ClassDef):
        return True
    return isinstance(binding, nodes.ImportFrom) and bool(
        binding.level or binding.modname.split(".")[0] not in (tfapi.TF_ROOT,) + tfapi.KERAS_ROOTS)
