"""Small questions about names that every checker asks: where is it bound, to what, in which class.

All answers come from the tree as written (astroid's lookup, never inference), and ``None`` / ``[]`` when
the tree does not say.
"""
from __future__ import annotations

from typing import Iterator, List, Optional

from astroid import nodes


def bindings_of(name: nodes.Name) -> List[nodes.NodeNG]:
    """The statements that may bind ``name`` where it is used (astroid's position-aware lookup)."""
    only = _sole_binding(name)
    if only is not None:
        return [only]
    try:
        _, bindings = name.lookup(name.name)
    except Exception:  # astroid raises on odd scopes: unknown
        return []
    return list(bindings)


def _sole_binding(name: nodes.Name) -> Optional[nodes.NodeNG]:
    """The binding astroid's lookup returns when neither position nor scope rules can change it (it filters
    statements by position and costs ~15 µs an ask): a function's parameter or a name bound once in the
    function (or module) that uses it, by a statement that ends before the use; or a name bound once at
    module level, used in a function. None: ask astroid."""
    key, child, scope = name.name, name, name.parent
    while not isinstance(scope, nodes.LocalsDictNodeNG):
        if scope is None or isinstance(scope, (nodes.Decorators, nodes.NamedExpr, nodes.Arguments)):
            return None  # astroid looks these up in another scope than the one around them
        child, scope = scope, scope.parent
    if not child.is_statement:
        return None  # a return annotation, a lambda's body: astroid's rules differ there
    bound = scope.locals.get(key)
    if bound is None:
        if not isinstance(scope, nodes.FunctionDef):
            return None
        outer = _bindings_above(key, scope.parent)  # bound in no scope on the way but, maybe, the module
        return outer[0] if outer is not None and len(outer) == 1 and isinstance(outer[0], _SOLE_KINDS) else None
    if len(bound) != 1 or not isinstance(scope, (nodes.FunctionDef, nodes.Module)):
        return None
    binding = bound[0]
    if isinstance(binding, nodes.AssignName) and isinstance(binding.parent, nodes.Arguments):
        return binding  # a parameter, used in its function's body
    if not isinstance(binding, _SOLE_KINDS) or isinstance(binding.parent, _ODD_BINDERS):
        return None
    statement = binding.statement()
    if statement is scope or statement.tolineno >= name.statement().fromlineno:
        return None
    return binding


_SOLE_KINDS = (nodes.AssignName, nodes.FunctionDef, nodes.ClassDef, nodes.Import, nodes.ImportFrom)
# Bindings astroid's lookup treats specially (a handler's name lives only in its block; ``x += 1`` reads x).
_ODD_BINDERS = (nodes.ExceptHandler, nodes.AugAssign, nodes.Comprehension)


def module_bindings(name: nodes.Name) -> Optional[list]:
    """The module's own bindings of ``name`` when no scope between the use and the module binds it (a
    global, a builtin: ``[]`` for none), or None when one does, or the node hangs in no module.

    Every scope above the name is asked (astroid's chain of scopes skips some, e.g. a decorated function
    for its decorators): a caller that gets None takes astroid's lookup, which decides."""
    return _bindings_above(name.name, name.parent)


def _bindings_above(key: str, scope: Optional[nodes.NodeNG]) -> Optional[list]:
    """module_bindings from ``scope`` upwards (a caller that has climbed part of the way goes on from there)."""
    while scope is not None:  # asked of every name a call starts with: one isinstance per ancestor
        if isinstance(scope, nodes.LocalsDictNodeNG):
            if isinstance(scope, nodes.Module):
                return scope.locals.get(key, [])
            if key in scope.locals:
                return None
        scope = scope.parent
    return None


def single_binding(name: nodes.Name) -> Optional[nodes.NodeNG]:
    """The one statement binding ``name`` at its use, or None when there are several or none."""
    bindings = bindings_of(name)
    return bindings[0] if len(bindings) == 1 else None


def enclosing_bindings(name: nodes.Name) -> Iterator[list]:
    """The bindings of ``name`` in each scope around it that binds it, innermost first (the scopes astroid's
    lookup chooses among)."""
    scope = name.parent
    while scope is not None:
        if isinstance(scope, nodes.LocalsDictNodeNG) and name.name in scope.locals:
            yield scope.locals[name.name]
        scope = scope.parent


def is_builtin(binding: nodes.NodeNG) -> bool:
    """Is this binding Python's own (``len``, ``dict``: astroid's lookup ends in the builtins module)?"""
    return binding.root().name == "builtins"


def assigned_value(binding: nodes.NodeNG) -> Optional[nodes.NodeNG]:
    """The right-hand side of ``name = value`` (plain or annotated); None for unpacking, loops, params."""
    parent = binding.parent
    if isinstance(parent, nodes.Assign) and any(t is binding for t in parent.targets):
        return parent.value
    if isinstance(parent, nodes.AnnAssign) and parent.value is not None and parent.target is binding:
        return parent.value
    return None


def is_inside(node: nodes.NodeNG, ancestor: nodes.NodeNG) -> bool:
    """Is ``ancestor`` a proper ancestor of ``node``?"""
    current = node.parent
    while current is not None:
        if current is ancestor:
            return True
        current = current.parent
    return False


def method_class(receiver: nodes.NodeNG) -> Optional[nodes.ClassDef]:
    """The class whose method we are in, when ``receiver`` is that method's first parameter (self/cls)."""
    if not isinstance(receiver, nodes.Name):
        return None
    method = receiver.frame()
    if not isinstance(method, nodes.FunctionDef) or not isinstance(method.parent, nodes.ClassDef):
        return None
    positional = (method.args.posonlyargs or []) + (method.args.args or [])
    if not positional or positional[0].name != receiver.name:
        return None
    return method.parent
