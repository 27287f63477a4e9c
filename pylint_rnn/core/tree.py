"""Questions about the shape of the tree that every analysis asks: ancestry, order, own-body walks, text.

Plain astroid, no inference. "Own body" means what runs when a function (or module) runs: nested
functions, lambdas and classes are not descended into, since their bodies run at another time.
"""
from __future__ import annotations

from typing import Iterator, List, Optional, Pattern, Tuple, Type, Union

from astroid import nodes

# Nodes whose body runs at another time than the code around them.
NESTED_SCOPES = (nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.Lambda, nodes.ClassDef)
LOOPS = (nodes.For, nodes.AsyncFor, nodes.While)
COMPREHENSIONS = (nodes.ListComp, nodes.SetComp, nodes.DictComp, nodes.GeneratorExp)
# Statements and expressions under which a node may not run.
CONDITIONALS = (nodes.If, nodes.IfExp, nodes.Try, nodes.BoolOp, nodes.Match)

Kinds = Union[Type[nodes.NodeNG], Tuple[Type[nodes.NodeNG], ...]]


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
    return [p for p in ancestors_below(node, stop) if isinstance(p, LOOPS + COMPREHENSIONS + (nodes.Comprehension,))]


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


def own_nodes(root: nodes.NodeNG, kinds: Optional[Kinds] = None) -> Iterator[nodes.NodeNG]:
    """The nodes that run when ``root`` runs, in source order: for a function, lambda or module its body;
    for any other node its subtree. Nested functions, lambdas and classes are yielded but not entered.
    With ``kinds``, only nodes of those classes are yielded."""
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
