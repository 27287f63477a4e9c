"""Sessions, runs, fetches and feeds: what ``sess.run`` / ``.eval`` take and what their results become.

TensorFlow 1.x code moves tensors' *values* between session runs in plain Python: a run returns numpy
arrays, the program keeps them in names, attributes, lists and dicts, and feeds some of them back through
``feed_dict``. This module follows those values without executing anything and without astroid inference
(the containers and assignments themselves are :mod:`pylint_rnn.core.dataflow`'s questions):

- :func:`session_run` recognises a run: ``sess.run(fetches, feed_dict)``, ``tensor.eval(feed_dict)`` and
  ``op.run(feed_dict)``, with the session spotted by its construction (``tf.Session()``,
  ``with tf.Session() as s``, ``MonitoredSession``...) or by its name (:data:`DEFAULT_SESSION_NAMES`).
- :func:`fetch_leaves` flattens a run's fetch structure; :func:`feed_items` lists its feed dict's pairs.
- :func:`fetched_values` answers "which fetched tensor does this expression hold here?" through local
  names, ``self.x`` / ``cls.x`` attributes assigned in the same function, tuple unpacking, indexing of
  fetch lists and dicts, and value-preserving reshapes (``v[0]``, ``np.array(v)``, ``v.reshape(...)``,
  ``np.squeeze(v)``, ``v.astype(...)``). Anything else (sampling, arithmetic, user functions, in-place
  item assignment) ends the chain: the value is then data, not the fetched tensor.
"""
from __future__ import annotations

import re
from typing import Callable, List, NamedTuple, Optional, Pattern, Tuple

from astroid import nodes

from pylint_rnn.core import callargs, callsites, dataflow, effects, origins, tfapi, tree

# The one default of the session-names option: a name (its last component) that this pattern matches
# whole, as written or lower-cased, is a session even when nothing shows how it was built.
DEFAULT_SESSION_NAMES = r".*(sess|session).*"
_DEFAULT_SESSION_PATTERN = re.compile(DEFAULT_SESSION_NAMES)

SESSION_FACTORIES = tfapi.SESSIONS | {
    "tf.get_default_session", "tf.keras.backend.get_session", "tf.train.SingularMonitoredSession",
}
# numpy functions that return their (first) argument's values, only reshaped, retyped or stacked.
_NUMPY_RESHAPES = frozenset({
    "array", "asarray", "asanyarray", "ascontiguousarray", "squeeze", "reshape", "expand_dims",
    "ravel", "transpose", "atleast_1d", "atleast_2d", "atleast_3d", "float32", "float64", "float16",
    "int32", "int64", "concatenate", "stack", "vstack", "hstack", "dstack", "column_stack",
})
# ndarray methods that return the same values reshaped or retyped.
_METHOD_RESHAPES = frozenset({"reshape", "astype", "squeeze", "flatten", "ravel", "transpose", "view"})

OpTest = Optional[Callable[[nodes.NodeNG], bool]]


# --- sessions and runs ----------------------------------------------------------------------------------


class SessionRun(NamedTuple):
    """One execution of the graph: ``sess.run(...)``, ``t.eval(...)`` or ``op.run(...)``."""

    call: nodes.Call
    kind: str  # "run" (session.run), "eval" (tensor.eval) or "op-run" (operation.run)
    fetches: Optional[nodes.NodeNG]  # the fetch structure as written (the receiver for eval / op-run)
    feed: Optional[nodes.NodeNG]  # the feed_dict expression as written, None if none


def _is_session_factory_call(value: nodes.NodeNG) -> bool:
    return isinstance(value, nodes.Call) and tfapi.call_api(value) in SESSION_FACTORIES


def is_session(expr: nodes.NodeNG, session_names: Pattern = _DEFAULT_SESSION_PATTERN) -> bool:
    """Is expr a TF session: built by a session factory, bound by ``with tf.Session() as s``, or so named?"""
    if isinstance(expr, nodes.Call):
        return _is_session_factory_call(expr)
    dotted = tfapi.dotted_name(expr)
    if dotted is None:
        return False
    if tree.name_matches(session_names, dotted.rsplit(".", 1)[-1]):
        return True
    for definition in dataflow.definitions(expr):
        value = definition.value
        if _is_session_factory_call(value):
            return True
        # with tf.Session().as_default() as s / tf.Session(graph=g).__enter__()
        if isinstance(value, nodes.Call) and isinstance(value.func, nodes.Attribute) \
                and _is_session_factory_call(value.func.expr):
            return True
    return False


def session_run(call: nodes.NodeNG, session_names: Pattern = _DEFAULT_SESSION_PATTERN,
                is_op: OpTest = None) -> Optional[SessionRun]:
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
            fetches = callargs.call_argument(call, 0, "fetches")
            return SessionRun(call, "run", fetches, callargs.call_argument(call, 1, "feed_dict"))
        if is_op is not None and not call.args[1:] and is_op(receiver):
            return SessionRun(call, "op-run", receiver, callargs.call_argument(call, 0, "feed_dict"))
        return None
    if attr == "eval":
        if len(call.args) > 1 or any(k.arg not in ("feed_dict", "session") for k in call.keywords or ()):
            return None
        if isinstance(receiver, nodes.Name) and receiver.name in ("self", "cls"):
            return None
        if call.args and isinstance(call.args[0], nodes.Const):
            return None  # df.eval('a + b'): not a tensor
        return SessionRun(call, "eval", receiver, callargs.call_argument(call, 0, "feed_dict"))
    return None


# --- what a run takes: fetch structures and feed dicts --------------------------------------------------


def feed_items(run: SessionRun) -> List[Tuple[nodes.NodeNG, nodes.NodeNG]]:
    """The ``(placeholder expression, fed value expression)`` pairs of a run's feed dict."""
    if run.feed is None:
        return []
    entries = dataflow.dict_entries(run.feed, run.call)
    return [(k, v) for k, v in entries if not isinstance(k, nodes.Keyword)]


def fetch_leaves(fetches: Optional[nodes.NodeNG], at: Optional[nodes.NodeNG] = None,
                 depth: int = 0) -> List[nodes.NodeNG]:
    """The tensor/op expressions of a fetch structure: nested lists, tuples, dicts, names bound to them."""
    if fetches is None or depth > dataflow.MAX_DEPTH:
        return []
    at = at if at is not None else fetches
    elements = dataflow.sequence_elements(fetches, at, depth)
    if elements is not None:
        return [leaf for e in elements for leaf in fetch_leaves(e, at, depth + 1)]
    if isinstance(fetches, nodes.Dict) or dataflow.is_dict_call(fetches):
        return [leaf for _, v in dataflow.dict_entries(fetches, at) for leaf in fetch_leaves(v, at, depth + 1)]
    if isinstance(fetches, (nodes.Name, nodes.Attribute)):
        entries = dataflow.dict_entries(fetches, at)
        if entries:  # a name bound to a dict of fetches
            return [leaf for _, v in entries for leaf in fetch_leaves(v, at, depth + 1)]
    if isinstance(fetches, (nodes.Name, nodes.Attribute, nodes.Subscript, nodes.Call)) and _is_container(fetches):
        # a fetch structure built elsewhere: ``self.fetches``, ``model["train_ops"]``, ``build_fetches()``
        return [leaf for value, rest in origins.origins(fetches) if not rest
                for leaf in fetch_leaves(value, value, depth + 1)]
    return [fetches]


# --- what a run returns: fetched values -----------------------------------------------------------------


class Fetched(NamedTuple):
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


def _reshaped_operand(expr: nodes.NodeNG) -> Optional[nodes.NodeNG]:
    """``x`` for ``np.squeeze(x)`` / ``x.astype(f)`` and the other value-preserving reshapes, else None."""
    if not isinstance(expr, nodes.Call):
        return None
    if _is_numpy_reshape(expr) and expr.args:
        return expr.args[0]
    if isinstance(expr.func, nodes.Attribute) and expr.func.attrname in _METHOD_RESHAPES:
        return expr.func.expr
    return None


def unreshaped(expr: nodes.NodeNG) -> nodes.NodeNG:
    """expr without the value-preserving reshapes around it: ``np.squeeze(v).astype(f)`` gives ``v``."""
    for _ in range(dataflow.MAX_DEPTH):
        operand = _reshaped_operand(expr)
        if operand is None:
            break
        expr = operand
    return expr


def fetched_value(expr: nodes.NodeNG, session_names: Pattern = _DEFAULT_SESSION_PATTERN,
                  is_op: OpTest = None) -> Optional[Fetched]:
    """What fetched tensor does expr hold where it is written? None: not a fetched value (or unknown).

    The first of :func:`fetched_values`.
    """
    found = fetched_values(expr, session_names, is_op)
    return found[0] if found else None


def fetched_values(expr: nodes.NodeNG, session_names: Pattern = _DEFAULT_SESSION_PATTERN,
                   is_op: OpTest = None, depth: int = 0) -> List[Fetched]:
    """Every fetched tensor expr may hold where it is written (one per reaching assignment); [] if none.

    Within a function: the assignments of a name or ``self.x`` that reach expr (the last one before it,
    or one later in an enclosing loop), tuple unpacking, loops over ``zip(...)``, indexing of fetch lists
    and dicts, lists of fetched values (literal, comprehension, filled by ``.append``) and value-preserving
    reshapes. Across functions (flow-insensitive): ``self.x`` assigned in another method, a helper or
    method whose return is a fetched value, and a parameter whose call sites pass one. A name changed in
    place otherwise (``v[i] = ...``, ``v += ...``) is not followed.
    """
    if depth > dataflow.MAX_DEPTH:
        return []

    def again(inner: nodes.NodeNG) -> List[Fetched]:
        return fetched_values(inner, session_names, is_op, depth + 1)

    if isinstance(expr, nodes.Call):
        return _call_values(expr, session_names, is_op, again)
    if isinstance(expr, (nodes.List, nodes.Tuple, nodes.ListComp)):  # fetched values stacked in a list
        elements = [expr.elt] if isinstance(expr, nodes.ListComp) else expr.elts
        return [item for element in elements for item in again(element)]
    if isinstance(expr, nodes.Subscript):
        selector = origins.subscript_selector(expr)
        return [item for base in again(expr.value) for item in _index(base, selector)]
    if isinstance(expr, nodes.Attribute) and expr.attrname == "T":
        return again(expr.expr)
    if isinstance(expr, (nodes.Name, nodes.Attribute)):
        return _held_values(expr, again, depth)
    return []


def _call_values(call: nodes.Call, session_names: Pattern, is_op: OpTest, again) -> List[Fetched]:
    """A run's result, a reshape of a fetched value, or what a helper or method of the module returns."""
    run = session_run(call, session_names, is_op)
    if run is not None:
        return [Fetched(run, run.fetches, call)] if run.fetches is not None else []
    operand = _reshaped_operand(call)
    if operand is not None:
        return again(operand)
    callee = effects.function_of_call(call)
    if isinstance(callee, nodes.FunctionDef) and not callee.is_generator():
        return [item for value in tree.returned_values(callee) for item in again(value)]
    return []


def _held_values(expr: nodes.NodeNG, again, depth: int) -> List[Fetched]:
    """What a name or ``self.x`` holds: its reaching assignments (in another method for ``self.x`` with
    none in this function), the appends to a list, a parameter's arguments at its call sites."""
    appended = dataflow.appended_values(expr, expr)
    if appended is not None:
        return [item for value in appended for item in again(value)]
    dotted = tfapi.dotted_name(expr)
    if dotted is None or dataflow.mutations(expr.frame()).get(dotted):
        return []
    bindings = dataflow.reaching_bindings(expr, expr)
    definitions = [dataflow.binding_definition(binding) for binding in bindings]
    if not bindings and isinstance(expr, nodes.Attribute):
        definitions = dataflow.definitions(expr)  # self.x set in another method
    out = [item for definition in definitions if definition is not None
           for item in _definition_values(definition, again, depth)]
    for binding in bindings:
        if isinstance(binding.parent, nodes.Arguments):
            out.extend(item for value in callsites.parameter_values(binding) for item in again(value))
    return out


def _definition_values(definition: dataflow.Definition, again, depth: int) -> List[Fetched]:
    """The fetched values an assignment gives its target: ``codes, loss = sess.run([enc, loss])`` gives
    ``codes`` what the run returned for ``enc``; ``for ph, v in zip(phs, values)`` gives ``v`` those of
    ``values``."""
    out = []
    for element, rest in origins.select(definition.value, definition.path):
        found = again(element)
        for selector in rest:
            found = [item for base in found for item in _index(base, selector, depth)]
        out.extend(found)
    return out


def _index(base: Fetched, selector: object, depth: int = 0) -> List[Fetched]:
    """``base[selector]``: an element of a fetch container, or the same tensor's values reshaped."""
    if depth > dataflow.MAX_DEPTH:
        return []
    if selector is not None:  # None: not a literal (v[i], v[None], v[:, 0])
        picked = [element for element, rest in origins.select(base.node, (selector,)) if not rest]
        if picked:
            return [Fetched(base.run, element, base.context) for element in picked]
    if isinstance(selector, str) or _is_container(base.node):
        return []
    return [base]  # indexing or iterating the array a single tensor returned: same values, reshaped


def _is_container(node: nodes.NodeNG) -> bool:
    """Is a fetch structure node a list, tuple or dict of fetches (as written, or through names)?"""
    return any(isinstance(value, (nodes.Dict, nodes.List, nodes.Tuple, nodes.DictComp, nodes.ListComp))
               or dataflow.is_dict_call(value) for value, rest in origins.origins(node) if not rest)
