"""What a module-level name of another project file stands for, read with the standard library's ``ast``.

Knowing that ``from .cells import MyCell`` names a subclass of a TF cell needs only ``cells.py``'s class
statement and its bases, seen through that file's own imports. Having astroid build that module costs far
more: its builder infers attribute assignments and class types, which loads TensorFlow's own modules (a
30-line script importing one cell class from its project took seconds to lint on its own). Here the file
is parsed by ``ast`` (a C parser) once per process and modification time, and only its module-level
bindings are looked at.

The resolution follows :mod:`pylint_rnn.core.tfapi`'s rules for the linted module (an import gives its
dotted path, ``X = a.b`` the path of ``a.b``, a class the path of its first base that names an API, a name
bound nowhere an implied module), and knows no library: the caller passes a :class:`Knowledge`. Two
simplifications against astroid's position-aware lookup: a name bound several times is read through the
bindings that precede its use (the last one in the module body, and any in nested blocks after it), and a
star import from a library module binds nothing (its names are unknown without importing the library).
"""
from __future__ import annotations

import ast
import functools
import os
from typing import Callable, Dict, List, NamedTuple, Optional, Tuple

from pylint_rnn.core import project

# How deep a chain of aliases and re-exports is followed: the same bound as tfapi's.
MAX_DEPTH = 8


class Knowledge(NamedTuple):
    """What the caller knows about library names, so that this module knows none."""

    is_api: Callable[[str], bool]  # does a dotted path name a library API (a class deriving from it counts)
    is_library_root: Callable[[str], bool]  # a top-level package that is never the user's project
    implied_module: Callable[[str], Optional[str]]  # a name bound nowhere, read as a module (tf)
    implied_packages: frozenset  # unbound names read as a module only for some attributes (rnn_cell)
    implied_attribute: Callable[[str, str], Optional[str]]  # the path of rnn_cell.X, or None


class _Source(NamedTuple):
    """One parsed project file: its module name and its module-level bindings, in source order."""

    name: str
    path: str
    package: bool
    bindings: Dict[str, List[ast.AST]]
    stars: List[ast.ImportFrom]
    top_level: frozenset  # ids of the bindings made by statements directly in the module body
    class_paths: Dict[int, Optional[str]]  # filled as classes are asked about


_IN_PROGRESS = object()


def name_path(context_file: Optional[str], modname: str, name: str, knowledge: Knowledge,
              depth: int = 0) -> Optional[str]:
    """The library path (``tensorflow.nn.rnn_cell.LSTMCell``) that ``name``, bound at module level in
    the project module ``modname`` (found from ``context_file``'s folder), stands for; None otherwise."""
    if depth > MAX_DEPTH:
        return None
    folder = os.path.dirname(context_file) if isinstance(context_file, str) else None
    path = project.file_of_module(modname, folder)
    if path is None or not project.text_may_define(path, name):
        return None
    source = _source(path, modname, _mtime(path))
    if source is None:
        return None
    found = _one_path(source, _bindings(source, name, None), name, depth + 1, knowledge)
    return found if found is not None and knowledge.is_library_root(found.split(".")[0]) else None


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0


@functools.lru_cache(maxsize=512)
def _source(path: str, modname: str, _mtime_ns: int) -> Optional[_Source]:
    try:
        with open(path, "rb") as handle:
            module = ast.parse(handle.read(), filename=path)
    except (OSError, SyntaxError, ValueError):
        return None
    bindings: Dict[str, List[ast.AST]] = {}
    stars: List[ast.ImportFrom] = []
    top_level: set = set()
    _collect(module.body, bindings, stars, top_level)
    return _Source(modname, path, os.path.basename(path) == "__init__.py", bindings, stars, frozenset(top_level),
                   {})


def _collect(body: list, bindings: Dict[str, List[ast.AST]], stars: list, top_level: Optional[set]) -> None:
    """Module-level bindings: statements of the body and of the blocks (if, try, loops, with) inside it;
    ``top_level`` (only for the module body itself) receives the ids of the bindings its statements make."""
    def bind(name: str, binding: ast.AST) -> None:
        binding = _slim(binding)
        bindings.setdefault(name, []).append(binding)
        if top_level is not None:
            top_level.add(id(binding))

    for statement in body:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                bind(alias.asname or alias.name.split(".")[0], statement)
        elif isinstance(statement, ast.ImportFrom):
            for alias in statement.names:
                if alias.name == "*":
                    stars.append(statement)
                else:
                    bind(alias.asname or alias.name, statement)
        elif isinstance(statement, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            bind(statement.name, statement)
            continue  # their bodies are scopes of their own
        elif isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                _bind_target(target, statement, bind)
        for child in _blocks(statement):
            _collect(child, bindings, stars, None)
        _bind_other_targets(statement, bind)


def _slim(binding: ast.AST) -> ast.AST:
    """What the process-wide cache keeps of a binding: a class its name, bases and line; any other block
    statement (a def, a loop or ``with`` binding its target) only its line, as it binds to something
    unknown. Bodies kept here held every read file's whole tree alive, and the collector's full passes,
    which walk everything alive, grew with them."""
    if isinstance(binding, ast.ClassDef):
        return ast.ClassDef(name=binding.name, bases=binding.bases, keywords=[], body=[], decorator_list=[],
                            lineno=binding.lineno)
    if isinstance(binding, ast.stmt) and any(isinstance(getattr(binding, block, None), list) and
                                             getattr(binding, block) for block in ("body", "orelse", "handlers")):
        return ast.Pass(lineno=binding.lineno)
    return binding


def _bind_target(target: ast.AST, statement: ast.stmt, bind) -> None:
    """``X = value`` binds X to value; unpacking, ``X += ...`` and annotations alone bind it to unknown."""
    if isinstance(target, ast.Name):
        plain = isinstance(statement, ast.Assign) or (isinstance(statement, ast.AnnAssign) and statement.value)
        bind(target.id, statement.value if plain else statement)
    else:
        for name in ast.walk(target):
            if isinstance(name, ast.Name):
                bind(name.id, statement)


def _blocks(statement: ast.stmt) -> list:
    blocks = [getattr(statement, attr, None) for attr in ("body", "orelse", "finalbody")]
    blocks += [handler.body for handler in getattr(statement, "handlers", ())]
    blocks += [case.body for case in getattr(statement, "cases", ())]
    return [block for block in blocks if isinstance(block, list)]


def _bind_other_targets(statement: ast.stmt, bind) -> None:
    """Loop targets, ``with ... as``, ``except ... as`` and ``:=`` bind names to something unknown."""
    targets = []
    if isinstance(statement, (ast.For, ast.AsyncFor)):
        targets.append(statement.target)
    if isinstance(statement, (ast.With, ast.AsyncWith)):
        targets += [item.optional_vars for item in statement.items if item.optional_vars is not None]
    for handler in getattr(statement, "handlers", ()):
        if handler.name:
            bind(handler.name, handler)
    for target in targets:
        for name in ast.walk(target):
            if isinstance(name, ast.Name):
                bind(name.id, statement)
    for part in _own_expressions(statement):
        for walrus in ast.walk(part):
            if isinstance(walrus, ast.NamedExpr) and isinstance(walrus.target, ast.Name):
                bind(walrus.target.id, walrus)


def _own_expressions(statement: ast.stmt) -> list:
    """The expressions of a statement itself, not of the blocks inside it."""
    return [value for name, value in ast.iter_fields(statement)
            if isinstance(value, ast.expr) and name not in ("target", "targets")]


def _bindings(source: _Source, name: str, used_at: Optional[int]) -> List[ast.AST]:
    """The bindings of name (star imports from project modules included); with ``used_at`` (a line),
    those that precede the use: the last one in the module body and any in nested blocks after it."""
    found = list(source.bindings.get(name, ()))
    if not found:
        found = [star for star in source.stars if _star_may_bind(source, star, name)]
    if used_at is None or len(found) < 2:
        return found
    before = [binding for binding in found if getattr(binding, "lineno", 0) < used_at] or found
    top = [index for index, binding in enumerate(before) if id(binding) in source.top_level]
    return before[top[-1]:] if top else before


def _star_may_bind(source: _Source, star: ast.ImportFrom, name: str) -> bool:
    """Only a project module's star import can be read; it binds name if that file's text may."""
    modname = _absolute_name(source, star.module or "", star.level)
    if not modname:
        return False
    path = project.file_of_module(modname, os.path.dirname(source.path))
    return path is not None and project.text_may_define(path, name)


def _one_path(source: _Source, bindings: list, name: str, depth: int, knowledge: Knowledge) -> Optional[str]:
    paths = set()
    for binding in bindings:
        paths.add(_path_of_binding(source, binding, name, depth, knowledge))
        if len(paths) > 1:
            return None
    return paths.pop() if len(paths) == 1 else None


def _path_of_binding(source: _Source, binding: ast.AST, name: str, depth: int,
                     knowledge: Knowledge) -> Optional[str]:
    if depth > MAX_DEPTH:
        return None
    if isinstance(binding, ast.Import):
        for alias in binding.names:
            if alias.asname == name:
                return alias.name
            if alias.asname is None and alias.name.split(".")[0] == name:
                return name
        return None
    if isinstance(binding, ast.ImportFrom):
        return _import_from_path(source, binding, name, depth, knowledge)
    if isinstance(binding, ast.ClassDef):
        return _class_path(source, binding, knowledge)
    if isinstance(binding, ast.expr) and not isinstance(binding, ast.NamedExpr):
        return _expression_path(source, binding, depth + 1, knowledge)  # the value of ``name = value``
    return None


def _import_from_path(source: _Source, binding: ast.ImportFrom, name: str, depth: int,
                      knowledge: Knowledge) -> Optional[str]:
    original = next((alias.name for alias in binding.names if (alias.asname or alias.name) == name), None)
    if original is None and not any(alias.name == "*" for alias in binding.names):
        return None
    modname = _absolute_name(source, binding.module or "", binding.level)
    if modname is None:
        return None
    if not binding.level and knowledge.is_library_root(modname.split(".")[0]):
        return f"{modname}.{original}" if original else None  # a library's star import: names unknown
    if original is None:
        return name_path(source.path, modname, name, knowledge, depth)
    plain = f"{modname}.{original}" if modname else original
    if project.file_of_module(plain, os.path.dirname(source.path)) is not None:
        return plain  # a submodule
    return name_path(source.path, modname, original, knowledge, depth) or plain


def _absolute_name(source: _Source, modname: str, level: int) -> Optional[str]:
    """astroid's ``relative_to_absolute_name`` for the file's module name."""
    if not level:
        return modname
    folder = os.path.dirname(source.path)
    if source.package:
        level -= 1
        package = source.name.rsplit(".", level)[0] if level else source.name
    elif not os.path.exists(os.path.join(folder, "__init__.py")) \
            and os.path.exists(os.path.join(folder, modname.split(".")[0])):
        level -= 1
        package = ""
    else:
        package = source.name.rsplit(".", level)[0]
    if level and source.name.count(".") < level:
        return None
    if package:
        return f"{package}.{modname}" if modname else package
    return modname


def _class_path(source: _Source, classdef: ast.ClassDef, knowledge: Knowledge) -> Optional[str]:
    """A class counts as the API its first API base names; a hierarchy that loops gives None."""
    known = source.class_paths.get(id(classdef), None)
    if known is _IN_PROGRESS or id(classdef) in source.class_paths:
        return None if known is _IN_PROGRESS else known
    source.class_paths[id(classdef)] = _IN_PROGRESS
    found = None
    for base in classdef.bases:
        path = _expression_path(source, base, 0, knowledge)
        if path and knowledge.is_api(path):
            found = path
            break
    source.class_paths[id(classdef)] = found
    return found


def _expression_path(source: _Source, expr: ast.expr, depth: int, knowledge: Knowledge) -> Optional[str]:
    """The dotted path a Name/Attribute chain at module level stands for, or None."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(expr, ast.Attribute):
        inner = expr.value
        if isinstance(inner, ast.Name) and inner.id in knowledge.implied_packages \
                and not _bindings(source, inner.id, None):
            return knowledge.implied_attribute(inner.id, expr.attr)
        base = _expression_path(source, inner, depth + 1, knowledge)
        if base is None:
            return None
        if not knowledge.is_library_root(base.split(".")[0]) \
                and project.file_of_module(base, os.path.dirname(source.path)) is not None:
            return name_path(source.path, base, expr.attr, knowledge, depth) or f"{base}.{expr.attr}"
        return f"{base}.{expr.attr}"
    if isinstance(expr, ast.Name):
        bindings = _bindings(source, expr.id, getattr(expr, "lineno", None))
        if not bindings:
            return knowledge.implied_module(expr.id)
        return _one_path(source, bindings, expr.id, depth, knowledge)
    return None


def bound_names(path: str, modname: str) -> Tuple[str, ...]:
    """The names a project file binds at module level (for tests and diagnostics)."""
    source = _source(path, modname, _mtime(path))
    return tuple(source.bindings) if source is not None else ()
