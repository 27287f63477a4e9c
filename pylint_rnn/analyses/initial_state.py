"""Learned initial states that never learn, and learned initial states shaped like the batch.

Seed 003: the asker makes a trainable ``init_c``, feeds a *non-trainable* ``state_c`` to ``dynamic_rnn`` and
copies ``init_c`` into it with ``tf.assign``. An assignment has no gradient, so ``init_c`` stays at zero.
Both seed answers also make the initial state ``[batch_size, units]``: one learned state per batch slot,
which ties the graph to one batch size; the idiom is a ``[1, units]`` variable tiled to the batch.

While pylint walks a module the checker gathers :class:`Candidates` by the called name alone (cheap);
:func:`findings` then runs a small, module-local value tracker (names, ``self.`` attributes, tuples,
``LSTMStateTuple(c, h)``, ``state[0]`` / ``state.c``) over them, only in modules that feed an
``initial_state`` at all. It never infers.
"""
from __future__ import annotations

import re
from typing import Dict, FrozenSet, Iterable, List, NamedTuple, Optional, Pattern, Tuple

from astroid import nodes
from pylint.interfaces import HIGH, INFERENCE

from pylint_rnn.analyses import Finding
from pylint_rnn.analyses.initial_state_variables import CREATION_NAMES, Variable, VariableTracker
from pylint_rnn.core import callargs, tfapi, tree

UNTRAINED = "rnn-untrained-initial-state"
BATCH_SIZED = "rnn-batch-sized-initial-state"

DEFAULT_BATCH_NAMES = ("batch_size", "batchsize", "batch", "bs", "n_batch", "BATCH_SIZE", "batch_sz",
                       "minibatch_size", "mini_batch_size", "num_batch")
DEFAULT_LEARNED_RGX = r"(?i)((^|[._])(init|learn|trainable|start)|(^|[._])[hcs]_?0(_|$))"

# Keywords through which an RNN (function, Keras layer call, seq2seq decoder...) receives its first state.
_STATE_KEYWORDS = frozenset(keyword for signature in tfapi.RNN_SIGNATURES.values()
                            for _, keyword in signature.initial_states)
# Last names of the RNN functions, looked at before resolving the API; rnn / bidirectional_rnn are the
# TF 0.x spellings of static_rnn / static_bidirectional_rnn.
_RNN_FUNCTION_NAMES = frozenset(api.rsplit(".", 1)[-1] for api in tfapi.RNN_SIGNATURES) \
    | {"rnn", "bidirectional_rnn"}

_ASSIGN_METHODS = frozenset({"assign", "assign_add", "assign_sub", "load"})
_ASSIGN_APIS = {tfapi.ASSIGN: "tf.assign", "tf.keras.backend.update": "K.update",
                "tf.keras.backend.set_value": "K.set_value"}
_ASSIGN_NAMES = _ASSIGN_METHODS | {"update", "set_value"}
# Values that reset a state to a constant: not a carry of the RNN's final state.
_CONSTANT_FACTORIES = frozenset({"zeros", "ones", "zeros_like", "ones_like", "fill", "constant", "full"})


# --- what the checker hands over -------------------------------------------------------------------------


class Options(NamedTuple):
    """The checker's options, as the analysis reads them."""

    batch_names: FrozenSet[str]  # lower-case names (and attribute names) that denote the batch size
    learned_names: Pattern[str]  # variable names that announce a learned initial state

    @classmethod
    def of(cls, batch_size_names: Iterable[str], learned_state_rgx: Pattern[str]) -> "Options":
        return cls(frozenset(n.strip().lower() for n in batch_size_names if n.strip()), learned_state_rgx)


DEFAULT_OPTIONS = Options.of(DEFAULT_BATCH_NAMES, re.compile(DEFAULT_LEARNED_RGX))


class Feed(NamedTuple):
    """An expression passed as an RNN's initial state, and the call that receives it."""

    call: nodes.Call
    state: nodes.NodeNG


class Candidates(NamedTuple):
    """The calls of one module that may matter, chosen by the called name and keywords alone."""

    feeds: List[Feed]
    assigns: List[nodes.Call]  # tf.assign, .assign(), K.update ...
    creations: List[nodes.Call]  # tf.Variable, get_variable, add_weight ...

    @classmethod
    def of(cls, calls: List[nodes.Call]) -> "Candidates":
        """The candidates among a module's calls: a look at keywords and names before any method call."""
        found = cls([], [], [])
        for call in calls:
            func = call.func  # tree.last_name, inline: asked of every call of the module
            last = func.attrname if isinstance(func, nodes.Attribute) else func.name if isinstance(func, nodes.Name) \
                else None
            if call.keywords or last in _COLLECTED_NAMES:
                found.collect(call, last)
        return found

    def collect(self, call: nodes.Call, last: Optional[str]) -> None:
        """Keep the call if its name (``last``: of its callee) says it may feed, assign or create an
        initial state."""
        for keyword in call.keywords or ():
            if keyword.arg in _STATE_KEYWORDS:
                self.feeds.append(Feed(call, keyword.value))
        if last in _RNN_FUNCTION_NAMES:
            self.feeds.extend(Feed(call, state) for state in _positional_states(call))
        elif last in _ASSIGN_NAMES:
            self.assigns.append(call)
        elif last in CREATION_NAMES:
            self.creations.append(call)


_COLLECTED_NAMES = _RNN_FUNCTION_NAMES | _ASSIGN_NAMES | CREATION_NAMES


def _positional_states(call: nodes.Call) -> List[nodes.NodeNG]:
    signature = tfapi.rnn_signature(call)
    if signature is None:
        return []
    passed = {keyword.arg for keyword in call.keywords or ()}  # keyword states are collected already
    states = [callargs.call_argument(call, position, keyword)
              for position, keyword in signature.initial_states if keyword not in passed]
    return [state for state in states if state is not None]


# --- the findings --------------------------------------------------------------------------------------


class _Reach(NamedTuple):
    """A variable that reaches a feed, and whether it was reshaped (tiled...) on the way."""

    var: Variable
    feed: Feed
    reshaped: bool


class _Writes(NamedTuple):
    """What the module's assignment ops do to the variables (by id of their creation call)."""

    assigned: set  # variables something assigns to
    carried: set  # variables assigned a computed (not constant) value
    sources: set  # variables whose value is copied somewhere
    copies: list  # (assign call, spelling, target text, fed target, source)


class _Facts(NamedTuple):
    """What every form of the messages asks about one module."""

    module: nodes.Module
    options: Options
    tracker: VariableTracker
    reached: Dict[int, List[_Reach]]  # id of a variable's creation call -> the feeds it reaches
    writes: _Writes


def findings(module: nodes.Module, candidates: Candidates, options: Options) -> List[Finding]:
    """rnn-untrained-initial-state and rnn-batch-sized-initial-state for one module."""
    if not candidates.feeds:
        return []
    tracker = VariableTracker(options.batch_names)
    reached: Dict[int, List[_Reach]] = {}
    for feed in candidates.feeds:
        for var, reshaped in tracker.resolve(feed.state):
            reached.setdefault(id(var.call), []).append(_Reach(var, feed, reshaped))
    if not reached:
        return []
    facts = _Facts(module, options, tracker, reached, _scan_assignments(candidates.assigns, tracker, reached))
    return (_copied_states(facts) + _frozen_states(facts) + _batch_sized_states(facts)
            + _unused_states(candidates.creations, facts))


def _scan_assignments(assigns: List[nodes.Call], tracker: VariableTracker, reached: dict) -> _Writes:
    writes = _Writes(set(), set(), set(), [])
    for call in assigns:
        parsed = _parse_assign(call)
        if parsed is None:
            continue
        spelling, target, value = parsed
        targets = [var for var, _ in tracker.resolve(target)]
        sources = [var for var, _ in tracker.resolve(value)] if value is not None else []
        writes.assigned.update(id(var.call) for var in targets)
        writes.sources.update(id(var.call) for var in sources)
        if value is not None and not sources and not _is_constant(value):
            writes.carried.update(id(var.call) for var in targets)
        fed_targets = [t for t in targets if t.trainable is False and id(t.call) in reached]
        learned = [s for s in sources if s.trainable is True and id(s.call) not in reached]
        if fed_targets and learned:
            writes.copies.append((call, spelling, target.as_string(), fed_targets[0], learned[0]))
    return writes


def _copied_states(facts: _Facts) -> List[Finding]:
    """A trainable variable copied by an assignment into the non-trainable one the RNN starts from."""
    found = []
    for call, spelling, target_text, target, source in facts.writes.copies:
        rnn = _rnn_label(facts.reached[id(target.call)][0].feed.call)
        reason = (f"it reaches initial_state of {rnn} only through {spelling} into non-trainable "
                  f"'{target_text}', and assignments have no gradient")
        found.append(Finding(UNTRAINED, call, (source.label, reason), (_pass_itself(source.label),), HIGH))
    return found


def _frozen_states(facts: _Facts) -> List[Finding]:
    """A state named as learned but created with trainable=False, fed to the RNN and never assigned."""
    found, feed_dict_keys = [], None
    for entries in facts.reached.values():
        var, feed = entries[0].var, entries[0].feed
        if var.trainable is not False or id(var.call) in facts.writes.assigned \
                or not _learned_name(var, facts.options):
            continue
        if feed_dict_keys is None:
            feed_dict_keys = _feed_dict_keys(facts.module, facts.tracker)
        if id(var.call) in feed_dict_keys:
            continue  # its value is supplied at run time
        reason = (f"it is fed as initial_state of {_rnn_label(feed.call)} but created with trainable=False "
                  "and never assigned")
        # The learned-state-rgx name, not the structure, says this variable was meant to learn.
        found.append(Finding(UNTRAINED, var.call, (var.label, reason),
                             ("drop trainable=False (and give it shape [1, units], tiled to the batch)",),
                             INFERENCE))
    return found


def _batch_sized_states(facts: _Facts) -> List[Finding]:
    """A trainable state whose first dimension is the batch size, fed as it is (not tiled, not a carry)."""
    found = []
    for entries in facts.reached.values():
        var = entries[0].var
        direct = [entry for entry in entries if not entry.reshaped]
        if var.trainable is not True or not var.batch_dim or not direct:
            continue
        if id(var.call) in facts.writes.carried:
            continue  # it carries the final state between batches: one row per sequence is right
        feed = direct[0].feed
        # cell.zero_state(batch_size, ...) proves the dimension is the batch; otherwise its name says so.
        confidence = HIGH if var.from_zero_state else INFERENCE
        found.append(Finding(BATCH_SIZED, var.call, (var.label, var.batch_dim, _rnn_label(feed.call)),
                             (var.label, _inputs_label(feed.call)), confidence))
    return found


def _unused_states(creations: List[nodes.Call], facts: _Facts) -> List[Finding]:
    """A trainable learned state that nothing reads, beside a non-trainable one the RNN starts from
    (seed 003, third answer)."""
    frozen_feeds: Dict[int, Feed] = {}  # frame -> the first non-trainable state fed there
    for entries in facts.reached.values():
        for entry in entries:
            if entry.var.trainable is False:
                frozen_feeds.setdefault(id(entry.feed.call.frame()), entry.feed)
    if not frozen_feeds:
        return []
    found = []
    for call in creations:
        var = facts.tracker.variable(call)
        if var is None or var.trainable is not True or id(call) in facts.reached \
                or id(call) in facts.writes.sources:
            continue
        if not (var.from_zero_state or _learned_name(var, facts.options)):
            continue
        feed = frozen_feeds.get(id(call.frame()))
        binding = _single_name_target(call)
        if feed is None or binding is None or not _is_dead(binding, 0):
            continue
        rnn, start = _rnn_label(feed.call), tree.short_text(feed.state)
        reason = (f"it never reaches initial_state of {rnn}, which starts from non-trainable '{start}' "
                  "instead, so no op the loss depends on reads it")
        found.append(Finding(UNTRAINED, call, (var.label, reason), (_pass_itself(var.label),), INFERENCE))
    return found


def _pass_itself(label: str) -> str:
    return f"pass '{label}' itself (tiled to the batch) as initial_state"


def _learned_name(var: Variable, options: Options) -> bool:
    return var.named and bool(options.learned_names.search(var.label))


def _is_dead(binding: nodes.AssignName, depth: int) -> bool:
    """Is the name only ever packed into tuples that are themselves never used?"""
    if depth > 4:
        return False
    for name in binding.scope().nodes_of_class(nodes.Name):
        if name.name != binding.name:
            continue
        parent = name.parent
        if isinstance(parent, (nodes.Tuple, nodes.List)):
            parent = parent.parent
        elif not (isinstance(parent, nodes.Call) and name in parent.args
                  and tfapi.call_api(parent) == tfapi.STATE_TUPLE):
            return False
        holder = _single_name_target(parent)
        if holder is None or not _is_dead(holder, depth + 1):
            return False
    return True


def _feed_dict_keys(module: nodes.Module, tracker: VariableTracker) -> set:
    """Variables used as feed_dict keys: their value is supplied at run time."""
    keys = set()
    for call in module.nodes_of_class(nodes.Call):
        for keyword in call.keywords or ():
            if keyword.arg == "feed_dict" and isinstance(keyword.value, nodes.Dict):
                for key, _ in keyword.value.items:
                    keys.update(id(var.call) for var, _ in tracker.resolve(key))
    return keys


def _parse_assign(call: nodes.Call) -> Optional[Tuple[str, nodes.NodeNG, Optional[nodes.NodeNG]]]:
    """(spelling, target expression, value expression or None) for an assignment op, else None."""
    api = tfapi.call_api(call)
    if api == tfapi.ASSIGN:
        return "tf.assign", callargs.call_argument(call, 0, "ref"), callargs.call_argument(call, 1, "value")
    if api in _ASSIGN_APIS:
        target = callargs.call_argument(call, 0, "x")
        # K.set_value takes a numpy value: nothing to follow.
        value = callargs.call_argument(call, 1, "new_x") if api == "tf.keras.backend.update" else None
        return (_ASSIGN_APIS[api], target, value) if target is not None else None
    func = call.func
    if api is not None or not isinstance(func, nodes.Attribute) or func.attrname not in _ASSIGN_METHODS:
        return None
    value = callargs.call_argument(call, 0, "value") if func.attrname == "assign" else None
    return f".{func.attrname}()", func.expr, value


def _single_name_target(value: nodes.NodeNG) -> Optional[nodes.AssignName]:
    parent = value.parent
    if isinstance(parent, nodes.Assign) and len(parent.targets) == 1 \
            and isinstance(parent.targets[0], nodes.AssignName) and parent.value is value:
        return parent.targets[0]
    return None


def _rnn_label(call: nodes.Call) -> str:
    """How the message names the RNN: dynamic_rnn, LSTM (for LSTM(...)(x)), or the call as written."""
    api = tfapi.call_api(call) or tfapi.call_api(call.func)
    if api:
        return api.rsplit(".", 1)[-1]
    return tfapi.dotted_name(call.func) or "the RNN"


def _inputs_label(call: nodes.Call) -> str:
    """The RNN's inputs as the fix spells them in tf.shape(...)[0]."""
    signature = tfapi.rnn_signature(call)
    position, keyword = signature.inputs if signature is not None and signature.inputs else (0, "inputs")
    inputs = callargs.call_argument(call, position, keyword)
    if not isinstance(inputs, (nodes.Name, nodes.Attribute)):
        return "inputs"
    # A static RNN takes a list of per-step inputs: the batch size is the first dimension of one of them.
    return f"{inputs.as_string()}[0]" if signature is not None and signature.static else inputs.as_string()


def _is_constant(value: nodes.NodeNG) -> bool:
    """A literal or a constant factory (tf.zeros ...): a reset of the state, not a carry."""
    if isinstance(value, nodes.Const):
        return True
    return isinstance(value, nodes.Call) and tree.last_name(value.func) in _CONSTANT_FACTORIES
