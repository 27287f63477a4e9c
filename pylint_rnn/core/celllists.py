"""Which cell objects a list of cells holds, and how often.

A cell builds its weights on its first call and keeps them, so what the layers of a stack (``MultiRNNCell``,
``StackedRNNCells``, Keras ``RNN([...])``, the lists of ``stack_bidirectional_*``) share is decided by which
*objects* its list holds. This module evaluates a list expression symbolically into entries: which cell
object (an :class:`~pylint_rnn.core.cellidentity.Element`), how many times (a
:class:`~pylint_rnn.core.counts.Count`, which may come from configuration), put there by which expression or
mutation (an origin). It follows list literals, ``*`` repetition, ``+`` concatenation, starred items,
``list()`` / ``tuple()``, comprehensions over ``range`` or over a sequence of per-layer settings, names
(also tuple-unpacked) and ``self`` attributes bound to lists, dict entries (``stacks["enc"]``), the
``append`` / ``extend`` / ``insert`` / ``+=`` calls that fill them with the loops around them, and loops
that wrap the cells of another list one by one (``[DropoutWrapper(c, p) for c, p in zip(cells, probs)]``).
Which object a cell expression is comes from :mod:`pylint_rnn.core.cellidentity`.

Purely syntactic (no astroid inference): whatever it cannot follow gives no entry or no list.
"""
from __future__ import annotations

import functools
from typing import Callable, Dict, List, NamedTuple, Optional, Tuple

from astroid import nodes
from astroid.const import Context

from pylint_rnn.core import dataflow, tree
from pylint_rnn.core.bindings import assigned_value, bindings_of, method_class, single_binding
from pylint_rnn.core.cache import module_cached
from pylint_rnn.core.cellidentity import Element, display_label, element, not_a_cell, wrapped_cell
from pylint_rnn.core.counts import ONE, Count, config_key, count_of, loop_count, mapping_entry

MAX_DEPTH = 6
_MUTATORS = ("append", "extend", "insert")
_REPLACERS = ("pop", "remove", "clear", "__setitem__", "__delitem__")
# Where the walk up from a mutation stops: bodies that run at another time (functions, classes, lambdas)
# or once per item (comprehensions).
_OTHER_RUNS = tree.NESTED_SCOPES + tree.COMPREHENSIONS


# --- a list of cells, evaluated symbolically -----------------------------------------------------------


class Entry(NamedTuple):
    """Cells of one object that one expression or mutation puts in the list."""

    element: Element
    count: Count
    origin: int  # id of the expression or mutation that put it in the list
    stable: bool  # may be added to entries of other origins with the same key


class CellList(NamedTuple):
    """What a list of cells holds, entry by entry, and which list objects it is."""

    entries: Tuple[Entry, ...]
    identities: frozenset = frozenset()  # keys of the list objects themselves (a name bound to one list)


def cell_list(expr: Optional[nodes.NodeNG], at: nodes.NodeNG, depth: int = 0,
              origin: Optional[int] = None) -> Optional[CellList]:
    """The cells the list ``expr`` holds when ``at`` runs, as far as can be told; None when it is not a
    known list. ``origin`` names one evaluation: the parts of one expression (``[c] + [c] * 2``) share it."""
    if expr is None or depth > MAX_DEPTH:
        return None
    if isinstance(expr, nodes.Name):
        return _named_list(expr, at, depth)
    if isinstance(expr, nodes.Attribute):
        return _attribute_list(expr, at, depth)
    origin = origin if origin is not None else id(expr)
    for kinds, evaluate in _EVALUATORS:
        if isinstance(expr, kinds):
            return evaluate(expr, at, depth, origin)
    return None


def _operator_list(expr: nodes.BinOp, at: nodes.NodeNG, depth: int, origin: int) -> Optional[CellList]:
    if expr.op == "*":
        return _repeated(expr, at, depth, origin)
    return _concatenated(expr, at, depth, origin) if expr.op == "+" else None


def _entry_list(expr: nodes.NodeNG, at: nodes.NodeNG, depth: int, origin: int) -> Optional[CellList]:
    """``stacks["encoder"]`` / ``stacks.get("encoder")``: the list a dict literal holds under that key."""
    del origin  # a list bound elsewhere is its own evaluation
    keyed = config_key(expr)
    return cell_list(mapping_entry(*keyed), at, depth + 1) if keyed is not None else None


def _literal(expr: nodes.NodeNG, at: nodes.NodeNG, depth: int, origin: int) -> CellList:
    """``[a, b, *more]``: each cell once; placeholders and callables are no cells."""
    entries: List[Entry] = []
    for elt in expr.elts:
        if isinstance(elt, nodes.Starred):
            entries.extend(_entries(cell_list(elt.value, at, depth + 1, origin)))
        elif not not_a_cell(elt):
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


def _either_list(expr: nodes.IfExp, at: nodes.NodeNG, depth: int, origin: int) -> Optional[CellList]:
    """``[cell] * n if n > 1 else [cell]``: the branch that repeats a cell, when one does (it runs
    whenever its condition holds); else nothing known."""
    for branch in (expr.body, expr.orelse):
        cells = cell_list(branch, at, depth + 1, origin)
        if cells is not None and duplicated(cells):
            return cells
    return None


def _built_list(call: nodes.Call, at: nodes.NodeNG, depth: int, origin: int) -> Optional[CellList]:
    """``list(...)`` / ``tuple(...)`` of a known list; ``itertools.repeat(cell, n)``: one object n times;
    ``stacks.get("encoder")``."""
    if isinstance(call.func, nodes.Name) and call.func.name in ("list", "tuple") and len(call.args) == 1 \
            and not call.keywords:
        return cell_list(call.args[0], at, depth + 1, origin)
    if len(call.args) == 2 and _is_itertools_repeat(call.func):
        return _repeated_object(call.args[0], count_of(call.args[1]), origin)
    return _entry_list(call, at, depth, origin)


def _is_itertools_repeat(func: nodes.NodeNG) -> bool:
    """``itertools.repeat`` or ``repeat`` imported from itertools."""
    if isinstance(func, nodes.Attribute) and func.attrname == "repeat" and isinstance(func.expr, nodes.Name):
        return any(isinstance(b, nodes.Import) and ("itertools", None) in b.names for b in bindings_of(func.expr))
    if isinstance(func, nodes.Name) and func.name == "repeat":
        return any(isinstance(b, nodes.ImportFrom) and b.modname == "itertools" for b in bindings_of(func))
    return False


def _repeated_object(item: nodes.NodeNG, count: Optional[Count], origin: int) -> Optional[CellList]:
    if count is None or not_a_cell(item):
        return None
    found = element(item)
    return CellList((Entry(found, count, origin, found.stable),))


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


def _comprehension(comp: nodes.NodeNG, at: nodes.NodeNG, depth: int, origin: int) -> Optional[CellList]:
    """``[c for _ in range(n)]``: the same object n times, unless the element depends on the loop;
    ``[Wrapper(c, p) for c, p in zip(cells, probs)]``: the objects of ``cells``, each wrapped."""
    only = comp.generators[0] if len(comp.generators) == 1 and not comp.generators[0].ifs else None
    mapped = _mapped_over_cells(comp.elt, only.target, only.iter, at, depth) if only is not None else None
    if mapped is not None:
        return CellList(tuple(Entry(e.element, e.count, origin, e.stable) for e in mapped.entries))
    count = ONE
    bound = set()
    for generator in comp.generators:
        if generator.ifs or generator.is_async:
            return None
        loop = iterations(generator.target, generator.iter, comp.elt)
        if loop is None:
            return None
        count = count * loop
        bound.update(n.name for n in generator.target.nodes_of_class(nodes.AssignName))
    if not_a_cell(comp.elt):
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


def _mapped_over_cells(item: nodes.NodeNG, target: nodes.NodeNG, iterable: nodes.NodeNG, at: nodes.NodeNG,
                       depth: int) -> Optional[CellList]:
    """The cells of a known list that one loop hands out one by one, when ``item`` is the loop's cell
    itself or a wrapper around it: ``c`` / ``DropoutWrapper(c, p)`` for ``c`` (, ``p``) in ``cells``,
    ``zip(cells, probs)`` or ``enumerate(cells)``. None when the loop is not such a loop."""
    cell = _wrapped_loop_target(item)
    source = _iterated_source(target, iterable, cell.name) if cell is not None else None
    if source is None or depth > MAX_DEPTH:
        return None
    return cell_list(source, at, depth + 1)


def _wrapped_loop_target(item: nodes.NodeNG) -> Optional[nodes.Name]:
    """``c`` for ``c``, ``DropoutWrapper(c)``, ``ResidualWrapper(DropoutWrapper(c))``; None otherwise."""
    for _ in range(MAX_DEPTH):
        if isinstance(item, nodes.Name):
            return item
        if not isinstance(item, nodes.Call):
            return None
        item = wrapped_cell(item)
    return None


def _iterated_source(target: nodes.NodeNG, iterable: nodes.NodeNG, name: str) -> Optional[nodes.NodeNG]:
    """The list whose items the loop variable ``name`` takes: ``for c in cells``, ``for c, p in
    zip(cells, probs)``, ``for i, c in enumerate(cells)``. None when another ``zip`` argument is a literal
    shorter than two (then at most one item is handed out)."""
    if isinstance(target, nodes.AssignName):
        return iterable if target.name == name else None
    if not isinstance(target, nodes.Tuple) or not isinstance(iterable, nodes.Call) \
            or not isinstance(iterable.func, nodes.Name) or iterable.keywords:
        return None
    names = [t.name if isinstance(t, nodes.AssignName) else None for t in target.elts]
    if name not in names:
        return None
    position = names.index(name)
    if iterable.func.name == "enumerate":
        return iterable.args[0] if len(names) == 2 and position == 1 and len(iterable.args) == 1 else None
    if iterable.func.name != "zip" or len(names) != len(iterable.args):
        return None
    others = [a for i, a in enumerate(iterable.args) if i != position]
    if any(isinstance(a, (nodes.List, nodes.Tuple)) and len(a.elts) < 2 for a in others):
        return None
    return iterable.args[position]


# Which evaluation each kind of list expression takes (names and attributes aside: they are bound lists).
_EVALUATORS = (
    ((nodes.List, nodes.Tuple), _literal),
    (nodes.BinOp, _operator_list),
    ((nodes.ListComp, nodes.GeneratorExp), _comprehension),
    (nodes.Call, _built_list),
    (nodes.IfExp, _either_list),
    (nodes.Subscript, _entry_list),
)


# --- lists bound to a name or a self attribute, and filled afterwards ----------------------------------


def bound_value(binding: nodes.NodeNG) -> Optional[nodes.NodeNG]:
    """The value a target receives: ``x = v``, or its element of ``a, x = u, v``; None otherwise."""
    value = assigned_value(binding)
    if value is not None:
        return value
    definition = dataflow.binding_definition(binding)
    return dataflow.select_element(definition.value, definition.path) if definition is not None else None


IsTheList = Callable[[nodes.NodeNG], bool]  # does this receiver (or += target) stand for the list?


def _named_list(name: nodes.Name, at: nodes.NodeNG, depth: int) -> Optional[CellList]:
    """``cells`` bound to one list (augmented assignments aside) and filled in its frame."""
    bindings = bindings_of(name)
    assigns = [b for b in bindings if isinstance(b, nodes.AssignName) and bound_value(b) is not None]
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
    base = cell_list(bound_value(binding), binding, depth + 1)
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
    handed_out = _appended_loop_cells(mutation, list_statement, depth)
    if handed_out is not None:
        return [Entry(e.element, e.count, id(mutation), False) for e in handed_out.entries]
    written, items = _written_items(mutation, depth)
    if items is None:
        return None
    entries = []
    for found, count in items:
        repeated, stable = _repetition(mutation, list_statement, found, written)
        entries.append(Entry(found, count * repeated, id(mutation), stable and found.stable))
    return entries


def _appended_loop_cells(mutation: nodes.NodeNG, list_statement: nodes.NodeNG,
                         depth: int) -> Optional[CellList]:
    """``for c, p in zip(cells, probs): out.append(DropoutWrapper(c, p))``: the loop appends, once each,
    the cells of a known list (wrapped). Only for an append right in the body of that one loop."""
    loop = mutation.parent.parent if isinstance(mutation.parent, nodes.Expr) else None
    if not (isinstance(loop, nodes.For) and mutation.parent in loop.body and isinstance(mutation, nodes.Call)
            and len(mutation.args) == 1 and not mutation.keywords) or _breaks(loop):
        return None
    if any(isinstance(node, tree.LOOPS + tree.CONDITIONALS) and not tree.contains(node, list_statement)
           for node in tree.ancestors_below(loop, list_statement.frame())):
        return None
    return _mapped_over_cells(mutation.args[0], loop.target, loop.iter, loop, depth)


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
    return [] if not_a_cell(expr) else [(element(expr), ONE)]


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
    return iterations(loop.target, loop.iter, written) if isinstance(loop, nodes.For) else None


def iterations(target: nodes.NodeNG, iterable: nodes.NodeNG, item: nodes.NodeNG) -> Optional[Count]:
    """How many times a loop producing ``item`` runs: :func:`~pylint_rnn.core.counts.loop_count`, the
    length of a sequence bound to a literal, or ``len(settings)`` for a sequence of unknown length whose
    items ``item`` uses (``[DropoutWrapper(cell, output_keep_prob=p) for p in keep_probs]``: one layer per
    setting). None otherwise: an unknown length the item ignores says nothing about layers."""
    count = loop_count(iterable)
    if count is not None:
        return count
    sequence = iterable
    if isinstance(iterable, nodes.Call) and isinstance(iterable.func, nodes.Name) \
            and iterable.func.name in ("zip", "enumerate") and iterable.args and not iterable.keywords:
        sequence = iterable.args[0]
    if not isinstance(sequence, (nodes.Name, nodes.Attribute, nodes.Subscript)):
        return None
    elements = _literal_elements(sequence)
    if elements is not None:
        return Count.of(len(elements))
    variables = {n.name for n in target.nodes_of_class(nodes.AssignName)}
    if not variables & _names(item):
        return None
    return Count(None, f"len({sequence.as_string()})")


def _literal_elements(sequence: nodes.NodeNG) -> Optional[list]:
    """The elements of a literal list a name (local, or a module constant) or attribute is bound to."""
    if not isinstance(sequence, (nodes.Name, nodes.Attribute)):
        return None
    elements = dataflow.sequence_elements(sequence, sequence)
    if elements is None and isinstance(sequence, nodes.Name):
        binding = single_binding(sequence)
        value = bound_value(binding) if isinstance(binding, nodes.AssignName) else None
        if isinstance(value, (nodes.List, nodes.Tuple)) and binding.frame() is not sequence.frame() \
                and not any(isinstance(e, nodes.Starred) for e in value.elts):
            elements = list(value.elts)
    return elements


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


class Duplicate(NamedTuple):
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
            if total.more_than_one() or total.latent():
                found.append(Duplicate(display_label([e.element for e in group]), group[0].element, total))
            continue
        for origin, total in by_origin.items():
            # A count that is 1 today but not written as 1 is a knob: the list repeats the object as soon
            # as it is turned up (the finding then says it is latent).
            if total.more_than_one() or total.latent():
                members = [e.element for e in group if e.origin == origin]
                found.append(Duplicate(display_label(members), members[0], total))
                break
    return found


def same_list_object(a: nodes.NodeNG, b: nodes.NodeNG,
                     a_cells: Optional[CellList], b_cells: Optional[CellList]) -> bool:
    """Are ``a`` and ``b`` (with their evaluated lists) one list object?"""
    if isinstance(a, nodes.Name) and isinstance(b, nodes.Name) and a.name == b.name \
            and bindings_of(a) == bindings_of(b):
        return True
    return a_cells is not None and b_cells is not None and bool(a_cells.identities & b_cells.identities)
