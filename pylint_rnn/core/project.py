"""Other modules of the user's own project, read only when a question needs them.

A project often defines its cells in one module (``class MyCell(tf.nn.rnn_cell.LSTMCell)`` in
``cells.py``) and uses them in another (``from .cells import MyCell``, ``import pkg.cells as c``). Knowing
that ``MyCell(8)`` is a cell means reading ``cells.py``. Parsing costs far more than reading text, so a
module is parsed only when all of these hold:

- the import names the user's project: a relative import, or an absolute one whose file is neither in the
  standard library nor in an installed package (``site-packages`` / ``dist-packages``);
- the module's text may bind the imported name to a class with bases: ``class MyCell(Base)``, an alias
  ``MyCell = ...``, a re-export ``from .x import MyCell`` (or any star import); a module that only defines
  a function of that name, or a class with no bases but ``object``, needs no parsing to know that the name
  stands for no API.

Nothing here knows TensorFlow. Such a module is never built with astroid: :mod:`pylint_rnn.core.project_source`
reads its module-level bindings with the standard library's ``ast`` and :mod:`pylint_rnn.core.tfapi` gives
it the TensorFlow knowledge. Answers are cached for the process per file (and its modification time).
"""
from __future__ import annotations

import functools
import os
import re
import sys
from typing import FrozenSet, Optional, Tuple

from astroid import modutils, nodes


_INSTALLED = ("site-packages", "dist-packages")
# A star import may bind any name: such a module is parsed whenever it is asked about.
_DEFINES_ANY = re.compile(rb"^\s*from\s+\S+\s+import\s+\*", re.MULTILINE)
# What may bind a name to an API: a class statement (group 2 matches when it has no bases, group 3 when its
# only base is ``object``), ``Name = ...`` / ``Name: T = ...``, or an import naming it (a re-export, on one
# line or in parentheses).
_CLASS = re.compile(rb"\bclass\s+(\w+)(?:(\s*(?:\(\s*\))?\s*:)|(\s*\(\s*object\s*\)\s*:))?")
_ASSIGNED = re.compile(rb"^[ \t]*(\w+)[ \t]*(?::[^=\n]*)?=(?!=)", re.MULTILINE)
_IMPORTED = re.compile(rb"\bimport\s*\(([^)]*)|\bimport\b([^\n(]*)")
_WORD = re.compile(rb"\w+")


def _names_that_may_bind(text: bytes) -> FrozenSet[bytes]:
    """Every name the text may bind to something other than a function or a plain class, in one pass
    per file: each question is then a set lookup (a regex per name read the whole file again)."""
    names = set(_ASSIGNED.findall(text))
    for in_parentheses, on_line in _IMPORTED.findall(text):
        names.update(_WORD.findall(in_parentheses or on_line))
    rebinds_object = b"object" in names
    names.update(match.group(1) for match in _CLASS.finditer(text)
                 if match.group(2) is None and (match.group(3) is None or rebinds_object))
    return frozenset(names)


def absolute_module_name(binding: nodes.ImportFrom) -> Optional[str]:
    """The absolute name of the module a ``from ... import`` reads (``from . import x`` in ``pkg.m`` gives
    ``pkg``); None when a relative import cannot be placed."""
    if not binding.level:
        return binding.modname
    try:
        return binding.root().relative_to_absolute_name(binding.modname, binding.level)
    except Exception:  # a relative import beyond the top-level package: nothing to read
        return None


def module_file(context: nodes.Module, modname: str) -> Optional[str]:
    """The source file of a project module seen from ``context``, or None (stdlib, installed, not found)."""
    folder = os.path.dirname(context.file) if isinstance(context.file, str) else None
    return _module_file(modname, folder)


@functools.lru_cache(maxsize=4096)
def _module_file(modname: str, folder: Optional[str]) -> Optional[str]:
    """Cached for the process (strings only, no tree): every module of a folder asks about ``numpy``."""
    root = modname.split(".")[0]
    if not root or modutils.is_stdlib_module(root) or not _may_be_project(modname, folder):
        return None
    if "." in modname and _is_installed(_found_path(root, folder)):
        return None  # a submodule of an installed package is installed: no search for sklearn.metrics.x
    path = _found_path(modname, folder)
    if not path or not path.endswith(".py") or _is_installed(path):
        return None
    return path


@functools.lru_cache(maxsize=4096)
def _found_path(modname: str, folder: Optional[str]) -> Optional[str]:
    """Where the import system finds ``modname`` from ``folder`` (a file-system search), or None."""
    try:
        context_file = os.path.join(folder, "_") if folder else None  # only its folder matters
        return modutils.file_from_modpath(modname.split("."), context_file=context_file)
    except Exception:  # not importable from here
        return None


# Finders besides the path that astroid's search consults too (astroid.interpreter._import.spec).
_HOOK_FINDERS = frozenset({"_EditableFinder", "_EditableNamespaceFinder", "_SixMetaPathImporter"})


def _may_be_project(modname: str, folder: Optional[str]) -> bool:
    """Could astroid's search find ``modname`` in the user's project? False when, following its dotted parts
    through the folders the search looks in (``folder``, then ``sys.path``, in order), some part has no
    entry of that name, or the first folder holding the top-level name is an installed one; and no
    editable-install hook knows that name. astroid's search walks every path entry with several finders
    (~1.5 ms a name; pylint puts each linted project's root on the path), and most imports of real scripts
    name an installed package, one that is not installed, or a function of a module (``pkg.utils.pad``)."""
    root, *rest = modname.split(".")
    if root in sys.modules or any(_hook_knows(finder, root) for finder in sys.meta_path if _is_hook(finder)):
        return True
    # The linted file's folder may gain files during a long run (an editor, the fix engine): its listing
    # is keyed by modification time. The import path's entries are read once, like _found_path's answers.
    places = list(_path_places(tuple(sys.path)))
    if folder:
        try:
            places.insert(0, _entry_names(folder, os.stat(folder).st_mtime_ns))
        except OSError:
            pass  # the linted file's folder is gone: the import path alone
    for depth, part in enumerate((root, *rest)):
        if None in places:
            return True  # an archive on the path: search it for real
        places = [_entry_names(os.path.join(place, part)) for place, names in places if part in names]
        if not places:
            return False
        if depth == 0 and places[0] is not None and _is_installed(places[0][0]):
            return False  # the first folder holding the name is an installed package's
    return True


@functools.lru_cache(maxsize=8)
def _path_places(entries: Tuple[str, ...]) -> Tuple[Optional[Tuple[str, FrozenSet[str]]], ...]:
    """The listings of the import path's entries, made absolute once per path (pylint's holds ~140)."""
    return tuple(_entry_names(os.path.abspath(entry or os.curdir)) for entry in entries)


def _is_hook(finder) -> bool:
    return getattr(finder, "__name__", None) in _HOOK_FINDERS or type(finder).__name__ in _HOOK_FINDERS


def _hook_knows(finder, root: str) -> bool:
    try:
        return finder.find_spec(root, None) is not None
    except Exception:  # a third-party hook: let the real search decide
        return True


@functools.lru_cache(maxsize=4096)
def _entry_names(folder: str, _stamp: int = 0) -> Optional[Tuple[str, FrozenSet[str]]]:
    """(folder, the names before the first dot of its entries): a superset of the modules it holds; no
    names when there is no such folder; None for a path entry that is a file (a zip archive)."""
    if os.path.isfile(folder):
        return None
    try:
        return folder, frozenset(name.split(".", 1)[0] for name in os.listdir(folder))
    except OSError:
        return folder, frozenset()


def _is_installed(path: Optional[str]) -> bool:
    return bool(path) and any(part in _INSTALLED for part in os.path.normpath(path).split(os.sep))


def is_project_module(context: nodes.Module, modname: str) -> bool:
    """Is ``modname`` a module (or package) of the user's own project, seen from ``context``?"""
    return module_file(context, modname) is not None


def file_of_module(modname: str, folder: Optional[str]) -> Optional[str]:
    """The source file of a project module seen from a folder, or None (stdlib, installed, not found)."""
    return _module_file(modname, folder)


def text_may_define(path: str, name: str) -> bool:
    """Cheap, textual: may the project file bind ``name`` to something other than a function or a class
    with no bases (or only ``object``)?"""
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        return False
    binds_any, names = _text_bindings(path, stamp)
    return binds_any or name.encode() in names


@functools.lru_cache(maxsize=1024)
def _text_bindings(path: str, _stamp: int) -> Tuple[bool, FrozenSet[bytes]]:
    """(the file has a star import, the names it may bind), read once per file and modification time."""
    try:
        with open(path, "rb") as handle:
            text = handle.read()
    except OSError:
        return False, frozenset()
    return _DEFINES_ANY.search(text) is not None, _names_that_may_bind(text)
