"""Can the construction of a cell be repeated somewhere else, and what is its text there?

A safe fix for one cell object used as several layers repeats the cell's construction where the cell is
used: ``[cell] * 3`` becomes ``[LSTMCell(128) for _ in range(3)]``. That is only the same program (with
distinct cells) when running the construction again has no other effect and means the same thing at the
new place. :class:`Constructions` checks exactly that and gives the text:

- the object comes from a construction the code shows: a name or ``self`` attribute bound once to a call,
  followed through aliases and wrapper chains (``DropoutWrapper(LSTMCell(n), ...)`` is rebuilt whole);
- the call is a TensorFlow/Keras cell, wrapper or stack constructor, or a function of the module that
  returns a new cell and does nothing else;
- its arguments are literals, names, attributes and arithmetic on them, or calls without side effects
  (initializers, ``tf.get_variable_scope()``, ``int()`` ...);
- every name it reads is bound to the same definition at the new place (and an attribute it reads is not
  assigned in between), so it evaluates to the same value.

Anything else raises :class:`NotRepeatable` with a reason the user can act on.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from astroid import nodes
from astroid.const import Context

from pylint_rnn.core import effects as fx
from pylint_rnn.core import callargs, tfapi, tree
from pylint_rnn.core.bindings import assigned_value, bindings_of, method_class
from pylint_rnn.fixes.edits import NotRepeatable
from pylint_rnn.fixes.source import SourceFile

MAX_DEPTH = 8
# Builtins that compute a value from their arguments and touch nothing else.
_PURE_BUILTINS = frozenset({"int", "float", "bool", "str", "len", "min", "max", "abs", "round", "tuple", "range"})
_MUTATORS = frozenset({"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse"})


@dataclass
class Rebuilt:
    """Source text that builds a new object, the names it reads (to check at the site), and the bindings it
    followed to get there (whose other uses would stop sharing the object)."""

    text: str
    reads: List[nodes.Name] = field(default_factory=list)
    followed: List[nodes.NodeNG] = field(default_factory=list)  # AssignName / AssignAttr nodes


class Constructions:
    """Builds the text of fresh constructions from one file's source."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source

    # --- the text of a fresh object ---------------------------------------------------------------------

    def fresh(self, expr: nodes.NodeNG, depth: int = 0) -> Rebuilt:
        """Text that builds a new object like the one ``expr`` evaluates to (a cell, wrapper or stack)."""
        if depth > MAX_DEPTH:
            raise NotRepeatable("the cell's construction is too deep to follow")
        if isinstance(expr, nodes.Name):
            bindings = bindings_of(expr)
            if len(bindings) == 2:
                conditional = self._conditional(bindings, depth)
                if conditional is not None:
                    return conditional
            binding = self._single_assignment(expr)
            return self._followed(self.fresh(assigned_value(binding), depth + 1), binding)
        if isinstance(expr, nodes.Attribute):
            binding = self._attribute_binding(expr)
            return self._followed(self.fresh(assigned_value(binding), depth + 1), binding)
        if isinstance(expr, nodes.Call):
            return self._call(expr, depth)
        raise NotRepeatable(f"'{tree.short_text(expr)}' is not a constructor call")

    def fresh_list(self, expr: nodes.NodeNG, depth: int = 0) -> Rebuilt:
        """Text that builds a new list of new cells like the list ``expr`` (for a second direction)."""
        if depth > MAX_DEPTH:
            raise NotRepeatable("the list's construction is too deep to follow")
        if isinstance(expr, (nodes.List, nodes.Tuple)):
            if any(isinstance(elt, nodes.Starred) for elt in expr.elts):
                raise NotRepeatable(f"'{tree.short_text(expr)}' unpacks another list")
            return self._substituted(expr, [(elt, self.fresh(elt, depth + 1)) for elt in expr.elts])
        if isinstance(expr, (nodes.ListComp, nodes.GeneratorExp)):
            return self._comprehension(expr, depth)
        if isinstance(expr, nodes.BinOp) and expr.op == "*":
            return self._repeated_list(expr, depth)
        if isinstance(expr, nodes.Name):
            binding = self._single_assignment(expr)
            if _list_is_mutated(binding, expr.name):
                raise NotRepeatable(f"list '{expr.name}' is filled by later statements")
            return self._followed(self.fresh_list(assigned_value(binding), depth + 1), binding)
        raise NotRepeatable(f"'{tree.short_text(expr)}' is not a list the fix can rebuild")

    # --- where a name or attribute got its object ----------------------------------------------------------

    @staticmethod
    def _followed(rebuilt: Rebuilt, binding: nodes.NodeNG) -> Rebuilt:
        rebuilt.followed.append(binding)
        return rebuilt

    def _conditional(self, bindings: list, depth: int) -> Optional[Rebuilt]:
        """``cell = A`` then ``if test: cell = wrap(cell)`` (the PTB tutorial), or ``if test: cell = A`` /
        ``else: cell = B``: the conditional expression ``wrap(A) if test else A``."""
        if not all(isinstance(b, nodes.AssignName) and assigned_value(b) is not None
                   and not isinstance(b.parent, nodes.AugAssign) for b in bindings):
            return None
        first, second = sorted(bindings, key=tree.position)
        statement, other = second.statement(), first.statement()
        branch = statement.parent
        if not isinstance(branch, nodes.If) or len(branch.body) < 1:
            return None
        if statement in branch.body and not branch.orelse and other.parent is branch.parent \
                and tree.position(other) < tree.position(branch):
            chosen, otherwise = second, first
        elif statement in branch.orelse and other.parent is branch and other in branch.body:
            chosen, otherwise = first, second
        else:
            return None
        reads: List[nodes.Name] = []
        _pure(branch.test, reads)
        when = self.fresh(assigned_value(chosen), depth + 1)
        rest = self.fresh(assigned_value(otherwise), depth + 1)
        text = f"{when.text} if {self.source.segment(branch.test)} else {rest.text}"
        return Rebuilt(text, when.reads + rest.reads + reads, when.followed + rest.followed + [first, second])

    @staticmethod
    def _single_assignment(name: nodes.Name) -> nodes.AssignName:
        bindings = bindings_of(name)
        if len(bindings) != 1:
            where = "more than one place" if bindings else "no place this fix can see"
            raise NotRepeatable(f"'{name.name}' is bound in {where} (build the cell in a function and call it "
                                "once per use)")
        binding = bindings[0]
        if not isinstance(binding, nodes.AssignName) or assigned_value(binding) is None \
                or isinstance(binding.parent, nodes.AugAssign):
            raise NotRepeatable(f"'{name.name}' is not assigned a construction here (a parameter, loop "
                                "variable or unpacking)")
        return binding

    @staticmethod
    def _attribute_binding(attr: nodes.Attribute) -> nodes.AssignAttr:
        klass = method_class(attr.expr)
        if klass is None:
            raise NotRepeatable(f"'{tree.short_text(attr)}' is not an attribute of self")
        assigns = [node for method in klass.mymethods() for node in method.nodes_of_class(nodes.AssignAttr)
                   if node.attrname == attr.attrname and method_class(node.expr) is klass]
        if len(assigns) != 1 or assigned_value(assigns[0]) is None:
            raise NotRepeatable(f"'{tree.short_text(attr)}' is not assigned exactly once in its class")
        return assigns[0]

    # --- calls ---------------------------------------------------------------------------------------------

    def _call(self, call: nodes.Call, depth: int) -> Rebuilt:
        api = tfapi.call_api(call)
        if tfapi.is_cell_wrapper(api):
            inner = callargs.call_argument(call, 0, "cell")
            if inner is None:
                raise NotRepeatable(f"the cell that '{tree.short_text(call)}' wraps is not passed plainly")
            rebuilt = self.fresh(inner, depth + 1)
            return self._with_pure_rest(call, {id(inner): rebuilt}, api)
        if tfapi.is_cell_stack(api) or api == tfapi.KERAS_RNN:
            cells = tfapi.stacked_cells_argument(call, api)
            if cells is None:
                raise NotRepeatable(f"the cells of '{tree.short_text(call)}' are not passed plainly")
            rebuilt = self.fresh_list(cells, depth + 1) if _is_list(cells) else self.fresh(cells, depth + 1)
            return self._with_pure_rest(call, {id(cells): rebuilt}, api)
        if tfapi.is_cell_class(api) or tfapi.is_keras_rnn_layer(api):
            return self._with_pure_rest(call, {}, api)
        callee = own_function(call)
        if callee is not None and fx.returns_new_cell(callee) and pure_factory(callee):
            return self._with_pure_rest(call, {}, None)
        shown = tfapi.dotted_name(call.func) or tree.short_text(call.func)
        raise NotRepeatable(f"'{shown}()' is not a cell constructor known to have no other effect")

    def _with_pure_rest(self, call: nodes.Call, replaced: Dict[int, Rebuilt], api: Optional[str]) -> Rebuilt:
        """The call's text with the ``replaced`` arguments rebuilt; every other part must be pure."""
        if api and api.startswith("tf.keras.") and callargs.call_argument(call, None, "name") is not None:
            raise NotRepeatable("it passes name=, so the repeated Keras cells would share one name")
        reads: List[nodes.Name] = []
        _pure(call.func, reads)
        arguments = list(call.args) + [keyword.value for keyword in call.keywords or ()]
        for argument in arguments:
            if id(argument) not in replaced:
                _pure(argument, reads)
        if any(keyword.arg is None for keyword in call.keywords or ()) or \
                any(isinstance(arg, nodes.Starred) for arg in call.args):
            raise NotRepeatable(f"'{tree.short_text(call)}' passes *args or **kwargs")
        parts = [(arg, replaced[id(arg)]) for arg in arguments if id(arg) in replaced]
        rebuilt = self._substituted(call, parts)
        rebuilt.reads.extend(reads)
        return rebuilt

    def _comprehension(self, comp: nodes.NodeNG, depth: int) -> Rebuilt:
        """``[make() for _ in range(n)]``: a new object per item already, when the element is a construction."""
        if len(comp.generators) != 1 or comp.generators[0].is_async:
            raise NotRepeatable(f"'{tree.short_text(comp)}' is not a plain comprehension")
        generator = comp.generators[0]
        if not isinstance(comp.elt, nodes.Call):
            raise NotRepeatable(f"'{tree.short_text(comp)}' does not build a new cell per item")
        rebuilt = self._call(comp.elt, depth + 1)
        reads: List[nodes.Name] = []
        _pure(generator.iter, reads)
        for condition in generator.ifs:
            _pure(condition, reads)
        local = {n.name for n in generator.target.nodes_of_class(nodes.AssignName)}
        whole = Rebuilt(self._replace_within(comp, [(comp.elt, rebuilt.text)]), reads, rebuilt.followed)
        whole.reads.extend(n for n in rebuilt.reads if n.name not in local or not tree.is_inside(n, comp))
        return whole

    def _repeated_list(self, binop: nodes.BinOp, depth: int) -> Rebuilt:
        for sequence, times in ((binop.left, binop.right), (binop.right, binop.left)):
            if isinstance(sequence, (nodes.List, nodes.Tuple)) and len(sequence.elts) == 1:
                rebuilt = self.fresh(sequence.elts[0], depth + 1)
                reads: List[nodes.Name] = []
                _pure(times, reads)
                return Rebuilt(comprehension_text(rebuilt.text, self.source.segment(times)), rebuilt.reads + reads,
                               rebuilt.followed)
        raise NotRepeatable(f"'{tree.short_text(binop)}' repeats a list the fix cannot rebuild")

    # --- text ---------------------------------------------------------------------------------------------

    def _substituted(self, node: nodes.NodeNG, parts: List[Tuple[nodes.NodeNG, Rebuilt]]) -> Rebuilt:
        text = self._replace_within(node, [(part, rebuilt.text) for part, rebuilt in parts])
        reads = [name for _, rebuilt in parts for name in rebuilt.reads]
        followed = [binding for _, rebuilt in parts for binding in rebuilt.followed]
        return Rebuilt(text, reads, followed)

    def _replace_within(self, node: nodes.NodeNG, parts: List[Tuple[nodes.NodeNG, str]]) -> str:
        """The source of ``node`` with the spans of ``parts`` (its descendants) replaced."""
        start, end = self.source.span(node)
        pieces, at = [], start
        for part, text in sorted(parts, key=lambda item: self.source.span(item[0])):
            part_start, part_end = self.source.span(part)
            pieces += [self.source.text[at:part_start], text]
            at = part_end
        pieces.append(self.source.text[at:end])
        return "".join(pieces)


def comprehension_text(element: str, count: str, as_tuple: bool = False) -> str:
    """``[element for _ in range(count)]`` (``tuple(...)`` for a tuple), with a loop name the element does
    not use."""
    variable = "_"
    while _uses_name(element, variable):
        variable += "_"
    body = f"{element} for {variable} in range({count})"
    return f"tuple({body})" if as_tuple else f"[{body}]"


def _uses_name(text: str, name: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", text) is not None


_LISTS = (nodes.List, nodes.Tuple, nodes.ListComp, nodes.GeneratorExp, nodes.BinOp)


def _is_list(expr: nodes.NodeNG) -> bool:
    """A list of cells (written here, or a name bound to one), not one cell (Keras ``RNN(cell)``)."""
    if isinstance(expr, nodes.Name):
        bindings = bindings_of(expr)
        value = assigned_value(bindings[0]) if len(bindings) == 1 else None
        return isinstance(value, _LISTS)
    return isinstance(expr, _LISTS)


# --- purity ------------------------------------------------------------------------------------------------


def _pure(expr: nodes.NodeNG, reads: List[nodes.Name]) -> None:
    """Raise NotRepeatable unless evaluating ``expr`` again has no effect; collect the names it reads."""
    if isinstance(expr, nodes.Const):
        return
    if isinstance(expr, nodes.Name):
        reads.append(expr)
        return
    if isinstance(expr, nodes.Attribute):
        _pure(expr.expr, reads)
        return
    if isinstance(expr, nodes.Call):
        _pure_call(expr, reads)
        return
    children = _operands(expr)
    if children is None:
        raise NotRepeatable(f"its argument '{tree.short_text(expr)}' may not give the same value twice")
    for child in children:
        _pure(child, reads)


def _operands(expr: nodes.NodeNG) -> Optional[List[nodes.NodeNG]]:
    """The parts of an expression that only combines its parts, or None for anything else."""
    if isinstance(expr, (nodes.UnaryOp,)):
        return [expr.operand]
    if isinstance(expr, nodes.BinOp):
        return [expr.left, expr.right]
    if isinstance(expr, (nodes.BoolOp, nodes.List, nodes.Tuple, nodes.Set)):
        return list(expr.values if isinstance(expr, nodes.BoolOp) else expr.elts)
    if isinstance(expr, nodes.Compare):
        return [expr.left] + [right for _, right in expr.ops]
    if isinstance(expr, nodes.Subscript):
        return [expr.value, expr.slice]
    if isinstance(expr, nodes.Slice):
        return [part for part in (expr.lower, expr.upper, expr.step) if part is not None]
    if isinstance(expr, nodes.IfExp):
        return [expr.test, expr.body, expr.orelse]
    if isinstance(expr, nodes.Dict):
        return [part for pair in expr.items for part in pair]
    if isinstance(expr, (nodes.JoinedStr, nodes.FormattedValue)):
        return list(expr.values) if isinstance(expr, nodes.JoinedStr) else [expr.value]
    return None


def _pure_call(call: nodes.Call, reads: List[nodes.Name]) -> None:
    """Calls that compute a value and do nothing else: initializers, scope queries, value builtins, and
    the constructors of cells (in a stack's list, a nested wrapper)."""
    api = tfapi.call_api(call)
    if api is not None and (_is_pure_api(api) or tfapi.is_any_cell(api)):
        _pure(call.func, reads)
    elif isinstance(call.func, nodes.Name) and call.func.name in _PURE_BUILTINS and _is_builtin(call.func):
        pass
    else:
        callee = own_function(call)
        if not (callee is not None and pure_factory(callee)):
            raise NotRepeatable(f"its argument '{tree.short_text(call)}' is a call that may have other effects")
        _pure(call.func, reads)
    for argument in list(call.args) + [keyword.value for keyword in call.keywords or ()]:
        _pure(argument.value if isinstance(argument, nodes.Starred) else argument, reads)


def own_function(call: nodes.Call) -> Optional[nodes.NodeNG]:
    """The function or lambda of this module that ``call`` invokes (never a builtin or another module's)."""
    callee = fx.function_of_call(call)
    return callee if callee is not None and callee.root() is call.root() else None


def _is_pure_api(api: str) -> bool:
    last = api.rsplit(".", 1)[-1]
    return (last.endswith(("_initializer", "Initializer")) or ".initializers." in api
            or ".regularizers." in api or ".constraints." in api
            or api in (tfapi.GET_VARIABLE_SCOPE, "tf.constant_initializer"))


def _is_builtin(name: nodes.Name) -> bool:
    bindings = bindings_of(name)
    return bool(bindings) and all(b.root().name == "builtins" for b in bindings)


def pure_factory(function: nodes.NodeNG, depth: int = 0) -> bool:
    """Does calling this function or lambda of the module only build and return objects (no other effect)?"""
    if depth > MAX_DEPTH:
        return False
    if isinstance(function, nodes.Lambda):
        return _pure_value(function.body, depth)
    if not isinstance(function, nodes.FunctionDef) or function.decorators is not None:
        return False
    return all(_pure_statement(statement, depth) for statement in function.body)


def _pure_statement(statement: nodes.NodeNG, depth: int) -> bool:
    if isinstance(statement, nodes.Pass):
        return True
    if isinstance(statement, nodes.Expr):  # a docstring
        return isinstance(statement.value, nodes.Const)
    if isinstance(statement, nodes.Return):
        return statement.value is None or _pure_value(statement.value, depth)
    if isinstance(statement, nodes.Assign):
        return all(isinstance(t, nodes.AssignName) for t in statement.targets) \
            and _pure_value(statement.value, depth)
    if isinstance(statement, nodes.If):
        return _pure_value(statement.test, depth) and all(
            _pure_statement(s, depth) for s in statement.body + statement.orelse)
    return False


def _pure_value(expr: nodes.NodeNG, depth: int) -> bool:
    """A factory body's expression: pure, where calls may be constructors and other pure factories."""
    for call in [expr] + list(expr.nodes_of_class(nodes.Call)):
        if not isinstance(call, nodes.Call):
            continue
        api = tfapi.call_api(call)
        if api is not None and (tfapi.is_any_cell(api) or _is_pure_api(api) or tfapi.is_keras_rnn_layer(api)):
            continue
        if isinstance(call.func, nodes.Name) and call.func.name in _PURE_BUILTINS and _is_builtin(call.func):
            continue
        callee = own_function(call)
        if callee is None or not pure_factory(callee, depth + 1):
            return False
    return not any(True for _ in expr.nodes_of_class((nodes.NamedExpr, nodes.Yield, nodes.Await)))


def _list_is_mutated(binding: nodes.AssignName, name: str) -> bool:
    """Is the list bound here changed by method calls or item assignment in its frame?"""
    for node in tree.own_nodes(binding.frame(), (nodes.Call, nodes.Subscript, nodes.AugAssign)):
        if isinstance(node, nodes.Call) and isinstance(node.func, nodes.Attribute) \
                and isinstance(node.func.expr, nodes.Name) and node.func.expr.name == name \
                and node.func.attrname in _MUTATORS:
            return True
        if isinstance(node, nodes.Subscript) and isinstance(node.value, nodes.Name) and node.value.name == name \
                and node.ctx in (Context.Store, Context.Del):
            return True
        if isinstance(node, nodes.AugAssign) and isinstance(node.target, nodes.AssignName) \
                and node.target.name == name:
            return True
    return False


# --- the same meaning at the site ----------------------------------------------------------------------------


def check_reads(rebuilt: Rebuilt, site: nodes.NodeNG, new_scope: bool = False) -> None:
    """Raise NotRepeatable unless every name the text reads means the same at ``site``.

    ``new_scope``: the text will run inside a new comprehension at ``site``; a comprehension in a class
    body does not see the class's names.
    """
    for name in rebuilt.reads:
        here = _binding_ids(name, name)
        there = _binding_ids(name, site)
        if here != there and not _same_receiver(name, site):
            raise NotRepeatable(f"'{name.name}' does not mean the same where the cell is used")
        if new_scope and isinstance(site.scope(), nodes.ClassDef) and name.name in site.scope().locals:
            raise NotRepeatable(f"a comprehension in a class body cannot read class attribute '{name.name}'")
    for name in rebuilt.reads:
        if _names_a_module(name):
            continue
        current: nodes.NodeNG = name
        while isinstance(current.parent, nodes.Attribute) and current.parent.expr is current:
            current = current.parent
            if attribute_may_change(current, site):
                raise NotRepeatable(f"'{tree.short_text(current)}' may change before the cell is used")


def _names_a_module(name: nodes.Name) -> bool:
    """``tf`` in ``tf.nn.rnn_cell.LSTMCell``: an import, whose attributes the code does not assign."""
    bindings = bindings_of(name)
    return bool(bindings) and all(isinstance(b, (nodes.Import, nodes.ImportFrom)) for b in bindings)


# Reading these from a cell builds nothing: such a use still works on a cell nobody else runs.
_HARMLESS_ATTRIBUTES = frozenset({"zero_state", "state_size", "output_size", "get_initial_state", "units"})


def other_uses(rebuilt: Rebuilt, sites: List[nodes.NodeNG]) -> List[nodes.NodeNG]:
    """Where else the objects a fix stops putting in the list are used (and could run), outside the sites
    and the construction chain: their sharing with the list would end."""
    skip = {id(node) for site in sites for node in [site] + list(site.nodes_of_class((nodes.Name, nodes.Attribute)))}
    found = []
    for binding in rebuilt.followed:
        for use in _uses_of(binding):
            if id(use) in skip or _within_followed(use, rebuilt.followed):
                continue
            parent = use.parent
            if isinstance(parent, nodes.Attribute) and parent.expr is use and parent.attrname in _HARMLESS_ATTRIBUTES:
                continue
            found.append(use)
    return found


def _uses_of(binding: nodes.NodeNG) -> List[nodes.NodeNG]:
    """The loads of a name binding, or of a ``self`` attribute, in the module."""
    module = binding.root()
    if isinstance(binding, nodes.AssignName):
        return [n for n in module.nodes_of_class(nodes.Name) if n.name == binding.name
                and any(b is binding for b in bindings_of(n))]
    klass = method_class(binding.expr) if isinstance(binding, nodes.AssignAttr) else None
    if klass is None:
        return []
    return [n for n in klass.nodes_of_class(nodes.Attribute) if n.attrname == binding.attrname
            and method_class(n.expr) is klass]


def _within_followed(use: nodes.NodeNG, followed: List[nodes.NodeNG]) -> bool:
    """Is the use inside the value of one of the followed assignments (``cell = Wrapper(cell)``)?"""
    for binding in followed:
        value = assigned_value(binding)
        if value is not None and tree.contains(value, use):
            return True
    return False


def _binding_ids(name: nodes.Name, at: nodes.NodeNG) -> frozenset:
    return frozenset(id(binding) for binding in lookup(at, name.name))


def lookup(at: nodes.NodeNG, name: str) -> list:
    """The statements that bind ``name`` as seen from ``at`` (any node), astroid's position-aware lookup."""
    try:
        _, found = at.scope().scope_lookup(at, name)
    except Exception:
        return []
    return list(found)


def _same_receiver(name: nodes.Name, site: nodes.NodeNG) -> bool:
    """``self`` of one method and ``self`` of another method of the same class are the same object."""
    klass = method_class(name)
    if klass is None:
        return False
    found = lookup(site, name.name)
    if len(found) != 1:
        return False
    method = found[0].frame()
    if not isinstance(method, nodes.FunctionDef) or method.parent is not klass:
        return False
    positional = (method.args.posonlyargs or []) + (method.args.args or [])
    return bool(positional) and positional[0] is found[0]


def attribute_may_change(attr: nodes.Attribute, site: nodes.NodeNG) -> bool:
    """Is an attribute of this name assigned where it could change between the construction and ``site``?
    Assignments in ``__init__`` count as set once; in the construction's own frame, only those between it
    and the site count."""
    origin_frame = attr.frame()
    receiver = attr.expr.as_string()
    for node in attr.root().nodes_of_class((nodes.AssignAttr, nodes.DelAttr)):
        if node.attrname != attr.attrname or node.expr.as_string() != receiver:
            continue
        frame = node.frame()
        if getattr(frame, "name", "") == "__init__" and frame is not site.frame():
            continue
        if frame is origin_frame and frame is site.frame():
            if tree.position(attr) < tree.position(node) < tree.position(site):
                return True
            continue
        if frame is origin_frame and tree.position(node) < tree.position(attr):
            continue
        return True
    return False
