"""rnn-same-cell-stacked: one cell object used for several layers, or for both directions.

``MultiRNNCell([cell] * 3)`` does not build three layers: it builds one cell object three times over. A cell
creates its weights the first time it is called and keeps them, so every layer runs on that one weight set
(or, when the input width differs from the cell width, the second layer's matrix multiply fails). The same
holds for ``StackedRNNCells``, Keras ``RNN([...])``, the per-layer lists of
``stack_bidirectional_dynamic_rnn``, and one cell passed as both the forward and the backward cell of a
bidirectional RNN.

The analysis is purely syntactic (no astroid inference): it evaluates the cell-list expression symbolically
into *entries* — which cell object (a key), how many times (a count), from which source expression (an
origin) — following list literals, ``*`` repetition, ``+`` concatenation, comprehensions over ``range``,
names and ``self`` attributes bound to lists and the ``append``/``extend``/``insert``/``+=`` calls that fill
them (with the loops around them). Whatever it cannot follow yields no entry, hence no message.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

from astroid import nodes
from astroid.const import Context
from pylint.checkers import BaseChecker

from pylint_rnn.checkers import CHECKER_NAME
from pylint_rnn.checkers._guard import never_crash
from pylint_rnn.core import tfapi
from pylint_rnn.core.bindings import assigned_value, bindings_of, single_binding
from pylint_rnn.core.cache import module_cached

MSG = "rnn-same-cell-stacked"

_MAX_DEPTH = 6
_LABEL_MAX = 40
_SUGGESTION_MAX = 50
_MUTATORS = ("append", "extend", "insert")
_REPLACERS = ("pop", "remove", "clear", "__setitem__", "__delitem__")
# Keras RNN(cell=...) accepts a list of cells and stacks them like StackedRNNCells.
_KERAS_RNN = "tf.keras.layers.RNN"
# stack_bidirectional_* take one list of cells per direction.
_STACK_BIDI = frozenset({
    "tf.contrib.rnn.stack_bidirectional_dynamic_rnn", "tf.contrib.rnn.stack_bidirectional_rnn",
})
_API_LAST_NAMES = frozenset({
    "MultiRNNCell", "StackedRNNCells", "RNN", "Bidirectional", "bidirectional_dynamic_rnn",
    "static_bidirectional_rnn", "bidirectional_rnn", "stack_bidirectional_dynamic_rnn", "stack_bidirectional_rnn",
})
_LOOKS_LIKE_OURS = re.compile(r"RNN|Rnn|rnn|Stack|Bidirectional|Cell")
_SCOPE_NODES = (nodes.FunctionDef, nodes.ClassDef, nodes.Lambda, nodes.ListComp, nodes.SetComp,
                nodes.DictComp, nodes.GeneratorExp)


# --- counts ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """How many times: a value when known, and the text the user wrote (``3``, ``num_layers``)."""

    value: Optional[int]
    text: str
    literal: bool = False

    @staticmethod
    def of(value: int) -> "Count":
        return Count(value, str(value), True)

    def more_than_one(self) -> bool:
        return self.value is None or self.value > 1

    def __mul__(self, other: "Count") -> "Count":
        if self.literal and self.value == 1:
            return other
        if other.literal and other.value == 1:
            return self
        if self.literal and other.literal:
            return Count.of(self.value * other.value)
        value = self.value * other.value if self.value is not None and other.value is not None else None
        return Count(value, f"{_paren(self.text)} * {_paren(other.text)}")

    def __add__(self, other: "Count") -> "Count":
        if self.literal and other.literal:
            return Count.of(self.value + other.value)
        value = self.value + other.value if self.value is not None and other.value is not None else None
        return Count(value, f"{self.text} + {other.text}")


ONE = Count.of(1)


def _paren(text: str) -> str:
    return f"({text})" if (" + " in text or " - " in text) else text


def _count_of(expr: nodes.NodeNG) -> Optional[Count]:
    """The count an expression stands for (``3``, ``num_layers``, ``len(sizes)``); None if not a count."""
    value = tfapi.literal_value(expr)
    if value is not tfapi.UNKNOWN:
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        return Count.of(value)
    if isinstance(expr, nodes.Name):
        binding = single_binding(expr)
        bound = assigned_value(binding) if isinstance(binding, nodes.AssignName) else None
        const = tfapi.literal_value(bound) if bound is not None else tfapi.UNKNOWN
        if isinstance(const, int) and not isinstance(const, bool):
            return Count(const, expr.name)
        return Count(None, expr.name)
    if isinstance(expr, (nodes.Attribute, nodes.Call, nodes.BinOp, nodes.Subscript)):
        return Count(None, expr.as_string())
    return None


def _loop_count(iterable: nodes.NodeNG) -> Optional[Count]:
    """How many times ``for _ in iterable`` runs, when it can be told: ``range(n)``, a literal list."""
    if isinstance(iterable, (nodes.List, nodes.Tuple)):
        if any(isinstance(e, nodes.Starred) for e in iterable.elts):
            return None
        return Count.of(len(iterable.elts))
    if not (isinstance(iterable, nodes.Call) and isinstance(iterable.func, nodes.Name)
            and iterable.func.name == "range" and not iterable.keywords):
        return None
    args = iterable.args
    if any(isinstance(a, nodes.Starred) for a in args):
        return None
    if len(args) == 1:
        return _count_of(args[0])
    if len(args) == 2:
        low, high = tfapi.literal_value(args[0]), tfapi.literal_value(args[1])
        if isinstance(low, int) and isinstance(high, int):
            return Count.of(max(high - low, 0))
        if isinstance(low, int) and low == 0:
            return _count_of(args[1])
        return Count(None, f"{args[1].as_string()} - {args[0].as_string()}")
    return None


def _short(expr: nodes.NodeNG) -> str:
    text = expr.as_string()
    return text if len(text) <= _LABEL_MAX else text[: _LABEL_MAX - 3] + "..."


# --- cell identity -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Element:
    """One cell expression evaluated once: which object it is, for weight-sharing purposes."""

    key: tuple
    label: str
    core: Optional[nodes.NodeNG]  # the sub-expression that names the object (None: a fresh object per run)
    stable: bool  # the key means the same object wherever it is evaluated in the frame
    ctor: Optional[nodes.Call] = None  # the call that built it, for the suggested fix
    base: str = ""  # the underlying cell's name when ``label`` is an alias or a wrapper of it

    @property
    def cell_label(self) -> str:
        return self.base or self.label


def _element(expr: nodes.NodeNG, depth: int = 0) -> Element:
    if isinstance(expr, nodes.Name):
        return _name_element(expr, expr.name, depth)
    if isinstance(expr, nodes.Attribute):
        dotted = tfapi.dotted_name(expr)
        if dotted and not _is_method_of_own_class(expr):
            return Element(("attr", id(expr.frame()), dotted), dotted, expr, False)
    if isinstance(expr, nodes.Subscript) and isinstance(expr.slice, nodes.Const):
        base = tfapi.dotted_name(expr.value)
        if base:
            return Element(("sub", id(expr.frame()), base, repr(expr.slice.value)), _short(expr), expr, False)
    if isinstance(expr, nodes.Call):
        inner = _wrapped_cell(expr)
        if inner is not None and isinstance(inner, (nodes.Name, nodes.Attribute, nodes.Subscript)):
            element = _element(inner, depth + 1)
            return Element(element.key, element.label, element.core, element.stable, None)
        return Element(("expr", id(expr)), _short(expr), None, False, expr)
    return Element(("expr", id(expr)), _short(expr), None, False)


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
    if len(bindings) != 1 or depth > _MAX_DEPTH or not isinstance(bindings[0], nodes.AssignName):
        return own
    value = assigned_value(bindings[0])
    if isinstance(value, nodes.Name):  # an alias: c2 = c1
        target = _name_element(value, label, depth + 1)
        return Element(target.key, label, name, target.stable, target.ctor, target.cell_label)
    if isinstance(value, nodes.Call):
        inner = _wrapped_cell(value)
        if isinstance(inner, nodes.Name):  # drop = DropoutWrapper(cell): drop's weights are cell's
            target = _name_element(inner, inner.name, depth + 1)
            return Element(target.key, label, name, target.stable, None, target.cell_label)
        return Element(own.key, label, name, own.stable, value)
    return own


def _wrapped_cell(call: nodes.Call) -> Optional[nodes.NodeNG]:
    """The cell a wrapper call wraps (``DropoutWrapper(cell, ...)`` -> ``cell``), else None."""
    if not tfapi.is_cell_wrapper(tfapi.call_api(call)):
        return None
    return tfapi.call_argument(call, 0, "cell")


# --- entries: a cell list evaluated symbolically -----------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    element: Element
    count: Count
    origin: int  # id of the expression or mutation that put it in the list
    stable: bool  # may be added to entries of other origins with the same key


@dataclass
class CellList:
    entries: List[Entry]
    identities: frozenset  # keys of the list objects themselves (a name bound to one list)


def _cell_list(expr: Optional[nodes.NodeNG], at: nodes.NodeNG, depth: int = 0,
               origin: Optional[int] = None) -> Optional[CellList]:
    """The cells a list expression holds, as far as can be told; None when it is not a known list.

    ``origin`` identifies one evaluation: the parts of one expression (``[c] + [c] * 2``) share it.
    """
    if expr is None or depth > _MAX_DEPTH:
        return None
    origin = origin if origin is not None else id(expr)
    if isinstance(expr, (nodes.List, nodes.Tuple)):
        entries = []
        for elt in expr.elts:
            if isinstance(elt, nodes.Starred):
                sub = _cell_list(elt.value, at, depth + 1, origin)
                if sub is not None:
                    entries.extend(sub.entries)
                continue
            if _not_a_cell(elt):
                continue
            element = _element(elt)
            entries.append(Entry(element, ONE, origin, element.stable))
        return CellList(entries, frozenset())
    if isinstance(expr, nodes.BinOp) and expr.op == "*":
        for seq, times in ((expr.left, expr.right), (expr.right, expr.left)):
            if isinstance(seq, (nodes.List, nodes.Tuple, nodes.Name, nodes.Attribute, nodes.BinOp)):
                sub = _cell_list(seq, at, depth + 1, origin)
                count = _count_of(times)
                if sub is not None and count is not None:
                    # One evaluation of the list, repeated: the same objects n times.
                    return CellList([Entry(e.element, e.count * count, e.origin, e.stable) for e in sub.entries],
                                    sub.identities)
        return None
    if isinstance(expr, nodes.BinOp) and expr.op == "+":
        left = _cell_list(expr.left, at, depth + 1, origin)
        right = _cell_list(expr.right, at, depth + 1, origin)
        if left is None and right is None:
            return None
        entries = (left.entries if left else []) + (right.entries if right else [])
        return CellList(entries, frozenset())
    if isinstance(expr, (nodes.ListComp, nodes.GeneratorExp)):
        return _comprehension(expr, origin)
    if (isinstance(expr, nodes.Call) and isinstance(expr.func, nodes.Name) and expr.func.name in ("list", "tuple")
            and len(expr.args) == 1 and not expr.keywords):
        return _cell_list(expr.args[0], at, depth + 1, origin)
    if isinstance(expr, nodes.Name):
        return _named_list(expr, at, depth)
    if isinstance(expr, nodes.Attribute):
        return _attribute_list(expr, at, depth)
    return None


def _not_a_cell(expr: nodes.NodeNG) -> bool:
    """Placeholders and callables, not cell objects: ``[None] * n`` filled later, ``[make_cell] * n``."""
    if isinstance(expr, (nodes.Const, nodes.Lambda, nodes.List, nodes.Tuple, nodes.Dict, nodes.JoinedStr)):
        return True
    if isinstance(expr, nodes.Name):
        bindings = bindings_of(expr)
        return bool(bindings) and all(isinstance(b, (nodes.FunctionDef, nodes.ClassDef, nodes.Import,
                                                      nodes.ImportFrom)) for b in bindings)
    return False


def _comprehension(comp: nodes.NodeNG, origin: int) -> Optional[CellList]:
    count = ONE
    bound = set()
    for generator in comp.generators:
        if generator.ifs or generator.is_async:
            return None
        loop = _loop_count(generator.iter)
        if loop is None:
            return None
        count = count * loop
        bound.update(n.name for n in generator.target.nodes_of_class(nodes.AssignName))
    if _not_a_cell(comp.elt):
        return CellList([], frozenset())
    element = _element(comp.elt)
    if element.core is None:
        return CellList([], frozenset())  # a new object per iteration: make_cell(), LSTMCell(n)
    used = {n.name for n in _names_in(element.core)}
    if used & bound or _has_walrus(comp.elt):
        return CellList([], frozenset())
    return CellList([Entry(element, count, origin, element.stable)], frozenset())


def _names_in(expr: nodes.NodeNG):
    if isinstance(expr, nodes.Name):
        yield expr
    for child in expr.get_children():
        yield from _names_in(child)


def _has_walrus(expr: nodes.NodeNG) -> bool:
    return any(True for _ in expr.nodes_of_class(nodes.NamedExpr))


def _named_list(name: nodes.Name, at: nodes.NodeNG, depth: int) -> Optional[CellList]:
    bindings = bindings_of(name)
    assigns = [b for b in bindings if isinstance(b, nodes.AssignName) and assigned_value(b) is not None]
    augs = [b for b in bindings if isinstance(b, nodes.AssignName) and isinstance(b.parent, nodes.AugAssign)]
    if len(assigns) != 1 or len(assigns) + len(augs) != len(bindings):
        return None
    binding = assigns[0]
    base = _cell_list(assigned_value(binding), binding, depth + 1)
    if base is None:
        return None
    frame = binding.frame()

    def same_list(receiver: nodes.NodeNG) -> bool:
        if not (isinstance(receiver, nodes.Name) and receiver.name == name.name):
            return False
        found = bindings_of(receiver)
        return binding in found

    mutations = _mutations(frame, same_list, name.name)
    if mutations is None:
        return None
    entries = list(base.entries)
    statement = binding.statement()
    for mutation in mutations:
        if at.frame() is frame and not _before(mutation, at):
            continue
        if at.frame() is frame and _common_loop_holds(mutation, at, statement):
            return None
        added = _mutation_entries(mutation, statement, depth)
        if added is None:
            continue
        entries.extend(added)
    return CellList(entries, base.identities | {("list", id(binding))})


def _attribute_list(attr: nodes.Attribute, at: nodes.NodeNG, depth: int) -> Optional[CellList]:
    """``self.cells`` built in one method of the enclosing class (assigned once, filled there)."""
    if not isinstance(attr.expr, nodes.Name):
        return None
    frame = attr.frame()
    if not isinstance(frame, nodes.FunctionDef) or not isinstance(frame.parent, nodes.ClassDef):
        return None
    params = frame.args.args or []
    receiver = attr.expr.name
    if not params or params[0].name != receiver:
        return None
    klass = frame.parent
    assigns = []
    for method in klass.mymethods():
        for assign_attr in method.nodes_of_class(nodes.AssignAttr):
            if assign_attr.attrname == attr.attrname and isinstance(assign_attr.expr, nodes.Name):
                assigns.append(assign_attr)
    if len(assigns) != 1:
        return None
    binding = assigns[0]
    value = assigned_value(binding)
    if value is None:
        return None
    base = _cell_list(value, binding, depth + 1)
    if base is None:
        return None
    home = binding.frame()
    self_name = binding.expr.name

    def same_list(node: nodes.NodeNG) -> bool:
        return (isinstance(node, (nodes.Attribute, nodes.AssignAttr)) and node.attrname == attr.attrname
                and isinstance(node.expr, nodes.Name) and node.expr.name in (self_name, receiver))

    # Mutations anywhere in the class: only those in the method that builds the list are understood.
    for method in klass.mymethods():
        if method is home:
            continue
        if _mutations(method, same_list, None) != []:
            return None
    mutations = _mutations(home, same_list, None)
    if mutations is None:
        return None
    entries = list(base.entries)
    statement = binding.statement()
    for mutation in mutations:
        if at.frame() is home and not _before(mutation, at):
            continue
        added = _mutation_entries(mutation, statement, depth)
        if added is not None:
            entries.extend(added)
    return CellList(entries, base.identities | {("attrlist", id(klass), attr.attrname)})


def _before(node: nodes.NodeNG, at: nodes.NodeNG) -> bool:
    return (node.lineno or 0) < (at.lineno or 0)


def _frame_nodes(frame: nodes.NodeNG, klass):
    """Nodes of ``klass`` in frame's own body (not in nested functions, classes or lambdas)."""
    body = frame.body if isinstance(frame.body, list) else [frame.body]
    for statement in body:
        yield from statement.nodes_of_class(klass, skip_klass=(nodes.FunctionDef, nodes.ClassDef, nodes.Lambda))


def _mutations(frame: nodes.NodeNG, same_list, name: Optional[str]) -> Optional[list]:
    """append/extend/insert calls and ``+=`` on the list in ``frame`` (its own body only).

    None when the list is also changed in a way that replaces or removes items (``cells[i] = ...``,
    ``del cells[i]``, ``pop``, ``remove``, ``clear``): its final content is then not known.
    """
    found = []
    for node in _frame_nodes(frame, (nodes.Call, nodes.AugAssign, nodes.Subscript)):
        if isinstance(node, nodes.Call):
            func = node.func
            if isinstance(func, nodes.Attribute) and same_list(func.expr):
                if func.attrname in _MUTATORS:
                    found.append(node)
                elif func.attrname in _REPLACERS:
                    return None
        elif isinstance(node, nodes.Subscript):
            if node.ctx in (Context.Store, Context.Del) and same_list(node.value):
                return None
        elif node.op == "+=":
            target = node.target
            if isinstance(target, nodes.AssignName):
                if name is not None and target.name == name:
                    found.append(node)
            elif same_list(target):
                found.append(node)
    return found


def _mutation_entries(mutation: nodes.NodeNG, list_statement: nodes.NodeNG, depth: int) -> Optional[List[Entry]]:
    if isinstance(mutation, nodes.AugAssign):
        sub = _cell_list(mutation.value, mutation, depth + 1)
        written = mutation.value
        items = [(e.element, e.count) for e in sub.entries] if sub else None
    else:
        attr = mutation.func.attrname
        if attr == "append" and len(mutation.args) == 1 and not mutation.keywords:
            written = mutation.args[0]
            items = [] if _not_a_cell(written) else [(_element(written), ONE)]
        elif attr == "insert" and len(mutation.args) == 2 and not mutation.keywords:
            written = mutation.args[1]
            items = [] if _not_a_cell(written) else [(_element(written), ONE)]
        elif attr == "extend" and len(mutation.args) == 1 and not mutation.keywords:
            written = mutation.args[0]
            sub = _cell_list(written, mutation, depth + 1)
            items = [(e.element, e.count) for e in sub.entries] if sub else None
        else:
            return None
    if items is None:
        return None
    entries = []
    for element, count in items:
        repeated, stable = _repetition(mutation, list_statement, element, written)
        entries.append(Entry(element, count * repeated, id(mutation), stable and element.stable))
    return entries


def _repetition(mutation: nodes.NodeNG, list_statement: nodes.NodeNG, element: Element,
                written: nodes.NodeNG) -> Tuple[Count, bool]:
    """How many times the loops around ``mutation`` add the same object; and whether it is unconditional."""
    count = ONE
    stable = True
    multiplying = True
    conditions: List[nodes.NodeNG] = []
    child = mutation
    node = mutation.parent
    while node is not None and not _contains(node, list_statement) and not isinstance(node, _SCOPE_NODES):
        if isinstance(node, (nodes.If, nodes.ExceptHandler, nodes.Match, nodes.IfExp, nodes.BoolOp)):
            stable = False
            if isinstance(node, nodes.If) and child in node.body + node.orelse:
                conditions.append(node.test)
            elif not isinstance(node, (nodes.BoolOp, nodes.IfExp)):
                multiplying = False
        elif isinstance(node, nodes.Try) and child not in node.body:
            stable = False
            multiplying = False
        elif isinstance(node, (nodes.For, nodes.While)) and child not in getattr(node, "orelse", []):
            stable = False  # counted here, never added to entries of other statements
            if multiplying:
                assigned = _assigned_in_loop(node)
                core = element.core
                invariant = core is not None and _invariant(core if _contains(node, core) else written, assigned)
                conditional = any(_names(c) & assigned[0] for c in conditions)
                loop = _loop_count(node.iter) if isinstance(node, nodes.For) else None
                if not invariant or conditional or loop is None or _breaks(node):
                    multiplying = False
                else:
                    count = count * loop
        child = node
        node = node.parent
    return count, stable


def _contains(ancestor: nodes.NodeNG, node: nodes.NodeNG) -> bool:
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False


def _common_loop_holds(mutation: nodes.NodeNG, at: nodes.NodeNG, list_statement: nodes.NodeNG) -> bool:
    """The stacking call runs inside a loop that also fills the list: the list grows between calls."""
    node = at.parent
    while node is not None and not isinstance(node, _SCOPE_NODES):
        if isinstance(node, (nodes.For, nodes.While)) and _contains(node, mutation) \
                and not _contains(node, list_statement):
            return True
        node = node.parent
    return False


def _assigned_in_loop(loop: nodes.NodeNG) -> Tuple[frozenset, frozenset]:
    """(names, attribute names) a loop (target and body) assigns."""

    def compute():
        names, attrs = set(), set()
        skip = (nodes.FunctionDef, nodes.ClassDef, nodes.Lambda)
        parts = [loop.target] if isinstance(loop, nodes.For) else []
        parts += list(loop.body)
        for part in parts:
            for node in part.nodes_of_class((nodes.AssignName, nodes.AssignAttr, nodes.DelName), skip_klass=skip):
                if isinstance(node, nodes.AssignAttr):
                    attrs.add(node.attrname)
                else:
                    names.add(node.name)
        return frozenset(names), frozenset(attrs)

    return module_cached("stacking-loop-assigned", loop, compute, (frozenset(), frozenset()))


def _names(expr: nodes.NodeNG) -> set:
    return {n.name for n in _names_in(expr)}


def _invariant(expr: nodes.NodeNG, assigned: Tuple[frozenset, frozenset]) -> bool:
    names, attrs = assigned
    if _names(expr) & names:
        return False
    for node in [expr, *expr.nodes_of_class(nodes.Attribute)]:
        if isinstance(node, nodes.Attribute) and node.attrname in attrs:
            return False
    return not _has_walrus(expr)


def _breaks(loop: nodes.NodeNG) -> bool:
    skip = (nodes.For, nodes.While, nodes.FunctionDef, nodes.ClassDef, nodes.Lambda)
    for statement in loop.body:
        if isinstance(statement, (nodes.Break, nodes.Continue)):
            return True
        for _ in statement.nodes_of_class((nodes.Break, nodes.Continue), skip_klass=skip):
            return True
    return False


# --- findings ----------------------------------------------------------------------------------------------


def display_label(elements: List[Element]) -> str:
    """``'cell'``, or ``'cell' (also as 'attended')`` when some occurrences are aliases or wrappers of it."""
    base = elements[0].cell_label
    others = []
    for element in elements:
        if element.label != base and element.label not in others:
            others.append(element.label)
    if not others:
        return f"'{base}'"
    return f"'{base}' (also as " + ", ".join(f"'{o}'" for o in others) + ")"


def duplicated(cells: CellList) -> List[Tuple[str, Element, Count]]:
    """Cells that occur more than once in the list (display label, element, how often); first occurrence order."""
    groups = {}
    for entry in cells.entries:
        groups.setdefault(entry.element.key, []).append(entry)
    found = []
    for group in groups.values():
        by_origin = {}
        for entry in group:
            previous = by_origin.get(entry.origin)
            by_origin[entry.origin] = entry.count if previous is None else previous + entry.count
        if len(by_origin) > 1 and all(e.stable for e in group):
            total = functools.reduce(lambda a, b: a + b, by_origin.values())
            if total.more_than_one():
                found.append((display_label([e.element for e in group]), group[0].element, total))
            continue
        for origin, total in by_origin.items():
            if total.more_than_one():
                members = [e.element for e in group if e.origin == origin]
                found.append((display_label(members), members[0], total))
                break
    return found


def _suggestion(element: Element) -> str:
    ctor = element.ctor
    if ctor is not None and _wrapped_cell(ctor) is None:
        text = ctor.as_string()
        if len(text) <= _SUGGESTION_MAX:
            return text
    return "make_cell()"


def _short_api(api: str) -> str:
    return api.rsplit(".", 1)[-1]


def _direction_keys(expr: Optional[nodes.NodeNG], at: nodes.NodeNG, depth: int = 0) -> dict:
    """{key: [Element, ...] or list name} of the objects whose weights a bidirectional argument uses.

    A cell maps to the elements naming it; a list that a stack holds maps to the list's source text.
    """
    if expr is None or depth > _MAX_DEPTH:
        return {}
    keys = {}
    value = expr
    if isinstance(expr, (nodes.Name, nodes.Attribute, nodes.Subscript)):
        element = _element(expr)
        keys[element.key] = [element]
        if isinstance(expr, nodes.Name):
            binding = single_binding(expr)
            value = assigned_value(binding) if isinstance(binding, nodes.AssignName) else None
    if isinstance(value, nodes.Call):
        api = tfapi.call_api(value)
        if tfapi.is_cell_wrapper(api):
            for key, found in _direction_keys(_wrapped_cell(value), at, depth + 1).items():
                keys.setdefault(key, found)
        elif tfapi.is_cell_stack(api) or api == _KERAS_RNN:
            arg = tfapi.call_argument(value, 0, "cells" if api != _KERAS_RNN else "cell")
            cells = _cell_list(arg, value)
            if cells is not None:
                keys.update({key: _short(arg) for key in cells.identities})
                for entry in cells.entries:
                    if entry.element.core is not None or entry.element.stable:
                        keys.setdefault(entry.element.key, [entry.element])
    return keys


class StackingChecker(BaseChecker):
    """One cell object stacked as several layers, or used for both directions of a bidirectional RNN."""

    name = CHECKER_NAME
    msgs = {
        "W7905": (
            "%s",
            MSG,
            "One cell object is used for several layers of a MultiRNNCell, StackedRNNCells, Keras RNN([...]) "
            "or stack_bidirectional_dynamic_rnn (``[cell] * n``, ``[cell for _ in range(n)]``, ``[c, c]``, "
            "``[LSTMCell(k)] * n`` which calls LSTMCell once, a wrapper around one cell built n times, a list "
            "filled in a loop with a cell built before the loop), or as both the forward and the backward cell "
            "of a bidirectional RNN. A cell builds its weights on its first call and keeps them: with "
            "tf.compat.v1 and Keras the layers silently share one weight set when the input width equals the "
            "cell width and fail with a MatMul shape error otherwise (both directions of a bidirectional RNN "
            "always share silently); TF 1.0/1.1 raised a reuse error; Keras "
            "Bidirectional rejects one layer passed as both directions. Build one cell per layer "
            "(``[make_cell() for _ in range(n)]``) and one cell per direction.",
        ),
    }

    @never_crash
    def visit_call(self, node: nodes.Call) -> None:
        func = node.func
        if isinstance(func, nodes.Attribute):
            # Cheap first: an attribute call can only be one of ours (or a project class subclassing one)
            # by its last name; most calls (self.f(...), np.zeros(...)) end here without any lookup.
            if func.attrname not in _API_LAST_NAMES and not _LOOKS_LIKE_OURS.search(func.attrname):
                return
        elif not isinstance(func, nodes.Name):
            return
        api = tfapi.call_api(node)
        if not api:
            return
        if tfapi.is_cell_stack(api):
            self._check_stack(node, tfapi.call_argument(node, 0, "cells"), _short_api(api))
        elif api == _KERAS_RNN:
            self._check_stack(node, tfapi.call_argument(node, 0, "cell"), "RNN")
        elif api in tfapi.RNN_SIGNATURES and tfapi.RNN_SIGNATURES[api].bidirectional \
                and not tfapi.RNN_SIGNATURES[api].cell_lists:
            self._check_directions(node, api, "cell_fw", "cell_bw")
        elif api in _STACK_BIDI:
            self._check_stack(node, tfapi.call_argument(node, 0, "cells_fw"), _short_api(api))
            self._check_stack(node, tfapi.call_argument(node, 1, "cells_bw"), _short_api(api))
            self._check_stacked_directions(node, api)
        elif api == tfapi.KERAS_BIDIRECTIONAL:
            self._check_keras_bidirectional(node)

    def _check_stack(self, call: nodes.Call, arg: Optional[nodes.NodeNG], where: str) -> None:
        if arg is None:
            return
        cells = _cell_list(arg, call)
        if cells is None:
            return
        for label, element, count in duplicated(cells):
            times = count.text
            self.add_message(
                MSG, node=call,
                args=(f"cell {label} is stacked {times} times in {where}: the {times} layers share one "
                      f"set of weights; build one cell per layer, e.g. "
                      f"[{_suggestion(element)} for _ in range({times})]",),
            )

    def _check_directions(self, call: nodes.Call, api: str, fw_kw: str, bw_kw: str) -> None:
        forward = _direction_keys(tfapi.call_argument(call, 0, fw_kw), call)
        backward = _direction_keys(tfapi.call_argument(call, 1, bw_kw), call)
        shared = [key for key in forward if key in backward]
        if not shared:
            return
        first = shared[0]
        if isinstance(forward[first], str):
            what = f"the cells of '{forward[first]}' are in"
        else:
            what = f"cell {display_label(forward[first] + backward[first])} is"
        self.add_message(
            MSG, node=call,
            args=(f"{what} both the forward and the backward cell of {_short_api(api)}: both "
                  f"directions share one set of weights; build a separate cell for each direction",),
        )

    def _check_stacked_directions(self, call: nodes.Call, api: str) -> None:
        fw_arg = tfapi.call_argument(call, 0, "cells_fw")
        bw_arg = tfapi.call_argument(call, 1, "cells_bw")
        if fw_arg is None or bw_arg is None:
            return
        where = _short_api(api)
        forward = _cell_list(fw_arg, call)
        backward = _cell_list(bw_arg, call)
        same_list = (isinstance(fw_arg, nodes.Name) and isinstance(bw_arg, nodes.Name) and fw_arg.name == bw_arg.name
                     and bindings_of(fw_arg) == bindings_of(bw_arg)) or (
            forward is not None and backward is not None and forward.identities & backward.identities)
        if same_list:
            self.add_message(
                MSG, node=call,
                args=(f"the cells of '{fw_arg.as_string()}' are both the forward and the backward cells of {where}: "
                      f"both directions share one set of weights; build a separate list of cells for each "
                      f"direction",),
            )
            return
        if forward is None or backward is None:
            return
        backward_keys = {e.element.key for e in backward.entries if e.element.core is not None or e.element.stable}
        for entry in forward.entries:
            element = entry.element
            if (element.core is not None or element.stable) and element.key in backward_keys:
                self.add_message(
                    MSG, node=call,
                    args=(f"cell '{element.label}' is both a forward and a backward cell of {where}: both "
                          f"directions share one set of weights; build a separate cell for each direction",),
                )
                return

    def _check_keras_bidirectional(self, call: nodes.Call) -> None:
        layer = tfapi.call_argument(call, 0, "layer")
        backward = tfapi.call_argument(call, 3, "backward_layer")
        if layer is None or backward is None:
            return
        if not isinstance(layer, (nodes.Name, nodes.Attribute)) or not isinstance(backward, (nodes.Name, nodes.Attribute)):
            return
        first, second = _element(layer), _element(backward)
        if first.key != second.key:
            return
        self.add_message(
            MSG, node=call,
            args=(f"layer '{first.label}' is both the forward and the backward layer of Bidirectional: Keras "
                  f"copies the forward layer, then rejects the pair with a ValueError (same go_backwards); "
                  f"leave out backward_layer, or pass a separate layer built with go_backwards=True",),
        )


CHECKERS = (StackingChecker,)
