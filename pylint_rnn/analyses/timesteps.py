"""Layers mistaken for time steps: stacks as deep as the sequence is long (rnn-layers-as-timesteps).

Seed 002: ``MultiRNNCell([BasicRNNCell(n) for _ in range(seq_length)])`` run by ``dynamic_rnn`` builds
``seq_length`` *layers*, each with its own weights, while ``dynamic_rnn`` already unrolls one cell over
the time steps with one set of weights (rnn-layers-as-timesteps). The names that classify counts (the two
options) live here too; a new cell built per time step is :mod:`pylint_rnn.analyses.cell_per_step`.

A count is read as a number of time steps by its name (the time-step-names / layer-count-names options,
or two separately written equal numbers: confidence INFERENCE) or by the code's structure (the stack is
sized by the very name, configuration entry or tensor dimension that sizes the time axis of the input it
runs on, or of the decoding loop that runs it: HIGH). Shapes and depths come from
:mod:`pylint_rnn.core.timeaxis`; where the tree does not say, nothing is reported.
"""
from __future__ import annotations

import itertools
import re
from typing import Iterable, Iterator, List, NamedTuple, Optional, Pattern, Sequence, Tuple

from astroid import nodes
from pylint.interfaces import HIGH, INFERENCE, Confidence

from pylint_rnn.analyses import Finding
from pylint_rnn.core import callargs, callsites, dataflow, tfapi, timeaxis, timeloops, tree
from pylint_rnn.core.cache import module_cached
from pylint_rnn.core.counts import Count, count_of, range_bound
from pylint_rnn.core.timeaxis import StackDepth

LAYERS_AS_STEPS = "rnn-layers-as-timesteps"

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
_INPUT_LAST_NAMES = frozenset(api.rsplit(".", 1)[-1] for api in timeaxis.KERAS_INPUTS)
_MAX_DEPTH = 6  # how far a stack is followed through wrappers and builders to what runs it


def _matches(patterns: Sequence[Pattern[str]], name: str) -> bool:
    lowered = name.lower()
    return any(p.fullmatch(name) or p.fullmatch(lowered) for p in patterns)


class TimeStepOptions(NamedTuple):
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
    """rnn-layers-as-timesteps for one call: a stack, loop or RNN sized by the time steps.
    (rnn-cell-per-timestep: :mod:`pylint_rnn.analyses.cell_per_step`.)"""
    api = tfapi.call_api(node)
    finding = layers_as_timesteps(node, api, options) if api is not None else None
    return [finding] if finding is not None else []


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
    return api == tfapi.KERAS_BIDIRECTIONAL and _keras_recurrent(callargs.call_argument(expr, 0, "layer"))


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


def assigned_name(node: nodes.NodeNG) -> Optional[str]:
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


def checks(api: str) -> bool:
    """Is ``api`` one that rnn-layers-as-timesteps looks at (a stack, an RNN function or layer, a
    Sequential)? Every branch of :func:`layers_as_timesteps` starts from one of these."""
    return tfapi.is_cell_stack(api) or api in tfapi.RNN_SIGNATURES or api == tfapi.KERAS_RNN \
        or _is_sequential(api) or tfapi.is_keras_rnn_layer(api) or api == tfapi.KERAS_BIDIRECTIONAL


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
    Among ``consumers`` is the default unroller (no steps), named when a name decided and none came first."""
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
    depth = timeaxis.stack_depth(callargs.call_argument(node, 0, "cells"))
    if depth is None:
        return None
    bound = assigned_name(node)
    label = f"{tfapi.short_name(api)} '{bound}'" if bound else tfapi.short_name(api)
    default = RNN_LAYER if api == "tf.keras.layers.StackedRNNCells" else "dynamic_rnn"
    # A name that decided takes the first consumer in sight, else the default; the module's RNNs come last.
    consumers = itertools.chain(_consumers(node), [Consumer(default, None, "")], _module_consumers(node, depth))
    return _sized_by_steps(node, label, depth, consumers, options)


def _consumers(stack: nodes.Call, depth: int = 0) -> Iterator[Consumer]:
    """What runs the stack over time: the RNN functions and Keras RNN layers it is passed to (also inside
    a cell wrapper), and the loops over time steps that call it step by step."""
    for use in dataflow.result_uses(stack):
        parent = use.parent
        if isinstance(parent, nodes.Keyword):
            parent = parent.parent
        if isinstance(parent, nodes.Return) and depth < _MAX_DEPTH:  # a builder: follow its callers
            for site in callsites.call_sites(parent.frame()):
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
            if any(callargs.call_argument(parent, p, k) is use for p, k in signature.cells):
                inputs = callargs.call_argument(parent, *signature.inputs)
                yield Consumer(tfapi.short_name(tfapi.call_api(parent)), timeaxis.rnn_input_step_count(parent),
                               _named(inputs))
        elif tfapi.call_api(parent) == tfapi.KERAS_RNN and callargs.call_argument(parent, 0, "cell") is use:
            for steps, tensor in timeaxis.keras_layer_step_counts(parent):
                yield Consumer(RNN_LAYER, steps, _steps_of(tensor))
        elif depth < _MAX_DEPTH and tfapi.is_cell_wrapper(tfapi.call_api(parent)) \
                and callargs.call_argument(parent, 0, "cell") is use:
            yield from _consumers(parent, depth + 1)


def _module_consumers(stack: nodes.Call, depth: StackDepth) -> Iterator[Consumer]:
    """The RNN functions and Keras inputs of the module, for a stack whose own consumer is not in sight
    (built in one method, run in another; layers stacked by a loop): one whose time dimension is spelled
    like the depth (``cfg.num_frames``, ``params['max_len']``, a module constant) suggests the depth was
    meant as that sequence length. Lazy and memoised per module; none for a depth with no such spelling."""
    if not any(_shared_spelling(s) for s in depth.count.spellings):
        return
    module = stack.root()
    yield from module_cached("timesteps-module-consumers", module, lambda: list(_time_sources_of(module)), [])


def _time_sources_of(module: nodes.Module) -> Iterator[Consumer]:
    for call in module.nodes_of_class(nodes.Call):
        last = tree.last_name(call.func)
        if last in _INPUT_LAST_NAMES and tfapi.call_api(call) in timeaxis.KERAS_INPUTS:
            steps = timeaxis.dim_count(timeaxis.time_dim(call, 1))
            unroller, steps_of = KERAS_LAYER, f"'{assigned_name(call)}'" if assigned_name(call) else "the Input"
        elif last in _RNN_LAST_NAMES and timeloops.one_cell_rnn(call) is not None:
            steps = timeaxis.rnn_input_step_count(call)
            unroller = tfapi.short_name(tfapi.call_api(call))
            steps_of = _named(callargs.call_argument(call, *tfapi.rnn_signature(call).inputs))
        else:
            continue
        shared = tuple(s for s in steps.spellings if _shared_spelling(s)) if steps is not None else ()
        if shared:
            yield Consumer(unroller, Count(None, steps.text, False, steps.names, shared), steps_of, True)


def _shared_spelling(spelling: str) -> bool:
    """A spelling that means one value across the module's functions: an attribute, a mapping entry, or
    a binding (a local name's text alone could be another function's variable)."""
    return "." in spelling or "[" in spelling or spelling.startswith("bind:")


def _unrolling_loop(call: nodes.Call) -> Optional[Consumer]:
    """``for _ in range(T): out, state = stack(inp, state)``: a loop that runs the stack once per time
    step (its structure says so), with T as its time steps."""
    loop = timeloops.enclosing_loop(call)
    if loop is None or not timeloops.runs_over_time(loop, [call]):
        return None
    steps = timeloops.step_count(loop)
    label = timeloops.loop_label(loop)
    return Consumer(f"the loop over {label}" if label.startswith("range") else f"the loop {label}", steps,
                    "the loop that runs it")


def _cell_lists(node: nodes.Call, api: str, signature: tfapi.RnnSignature,
                options: TimeStepOptions) -> Optional[Finding]:
    """``stack_bidirectional_dynamic_rnn(cells_fw, cells_bw, inputs)``: each list is a stack."""
    inputs = callargs.call_argument(node, *signature.inputs)
    steps = timeaxis.rnn_input_step_count(node)
    short = tfapi.short_name(api)
    for position, keyword in signature.cells:
        depth = timeaxis.stack_depth(callargs.call_argument(node, position, keyword))
        if depth is not None:
            finding = _depth_finding(node, f"{short}({keyword}=...)", depth, Consumer(short, steps, _named(inputs)),
                                     options)
            if finding is not None:
                return finding
    return None


def _keras_rnn(node: nodes.Call, options: TimeStepOptions) -> Optional[Finding]:
    """``RNN([cell, cell, ...])``: a list of cells is a stack."""
    cells = callargs.call_argument(node, 0, "cell")
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
    layers = callargs.call_argument(node, 0, "layers")
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


def _stacking_loop(node: nodes.Call) -> Optional[Tuple[str, StackDepth]]:
    """(how the message names it, its depth) when node sits in ``for _ in range(bound)``."""
    loop = tree.enclosing_for(node)
    bound = range_bound(loop.iter) if loop is not None else None
    count = timeaxis.dim_count(bound)
    return (f"the loop over range({bound.as_string()})", StackDepth(count)) if count is not None else None


def _layer_in_time_loop(node: nodes.Call, options: TimeStepOptions) -> Optional[Finding]:
    """A recurrent layer built in ``for _ in range(seq_len)`` and stacked: ``model.add(LSTM(..))`` or
    ``x = LSTM(..)(x)``; the bound is a time-step name, or spelled like a time dimension of the module."""
    found = _stacking_loop(node)
    if found is None:
        return None
    parent = node.parent
    added = isinstance(parent, nodes.Call) and isinstance(parent.func, nodes.Attribute) \
        and parent.func.attrname == "add" and node in parent.args
    applied = isinstance(parent, nodes.Call) and parent.func is node and parent.args \
        and isinstance(parent.args[0], nodes.Name) and parent.args[0].name in timeloops.assigned_by(parent)
    if not (added or applied):
        return None
    consumers = itertools.chain([Consumer(KERAS_LAYER, None, "")], _module_consumers(node, found[1]))
    return _sized_by_steps(node, *found, consumers, options)


def _rnn_in_time_loop(node: nodes.Call, api: str, options: TimeStepOptions) -> Optional[Finding]:
    """``for _ in range(seq_len): x, _ = dynamic_rnn(cell, x)``: layers stacked by a time-step count."""
    found = _stacking_loop(node)
    if found is None:
        return None
    inputs = callargs.call_argument(node, *tfapi.RNN_SIGNATURES[api].inputs)
    if not (isinstance(inputs, nodes.Name) and inputs.name in timeloops.assigned_by(node)):
        return None
    consumers = itertools.chain([Consumer(tfapi.short_name(api), None, "")], _module_consumers(node, found[1]))
    return _sized_by_steps(node, *found, consumers, options)
