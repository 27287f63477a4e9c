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
import importlib.machinery
import os
import re
import sys
import zipimport
from typing import FrozenSet, Optional, Tuple

from astroid import modutils, nodes


_INSTALLED = ("site-packages", "dist-packages")
# Each pattern starts with a literal, which the regex engine finds by a fast scan (one that starts with ``^``
# or ``\b`` is tried at every byte of the file: 3.6x slower on the real corpus). Dropping the leading word
# boundary only adds names (``subclass X``), and a name too many only costs a parse.
# A star import may bind any name: such a module is parsed whenever it is asked about.
_STAR_IMPORT = re.compile(rb"import\s+\*")
# What may bind a name to an API: a class statement (group 2 matches when it has no bases, group 3 when its
# only base is ``object``), ``Name = ...`` / ``Name: T = ...`` at the start of a line, or an import naming
# it (a re-export, on one line or in parentheses).
_CLASS = re.compile(rb"class\s+(\w+)(?:(\s*(?:\(\s*\))?\s*:)|(\s*\(\s*object\s*\)\s*:))?")
_ASSIGNED = re.compile(rb"\n[ \t]*(\w+)[ \t]*(?::[^=\n]*)?=(?!=)")
_IMPORTED = re.compile(rb"import(?:\s*\(([^)]*)|\b([^\n(]*))")
_WORD = re.compile(rb"\w+")


def _names_that_may_bind(text: bytes) -> FrozenSet[bytes]:
    """Every name the text may bind to something other than a function or a plain class, in one pass
    per file: each question is then a set lookup (a regex per name read the whole file again)."""
    names = set(_ASSIGNED.findall(b"\n" + text))  # the first line starts after a newline, too
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
    if not root or modutils.is_stdlib_module(root):
        return None
    if "." in modname and _is_installed(_found_path(root, folder)):
        return None  # a submodule of an installed package is installed: no search for sklearn.metrics.x
    path = _found_path(modname, folder)
    if not path or not path.endswith(".py") or _is_installed(path):
        return None
    return path


def _found_path(modname: str, folder: Optional[str]) -> Optional[str]:
    """Where astroid's import search finds ``modname`` from ``folder``, or None: read from the folder
    listings when they decide it (the linted file's folder is re-listed when it changes), else by
    astroid's own file-system search."""
    listed = _listed_path(modname, folder)
    return _searched_path(modname, folder) if listed is _UNDECIDED else listed


@functools.lru_cache(maxsize=4096)
def _searched_path(modname: str, folder: Optional[str]) -> Optional[str]:
    try:
        context_file = os.path.join(folder, "_") if folder else None  # only its folder matters
        return modutils.file_from_modpath(modname.split("."), context_file=context_file)
    except Exception:  # not importable from here
        return None


# The file names astroid's path finder tries in each folder, in its order (ImportlibFinder): a package's
# ``__init__`` first, then a module, extension modules before sources.
_PACKAGE_INITS = ("__init__.py", "__init__.pyi", "__init__" + importlib.machinery.BYTECODE_SUFFIXES[0])
_MODULE_SUFFIXES = (*importlib.machinery.EXTENSION_SUFFIXES, ".py", ".pyi", importlib.machinery.BYTECODE_SUFFIXES[0])
_UNDECIDED = object()  # the listings cannot tell: astroid searches for real
_MISSING = object()  # no such module along this search


def _listed_path(modname: str, folder: Optional[str]):
    """astroid's ``file_from_modpath`` answered from folder listings: the linted file's folder first, then
    the import path. A file path, None, or _UNDECIDED when something besides folders may be involved
    (archives, import hooks, modules already imported). astroid's own search stats ~9 candidate files in
    each of ~140 path entries for every new name, through a cache of 1024 entries that a run's searches
    keep evicting (~5 ms a name)."""
    parts = modname.split(".")
    found = _MISSING
    if folder:  # it may gain files during a long run (an editor, the fix engine): keyed by modification time
        try:
            found = _listed_search(parts, [_entry_names(folder, os.stat(folder).st_mtime_ns)])
        except OSError:
            pass  # the folder is gone: the import path alone
    if found is _MISSING:
        found = _listed_search(parts, _path_places(tuple(sys.path)))
    return None if found is _MISSING else found


def _listed_search(parts: list, places) -> object:
    """One search of astroid's ``_find_spec`` through ``places`` (listings), part by part: the file found,
    None for a namespace package (no file), _MISSING (astroid's ImportError) or _UNDECIDED."""
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        found = _listed_part(part, places)
        if found is _MISSING:
            return _UNDECIDED if _may_be_found_otherwise(parts[:depth + 1]) else _MISSING
        if found is _UNDECIDED:
            return _UNDECIDED
        kind, location = found
        if kind == "module":
            if last:
                return location
            # a module file has no submodules
            return _UNDECIDED if _may_be_found_otherwise(parts[:depth + 2]) else _MISSING
        if kind == "namespace":
            if last:
                return None
            places = [_entry_names(portion) for portion in location]
            continue
        if last:
            init = os.path.join(location, "__init__.py")
            return init if os.path.isfile(init) else _UNDECIDED
        if _extends_its_path(location):
            return _UNDECIDED  # a pkgutil/pkg_resources namespace: its parts may be in every path entry
        places = [_entry_names(location)]
    return _MISSING


def _listed_part(part: str, places) -> object:
    """What astroid's finders find for one part: ("package", folder) or ("module", file) from the first
    place holding it (its path finder's order); else ("namespace", folders) for folders of that name
    without ``__init__`` (Python's path finder); _MISSING; _UNDECIDED when an archive may hold it."""
    portions = []
    archives = False
    for place in places:
        if place is None:
            archives = True  # astroid's path finder finds nothing in an archive; its zip finder comes later
            continue
        where, names = place
        if part not in names:
            continue
        location = os.path.join(where, part)
        if any(os.path.isfile(os.path.join(location, init)) for init in _PACKAGE_INITS):
            return "package", location
        for suffix in _MODULE_SUFFIXES:
            if os.path.isfile(location + suffix):
                return "module", location + suffix
        if os.path.isdir(location):
            portions.append(location)
    if archives or _zip_importers():
        return _UNDECIDED
    return ("namespace", portions) if portions else _MISSING


def _zip_importers() -> bool:
    """astroid's zip finder, tried before namespace packages, asks every archive importer Python holds.
    Python and astroid only add importers to that cache: its size tells when to look again."""
    size = len(sys.path_importer_cache)
    if _ZIP_IMPORTERS[0] != size:
        _ZIP_IMPORTERS[:] = [size, any(isinstance(importer, zipimport.zipimporter)
                                       for importer in sys.path_importer_cache.values())]
    return _ZIP_IMPORTERS[1]


_ZIP_IMPORTERS: list = [-1, False]  # [the cache's size when last looked at, whether it held an archive's]


def _may_be_found_otherwise(parts: list) -> bool:
    """Would astroid's finders after the path's find the missing module: one already imported (a namespace
    package), an archive's, or an import hook's?"""
    return ".".join(parts) in sys.modules or _zip_importers() or \
        any(_is_hook(finder) and _hook_knows(finder, parts[-1]) for finder in sys.meta_path)


@functools.lru_cache(maxsize=1024)
def _extends_its_path(package: str) -> bool:
    """A package whose ``__init__`` extends its path (``pkgutil.extend_path``, pkg_resources' namespaces)."""
    try:
        with open(os.path.join(package, "__init__.py"), "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return (b"pkgutil" in head and b"extend_path" in head) or \
        (b"pkg_resources" in head and b"declare_namespace" in head)


# Finders besides the path that astroid's search consults too (astroid.interpreter._import.spec).
_HOOK_FINDERS = frozenset({"_EditableFinder", "_EditableNamespaceFinder", "_SixMetaPathImporter"})


@functools.lru_cache(maxsize=8)
def _path_places(entries: Tuple[str, ...]) -> Tuple[Optional[Tuple[str, FrozenSet[str]]], ...]:
    """The listings of the import path's entries, made absolute once per path (pylint's holds ~140)."""
    return tuple(_as_entry(entry, _entry_names(os.path.abspath(entry or os.curdir))) for entry in entries)


def _as_entry(entry: str, listing: Optional[Tuple[str, FrozenSet[str]]]) -> Optional[Tuple[str, FrozenSet[str]]]:
    """A path entry's listing under the entry as written: astroid joins file names to it unchanged."""
    return listing if listing is None else (entry, listing[1])


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
    return _STAR_IMPORT.search(text) is not None, _names_that_may_bind(text)
