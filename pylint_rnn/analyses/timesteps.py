"""Layers mistaken for time steps: stacks as deep as the sequence is long, and a new cell at every step.

Seed 002: ``MultiRNNCell([BasicRNNCell(n) for _ in range(seq_length)])`` run by ``dynamic_rnn`` builds
``seq_length`` *layers*, each with its own weights, while ``dynamic_rnn`` already unrolls one cell over
the time steps with one set of weights (rnn-layers-as-timesteps). Building a new cell inside a manual
loop over the time steps gives every step its own weights too (rnn-cell-per-timestep).

A count is read as a number of time steps by its name (the time-step-names / layer-count-names options,
or two separately written equal numbers: confidence INFERENCE) or by the code's structure (the stack is
sized by the very name that sizes the input's time axis; the loop runs over ``tf.unstack(x, axis=1)``,
indexes ``x[:, t]`` or carries the state through the cell: HIGH). Shapes and depths come from
:mod:`pylint_rnn.core.timeaxis`; where the tree does not say, nothing is reported.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Iterable, Iterator, List, NamedTuple, Optional, Pattern, Sequence, Tuple

from astroid import nodes
from pylint.interfaces import HIGH, INFERENCE, Confidence

from pylint_rnn.analyses import Finding
from pylint_rnn.core import effects as fx
from pylint_rnn.core import scopes, tfapi, timeaxis, timeloops, tree
from pylint_rnn.core.bindings import assigned_value, single_binding
from pylint_rnn.core.cache import module_cached
from pylint_rnn.core.counts import Count, count_of, range_bound
from pylint_rnn.core.timeaxis import StackDepth

LAYERS_AS_STEPS = "rnn-layers-as-timesteps"
CELL_PER_STEP = "rnn-cell-per-timestep"

# --- which names are time-step counts and which are layer counts (defaults of the two options) --------

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

TIME = "time"
LAYERS = "layers"
_RNN_LAST_NAMES = frozenset(api.rsplit(".", 1)[-1] for api in tfapi.RNN_SIGNATURES)
_MAX_DEPTH = 6  # how far wrappers and names are followed when asking whether a cell is built in a loop


def _matches(patterns: Sequence[Pattern[str]], name: str) -> bool:
    lowered = name.lower()
    return any(p.fullmatch(name) or p.fullmatch(lowered) for p in patterns)


@dataclass(frozen=True)
class TimeStepOptions:
    """Which names denote a number of time steps, and which a number of layers (compiled patterns)."""

    time_step_names: Tuple[Pattern[str], ...]
    layer_count_names: Tuple[Pattern[str], ...]

    @classmethod
    def defaults(cls) -> "TimeStepOptions":
        return cls(tuple(re.compile(p) for p in DEFAULT_TIME_STEP_NAMES),
                   tuple(re.compile(p) for p in DEFAULT_LAYER_COUNT_NAMES))

    def classify(self, count: Optional[Count]) -> Optional[str]:
        """LAYERS if a name of the count is a layer count, else TIME if one is a time-step count."""
        if count is None:
            return None
        if any(_matches(self.layer_count_names, n) for n in count.names):
            return LAYERS
        if any(_matches(self.time_step_names, n) for n in count.names):
            return TIME
        return None


def call_findings(node: nodes.Call, options: TimeStepOptions) -> List[Finding]:
    """What one call does wrong here: a stack, loop or RNN sized by the time steps, a new cell per step."""
    api = tfapi.call_api(node)
    if api is None:
        found = [factory_cell_per_step(node, options)]
    else:
        found = [layers_as_timesteps(node, api, options), cell_per_step(node, api, options)]
    return [f for f in found if f is not None]


# --- small questions about calls ---------------------------------------------------------------------

KERAS_LAYER = "a recurrent layer"  # what unrolls the steps of a Sequential / a loop of layers
RNN_LAYER = "the RNN layer"


def _keras_recurrent(expr: nodes.NodeNG) -> bool:
    """A Keras recurrent layer constructor (Bidirectional around one included)."""
    if not isinstance(expr, nodes.Call):
        return False
    api = tfapi.call_api(expr)
    if tfapi.is_keras_rnn_layer(api):
        return True
    return api == tfapi.KERAS_BIDIRECTIONAL and _keras_recurrent(tfapi.call_argument(expr, 0, "layer"))


def _is_sequential(api: str) -> bool:
    return api.startswith("tf.keras.") and api.rsplit(".", 1)[-1] == "Sequential"


def _identical(elements: Sequence[nodes.NodeNG]) -> bool:
    """Were the listed layers all built the same way (same constructor, same positional arguments)?"""
    shapes = set()
    for element in elements:
        if not isinstance(element, nodes.Call):
            return False
        shapes.add((element.func.as_string(), tuple(a.as_string() for a in element.args)))
    return len(shapes) == 1


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


def _named(expr: Optional[nodes.NodeNG]) -> str:
    text = expr.as_string() if expr is not None else ""
    return f"'{text}'" if expr is not None and len(text) <= 40 else "the input"


def _steps_of(tensor: Optional[nodes.NodeNG]) -> str:
    """What a Keras layer's time steps are of: its declared input_shape, or the tensor it is applied to."""
    return "its input_shape" if tensor is None else _named(tensor)


# --- rnn-layers-as-timesteps -------------------------------------------------------------------------


class Consumer(NamedTuple):
    """Something that unrolls a stack over time, and the time steps of what it unrolls it on."""

    unroller: str  # "dynamic_rnn", "the RNN layer", ...
    steps: Optional[Count]  # the time dimension of its input (as written, and its token)
    steps_of: str  # what that is the time dimension of ("'inputs'", "its input_shape")
    elsewhere: bool = False  # an RNN of the module that the stack is not shown to reach


def layers_as_timesteps(node: nodes.Call, api: str, options: TimeStepOptions) -> Optional[Finding]:
    """A stack, a Sequential, or a loop that stacks layers, whose depth is a number of time steps."""
    signature = tfapi.RNN_SIGNATURES.get(api)
    finding = None
    if tfapi.is_cell_stack(api):
        finding = _stack(node, api, options)
    elif signature is not None and signature.cell_lists:
        finding = _cell_lists(node, api, signature, options)
    elif api == tfapi.KERAS_RNN:
        finding = _keras_rnn(node, options)
    elif _is_sequential(api):
        finding = _sequential(node, options)
    if finding is None and _keras_recurrent(node):
        finding = _layer_in_time_loop(node, options)
    if finding is None and timeloops.one_cell_rnn(node) is not None:
        finding = _rnn_in_time_loop(node, api, options)
    return finding


def _depth_finding(node: nodes.Call, what: str, depth: StackDepth, consumer: Consumer,
                   options: TimeStepOptions) -> Optional[Finding]:
    """Report a depth that a time-step name decided, or that equals the time steps of the consumer's input."""
    verdict = options.classify(depth.count)
    if verdict == LAYERS:
        return None
    if verdict == TIME:
        why, confidence = "a time-step count", INFERENCE
    else:
        steps = consumer.steps
        confidence = _same_count(depth, steps) if options.classify(steps) != LAYERS else None
        if confidence is None:
            return None
        if consumer.elsewhere and confidence == HIGH:
            confidence = INFERENCE  # one name sizes both, but this stack is not shown to be what runs there
        why = f"the time dimension of {consumer.steps_of}"
    unit = "recurrent layer" if consumer.unroller == KERAS_LAYER else "cell"
    return Finding(LAYERS_AS_STEPS, node, (what, depth.count.shown(), why, consumer.unroller), (unit,),
                   confidence)


def _same_count(depth: StackDepth, steps: Optional[Count]) -> Optional[Confidence]:
    """HIGH when one name sizes both the stack and the time axis; INFERENCE when two separately written
    numbers are equal; None when they differ or equality proves nothing."""
    count = depth.count
    if steps is None or (count.value is not None and count.value < 2):
        return None
    if depth.items is not None:
        # An explicit list equal to the time dimension: only when its layers are clones of each other.
        same = count.value >= 3 and count.value == steps.value and _identical(depth.items)
        return INFERENCE if same else None
    if set(count.spellings) & set(steps.spellings):
        return HIGH  # one name for both: the stack was sized by the sequence
    # Two numbers written separately: 2 layers over 2 steps is too plausible a design to report.
    if count.value is not None and count.value >= 3 and count.value == steps.value:
        return INFERENCE
    return None


def _sized_by_steps(node: nodes.Call, what: str, depth: StackDepth, consumers: Iterable[Consumer],
                    options: TimeStepOptions) -> Optional[Finding]:
    """A stack is reported when its depth is named a time-step count, or equals a consumer's time steps.
    ``consumers`` ends with the default unroller (no steps), named when a name decided."""
    verdict = options.classify(depth.count)
    if verdict == LAYERS:
        return None
    consumers = iter(consumers)
    if verdict == TIME:
        return _depth_finding(node, what, depth, next(consumers), options)
    for consumer in consumers:
        if consumer.steps is not None:
            finding = _depth_finding(node, what, depth, consumer, options)
            if finding is not None:
                return finding
    return None


def _stack(node: nodes.Call, api: str, options: TimeStepOptions) -> Optional[Finding]:
    """``MultiRNNCell([...])`` / ``StackedRNNCells([...])``."""
    depth = timeaxis.stack_depth(tfapi.call_argument(node, 0, "cells"))
    if depth is None:
        return None
    bound = _assigned_name(node)
    label = f"{tfapi.short_name(api)} '{bound}'" if bound else tfapi.short_name(api)
    default = RNN_LAYER if api == "tf.keras.layers.StackedRNNCells" else "dynamic_rnn"
    consumers = itertools.chain(_consumers(node), _module_consumers(node), [Consumer(default, None, "")])
    return _sized_by_steps(node, label, depth, consumers, options)


def _consumers(stack: nodes.Call, depth: int = 0) -> Iterator[Consumer]:
    """What runs the stack over time: the RNN functions and Keras RNN layers it is passed to (also inside
    a cell wrapper), and the loops over time steps that call it step by step."""
    for use in timeaxis.result_uses(stack):
        parent = use.parent
        if isinstance(parent, nodes.Keyword):
            parent = parent.parent
        if isinstance(parent, nodes.Return) and depth < _MAX_DEPTH:  # a builder: follow its callers
            for site in fx.call_sites(parent.frame()):
                yield from _consumers(site, depth + 1)
            continue
        if not isinstance(parent, nodes.Call):
            continue
        if use is parent.func:
            consumer = _unrolling_loop(parent)
            if consumer is not None:
                yield consumer
            continue
        signature = timeloops.one_cell_rnn(parent)
        if signature is not None:
            if any(tfapi.call_argument(parent, p, k) is use for p, k in signature.cells):
                inputs = tfapi.call_argument(parent, *signature.inputs)
                yield Consumer(tfapi.short_name(tfapi.call_api(parent)), timeaxis.rnn_input_step_count(parent),
                               _named(inputs))
        elif tfapi.call_api(parent) == tfapi.KERAS_RNN and tfapi.call_argument(parent, 0, "cell") is use:
            for steps, tensor in timeaxis.keras_layer_step_counts(parent):
                yield Consumer(RNN_LAYER, steps, _steps_of(tensor))
        elif depth < _MAX_DEPTH and tfapi.is_cell_wrapper(tfapi.call_api(parent)) \
                and tfapi.call_argument(parent, 0, "cell") is use:
            yield from _consumers(parent, depth + 1)


def _module_consumers(stack: nodes.Call) -> Iterator[Consumer]:
    """The RNN functions of the module, for a stack whose own consumer is not in sight (built in one
    method, run in another): one whose time dimension is spelled like the depth (``cfg.num_frames``,
    ``params['max_len']``, a module constant) suggests the depth was meant as that sequence length."""
    for call in _module_rnn_calls(stack.root()):
        steps = timeaxis.rnn_input_step_count(call)
        shared = tuple(s for s in steps.spellings if _shared_spelling(s)) if steps is not None else ()
        if shared:
            inputs = tfapi.call_argument(call, *tfapi.rnn_signature(call).inputs)
            yield Consumer(tfapi.short_name(tfapi.call_api(call)),
                           Count(None, steps.text, False, steps.names, shared), _named(inputs), True)


def _shared_spelling(spelling: str) -> bool:
    """A spelling that means one value across the module's functions: an attribute, a mapping entry, or
    a binding (a local name's text alone could be another function's variable)."""
    return "." in spelling or "[" in spelling or spelling.startswith("bind:")


def _module_rnn_calls(module: nodes.Module) -> List[nodes.Call]:
    """The module's calls of RNN functions that unroll one cell over an inputs tensor (memoised)."""

    def compute() -> List[nodes.Call]:
        return [call for call in module.nodes_of_class(nodes.Call)
                if tree.last_name(call.func) in _RNN_LAST_NAMES and timeloops.one_cell_rnn(call) is not None]

    return module_cached("timesteps-rnn-calls", module, compute, [])


def _unrolling_loop(call: nodes.Call) -> Optional[Consumer]:
    """``for _ in range(T): out, state = stack(inp, state)``: a loop that runs the stack once per time
    step (its structure says so), with T as its time steps."""
    loop = timeloops.enclosing_loop(call)
    if not isinstance(loop, nodes.For) or not timeloops.runs_over_time(loop, [call]):
        return None
    steps = timeaxis.iteration_count(timeloops.loop_iterable(loop))
    label = timeloops.loop_label(loop)
    return Consumer(f"the loop over {label}" if label.startswith("range") else f"the loop {label}", steps,
                    "the loop that runs it")


def _cell_lists(node: nodes.Call, api: str, signature: tfapi.RnnSignature,
                options: TimeStepOptions) -> Optional[Finding]:
    """``stack_bidirectional_dynamic_rnn(cells_fw, cells_bw, inputs)``: each list is a stack."""
    inputs = tfapi.call_argument(node, *signature.inputs)
    steps = timeaxis.rnn_input_step_count(node)
    short = tfapi.short_name(api)
    for position, keyword in signature.cells:
        depth = timeaxis.stack_depth(tfapi.call_argument(node, position, keyword))
        if depth is not None:
            finding = _depth_finding(node, f"{short}({keyword}=...)", depth, Consumer(short, steps, _named(inputs)),
                                     options)
            if finding is not None:
                return finding
    return None


def _keras_rnn(node: nodes.Call, options: TimeStepOptions) -> Optional[Finding]:
    """``RNN([cell, cell, ...])``: a list of cells is a stack."""
    cells = tfapi.call_argument(node, 0, "cell")
    value = timeaxis.value_of(cells) if isinstance(cells, nodes.Name) else cells
    if value is None or (isinstance(value, nodes.Call) and not isinstance(cells, nodes.Name)):
        return None  # a single cell, or StackedRNNCells(...) (checked where it is built)
    depth = timeaxis.stack_depth(cells)
    if depth is None:
        return None
    consumers = itertools.chain((Consumer(RNN_LAYER, steps, _steps_of(tensor))
                                 for steps, tensor in timeaxis.keras_layer_step_counts(node)),
                                [Consumer(RNN_LAYER, None, "")])
    return _sized_by_steps(node, "RNN([...])", depth, consumers, options)


def _sequential(node: nodes.Call, options: TimeStepOptions) -> Optional[Finding]:
    """``Sequential([LSTM(..) for _ in range(T)])``, ``Sequential([Input(...)] + layers)``, or an explicit
    list of identical recurrent layers as many as the declared time steps."""
    layers = tfapi.call_argument(node, 0, "layers")
    listed, comps = [], []
    for part in _flatten_concat(layers) if layers is not None else ():
        if isinstance(part, nodes.ListComp):
            comps.append(part)
        elif isinstance(part, (nodes.List, nodes.Tuple)):
            listed.extend(part.elts)
        elif isinstance(part, nodes.Name) and timeaxis.stack_depth(part, _keras_recurrent) is not None:
            comps.append(part)
        else:
            return None
    steps = count_of(next(_sequential_steps(listed, comps), None))
    for comp in comps:
        depth = timeaxis.stack_depth(comp, _keras_recurrent)
        if depth is not None:
            finding = _depth_finding(node, "Sequential", depth, Consumer(KERAS_LAYER, steps, "its input_shape"),
                                     options)
            if finding is not None:
                return finding
    recurrent = tuple(e for e in listed if _keras_recurrent(e))
    if not comps and len(recurrent) >= 2 and steps is not None:
        depth = StackDepth(Count.of(len(recurrent)), recurrent)
        return _depth_finding(node, "Sequential", depth, Consumer(KERAS_LAYER, steps, "its input_shape"), options)
    return None


def _sequential_steps(listed: List[nodes.NodeNG], comps: List[nodes.NodeNG]) -> Iterator[nodes.NodeNG]:
    """The time steps a Sequential's layers declare: an Input's shape, a layer's input_shape."""
    for element in listed:
        if isinstance(element, nodes.Call):
            if tfapi.call_api(element) in timeaxis.KERAS_INPUTS:
                steps = timeaxis.time_dim(element, 1)
                if steps is not None:
                    yield steps
            else:
                yield from timeaxis.keras_declared_steps(element)
    for comp in comps:
        if isinstance(comp, nodes.ListComp) and isinstance(comp.elt, nodes.Call):
            yield from timeaxis.keras_declared_steps(comp.elt)


def _flatten_concat(expr: nodes.NodeNG) -> List[nodes.NodeNG]:
    """``[Input(..)] + layers + [Dense(..)]`` -> its parts."""
    if isinstance(expr, nodes.BinOp) and expr.op == "+":
        return _flatten_concat(expr.left) + _flatten_concat(expr.right)
    return [expr]


def _time_step_loop(node: nodes.Call, options: TimeStepOptions) -> Optional[Tuple[nodes.NodeNG, Count]]:
    """(bound, its count) when node sits in ``for _ in range(<a time-step count>)``."""
    loop = tree.enclosing_for(node)
    bound = range_bound(loop.iter) if loop is not None else None
    count = count_of(bound)
    return (bound, count) if options.classify(count) == TIME else None


def _layer_in_time_loop(node: nodes.Call, options: TimeStepOptions) -> Optional[Finding]:
    """A recurrent layer built in ``for _ in range(seq_len)`` and stacked: ``model.add(LSTM(..))`` or
    ``x = LSTM(..)(x)``."""
    found = _time_step_loop(node, options)
    if found is None:
        return None
    parent = node.parent
    added = isinstance(parent, nodes.Call) and isinstance(parent.func, nodes.Attribute) \
        and parent.func.attrname == "add" and node in parent.args
    applied = isinstance(parent, nodes.Call) and parent.func is node and parent.args \
        and isinstance(parent.args[0], nodes.Name) and parent.args[0].name in timeloops.assigned_by(parent)
    if not (added or applied):
        return None
    bound, count = found
    return _depth_finding(node, f"the loop over range({bound.as_string()})", StackDepth(count),
                          Consumer(KERAS_LAYER, None, ""), options)


def _rnn_in_time_loop(node: nodes.Call, api: str, options: TimeStepOptions) -> Optional[Finding]:
    """``for _ in range(seq_len): x, _ = dynamic_rnn(cell, x)``: layers stacked by a time-step count."""
    found = _time_step_loop(node, options)
    if found is None:
        return None
    inputs = tfapi.call_argument(node, *tfapi.RNN_SIGNATURES[api].inputs)
    if not (isinstance(inputs, nodes.Name) and inputs.name in timeloops.assigned_by(node)):
        return None
    bound, count = found
    return _depth_finding(node, f"the loop over range({bound.as_string()})", StackDepth(count),
                          Consumer(tfapi.short_name(api), None, ""), options)


# --- rnn-cell-per-timestep ---------------------------------------------------------------------------


def factory_cell_per_step(node: nodes.Call, options: TimeStepOptions) -> Optional[Finding]:
    """``cell = make_cell()`` in a loop over time steps, where the module's own make_cell builds a cell."""
    if not isinstance(node.func, (nodes.Name, nodes.Attribute)) or timeloops.enclosing_loop(node) is None:
        return None
    callee = fx.function_of_call(node)
    if callee is None or not fx.returns_new_cell(callee):
        return None
    name = callee.name if isinstance(callee, nodes.FunctionDef) else "lambda"
    return cell_per_step(node, None, options, f"{name}()")


def cell_per_step(node: nodes.Call, api: Optional[str], options: TimeStepOptions,
                  label: Optional[str] = None) -> Optional[Finding]:
    """A cell (TF API ``api``, or a factory shown as ``label``) built inside a loop over the time steps
    (a ``for`` or a ``while``, e.g. a decoding loop) and called on each step's input."""
    if api is not None and not tfapi.is_any_cell(api):
        return None
    loop = timeloops.enclosing_loop(node)
    if loop is None or _inside_other_cell(node):
        return None
    uses = _cell_uses(node, loop)
    while uses and loop is not None:
        reason = _time_loop_reason(loop, uses, options)
        if reason is not None:
            keras = api is not None and api.startswith("tf.keras.")
            if not keras and _may_share(node, loop, uses):
                return None
            if api is not None and not _builds_weights(node, loop):
                return None
            bound, name = _assigned_name(node), label or tfapi.short_name(api)
            shown = f"'{bound}' ({name})" if bound else name
            return Finding(CELL_PER_STEP, node, (shown, reason[0]), (), reason[1])
        loop = timeloops.enclosing_loop(loop)
    return None


def _inside_other_cell(node: nodes.Call) -> bool:
    """Is this cell an argument of a wrapper/stack constructor (then that outer cell is the one used)?"""
    current = node.parent
    while isinstance(current, (nodes.List, nodes.Tuple, nodes.ListComp, nodes.Comprehension,
                               nodes.Starred, nodes.Keyword, nodes.BinOp)):
        current = current.parent
    if isinstance(current, nodes.Call) and current.func is not node:
        return tfapi.is_any_cell(tfapi.call_api(current))
    return False


def _cell_uses(node: nodes.Call, loop: nodes.NodeNG) -> List[nodes.Call]:
    """Calls in the loop in which the freshly built cell runs: ``cell(x, state)``, ``cell.__call__``, an
    RNN function (not one whose output is its own input: that stacks a layer, not a time step)."""
    uses = []
    for use in timeaxis.result_uses(node):
        if use is not node and not tree.is_inside(use, loop):
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
        signature = timeloops.one_cell_rnn(parent)
        if signature is not None and any(tfapi.call_argument(parent, p, k) is use for p, k in signature.cells):
            inputs = tfapi.call_argument(parent, *signature.inputs)
            if not (isinstance(inputs, nodes.Name) and inputs.name in timeloops.assigned_by(parent)):
                uses.append(parent)
    return uses


def _time_loop_reason(loop: nodes.NodeNG, uses: List[nodes.Call],
                      options: TimeStepOptions) -> Optional[Tuple[str, Confidence]]:
    """Why a loop runs over time steps ('range(num_steps)', 'over tf.unstack(x, axis=1)', 'while t < n')
    and how sure that is: HIGH when its structure says so, INFERENCE when only its bound's name does;
    None when it runs over layers or cannot tell."""
    uses = [u for u in uses if tree.is_inside(u, loop)]
    if not uses:
        return None
    bound = range_bound(timeloops.loop_iterable(loop)) if isinstance(loop, nodes.For) else None
    verdict = options.classify(count_of(bound)) if bound is not None else None
    if verdict == LAYERS:
        return None
    if timeloops.runs_over_time(loop, uses):
        return timeloops.loop_label(loop), HIGH
    return (timeloops.loop_label(loop), INFERENCE) if verdict == TIME else None


def _may_share(node: nodes.Call, loop: nodes.NodeNG, uses: List[nodes.Call]) -> bool:
    """May the TF1 cells built at each step share weights? With ``reuse=`` on the cell, a reuse switched
    on in the loop (TF 0.x cells took their variables from the scope), or a reusing scope. Not under a
    ``tf.AUTO_REUSE`` scope entered once around the loop: AUTO_REUSE exists since TF 1.4, where a cell is
    a layer that takes a fresh scope name at its first call (``gru_cell``, ``gru_cell_1``, ...) unless the
    call passes ``scope=`` or a named scope is entered anew at each step."""
    for keyword in ("reuse", "_reuse"):
        value = tfapi.call_argument(node, None, keyword)
        if value is not None and tfapi.literal_value(value) not in (None, False):
            return True
    if scopes.reuse_switched_in_loop(loop):
        return True
    mode = scopes.reuse_mode(node)
    if mode == scopes.REUSE_AUTO:
        # Entering a named scope resets the numbering of the scopes under it: a cell built in a scope
        # entered at every step takes the same name each time, and AUTO_REUSE shares it.
        entered_per_step = any(tree.is_inside(scope.node, loop) and not scope.unique
                               for scope in scopes.variable_scope_chain(node))
        return entered_per_step or any(tfapi.call_argument(use, None, "scope") is not None for use in uses)
    return mode != scopes.REUSE_NONE


def _builds_weights(expr: Optional[nodes.NodeNG], loop: nodes.NodeNG, depth: int = 0) -> bool:
    """Does evaluating expr inside loop make new weights? A cell constructor does; a wrapper or stack
    only when what it wraps is built inside the loop too (``DropoutWrapper(cell)`` around the one cell
    built before the loop shares that cell's weights)."""
    if expr is None or depth > _MAX_DEPTH:
        return False
    if isinstance(expr, nodes.Call):
        api = tfapi.call_api(expr)
        if tfapi.is_cell_class(api):
            return True
        if api is None:
            callee = fx.function_of_call(expr)
            return callee is not None and fx.returns_new_cell(callee)
    return any(_builds_weights(part, loop, depth + 1) for part in _built_from(expr, loop))


def _built_from(expr: nodes.NodeNG, loop: nodes.NodeNG) -> List[nodes.NodeNG]:
    """What an expression's cells are built by: a name's value when assigned in the loop, the items of a
    list, the cell a wrapper wraps, the cells a stack holds."""
    if isinstance(expr, nodes.Name):
        binding = single_binding(expr)
        inside = isinstance(binding, nodes.AssignName) and tree.is_inside(binding, loop)
        return [assigned_value(binding)] if inside else []
    if isinstance(expr, (nodes.List, nodes.Tuple)):
        return list(expr.elts)
    if isinstance(expr, nodes.ListComp):
        return [expr.elt]
    if isinstance(expr, nodes.BinOp) and expr.op == "*":
        return [expr.left, expr.right]
    api = tfapi.call_api(expr) if isinstance(expr, nodes.Call) else None
    if tfapi.is_cell_wrapper(api):
        return [tfapi.call_argument(expr, 0, "cell")]
    if tfapi.is_cell_stack(api):
        return [tfapi.call_argument(expr, 0, "cells")]
    return []
