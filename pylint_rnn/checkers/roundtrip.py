"""W7901 rnn-placeholder-roundtrip: a fetched tensor fed back through a placeholder in a training run.

Seed 000: the asker computes ``cls.rnn_input`` with one ``sess.run``, then feeds the resulting numpy
array through ``cls.input_place`` in the run that fetches the optimizer. The graph between the trainable
ops that computed ``cls.rnn_input`` and the loss is cut by the placeholder, so those ops never receive a
gradient.

Reported at the training run when all of these hold (otherwise silent):

- the run fetches a training op (``opt.minimize(...)``, ``apply_gradients(...)``, ``optimize_loss``,
  ``create_train_op``, or a name matching ``training-op-names``);
- a fed value is, through :mod:`pylint_rnn.core.sessions`, exactly what an earlier run (or a run later in
  the same loop body) fetched for a tensor ``T``, only reshaped;
- the key it is fed through is a placeholder that feeds trainable computation (a variable-creating call,
  a layer, an RNN), and ``T``'s definition depends on trainable variables;
- neither side is recurrent state (carrying the final state into the initial state is truncated
  back-propagation, which is intended), nor named as an intentional constant (``roundtrip-ignore-names``:
  old policy, targets, labels, ...), and the value does not come from this very run (a recurrence).
"""
from __future__ import annotations

import re
from typing import Iterable, List, Optional

from astroid import nodes
from pylint.checkers import BaseChecker

from pylint_rnn.checkers import CHECKER_NAME
from pylint_rnn.checkers._guard import never_crash
from pylint_rnn.core import dataflow, effects, sessions, tfapi, trainable
from pylint_rnn.core.cache import module_cached

DEFAULT_TRAINING_OP_NAMES = r".*(train|optimi[sz]|minimi[sz]|update_op|opt_op|apply_grad).*"
DEFAULT_SESSION_NAMES = r".*(sess|session).*"
DEFAULT_STATE_NAMES = (
    r".*(state|memory|carry).*|(init|initial|prev|last|final|next|new)_?(h|c|hidden)|(h|c|hidden)_?(0|init|prev)"
)
DEFAULT_IGNORE_NAMES = (
    r".*(old|target|label|baseline|advantage|reward|return|teacher|expert|frozen|fixed|const).*"
)

_TRAINING_METHODS = frozenset({"minimize", "apply_gradients"})
_TRAINING_APIS = frozenset({
    "tf.contrib.layers.optimize_loss", "tf.contrib.training.create_train_op",
    "tf.contrib.slim.learning.create_train_op", "tf.contrib.slim.optimize_loss",
})
_GROUPING_APIS = frozenset({"tf.group", "tf.tuple", "tf.identity"})
_PLACEHOLDER_APIS = frozenset({
    tfapi.PLACEHOLDER, tfapi.PLACEHOLDER_WITH_DEFAULT, "tf.keras.Input", "tf.keras.layers.Input",
})
_STATE_KEYWORDS = frozenset({
    "initial_state", "initial_state_fw", "initial_state_bw", "initial_states_fw", "initial_states_bw",
    "initial_states", "state", "states", "h0", "c0", "init_state", "prev_state",
})
_STATE_TUPLES = frozenset({"tf.nn.rnn_cell.LSTMStateTuple", "tf.contrib.rnn.LSTMStateTuple"})
# Positional index of initial_state in the RNN functions.
_INITIAL_STATE_POSITION = {
    "tf.nn.dynamic_rnn": 3, "tf.nn.static_rnn": 2, "tf.nn.static_state_saving_rnn": None,
    "tf.nn.bidirectional_dynamic_rnn": 4, "tf.nn.static_bidirectional_rnn": 3,
}
_MAX_USE_HOPS = 3


def _last_name(expr: Optional[nodes.NodeNG]) -> Optional[str]:
    if isinstance(expr, nodes.Keyword):
        return expr.arg
    if isinstance(expr, nodes.Subscript):
        return _last_name(expr.value)
    if isinstance(expr, nodes.Call):
        return _last_name(expr.func.expr) if isinstance(expr.func, nodes.Attribute) else None
    dotted = tfapi.dotted_name(expr) if expr is not None else None
    return dotted.rsplit(".", 1)[-1] if dotted else None


def _target_names(expr: nodes.NodeNG) -> List[str]:
    """The names a tensor is known by: as written, and the targets its definitions are assigned to."""
    names = []
    last = _last_name(expr)
    if last:
        names.append(last)
    for definition in dataflow.definitions(expr):
        target = definition.target
        if isinstance(target, nodes.AssignName):
            names.append(target.name)
        elif isinstance(target, nodes.AssignAttr):
            names.append(target.attrname)
    return names


def _matches(pattern: re.Pattern, names: Iterable[str]) -> bool:
    return any(pattern.fullmatch(n) or pattern.fullmatch(n.lower()) for n in names if n)


class RoundTripChecker(BaseChecker):
    """Finds tensors whose fetched values are fed back into training through a placeholder."""

    name = CHECKER_NAME
    msgs = {
        "W7901": (
            "'%s' was fetched from '%s' and is fed back through placeholder '%s' in this training run: "
            "the ops that compute '%s' get no gradient and never train; feed the inputs of '%s' and use it "
            "directly in the graph",
            "rnn-placeholder-roundtrip",
            "A tensor was evaluated with sess.run() or .eval(), and the resulting numpy value is fed through a "
            "placeholder in a later run that fetches a training op. The placeholder cuts the graph: the "
            "optimizer's gradients stop at it, so the trainable variables that computed the fetched tensor "
            "(an embedding, an encoder, an ANN feeding an RNN, ...) never change. Build one graph instead: "
            "pass the tensor itself where the placeholder is used (share weights with variable scopes and "
            "reuse, not with placeholders) and feed only the original inputs. Carrying an RNN's final state "
            "into its initial state between runs is not reported.",
        ),
    }
    options = (
        (
            "training-op-names",
            {
                "default": DEFAULT_TRAINING_OP_NAMES,
                "type": "regexp",
                "metavar": "<regexp>",
                "help": "Names (last component, full match, case-insensitive) of fetched ops that count as "
                        "training ops when their definition is not a visible minimize()/apply_gradients().",
            },
        ),
        (
            "session-names",
            {
                "default": DEFAULT_SESSION_NAMES,
                "type": "regexp",
                "metavar": "<regexp>",
                "help": "Names (last component, full match, case-insensitive) of objects whose .run() is a "
                        "session run, in addition to names bound to tf.Session() and friends.",
            },
        ),
        (
            "state-names",
            {
                "default": DEFAULT_STATE_NAMES,
                "type": "regexp",
                "metavar": "<regexp>",
                "help": "Fetched tensors or placeholders so named are recurrent state carried between runs "
                        "(truncated back-propagation): never reported by rnn-placeholder-roundtrip.",
            },
        ),
        (
            "roundtrip-ignore-names",
            {
                "default": DEFAULT_IGNORE_NAMES,
                "type": "regexp",
                "metavar": "<regexp>",
                "help": "Fetched tensors, fed values or placeholders so named are intentional constants "
                        "(old policy, targets, labels, teacher outputs): never reported by "
                        "rnn-placeholder-roundtrip.",
            },
        ),
    )

    # --- options ---------------------------------------------------------------------------------------

    def open(self) -> None:
        config = self.linter.config
        self._training_names = getattr(config, "training_op_names", None) or re.compile(
            DEFAULT_TRAINING_OP_NAMES)
        session = getattr(config, "session_names", None) or re.compile(DEFAULT_SESSION_NAMES)
        self._session_names = re.compile(rf"(?:{session.pattern})\Z", re.IGNORECASE)
        self._state_names = getattr(config, "state_names", None) or re.compile(DEFAULT_STATE_NAMES)
        self._ignore_names = getattr(config, "roundtrip_ignore_names", None) or re.compile(
            DEFAULT_IGNORE_NAMES)

    # --- the visit -------------------------------------------------------------------------------------

    @never_crash
    def visit_call(self, node: nodes.Call) -> None:
        func = node.func
        if not isinstance(func, nodes.Attribute) or func.attrname != "run":
            return
        if not (len(node.args) > 1 or node.keywords or (node.args and not self._session_like_cheap(func.expr))):
            return  # no feed_dict at all
        run = sessions.session_run(node, self._session_re(), self.is_training_op)
        if run is None or run.feed is None:
            return
        if not any(self.is_training_op(leaf) for leaf in sessions.fetch_leaves(run.fetches, node)):
            return
        for key, value in sessions.feed_items(run):
            self._check_feed(node, key, value)

    def _session_like_cheap(self, receiver: nodes.NodeNG) -> bool:
        last = _last_name(receiver)
        return bool(last and self._session_names.search(last))

    def _session_re(self) -> re.Pattern:
        return self._session_names

    def _check_feed(self, run_call: nodes.Call, key: nodes.NodeNG, value: nodes.NodeNG) -> None:
        for fetched in sessions.fetched_values(value, self._session_re(), self.is_training_op):
            if fetched.run.call is run_call:
                continue  # this run's own previous result: a recurrence (state carried between steps)
            if self._report_if_roundtrip(run_call, key, value, fetched.node):
                return

    def _report_if_roundtrip(self, run_call: nodes.Call, key: nodes.NodeNG, value: nodes.NodeNG,
                             tensor: nodes.NodeNG) -> bool:
        if isinstance(tensor, (nodes.List, nodes.Tuple, nodes.Dict, nodes.Const)):
            return False
        if _matches(self._ignore_names, _target_names(tensor) + _target_names(key) + [_last_name(value) or ""]):
            return False
        if not self.is_placeholder(key) or _integer_placeholder(key) or _non_differentiable(tensor):
            return False  # ids, tokens, argmax / sampled indices carry no gradient anyway
        if self.is_state_tensor(tensor) or _matches(self._state_names, _target_names(key)):
            return False
        state_use, model_use = self.placeholder_uses(key)
        if state_use or not model_use:
            return False
        if not trainable.depends_on_trainable(tensor):
            return False
        if self.trained_elsewhere(tensor):
            return False  # e.g. a GAN's generator: its samples are data for the discriminator
        tensor_text = tensor.as_string()
        self.add_message(
            "rnn-placeholder-roundtrip",
            node=run_call,
            args=(sessions.unreshaped(value).as_string(), tensor_text, key.as_string(), tensor_text, tensor_text),
        )
        return True

    # --- training ops ----------------------------------------------------------------------------------

    def is_training_op(self, expr: nodes.NodeNG) -> bool:
        """Is expr (a fetched op) a training op: minimize / apply_gradients / optimize_loss, or so named?"""
        return module_cached("roundtrip-training-op", expr, lambda: self._training_op(expr, 0), False)

    def _training_op(self, expr: nodes.NodeNG, depth: int) -> bool:
        if depth > 4:
            return False
        definitions = dataflow.defining_expression(expr)
        for value, _ in definitions:
            if not isinstance(value, nodes.Call):
                continue
            if isinstance(value.func, nodes.Attribute) and value.func.attrname in _TRAINING_METHODS:
                return True
            api = tfapi.call_api(value)
            if api in _TRAINING_APIS:
                return True
            if api in _GROUPING_APIS and any(
                    self._training_op(arg, depth + 1) for arg in value.args or ()):
                return True
        if not _matches(self._training_names, _target_names(expr)):
            return False
        for value, _ in definitions:  # a name like train_x bound to data is not an op
            api = tfapi.call_api(value) if isinstance(value, nodes.Call) else None
            if api and (api in _PLACEHOLDER_APIS or api.startswith(("tf.metrics.", "tf.data."))):
                return False
            if isinstance(value, nodes.Call) and isinstance(value.func, nodes.Attribute) \
                    and value.func.attrname in ("get_next", "next_batch"):
                return False
            if isinstance(value, (nodes.Const, nodes.List, nodes.Tuple, nodes.Dict)):
                return False
        return True

    @staticmethod
    def trained_elsewhere(tensor: nodes.NodeNG) -> bool:
        """Does some loss the module minimizes reach every trainable variable behind the tensor?

        Then those variables train through that loss (a GAN's generator, word2vec embeddings reused as
        fixed inputs): feeding the tensor's value elsewhere is a choice, not a cut.
        """
        sources = {id(n) for n in trainable.trainable_sources(tensor)}
        if not sources:
            return False
        trained: set = set()
        for root in _training_roots(tensor.root()):
            trained |= trainable.upstream_nodes(root)
            if sources <= trained:
                return True
        return False

    # --- placeholders and state ------------------------------------------------------------------------

    @staticmethod
    def is_placeholder(key: nodes.NodeNG) -> bool:
        for value, _ in dataflow.defining_expression(key):
            if isinstance(value, nodes.Call) and tfapi.call_api(value) in _PLACEHOLDER_APIS:
                return True
        return False

    def is_state_tensor(self, tensor: nodes.NodeNG) -> bool:
        """A recurrent state: the state output of an RNN function / cell / layer, or a state-like name."""
        if _matches(self._state_names, _target_names(tensor)):
            return True
        for value, path in dataflow.defining_expression(tensor):
            if not isinstance(value, nodes.Call) or not path or path[0] < 1:
                continue
            api = tfapi.call_api(value)
            if tfapi.is_rnn_function(api) or (api or "").startswith("tf.contrib.seq2seq."):
                return True
            if isinstance(value.func, (nodes.Name, nodes.Attribute)) and trainable.is_layer_object(value.func):
                return True
            if isinstance(value.func, nodes.Call) and trainable.is_layer_object_api(tfapi.call_api(value.func)):
                return True
        return False

    def placeholder_uses(self, key: nodes.NodeNG):
        """(used as recurrent state?, feeds trainable computation?) over every use of the placeholder."""
        state_use = model_use = False
        seen = set()
        frontier = list(_load_sites(key))
        for _ in range(_MAX_USE_HOPS):
            next_frontier = []
            for site in frontier:
                if id(site) in seen:
                    continue
                seen.add(id(site))
                state, model, targets = self._classify_use(site)
                state_use |= state
                model_use |= model
                for target in targets:
                    next_frontier.extend(_load_sites_of_target(target))
            frontier = next_frontier
            if state_use:
                break
        return state_use, model_use

    def _classify_use(self, site: nodes.NodeNG):
        state = model = False
        targets: list = []
        node = site
        for _ in range(8):
            parent = node.parent
            if parent is None:
                break
            if isinstance(parent, nodes.Keyword):
                if parent.arg in _STATE_KEYWORDS:
                    state = True
                node = parent
                continue
            if isinstance(parent, nodes.Call) and node is not parent.func:
                api = tfapi.call_api(parent)
                if api in _STATE_TUPLES:
                    state = True
                position = _INITIAL_STATE_POSITION.get(api)
                if position is not None and node in parent.args and parent.args.index(node) == position:
                    state = True
                if isinstance(parent.func, (nodes.Name, nodes.Attribute)) and node in parent.args[1:2] \
                        and api is None and trainable.is_layer_object(parent.func) \
                        and _is_cell_object(parent.func):
                    state = True  # cell(inputs, state)
                if self._call_trains(parent, api, node):
                    model = True
            elif isinstance(parent, nodes.BinOp):
                other = parent.right if node is parent.left else parent.left
                if _is_variable(other):
                    model = True  # ph @ w, ph * w + b: the placeholder is a layer's input
            elif isinstance(parent, (nodes.Assign, nodes.AnnAssign)) and node is parent.value:
                targets = list(parent.targets) if isinstance(parent, nodes.Assign) else [parent.target]
                break
            elif parent.is_statement:
                break
            node = parent
        return state, model, targets

    @staticmethod
    def _call_trains(call: nodes.Call, api: Optional[str], argument: nodes.NodeNG) -> bool:
        """Does passing ``argument`` to ``call`` put it into trainable computation?"""
        if api is not None:
            if trainable.creates_trainable_api(call, api):
                return True
            if not tfapi.is_tf_api(api) or api in _PLACEHOLDER_APIS:
                return False
            # tf.matmul(ph, w): a layer's input. (A loss comparing ph with a prediction is not.)
            return any(_is_variable(other) for other in _other_arguments(call, argument))
        func = call.func
        if isinstance(func, nodes.Call) and trainable.is_layer_object_api(tfapi.call_api(func)):
            return True
        callee = effects.function_of_call(call)
        if callee is not None:
            return effects.creates_variables(callee) or trainable.keras_layers_called(callee)
        if isinstance(func, (nodes.Name, nodes.Attribute)) and trainable.is_layer_object(func):
            return True
        return False


_GRADIENT_METHODS = frozenset({"minimize", "compute_gradients"})
_GRADIENT_APIS = frozenset({"tf.gradients", "tf.contrib.layers.optimize_loss", "tf.contrib.training.create_train_op",
                            "tf.contrib.slim.learning.create_train_op"})


def _training_roots(module: nodes.Module) -> list:
    """The losses the module differentiates: arguments of minimize / compute_gradients / tf.gradients ..."""

    def compute() -> list:
        roots = []
        for call in module.nodes_of_class(nodes.Call):
            func = call.func
            if isinstance(func, nodes.Attribute) and func.attrname in _GRADIENT_METHODS \
                    or isinstance(func, nodes.Attribute) and func.attrname == "gradient" \
                    or isinstance(func, (nodes.Name, nodes.Attribute)) and tfapi.call_api(call) in _GRADIENT_APIS:
                loss = call.args[0] if call.args else tfapi.call_argument(call, None, "loss")
                if loss is not None:
                    roots.append(loss)
        return roots

    return module_cached("roundtrip-training-roots", module, compute, [])


_INTEGER_DTYPES = re.compile(r"(u?int\d*|bool|string|qu?int\d+)")
_NON_DIFFERENTIABLE = frozenset({
    "tf.argmax", "tf.argmin", "tf.math.argmax", "tf.math.argmin", "tf.multinomial", "tf.random.categorical",
    "tf.random.multinomial", "tf.round", "tf.sign", "tf.equal", "tf.not_equal", "tf.greater", "tf.less",
    "tf.greater_equal", "tf.less_equal", "tf.to_int32", "tf.to_int64", "tf.math.round", "tf.math.equal",
    "tf.nn.in_top_k", "tf.unique",
})


def _integer_placeholder(key: nodes.NodeNG) -> bool:
    """``tf.placeholder(tf.int32, ...)``: integer / bool / string inputs never carry a gradient."""
    for value, _ in dataflow.defining_expression(key):
        if isinstance(value, nodes.Call) and tfapi.call_api(value) in _PLACEHOLDER_APIS:
            dtype = tfapi.call_argument(value, 0, "dtype")
            if isinstance(dtype, nodes.Const) and isinstance(dtype.value, str):
                text = dtype.value
            elif isinstance(dtype, (nodes.Attribute, nodes.Name)):
                text = tfapi.dotted_name(dtype) or ""
                text = text.rsplit(".", 1)[-1]
            else:
                continue
            if _INTEGER_DTYPES.fullmatch(text):
                return True
    return False


def _non_differentiable(tensor: nodes.NodeNG) -> bool:
    """The fetched tensor is an index / comparison / sample: no gradient would flow through it anyway."""
    found = False
    for value, _ in dataflow.defining_expression(tensor):
        if not isinstance(value, nodes.Call):
            return False
        api = tfapi.call_api(value)
        if api in _NON_DIFFERENTIABLE:
            found = True
        elif api == "tf.cast" and _integer_dtype(tfapi.call_argument(value, 1, "dtype")):
            found = True
        else:
            return False
    return found


def _integer_dtype(dtype: Optional[nodes.NodeNG]) -> bool:
    text = dtype.value if isinstance(dtype, nodes.Const) and isinstance(dtype.value, str) else (
        (tfapi.dotted_name(dtype) or "").rsplit(".", 1)[-1] if dtype is not None else "")
    return bool(_INTEGER_DTYPES.fullmatch(text))


def _is_variable(expr: nodes.NodeNG) -> bool:
    """Is expr itself a trainable variable (tf.Variable / tf.get_variable), possibly via aliases?"""
    if not isinstance(expr, (nodes.Name, nodes.Attribute, nodes.Call)):
        return False
    for value, _ in dataflow.defining_expression(expr):
        if isinstance(value, nodes.Call):
            api = tfapi.call_api(value)
            if api in (tfapi.VARIABLE, tfapi.GET_VARIABLE) and trainable.creates_trainable_api(value, api):
                return True
    return False


def _is_cell_object(func: nodes.NodeNG) -> bool:
    for value, _ in dataflow.defining_expression(func):
        if isinstance(value, nodes.Call) and tfapi.is_any_cell(tfapi.call_api(value)):
            return True
    return False


def _other_arguments(call: nodes.Call, argument: nodes.NodeNG):
    for arg in call.args or ():
        if arg is not argument:
            yield arg
    for keyword in call.keywords or ():
        if keyword.value is not argument and keyword is not argument:
            yield keyword.value


def _load_sites(key: nodes.NodeNG) -> List[nodes.NodeNG]:
    """Every place the placeholder is read in graph code, under any of the names it is assigned to."""
    out = []
    for target in dataflow.alias_targets(key):
        out.extend(_load_sites_of_target(target))
    return out


def _load_sites_of_target(target: nodes.NodeNG) -> List[nodes.NodeNG]:
    """Loads of what an AssignName / AssignAttr binds: the name in its scope, the attribute in its class."""

    def compute() -> list:
        if isinstance(target, nodes.AssignName):
            scope = target.scope()
            return [n for n in scope.nodes_of_class(nodes.Name) if n.name == target.name]
        if isinstance(target, nodes.AssignAttr):
            frame = target.frame()
            klass = frame.parent if isinstance(frame, nodes.FunctionDef) else None
            region = klass if isinstance(klass, nodes.ClassDef) else target.root()
            return [n for n in region.nodes_of_class(nodes.Attribute) if n.attrname == target.attrname
                    and isinstance(n.expr, nodes.Name)]
        return []

    return module_cached("roundtrip-load-sites", target, compute, [])


CHECKERS = (RoundTripChecker,)
