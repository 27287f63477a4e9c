"""W7901 rnn-placeholder-roundtrip: a fetched tensor fed back through a placeholder in a training run.

Seed 000: the asker computes ``cls.rnn_input`` with one ``sess.run``, then feeds the resulting numpy
array through ``cls.input_place`` in the run that fetches the optimizer. The graph between the trainable
ops that computed ``cls.rnn_input`` and the loss is cut by the placeholder, so those ops never receive a
gradient.

A training run is reported when all of these hold (otherwise nothing is returned):

- the run fetches a training op (``opt.minimize(...)``, ``apply_gradients(...)``, ``optimize_loss``,
  ``create_train_op``, ``tf.group`` of those: confidence HIGH; or only a name matching
  ``training-op-names``: confidence INFERENCE);
- a fed value is, through :mod:`pylint_rnn.core.sessions`, exactly what an earlier run (or a run later in
  the same loop body) fetched for a tensor ``T``, only reshaped;
- the key it is fed through is a placeholder that feeds trainable computation (a variable-creating call,
  a layer, an RNN), and ``T``'s definition depends on trainable variables (:mod:`pylint_rnn.core.trainable`);
- neither side is recurrent state (carrying the final state into the initial state is truncated
  back-propagation, which is intended), nor named as an intentional constant (``roundtrip-ignore-names``:
  old policy, targets, labels, ...), and the value does not come from this very run (a recurrence).
- no loss the module minimizes trains the tensor's variables anyway (a GAN's generator); a helper called
  once per variable scope (``gru_layer(x, 'lower')``, ``gru_layer(feats, 'upper')``) builds one set of
  variables per scope, so the loss's call does not train the fetched call's variables.

Values are followed across methods, helpers, parameters and containers of endpoints (dicts, namedtuples,
dataclasses, lists; see :mod:`pylint_rnn.core.origins` and :mod:`pylint_rnn.core.sessions`). In a snippet
whose graph was built in code not shown (the key and the tensor are names the module never binds), the
graph cannot be checked: the finding then rests on the runs and the names, with confidence INFERENCE.
"""
from __future__ import annotations

import functools
import re
from typing import Iterable, List, NamedTuple, Optional, Pattern, Tuple

from astroid import nodes
from pylint.interfaces import HIGH, INFERENCE, Confidence

from pylint_rnn.analyses import Finding
from pylint_rnn.core import callargs, dataflow, effects, origins, sessions, tfapi, trainable, tree
from pylint_rnn.core.cache import module_cached

ROUNDTRIP = "rnn-placeholder-roundtrip"

DEFAULT_TRAINING_OP_NAMES = r".*(train|optimi[sz]|minimi[sz]|update_op|opt_op|apply_grad).*"
DEFAULT_STATE_NAMES = (
    r".*(state|memory|carry).*|(init|initial|prev|last|final|next|new)_?(h|c|hidden)|(h|c|hidden)_?(0|init|prev)"
)
DEFAULT_IGNORE_NAMES = (
    r".*(old|target|label|baseline|advantage|reward|return|teacher|expert|frozen|fixed|const).*"
)


class RoundTripOptions(NamedTuple):
    """The checker's name options; each matches a name's last component whole, case-insensitively."""

    training_op_names: Pattern = re.compile(DEFAULT_TRAINING_OP_NAMES)
    session_names: Pattern = re.compile(sessions.DEFAULT_SESSION_NAMES)
    state_names: Pattern = re.compile(DEFAULT_STATE_NAMES)
    ignore_names: Pattern = re.compile(DEFAULT_IGNORE_NAMES)


_TRAINING_METHODS = frozenset({"minimize", "apply_gradients"})
_TRAINING_APIS = frozenset({
    "tf.contrib.layers.optimize_loss", "tf.contrib.training.create_train_op",
    "tf.contrib.slim.learning.create_train_op", "tf.contrib.slim.optimize_loss",
})
_GROUPING_APIS = frozenset({"tf.group", "tf.tuple", "tf.identity"})
_MAX_GROUP_DEPTH = 4
_PLACEHOLDER_APIS = frozenset({
    tfapi.PLACEHOLDER, tfapi.PLACEHOLDER_WITH_DEFAULT, "tf.keras.Input", "tf.keras.layers.Input",
})
# Keyword arguments that carry recurrent state: the RNN functions' own, and those of cells, Keras layers
# and hand-written step functions.
_STATE_KEYWORDS = frozenset(
    keyword for signature in tfapi.RNN_SIGNATURES.values() for _, keyword in signature.initial_states
) | frozenset({"initial_state", "initial_states", "state", "states", "h0", "c0", "init_state", "prev_state"})
_MAX_USE_HOPS = 3
_MAX_USE_PARENTS = 8

_GRADIENT_METHODS = frozenset({"minimize", "compute_gradients", "gradient"})
_GRADIENT_APIS = frozenset({"tf.gradients", "tf.contrib.layers.optimize_loss", "tf.contrib.training.create_train_op",
                            "tf.contrib.slim.learning.create_train_op"})
_INTEGER_DTYPES = re.compile(r"(u?int\d*|bool|string|qu?int\d+)")
_NON_DIFFERENTIABLE = frozenset({
    "tf.argmax", "tf.argmin", "tf.math.argmax", "tf.math.argmin", "tf.multinomial", "tf.random.categorical",
    "tf.random.multinomial", "tf.round", "tf.sign", "tf.equal", "tf.not_equal", "tf.greater", "tf.less",
    "tf.greater_equal", "tf.less_equal", "tf.to_int32", "tf.to_int64", "tf.math.round", "tf.math.equal",
    "tf.nn.in_top_k", "tf.unique",
})


# --- the decision ---------------------------------------------------------------------------------------


def may_feed_a_run(call: nodes.Call, options: RoundTripOptions) -> bool:
    """Cheap, syntactic: is this a ``.run(...)`` that passes a feed dict (no name resolved)?

    ``sess.run(a, fd)``, ``sess.run(a, feed_dict=fd)`` or ``op.run(fd)``; ``sess.run(a)`` feeds nothing.
    """
    func = call.func
    if not isinstance(func, nodes.Attribute) or func.attrname != "run":
        return False
    session_like = tree.name_matches(options.session_names, _last_name(func.expr))
    return len(call.args) > 1 or bool(call.keywords) or (bool(call.args) and not session_like)


def roundtrip_findings(call: nodes.Call, options: RoundTripOptions) -> List[Finding]:
    """The feeds of this training run that put back a value an earlier run fetched from trainable ops."""
    is_op = functools.partial(_is_training_op, options=options)
    run = sessions.session_run(call, options.session_names, is_op)
    if run is None or run.feed is None:
        return []
    # Most feeds are data: find the fed values that an earlier run fetched before deciding (at more cost)
    # whether this run trains.
    fed_back = [(key, value, [fetched for fetched in sessions.fetched_values(value, options.session_names, is_op)
                              if fetched.run.call is not call])  # its own previous result: a recurrence
                for key, value in sessions.feed_items(run)]
    fed_back = [item for item in fed_back if item[2]]
    confidence = _training_run_confidence(run, options) if fed_back else None
    if confidence is None:
        return []
    findings = []
    for key, value, fetched_values in fed_back:
        for fetched in fetched_values:
            finding = _roundtrip(call, (key, value), fetched.node, confidence, options)
            if finding is not None:
                findings.append(finding)
                break
    return findings


def _roundtrip(run_call: nodes.Call, feed: Tuple[nodes.NodeNG, nodes.NodeNG], tensor: nodes.NodeNG,
               confidence: Confidence, options: RoundTripOptions) -> Optional[Finding]:
    """The finding for feeding ``value`` (fetched from ``tensor``) through ``key``, unless it is harmless."""
    key, value = feed
    if isinstance(tensor, (nodes.List, nodes.Tuple, nodes.Dict, nodes.Const)):
        return None
    if _matches(options.ignore_names, _target_names(tensor) + _target_names(key) + [_last_name(value)]):
        return None
    if _matches(options.state_names, _target_names(key)):
        return None
    if _defined_in_code_not_shown(key) and _defined_in_code_not_shown(tensor):
        confidence = INFERENCE  # a snippet: only the names and the runs are there to decide
    elif not _cuts_trainable_graph(key, tensor, options):
        return None
    tensor_text = tensor.as_string()
    args = (sessions.unreshaped(value).as_string(), tensor_text, key.as_string(), tensor_text)
    return Finding(ROUNDTRIP, run_call, args, (tensor_text,), confidence)


def _cuts_trainable_graph(key: nodes.NodeNG, tensor: nodes.NodeNG, options: RoundTripOptions) -> bool:
    """Does feeding ``tensor``'s value through ``key`` cut a path the optimizer needs? The key is a float
    placeholder that feeds trainable computation (not recurrent state), the tensor is computed by
    trainable variables that no other loss trains, and a gradient could flow through it at all."""
    if not _is_placeholder(key) or _integer_placeholder(key) or _non_differentiable(tensor):
        return False  # ids, tokens, argmax / sampled indices carry no gradient anyway
    if _is_state_tensor(tensor, options) or not trainable.depends_on_trainable(tensor):
        return False  # the tensor's walk first: the placeholder's uses cost ~30 times more a question
    state_use, model_use = _placeholder_uses(key)
    if state_use or not model_use:
        return False
    return not _trained_elsewhere(tensor)  # e.g. a GAN's generator: its samples are data for the discriminator


def _defined_in_code_not_shown(expr: nodes.NodeNG) -> bool:
    """A name the module never binds (nor imports): a snippet whose graph was built in code not shown
    (a question's earlier listing, a notebook's earlier cell)."""
    return isinstance(expr, nodes.Name) and expr.name not in tfapi.IMPLIED_MODULES and tfapi.is_unbound(expr)


# --- names ----------------------------------------------------------------------------------------------


def _last_name(expr: Optional[nodes.NodeNG]) -> Optional[str]:
    """The name a key, value or receiver is known by: ``fd['x']`` -> fd, ``x.reshape(...)`` -> x."""
    if isinstance(expr, nodes.Keyword):
        return expr.arg
    if isinstance(expr, nodes.Subscript):
        return _last_name(expr.value)
    if isinstance(expr, nodes.Call):
        return _last_name(expr.func.expr) if isinstance(expr.func, nodes.Attribute) else None
    return tree.last_name(expr)


def _target_names(expr: nodes.NodeNG) -> List[Optional[str]]:
    """The names a tensor is known by: as written, and the targets its definitions are assigned to."""
    names = [_last_name(expr)]
    for definition in dataflow.definitions(expr):
        target = definition.target
        if isinstance(target, nodes.AssignName):
            names.append(target.name)
        elif isinstance(target, nodes.AssignAttr):
            names.append(target.attrname)
    return names


def _matches(pattern: Pattern, names: Iterable[Optional[str]]) -> bool:
    return any(tree.name_matches(pattern, name) for name in names)


# --- training ops ---------------------------------------------------------------------------------------


def _training_run_confidence(run: sessions.SessionRun, options: RoundTripOptions) -> Optional[Confidence]:
    """HIGH when the run fetches a structural training op, INFERENCE when only a name says so, else None."""
    found = None
    for leaf in sessions.fetch_leaves(run.fetches, run.call):
        confidence = training_op_confidence(leaf, options)
        if confidence is HIGH:
            return HIGH
        found = found or confidence
    return found


def training_op_confidence(expr: nodes.NodeNG, options: RoundTripOptions) -> Optional[Confidence]:
    """Is expr (a fetched op) a training op? HIGH: minimize / apply_gradients / optimize_loss, or a
    ``tf.group`` of those; INFERENCE: only its name matches ``training-op-names``; None: not one."""
    kind = f"roundtrip-training-op:{options.training_op_names.pattern}"
    return module_cached(kind, expr, lambda: _training_op(expr, options, 0), None)


def _is_training_op(expr: nodes.NodeNG, options: RoundTripOptions) -> bool:
    return training_op_confidence(expr, options) is not None


def _training_op(expr: nodes.NodeNG, options: RoundTripOptions, depth: int) -> Optional[Confidence]:
    if depth > _MAX_GROUP_DEPTH:
        return None
    definitions = origins.origins(expr)
    grouped = None
    for value, _ in definitions:
        if not isinstance(value, nodes.Call):
            continue
        if isinstance(value.func, nodes.Attribute) and value.func.attrname in _TRAINING_METHODS:
            return HIGH
        api = tfapi.call_api(value)
        if api in _TRAINING_APIS:
            return HIGH
        if api in _GROUPING_APIS:
            for arg in value.args or ():
                member = _training_op(arg, options, depth + 1)
                if member is HIGH:
                    return HIGH
                grouped = grouped or member
    if grouped is not None:
        return grouped
    if _matches(options.training_op_names, _target_names(expr)) and not _is_data(definitions):
        return INFERENCE
    return None


def _is_data(definitions: List[Tuple[nodes.NodeNG, Tuple[int, ...]]]) -> bool:
    """Is a value so defined data rather than an op (a name like ``train_x`` bound to a batch)?"""
    for value, _ in definitions:
        if isinstance(value, (nodes.Const, nodes.List, nodes.Tuple, nodes.Dict)):
            return True
        if not isinstance(value, nodes.Call):
            continue
        api = tfapi.call_api(value)
        if api and (api in _PLACEHOLDER_APIS or api.startswith(("tf.metrics.", "tf.data."))):
            return True
        if isinstance(value.func, nodes.Attribute) and value.func.attrname in ("get_next", "next_batch"):
            return True
    return False


def _trained_elsewhere(tensor: nodes.NodeNG) -> bool:
    """Does some loss the module minimizes reach every trainable variable behind the tensor?

    Then those variables train through that loss (a GAN's generator, word2vec embeddings reused as
    fixed inputs): feeding the tensor's value elsewhere is a choice, not a cut.
    """
    sources = {id(n) for n in trainable.trainable_sources(tensor)}
    if not sources:
        return False
    roots = _training_roots(tensor.root())
    trained: set = set()
    for root in roots:
        trained |= trainable.upstream_nodes(root)
        if sources <= trained:
            return not _built_apart(tensor, roots)  # asked last: it walks every loss's helper calls
    return False


def _built_apart(tensor: nodes.NodeNG, roots: list) -> bool:
    """Is the tensor computed by a helper call whose variables no loss reads, although the loss calls the
    same helper? ``h = layer(x, 'a')`` fetched, ``loss`` from ``layer(feat, 'b')``: one body, two variable
    scopes, so two sets of variables (reuse shares a name, never two names)."""
    fetched = trainable.helper_calls_upstream(tensor)
    if not fetched:
        return False
    in_loss = [pair for root in roots for pair in trainable.helper_calls_upstream(root)]
    loss_calls = {id(call) for call, _ in in_loss}
    for call, callee in fetched:
        if id(call) in loss_calls:
            return False
        mine = _scope_keys(call, callee)
        others = [_scope_keys(other, other_callee) for other, other_callee in in_loss if other_callee is callee]
        if mine is None or not others or any(keys is None or keys & mine for keys in others):
            return False  # the loss may reach these variables some other way (a helper that calls this one)
    return True


def _scope_keys(call: nodes.Call, callee: nodes.NodeNG) -> Optional[frozenset]:
    """The variable-scope paths under which this call of the helper creates its named variables; None when
    one is unknown (a name computed at run time, or no named variable)."""
    bound = effects.bind_arguments(call, callee)
    keys = [effects.bind_key(creation.key, bound) for creation in effects.effects(callee).named]
    if not keys or any(key is None or not key for key in keys):
        return None
    return frozenset(keys)


def _training_roots(module: nodes.Module) -> list:
    """The losses the module differentiates: arguments of minimize / compute_gradients / tf.gradients ..."""

    def compute() -> list:
        roots = []
        for call in module.nodes_of_class(nodes.Call):
            func = call.func
            if isinstance(func, nodes.Attribute) and func.attrname in _GRADIENT_METHODS \
                    or isinstance(func, (nodes.Name, nodes.Attribute)) and tfapi.call_api(call) in _GRADIENT_APIS:
                loss = call.args[0] if call.args else callargs.call_argument(call, None, "loss")
                if loss is not None:
                    roots.append(loss)
        return roots

    return module_cached("roundtrip-training-roots", module, compute, [])


# --- placeholders, state and what a fetched tensor is ---------------------------------------------------


def _placeholder_calls(key: nodes.NodeNG) -> List[nodes.Call]:
    return [value for value, _ in origins.origins(key)
            if isinstance(value, nodes.Call) and tfapi.call_api(value) in _PLACEHOLDER_APIS]


def _is_placeholder(key: nodes.NodeNG) -> bool:
    return bool(_placeholder_calls(key))


def _integer_placeholder(key: nodes.NodeNG) -> bool:
    """``tf.placeholder(tf.int32, ...)``: integer / bool / string inputs never carry a gradient."""
    return any(_integer_dtype(callargs.call_argument(call, 0, "dtype")) for call in _placeholder_calls(key))


def _integer_dtype(dtype: Optional[nodes.NodeNG]) -> bool:
    if isinstance(dtype, nodes.Const) and isinstance(dtype.value, str):
        text = dtype.value
    else:
        text = (tfapi.dotted_name(dtype) or "").rsplit(".", 1)[-1] if dtype is not None else ""
    return bool(_INTEGER_DTYPES.fullmatch(text))


def _non_differentiable(tensor: nodes.NodeNG) -> bool:
    """The fetched tensor is an index / comparison / sample: no gradient would flow through it anyway."""
    found = False
    for value, _ in origins.origins(tensor):
        if not isinstance(value, nodes.Call):
            return False
        api = tfapi.call_api(value)
        if api in _NON_DIFFERENTIABLE or api == "tf.cast" and _integer_dtype(callargs.call_argument(value, 1, "dtype")):
            found = True
        else:
            return False
    return found


def _is_state_tensor(tensor: nodes.NodeNG, options: RoundTripOptions) -> bool:
    """A recurrent state: the state output of an RNN function / cell / layer, or a state-like name."""
    if _matches(options.state_names, _target_names(tensor)):
        return True
    for value, path in origins.origins(tensor):
        if not isinstance(value, nodes.Call) or not path or not isinstance(path[0], int) or path[0] < 1:
            continue
        api = tfapi.call_api(value)
        if tfapi.is_rnn_function(api) or (api or "").startswith("tf.contrib.seq2seq."):
            return True
        if isinstance(value.func, (nodes.Name, nodes.Attribute)) and trainable.is_layer_object(value.func):
            return True
        if isinstance(value.func, nodes.Call) and trainable.is_layer_object_api(tfapi.call_api(value.func)):
            return True
    return False


def _is_variable(expr: nodes.NodeNG) -> bool:
    """Is expr itself a trainable variable (tf.Variable / tf.get_variable), possibly via aliases?"""
    if not isinstance(expr, (nodes.Name, nodes.Attribute, nodes.Call)):
        return False
    for value, _ in origins.origins(expr):
        if isinstance(value, nodes.Call):
            api = tfapi.call_api(value)
            if api in (tfapi.VARIABLE, tfapi.GET_VARIABLE) and trainable.creates_trainable_api(value, api):
                return True
    return False


def _is_cell_object(func: nodes.NodeNG) -> bool:
    return any(isinstance(value, nodes.Call) and tfapi.is_any_cell(tfapi.call_api(value))
               for value, _ in origins.origins(func))


# --- where a placeholder is used ------------------------------------------------------------------------


def _placeholder_uses(key: nodes.NodeNG) -> Tuple[bool, bool]:
    """(used as recurrent state?, feeds trainable computation?) over every use of the placeholder."""
    state_use = model_use = False
    seen = set()
    frontier = _load_sites(key)
    for _ in range(_MAX_USE_HOPS):
        next_frontier = []
        for site in frontier:
            if id(site) in seen:
                continue
            seen.add(id(site))
            state, model, targets = _classify_use(site)
            state_use |= state
            model_use |= model
            for target in targets:
                next_frontier.extend(_load_sites_of_target(target))
        frontier = next_frontier
        if state_use:
            break
    return state_use, model_use


def _classify_use(site: nodes.NodeNG) -> Tuple[bool, bool, list]:
    """Walking up from one load: (state argument?, trainable input?, targets it is assigned to)."""
    state = model = False
    targets: list = []
    node = site
    for _ in range(_MAX_USE_PARENTS):
        parent = node.parent
        if parent is None:
            break
        if isinstance(parent, nodes.Keyword):
            state |= parent.arg in _STATE_KEYWORDS
        elif isinstance(parent, nodes.Call) and node is not parent.func:
            api = tfapi.call_api(parent)
            state |= _state_argument(parent, api, node)
            model |= _call_trains(parent, api, node)
        elif isinstance(parent, nodes.BinOp):
            other = parent.right if node is parent.left else parent.left
            model |= _is_variable(other)  # ph @ w, ph * w + b: the placeholder is a layer's input
        elif isinstance(parent, (nodes.Assign, nodes.AnnAssign)) and node is parent.value:
            targets = list(parent.targets) if isinstance(parent, nodes.Assign) else [parent.target]
            break
        elif parent.is_statement:
            break
        node = parent
    return state, model, targets


def _state_argument(call: nodes.Call, api: Optional[str], argument: nodes.NodeNG) -> bool:
    """Is ``argument`` passed as recurrent state: an LSTMStateTuple part, an RNN function's initial state
    (by position), or the second argument of ``cell(inputs, state)``?"""
    if api == tfapi.STATE_TUPLE:
        return True
    position = next((i for i, arg in enumerate(call.args) if arg is argument), None)
    if position is None:
        return False
    signature = tfapi.RNN_SIGNATURES.get(api)
    if signature is not None and any(position == index for index, _ in signature.initial_states):
        return True
    return position == 1 and api is None and isinstance(call.func, (nodes.Name, nodes.Attribute)) \
        and trainable.is_layer_object(call.func) and _is_cell_object(call.func)


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
    return isinstance(func, (nodes.Name, nodes.Attribute)) and trainable.is_layer_object(func)


def _other_arguments(call: nodes.Call, argument: nodes.NodeNG) -> Iterable[nodes.NodeNG]:
    for arg in call.args or ():
        if arg is not argument:
            yield arg
    for keyword in call.keywords or ():
        if keyword.value is not argument and keyword is not argument:
            yield keyword.value


def _load_sites(key: nodes.NodeNG) -> List[nodes.NodeNG]:
    """Every place the placeholder is read in graph code, under any of the names it is assigned to, and
    where a list or dict holding it is read back at its key (``self.ph["x"]``) or passed whole
    (``tf.concat(feature_inputs, 1)``)."""
    sites = [site for target in origins.alias_targets(key) for site in _load_sites_of_target(target)]
    for holder, path in origins.holder_targets(key):
        for site in _load_sites_of_target(holder):
            element = _select_from(site, path)
            if element is not None:
                sites.append(element)
    return sites


def _select_from(site: nodes.NodeNG, path: tuple) -> Optional[nodes.NodeNG]:
    """The load of the element ``path`` leads to from a load of its container (``self.ph["x"]`` from
    ``self.ph``), the container itself when it is passed whole, None when it is read at another element."""
    node = site
    for selector in path:
        parent = node.parent
        if isinstance(parent, nodes.Subscript) and parent.value is node:
            if origins.subscript_selector(parent) != selector:
                return None
        elif isinstance(parent, nodes.Attribute) and parent.expr is node:
            if not (isinstance(selector, origins.Attr) and parent.attrname == selector.name):
                return None
        else:
            return node if node is site else None  # the container passed whole uses every element
        node = parent
    return node


def _load_sites_of_target(target: nodes.NodeNG) -> List[nodes.NodeNG]:
    """Loads of what an AssignName / AssignAttr binds: the name in its scope, the attribute in its class."""

    def compute() -> list:
        if isinstance(target, nodes.AssignName):
            return [n for n in target.scope().nodes_of_class(nodes.Name) if n.name == target.name]
        if isinstance(target, nodes.AssignAttr):
            frame = target.frame()
            klass = frame.parent if isinstance(frame, nodes.FunctionDef) else None
            region = klass if isinstance(klass, nodes.ClassDef) else target.root()
            return [n for n in region.nodes_of_class(nodes.Attribute) if n.attrname == target.attrname
                    and isinstance(n.expr, nodes.Name)]
        return []

    return module_cached("roundtrip-load-sites", target, compute, [])
