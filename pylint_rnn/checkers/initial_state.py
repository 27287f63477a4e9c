"""Learned initial states that never learn, and learned initial states shaped like the batch.

Seed 003: the asker makes a trainable ``init_c``, feeds a *non-trainable* ``state_c`` to ``dynamic_rnn`` and
copies ``init_c`` into it with ``tf.assign``. An assignment has no gradient, so ``init_c`` stays at zero.
Both seed answers also make the initial state ``[batch_size, units]``: one learned state per batch slot,
which ties the graph to one batch size; the idiom is a ``[1, units]`` variable tiled to the batch.

The analysis is a small, module-local value tracker (names, ``self.`` attributes, tuples,
``LSTMStateTuple(c, h)``, ``state[0]`` / ``state.c``) that runs only in modules that feed an
``initial_state`` at all; it never infers.
"""
from __future__ import annotations

import re
from typing import Dict, Iterable, List, Optional, Tuple

from astroid import nodes
from pylint.checkers import BaseChecker

from pylint_rnn.checkers import CHECKER_NAME
from pylint_rnn.checkers._guard import never_crash
from pylint_rnn.core import tfapi
from pylint_rnn.core.bindings import method_class

_MAX_DEPTH = 12
_COMPREHENSION_SPAN = 16

# Keywords through which an RNN (function, Keras layer call, seq2seq decoder...) receives its first state.
_STATE_KEYWORDS = frozenset({
    "initial_state", "initial_state_fw", "initial_state_bw", "initial_states_fw", "initial_states_bw",
})
# Positional initial states of the TF1 RNN functions: canonical name -> positions.
_STATE_POSITIONS = {
    "tf.nn.dynamic_rnn": ((3, "initial_state"),),
    "tf.nn.static_rnn": ((2, "initial_state"),),
    "tf.nn.bidirectional_dynamic_rnn": ((4, "initial_state_fw"), (5, "initial_state_bw")),
    "tf.nn.static_bidirectional_rnn": ((3, "initial_state_fw"), (4, "initial_state_bw")),
}
_RNN_FUNCTION_NAMES = frozenset(name.rsplit(".", 1)[-1] for name in _STATE_POSITIONS)
# Position of the inputs argument, to spell the fix (tf.shape(inputs)[0]).
_INPUT_POSITIONS = {
    "tf.nn.dynamic_rnn": 1, "tf.nn.static_rnn": 1, "tf.nn.bidirectional_dynamic_rnn": 2,
    "tf.nn.static_bidirectional_rnn": 2,
}

_ASSIGN_METHODS = frozenset({"assign", "assign_add", "assign_sub", "load"})
_ASSIGN_APIS = {"tf.assign": "tf.assign", "tf.keras.backend.update": "K.update",
                "tf.keras.backend.set_value": "K.set_value"}
_CREATION_NAMES = frozenset({"Variable", "get_variable", "add_weight", "add_variable", "variable"})
_CREATION_APIS = {
    # canonical name -> (position of trainable, keyword of the value, position of the value)
    "tf.Variable": (1, "initial_value", 0),
    "tf.get_variable": (5, "initializer", 3),
    "tf.keras.backend.variable": (None, "value", 0),
}
# Values that pass a variable through unchanged ...
_IDENTITY_APIS = frozenset({"tf.identity", "tf.convert_to_tensor", "tf.cast", "tf.stop_gradient"})
# ... and values that reshape it (a tiled [1, units] variable is the idiom, not a batch-sized one).
_RESHAPING_APIS = frozenset({
    "tf.tile", "tf.reshape", "tf.expand_dims", "tf.broadcast_to", "tf.squeeze", "tf.repeat",
    "tf.keras.backend.tile", "tf.keras.backend.repeat_elements", "tf.keras.backend.reshape",
})
_STATE_TUPLES = frozenset({"tf.nn.rnn_cell.LSTMStateTuple", "tf.contrib.rnn.LSTMStateTuple"})
_STATE_FIELDS = {"c": 0, "h": 1}
# Tensor factories whose first argument (or shape=) is the shape.
_SHAPED_FACTORIES = frozenset({
    "zeros", "ones", "fill", "random_uniform", "random_normal", "truncated_normal", "uniform", "normal",
    "glorot_uniform", "empty", "rand", "randn", "constant", "full",
})
# Values that reset a state to a constant: not a carry of the RNN's final state.
_CONSTANT_FACTORIES = frozenset({"zeros", "ones", "zeros_like", "ones_like", "fill", "constant", "full"})

_DEFAULT_BATCH_NAMES = ("batch_size", "batchsize", "batch", "bs", "n_batch", "BATCH_SIZE", "batch_sz",
                        "minibatch_size", "mini_batch_size", "num_batch")
_DEFAULT_LEARNED_RGX = r"(?i)((^|[._])(init|learn|trainable|start)|(^|[._])[hcs]_?0(_|$))"


class _Var:
    """A variable creation site: ``tf.Variable(...)``, ``tf.get_variable(...)``, ``self.add_weight(...)``."""

    __slots__ = ("call", "label", "named", "trainable", "batch_dim", "from_zero_state")

    def __init__(self, call, label, trainable, batch_dim, from_zero_state):
        self.call = call
        self.label, self.named = label
        self.trainable = trainable  # True, False, or None (cannot tell)
        self.batch_dim = batch_dim  # source text of a batch-size first dimension, or None
        self.from_zero_state = from_zero_state


class _Feed:
    __slots__ = ("call", "expr", "rnn", "inputs")

    def __init__(self, call, expr, rnn, inputs):
        self.call, self.expr, self.rnn, self.inputs = call, expr, rnn, inputs


class InitialStateChecker(BaseChecker):
    name = CHECKER_NAME
    msgs = {
        "W7909": (
            "%s, so %r never trains; %s",
            "rnn-untrained-initial-state",
            "A learned initial state only learns if the loss depends on it through differentiable ops. "
            "Copying a trainable variable into the non-trainable variable the RNN starts from "
            "(``tf.assign`` / ``.assign()``, seed 003) cuts that path: assignments have no gradient, so "
            "the optimizer never updates the trainable copy. The same holds for an initial state created "
            "with ``trainable=False`` and never assigned, and for a trainable initial state that never "
            "reaches the RNN at all. Pass the trainable variable itself (tiled to the batch) as "
            "``initial_state``; to carry the final state forward between batches, keep a separate "
            "non-trainable variable and select between them, rather than copying the learned one.",
        ),
        "W7910": (
            "trainable initial state %r has batch size %r as its first dimension and is fed as "
            "initial_state of %s: it learns a separate state per batch slot and fixes the batch size; "
            "create it with shape [1, units] and tile it: tf.tile(%s, [tf.shape(%s)[0], 1])",
            "rnn-batch-sized-initial-state",
            "A learned initial state is one vector (per layer) that every sequence starts from. Creating "
            "the variable as ``[batch_size, units]`` (e.g. ``tf.Variable(cell.zero_state(batch_size, "
            "...).c)``) learns one start state per position in the batch: sequence i of every batch "
            "trains row i only, rows see different data for no reason, and the graph can no longer run "
            "on any other batch size (the last, smaller batch, or inference on one sequence). Make it "
            "``[1, units]`` and tile it to the batch at run time: ``tf.tile(h0, [tf.shape(x)[0], 1])``.",
        ),
    }
    options = (
        (
            "batch-size-names",
            {
                "default": _DEFAULT_BATCH_NAMES,
                "type": "csv",
                "metavar": "<names>",
                "help": "Names (and attribute names, as in self.batch_size / FLAGS.batch_size) that denote "
                        "the batch size, compared case-insensitively. A trainable initial state whose "
                        "first dimension is one of them gets rnn-batch-sized-initial-state. The first "
                        "argument of cell.zero_state(...) always counts.",
            },
        ),
        (
            "learned-state-rgx",
            {
                "default": _DEFAULT_LEARNED_RGX,
                "type": "regexp",
                "metavar": "<regexp>",
                "help": "Variable names that announce a learned initial state (init_c, initial_state, "
                        "learned_h, h0 ...). rnn-untrained-initial-state reports a non-trainable variable "
                        "so named that is fed as initial_state and never assigned, and an unused trainable "
                        "one; set it to a pattern that matches nothing (e.g. '^$') to keep only the "
                        "tf.assign form of that message.",
            },
        ),
    )

    def __init__(self, linter=None) -> None:
        super().__init__(linter)
        self._feeds: List[_Feed] = []
        self._assigns: List[nodes.Call] = []
        self._creations: List[nodes.Call] = []

    # --- collection: cheap, syntactic; all the work happens only in modules with a feed -------------------

    @never_crash
    def visit_module(self, node: nodes.Module) -> None:
        self._feeds, self._assigns, self._creations = [], [], []

    @never_crash
    def visit_call(self, node: nodes.Call) -> None:
        func = node.func
        last = func.attrname if isinstance(func, nodes.Attribute) else (
            func.name if isinstance(func, nodes.Name) else None)
        if node.keywords:
            for keyword in node.keywords:
                if keyword.arg in _STATE_KEYWORDS:
                    self._feeds.append(_Feed(node, keyword.value, None, None))
        if last is None:
            return
        if last in _RNN_FUNCTION_NAMES or last in ("rnn", "bidirectional_rnn"):
            api = tfapi.call_api(node)
            for position, keyword in _STATE_POSITIONS.get(api, ()):
                arg = tfapi.call_argument(node, position, keyword)
                if arg is not None and not any(kw.arg == keyword for kw in node.keywords or ()):
                    self._feeds.append(_Feed(node, arg, None, None))
        elif last in _ASSIGN_METHODS or last in ("assign", "update", "set_value"):
            self._assigns.append(node)
        elif last in _CREATION_NAMES:
            self._creations.append(node)

    @never_crash
    def leave_module(self, node: nodes.Module) -> None:
        if not self._feeds:
            return
        _Analysis(self, node).run()
        self._feeds, self._assigns, self._creations = [], [], []

    # --- options ------------------------------------------------------------------------------------------

    def batch_names(self) -> frozenset:
        names = getattr(self.linter.config, "batch_size_names", _DEFAULT_BATCH_NAMES)
        return frozenset(n.strip().lower() for n in names if n.strip())

    def learned_rgx(self):
        rgx = getattr(self.linter.config, "learned_state_rgx", None)
        return rgx if rgx is not None else re.compile(_DEFAULT_LEARNED_RGX)


class _Analysis:
    """Value tracking for one module: which variables reach which initial_state, and through what."""

    def __init__(self, checker: InitialStateChecker, module: nodes.Module) -> None:
        self.checker = checker
        self.module = module
        self.batch_names = checker.batch_names()
        self.learned = checker.learned_rgx()
        self._vars: Dict[int, Optional[_Var]] = {}
        self._class_attrs: Dict[int, Dict[str, list]] = {}

    # --- entry ------------------------------------------------------------------------------------------

    def run(self) -> None:
        checker = self.checker
        reached: Dict[int, List[Tuple[_Var, _Feed, bool]]] = {}
        for feed in checker._feeds:
            feed.rnn = _rnn_label(feed.call)
            feed.inputs = _inputs_label(feed.call)
            for var, reshaped in self.resolve(feed.expr):
                reached.setdefault(id(var.call), []).append((var, feed, reshaped))
        if not reached:
            return

        assigned = set()   # variables that something assigns to
        carried = set()    # variables assigned a computed (non-variable, non-constant) value
        sources = set()    # variables whose value is copied somewhere by an assignment
        untrained = []     # (assign call, spelling, target text, target var, source var)
        for call in checker._assigns:
            parsed = self._parse_assign(call)
            if parsed is None:
                continue
            spelling, target, value = parsed
            targets = [var for var, _ in self.resolve(target)]
            values = [var for var, _ in self.resolve(value)] if value is not None else []
            for var in targets:
                assigned.add(id(var.call))
            sources.update(id(var.call) for var in values)
            if value is not None and not values and not _is_constant(value):
                carried.update(id(var.call) for var in targets)
            fed_targets = [t for t in targets if t.trainable is False and id(t.call) in reached]
            learned = [v for v in values if v.trainable is True and id(v.call) not in reached]
            if fed_targets and learned:
                untrained.append((call, spelling, target.as_string(), fed_targets[0], learned[0]))

        for call, spelling, target_text, target_var, source in untrained:
            feed = reached[id(target_var.call)][0][1]
            self.checker.add_message(
                "rnn-untrained-initial-state", node=call,
                args=(f"trainable variable '{source.label}' reaches initial_state of {feed.rnn} only "
                      f"through {spelling} into non-trainable '{target_text}': assignments have no "
                      "gradient",
                      source.label,
                      f"pass '{source.label}' (tiled to the batch) as initial_state"),
            )

        feed_dict_keys = None
        for entries in reached.values():
            var, feed, _ = entries[0]
            if var.trainable is False and id(var.call) not in assigned and self._learned_name(var):
                if feed_dict_keys is None:
                    feed_dict_keys = self._feed_dict_keys()
                if id(var.call) in feed_dict_keys:
                    continue
                self.checker.add_message(
                    "rnn-untrained-initial-state", node=var.call,
                    args=(f"'{var.label}' is fed as initial_state of {feed.rnn} but is created with "
                          "trainable=False and never assigned",
                          var.label,
                          "drop trainable=False (and give it shape [1, units], tiled to the batch)"),
                )
            direct = [e for e in entries if not e[2]]
            if var.trainable is True and var.batch_dim and direct and id(var.call) not in carried:
                feed = direct[0][1]
                self.checker.add_message(
                    "rnn-batch-sized-initial-state", node=var.call,
                    args=(var.label, var.batch_dim, feed.rnn, var.label, feed.inputs),
                )

        self._check_unused_learned_states(reached, sources)

    # --- a trainable initial state that never reaches the RNN (seed 003, third answer) --------------------

    def _check_unused_learned_states(self, reached, sources) -> None:
        frozen_feeds = {}
        for entries in reached.values():
            for var, feed, _ in entries:
                if var.trainable is False:
                    frozen_feeds.setdefault(id(feed.call.frame()), (var, feed))
        if not frozen_feeds:
            return
        for call in self.checker._creations:
            var = self.variable(call)
            if var is None or var.trainable is not True or id(call) in reached or id(call) in sources:
                continue
            if not (var.from_zero_state or self._learned_name(var)):
                continue
            frozen = frozen_feeds.get(id(call.frame()))
            if frozen is None:
                continue
            binding = _single_name_target(call)
            if binding is None or not self._is_dead(binding, 0):
                continue
            fed_var, feed = frozen
            self.checker.add_message(
                "rnn-untrained-initial-state", node=call,
                args=(f"trainable variable '{var.label}' never reaches initial_state of {feed.rnn}, which "
                      f"starts from non-trainable '{_short(feed.expr)}' instead: no op the loss depends on "
                      "reads it: it gets no gradient",
                      var.label,
                      f"pass '{var.label}' (tiled to the batch) as initial_state"),
            )

    def _learned_name(self, var: _Var) -> bool:
        return var.named and bool(self.learned.search(var.label))

    def _is_dead(self, binding: nodes.AssignName, depth: int) -> bool:
        """Is the name only ever packed into tuples that are themselves never used?"""
        if depth > 4:
            return False
        scope = binding.scope()
        for name in scope.nodes_of_class(nodes.Name):
            if name.name != binding.name:
                continue
            parent = name.parent
            if isinstance(parent, (nodes.Tuple, nodes.List)):
                parent = parent.parent
            elif isinstance(parent, nodes.Call) and name in parent.args \
                    and tfapi.call_api(parent) in _STATE_TUPLES:
                pass
            else:
                return False
            holder = _single_name_target(parent)
            if holder is None or not self._is_dead(holder, depth + 1):
                return False
        return True

    def _feed_dict_keys(self) -> set:
        """Variables used as feed_dict keys: their value is supplied at run time."""
        keys = set()
        for call in self.module.nodes_of_class(nodes.Call):
            for keyword in call.keywords or ():
                if keyword.arg == "feed_dict" and isinstance(keyword.value, nodes.Dict):
                    for key, _ in keyword.value.items:
                        keys.update(id(var.call) for var, _ in self.resolve(key))
        return keys

    # --- assignments --------------------------------------------------------------------------------------

    def _parse_assign(self, call: nodes.Call):
        """(spelling, target expression, value expression or None) for an assignment op, else None."""
        api = tfapi.call_api(call)
        if api in _ASSIGN_APIS:
            return self._parse_assign_api(call, api)
        func = call.func
        if api is not None or not isinstance(func, nodes.Attribute) or func.attrname not in _ASSIGN_METHODS:
            return None
        value = tfapi.call_argument(call, 0, "value") if func.attrname == "assign" else None
        return f".{func.attrname}()", func.expr, value

    @staticmethod
    def _parse_assign_api(call: nodes.Call, api: str):
        if api == "tf.assign":
            return "tf.assign", tfapi.call_argument(call, 0, "ref"), tfapi.call_argument(call, 1, "value")
        target = tfapi.call_argument(call, 0, "x")
        value = tfapi.call_argument(call, 1, "new_x" if api == "tf.keras.backend.update" else "value")
        if api == "tf.keras.backend.set_value":
            value = None  # a numpy value
        if target is None:
            return None
        return _ASSIGN_APIS[api], target, value

    # --- variables ----------------------------------------------------------------------------------------

    def variable(self, call: nodes.Call) -> Optional[_Var]:
        key = id(call)
        if key not in self._vars:
            self._vars[key] = None  # breaks cycles
            self._vars[key] = self._make_variable(call)
        return self._vars[key]

    def _make_variable(self, call: nodes.Call) -> Optional[_Var]:
        func = call.func
        if isinstance(func, nodes.Attribute) and func.attrname in ("add_weight", "add_variable"):
            if tfapi.call_api(call) is not None:
                return None
            trainable_arg = tfapi.call_argument(call, 5, "trainable")
            shape = tfapi.call_argument(call, 1, "shape")
            batch_dim = self._first_dim(shape, 0)
            zero_state = False
        else:
            api = tfapi.call_api(call)
            if api not in _CREATION_APIS:
                return None
            trainable_pos, value_kw, value_pos = _CREATION_APIS[api]
            trainable_arg = tfapi.call_argument(call, trainable_pos, "trainable")
            if api == "tf.get_variable":
                shape = tfapi.call_argument(call, 1, "shape")
                batch_dim = self._first_dim(shape, 0) if shape is not None else None
                value = tfapi.call_argument(call, value_pos, value_kw)
                zero_state = False
                if batch_dim is None and value is not None:
                    batch_dim, zero_state = self._batch_dim_of_value(value, 0)
            else:
                value = tfapi.call_argument(call, value_pos, value_kw)
                batch_dim, zero_state = self._batch_dim_of_value(value, 0) if value is not None else (None, False)
        if trainable_arg is None:
            trainable = True
        else:
            literal = tfapi.literal_value(trainable_arg)
            trainable = literal if isinstance(literal, bool) else None
        return _Var(call, _label(call), trainable, batch_dim, zero_state)

    def _batch_dim_of_value(self, value: nodes.NodeNG, depth: int) -> Tuple[Optional[str], bool]:
        """(batch-size text, made from zero_state) for an initial value, when its first dim is the batch."""
        if depth > _MAX_DEPTH:
            return None, False
        if isinstance(value, nodes.Name):
            for bound in _bound_values(value):
                found = self._batch_dim_of_value(bound, depth + 1)
                if found[0]:
                    return found
            return None, False
        if isinstance(value, nodes.Attribute):
            return self._batch_dim_of_value(value.expr, depth + 1)
        if isinstance(value, nodes.Subscript):
            return self._batch_dim_of_value(value.value, depth + 1)
        if not isinstance(value, nodes.Call):
            return None, False
        func = value.func
        last = func.attrname if isinstance(func, nodes.Attribute) else getattr(func, "name", None)
        if last in ("zero_state", "get_initial_state"):
            batch = tfapi.call_argument(value, 0 if last == "zero_state" else 1, "batch_size")
            return (batch.as_string(), True) if batch is not None else (None, False)
        if last in _SHAPED_FACTORIES:
            path = tfapi.qualified_path(func) or ""
            if not path.startswith(("tensorflow", "keras", "numpy", "tf_keras")):
                return None, False
            shape = tfapi.call_argument(value, None, "shape")
            if shape is None and last not in ("constant",):
                shape = value.args[0] if value.args else None
            if last in ("rand", "randn"):  # numpy.random.rand(d0, d1, ...)
                return (self._dim_text(value.args[0]) if len(value.args) >= 2 else None), False
            return (self._first_dim(shape, 0) if shape is not None else None), False
        if tfapi.call_api(value) in _IDENTITY_APIS | _RESHAPING_APIS and value.args:
            return self._batch_dim_of_value(value.args[0], depth + 1)
        return None, False

    def _first_dim(self, shape: Optional[nodes.NodeNG], depth: int) -> Optional[str]:
        if shape is None or depth > 3:
            return None
        if isinstance(shape, (nodes.List, nodes.Tuple)):
            return self._dim_text(shape.elts[0]) if len(shape.elts) >= 2 else None
        if isinstance(shape, nodes.Name):
            for bound in _bound_values(shape):
                found = self._first_dim(bound, depth + 1)
                if found:
                    return found
        return None

    def _dim_text(self, dim: nodes.NodeNG) -> Optional[str]:
        if isinstance(dim, nodes.Name) and dim.name.lower() in self.batch_names:
            return dim.name
        if isinstance(dim, nodes.Attribute) and dim.attrname.lower() in self.batch_names:
            return dim.as_string()
        return None

    # --- value resolution ---------------------------------------------------------------------------------

    def resolve(self, expr: Optional[nodes.NodeNG], depth: int = 0) -> List[Tuple[_Var, bool]]:
        """The variables an expression may evaluate to (or pack), each with 'was reshaped on the way'."""
        if expr is None or depth > _MAX_DEPTH:
            return []
        if isinstance(expr, (nodes.Tuple, nodes.List)):
            return [item for elt in expr.elts for item in self.resolve(elt, depth + 1)]
        if isinstance(expr, nodes.ListComp):
            return self.resolve(expr.elt, depth + 1)
        if isinstance(expr, nodes.Name):
            return [item for value in _bound_values(expr) for item in self.resolve(value, depth + 1)]
        if isinstance(expr, nodes.Attribute):
            attr_values = self._self_attribute_values(expr)
            if attr_values is not None:
                return [item for value in attr_values for item in self.resolve(value, depth + 1)]
            if expr.attrname in _STATE_FIELDS:
                return self._component(expr.expr, _STATE_FIELDS[expr.attrname], depth + 1)
            return []
        if isinstance(expr, nodes.Subscript):
            index = tfapi.literal_value(expr.slice)
            if isinstance(index, int) and not isinstance(index, bool):
                return self._component(expr.value, index, depth + 1)
            return self.resolve(expr.value, depth + 1)
        if isinstance(expr, nodes.Call):
            return self._resolve_call(expr, depth)
        return []

    def _resolve_call(self, call: nodes.Call, depth: int) -> List[Tuple[_Var, bool]]:
        func = call.func
        if isinstance(func, nodes.Attribute) and func.attrname in _CREATION_NAMES:
            var = self.variable(call)
            return [(var, False)] if var is not None else []
        if isinstance(func, nodes.Attribute) and func.attrname in ("read_value", "value") and not call.args:
            return self.resolve(func.expr, depth + 1)
        if isinstance(func, nodes.Name) and func.name in ("tuple", "list") and len(call.args) == 1:
            return self.resolve(call.args[0], depth + 1)
        api = tfapi.call_api(call)
        if api is None:
            return []
        if api in _CREATION_APIS:
            var = self.variable(call)
            return [(var, False)] if var is not None else []
        if api in _STATE_TUPLES:
            return [item for part in _tuple_parts(call) for item in self.resolve(part, depth + 1)]
        if api in _IDENTITY_APIS and call.args:
            return self.resolve(call.args[0], depth + 1)
        if api in _RESHAPING_APIS and call.args:
            return [(var, True) for var, _ in self.resolve(call.args[0], depth + 1)]
        return []

    def _component(self, base: nodes.NodeNG, index: int, depth: int) -> List[Tuple[_Var, bool]]:
        """``base[index]`` / ``base.c``: the matching part when base is a known composition."""
        out: List[Tuple[_Var, bool]] = []
        whole = False
        for composed in self._compositions(base, depth):
            if composed is None:
                whole = True
            elif -len(composed) <= index < len(composed):
                out.extend(self.resolve(composed[index], depth + 1))
        if whole:
            # Not a tuple we know: state[0] of a single variable is a slice of that variable.
            out.extend(self.resolve(base, depth + 1))
        return out

    def _compositions(self, base: nodes.NodeNG, depth: int) -> Iterable[Optional[list]]:
        """The part lists base is built from (one per binding), or a None entry if it is not a tuple."""
        if depth > _MAX_DEPTH:
            yield None
            return
        if isinstance(base, (nodes.Tuple, nodes.List)):
            yield list(base.elts)
            return
        if isinstance(base, nodes.ListComp):
            yield [base.elt] * _COMPREHENSION_SPAN  # [make() for _ in range(n)]: every item is elt
            return
        if isinstance(base, nodes.Call):
            yield _tuple_parts(base) if tfapi.call_api(base) in _STATE_TUPLES else None
            return
        if isinstance(base, nodes.Subscript):
            index = tfapi.literal_value(base.slice)
            if not isinstance(index, int) or isinstance(index, bool):
                yield None
                return
            for outer in self._compositions(base.value, depth + 1):
                if outer is None or not -len(outer) <= index < len(outer):
                    yield None
                else:
                    yield from self._compositions(outer[index], depth + 1)
            return
        values = None
        if isinstance(base, nodes.Name):
            values = _bound_values(base)
        elif isinstance(base, nodes.Attribute):
            values = self._self_attribute_values(base)
        if not values:
            yield None
            return
        for value in values:
            yield from self._compositions(value, depth + 1)

    def _self_attribute_values(self, expr: nodes.Attribute) -> Optional[list]:
        """Values assigned to ``self.<attr>`` anywhere in the class, when expr is such an attribute."""
        klass = method_class(expr.expr)
        if klass is None:
            return None
        table = self._class_attrs.get(id(klass))
        if table is None:
            table = {}
            for member in klass.body:
                if not isinstance(member, nodes.FunctionDef):
                    continue
                params = (member.args.posonlyargs or []) + (member.args.args or [])
                if not params:
                    continue
                receiver = params[0].name
                for target in member.nodes_of_class(nodes.AssignAttr):
                    if isinstance(target.expr, nodes.Name) and target.expr.name == receiver:
                        value = _target_value(target)
                        if value is not None:
                            table.setdefault(target.attrname, []).append(value)
            self._class_attrs[id(klass)] = table
        return table.get(expr.attrname, [])


# --- small tree helpers -----------------------------------------------------------------------------------


def _bound_values(name: nodes.Name) -> list:
    """The values a name may hold here: right-hand sides of its assignments (element-wise for tuples)."""
    try:
        _, bindings = name.lookup(name.name)
    except Exception:  # pylint: disable=broad-exception-caught
        return []
    values = []
    for binding in bindings:
        if isinstance(binding, nodes.AssignName):
            value = _target_value(binding)
            if value is not None:
                values.append(value)
    return values


def _target_value(target: nodes.NodeNG) -> Optional[nodes.NodeNG]:
    """Right-hand side for an assignment target, following ``a, b = x, y`` element-wise."""
    parent = target.parent
    if isinstance(parent, nodes.Assign):
        return parent.value
    if isinstance(parent, nodes.AnnAssign):
        return parent.value
    if isinstance(parent, (nodes.Tuple, nodes.List)) and isinstance(parent.parent, nodes.Assign):
        value = parent.parent.value
        if isinstance(value, (nodes.Tuple, nodes.List)) and len(value.elts) == len(parent.elts) \
                and not any(isinstance(e, nodes.Starred) for e in parent.elts):
            return value.elts[parent.elts.index(target)]
    return None


def _tuple_parts(call: nodes.Call) -> list:
    parts = list(call.args[:2])
    for keyword in call.keywords or ():
        if keyword.arg in _STATE_FIELDS:
            index = _STATE_FIELDS[keyword.arg]
            while len(parts) <= index:
                parts.append(None)
            parts[index] = keyword.value
    return [p for p in parts if p is not None] if None in parts else parts


def _single_name_target(value: nodes.NodeNG) -> Optional[nodes.AssignName]:
    parent = value.parent
    if isinstance(parent, nodes.Assign) and len(parent.targets) == 1 \
            and isinstance(parent.targets[0], nodes.AssignName) and parent.value is value:
        return parent.targets[0]
    return None


def _label(call: nodes.Call) -> Tuple[str, bool]:
    """(name the user gives a variable in code, is it a name): its assignment target, else name=, else
    the call itself."""
    parent = call.parent
    target = None
    if isinstance(parent, (nodes.Assign, nodes.AnnAssign)):
        target = parent.targets[0] if isinstance(parent, nodes.Assign) else parent.target
    elif isinstance(parent, (nodes.Tuple, nodes.List)) and isinstance(parent.parent, nodes.Assign):
        targets = parent.parent.targets[0]
        if isinstance(targets, (nodes.Tuple, nodes.List)) and len(targets.elts) == len(parent.elts):
            target = targets.elts[parent.elts.index(call)]
    if isinstance(target, nodes.AssignName):
        return target.name, True
    if isinstance(target, nodes.AssignAttr):
        return target.as_string(), True
    name = tfapi.literal_value(tfapi.call_argument(call, None, "name"))
    if not isinstance(name, str) and call.args:  # tf.get_variable("h0", ...), self.add_weight("h0", ...)
        name = tfapi.literal_value(call.args[0])
    if isinstance(name, str) and name.isidentifier():
        return name, True
    return _short(call), False


def _rnn_label(call: nodes.Call) -> str:
    api = tfapi.call_api(call)
    if api:
        return api.rsplit(".", 1)[-1]
    func = call.func
    if isinstance(func, nodes.Call):
        inner = tfapi.call_api(func)
        if inner:
            return inner.rsplit(".", 1)[-1]
    written = tfapi.dotted_name(func)
    return written or "the RNN"


def _inputs_label(call: nodes.Call) -> str:
    api = tfapi.call_api(call)
    arg = tfapi.call_argument(call, _INPUT_POSITIONS.get(api, 0), "inputs")
    if isinstance(arg, (nodes.Name, nodes.Attribute)):
        text = arg.as_string()
        if api == "tf.nn.static_rnn" or api == "tf.nn.static_bidirectional_rnn":
            return f"{text}[0]"
        return text
    return "inputs"


def _short(expr: nodes.NodeNG) -> str:
    text = expr.as_string()
    return text if len(text) <= 40 else text[:37] + "..."


def _is_constant(value: nodes.NodeNG) -> bool:
    if isinstance(value, nodes.Const):
        return True
    if isinstance(value, nodes.Call):
        func = value.func
        last = func.attrname if isinstance(func, nodes.Attribute) else getattr(func, "name", None)
        return last in _CONSTANT_FACTORIES
    return False


CHECKERS = (InitialStateChecker,)
