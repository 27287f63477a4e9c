"""Which cell object an expression is, as far as weights go.

A cell builds its weights on its first call and keeps them, so two expressions share weights exactly when
they evaluate to one object. :func:`element` names that object without inference: a name through its
reaching assignments, aliases (``c2 = c1``) and cell wrappers (``DropoutWrapper(cell)`` stands for
``cell``), an attribute, a constant subscript, a wrapper around one of those; anything else is a new
object each time it runs. :mod:`pylint_rnn.core.celllists` builds on it to evaluate lists of cells.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

from astroid import nodes

from pylint_rnn.core import callargs, dataflow, tfapi, tree
from pylint_rnn.core.bindings import assigned_value, bindings_of

MAX_DEPTH = 6


@dataclass(frozen=True)
class Element:
    """One cell expression evaluated once: which object it is, as far as weights go."""

    key: tuple  # equal keys, same object
    label: str  # how the code names it here
    core: Optional[nodes.NodeNG]  # the sub-expression that names the object (None: a fresh object per run)
    stable: bool  # the key means the same object wherever it is evaluated in the frame
    ctor: Optional[nodes.Call] = None  # the constructor call (never a wrapper) that built it, for a fix
    base: str = ""  # the underlying cell's name when ``label`` is an alias or a wrapper of it

    @property
    def cell_label(self) -> str:
        return self.base or self.label

    @property
    def names_one_object(self) -> bool:
        """Does the key stand for one object, rather than a new one at each evaluation (``make_cell()``)?"""
        return self.core is not None or self.stable


def element(expr: nodes.NodeNG, depth: int = 0) -> Element:
    """Which object a cell expression is: a name (through aliases and wrappers), an attribute, a constant
    subscript, a wrapper around one of those; anything else is a new object each time it runs."""
    if isinstance(expr, nodes.Name):
        return _name_element(expr, expr.name, depth)
    if isinstance(expr, nodes.Attribute):
        dotted = tfapi.dotted_name(expr)
        if dotted and not _is_method_of_own_class(expr):
            return Element(("attr", id(expr.frame()), dotted), dotted, expr, False, _constructor_of(expr))
    if isinstance(expr, nodes.Subscript) and isinstance(expr.slice, nodes.Const):
        base = tfapi.dotted_name(expr.value)
        if base:
            key = ("sub", id(expr.frame()), base, repr(expr.slice.value))
            return Element(key, tree.short_text(expr), expr, False)
    if isinstance(expr, nodes.Call):
        inner = wrapped_cell(expr)
        if isinstance(inner, (nodes.Name, nodes.Attribute, nodes.Subscript)):
            wrapped = element(inner, depth + 1)
            # No constructor to suggest: rebuilding the cell alone would drop the wrapper.
            return Element(wrapped.key, wrapped.label, wrapped.core, wrapped.stable)
        return Element(("expr", id(expr)), tree.short_text(expr), None, False, expr if inner is None else None)
    return Element(("expr", id(expr)), tree.short_text(expr), None, False)


def _constructor_of(attr: nodes.Attribute) -> Optional[nodes.Call]:
    """The cell constructor ``self.cell`` is built by, when it is assigned once (for the fix's text)."""
    found = dataflow.definitions(attr)
    value = found[0].value if len(found) == 1 and not found[0].path else None
    if isinstance(value, nodes.Call) and tfapi.is_cell_class(tfapi.call_api(value)):
        return value
    return None


def _is_method_of_own_class(attr: nodes.Attribute) -> bool:
    """``self.new_cell`` where the class defines new_cell (a property may build a new cell per access)."""
    frame = attr.frame()
    if not (isinstance(attr.expr, nodes.Name) and isinstance(frame, nodes.FunctionDef)
            and isinstance(frame.parent, nodes.ClassDef)):
        return False
    return any(isinstance(n, nodes.FunctionDef) for n in frame.parent.locals.get(attr.attrname, ()))


def _name_element(name: nodes.Name, label: str, depth: int) -> Element:
    bindings = bindings_of(name)
    # astroid answers with the assignments that reach this use, so the key tells rebindings apart.
    own = Element(("name", name.name, tuple(sorted(id(b) for b in bindings)) or id(name.scope())),
                  label, name, len(bindings) == 1)
    if len(bindings) != 1 or depth > MAX_DEPTH or not isinstance(bindings[0], nodes.AssignName):
        return own
    value = assigned_value(bindings[0])
    if isinstance(value, nodes.Name):  # an alias: c2 = c1
        target = _name_element(value, value.name, depth + 1)
        return Element(target.key, label, name, target.stable, target.ctor, target.cell_label)
    if isinstance(value, nodes.Call):
        inner = wrapped_cell(value)
        if isinstance(inner, nodes.Name):  # drop = DropoutWrapper(cell): drop's weights are cell's
            target = _name_element(inner, inner.name, depth + 1)
            return Element(target.key, label, name, target.stable, None, target.cell_label)
        key = own.key
        assign = bindings[0].parent
        if isinstance(assign, nodes.Assign) and len(assign.targets) > 1:  # fw = bw = LSTMCell(n): one object
            key = ("value", id(value))
        return Element(key, label, name, own.stable, value if inner is None else None)
    return own


def wrapped_cell(call: nodes.Call) -> Optional[nodes.NodeNG]:
    """The cell a wrapper call wraps (``DropoutWrapper(cell, ...)`` -> ``cell``), else None."""
    if not tfapi.is_cell_wrapper(tfapi.call_api(call)):
        return None
    return callargs.call_argument(call, 0, "cell")


def not_a_cell(expr: nodes.NodeNG) -> bool:
    """Placeholders and callables, not cell objects: ``[None] * n`` filled later, ``[make_cell] * n``."""
    if isinstance(expr, (nodes.Const, nodes.Lambda, nodes.List, nodes.Tuple, nodes.Dict, nodes.JoinedStr)):
        return True
    if isinstance(expr, nodes.Name):
        bindings = bindings_of(expr)
        return bool(bindings) and all(isinstance(b, (nodes.FunctionDef, nodes.ClassDef, nodes.Import,
                                                      nodes.ImportFrom)) for b in bindings)
    return False


def display_label(elements: List[Element]) -> str:
    """``'cell'``, or ``'cell' (also as 'attended')`` when some occurrences are aliases or wrappers of it."""
    base = elements[0].cell_label
    others = []
    for found in elements:
        if found.label != base and found.label not in others:
            others.append(found.label)
    if not others:
        return f"'{base}'"
    return f"'{base}' (also as " + ", ".join(f"'{o}'" for o in others) + ")"
