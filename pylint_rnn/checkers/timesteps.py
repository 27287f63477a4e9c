"""Layers versus time steps: stacks as deep as the sequence, a cell per step, sums over the time axis.

Seed 002: ``MultiRNNCell([BasicRNNCell(n) for _ in range(seq_length)])`` run by ``dynamic_rnn`` builds
``seq_length`` *layers*, each with its own weights, while ``dynamic_rnn`` already unrolls one cell over the
time steps with one set of weights. Building a new cell inside a manual loop over the time steps has the
same effect. Seed 004: ``tf.reduce_sum(outputs, axis=1)`` on the outputs of a stacked cell adds up time
steps, not layers: a stack exposes only its top layer's outputs.

Everything is decided from the module's own tree (names, literal shapes, loops); where the tree does not
say, the checks stay silent.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, List, Optional, Sequence, Tuple

from astroid import nodes
from pylint.checkers import BaseChecker

from pylint_rnn.checkers import CHECKER_NAME
from pylint_rnn.checkers._guard import never_crash
from pylint_rnn.core import effects as fx
from pylint_rnn.core import scopes, tfapi
from pylint_rnn.core.bindings import assigned_value, is_inside, method_class, single_binding
from pylint_rnn.core.cache import module_cached

# --- the name lists (defaults of the two options) ---------------------------------------------------------

# Matched in full against the last component of a name (``FLAGS.num_steps`` -> ``num_steps``), ignoring case.
DEFAULT_TIME_STEP_NAMES = (
    r"(max_?)?(seq|sequence|sent|sentence|input|src|tgt|source|target|time|text|doc)_?len(gth)?s?",
    r"max_?len(gth)?",
    r"max_?time",
    r"(num|n|nb|number_of)_?(time_?|unroll(ed)?_?)?steps?",
    r"time_?steps?",
    r"(num_?)?unroll(s|ings?|_steps|_len|_length)?",
    r"bptt(_?len|_?length|_?steps)?",
    r"(truncated_)?backprop_?len(gth)?",
    r"look_?back",
    r"window(_?size|_?len|_?length)?",
)
DEFAULT_LAYER_COUNT_NAMES = (
    r"(num|n|nb|number_of|total)_?(rnn_|lstm_|gru_|stacked_|hidden_|recurrent_|encoder_|decoder_|enc_|dec_)?"
    r"layers?",
    r"(rnn_|lstm_|gru_|stacked_|hidden_|recurrent_|encoder_|decoder_)?layers",
    r"(rnn_|lstm_|gru_|network_|model_|stack_|encoder_|decoder_)?depth",
    r"layer_?(num|count|cnt|number)s?",
    r"(num|n)_?stack(s|ed)?(_layers)?",
    r"stack_?(size|depth|height)",
    r"(num|n)_?(rnn_|lstm_)?cells",
)

_MAX_DEPTH = 6
_BOUNDARIES = (nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.Lambda, nodes.ClassDef)
_RANGE_NAMES = ("range", "xrange")

_REDUCTIONS = frozenset({
    "tf.reduce_sum", "tf.reduce_mean", "tf.math.reduce_sum", "tf.math.reduce_mean",
    "tf.keras.backend.sum", "tf.keras.backend.mean",
})
_ADD_N = frozenset({"tf.add_n", "tf.math.add_n"})
_SHAPE_FULL = {  # API -> (position, keyword) of a shape argument that includes the batch dimension
    "tf.placeholder": (1, "shape"),
    "tf.zeros": (0, "shape"), "tf.ones": (0, "shape"),
    "tf.random_normal": (0, "shape"), "tf.random.normal": (0, "shape"),
    "tf.random_uniform": (0, "shape"), "tf.random.uniform": (0, "shape"),
    "tf.truncated_normal": (0, "shape"), "tf.random.truncated_normal": (0, "shape"),
    "tf.reshape": (1, "shape"),
}
_KERAS_INPUTS = frozenset({"tf.keras.Input", "tf.keras.layers.Input", "tf.keras.layers.InputLayer"})
# Keras layers that keep the time axis where it is: follow them back to the model's Input.
_KERAS_TIME_PRESERVING = frozenset(f"tf.keras.layers.{n}" for n in (
    "Embedding", "Dense", "Dropout", "Masking", "TimeDistributed", "BatchNormalization", "LayerNormalization",
    "Activation", "SpatialDropout1D", "GaussianNoise", "GaussianDropout",
))
_KERAS_LAYER = "a recurrent layer"
_UNSTACK = frozenset({"tf.unstack", "tf.unpack"})
_SPLIT = frozenset({"tf.split"})
_TRANSPOSE = frozenset({"tf.transpose"})
_EMBEDDING_LOOKUP = frozenset({"tf.nn.embedding_lookup"})

# RNN function -> (positions/keywords of its cell arguments, position/keyword of its inputs, kind)
_RNN_CELL_ARGS = {
    "tf.nn.dynamic_rnn": (((0, "cell"),), (1, "inputs"), "dynamic"),
    "tf.nn.static_rnn": (((0, "cell"),), (1, "inputs"), "static"),
    "tf.nn.static_state_saving_rnn": (((0, "cell"),), (1, "inputs"), "static"),
    "tf.nn.bidirectional_dynamic_rnn": (((0, "cell_fw"), (1, "cell_bw")), (2, "inputs"), "dynamic"),
    "tf.nn.static_bidirectional_rnn": (((0, "cell_fw"), (1, "cell_bw")), (2, "inputs"), "static"),
}
_RNN_CELL_LISTS = {  # functions that take lists of cells: the lists are stacks
    "tf.contrib.rnn.stack_bidirectional_dynamic_rnn": (((0, "cells_fw"), (1, "cells_bw")), (2, "inputs"),
                                                       "dynamic"),
    "tf.contrib.rnn.stack_bidirectional_rnn": (((0, "cells_fw"), (1, "cells_bw")), (2, "inputs"), "static"),
}


# --- small tree helpers -----------------------------------------------------------------------------------


def _walk(root: nodes.NodeNG) -> Iterator[nodes.NodeNG]:
    """Every node under root, not descending into nested functions, lambdas or classes."""
    stack = list(root.get_children())
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, _BOUNDARIES):
            continue
        stack.extend(current.get_children())


def _self_attribute_value(attr: nodes.Attribute) -> Optional[nodes.NodeNG]:
    """``self.cell`` -> the value of the one ``self.cell = ...`` in the class, if there is exactly one."""
    klass = method_class(attr.expr)
    if klass is None:
        return None

    def compute():
        found = {}
        for assign_attr in klass.nodes_of_class(nodes.AssignAttr):
            if isinstance(assign_attr.expr, nodes.Name) and assign_attr.expr.name in ("self", "cls"):
                found.setdefault(assign_attr.attrname, []).append(assign_attr)
        return found

    candidates = module_cached("self-attrs", klass, compute, {}).get(attr.attrname, [])
    if len(candidates) != 1:
        return None
    parent = candidates[0].parent
    if isinstance(parent, nodes.Assign) and candidates[0] in parent.targets:
        return parent.value
    return None


def _value_of(expr: Optional[nodes.NodeNG], depth: int = 0) -> Optional[nodes.NodeNG]:
    """Follow a name (or ``self.x``) to the one expression assigned to it; other expressions are themselves."""
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


def _last_name(expr: nodes.NodeNG) -> Optional[str]:
    if isinstance(expr, nodes.Name):
        return expr.name
    if isinstance(expr, nodes.Attribute):
        return expr.attrname
    return None


def _range_count(call: nodes.NodeNG) -> Optional[nodes.NodeNG]:
    """``range(d)`` / ``range(0, d)`` -> d."""
    if not (isinstance(call, nodes.Call) and isinstance(call.func, nodes.Name)
            and call.func.name in _RANGE_NAMES and not call.keywords):
        return None
    if len(call.args) == 1:
        return call.args[0]
    if len(call.args) == 2 and tfapi.literal_value(call.args[0]) == 0:
        return call.args[1]
    return None


def _is_user_class_call(call: nodes.Call) -> bool:
    """``MyMultiRNNCell(...)``: a class of the user's own that subclasses a TF API (it may behave differently)."""
    func = call.func
    if isinstance(func, nodes.Name):
        binding = single_binding(func)
        if isinstance(binding, nodes.ClassDef):
            return True
        if isinstance(binding, nodes.ImportFrom) and (binding.level or binding.modname.split(".")[0] not in (
                (tfapi.TF_ROOT,) + tfapi.KERAS_ROOTS)):
            return True
    return False


# --- counts: "how many", and what the count is called -----------------------------------------------------


@dataclass(frozen=True)
class Count:
    """A number written in the code: the expression, the names it goes by, and its value if literal."""

    expr: Optional[nodes.NodeNG]
    names: Tuple[str, ...]  # last components of the names along the alias chain (``n = FLAGS.seq_len``)
    texts: Tuple[str, ...]  # the dotted spellings along that chain
    value: Optional[int]
    kind: str = "count"  # "count" (range/multiplication/loop), "literal" (an explicit list)
    items: Tuple[nodes.NodeNG, ...] = ()  # for "literal": the listed elements

    def shown(self) -> str:
        if self.expr is None:
            return str(self.value)
        text = self.expr.as_string()
        if self.value is not None and text != str(self.value):
            return f"{text} ({self.value})"
        return text


def count_of(expr: nodes.NodeNG) -> Count:
    names, texts = [], []
    value = None
    current, depth = expr, 0
    while current is not None and depth < _MAX_DEPTH:
        if isinstance(current, nodes.Call) and isinstance(current.func, nodes.Name) \
                and current.func.name == "int" and len(current.args) == 1:
            current = current.args[0]
            continue
        literal = tfapi.literal_value(current)
        if isinstance(literal, int) and not isinstance(literal, bool):
            value = literal
            break
        name = _last_name(current)
        if name is None:
            break
        names.append(name)
        dotted = tfapi.dotted_name(current)
        if dotted:
            texts.append(dotted)
        if isinstance(current, nodes.Name):
            binding = single_binding(current)
            current = assigned_value(binding) if isinstance(binding, nodes.AssignName) else None
        else:
            current = None
        depth += 1
    return Count(expr, tuple(names), tuple(texts), value)


def _depth_of_cells(expr: Optional[nodes.NodeNG], element_ok=None, depth: int = 0) -> Optional[Count]:
    """How many layers a list of cells/layers has, as written: ``[f() for _ in range(d)]``, ``[c] * d``,
    ``[a, b, c]``, or a name bound to those or to ``[]`` filled by ``.append`` in a ``for _ in range(d)``."""
    if expr is None or depth > _MAX_DEPTH:
        return None
    if isinstance(expr, nodes.ListComp) and len(expr.generators) == 1:
        generator = expr.generators[0]
        if generator.ifs:
            return None
        if element_ok is not None and not element_ok(expr.elt):
            return None
        count = _range_count(generator.iter)
        return count_of(count) if count is not None else None
    if isinstance(expr, (nodes.List, nodes.Tuple)):
        if any(isinstance(e, nodes.Starred) for e in expr.elts):
            return None
        if element_ok is not None and not all(element_ok(e) for e in expr.elts):
            return None
        return Count(None, (), (), len(expr.elts), "literal", tuple(expr.elts))
    if isinstance(expr, nodes.BinOp) and expr.op == "*":
        for sequence, times in ((expr.left, expr.right), (expr.right, expr.left)):
            if isinstance(sequence, (nodes.List, nodes.Tuple)) and len(sequence.elts) == 1:
                if element_ok is not None and not element_ok(sequence.elts[0]):
                    return None
                return count_of(times)
        return None
    if isinstance(expr, nodes.Name):
        binding = single_binding(expr)
        if not isinstance(binding, nodes.AssignName):
            return None
        value = assigned_value(binding)
        if isinstance(value, nodes.List) and not value.elts:
            return _appended_depth(binding, expr, element_ok)
        return _depth_of_cells(value, element_ok, depth + 1)
    return None


def _appended_depth(binding: nodes.AssignName, use: nodes.Name, element_ok) -> Optional[Count]:
    """``cells = []; for _ in range(d): cells.append(...)`` -> d (exactly one append, in one range loop)."""
    frame = binding.frame()
    name = binding.name
    appends = []
    for node in _walk(frame):
        if isinstance(node, nodes.Call) and isinstance(node.func, nodes.Attribute) \
                and isinstance(node.func.expr, nodes.Name) and node.func.expr.name == name:
            if node.func.attrname != "append":
                return None  # extend/insert/...: the count is not one loop's
            appends.append(node)
        elif isinstance(node, nodes.AugAssign) and isinstance(node.target, nodes.AssignName) \
                and node.target.name == name:
            return None
    if len(appends) != 1:
        return None
    append = appends[0]
    if not (binding.lineno or 0) <= (append.lineno or 0) <= (use.lineno or 0):
        return None
    if len(append.args) != 1 or (element_ok is not None and not element_ok(append.args[0])):
        return None
    loops = []
    current = append.parent
    while current is not None and current is not frame:
        if isinstance(current, (nodes.For, nodes.While, nodes.If, nodes.Try, nodes.AsyncFor)):
            loops.append(current)
        current = current.parent
    if len(loops) != 1 or not isinstance(loops[0], nodes.For):
        return None
    count = _range_count(loops[0].iter)
    return count_of(count) if count is not None else None


# --- the time dimension of a tensor ------------------------------------------------------------------------


def time_dim(expr: Optional[nodes.NodeNG], axis: int, depth: int = 0) -> Optional[nodes.NodeNG]:
    """The expression giving dimension ``axis`` (counted with the batch) of a tensor, if the code spells it."""
    if expr is None or depth > _MAX_DEPTH:
        return None
    if isinstance(expr, (nodes.Name, nodes.Attribute)) and not isinstance(expr, nodes.Call):
        value = _value_of(expr)
        return time_dim(value, axis, depth + 1) if value is not None and value is not expr else None
    if not isinstance(expr, nodes.Call):
        return None
    if isinstance(expr.func, nodes.Call):
        # A Keras layer applied to a tensor: follow layers that keep the time axis.
        layer_api = tfapi.call_api(expr.func)
        if layer_api in _KERAS_TIME_PRESERVING and expr.args:
            return time_dim(expr.args[0], axis, depth + 1)
        return None
    api = tfapi.call_api(expr)
    if api is None:
        return None
    if api in _SHAPE_FULL:
        position, keyword = _SHAPE_FULL[api]
        return _shape_element(tfapi.call_argument(expr, position, keyword), axis)
    if api in _KERAS_INPUTS:
        batch_shape = tfapi.call_argument(expr, None, "batch_shape") or tfapi.call_argument(
            expr, None, "batch_input_shape")
        if batch_shape is not None:
            return _shape_element(batch_shape, axis)
        keyword = "input_shape" if api.endswith("InputLayer") else "shape"
        return _shape_element(tfapi.call_argument(expr, 0, keyword), axis - 1)
    if api in _EMBEDDING_LOOKUP:
        return time_dim(tfapi.call_argument(expr, 1, "ids"), axis, depth + 1)
    if api in _TRANSPOSE:
        perm = tfapi.call_argument(expr, 1, "perm")
        if isinstance(perm, (nodes.List, nodes.Tuple)) and axis < len(perm.elts):
            source = tfapi.literal_value(perm.elts[axis])
            if isinstance(source, int):
                return time_dim(tfapi.call_argument(expr, 0, "a"), source, depth + 1)
        return None
    return None


def _shape_element(shape: Optional[nodes.NodeNG], index: int) -> Optional[nodes.NodeNG]:
    shape = _value_of(shape) if isinstance(shape, nodes.Name) else shape
    if isinstance(shape, (nodes.List, nodes.Tuple)) and 0 <= index < len(shape.elts):
        element = shape.elts[index]
        if isinstance(element, nodes.Starred) or tfapi.literal_value(element) is None:
            return None
        if any(isinstance(e, nodes.Starred) for e in shape.elts[:index]):
            return None
        return element
    return None


def steps_of_list(expr: Optional[nodes.NodeNG], depth: int = 0) -> Optional[nodes.NodeNG]:
    """How many per-step tensors a list of inputs holds (the inputs of static_rnn)."""
    if expr is None or depth > _MAX_DEPTH:
        return None
    if isinstance(expr, (nodes.Name, nodes.Attribute)):
        value = _value_of(expr)
        return steps_of_list(value, depth + 1) if value is not None and value is not expr else None
    if isinstance(expr, nodes.ListComp) and len(expr.generators) == 1:
        return _range_count(expr.generators[0].iter)
    if isinstance(expr, nodes.Call):
        api = tfapi.call_api(expr)
        if api in _UNSTACK:
            num = tfapi.call_argument(expr, 1, "num")
            if num is not None and tfapi.literal_value(num) is not None:
                return num
            axis = tfapi.literal_value(tfapi.call_argument(expr, 2, "axis"))
            axis = 0 if tfapi.call_argument(expr, 2, "axis") is None else axis
            if isinstance(axis, int) and axis >= 0:
                return time_dim(tfapi.call_argument(expr, 0, "value"), axis, depth + 1)
        if api in _SPLIT:
            num = tfapi.call_argument(expr, 1, "num_or_size_splits")
            if num is not None and not isinstance(num, (nodes.List, nodes.Tuple)):
                return num
    return None


# --- the checker --------------------------------------------------------------------------------------------


def _keras_recurrent(expr: nodes.NodeNG) -> bool:
    """A Keras recurrent layer constructor (Bidirectional around one included)."""
    if not isinstance(expr, nodes.Call):
        return False
    api = tfapi.call_api(expr)
    if tfapi.is_keras_rnn_layer(api):
        return True
    if api == tfapi.KERAS_BIDIRECTIONAL:
        return _keras_recurrent(tfapi.call_argument(expr, 0, "layer"))
    return False


def _is_sequential(api: Optional[str]) -> bool:
    return bool(api) and api.startswith("tf.keras.") and api.rsplit(".", 1)[-1] == "Sequential"


def _identical(elements: Sequence[nodes.NodeNG]) -> bool:
    """Were the listed layers all built the same way (same constructor, same positional arguments)?"""
    shapes = set()
    for element in elements:
        if not isinstance(element, nodes.Call):
            return False
        shapes.add((element.func.as_string(), tuple(a.as_string() for a in element.args)))
    return len(shapes) == 1


def _short(api: Optional[str]) -> str:
    return api.rsplit(".", 1)[-1] if api else "?"


def _assigned_name(node: nodes.NodeNG) -> Optional[str]:
    """The name a call's result is bound to (``multi = MultiRNNCell(...)`` -> 'multi'), if any."""
    parent = node.parent
    if isinstance(parent, nodes.Assign) and len(parent.targets) == 1:
        target = parent.targets[0]
        if isinstance(target, nodes.AssignName):
            return target.name
        if isinstance(target, nodes.AssignAttr):
            dotted = tfapi.dotted_name(target.expr)
            return f"{dotted}.{target.attrname}" if dotted else None
    return None


def _uses_in_frame(node: nodes.Call) -> List[nodes.NodeNG]:
    """Where the value built by node flows: node itself when used inline, else the loads of the name
    (or ``self.attr``) it is assigned to, in the same frame (or the same class for ``self.attr``)."""
    parent = node.parent
    if not (isinstance(parent, nodes.Assign) and len(parent.targets) == 1):
        return [node]
    target = parent.targets[0]
    if isinstance(target, nodes.AssignName):
        frame = node.frame()
        return [n for n in _walk(frame) if isinstance(n, nodes.Name) and n.name == target.name
                and (n.lineno or 0) >= (node.lineno or 0)]
    if isinstance(target, nodes.AssignAttr) and isinstance(target.expr, nodes.Name) \
            and target.expr.name in ("self", "cls"):
        method = node.frame()
        klass = method.parent if isinstance(method, nodes.FunctionDef) else None
        if not isinstance(klass, nodes.ClassDef):
            return []
        return [n for n in klass.nodes_of_class(nodes.Attribute) if n.attrname == target.attrname
                and isinstance(n.expr, nodes.Name) and n.expr.name == target.expr.name]
    return []


class TimeStepsChecker(BaseChecker):
    name = CHECKER_NAME
    msgs = {
        "W7906": (
            "%s stacks %s layers, %s: one layer per time step, each with its own weights, although %s "
            "already unrolls the time steps with one set of weights; use one %s (or num_layers of them)",
            "rnn-layers-as-timesteps",
            "The depth of a MultiRNNCell, StackedRNNCells, Keras RNN([...]) stack or Sequential of recurrent "
            "layers is the number of *layers*. Here it is a sequence-length quantity (a name such as "
            "seq_length/num_steps, or the same value as the time dimension of the input), which suggests "
            "the stack was meant to be 'one cell per time step'. dynamic_rnn / static_rnn / the Keras RNN "
            "layer already unroll a cell over every time step with one shared set of weights; the stack "
            "instead adds that many layers with separate weights (seed 002: 'cell_0 ... cell_2' "
            "variables). Use a single cell, or a stack whose depth is a layer count (num_layers). Names "
            "are configured with time-step-names / layer-count-names.",
        ),
        "W7907": (
            "new cell %s is built inside the loop over time steps (%s) and called on each step's input: "
            "every time step gets its own weights; build the cell once before the loop and call that one "
            "cell at every step",
            "rnn-cell-per-timestep",
            "A manual unroll must apply one cell (one set of weights) at every time step. Constructing "
            "the cell inside the loop makes a new cell, and with it new variables, for every step, so the "
            "'recurrent' network has no shared weights across time. Build the cell before the loop and "
            "call it at each step (TF1: with reuse switched on after the first step, e.g. "
            "``if t > 0: tf.get_variable_scope().reuse_variables()``; Keras cells share by object), or "
            "let dynamic_rnn / tf.keras.layers.RNN do the unrolling.",
        ),
        "C7908": (
            "%s reduces the outputs of %s over axis %s, the time axis: it sums time steps, not the layers "
            "of stacked cell %s, whose outputs are only its top layer's; to combine layers, return every "
            "layer's output from the cell (e.g. a %s subclass)",
            "rnn-time-axis-reduction",
            "The outputs of an RNN run on a MultiRNNCell / StackedRNNCells are the top layer's outputs at "
            "every time step: the lower layers are not exposed. Reducing them over the time axis (axis 1, "
            "or 0 with time_major=True) pools over time, which is fine when that is intended but is not "
            "'the sum of the layers' outputs' (seed 004). To sum layers, write a cell whose call returns "
            "the sum of its layers' outputs. Disabled by default (pooling over time is often intended); "
            "enable with --enable=rnn-time-axis-reduction.",
            {"default_enabled": False},
        ),
    }
    options = (
        (
            "time-step-names",
            {
                "default": ",".join(DEFAULT_TIME_STEP_NAMES),
                "type": "regexp_csv",
                "metavar": "<regexp>[,<regexp>...]",
                "help": "Names (regular expressions matched in full, case-insensitively, against the last "
                        "component of a name) that denote a number of time steps. A stack depth or loop "
                        "count with such a name is read as a sequence length (rnn-layers-as-timesteps, "
                        "rnn-cell-per-timestep).",
            },
        ),
        (
            "layer-count-names",
            {
                "default": ",".join(DEFAULT_LAYER_COUNT_NAMES),
                "type": "regexp_csv",
                "metavar": "<regexp>[,<regexp>...]",
                "help": "Names (regular expressions matched in full, case-insensitively, against the last "
                        "component of a name) that denote a number of layers. A stack depth or loop count "
                        "with such a name is never reported, even when it equals the time dimension.",
            },
        ),
    )

    def open(self) -> None:
        self._time_patterns = self._patterns("time_step_names")
        self._layer_patterns = self._patterns("layer_count_names")

    def _patterns(self, option: str) -> Tuple[re.Pattern, ...]:
        raw = getattr(self.linter.config, option, ()) or ()
        if isinstance(raw, str):
            raw = [p.strip() for p in raw.split(",") if p.strip()]
        out = []
        for pattern in raw:
            if isinstance(pattern, str):
                try:
                    pattern = re.compile(pattern)
                except re.error:
                    continue
            out.append(pattern)
        return tuple(out)

    def visit_module(self, _node: nodes.Module) -> None:
        self._reported = set()
        if not hasattr(self, "_time_patterns"):
            self.open()

    # --- naming -----------------------------------------------------------------------------------------

    @staticmethod
    def _matches(patterns, name: str) -> bool:
        lowered = name.lower()
        return any(p.fullmatch(name) or p.fullmatch(lowered) for p in patterns)

    def classify(self, count: Count) -> Optional[str]:
        """'layers' if any name of the count is a layer count, 'time' if one is a time-step count."""
        if any(self._matches(self._layer_patterns, n) for n in count.names):
            return "layers"
        if any(self._matches(self._time_patterns, n) for n in count.names):
            return "time"
        return None

    @staticmethod
    def same_count(depth: Count, steps: Count) -> bool:
        if depth.kind == "literal":
            # An explicit list equal to the time dimension: only when its layers are clones of each other.
            return (depth.value is not None and depth.value >= 3 and depth.value == steps.value
                    and _identical(depth.items))
        if depth.value is not None and depth.value < 2:
            return False
        if set(depth.texts) & set(steps.texts):
            return True  # one name for both: the stack was sized by the sequence
        # Two numbers written separately: 2 layers over 2 steps is too plausible a design to report.
        return depth.value is not None and depth.value >= 3 and depth.value == steps.value

    def _report(self, symbol: str, node: nodes.NodeNG, args: tuple) -> None:
        key = (symbol, id(node))
        if key in self._reported:
            return
        self._reported.add(key)
        self.add_message(symbol, node=node, args=args)

    # --- dispatch ---------------------------------------------------------------------------------------

    @never_crash
    def visit_call(self, node: nodes.Call) -> None:
        api = tfapi.call_api(node)
        if api is None:
            if self.linter.is_message_enabled("rnn-cell-per-timestep"):
                self._check_factory_in_loop(node)
            return
        if not api.startswith("tf."):
            return
        if tfapi.is_cell_stack(api):
            self._check_stack(node, api)
        elif api in _RNN_CELL_LISTS:
            self._check_cell_lists(node, api)
        elif api == "tf.keras.layers.RNN":
            self._check_keras_rnn(node)
        elif _is_sequential(api):
            self._check_sequential(node)
        if _keras_recurrent(node):
            self._check_layer_in_time_loop(node, api)
        if tfapi.is_rnn_function(api):
            self._check_rnn_in_time_loop(node, api)
        if tfapi.is_any_cell(api):
            self._check_cell_in_loop(node, api)
        if api in _REDUCTIONS or api in _ADD_N:
            self._check_reduction(node, api)

    # --- rnn-layers-as-timesteps ------------------------------------------------------------------------

    def _fire_depth(self, report: nodes.NodeNG, what: str, depth: Count, unroller: str,
                    steps: Optional[Count], steps_of: str) -> bool:
        verdict = self.classify(depth)
        if verdict == "layers":
            return False
        if verdict == "time":
            why = "a time-step count"
        elif steps is not None and self.classify(steps) != "layers" and self.same_count(depth, steps):
            why = f"the time dimension of {steps_of}"
        else:
            return False
        unit = "recurrent layer" if unroller == _KERAS_LAYER else "cell"
        self._report("rnn-layers-as-timesteps", report, (what, depth.shown(), why, unroller, unit))
        return True

    def _stack_label(self, node: nodes.Call, api: str) -> str:
        bound = _assigned_name(node)
        return f"{_short(api)} '{bound}'" if bound else _short(api)

    def _check_stack(self, node: nodes.Call, api: str) -> None:
        cells = tfapi.call_argument(node, 0, "cells")
        depth = _depth_of_cells(cells)
        if depth is None:
            return
        label = self._stack_label(node, api)
        verdict = self.classify(depth)
        if verdict == "layers":
            return
        consumers = list(self._consumers(node))
        unroller = consumers[0][0] if consumers else ("the RNN layer" if api.endswith("StackedRNNCells")
                                                     else "dynamic_rnn")
        if verdict == "time":
            self._fire_depth(node, label, depth, unroller, None, "")
            return
        for unroller, steps_expr, steps_of in consumers:
            if steps_expr is None:
                continue
            if self._fire_depth(node, label, depth, unroller, count_of(steps_expr), steps_of):
                return

    def _consumers(self, stack: nodes.Call) -> Iterator[Tuple[str, Optional[nodes.NodeNG], str]]:
        """(unroller, time-dimension expression or None, what it is the time dimension of) for each RNN
        function or Keras RNN layer the stack is passed to."""
        for use in _uses_in_frame(stack):
            parent = use.parent
            if isinstance(parent, nodes.Keyword):
                parent = parent.parent
            if not isinstance(parent, nodes.Call) or use is parent.func:
                continue
            api = tfapi.call_api(parent)
            if api in _RNN_CELL_ARGS:
                cell_args, (position, keyword), kind = _RNN_CELL_ARGS[api]
                if not any(tfapi.call_argument(parent, p, k) is use for p, k in cell_args):
                    continue
                inputs = tfapi.call_argument(parent, position, keyword)
                yield _short(api), self._rnn_input_steps(parent, inputs, kind), self._named(inputs)
            elif api == "tf.keras.layers.RNN" and tfapi.call_argument(parent, 0, "cell") is use:
                for steps, steps_of in self._keras_layer_steps(parent):
                    yield "the RNN layer", steps, steps_of

    @staticmethod
    def _named(expr: Optional[nodes.NodeNG]) -> str:
        if expr is None:
            return "the input"
        text = expr.as_string()
        return f"'{text}'" if len(text) <= 40 else "the input"

    @staticmethod
    def _rnn_input_steps(call: nodes.Call, inputs: Optional[nodes.NodeNG], kind: str) -> Optional[nodes.NodeNG]:
        if inputs is None:
            return None
        if kind == "static":
            return steps_of_list(inputs)
        time_major = tfapi.call_argument(call, None, "time_major")
        major = False if time_major is None else tfapi.literal_value(time_major)
        if major not in (True, False):
            return None
        return time_dim(inputs, 0 if major else 1)

    def _keras_layer_steps(self, layer: nodes.Call) -> Iterator[Tuple[nodes.NodeNG, str]]:
        """Time dimensions a Keras recurrent layer is given: input_shape=, or the tensor it is applied to."""
        time_major = tfapi.literal_value(tfapi.call_argument(layer, None, "time_major"))
        if tfapi.call_argument(layer, None, "time_major") is not None and time_major is not False:
            return
        for steps in self._declared_input_steps(layer):
            yield steps, "its input_shape"
        for use in _uses_in_frame(layer):
            parent = use.parent
            if isinstance(parent, nodes.Call) and parent.func is use and parent.args:
                steps = time_dim(parent.args[0], 1)
                if steps is not None:
                    yield steps, self._named(parent.args[0])

    @staticmethod
    def _declared_input_steps(layer: nodes.Call) -> Iterator[nodes.NodeNG]:
        shape = tfapi.call_argument(layer, None, "input_shape")
        if shape is not None:
            element = _shape_element(shape, 0)
            if element is not None:
                yield element
        batch_shape = tfapi.call_argument(layer, None, "batch_input_shape")
        if batch_shape is not None:
            element = _shape_element(batch_shape, 1)
            if element is not None:
                yield element
        length = tfapi.call_argument(layer, None, "input_length")
        if length is not None and tfapi.literal_value(length) is not None:
            yield length

    def _check_cell_lists(self, node: nodes.Call, api: str) -> None:
        cell_args, (position, keyword), kind = _RNN_CELL_LISTS[api]
        inputs = tfapi.call_argument(node, position, keyword)
        steps = self._rnn_input_steps(node, inputs, kind)
        for pos, kw in cell_args:
            depth = _depth_of_cells(tfapi.call_argument(node, pos, kw))
            if depth is not None:
                if self._fire_depth(node, f"{_short(api)}({kw}=...)", depth, _short(api),
                                    count_of(steps) if steps is not None else None, self._named(inputs)):
                    return

    def _check_keras_rnn(self, node: nodes.Call) -> None:
        cells = tfapi.call_argument(node, 0, "cell")
        value = _value_of(cells) if isinstance(cells, nodes.Name) else cells
        if value is None or (isinstance(value, nodes.Call) and not isinstance(cells, nodes.Name)):
            return  # a single cell, or StackedRNNCells(...) (checked where it is built)
        depth = _depth_of_cells(cells)
        if depth is None:
            return
        label = "RNN([...])"
        verdict = self.classify(depth)
        if verdict == "layers":
            return
        if verdict == "time":
            self._fire_depth(node, label, depth, "the RNN layer", None, "")
            return
        for steps, steps_of in self._keras_layer_steps(node):
            if self._fire_depth(node, label, depth, "the RNN layer", count_of(steps), steps_of):
                return

    def _check_sequential(self, node: nodes.Call) -> None:
        layers = tfapi.call_argument(node, 0, "layers")
        if layers is None:
            return
        parts = self._flatten_concat(layers)
        if parts is None:
            return
        listed, comps = [], []
        for part in parts:
            if isinstance(part, nodes.ListComp):
                comps.append(part)
            elif isinstance(part, (nodes.List, nodes.Tuple)):
                listed.extend(part.elts)
            elif isinstance(part, nodes.Name):
                depth = _depth_of_cells(part, _keras_recurrent)
                if depth is not None:
                    comps.append(part)
                else:
                    return
            else:
                return
        steps_candidates = []
        for element in listed:
            if isinstance(element, nodes.Call):
                api = tfapi.call_api(element)
                if api in _KERAS_INPUTS:
                    steps = time_dim(element, 1)
                    if steps is not None:
                        steps_candidates.append(steps)
                else:
                    steps_candidates.extend(self._declared_input_steps(element))
        for comp in comps:
            elt = comp.elt if isinstance(comp, nodes.ListComp) else None
            if elt is not None:
                steps_candidates.extend(self._declared_input_steps(elt))
        steps = count_of(steps_candidates[0]) if steps_candidates else None
        recurrent = [e for e in listed if _keras_recurrent(e)]
        for comp in comps:
            depth = _depth_of_cells(comp, _keras_recurrent)
            if depth is not None and self._fire_depth(node, "Sequential", depth, _KERAS_LAYER, steps,
                                                      "its input_shape"):
                return
        if not comps and len(recurrent) >= 2 and steps is not None:
            depth = Count(None, (), (), len(recurrent), "literal", tuple(recurrent))
            self._fire_depth(node, "Sequential", depth, _KERAS_LAYER, steps, "its input_shape")

    @staticmethod
    def _flatten_concat(expr: nodes.NodeNG) -> Optional[list]:
        if isinstance(expr, nodes.BinOp) and expr.op == "+":
            left = TimeStepsChecker._flatten_concat(expr.left)
            right = TimeStepsChecker._flatten_concat(expr.right)
            return None if left is None or right is None else left + right
        return [expr]

    def _time_step_loop(self, node: nodes.Call):
        """(count, depth) when node sits in ``for _ in range(<time-step count>)``, else None."""
        loop = self._enclosing_for(node)
        if loop is None:
            return None
        count = _range_count(loop.iter)
        if count is None:
            return None
        depth = count_of(count)
        return (count, depth) if self.classify(depth) == "time" else None

    def _check_layer_in_time_loop(self, node: nodes.Call, api: str) -> None:
        """A recurrent layer built in ``for _ in range(seq_len)`` and stacked: ``model.add(LSTM(..))`` or
        ``x = LSTM(..)(x)``."""
        found = self._time_step_loop(node)
        if found is None:
            return
        count, depth = found
        parent = node.parent
        stacked = False
        if isinstance(parent, nodes.Call) and isinstance(parent.func, nodes.Attribute) \
                and parent.func.attrname == "add" and node in parent.args:
            stacked = True  # model.add(LSTM(...)) in the loop
        elif isinstance(parent, nodes.Call) and parent.func is node and parent.args:
            carried = parent.args[0]
            assign = parent.parent
            if isinstance(carried, nodes.Name) and isinstance(assign, nodes.Assign) \
                    and any(isinstance(t, nodes.AssignName) and t.name == carried.name for t in assign.targets):
                stacked = True  # x = LSTM(...)(x)
        if stacked:
            self._fire_depth(node, f"the loop over range({count.as_string()})", depth, _KERAS_LAYER,
                             None, "")

    def _check_rnn_in_time_loop(self, node: nodes.Call, api: str) -> None:
        """``for _ in range(seq_len): x, _ = dynamic_rnn(cell, x)``: layers stacked by a time-step count."""
        if api not in _RNN_CELL_ARGS:
            return
        found = self._time_step_loop(node)
        if found is None:
            return
        count, depth = found
        _, (position, keyword), _ = _RNN_CELL_ARGS[api]
        inputs = tfapi.call_argument(node, position, keyword)
        if isinstance(inputs, nodes.Name) and inputs.name in self._assigned_by(node):
            self._fire_depth(node, f"the loop over range({count.as_string()})", depth, _short(api), None, "")

    @staticmethod
    def _assigned_by(call: nodes.Call) -> set:
        """Names a call's result is assigned to (``out, state = call`` -> {out, state}; ``x = call[0]``)."""
        node = call
        if isinstance(node.parent, nodes.Subscript) and node.parent.value is node:
            node = node.parent
        assign = node.parent
        if not isinstance(assign, nodes.Assign) or assign.value is not node:
            return set()
        names = set()
        for target in assign.targets:
            for name in target.nodes_of_class(nodes.AssignName):
                names.add(name.name)
        return names

    @staticmethod
    def _enclosing_for(node: nodes.NodeNG) -> Optional[nodes.For]:
        """The innermost ``for`` statement whose body holds node, within node's frame."""
        frame = node.frame()
        child, current = node, node.parent
        while current is not None and current is not frame:
            if isinstance(current, _BOUNDARIES):
                return None
            if isinstance(current, nodes.For) and child in current.body:
                return current
            child, current = current, current.parent
        return None

    # --- rnn-cell-per-timestep ----------------------------------------------------------------------------

    def _check_factory_in_loop(self, node: nodes.Call) -> None:
        if not isinstance(node.func, (nodes.Name, nodes.Attribute)) or self._enclosing_for(node) is None:
            return
        callee = fx.function_of_call(node)
        if callee is None or not fx.returns_new_cell(callee):
            return
        name = callee.name if isinstance(callee, nodes.FunctionDef) else "lambda"
        self._check_cell_in_loop(node, None, f"{name}()")

    def _check_cell_in_loop(self, node: nodes.Call, api: Optional[str], label: Optional[str] = None) -> None:
        if self._enclosing_for(node) is None or self._inside_other_cell(node):
            return
        uses = self._cell_uses(node)
        if not uses:
            return
        keras = bool(api) and api.startswith("tf.keras.")
        loop = self._enclosing_for(node)
        while loop is not None:
            reason = self._time_loop_reason(loop, uses)
            if reason == "layers":
                loop = self._enclosing_for(loop)
                continue
            if reason is not None:
                if not keras and self._may_share(node, loop):
                    return
                if api is not None and not self._builds_weights(node, loop):
                    return
                bound = _assigned_name(node)
                shown = f"'{bound}' ({label or _short(api)})" if bound else (label or _short(api))
                self._report("rnn-cell-per-timestep", node, (shown, reason))
                return
            loop = self._enclosing_for(loop)

    @staticmethod
    def _may_share(node: nodes.Call, loop: nodes.For) -> bool:
        """TF1 cells built under reuse (a switch in the loop, a reusing scope, reuse=/name=) may share."""
        for keyword in ("reuse", "_reuse"):
            value = tfapi.call_argument(node, None, keyword)
            if value is not None and tfapi.literal_value(value) not in (None, False):
                return True
        if scopes.reuse_switched_in_loop(loop):
            return True
        return scopes.reuse_mode(node) != scopes.REUSE_NONE

    def _builds_weights(self, expr: Optional[nodes.NodeNG], loop: nodes.For, depth: int = 0) -> bool:
        """Does evaluating expr inside loop make new weights? A cell constructor does; a wrapper or stack
        only when what it wraps is built inside the loop too (``DropoutWrapper(cell)`` around the one
        cell built before the loop shares that cell's weights)."""
        if expr is None or depth > _MAX_DEPTH:
            return False
        if isinstance(expr, nodes.Name):
            binding = single_binding(expr)
            if not isinstance(binding, nodes.AssignName) or not is_inside(binding, loop):
                return False
            return self._builds_weights(assigned_value(binding), loop, depth + 1)
        if isinstance(expr, (nodes.List, nodes.Tuple)):
            return any(self._builds_weights(e, loop, depth + 1) for e in expr.elts)
        if isinstance(expr, nodes.ListComp):
            return self._builds_weights(expr.elt, loop, depth + 1)
        if isinstance(expr, nodes.BinOp) and expr.op == "*":
            return self._builds_weights(expr.left, loop, depth + 1) or self._builds_weights(
                expr.right, loop, depth + 1)
        if not isinstance(expr, nodes.Call):
            return False
        api = tfapi.call_api(expr)
        if tfapi.is_cell_class(api):
            return True
        if tfapi.is_cell_wrapper(api):
            return self._builds_weights(tfapi.call_argument(expr, 0, "cell"), loop, depth + 1)
        if tfapi.is_cell_stack(api):
            return self._builds_weights(tfapi.call_argument(expr, 0, "cells"), loop, depth + 1)
        if api is None:
            callee = fx.function_of_call(expr)
            return callee is not None and fx.returns_new_cell(callee)
        return False

    @staticmethod
    def _inside_other_cell(node: nodes.Call) -> bool:
        """Is this cell an argument of a wrapper/stack constructor (then that outer cell is the one used)?"""
        current = node.parent
        while isinstance(current, (nodes.List, nodes.Tuple, nodes.ListComp, nodes.Comprehension,
                                   nodes.Starred, nodes.Keyword, nodes.BinOp)):
            current = current.parent
        if isinstance(current, nodes.Call) and current.func is not node and node is not current.func:
            return tfapi.is_any_cell(tfapi.call_api(current))
        return False

    def _cell_uses(self, node: nodes.Call) -> List[nodes.Call]:
        """Calls in which the freshly built cell runs: ``cell(x, state)``, ``cell.__call__``, an RNN function."""
        uses = []
        loop = self._enclosing_for(node)
        for use in _uses_in_frame(node):
            if use is not node and loop is not None and not is_inside(use, loop):
                continue
            parent = use.parent
            if isinstance(parent, nodes.Attribute) and parent.attrname == "__call__":
                use, parent = parent, parent.parent
            if isinstance(parent, nodes.Keyword):
                parent = parent.parent
            if not isinstance(parent, nodes.Call):
                continue
            if parent.func is use:
                uses.append(parent)
                continue
            api = tfapi.call_api(parent)
            if api in _RNN_CELL_ARGS and any(
                    tfapi.call_argument(parent, p, k) is use for p, k in _RNN_CELL_ARGS[api][0]):
                inputs = tfapi.call_argument(parent, *_RNN_CELL_ARGS[api][1])
                if isinstance(inputs, nodes.Name) and inputs.name in self._assigned_by(parent):
                    continue  # x, _ = dynamic_rnn(cell, x): a layer stacked on the last, not a time step
                uses.append(parent)
        return uses

    def _time_loop_reason(self, loop: nodes.For, uses: List[nodes.Call]) -> Optional[str]:
        """Why a loop runs over time steps ('range(num_steps)', 'tf.unstack(x, axis=1)', ...), 'layers' when
        it visibly runs over layers, None when it cannot tell."""
        uses = [u for u in uses if is_inside(u, loop)]
        if not uses:
            return None
        iterable = loop.iter
        if isinstance(iterable, nodes.Call) and isinstance(iterable.func, nodes.Name) \
                and iterable.func.name in ("enumerate", "zip") and iterable.args:
            iterable = iterable.args[0]
        count = _range_count(iterable)
        loop_vars = {n.name for n in loop.target.nodes_of_class(nodes.AssignName)}
        if count is not None:
            verdict = self.classify(count_of(count))
            if verdict == "layers":
                return "layers"
            shown = f"range({count.as_string()})"
            if verdict == "time":
                return shown
            if self._indexes_time_axis(loop, loop_vars) or self._carries_state(uses, loop_vars):
                return shown
            return None
        if self._is_step_list(iterable):
            return f"over {iterable.as_string()}" if len(iterable.as_string()) <= 50 else "over the time steps"
        if self._carries_state(uses, loop_vars):
            shown = iterable.as_string()
            return f"over {shown}" if len(shown) <= 50 else "over the inputs"
        return None

    @staticmethod
    def _indexes_time_axis(loop: nodes.For, loop_vars: set) -> bool:
        """``x[:, t]`` / ``x[:, t, :]`` with the loop variable t in the body."""
        for sub in _walk(loop):
            if isinstance(sub, nodes.Subscript) and isinstance(sub.slice, nodes.Tuple) \
                    and len(sub.slice.elts) >= 2:
                first, second = sub.slice.elts[0], sub.slice.elts[1]
                if isinstance(first, nodes.Slice) and first.lower is None and first.upper is None \
                        and isinstance(second, nodes.Name) and second.name in loop_vars:
                    return True
        return False

    @staticmethod
    def _carries_state(uses: List[nodes.Call], loop_vars: set) -> bool:
        """``out, state = cell(x_t, state)``: the call's state argument is reassigned by the call, and the
        step input comes from the loop (a recurrence across iterations)."""
        for use in uses:
            api = tfapi.call_api(use)
            if api in _RNN_CELL_ARGS:
                state = tfapi.call_argument(use, None, "initial_state")
                step_input = tfapi.call_argument(use, _RNN_CELL_ARGS[api][1][0], _RNN_CELL_ARGS[api][1][1])
            else:
                state = tfapi.call_argument(use, 1, "state") or tfapi.call_argument(use, 1, "states")
                step_input = tfapi.call_argument(use, 0, "inputs")
            if state is None or step_input is None:
                continue
            state_names = {n.name for n in state.nodes_of_class(nodes.Name)} if not isinstance(
                state, nodes.Name) else {state.name}
            if not state_names & TimeStepsChecker._assigned_by(use):
                continue
            input_names = {n.name for n in step_input.nodes_of_class(nodes.Name)} if not isinstance(
                step_input, nodes.Name) else {step_input.name}
            if input_names & loop_vars or TimeStepsChecker._derived_from(step_input, loop_vars, use):
                return True
        return False

    @staticmethod
    def _derived_from(expr: nodes.NodeNG, loop_vars: set, use: nodes.Call) -> bool:
        """Is the step input a name assigned in the loop from the loop variable (``x_t = x[:, t]``)?"""
        names = [expr] if isinstance(expr, nodes.Name) else list(expr.nodes_of_class(nodes.Name))
        for name in names:
            binding = single_binding(name)
            value = assigned_value(binding) if isinstance(binding, nodes.AssignName) else None
            if value is not None and any(n.name in loop_vars for n in value.nodes_of_class(nodes.Name)):
                return True
        return False

    @staticmethod
    def _is_step_list(expr: nodes.NodeNG, depth: int = 0) -> bool:
        """``tf.unstack(x, axis=1)``, ``tf.split(x, T, axis=1)``, ``tf.unstack(tf.transpose(x, ...))`` or a name
        bound to one of those."""
        if depth > _MAX_DEPTH:
            return False
        if isinstance(expr, (nodes.Name, nodes.Attribute)):
            value = _value_of(expr)
            return value is not None and value is not expr and TimeStepsChecker._is_step_list(value, depth + 1)
        if not isinstance(expr, nodes.Call):
            return False
        api = tfapi.call_api(expr)
        if api in _UNSTACK:
            axis_arg = tfapi.call_argument(expr, 2, "axis")
            tensor = tfapi.call_argument(expr, 0, "value")
        elif api in _SPLIT:
            axis_arg = tfapi.call_argument(expr, 2, "axis")
            tensor = tfapi.call_argument(expr, 0, "value")
        else:
            return False
        axis = 0 if axis_arg is None else tfapi.literal_value(axis_arg)
        if axis == 1:
            return True
        if axis == 0:
            source = _value_of(tensor) if isinstance(tensor, nodes.Name) else tensor
            return isinstance(source, nodes.Call) and tfapi.call_api(source) in _TRANSPOSE
        return False

    # --- rnn-time-axis-reduction -------------------------------------------------------------------------

    def _check_reduction(self, node: nodes.Call, api: str) -> None:
        if not self.linter.is_message_enabled("rnn-time-axis-reduction"):
            return
        tensor = tfapi.call_argument(node, 0, "inputs" if api in _ADD_N else "input_tensor")
        if tensor is None and api.startswith("tf.keras.backend."):
            tensor = tfapi.call_argument(node, 0, "x")
        if tensor is None:
            return
        source = self._rnn_outputs(tensor)
        if source is None:
            return
        producer, time_axis, stack_label = source
        if api in _ADD_N:
            if time_axis != "list":
                return
            axis_shown = "0 (the list of steps)"
        else:
            axis_arg = tfapi.call_argument(node, 1, "axis")
            if axis_arg is None:
                axis_arg = tfapi.call_argument(node, None, "reduction_indices")
            if isinstance(axis_arg, (nodes.List, nodes.Tuple)) and len(axis_arg.elts) == 1:
                axis_arg = axis_arg.elts[0]
            axis = tfapi.literal_value(axis_arg)
            if not isinstance(axis, int) or isinstance(axis, bool):
                return
            expected = 0 if time_axis == "list" else time_axis
            if axis != expected:
                return
            axis_shown = str(axis)
        self._report("rnn-time-axis-reduction", node,
                     (_short(api), producer, axis_shown, stack_label,
                      "StackedRNNCells" if producer == "the RNN layer" else "MultiRNNCell"))

    def _rnn_outputs(self, tensor: nodes.NodeNG):
        """(producer, time axis or 'list', stack label) when tensor is the outputs of an RNN on a stack."""
        if isinstance(tensor, nodes.Subscript):
            index = tfapi.literal_value(tensor.slice)
            if index == 0 and isinstance(tensor.value, nodes.Call):
                return self._outputs_of_call(tensor.value, 0)
            return None
        if not isinstance(tensor, nodes.Name):
            return None
        binding = single_binding(tensor)
        if not isinstance(binding, nodes.AssignName):
            return None
        assign = binding.parent
        position = None
        if isinstance(assign, (nodes.Tuple, nodes.List)):
            inner = assign
            path = [inner.elts.index(binding)]
            while isinstance(inner.parent, (nodes.Tuple, nodes.List)):
                path.insert(0, inner.parent.elts.index(inner))
                inner = inner.parent
            assign = inner.parent
            if not isinstance(assign, nodes.Assign) or path[0] != 0:
                return None
            position = path[1] if len(path) == 2 else None
            if len(path) > 2:
                return None
            value = assign.value
        elif isinstance(assign, nodes.Assign):
            value = assign.value
            if isinstance(value, nodes.Subscript) and tfapi.literal_value(value.slice) == 0 \
                    and isinstance(value.value, nodes.Call):
                return self._outputs_of_call(value.value, None)
            if isinstance(value, nodes.Call) and isinstance(value.func, (nodes.Call, nodes.Name)):
                return self._keras_outputs(value)
            return None
        else:
            return None
        if not isinstance(value, nodes.Call):
            return None
        return self._outputs_of_call(value, position)

    def _outputs_of_call(self, call: nodes.Call, position: Optional[int]):
        api = tfapi.call_api(call)
        if api not in _RNN_CELL_ARGS:
            return None
        cell_args, _, kind = _RNN_CELL_ARGS[api]
        if len(cell_args) == 2 and position is None:
            return None  # (fw, bw) outputs as one tuple: not a tensor with a time axis
        p, k = cell_args[position or 0] if len(cell_args) == 2 else cell_args[0]
        stack = self._stack_of(tfapi.call_argument(call, p, k))
        if stack is None:
            return None
        if kind == "static":
            axis = "list"
        else:
            time_major = tfapi.call_argument(call, None, "time_major")
            major = False if time_major is None else tfapi.literal_value(time_major)
            if major not in (True, False):
                return None
            axis = 0 if major else 1
        return _short(api), axis, stack

    def _keras_outputs(self, applied: nodes.Call):
        """``RNN(stacked_cells, return_sequences=True)(x)`` (inline or through a name)."""
        layer = applied.func
        if isinstance(layer, nodes.Name):
            layer = _value_of(layer)
        if not isinstance(layer, nodes.Call) or tfapi.call_api(layer) != "tf.keras.layers.RNN":
            return None
        if tfapi.literal_value(tfapi.call_argument(layer, None, "return_sequences")) is not True:
            return None
        time_major = tfapi.call_argument(layer, None, "time_major")
        major = False if time_major is None else tfapi.literal_value(time_major)
        if major not in (True, False):
            return None
        cell = tfapi.call_argument(layer, 0, "cell")
        value = _value_of(cell) if isinstance(cell, nodes.Name) else cell
        if isinstance(value, (nodes.List, nodes.Tuple, nodes.ListComp, nodes.BinOp)):
            if _depth_of_cells(cell) is None and not isinstance(value, nodes.List):
                return None
            label = f"'{cell.as_string()}'" if isinstance(cell, nodes.Name) else "RNN([...])"
        else:
            label = self._stack_of(cell)
            if label is None:
                return None
        return "the RNN layer", 0 if major else 1, label

    def _stack_of(self, cell: Optional[nodes.NodeNG], depth: int = 0) -> Optional[str]:
        """A label for the cell when it is a stack (MultiRNNCell/StackedRNNCells, wrapped or not)."""
        if cell is None or depth > _MAX_DEPTH:
            return None
        value = _value_of(cell) if isinstance(cell, (nodes.Name, nodes.Attribute)) else cell
        if not isinstance(value, nodes.Call) or _is_user_class_call(value):
            return None
        api = tfapi.call_api(value)
        if tfapi.is_cell_stack(api):
            shown = cell.as_string() if isinstance(cell, (nodes.Name, nodes.Attribute)) else _short(api)
            return f"'{shown}'"
        if tfapi.is_cell_wrapper(api):
            inner = self._stack_of(tfapi.call_argument(value, 0, "cell"), depth + 1)
            if inner is not None and isinstance(cell, (nodes.Name, nodes.Attribute)):
                return f"'{cell.as_string()}'"
            return inner
        return None


CHECKERS = (TimeStepsChecker,)
