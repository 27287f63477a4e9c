"""Reducing a stacked RNN's outputs over the time axis when the layers were meant (opt-in).

Seed 004: ``tf.reduce_sum(outputs, axis=1)`` on the outputs of ``dynamic_rnn`` run on a ``MultiRNNCell``
adds up time steps, not layers: a stack exposes only its top layer's outputs. Pooling over time is often
intended, so the rule (rnn-time-axis-reduction) is off by default. The outputs' time axis comes from
:mod:`pylint_rnn.core.timeaxis`; where the tree does not say, nothing is reported.
"""
from __future__ import annotations

from typing import NamedTuple, Optional

from astroid import nodes

from pylint_rnn.analyses import Finding
from pylint_rnn.core import tfapi, timeaxis
from pylint_rnn.core.bindings import single_binding

REDUCTION = "rnn-time-axis-reduction"

_SUMS = frozenset({"tf.reduce_sum", "tf.math.reduce_sum", "tf.keras.backend.sum"})
_AVERAGES = frozenset({"tf.reduce_mean", "tf.math.reduce_mean", "tf.keras.backend.mean"})
_ADD_N = frozenset({"tf.add_n", "tf.math.add_n"})
REDUCTIONS = _SUMS | _AVERAGES | _ADD_N
_KERAS_PRODUCER = "the RNN layer"
_MAX_DEPTH = 6  # how far names and wrappers are followed to the stacked cell


class RnnOutputs(NamedTuple):
    """A tensor that is the outputs of an RNN run on a stacked cell."""

    producer: str  # "dynamic_rnn", "the RNN layer", ...
    time_axis: timeaxis.TimeAxis  # 0, 1, or STEP_LIST for a static RNN's list of steps
    stack: str  # how the stacked cell is shown: "'multi_cell'", "RNN([...])"


def time_axis_reduction(node: nodes.Call) -> Optional[Finding]:
    """``reduce_sum`` / ``reduce_mean`` / ``add_n`` / ``K.sum`` / ``K.mean`` over the time axis of the
    outputs of an RNN on a MultiRNNCell / StackedRNNCells / Keras ``RNN([...])``."""
    api = tfapi.call_api(node)
    if api not in REDUCTIONS:
        return None
    tensor = tfapi.call_argument(node, 0, "inputs" if api in _ADD_N else "input_tensor")
    if tensor is None and api.startswith("tf.keras.backend."):
        tensor = tfapi.call_argument(node, 0, "x")
    source = _rnn_outputs(tensor) if tensor is not None else None
    if source is None:
        return None
    if api in _ADD_N:
        if source.time_axis != timeaxis.STEP_LIST:
            return None
        axis_shown = "0 (the list of steps)"
    else:
        axis = _reduced_axis(node)
        if axis is None or axis != (0 if source.time_axis == timeaxis.STEP_LIST else source.time_axis):
            return None
        axis_shown = str(axis)
    verb = "averages" if api in _AVERAGES else "sums"
    stack_class = "StackedRNNCells" if source.producer == _KERAS_PRODUCER else "MultiRNNCell"
    return Finding(REDUCTION, node, (tfapi.short_name(api), verb, source.producer, axis_shown, source.stack),
                   (stack_class,))


def _reduced_axis(node: nodes.Call) -> Optional[int]:
    """The one literal axis a reduction reduces (``axis=1``, ``axis=[1]``, ``reduction_indices=1``)."""
    argument = tfapi.call_argument(node, 1, "axis")
    if argument is None:
        argument = tfapi.call_argument(node, None, "reduction_indices")
    if isinstance(argument, (nodes.List, nodes.Tuple)) and len(argument.elts) == 1:
        argument = argument.elts[0]
    axis = tfapi.literal_value(argument)
    return axis if isinstance(axis, int) and not isinstance(axis, bool) else None


def _rnn_outputs(tensor: nodes.NodeNG) -> Optional[RnnOutputs]:
    """The RNN whose outputs ``tensor`` is: ``outputs`` of ``outputs, state = dynamic_rnn(...)``,
    ``dynamic_rnn(...)[0]``, ``(out_fw, out_bw), _ = bidirectional_dynamic_rnn(...)``, or
    ``RNN(stack, return_sequences=True)(x)``."""
    if isinstance(tensor, nodes.Subscript):
        if tfapi.literal_value(tensor.slice) == 0 and isinstance(tensor.value, nodes.Call):
            return _outputs_of_call(tensor.value, 0)
        return None
    binding = single_binding(tensor) if isinstance(tensor, nodes.Name) else None
    if not isinstance(binding, nodes.AssignName):
        return None
    assign = binding.parent
    if isinstance(assign, nodes.Assign):
        value = assign.value
        if isinstance(value, nodes.Subscript) and tfapi.literal_value(value.slice) == 0 \
                and isinstance(value.value, nodes.Call):
            return _outputs_of_call(value.value, None)
        if isinstance(value, nodes.Call) and isinstance(value.func, (nodes.Call, nodes.Name)):
            return _keras_outputs(value)
        return None
    if not isinstance(assign, (nodes.Tuple, nodes.List)):
        return None
    # Unpacked: the outputs are the first element; a bidirectional RNN's are a (fw, bw) pair inside it.
    path = [assign.elts.index(binding)]
    while isinstance(assign.parent, (nodes.Tuple, nodes.List)):
        path.insert(0, assign.parent.elts.index(assign))
        assign = assign.parent
    statement = assign.parent
    if not isinstance(statement, nodes.Assign) or path[0] != 0 or len(path) > 2 \
            or not isinstance(statement.value, nodes.Call):
        return None
    return _outputs_of_call(statement.value, path[1] if len(path) == 2 else None)


def _outputs_of_call(call: nodes.Call, direction: Optional[int]) -> Optional[RnnOutputs]:
    """The outputs of an RNN function on a stacked cell (``direction``: 0 forward, 1 backward, None for
    the outputs of a unidirectional RNN)."""
    signature = tfapi.rnn_signature(call)
    if signature is None or signature.cell_lists or signature.inputs is None:
        return None
    if signature.bidirectional and direction is None:
        return None  # (fw, bw) outputs as one tuple: not a tensor with a time axis
    position, keyword = signature.cells[direction if signature.bidirectional else 0]
    stack = _stack_of(tfapi.call_argument(call, position, keyword))
    axis = timeaxis.rnn_time_axis(call)
    if stack is None or axis is None:
        return None
    return RnnOutputs(tfapi.short_name(tfapi.call_api(call)), axis, stack)


def _keras_outputs(applied: nodes.Call) -> Optional[RnnOutputs]:
    """``RNN(stacked_cells, return_sequences=True)(x)`` (the layer inline or through a name)."""
    layer = applied.func
    if isinstance(layer, nodes.Name):
        layer = timeaxis.value_of(layer)
    if not isinstance(layer, nodes.Call) or tfapi.call_api(layer) != tfapi.KERAS_RNN:
        return None
    if tfapi.literal_value(tfapi.call_argument(layer, None, "return_sequences")) is not True:
        return None
    major = tfapi.time_major(layer)
    if major is None:
        return None
    cell = tfapi.call_argument(layer, 0, "cell")
    value = timeaxis.value_of(cell) if isinstance(cell, nodes.Name) else cell
    if isinstance(value, (nodes.List, nodes.Tuple, nodes.ListComp, nodes.BinOp)):
        if timeaxis.stack_depth(cell) is None and not isinstance(value, nodes.List):
            return None
        label = f"'{cell.as_string()}'" if isinstance(cell, nodes.Name) else "RNN([...])"
    else:
        label = _stack_of(cell)
        if label is None:
            return None
    return RnnOutputs(_KERAS_PRODUCER, 0 if major else 1, label)


def _stack_of(cell: Optional[nodes.NodeNG], depth: int = 0) -> Optional[str]:
    """A label for the cell when it is a stack (MultiRNNCell/StackedRNNCells, wrapped or not)."""
    if cell is None or depth > _MAX_DEPTH:
        return None
    value = timeaxis.value_of(cell) if isinstance(cell, (nodes.Name, nodes.Attribute)) else cell
    if not isinstance(value, nodes.Call) or _is_user_class_call(value):
        return None
    api = tfapi.call_api(value)
    named = isinstance(cell, (nodes.Name, nodes.Attribute))
    if tfapi.is_cell_stack(api):
        return f"'{cell.as_string() if named else tfapi.short_name(api)}'"
    if tfapi.is_cell_wrapper(api):
        inner = _stack_of(tfapi.call_argument(value, 0, "cell"), depth + 1)
        return f"'{cell.as_string()}'" if inner is not None and named else inner
    return None


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
