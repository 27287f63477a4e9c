"""Value tracking for ``sess.run`` / ``.eval`` results and feed dicts.

TensorFlow 1.x code moves tensors' *values* between session runs in plain Python: a run returns numpy
arrays, the program keeps them in names, attributes, lists and dicts, and feeds some of them back through
``feed_dict``. This module follows those values without executing anything and without astroid inference:

- :func:`session_run` recognises a run: ``sess.run(fetches, feed_dict)``, ``tensor.eval(feed_dict)`` and
  ``op.run(feed_dict)``, with the session spotted by its construction (``tf.Session()``,
  ``with tf.Session() as s``, ``MonitoredSession``...) or by its name.
- :func:`fetched_value` answers "which fetched tensor does this expression hold here?" through local
  names, ``self.x`` / ``cls.x`` attributes assigned in the same function, tuple unpacking, indexing of
  fetch lists and dicts, and value-preserving reshapes (``v[0]``, ``np.array(v)``, ``v.reshape(...)``,
  ``np.squeeze(v)``, ``v.astype(...)``). Anything else (sampling, arithmetic, user functions, in-place
  item assignment) ends the chain: the value is then data, not the fetched tensor.
- :func:`dict_entries` lists the ``key: value`` pairs of a dict built literally, with ``dict(...)``,
  ``{**base, k: v}``, item assignment ``fd[k] = v`` or ``fd.update(...)``; :func:`feed_items` applies it to
  a run's ``feed_dict``.
- :func:`fetch_leaves` flattens a run's fetch structure (lists, tuples, dicts, names bound to them).
- :func:`definitions` follows *graph-building* assignments (flow-insensitive): names, tuple unpacking,
  ``self.x`` / ``cls.x`` attributes assigned anywhere in the class, ``obj.x`` on an instance of a class of
  the module; :func:`depends_on_trainable` uses it to tell whether a tensor's definition involves trainable
  variables (``tf.Variable``, ``tf.get_variable``, ``tf.layers``, RNN functions, cells, Keras layers, the
  module's own variable-creating helpers).

"Later" for values means: after, in source order, within the same function, or anywhere in a loop body
that encloses both (the next iteration sees it). Every question that cannot be decided is answered
"unknown" (``None`` / ``False``): callers stay silent on unknowns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, List, Optional, Pattern, Tuple

from astroid import nodes

from pylint_rnn.core import effects, tfapi, tree
from pylint_rnn.core.bindings import method_class
from pylint_rnn.core.cache import module_cached

_MAX_DEPTH = 12
DEFAULT_SESSION_NAMES = r"sess|session"

SESSION_FACTORIES = tfapi.SESSIONS | {
    "tf.get_default_session", "tf.keras.backend.get_session", "tf.train.SingularMonitoredSession",
}
# numpy functions that return their (first) argument's values, only reshaped or retyped.
_NUMPY_RESHAPES = frozenset({
    "array", "asarray", "asanyarray", "ascontiguousarray", "squeeze", "reshape", "expand_dims",
    "ravel", "transpose", "atleast_1d", "atleast_2d", "atleast_3d", "float32", "float64", "float16",
    "int32", "int64",
})
# ndarray methods that return the same values reshaped or retyped.
_METHOD_RESHAPES = frozenset({"reshape", "astype", "squeeze", "flatten", "ravel", "transpose", "view"})


# --- positions ------------------------------------------------------------------------------------------


def _pos(node: nodes.NodeNG) -> Tuple[int, int]:
    return (node.fromlineno or 0, node.col_offset or 0)


def _statement(node: nodes.NodeNG) -> nodes.NodeNG:
    try:
        return node.statement()
    except Exception:  # a node outside any statement (module): order by itself
        return node


def _loops_between(node: nodes.NodeNG, frame: nodes.NodeNG) -> List[nodes.NodeNG]:
    """Loops (for / while) enclosing node inside frame, innermost first."""
    out = []
    current = node.parent
    while current is not None and current is not frame:
        if isinstance(current, (nodes.For, nodes.While)):
            out.append(current)
        current = current.parent
    return out


def _inside(node: nodes.NodeNG, ancestor: nodes.NodeNG) -> bool:
    current = node
    while current is not None:
        if current is ancestor:
            return True
        current = current.parent
    return False


def is_before(a: nodes.NodeNG, b: nodes.NodeNG) -> bool:
    """Does the statement of ``a`` end before the statement of ``b`` starts (source order)?"""
    sa, sb = _statement(a), _statement(b)
    return sa is not sb and _pos(sa) < _pos(sb)


# --- sessions and runs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionRun:
    """One execution of the graph: ``sess.run(...)``, ``t.eval(...)`` or ``op.run(...)``."""

    call: nodes.Call
    kind: str  # "run" (session.run), "eval" (tensor.eval) or "op-run" (operation.run)
    fetches: Optional[nodes.NodeNG]  # the fetch structure as written (the receiver for eval / op-run)
    feed: Optional[nodes.NodeNG]  # the feed_dict expression as written, None if none


def _compiled(pattern) -> Pattern:
    if isinstance(pattern, str):
        return re.compile(pattern, re.IGNORECASE)
    return pattern


def is_session(expr: nodes.NodeNG, session_names=DEFAULT_SESSION_NAMES) -> bool:
    """Is expr a TF session: built by a session factory, bound by ``with tf.Session() as s``, or so named?"""
    if isinstance(expr, nodes.Call):
        return tfapi.call_api(expr) in SESSION_FACTORIES
    dotted = tfapi.dotted_name(expr)
    if dotted is None:
        return False
    last = dotted.rsplit(".", 1)[-1]
    if _compiled(session_names).search(last):
        return True
    for definition in definitions(expr):
        value = definition.value
        if isinstance(value, nodes.Call) and tfapi.call_api(value) in SESSION_FACTORIES:
            return True
        # with tf.Session().as_default() as s / tf.Session(graph=g).__enter__()
        if isinstance(value, nodes.Call) and isinstance(value.func, nodes.Attribute) \
                and isinstance(value.func.expr, nodes.Call) \
                and tfapi.call_api(value.func.expr) in SESSION_FACTORIES:
            return True
    return False


def session_run(call: nodes.NodeNG, session_names=DEFAULT_SESSION_NAMES,
                is_op=None) -> Optional[SessionRun]:
    """The run a call performs, or None.

    ``sess.run(fetches, feed_dict=...)`` where ``sess`` is a session (see :func:`is_session`);
    ``t.eval(feed_dict=..., session=...)``; ``op.run(feed_dict=...)`` when ``is_op(receiver)`` says the
    receiver is a graph operation (callers pass their training-op test).
    """
    if not isinstance(call, nodes.Call) or not isinstance(call.func, nodes.Attribute):
        return None
    attr = call.func.attrname
    receiver = call.func.expr
    if attr == "run":
        if is_session(receiver, session_names):
            fetches = tfapi.call_argument(call, 0, "fetches")
            feed = tfapi.call_argument(call, 1, "feed_dict")
            return SessionRun(call, "run", fetches, feed)
        if is_op is not None and not call.args[1:] and is_op(receiver):
            return SessionRun(call, "op-run", receiver, tfapi.call_argument(call, 0, "feed_dict"))
        return None
    if attr == "eval":
        if len(call.args) > 1 or any(k.arg not in ("feed_dict", "session") for k in call.keywords or ()):
            return None
        if isinstance(receiver, nodes.Name) and receiver.name in ("self", "cls"):
            return None
        if call.args and isinstance(call.args[0], nodes.Const):
            return None
        return SessionRun(call, "eval", receiver, tfapi.call_argument(call, 0, "feed_dict"))
    return None


# --- graph-building definitions (flow-insensitive) ------------------------------------------------------


@dataclass(frozen=True)
class Definition:
    """An assignment that gives an expression its value.

    ``value`` is the right-hand side; ``path`` the position of the target inside a tuple target
    (``outputs, state = dynamic_rnn(...)`` gives ``state`` the path ``(1,)``); ``target`` the
    AssignName / AssignAttr.
    """

    value: nodes.NodeNG
    path: Tuple[int, ...]
    target: nodes.NodeNG


def _target_path(target: nodes.NodeNG, stop: nodes.NodeNG) -> Optional[Tuple[int, ...]]:
    """Index path of target inside the (nested) tuple targets up to ``stop``; None for starred."""
    path = []
    current = target
    while current.parent is not None and current.parent is not stop:
        parent = current.parent
        if isinstance(parent, (nodes.Tuple, nodes.List)):
            if any(isinstance(e, nodes.Starred) for e in parent.elts):
                return None
            path.append(parent.elts.index(current))
        elif isinstance(parent, nodes.Starred):
            return None
        current = parent
    return tuple(reversed(path))


def binding_definition(binding: nodes.NodeNG) -> Optional[Definition]:
    """The Definition an AssignName / AssignAttr receives, or None (parameters, loop targets, ...)."""
    current = binding
    while isinstance(current.parent, (nodes.Tuple, nodes.List, nodes.Starred)):
        current = current.parent
    stmt = current.parent
    if isinstance(stmt, nodes.Assign) and current in stmt.targets:
        path = _target_path(binding, stmt)
        return Definition(stmt.value, path, binding) if path is not None else None
    if isinstance(stmt, nodes.AnnAssign) and stmt.value is not None:
        return Definition(stmt.value, (), binding)
    if isinstance(stmt, nodes.NamedExpr):
        return Definition(stmt.value, (), binding)
    if isinstance(stmt, nodes.With):
        for item, alias in stmt.items:
            if alias is current:
                path = _target_path(binding, stmt)
                return Definition(item, path, binding) if path is not None else None
    return None


def _class_of_instance_receiver(receiver: nodes.NodeNG, depth: int) -> Optional[nodes.ClassDef]:
    """The module class whose attributes ``receiver.x`` names.

    ``self`` / ``cls`` (first parameter of a method) give the enclosing class; a name bound to
    ``MyModel(...)`` gives ``MyModel`` when it is a class of this module.
    """
    if not isinstance(receiver, nodes.Name):
        return None
    klass = method_class(receiver)
    if klass is not None:
        return klass
    for definition in _name_definitions(receiver, depth + 1):
        value = definition.value
        if isinstance(value, nodes.Call) and not definition.path and isinstance(value.func, nodes.Name):
            klass = _lookup_single(value.func)
            if isinstance(klass, nodes.ClassDef):
                return klass
    return None


def _lookup_single(name: nodes.Name) -> Optional[nodes.NodeNG]:
    try:
        _, bindings = name.lookup(name.name)
    except Exception:
        return None
    return bindings[-1] if bindings else None


def _class_attribute_assignments(klass: nodes.ClassDef) -> dict:
    """attrname -> [Definition] for ``self.x = ...`` / ``cls.x = ...`` in any method, and class-level ``x = ...``."""

    def compute() -> dict:
        out: dict = {}
        for name, bindings in klass.locals.items():
            for binding in bindings:
                if isinstance(binding, nodes.AssignName):
                    definition = binding_definition(binding)
                    if definition is not None:
                        out.setdefault(name, []).append(definition)
        for method in klass.mymethods():
            positional = (method.args.posonlyargs or []) + (method.args.args or [])
            receivers = {positional[0].name} if positional else set()
            for target in method.nodes_of_class(nodes.AssignAttr):
                if isinstance(target.expr, nodes.Name) and target.expr.name in receivers:
                    definition = binding_definition(target)
                    if definition is not None:
                        out.setdefault(target.attrname, []).append(definition)
        return out

    return module_cached("class-attrs", klass, compute, {})


def _module_attribute_assignments(module: nodes.Module) -> dict:
    """'recv.attr' -> [Definition] for every ``recv.attr = ...`` in the module (receiver as written)."""

    def compute() -> dict:
        out: dict = {}
        for target in module.nodes_of_class(nodes.AssignAttr):
            dotted = tfapi.dotted_name(target.expr)
            if dotted is None:
                continue
            definition = binding_definition(target)
            if definition is not None:
                out.setdefault(f"{dotted}.{target.attrname}", []).append(definition)
        return out

    return module_cached("module-attrs", module, compute, {})


def _name_definitions(name: nodes.Name, depth: int = 0) -> List[Definition]:
    if depth > _MAX_DEPTH:
        return []
    try:
        _, bindings = name.lookup(name.name)
    except Exception:
        return []
    out = []
    for binding in bindings:
        if isinstance(binding, nodes.AssignName):
            definition = binding_definition(binding)
            if definition is not None and not _inside(name, definition.value):
                out.append(definition)
    return out


def definitions(expr: nodes.NodeNG, depth: int = 0) -> List[Definition]:
    """Where a Name or ``recv.attr`` gets its value in graph-building code (all assignments, any order).

    A local name gives the assignments astroid's scope lookup returns; ``self.x`` / ``cls.x`` every
    assignment in the class; ``model.x`` those of ``model``'s class when it is built from a class of this
    module; other receivers every ``recv.x = ...`` written the same way in the module.
    """
    if depth > _MAX_DEPTH:
        return []
    if isinstance(expr, nodes.Name):
        return _name_definitions(expr, depth)
    if isinstance(expr, nodes.Attribute):
        klass = _class_of_instance_receiver(expr.expr, depth)
        if klass is not None:
            found = list(_class_attribute_assignments(klass).get(expr.attrname, ()))
            for base in klass.bases:  # attributes set by a base class of the module
                if isinstance(base, nodes.Name):
                    base_class = _lookup_single(base)
                    if isinstance(base_class, nodes.ClassDef) and base_class is not klass:
                        found.extend(_class_attribute_assignments(base_class).get(expr.attrname, ()))
            if found:
                return found
            return _property_returns(klass, expr.attrname)
        dotted = tfapi.dotted_name(expr)
        if dotted is not None:
            found = list(_module_attribute_assignments(expr.root()).get(dotted, ()))
            if found:
                return found
        if isinstance(expr.expr, nodes.Name) and expr.expr.name not in ("self", "cls"):
            return _unique_class_attribute(expr.root(), expr.attrname)
    return []


def _unique_class_attribute(module: nodes.Module, attrname: str) -> List[Definition]:
    """``model.x`` with ``model`` unknown (a parameter): the class of the module that sets ``self.x``, if one only.

    ``def train(net, sess): sess.run(net.cnn_out)`` where only ``class Net`` assigns ``self.cnn_out``.
    """
    owners = module_cached("attribute-owners", module, lambda: _attribute_owners(module), {})
    classes = owners.get(attrname, ())
    if len(classes) != 1:
        return []
    return list(_class_attribute_assignments(classes[0]).get(attrname, ()))


def _attribute_owners(module: nodes.Module) -> dict:
    out: dict = {}
    for klass in module.nodes_of_class(nodes.ClassDef):
        for attrname in _class_attribute_assignments(klass):
            out.setdefault(attrname, []).append(klass)
    return out


def _property_returns(klass: nodes.ClassDef, attrname: str) -> List[Definition]:
    """``@property def logits(self): return self._logits`` as a definition of ``obj.logits``."""
    for candidate in klass.locals.get(attrname, ()):
        if isinstance(candidate, nodes.FunctionDef) and candidate.decorators and any(
                isinstance(d, nodes.Name) and d.name in ("property", "cached_property")
                or isinstance(d, nodes.Attribute) and d.attrname in ("cached_property",)
                for d in candidate.decorators.nodes):
            return [Definition(r.value, (), r) for r in candidate.nodes_of_class(nodes.Return)
                    if r.value is not None and r.frame() is candidate]
    return []


def alias_targets(expr: nodes.NodeNG, depth: int = 0) -> List[nodes.NodeNG]:
    """Every AssignName / AssignAttr along expr's chain of aliases, up to the one that built the value.

    ``ph = tf.placeholder(...)`` in ``build()``, ``a, ph2 = build()`` and ``self.ph = ph2`` elsewhere give
    the targets ``self.ph``, ``ph2`` and ``ph``: the places whose loads are uses of the same tensor.
    """
    if depth > _MAX_DEPTH or not isinstance(expr, (nodes.Name, nodes.Attribute)):
        return []
    out = []
    for definition in definitions(expr, depth):
        out.append(definition.target)
        value = _select(definition.value, definition.path)
        following = [value] if value is not None else returned_expressions(
            definition.value, definition.path, depth)
        for item in following:
            out.extend(alias_targets(item, depth + 1))
    return out


def defining_expression(expr: nodes.NodeNG, depth: int = 0) -> List[Tuple[nodes.NodeNG, Tuple[int, ...]]]:
    """The ultimate right-hand sides of expr through chains of plain aliases (``a = b``, ``self.x = y``).

    Returns (value, path) pairs; an expression with no definition (a call, a literal) is its own value.
    """
    if depth > _MAX_DEPTH:
        return []
    if isinstance(expr, (nodes.Name, nodes.Attribute)):
        defs = definitions(expr, depth)
        if not defs:
            return [(expr, ())]
        out = []
        for definition in defs:
            value = _select(definition.value, definition.path)
            if value is None:
                returned = returned_expressions(definition.value, definition.path, depth)
                if returned:
                    for item in returned:
                        out.extend(defining_expression(item, depth + 1))
                    continue
            if value is not None and isinstance(value, (nodes.Name, nodes.Attribute)):
                out.extend(defining_expression(value, depth + 1))
            else:
                out.append((value if value is not None else definition.value,
                            () if value is not None else definition.path))
        return out
    return [(expr, ())]


def returned_expressions(value: nodes.NodeNG, path: Tuple[int, ...], depth: int) -> List[nodes.NodeNG]:
    """``a, b = build()``: what the module's own ``build`` returns at path (literal tuples only)."""
    if not path or not isinstance(value, nodes.Call) or depth > _MAX_DEPTH:
        return []
    callee = effects.function_of_call(value)
    if not isinstance(callee, nodes.FunctionDef):
        return []
    out = []
    for ret in callee.nodes_of_class(nodes.Return):
        if ret.value is None or ret.frame() is not callee:
            continue
        selected = _select(ret.value, path)
        if selected is not None:
            out.append(selected)
    return out


def _select(value: nodes.NodeNG, path: Tuple[int, ...]) -> Optional[nodes.NodeNG]:
    """The element of a literal tuple/list at path (``a, b = x, y``), or None when not literal."""
    for index in path:
        if isinstance(value, (nodes.Tuple, nodes.List)) and index < len(value.elts):
            value = value.elts[index]
        else:
            return None
    return value


# --- does a tensor depend on trainable variables? -------------------------------------------------------

_STOPPING_APIS = frozenset({
    "tf.placeholder", "tf.placeholder_with_default", "tf.stop_gradient", "tf.constant", "tf.zeros",
    "tf.ones", "tf.zeros_like", "tf.ones_like", "tf.fill", "tf.random_normal", "tf.random_uniform",
    "tf.random.normal", "tf.random.uniform", "tf.truncated_normal", "tf.shape", "tf.size", "tf.rank",
    "tf.data.Dataset", "tf.train.batch", "tf.train.shuffle_batch", "tf.sparse_placeholder",
})


def creates_trainable_api(call: nodes.Call, api: Optional[str]) -> bool:
    """Does this TF API call create (or run with) trainable variables?"""
    if not api or not tfapi.is_tf_api(api):
        return False
    if api in (tfapi.VARIABLE, tfapi.GET_VARIABLE, "tf.get_local_variable"):
        if api == "tf.get_local_variable":
            return False
        position = 1 if api == tfapi.VARIABLE else None
        return tfapi.literal_value(tfapi.call_argument(call, position, "trainable")) is not False
    if tfapi.is_rnn_function(api) or api.startswith("tf.contrib.seq2seq.dynamic_decode"):
        return True
    if api.startswith(("tf.layers.", "tf.contrib.layers.", "tf.contrib.slim.", "tf.compat.v1.layers.")):
        last = api.rsplit(".", 1)[-1]
        return last[:1].islower() and last not in ("flatten", "dropout", "l2_regularizer",
                                                    "l1_regularizer", "xavier_initializer",
                                                    "variance_scaling_initializer", "optimize_loss",
                                                    "one_hot_encoding", "softmax")
    return False


def is_layer_object_api(api: Optional[str]) -> bool:
    """A constructor whose object creates trainable weights when called (cells, Keras / tf.layers layers)."""
    if not api:
        return False
    if tfapi.is_any_cell(api):
        return True
    if api.startswith(("tf.keras.layers.", "tf.layers.", "tf.keras.Sequential", "tf.keras.Model",
                       "tf.keras.models.", "tf.estimator")):
        last = api.rsplit(".", 1)[-1]
        return last[:1].isupper() and last not in ("Input", "InputLayer", "Dropout", "Flatten", "Reshape",
                                                   "Activation", "Lambda", "Permute", "RepeatVector")
    return False


def _is_layer_object(expr: nodes.NodeNG, depth: int) -> bool:
    """Is expr (the callee of a call) a layer/cell/model object of TF or of a module class subclassing one?"""
    for value, _ in defining_expression(expr, depth + 1):
        if isinstance(value, nodes.Call):
            if is_layer_object_api(tfapi.call_api(value)):
                return True
            callee = value.func
            if isinstance(callee, nodes.Name):
                klass = _lookup_single(callee)
                if isinstance(klass, nodes.ClassDef) and is_layer_object_api(tfapi.api_name(callee)):
                    return True
    return False


def depends_on_trainable(expr: Optional[nodes.NodeNG], depth: int = 0) -> bool:
    """Does the tensor expr computes depend on trainable variables of the graph?

    Follows names and attributes to their definitions (see :func:`definitions`), the arguments of TF ops,
    and calls of the module's own functions (variable-creating helpers, or helpers whose results depend on
    trainable variables). Placeholders, constants and input pipelines do not. Unknown: False.
    """
    if expr is None or depth > _MAX_DEPTH:
        return False
    return module_cached("depends-trainable", expr, lambda: _depends(expr, depth), False)


def _depends(expr: nodes.NodeNG, depth: int) -> bool:
    recurse = lambda node: depends_on_trainable(node, depth + 1)  # noqa: E731
    if isinstance(expr, (nodes.Const, nodes.Lambda, nodes.FunctionDef, nodes.ClassDef)):
        return False
    if isinstance(expr, (nodes.Name, nodes.Attribute)):
        defs = definitions(expr, depth)
        if defs:
            return any(recurse(d.value) for d in defs)
        if isinstance(expr, nodes.Attribute):
            return recurse(expr.expr)
        return False
    if isinstance(expr, nodes.Call):
        api = tfapi.call_api(expr)
        if api is not None:
            if creates_trainable_api(expr, api):
                return True
            if api in _STOPPING_APIS or api.startswith(("tf.data.", "tf.metrics.")):
                return False
            if not tfapi.is_tf_api(api):
                return any(recurse(arg) for arg in _call_arguments(expr))
            return any(recurse(arg) for arg in _call_arguments(expr))
        func = expr.func
        if isinstance(func, nodes.Call) and is_layer_object_api(tfapi.call_api(func)):
            return True  # tf.keras.layers.Dense(10)(x)
        if isinstance(func, nodes.Attribute) and func.attrname in ("get_next", "make_one_shot_iterator",
                                                                     "zero_state", "get_shape"):
            return False
        callee = effects.function_of_call(expr)
        if callee is not None:
            if effects.creates_variables(callee) or _keras_layers_called(callee):
                return True
            returns = [callee.body] if isinstance(callee, nodes.Lambda) else [
                r.value for r in callee.nodes_of_class(nodes.Return)
                if r.value is not None and r.frame() is callee]
            return any(recurse(r) for r in returns) or any(recurse(a) for a in _call_arguments(expr))
        if isinstance(func, (nodes.Name, nodes.Attribute)) and _is_layer_object(func, depth):
            return True
        if isinstance(func, nodes.Attribute):
            if recurse(func.expr):
                return True
        return any(recurse(a) for a in _call_arguments(expr))
    return any(recurse(child) for child in expr.get_children())


_MAX_UPSTREAM_NODES = 4000


def upstream_nodes(expr: nodes.NodeNG) -> frozenset:
    """Ids of every expression the value of expr is computed from, following definitions (bounded).

    Walks names and attributes to their definitions, the arguments of calls, the layer objects called
    (to their constructors) and the return values of the module's own functions. Used to ask "does this
    loss depend on that tensor / that variable?".
    """
    return module_cached("upstream-ids", expr, lambda: frozenset(id(n) for n in _upstream_walk(expr)),
                         frozenset())


def trainable_sources(expr: nodes.NodeNG) -> List[nodes.NodeNG]:
    """The calls that create the trainable variables expr is computed from.

    ``tf.Variable`` / ``tf.get_variable`` / ``tf.layers.*`` / RNN-function calls, and the constructors of
    the layer, cell and model objects that are called (one object called twice is one source).
    """

    def compute() -> list:
        out = []
        for node in _upstream_walk(expr):
            if isinstance(node, nodes.Call):
                api = tfapi.call_api(node)
                if creates_trainable_api(node, api) or is_layer_object_api(api):
                    out.append(node)
        return out

    return module_cached("trainable-sources", expr, compute, [])


def _upstream_walk(expr: nodes.NodeNG) -> list:
    def compute() -> list:
        seen: set = set()
        order = []
        stack = [expr]
        while stack and len(seen) < _MAX_UPSTREAM_NODES:
            node = stack.pop()
            if node is None or id(node) in seen:
                continue
            if isinstance(node, (nodes.Lambda, nodes.FunctionDef, nodes.ClassDef, nodes.Const)):
                continue
            seen.add(id(node))
            order.append(node)
            if isinstance(node, (nodes.Name, nodes.Attribute)):
                defs = definitions(node)
                stack.extend(d.value for d in defs)
                if isinstance(node, nodes.Attribute) and not defs:
                    stack.append(node.expr)
            elif isinstance(node, nodes.Call):
                stack.extend(_call_arguments(node))
                callee = effects.function_of_call(node)
                if isinstance(callee, nodes.Lambda):
                    stack.append(callee.body)
                elif callee is not None:
                    stack.extend(r.value for r in callee.nodes_of_class(nodes.Return)
                                 if r.value is not None and r.frame() is callee)
                elif isinstance(node.func, (nodes.Attribute, nodes.Name, nodes.Call)) \
                        and tfapi.call_api(node) is None:
                    stack.append(node.func)  # x.reshape(...), layer(x), Dense(3)(x)
            else:
                stack.extend(node.get_children())
        return order

    return module_cached("upstream-walk", expr, compute, [])


def _call_arguments(call: nodes.Call) -> Iterable[nodes.NodeNG]:
    yield from call.args or ()
    for keyword in call.keywords or ():
        yield keyword.value


def _keras_layers_called(func: nodes.NodeNG) -> bool:
    """Does func call a freshly built layer/cell object (``tf.keras.layers.LSTM(8)(x)``, ``cell(x, s)``)?"""

    def compute() -> bool:
        for call in tree.own_nodes(func, nodes.Call):
            if isinstance(call.func, nodes.Call) and is_layer_object_api(tfapi.call_api(call.func)):
                return True
        return False

    return module_cached("keras-layers-called", func, compute, False)


# --- containers: fetch structures and feed dicts --------------------------------------------------------


def _reaching_bindings(expr: nodes.NodeNG, at: nodes.NodeNG) -> List[nodes.NodeNG]:
    """Assignments of a name / ``self.x`` in ``at``'s function that may give it its value at ``at``.

    The last one before ``at`` in source order, plus, for each enclosing loop that has no assignment before
    ``at`` inside it, those after ``at`` in that loop (they reach ``at`` on the next iteration).
    """
    frame = at.frame()
    dotted = tfapi.dotted_name(expr)
    if dotted is None:
        return []
    candidates = _frame_bindings(frame).get(dotted, ())
    if not candidates:
        return []
    before = [b for b in candidates if is_before(b, at)]
    out = []
    if before:
        out.append(max(before, key=lambda b: _pos(_statement(b))))
    for loop in _loops_between(at, frame):
        inside = [b for b in candidates if _inside(b, loop)]
        if any(is_before(b, at) for b in inside):
            break
        out.extend(b for b in inside if not is_before(b, at))
    return out


def _frame_bindings(frame: nodes.NodeNG) -> dict:
    """dotted name -> AssignName / AssignAttr / mutation statements of that name in frame's own body."""

    def compute() -> dict:
        out: dict = {}
        for node in _own_nodes(frame):
            if isinstance(node, nodes.AssignName):
                out.setdefault(node.name, []).append(node)
            elif isinstance(node, nodes.AssignAttr):
                dotted = tfapi.dotted_name(node.expr)
                if dotted is not None:
                    out.setdefault(f"{dotted}.{node.attrname}", []).append(node)
        return out

    return module_cached("frame-bindings", frame, compute, {})


def _own_nodes(frame: nodes.NodeNG) -> Iterable[nodes.NodeNG]:
    """Every node of frame's body, not descending into nested functions, classes or lambdas."""
    stack = list(reversed(list(frame.get_children())))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (nodes.FunctionDef, nodes.ClassDef, nodes.Lambda)):
            continue
        stack.extend(reversed(list(node.get_children())))


def _mutations(frame: nodes.NodeNG) -> dict:
    """dotted name -> statements that change the object in place: ``x[k] = v``, ``x += ...``, ``x.update()``."""

    def compute() -> dict:
        out: dict = {}
        for node in _own_nodes(frame):
            target = None
            if isinstance(node, nodes.Subscript) and isinstance(node.parent, (nodes.Assign, nodes.AugAssign,
                                                                              nodes.Delete)) \
                    and node is not getattr(node.parent, "value", None):
                target = node.value
            elif isinstance(node, nodes.AugAssign):
                target = node.target
            elif isinstance(node, nodes.Call) and isinstance(node.func, nodes.Attribute) \
                    and node.func.attrname in ("update", "setdefault", "pop", "clear", "fill", "sort",
                                               "resize", "put", "append", "extend", "insert"):
                target = node.func.expr
            if target is not None:
                dotted = tfapi.dotted_name(target)
                if dotted is not None:
                    out.setdefault(dotted, []).append(node)
        return out

    return module_cached("frame-mutations", frame, compute, {})


def dict_entries(expr: Optional[nodes.NodeNG], at: Optional[nodes.NodeNG] = None,
                 depth: int = 0) -> List[Tuple[nodes.NodeNG, nodes.NodeNG]]:
    """The ``(key, value)`` pairs of a dict expression as seen at ``at`` (default: expr itself).

    Literal dicts (with ``**base``), ``dict(base, k=v)``, ``dict([(k, v)])``, ``dict(zip([...], [...]))``,
    and names bound to any of those, with the item assignments ``d[k] = v`` and ``d.update(...)`` made
    between the binding and ``at``. Entries that cannot be resolved are left out. The key of a keyword
    entry of ``dict(k=v)`` is the Keyword node itself (see :func:`key_text`).
    """
    if expr is None or depth > _MAX_DEPTH:
        return []
    at = at if at is not None else expr
    if isinstance(expr, nodes.Dict):
        out = []
        for key, value in expr.items:
            if isinstance(key, nodes.DictUnpack):
                out.extend(dict_entries(value, expr, depth + 1))
            else:
                out.append((key, value))
        return out
    if _is_dict_call(expr):
        return _dict_call_entries(expr, depth)
    if isinstance(expr, (nodes.Name, nodes.Attribute)):
        dotted = tfapi.dotted_name(expr)
        frame = at.frame()
        out = []
        for binding in _reaching_bindings(expr, at):
            definition = binding_definition(binding)
            if definition is None or definition.path:
                continue
            out.extend(dict_entries(definition.value, definition.value, depth + 1))
            for mutation in _mutations(frame).get(dotted, ()):
                if is_before(binding, mutation) and is_before(mutation, at):
                    out.extend(_mutation_entries(mutation, depth))
        return out
    return []


def _is_dict_call(expr: nodes.NodeNG) -> bool:
    """``dict(...)`` with the builtin ``dict`` (not a user's own ``dict``)."""
    if not (isinstance(expr, nodes.Call) and isinstance(expr.func, nodes.Name) and expr.func.name == "dict"):
        return False
    binding = _lookup_single(expr.func)
    return binding is None or binding.root().name == "builtins"


def _dict_call_entries(call: nodes.Call, depth: int) -> list:
    out = []
    for arg in call.args[:1]:
        if isinstance(arg, (nodes.List, nodes.Tuple)):
            for element in arg.elts:
                if isinstance(element, (nodes.Tuple, nodes.List)) and len(element.elts) == 2:
                    out.append((element.elts[0], element.elts[1]))
        elif isinstance(arg, nodes.Call) and isinstance(arg.func, nodes.Name) and arg.func.name == "zip" \
                and len(arg.args) == 2 and all(isinstance(a, (nodes.List, nodes.Tuple)) for a in arg.args):
            out.extend(zip(arg.args[0].elts, arg.args[1].elts))
        else:
            out.extend(dict_entries(arg, call, depth + 1))
    for keyword in call.keywords or ():
        if keyword.arg is None:
            out.extend(dict_entries(keyword.value, call, depth + 1))
        else:
            out.append((keyword, keyword.value))
    return out


def _mutation_entries(mutation: nodes.NodeNG, depth: int) -> list:
    if isinstance(mutation, nodes.Subscript) and isinstance(mutation.parent, nodes.Assign):
        return [(mutation.slice, mutation.parent.value)]
    if isinstance(mutation, nodes.Call) and mutation.func.attrname == "update":
        return _dict_call_entries(mutation, depth + 1)
    if isinstance(mutation, nodes.Call) and mutation.func.attrname == "setdefault" and len(mutation.args) == 2:
        return [(mutation.args[0], mutation.args[1])]
    return []


def key_text(key: nodes.NodeNG) -> Optional[object]:
    """The literal value of a dict key (a Keyword of ``dict(k=v)`` gives its name), else None."""
    if isinstance(key, nodes.Keyword):
        return key.arg
    value = tfapi.literal_value(key)
    return None if value is tfapi.UNKNOWN else value


def feed_items(run: SessionRun) -> List[Tuple[nodes.NodeNG, nodes.NodeNG]]:
    """The ``(placeholder expression, fed value expression)`` pairs of a run's feed dict."""
    if run.feed is None:
        return []
    return [(k, v) for k, v in dict_entries(run.feed, run.call) if not isinstance(k, nodes.Keyword)]


def _sequence_elements(expr: nodes.NodeNG, at: nodes.NodeNG, depth: int) -> Optional[list]:
    """Elements of a literal list/tuple, or of a name bound to one (as seen at ``at``)."""
    if isinstance(expr, (nodes.List, nodes.Tuple)):
        if any(isinstance(e, nodes.Starred) for e in expr.elts):
            return None
        return list(expr.elts)
    if isinstance(expr, (nodes.Name, nodes.Attribute)) and depth < _MAX_DEPTH:
        bindings = _reaching_bindings(expr, at)
        if len(bindings) != 1:
            return None
        definition = binding_definition(bindings[0])
        if definition is None or definition.path:
            return None
        if _mutations(at.frame()).get(tfapi.dotted_name(expr)):
            return None
        return _sequence_elements(definition.value, definition.value, depth + 1)
    return None


def fetch_leaves(fetches: Optional[nodes.NodeNG], at: Optional[nodes.NodeNG] = None,
                 depth: int = 0) -> List[nodes.NodeNG]:
    """The tensor/op expressions of a fetch structure: nested lists, tuples, dicts, names bound to them."""
    if fetches is None or depth > _MAX_DEPTH:
        return []
    at = at if at is not None else fetches
    elements = _sequence_elements(fetches, at, depth)
    if elements is not None:
        return [leaf for e in elements for leaf in fetch_leaves(e, at, depth + 1)]
    if isinstance(fetches, nodes.Dict) or _is_dict_call(fetches):
        return [leaf for _, v in dict_entries(fetches, at) for leaf in fetch_leaves(v, at, depth + 1)]
    if isinstance(fetches, (nodes.Name, nodes.Attribute)):
        entries = dict_entries(fetches, at)
        if entries:
            return [leaf for _, v in entries for leaf in fetch_leaves(v, at, depth + 1)]
    return [fetches]


# --- fetched values -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    """A value that is (a reshaped copy of) what a run returned for ``node`` of its fetch structure."""

    run: SessionRun
    node: nodes.NodeNG  # the part of the fetch structure this value is (a single tensor, or a container)
    context: nodes.NodeNG  # where to resolve names inside ``node`` (the run call)


def _is_numpy_reshape(call: nodes.Call) -> bool:
    path = tfapi.qualified_path(call.func)
    if not path:
        return False
    module, _, name = path.rpartition(".")
    return module == "numpy" and name in _NUMPY_RESHAPES


def fetched_value(expr: nodes.NodeNG, session_names=DEFAULT_SESSION_NAMES, is_op=None) -> Optional[Fetched]:
    """What fetched tensor does expr hold where it is written? None: not a fetched value (or unknown).

    The first of :func:`fetched_values`.
    """
    found = fetched_values(expr, session_names, is_op)
    return found[0] if found else None


def fetched_values(expr: nodes.NodeNG, session_names=DEFAULT_SESSION_NAMES, is_op=None,
                   _depth: int = 0) -> List[Fetched]:
    """Every fetched tensor expr may hold where it is written (one per reaching assignment); [] if none.

    Follows local names and ``self.x`` attributes assigned in the same function (the assignments that
    reach expr: the last one before it, or one later in an enclosing loop), tuple unpacking, indexing of
    fetch lists and dicts, and value-preserving reshapes. A name changed in place (``v[i] = ...``,
    ``v += ...``) anywhere in the function is not followed.
    """
    if _depth > _MAX_DEPTH:
        return []
    again = lambda e: fetched_values(e, session_names, is_op, _depth + 1)  # noqa: E731
    if isinstance(expr, nodes.Call):
        run = session_run(expr, session_names, is_op)
        if run is not None:
            return [Fetched(run, run.fetches, expr)] if run.fetches is not None else []
        func = expr.func
        if _is_numpy_reshape(expr) and expr.args:
            return again(expr.args[0])
        if isinstance(func, nodes.Attribute) and func.attrname in _METHOD_RESHAPES:
            return again(func.expr)
        return []
    if isinstance(expr, nodes.Subscript):
        return [item for base in again(expr.value) for item in _index(base, expr.slice, _depth)]
    if isinstance(expr, nodes.Attribute) and expr.attrname == "T":
        return again(expr.expr)
    if isinstance(expr, (nodes.Name, nodes.Attribute)):
        dotted = tfapi.dotted_name(expr)
        if dotted is None:
            return []
        if _mutations(expr.frame()).get(dotted):
            return []
        out = []
        for binding in _reaching_bindings(expr, expr):
            definition = binding_definition(binding)
            if definition is None:
                continue
            literal = _select(definition.value, definition.path)
            if literal is not None:
                out.extend(again(literal))
                continue
            found = again(definition.value)
            for index in definition.path:
                found = [item for base in found for item in _index(base, nodes.Const(index), _depth)]
            out.extend(found)
        return out
    return []


def unreshaped(expr: nodes.NodeNG) -> nodes.NodeNG:
    """expr without the value-preserving reshapes around it: ``np.squeeze(v).astype(f)`` gives ``v``."""
    for _ in range(_MAX_DEPTH):
        if isinstance(expr, nodes.Call) and _is_numpy_reshape(expr) and expr.args:
            expr = expr.args[0]
        elif isinstance(expr, nodes.Call) and isinstance(expr.func, nodes.Attribute) \
                and expr.func.attrname in _METHOD_RESHAPES:
            expr = expr.func.expr
        else:
            break
    return expr


def _index(base: Fetched, index: nodes.NodeNG, depth: int) -> List[Fetched]:
    """``base[index]``: an element of a literal fetch container, or the same tensor's values reshaped."""
    node = base.node
    elements = _sequence_elements(node, base.context, depth)
    if elements is not None:
        value = tfapi.literal_value(index)
        if isinstance(value, int) and not isinstance(value, bool) and -len(elements) <= value < len(elements):
            return [Fetched(base.run, elements[value], base.context)]
        return []
    entries = dict_entries(node, base.context) if isinstance(node, (nodes.Dict, nodes.Name, nodes.Attribute,
                                                                    nodes.Call)) else []
    if entries:
        wanted = tfapi.literal_value(index)
        if wanted is tfapi.UNKNOWN:
            return []
        return [Fetched(base.run, value, base.context) for key, value in entries if key_text(key) == wanted][:1]
    if isinstance(node, (nodes.Dict, nodes.List, nodes.Tuple)):
        return []
    return [base]  # indexing the array a single tensor returned: same values, reshaped
