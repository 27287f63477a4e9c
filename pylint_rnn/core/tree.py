"""Questions about the shape of the tree that every analysis asks: ancestry, order, own-body walks, text.

Plain astroid, no inference. "Own body" means what runs when a function (or module) runs: nested
functions, lambdas and classes are not descended into, since their bodies run at another time.
"""
from __future__ import annotations

import functools
import itertools
from typing import Dict, Iterator, List, Optional, Pattern, Tuple, Type, Union

from astroid import nodes

from pylint_rnn.core.cache import module_cached

# Nodes whose body runs at another time than the code around them.
NESTED_SCOPES = (nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.Lambda, nodes.ClassDef)
LOOPS = (nodes.For, nodes.AsyncFor, nodes.While)
COMPREHENSIONS = (nodes.ListComp, nodes.SetComp, nodes.DictComp, nodes.GeneratorExp)
# Statements and expressions under which a node may not run.
CONDITIONALS = (nodes.If, nodes.IfExp, nodes.Try, nodes.BoolOp, nodes.Match)

Kinds = Union[Type[nodes.NodeNG], Tuple[Type[nodes.NodeNG], ...]]


def classes_of(kinds: Kinds) -> frozenset:
    """The node classes that are ``kinds`` (subclasses included), for climbs that test every ancestor:
    ``node.__class__ in classes_of(K)`` answers isinstance(node, K) in one lookup, where isinstance scans
    each class of K against the node's long MRO (~200 ns for the eight loop and comprehension classes)."""
    return frozenset(cls for cls in nodes.ALL_NODE_CLASSES if isinstance(cls, type) and issubclass(cls, kinds))


NESTED_SCOPE_CLASSES = classes_of(NESTED_SCOPES)
_LOOP_CLASSES = classes_of(LOOPS + COMPREHENSIONS + (nodes.Comprehension,))


# --- ancestry ------------------------------------------------------------------------------------------


def is_inside(node: nodes.NodeNG, ancestor: nodes.NodeNG) -> bool:
    """Is ``ancestor`` a proper ancestor of ``node``?"""
    return any(parent is ancestor for parent in node.node_ancestors())


def contains(ancestor: nodes.NodeNG, node: nodes.NodeNG) -> bool:
    """Is ``node`` ``ancestor`` itself or below it?"""
    return node is ancestor or is_inside(node, ancestor)


def ancestors_below(node: nodes.NodeNG, stop: nodes.NodeNG) -> Iterator[nodes.NodeNG]:
    """The ancestors of ``node``, innermost first, up to (not including) ``stop``."""
    for parent in node.node_ancestors():
        if parent is stop:
            return
        yield parent


def conditional_between(node: nodes.NodeNG, ancestor: nodes.NodeNG) -> bool:
    """Is ``node`` under an if / try / boolean guard / loop below ``ancestor``, so that it may not run?"""
    return any(isinstance(parent, CONDITIONALS + LOOPS + (nodes.Comprehension,))
               for parent in ancestors_below(node, ancestor))


def exclusive_branches(a: nodes.NodeNG, b: nodes.NodeNG) -> bool:
    """Are ``a`` and ``b`` in different branches of one if / else, conditional expression or try?"""
    towards_a = {id(parent): child for child, parent in _child_parent_pairs(a)}
    for child, parent in _child_parent_pairs(b):
        if id(parent) in towards_a:
            if isinstance(parent, (nodes.If, nodes.IfExp, nodes.Try)):
                return _branch(parent, towards_a[id(parent)]) != _branch(parent, child)
            return False
    return False


def mutually_exclusive(a: nodes.NodeNG, b: nodes.NodeNG) -> bool:
    """Can ``a`` and ``b`` never both run in one run of their frame?

    True for the branches of one if / else (:func:`exclusive_branches`), and for the bodies of two ifs
    whose tests on one value contradict and that value does not change in between: ``if mode == "train":``
    / ``if mode == "eval":``, ``if train:`` / ``if not train:``, ``x is None`` / ``x is not None``.
    """
    if exclusive_branches(a, b):
        return True
    frame = a.frame()
    if b.frame() is not frame:
        return False
    for guard_a in _guards(a, frame):
        for guard_b in _guards(b, frame):
            if guard_a.if_node is not guard_b.if_node and guard_a.subject == guard_b.subject \
                    and _contradict(guard_a, guard_b) and not _subject_changes(guard_a, guard_b, frame):
                return True
    return False


class _Guard:
    """What must hold for a node under an if to run: ``subject`` in (or not in) ``values``, or truthy."""

    __slots__ = ("if_node", "subject", "values", "positive")

    def __init__(self, if_node, subject, values, positive):
        self.if_node, self.subject, self.values, self.positive = if_node, subject, values, positive


def _guards(node: nodes.NodeNG, frame: nodes.NodeNG) -> List[_Guard]:
    out = []
    for child, parent in _child_parent_pairs(node):
        if parent is frame or isinstance(parent, NESTED_SCOPES):
            break
        if isinstance(parent, nodes.If) and child is not parent.test:
            in_body = any(child is c for c in parent.body)
            tests = _conjuncts(parent.test) if in_body else [parent.test]
            for test in tests:
                guard = _guard_of(parent, test, in_body)
                if guard is not None:
                    out.append(guard)
    return out


def _conjuncts(test: nodes.NodeNG) -> list:
    if isinstance(test, nodes.BoolOp) and test.op == "and":
        return [part for value in test.values for part in _conjuncts(value)]
    return [test]


def _guard_of(if_node: nodes.If, test: nodes.NodeNG, positive: bool) -> Optional[_Guard]:
    if isinstance(test, nodes.UnaryOp) and test.op == "not":
        return _guard_of(if_node, test.operand, not positive)
    subject = _subject_text(test)
    if subject is not None:
        return _Guard(if_node, subject, None, positive)
    if not (isinstance(test, nodes.Compare) and len(test.ops) == 1):
        return None
    op, right = test.ops[0]
    subject = _subject_text(test.left)
    values = _constants(right, single=op not in ("in", "not in"))
    if subject is None or values is None or op not in ("==", "!=", "in", "not in", "is", "is not"):
        return None
    if op in ("is", "is not") and values != frozenset({"None"}):
        return None
    negative = op in ("!=", "not in", "is not")
    return _Guard(if_node, subject, values, positive != negative)


def _subject_text(expr: nodes.NodeNG) -> Optional[str]:
    """``mode``, ``self.mode``, ``FLAGS.mode``, ``params["mode"]``: a value tests may be compared on."""
    if isinstance(expr, nodes.Name):
        return expr.name
    if isinstance(expr, nodes.Attribute) and _subject_text(expr.expr) is not None:
        return expr.as_string()
    if isinstance(expr, nodes.Subscript) and isinstance(expr.slice, nodes.Const) \
            and _subject_text(expr.value) is not None:
        return expr.as_string()
    return None


def _constants(expr: nodes.NodeNG, single: bool = False) -> Optional[frozenset]:
    """The constants an expression spells: a literal, or a dotted CONSTANT (``ModeKeys.TRAIN``)."""
    if single or not isinstance(expr, (nodes.Tuple, nodes.List, nodes.Set)):
        if isinstance(expr, nodes.Const):
            return frozenset({repr(expr.value) if expr.value is not None else "None"})
        if isinstance(expr, nodes.Attribute) and expr.attrname.isupper() and _subject_text(expr) is not None:
            return frozenset({expr.as_string()})
        return None
    parts = [_constants(e, single=True) for e in expr.elts]
    return None if None in parts else frozenset().union(*parts)


def _contradict(first: _Guard, second: _Guard) -> bool:
    if first.values is None or second.values is None:
        return first.values is None and second.values is None and first.positive != second.positive
    if first.positive and second.positive:
        return not first.values & second.values
    if first.positive != second.positive:
        inside, outside = (first, second) if first.positive else (second, first)
        return inside.values <= outside.values
    return False


def _subject_changes(first: _Guard, second: _Guard, frame: nodes.NodeNG) -> bool:
    """Is the tested value assigned between the two ifs, or anywhere in a loop around both?"""
    start, end = sorted((first.if_node, second.if_node), key=position)
    loop = common_loop(first.if_node, second.if_node, frame)
    for target in own_nodes(frame, (nodes.AssignName, nodes.AssignAttr, nodes.Subscript)):
        if isinstance(target, nodes.Subscript) and not isinstance(target.parent, (nodes.Assign, nodes.AugAssign)):
            continue
        text = target.name if isinstance(target, nodes.AssignName) else target.as_string()
        if text != first.subject:
            continue
        if (loop is not None and is_inside(target, loop)) or position(start) <= position(target) < position(end):
            return True
    return False


def _child_parent_pairs(node: nodes.NodeNG) -> Iterator[Tuple[nodes.NodeNG, nodes.NodeNG]]:
    child = node
    for parent in node.node_ancestors():
        yield child, parent
        child = parent


def _branch(parent: nodes.NodeNG, child: nodes.NodeNG) -> str:
    for field in ("body", "orelse", "handlers", "finalbody"):
        value = getattr(parent, field, None)
        if value is child or (isinstance(value, list) and any(c is child for c in value)):
            return field
    return "test"


# --- loops ---------------------------------------------------------------------------------------------


def loops_between(node: nodes.NodeNG, stop: Optional[nodes.NodeNG] = None) -> List[nodes.NodeNG]:
    """The for / while loops and comprehensions around ``node`` below ``stop`` (default: its frame),
    innermost first. A node in a comprehension's ``for ... in ...`` / ``if`` clause meets that clause
    (a ``Comprehension`` node) before the comprehension itself."""
    stop = stop if stop is not None else node.frame()
    return [p for p in ancestors_below(node, stop) if p.__class__ in _LOOP_CLASSES]


def enclosing_loop(node: nodes.NodeNG) -> Optional[nodes.NodeNG]:
    """The innermost for / while loop or comprehension around ``node`` within its frame."""
    loops = loops_between(node)
    return loops[0] if loops else None


def enclosing_for(node: nodes.NodeNG) -> Optional[nodes.For]:
    """The innermost ``for`` statement whose *body* holds ``node``, within its frame (not its ``else``,
    not its iterable)."""
    child = node
    for parent in ancestors_below(node, node.frame()):
        if isinstance(parent, NESTED_SCOPES):
            return None
        if isinstance(parent, nodes.For) and child in parent.body:
            return parent
        child = parent
    return None


def common_loop(a: nodes.NodeNG, b: nodes.NodeNG, stop: nodes.NodeNG) -> Optional[nodes.NodeNG]:
    """The innermost for / while loop below ``stop`` that contains both ``a`` and ``b``."""
    around_a = [p for p in ancestors_below(a, stop) if isinstance(p, LOOPS)]
    for parent in ancestors_below(b, stop):
        if isinstance(parent, LOOPS) and any(parent is loop for loop in around_a):
            return parent
    return None


# --- order ---------------------------------------------------------------------------------------------


def position(node: nodes.NodeNG) -> Tuple[int, int]:
    return (node.fromlineno or 0, node.col_offset or 0)


def source_before(a: nodes.NodeNG, b: nodes.NodeNG) -> bool:
    """Does ``a`` start before ``b`` in the source (line, then column)?"""
    return position(a) < position(b)


def statement_of(node: nodes.NodeNG) -> nodes.NodeNG:
    try:
        return node.statement()
    except Exception:  # pylint: disable=broad-exception-caught  # a node outside any statement
        return node


def statement_before(a: nodes.NodeNG, b: nodes.NodeNG) -> bool:
    """Is the statement holding ``a`` another one than ``b``'s, and does it start first?"""
    first, second = statement_of(a), statement_of(b)
    return first is not second and position(first) < position(second)


# --- walks ---------------------------------------------------------------------------------------------


_FUNCTIONS = (nodes.FunctionDef, nodes.AsyncFunctionDef)
_FRAMES = (nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.Lambda, nodes.Module)
_OWN_INDEXED = (nodes.Call, nodes.Return)  # each frame's own nodes of these kinds come from the module index


def own_nodes(root: nodes.NodeNG, kinds: Optional[Kinds] = None) -> Iterator[nodes.NodeNG]:
    """The nodes that run when ``root`` runs, in source order: for a function, lambda or module its body;
    for any other node its subtree. Nested functions, lambdas and classes are yielded but not entered.
    With ``kinds``, only nodes of those classes are yielded."""
    if kinds in _OWN_INDEXED and isinstance(root, _FRAMES):  # the most asked walks: indexed
        return iter(_module_index(root.root()).own(kinds).get(id(root), ()))
    if isinstance(root, _FUNCTIONS):  # a function's body is asked about several times (bindings, returns...)
        preorder = module_cached("own-nodes", root, lambda: _body_preorder(root), [])
        return iter(preorder if kinds is None else [node for node in preorder if isinstance(node, kinds)])
    return _own_nodes(root, kinds)


def _body_preorder(function: nodes.NodeNG) -> List[nodes.NodeNG]:
    """``list(_own_nodes(function, None))``, by recursion: 40 % faster than the generator's explicit stack
    (no reversed child lists); pylint's walker, which met these nodes already, recurses as deep."""
    found: List[nodes.NodeNG] = []
    append = found.append

    def visit(node: nodes.NodeNG) -> None:
        append(node)
        if node.__class__ not in NESTED_SCOPE_CLASSES:
            for child in node.get_children():
                visit(child)

    for statement in function.body:
        visit(statement)
    return found


def _own_nodes(root: nodes.NodeNG, kinds: Optional[Kinds]) -> Iterator[nodes.NodeNG]:
    if isinstance(root, nodes.Lambda):
        stack = [root.body]
    elif isinstance(root, (nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.Module)):
        stack = list(reversed(root.body))
    else:
        stack = list(reversed(list(root.get_children())))
    while stack:
        current = stack.pop()
        if kinds is None or isinstance(current, kinds):
            yield current
        if not isinstance(current, NESTED_SCOPES):
            stack.extend(reversed(list(current.get_children())))


def module_nodes(module: nodes.NodeNG, kinds: Kinds) -> List[nodes.NodeNG]:
    """``module.nodes_of_class(kinds)`` (module itself excluded), from one walk per module shared by every
    analysis: astroid's recursive generator made each whole-module walk cost as much as the first. Nodes of
    one class come in the walk's (source) order; of several classes, by where each starts."""
    return _module_index(module).nodes_of(kinds)


def attribute_targets(function: nodes.NodeNG) -> List[nodes.AssignAttr]:
    """``function.nodes_of_class(nodes.AssignAttr)`` (nested functions and classes included), from the
    module's index: every method of every class is asked which ``self.x`` it assigns."""

    def compute() -> dict:
        table: dict = {}
        for target in module_nodes(module, nodes.AssignAttr):
            for ancestor in target.node_ancestors():
                if isinstance(ancestor, _FUNCTIONS):
                    table.setdefault(id(ancestor), []).append(target)
        return table

    module = function.root()
    return module_cached("attribute-targets", module, compute, {}).get(id(function), [])


def module_groups(module: nodes.Module, kinds: Kinds, key_of, kind: str) -> dict:
    """key -> the module's nodes of ``kinds`` with that key (``key_of(node)``; None leaves a node out), in
    source order, memoised under ``kind``."""

    def compute() -> dict:
        out: dict = {}
        for node in module_nodes(module, kinds):
            key = key_of(node)
            if key is not None:
                out.setdefault(key, []).append(node)
        return out

    return module_cached(kind, module, compute, {})


# --- the module index: from pylint's walk when the checkers recorded it, else from a walk of ours -----

# The node classes the checkers record while pylint walks a module (checkers/_base.py): every whole-module
# question the analyses ask is about these, so pylint's walk, which happens anyway, replaces a walk of ours.
RECORDED_KINDS = (nodes.Call, nodes.BinOp, nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.ClassDef,
                  nodes.Import, nodes.ImportFrom, nodes.Attribute, nodes.AssignAttr,
                  nodes.For, nodes.AsyncFor, nodes.While, nodes.Return, nodes.Lambda, *COMPREHENSIONS)
INNER_SCOPES = (*NESTED_SCOPES, *COMPREHENSIONS)  # every scope with names of its own but the module


def adopt_walk(module: nodes.Module, recorded: Dict[type, List[nodes.NodeNG]]) -> None:
    """Index the module from the nodes of RECORDED_KINDS that pylint's walk met (node class -> those nodes,
    in the walk's order), unless a question already built its index (that one stays); then empty the lists
    for the next module's walk."""
    met = {kind: found[:] for kind, found in recorded.items() if found}
    module_cached("module-index", module, lambda: _RecordedIndex(module, met))
    clear_walk(recorded)


def clear_walk(recorded: Dict[type, List[nodes.NodeNG]]) -> None:
    for found in recorded.values():
        found.clear()


@functools.lru_cache(maxsize=None)
def _recorded_covers(kinds: Kinds) -> bool:
    """Is every node of ``kinds`` (subclasses too: AsyncFunctionDef is a FunctionDef) a recorded one?"""
    classes = [cls for cls in nodes.ALL_NODE_CLASSES if isinstance(cls, type)]  # the list holds a factory too
    return all(cls in RECORDED_KINDS for cls in classes if issubclass(cls, kinds))


class _Index:
    """What both module indexes share: the module's nodes by class (each class's in the walk's order), the
    nodes of each asked kinds chosen from them once, and each frame's own nodes of a kind, grouped once by
    the frame that owns them (``_owner``)."""

    def __init__(self, module: nodes.Module, by_class: Dict[type, List[nodes.NodeNG]]) -> None:
        self.module = module
        self.by_class = by_class
        self.by_kind: dict = {}
        self._own: dict = {}

    def nodes_of(self, kinds: Kinds) -> List[nodes.NodeNG]:
        found = self.by_kind.get(kinds)
        if found is None:
            chosen = [met for cls, met in self.by_class.items() if issubclass(cls, kinds)]
            # Nodes of several classes (functions and async functions, loops, scopes): in source order,
            # by where each starts (where two start at one place, the classes' order decides).
            found = chosen[0] if len(chosen) == 1 else sorted(itertools.chain.from_iterable(chosen), key=_start)
            self.by_kind[kinds] = found
        return found

    def own(self, kind: type) -> dict:
        """id(frame) -> the frame's own nodes of ``kind`` (what ``own_nodes(frame, kind)`` yields)."""
        if kind not in self._own:
            out: dict = {}
            for node in self.nodes_of(kind):
                owner = _owner(node, self.module)
                if owner is not None:
                    out.setdefault(id(owner), []).append(node)
            self._own[kind] = out
        return self._own[kind]


def _start(node: nodes.NodeNG) -> Tuple[int, int]:
    return (node.lineno or 0, node.col_offset or 0)


class _RecordedIndex(_Index):
    """The index of a module pylint walked while a checker recorded: its nodes of RECORDED_KINDS, by class;
    any other kind asks a full walk of ours."""

    def __init__(self, module: nodes.Module, recorded: Dict[type, List[nodes.NodeNG]]) -> None:
        super().__init__(module, recorded)
        self._full: Optional[_ModuleIndex] = None

    def nodes_of(self, kinds: Kinds) -> List[nodes.NodeNG]:
        if not _recorded_covers(kinds):
            if self._full is None:
                self._full = _ModuleIndex(self.module)
            return self._full.nodes_of(kinds)
        return super().nodes_of(kinds)


def _owner(node: nodes.NodeNG, module: nodes.Module) -> Optional[nodes.NodeNG]:
    """The frame whose own nodes (``own_nodes``) include node: the innermost function or lambda whose body
    holds it, the module at top level; None under a class body, a decorator, a default or an annotation."""
    child, parent = node, node.parent
    while parent is not None and parent is not module:
        if parent.__class__ in NESTED_SCOPE_CLASSES:
            if isinstance(parent, nodes.Lambda):
                return parent if child is parent.body else None
            if isinstance(parent, _FUNCTIONS):  # its body holds statements; decorators, arguments do not
                return parent if child.is_statement else None
            return None
        child, parent = parent, parent.parent
    return module


class _ModuleIndex(_Index):
    """Every node of a module, by class, from one walk of ours in source order (runs outside pylint, node
    classes pylint's walk did not record)."""

    def __init__(self, module: nodes.Module) -> None:
        by_class: Dict[type, List[nodes.NodeNG]] = {}
        stack = list(module.get_children())
        stack.reverse()
        while stack:
            current = stack.pop()
            by_class.setdefault(current.__class__, []).append(current)
            children = list(current.get_children())
            children.reverse()
            stack += children
        super().__init__(module, by_class)


def _module_index(module: nodes.NodeNG):
    return module_cached("module-index", module, lambda: _ModuleIndex(module))


def names_in(expr: nodes.NodeNG) -> Iterator[nodes.Name]:
    """The ``Name`` loads in ``expr`` (``expr`` itself included), not inside nested scopes."""
    if isinstance(expr, nodes.Name):
        yield expr
    if not isinstance(expr, NESTED_SCOPES):
        yield from own_nodes(expr, nodes.Name)


def returned_values(function: nodes.NodeNG) -> List[nodes.NodeNG]:
    """What a function or lambda returns: the lambda's body, or the values of its own ``return``s."""
    if isinstance(function, nodes.Lambda):
        return [function.body]
    return [r.value for r in own_nodes(function, nodes.Return) if r.value is not None]


# --- text ----------------------------------------------------------------------------------------------


def short_text(node: nodes.NodeNG, limit: int = 40) -> str:
    """The node's source as astroid prints it, cut to ``limit`` characters with '...'."""
    text = node.as_string()
    return text if len(text) <= limit else text[: limit - 3] + "..."


def last_name(expr: Optional[nodes.NodeNG]) -> Optional[str]:
    """``a.b.c`` -> ``c``, ``a`` -> ``a``; None for anything else."""
    if isinstance(expr, nodes.Name):
        return expr.name
    if isinstance(expr, nodes.Attribute):
        return expr.attrname
    return None


def name_matches(pattern: Pattern, name: Optional[str]) -> bool:
    """Does a names option (a regular expression) match ``name`` whole, as written or lower-cased?"""
    return bool(name) and (pattern.fullmatch(name) is not None or pattern.fullmatch(name.lower()) is not None)
