"""Where astroid's import search finds a module, answered from cached folder listings.

pylint puts every linted project's root on ``sys.path`` (~140 folders for a large run). astroid's search
(``modutils.file_from_modpath``) stats ~9 candidate files in each path entry for every new name, through
``cached_os_path_isfile``, an LRU of 1024 entries that one search of 140 entries already overflows: each
search paid real ``stat`` calls, up to 5 ms a name. The same answer is read here from one listing per
folder, following astroid's finders in their order: its path finder (a package's ``__init__`` before a
module, extension modules before sources, the first folder that holds either), then Python's path finder
for namespace packages (folders without ``__init__``, across path entries); the linted file's folder first,
then the import path. Where something besides folders may answer (an archive, an import hook, a module
already imported, a pkgutil namespace) astroid searches for real. ``tests/test_project_modules.py``
compares the two on layouts where the finders' order matters.
"""
from __future__ import annotations

import functools
import importlib.machinery
import os
import sys
import zipimport
from typing import FrozenSet, Optional, Tuple

from astroid import modutils


def found_path(modname: str, folder: Optional[str]) -> Optional[str]:
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
