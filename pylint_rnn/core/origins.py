"""Following a value to what built it: across names, containers, records, returns and parameters.

A tensor rarely goes straight from the call that builds it to the call that uses it. Builders return
endpoints in a tuple, a dict or a namedtuple (``return {"enc": enc, "loss": loss}``,
``Endpoints(enc=enc, loss=loss)``, ``return enc, loss``); callers keep them as ``ep["enc"]``, ``ep.enc``
or unpack them; loops run over ``zip(placeholders, values)``; helpers receive them as parameters. This
module follows such a value, one step at a time, to the expressions that built it:

- :func:`elements`: the expressions one selector picks out of what a container expression holds (an int
  index, a literal key, an :class:`Attr` field, or :data:`~pylint_rnn.core.dataflow.EACH` for any
  element), through names, attributes, subscripts and the module's own functions' returns;
- :func:`origins`: the expressions a value was built from, each with the selectors still to apply
  (``outputs, state = tf.nn.dynamic_rnn(...)`` gives ``state`` the origin ``(dynamic_rnn(...), (1,))``);
- :func:`alias_targets`: the names and attributes the value was assigned to on the way;
  :func:`holder_targets` those that hold a container it is an element of.

Flow-insensitive but bounded (see :mod:`pylint_rnn.core.dataflow`): every assignment of a name, every
argument of a parameter, every return of a function counts, in any order; at most
:data:`~pylint_rnn.core.dataflow.MAX_DEPTH` steps and :data:`MAX_ORIGINS` results, memoised on the module.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, NamedTuple, Optional, Tuple

from astroid import nodes

from pylint_rnn.core import callargs, callsites, dataflow, effects, records, tfapi, tree
from pylint_rnn.core.bindings import bindings_of, method_class
from pylint_rnn.core.cache import module_cached
from pylint_rnn.core.dataflow import EACH, MAX_DEPTH

MAX_ORIGINS = 32

Origin = Tuple[nodes.NodeNG, tuple]  # (expression, selectors still to apply to its value)


@dataclass(frozen=True)
class Attr:
    """An attribute selector (``ep.enc``), as opposed to a subscript (an int index or a literal key)."""

    name: str


class _Walk(NamedTuple):
    found: Tuple[Origin, ...] = ()
    targets: Tuple[nodes.NodeNG, ...] = ()  # hold the value itself
    holders: Tuple[Tuple[nodes.NodeNG, tuple], ...] = ()  # (target, path to the value in what it holds)


_NOTHING = _Walk()
_ITERATION_BUILTINS = frozenset({"list", "tuple", "sorted", "reversed", "iter"})


# --- the public questions -------------------------------------------------------------------------------


def origins(expr: nodes.NodeNG) -> List[Origin]:
    """The expressions expr's value was built from, each with the selectors still to apply to it.

    An expression with nothing more to follow (a TF call, a literal, an unknown name) is its own origin.
    """
    return list(_walk(expr, (), False, 0).found)


def alias_targets(expr: nodes.NodeNG) -> List[nodes.NodeNG]:
    """Every AssignName / AssignAttr that holds expr's value itself on the way to its origins.

    ``ph = tf.placeholder(...)`` in ``build()``, ``return {"ph": ph}``, ``ep = build()`` and ``self.ph =
    ep["ph"]`` give the targets ``self.ph`` and ``ph`` (not ``ep``, which holds the dict): the places
    whose loads are uses of the same tensor.
    """
    return list(_walk(expr, (), False, 0).targets)


def holder_targets(expr: nodes.NodeNG) -> List[Tuple[nodes.NodeNG, tuple]]:
    """Every AssignName / AssignAttr that holds a container expr's value is an element of, on the way,
    with the selectors that lead from the container to the value: ``(phs, (EACH,))`` for the ``ph`` of
    ``phs = [tf.placeholder(...) for _ in names]; for ph in phs``, ``(self.ph, ("x",))`` for
    ``self.ph["x"]``. A load of such a container passed whole (``tf.concat(phs, 1)``), or followed by
    those selectors (``self.ph["x"]``), uses the value."""
    return list(_walk(expr, (), False, 0).holders)


def elements(expr: nodes.NodeNG, selector: object) -> Optional[List[nodes.NodeNG]]:
    """The expressions ``selector`` picks out of what expr holds, as written where they are put in
    (``ep["enc"]`` with ``ep = build()`` and ``return {"enc": enc}`` gives the ``enc`` of that return);
    None when expr is not known to hold a container with that element."""
    found = [value for value, rest in select(expr, (selector,)) if not rest]
    return found or None


def select(expr: nodes.NodeNG, path: tuple) -> List[Origin]:
    """What ``path`` picks out of what expr holds: each element as written where it is put in, with the
    selectors the tree could not apply (``(sess.run([a, b]), (0,))`` for the ``codes`` of ``codes, loss =
    sess.run([a, b])``). An empty path gives expr itself."""
    return list(_walk(expr, tuple(path), True, 0).found)


def subscript_selector(subscript: nodes.Subscript) -> Optional[object]:
    """The selector of ``x[k]``: a literal int or key (or a name bound once to one); None otherwise."""
    value = callargs.constant_value(subscript.slice)
    if isinstance(value, (int, str)) or (isinstance(value, float) and not isinstance(value, bool)):
        return value
    return None


# --- the walk -------------------------------------------------------------------------------------------


def _walk(expr: nodes.NodeNG, path: tuple, stop: bool, depth: int) -> _Walk:
    """Follow expr with ``path`` to apply. ``stop``: return an element as soon as the path is consumed
    (for :func:`elements`); otherwise follow it on to its origins."""
    if depth > MAX_DEPTH:
        return _Walk(((expr, path),))
    kind = f"origins:{stop}:{path!r}"
    return module_cached(kind, expr, lambda: _walk_step(expr, path, stop, depth), _NOTHING)


def _walk_step(expr: nodes.NodeNG, path: tuple, stop: bool, depth: int) -> _Walk:
    if path:
        step = _select(expr, path)
        if step is not None:
            return _merge(_walk_on([element], rest, stop, depth) for element, rest in step)
    elif stop:
        return _Walk(((expr, path),))
    if isinstance(expr, nodes.Subscript):
        selector = subscript_selector(expr)
        if selector is not None:
            return _walk(expr.value, (selector,) + path, stop, depth + 1)
    elif isinstance(expr, nodes.Name):
        return _walk_name(expr, path, stop, depth)
    elif isinstance(expr, nodes.Attribute):
        return _walk_attribute(expr, path, stop, depth)
    elif isinstance(expr, nodes.Call):
        callee = effects.function_of_call(expr)
        if isinstance(callee, (nodes.FunctionDef, nodes.Lambda)) and not _is_generator(callee):
            returned = tree.returned_values(callee)
            if returned:
                return _merge(_walk(value, path, stop, depth + 1) for value in returned)
    return _Walk(((expr, path),))


def _walk_on(picked: list, rest: tuple, stop: bool, depth: int) -> _Walk:
    """Go on from the elements a selection picked, with the path left; when stopping, an element with
    nothing left to select is the answer."""
    if stop and not rest:
        return _Walk(tuple((element, ()) for element in picked))
    return _merge(_walk(element, rest, stop, depth + 1) for element in picked)


def _walk_name(name: nodes.Name, path: tuple, stop: bool, depth: int) -> _Walk:
    definitions = dataflow.definitions(name)
    if definitions:
        return _through(definitions, path, stop, depth)
    parameters = [b for b in bindings_of(name) if isinstance(b.parent, nodes.Arguments)]
    values = [value for parameter in parameters for value in callsites.parameter_values(parameter)]
    if values and len(parameters) == 1:
        walked = _merge(_walk(value, path, stop, depth + 1) for value in values)
        if path:
            return _Walk(walked.found, walked.targets, walked.holders + ((parameters[0], path),))
        return _Walk(walked.found, walked.targets + (parameters[0],), walked.holders)
    guessed = _unknown_container_elements(name, path[0]) if path else []
    if guessed:
        walked = _walk_on(guessed, path[1:], stop, depth)
        return _Walk(walked.found, walked.targets, walked.holders + tuple((p, path) for p in parameters[:1]))
    return _Walk(((name, path),))


def _unknown_container_elements(name: nodes.Name, selector: object) -> List[nodes.NodeNG]:
    """``model["embedded"]`` / ``ep.enc`` where nothing in the module says what ``model`` / ``ep`` is (a
    parameter only other modules pass): the element of the one kind of container the module builds with
    that key or field: the dicts one function of the module returns, or one record type's constructions."""
    module = name.root()
    if isinstance(selector, Attr):
        return records.field_arguments(module, selector.name)
    if isinstance(selector, str):
        builders = _returned_dict_entries(module).get(selector, {})
        return next(iter(builders.values())) if len(builders) == 1 else []
    return []


def _returned_dict_entries(module: nodes.Module) -> dict:
    """key -> {function: [values]} over the dicts the module's functions return."""

    def compute() -> dict:
        out: dict = {}
        for function in tree.module_nodes(module, nodes.FunctionDef):
            for returned in tree.returned_values(function):
                if isinstance(returned, (nodes.Dict, nodes.Name)) or dataflow.is_dict_call(returned):
                    for key, value in dataflow.dict_entries(returned, returned):
                        text = dataflow.key_text(key)
                        if isinstance(text, str):
                            out.setdefault(text, {}).setdefault(function, []).append(value)
        return out

    return module_cached("returned-dict-entries", module, compute, {})


def _walk_attribute(attribute: nodes.Attribute, path: tuple, stop: bool, depth: int) -> _Walk:
    """``self.x`` / ``model.x``: the class's assignments; ``ep.enc``: the field of the record ``ep`` holds,
    else any assignment of that attribute the module makes."""
    receiver = attribute.expr
    if tfapi.api_name(attribute) is not None:
        return _Walk(((attribute, path),))  # tf.float32, tf.nn.relu: an API, not a value to follow
    if method_class(receiver) is None:
        selector = Attr(attribute.attrname)
        walked = _walk(receiver, (selector,) + path, stop, depth + 1)
        resolved = tuple(origin for origin in walked.found if not _still_selects(origin, selector, path))
        if resolved:
            return _Walk(resolved, walked.targets, walked.holders)
    definitions = dataflow.definitions(attribute)
    if definitions:
        return _through(definitions, path, stop, depth)
    return _Walk(((attribute, path),))


def _through(definitions: list, path: tuple, stop: bool, depth: int) -> _Walk:
    """Follow every definition's value; a target holds the value itself when nothing is left to select."""
    walked = _merge(_walk(d.value, d.path + path, stop, depth + 1) for d in definitions)
    own = tuple(d.target for d in definitions)
    if path:
        return _Walk(walked.found, walked.targets, tuple((target, path) for target in own) + walked.holders)
    return _Walk(walked.found, own + walked.targets, walked.holders)


def _still_selects(origin: Origin, selector: Attr, path: tuple) -> bool:
    """Did the walk end without consuming ``selector`` (the origin still has it before ``path``)?"""
    rest = origin[1]
    wanted = (selector,) + path
    return len(rest) >= len(wanted) and rest[len(rest) - len(wanted):] == wanted


def _merge(walks) -> _Walk:
    found: list = []
    targets: list = []
    holders: list = []
    for walked in walks:
        found.extend(origin for origin in walked.found if origin not in found)
        targets.extend(target for target in walked.targets if target not in targets)
        holders.extend(holder for holder in walked.holders if holder not in holders)
        if len(found) >= MAX_ORIGINS:
            break
    return _Walk(tuple(found[:MAX_ORIGINS]), tuple(targets), tuple(holders))


def _is_generator(function: nodes.NodeNG) -> bool:
    return isinstance(function, nodes.FunctionDef) and function.is_generator()


# --- one selection step ---------------------------------------------------------------------------------


def _select(expr: nodes.NodeNG, path: tuple) -> Optional[List[Origin]]:
    """Where to go on when expr's own shape resolves the first selector(s) of path: each element with
    the path left; a ``zip`` / ``enumerate`` / ``list(...)`` hands the walk on to what it iterates."""
    selector = path[0]
    if selector is EACH and isinstance(expr, nodes.Call):
        if len(path) > 1:
            pair = _pair_source(expr, path[1])
            if pair is not None:
                return [(source, (EACH,) + path[2:]) if iterate else (source, path[2:]) for source, iterate in pair]
        func = expr.func
        if isinstance(func, nodes.Name) and func.name in _ITERATION_BUILTINS and len(expr.args) == 1:
            return [(expr.args[0], path)]
    found = _literal_select(expr, selector)
    return [(element, path[1:]) for element in found] if found is not None else None


def _literal_select(expr: nodes.NodeNG, selector: object) -> Optional[list]:
    """One selector applied to a container written out here (or a name filled in place in its function)."""
    if isinstance(expr, (nodes.Tuple, nodes.List)):
        return _sequence_select(expr.elts, selector)
    if isinstance(expr, (nodes.ListComp, nodes.GeneratorExp, nodes.SetComp)):
        return [expr.elt] if selector is EACH or _is_index(selector) else None
    if isinstance(expr, (nodes.Dict, nodes.DictComp)) or dataflow.is_dict_call(expr):
        return _dict_select(dataflow.dict_entries(expr), selector)
    if isinstance(expr, (nodes.Name, nodes.Attribute)):
        if selector is EACH or _is_index(selector):
            appended = dataflow.appended_values(expr, expr)
            if appended is not None:
                return _appended_select(appended, selector)
        if not isinstance(selector, Attr):
            entries = dataflow.dict_entries(expr, expr)
            if entries:
                return _dict_select(entries, selector)
        return None
    if isinstance(expr, nodes.Call):
        return _call_select(expr, selector)
    return None


def _call_select(call: nodes.Call, selector: object) -> Optional[list]:
    """A record constructor's field (``Endpoints(enc=...).enc``), or a value of ``d.values()``."""
    if isinstance(selector, Attr) or _is_index(selector):
        argument = records.record_argument(call, selector.name if isinstance(selector, Attr) else selector)
        return [argument] if argument is not None else None
    func = call.func
    if selector is EACH and isinstance(func, nodes.Attribute) and func.attrname in ("values", "keys") \
            and not call.args:
        entries = dataflow.dict_entries(func.expr)
        return [value if func.attrname == "values" else key for key, value in entries] or None
    return None


def _pair_source(call: nodes.Call, index: object) -> Optional[List[Tuple[nodes.NodeNG, bool]]]:
    """Part ``index`` of each item of ``zip(a, b)``, ``enumerate(xs)`` or ``d.items()``: (expression, whether
    each of its elements is meant) pairs; None for anything else."""
    if not _is_index(index):
        return None
    func = call.func
    if isinstance(func, nodes.Name) and func.name == "zip" and 0 <= index < len(call.args) \
            and not any(isinstance(arg, nodes.Starred) for arg in call.args):
        return [(call.args[index], True)]
    if isinstance(func, nodes.Name) and func.name == "enumerate" and index == 1 and call.args:
        return [(call.args[0], True)]
    if isinstance(func, nodes.Attribute) and func.attrname == "items" and not call.args and index in (0, 1):
        return [(entry[index], False) for entry in dataflow.dict_entries(func.expr)] or None
    return None


def _is_index(selector: object) -> bool:
    return isinstance(selector, int) and not isinstance(selector, bool)


def _sequence_select(elts: list, selector: object) -> Optional[list]:
    if any(isinstance(element, nodes.Starred) for element in elts):
        return None
    if selector is EACH:
        return list(elts)
    if _is_index(selector) and -len(elts) <= selector < len(elts):
        return [elts[selector]]
    return None


def _dict_select(entries: list, selector: object) -> Optional[list]:
    if selector is EACH:
        return [key for key, _ in entries] or None
    if isinstance(selector, Attr):
        return None
    return [value for key, value in entries if dataflow.key_text(key) == selector] or None


def _appended_select(appended: list, selector: object) -> Optional[list]:
    """Appends made in a loop each stand for every element they add: an index then selects any of them."""
    in_loop = any(tree.enclosing_loop(value) is not None for value in appended)
    if selector is EACH or in_loop:
        return appended or None
    return _sequence_select(appended, selector)
