"""Which cell objects a list of cells holds, and how often.

A cell builds its weights on its first call and keeps them, so what the layers of a stack (``MultiRNNCell``,
``StackedRNNCells``, Keras ``RNN([...])``, the lists of ``stack_bidirectional_*``) share is decided by which
*objects* its list holds. This module evaluates a list expression symbolically into entries: which cell
object (an :class:`Element`), how many times (a :class:`~pylint_rnn.core.counts.Count`), put there by which
expression or mutation (an origin). It follows list literals, ``*`` repetition, ``+`` concatenation, starred
items, ``list()`` / ``tuple()``, comprehensions over ``range``, names and ``self`` attributes bound to lists,
and the ``append`` / ``extend`` / ``insert`` / ``+=`` calls that fill them, with the loops around them.
Aliases (``c2 = c1``) and cell wrappers (``DropoutWrapper(cell)``) stand for the cell they name.

Purely syntactic (no astroid inference): whatever it cannot follow gives no entry or no list.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

from astroid import nodes
from astroid.const import Context

from pylint_rnn.core import tfapi, tree
from pylint_rnn.core.bindings import assigned_value, bindings_of, method_class, single_binding
from pylint_rnn.core.cache import module_cached
from pylint_rnn.core.counts import ONE, Count, count_of, loop_count

MAX_DEPTH = 6
_MUTATORS = ("append", "extend", "insert")
_REPLACERS = ("pop", "remove", "clear", "__setitem__", "__delitem__")
# Where the walk up from a mutation stops: bodies that run at another time (functions, classes, lambdas)
# or once per item (comprehensions).
_OTHER_RUNS = tree.NESTED_SCOPES + tree.COMPREHENSIONS


# --- cell identity -----------------------------------------------------------------------------------------


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
            return Element(("attr", id(expr.frame()), dotted), dotted, expr, False)
    if isinstance(expr, nodes.Subscript) and isinstance(expr.slice, nodes.Const):
        base = tfapi.dotted_name(expr.value)
        if base:
            key = ("sub", id(expr.frame()), base, repr(expr.slice.value))
            return Element(key, tree.short_text(expr), expr, False)
    if isinstance(expr, nodes.Call):
        inner = _wrapped_cell(expr)
        if isinstance(inner, (nodes.Name, nodes.Attribute, nodes.Subscript)):
            wrapped = element(inner, depth + 1)
            # No constructor to suggest: rebuilding the cell alone would drop the wrapper.
            return Element(wrapped.key, wrapped.label, wrapped.core, wrapped.stable)
        return Element(("expr", id(expr)), tree.short_text(expr), None, False, expr if inner is None else None)
    return Element(("expr", id(expr)), tree.short_text(expr), None, False)


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
        inner = _wrapped_cell(value)
        if isinstance(inner, nodes.Name):  # drop = DropoutWrapper(cell): drop's weights are cell's
            target = _name_element(inner, inner.name, depth + 1)
            return Element(target.key, label, name, target.stable, None, target.cell_label)
        return Element(own.key, label, name, own.stable, value if inner is None else None)
    return own


def _wrapped_cell(call: nodes.Call) -> Optional[nodes.NodeNG]:
    """The cell a wrapper call wraps (``DropoutWrapper(cell, ...)`` -> ``cell``), else None."""
    if not tfapi.is_cell_wrapper(tfapi.call_api(call)):
        return None
    return tfapi.call_argument(call, 0, "cell")


def _not_a_cell(expr: nodes.NodeNG) -> bool:
    """Placeholders and callables, not cell objects: ``[None] * n`` filled later, ``[make_cell] * n``."""
    if isinstance(expr, (nodes.Const, nodes.Lambda, nodes.List, nodes.Tuple, nodes.Dict, nodes.JoinedStr)):
        return True
    if isinstance(expr, nodes.Name):
        bindings = bindings_of(expr)
        return bool(bindings) and all(isinstance(b, (nodes.FunctionDef, nodes.ClassDef, nodes.Import,
                                                      nodes.ImportFrom)) for b in bindings)
    return False


# --- a list of cells, evaluated symbolically -----------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """Cells of one object that one expression or mutation puts in the list."""

    element: Element
    count: Count
    origin: int  # id of the expression or mutation that put it in the list
    stable: bool  # may be added to entries of other origins with the same key


@dataclass(frozen=True)
class CellList:
    """What a list of cells holds, entry by entry, and which list objects it is."""

    entries: Tuple[Entry, ...]
    identities: frozenset = frozenset()  # keys of the list objects themselves (a name bound to one list)


def cell_list(expr: Optional[nodes.NodeNG], at: nodes.NodeNG, depth: int = 0,
              origin: Optional[int] = None) -> Optional[CellList]:
    """The cells the list ``expr`` holds when ``at`` runs, as far as can be told; None when it is not a
    known list. ``origin`` names one evaluation: the parts of one expression (``[c] + [c] * 2``) share it."""
    if expr is None or depth > MAX_DEPTH:
        return None
    origin = origin if origin is not None else id(expr)
    if isinstance(expr, (nodes.List, nodes.Tuple)):
        return _literal(expr, at, depth, origin)
    if isinstance(expr, nodes.BinOp) and expr.op == "*":
        return _repeated(expr, at, depth, origin)
    if isinstance(expr, nodes.BinOp) and expr.op == "+":
        return _concatenated(expr, at, depth, origin)
    if isinstance(expr, (nodes.ListComp, nodes.GeneratorExp)):
        return _comprehension(expr, origin)
    if (isinstance(expr, nodes.Call) and isinstance(expr.func, nodes.Name) and expr.func.name in ("list", "tuple")
            and len(expr.args) == 1 and not expr.keywords):
        return cell_list(expr.args[0], at, depth + 1, origin)
    if isinstance(expr, nodes.Name):
        return _named_list(expr, at, depth)
    if isinstance(expr, nodes.Attribute):
        return _attribute_list(expr, at, depth)
    return None


def _literal(expr: nodes.NodeNG, at: nodes.NodeNG, depth: int, origin: int) -> CellList:
    """``[a, b, *more]``: each cell once; placeholders and callables are no cells."""
    entries: List[Entry] = []
    for elt in expr.elts:
        if isinstance(elt, nodes.Starred):
            entries.extend(_entries(cell_list(elt.value, at, depth + 1, origin)))
        elif not _not_a_cell(elt):
            found = element(elt)
            entries.append(Entry(found, ONE, origin, found.stable))
    return CellList(tuple(entries))


def _concatenated(expr: nodes.BinOp, at: nodes.NodeNG, depth: int, origin: int) -> Optional[CellList]:
    """``a + b``: what either side is known to hold."""
    left = cell_list(expr.left, at, depth + 1, origin)
    right = cell_list(expr.right, at, depth + 1, origin)
    if left is None and right is None:
        return None
    return CellList(_entries(left) + _entries(right))


def _entries(cells: Optional[CellList]) -> Tuple[Entry, ...]:
    return cells.entries if cells is not None else ()


def _repeated(expr: nodes.BinOp, at: nodes.NodeNG, depth: int, origin: int) -> Optional[CellList]:
    """``[c] * n`` / ``n * cells``: one evaluation of the list, repeated: the same objects n times."""
    for sequence, times in ((expr.left, expr.right), (expr.right, expr.left)):
        if isinstance(sequence, (nodes.List, nodes.Tuple, nodes.Name, nodes.Attribute, nodes.BinOp)):
            sub = cell_list(sequence, at, depth + 1, origin)
            count = count_of(times)
            if sub is not None and count is not None:
                entries = tuple(Entry(e.element, e.count * count, e.origin, e.stable) for e in sub.entries)
                return CellList(entries, sub.identities)
    return None


def _comprehension(comp: nodes.NodeNG, origin: int) -> Optional[CellList]:
    """``[c for _ in range(n)]``: the same object n times, unless the element depends on the loop."""
    count = ONE
    bound = set()
    for generator in comp.generators:
        if generator.ifs or generator.is_async:
            return None
        loop = loop_count(generator.iter)
        if loop is None:
            return None
        count = count * loop
        bound.update(n.name for n in generator.target.nodes_of_class(nodes.AssignName))
    if _not_a_cell(comp.elt):
        return CellList(())
    found = element(comp.elt)
    if found.core is None:
        return CellList(())  # a new object per iteration: make_cell(), LSTMCell(n)
    if _names(found.core) & bound or _has_walrus(comp.elt):
        return CellList(())
    return CellList((Entry(found, count, origin, found.stable),))


def _names(expr: nodes.NodeNG) -> set:
    return {n.name for n in tree.names_in(expr)}


def _has_walrus(expr: nodes.NodeNG) -> bool:
    return any(True for _ in expr.nodes_of_class(nodes.NamedExpr))


# --- lists bound to a name or a self attribute, and filled afterwards ----------------------------------

IsTheList = Callable[[nodes.NodeNG], bool]  # does this receiver (or += target) stand for the list?


def _named_list(name: nodes.Name, at: nodes.NodeNG, depth: int) -> Optional[CellList]:
    """``cells`` bound to one list (augmented assignments aside) and filled in its frame."""
    bindings = bindings_of(name)
    assigns = [b for b in bindings if isinstance(b, nodes.AssignName) and assigned_value(b) is not None]
    augs = [b for b in bindings if isinstance(b, nodes.AssignName) and isinstance(b.parent, nodes.AugAssign)]
    if len(assigns) != 1 or len(assigns) + len(augs) != len(bindings):
        return None
    binding = assigns[0]

    def is_the_list(node: nodes.NodeNG) -> bool:
        if isinstance(node, nodes.AssignName):  # the target of cells += [...]
            return node.name == name.name
        return isinstance(node, nodes.Name) and node.name == name.name and binding in bindings_of(node)

    return _filled_list(binding, is_the_list, at, depth, ("list", id(binding)))


def _attribute_list(attr: nodes.Attribute, at: nodes.NodeNG, depth: int) -> Optional[CellList]:
    """``self.cells`` assigned once in the enclosing class and filled in the method that assigns it."""
    klass = method_class(attr.expr)
    if klass is None:
        return None
    assigns = [assign_attr for method in klass.mymethods()
               for assign_attr in method.nodes_of_class(nodes.AssignAttr)
               if assign_attr.attrname == attr.attrname and isinstance(assign_attr.expr, nodes.Name)]
    if len(assigns) != 1 or assigned_value(assigns[0]) is None:
        return None
    binding = assigns[0]
    receivers = (binding.expr.name, attr.expr.name)

    def is_the_list(node: nodes.NodeNG) -> bool:
        return (isinstance(node, (nodes.Attribute, nodes.AssignAttr)) and node.attrname == attr.attrname
                and isinstance(node.expr, nodes.Name) and node.expr.name in receivers)

    # Only the mutations in the method that builds the list are understood.
    home = binding.frame()
    if any(_mutations(method, is_the_list) != [] for method in klass.mymethods() if method is not home):
        return None
    return _filled_list(binding, is_the_list, at, depth, ("attrlist", id(klass), attr.attrname))


def _filled_list(binding: nodes.NodeNG, is_the_list: IsTheList, at: nodes.NodeNG, depth: int,
                 identity: tuple) -> Optional[CellList]:
    """The list assigned at ``binding``, with what the mutations in its frame add before ``at`` runs."""
    base = cell_list(assigned_value(binding), binding, depth + 1)
    if base is None:
        return None
    home = binding.frame()
    mutations = _mutations(home, is_the_list)
    if mutations is None:
        return None
    entries = list(base.entries)
    statement = binding.statement()
    same_frame = at.frame() is home
    for mutation in mutations:
        if same_frame and not tree.statement_before(mutation, at):
            continue
        if same_frame and _grows_between_uses(mutation, at, statement):
            return None
        entries.extend(_mutation_entries(mutation, statement, depth) or ())
    return CellList(tuple(entries), base.identities | {identity})


def _mutations(frame: nodes.NodeNG, is_the_list: IsTheList) -> Optional[List[nodes.NodeNG]]:
    """append/extend/insert calls and ``+=`` on the list in ``frame`` (its own body only).

    None when the list is also changed in a way that replaces or removes items (``cells[i] = ...``,
    ``del cells[i]``, ``pop``, ``remove``, ``clear``): its final content is then not known.
    """
    found = []
    for node in tree.own_nodes(frame, (nodes.Call, nodes.AugAssign, nodes.Subscript)):
        if isinstance(node, nodes.Call):
            func = node.func
            if isinstance(func, nodes.Attribute) and is_the_list(func.expr):
                if func.attrname in _REPLACERS:
                    return None
                if func.attrname in _MUTATORS:
                    found.append(node)
        elif isinstance(node, nodes.Subscript):
            if node.ctx in (Context.Store, Context.Del) and is_the_list(node.value):
                return None
        elif node.op == "+=" and is_the_list(node.target):
            found.append(node)
    return found


def _grows_between_uses(mutation: nodes.NodeNG, at: nodes.NodeNG, list_statement: nodes.NodeNG) -> bool:
    """Does ``at`` run inside a loop that also fills the list (but does not rebuild it)?"""
    loop = tree.common_loop(mutation, at, at.frame())
    return loop is not None and not tree.contains(loop, list_statement)


def _mutation_entries(mutation: nodes.NodeNG, list_statement: nodes.NodeNG, depth: int) -> Optional[List[Entry]]:
    """The entries one mutation adds, each counted over the loops around it; None when not known."""
    written, items = _written_items(mutation, depth)
    if items is None:
        return None
    entries = []
    for found, count in items:
        repeated, stable = _repetition(mutation, list_statement, found, written)
        entries.append(Entry(found, count * repeated, id(mutation), stable and found.stable))
    return entries


def _written_items(mutation: nodes.NodeNG, depth: int) -> Tuple[Optional[nodes.NodeNG], Optional[list]]:
    """(the expression a mutation adds, its [(element, count)] or None when not known)."""
    if isinstance(mutation, nodes.AugAssign):
        return mutation.value, _items(cell_list(mutation.value, mutation, depth + 1))
    method, args = mutation.func.attrname, mutation.args
    if mutation.keywords:
        return None, None
    if method == "append" and len(args) == 1:
        return args[0], _one_item(args[0])
    if method == "insert" and len(args) == 2:
        return args[1], _one_item(args[1])
    if method == "extend" and len(args) == 1:
        return args[0], _items(cell_list(args[0], mutation, depth + 1))
    return None, None


def _items(cells: Optional[CellList]) -> Optional[List[Tuple[Element, Count]]]:
    return [(e.element, e.count) for e in cells.entries] if cells is not None else None


def _one_item(expr: nodes.NodeNG) -> List[Tuple[Element, Count]]:
    return [] if _not_a_cell(expr) else [(element(expr), ONE)]


def _repetition(mutation: nodes.NodeNG, list_statement: nodes.NodeNG, found: Element,
                written: nodes.NodeNG) -> Tuple[Count, bool]:
    """How many times the loops around ``mutation`` add the same object; and whether it is unconditional."""
    count = ONE
    stable = True
    multiplying = True
    conditions: List[nodes.NodeNG] = []
    child = mutation
    for node in mutation.node_ancestors():
        if tree.contains(node, list_statement) or isinstance(node, _OTHER_RUNS):
            break
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
            loop = _same_object_each_time(node, found, written, conditions) if multiplying else None
            if loop is None:
                multiplying = False
            else:
                count = count * loop
        child = node
    return count, stable


def _same_object_each_time(loop: nodes.NodeNG, found: Element, written: nodes.NodeNG,
                           conditions: List[nodes.NodeNG]) -> Optional[Count]:
    """How many times ``loop`` adds the same object, when it runs a known number of times, always adds,
    and the object does not depend on what the loop assigns; None otherwise."""
    assigned = _assigned_in_loop(loop)
    core = found.core
    if core is None or not _invariant(core if tree.contains(loop, core) else written, assigned):
        return None
    if any(_names(c) & assigned[0] for c in conditions) or _breaks(loop):
        return None
    return loop_count(loop.iter) if isinstance(loop, nodes.For) else None


def _assigned_in_loop(loop: nodes.NodeNG) -> Tuple[frozenset, frozenset]:
    """(names, attribute names) a loop assigns in its target and body."""

    def compute():
        names, attrs = set(), set()
        parts = [loop.target] if isinstance(loop, nodes.For) else []
        parts += list(loop.body)
        for part in parts:
            for node in part.nodes_of_class((nodes.AssignName, nodes.AssignAttr, nodes.DelName),
                                            skip_klass=tree.NESTED_SCOPES):
                if isinstance(node, nodes.AssignAttr):
                    attrs.add(node.attrname)
                else:
                    names.add(node.name)
        return frozenset(names), frozenset(attrs)

    return module_cached("celllists-loop-assigned", loop, compute, (frozenset(), frozenset()))


def _invariant(expr: nodes.NodeNG, assigned: Tuple[frozenset, frozenset]) -> bool:
    names, attrs = assigned
    if _names(expr) & names:
        return False
    if any(node.attrname in attrs for node in expr.nodes_of_class(nodes.Attribute)):
        return False
    return not _has_walrus(expr)


def _breaks(loop: nodes.NodeNG) -> bool:
    """Can the loop's body leave an iteration early (a break or continue of its own)?"""
    skip = tree.LOOPS + tree.NESTED_SCOPES
    return any(True for statement in loop.body
               for _ in statement.nodes_of_class((nodes.Break, nodes.Continue), skip_klass=skip))


# --- what the list shares ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Duplicate:
    """A cell object that a list holds more than once."""

    label: str  # "'cell'", or "'cell' (also as 'alias')"
    element: Element  # its first occurrence
    count: Count  # how many times the list holds it


def duplicated(cells: CellList) -> List[Duplicate]:
    """The cell objects that occur more than once in the list, in the order of their first occurrence."""
    groups: Dict[tuple, List[Entry]] = {}
    for entry in cells.entries:
        groups.setdefault(entry.element.key, []).append(entry)
    found = []
    for group in groups.values():
        by_origin: Dict[int, Count] = {}
        for entry in group:
            previous = by_origin.get(entry.origin)
            by_origin[entry.origin] = entry.count if previous is None else previous + entry.count
        if len(by_origin) > 1 and all(e.stable for e in group):
            total = functools.reduce(lambda a, b: a + b, by_origin.values())
            if total.more_than_one():
                found.append(Duplicate(display_label([e.element for e in group]), group[0].element, total))
            continue
        for origin, total in by_origin.items():
            if total.more_than_one():
                members = [e.element for e in group if e.origin == origin]
                found.append(Duplicate(display_label(members), members[0], total))
                break
    return found


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


def same_list_object(a: nodes.NodeNG, b: nodes.NodeNG,
                     a_cells: Optional[CellList], b_cells: Optional[CellList]) -> bool:
    """Are ``a`` and ``b`` (with their evaluated lists) one list object?"""
    if isinstance(a, nodes.Name) and isinstance(b, nodes.Name) and a.name == b.name \
            and bindings_of(a) == bindings_of(b):
        return True
    return a_cells is not None and b_cells is not None and bool(a_cells.identities & b_cells.identities)


# --- what one direction of a bidirectional RNN uses ----------------------------------------------------


@dataclass(frozen=True)
class Used:
    """An object whose weights a direction uses: a cell (the elements naming it) or a list a stack holds."""

    elements: Tuple[Element, ...] = ()
    list_label: str = ""  # the list's source text, when the object is a list of cells


def direction_keys(expr: Optional[nodes.NodeNG], depth: int = 0) -> Dict[tuple, Used]:
    """{key: Used} of the objects whose weights a bidirectional argument uses, in the order met: the cell
    passed (through aliases and wrappers), and for a stack the list it holds, then the cells in it."""
    if expr is None or depth > MAX_DEPTH:
        return {}
    keys: Dict[tuple, Used] = {}
    value = expr
    if isinstance(expr, (nodes.Name, nodes.Attribute, nodes.Subscript)):
        found = element(expr)
        keys[found.key] = Used((found,))
        if isinstance(expr, nodes.Name):
            binding = single_binding(expr)
            value = assigned_value(binding) if isinstance(binding, nodes.AssignName) else None
    if not isinstance(value, nodes.Call):
        return keys
    api = tfapi.call_api(value)
    if tfapi.is_cell_wrapper(api):
        for key, used in direction_keys(_wrapped_cell(value), depth + 1).items():
            keys.setdefault(key, used)
        return keys
    argument = tfapi.stacked_cells_argument(value, api)
    cells = cell_list(argument, value)
    if cells is not None:
        keys.update({key: Used(list_label=tree.short_text(argument)) for key in cells.identities})
        for entry in cells.entries:
            if entry.element.names_one_object:
                keys.setdefault(entry.element.key, Used((entry.element,)))
    return keys
