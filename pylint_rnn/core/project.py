"""Other modules of the user's own project, read only when a question needs them.

A project often defines its cells in one module (``class MyCell(tf.nn.rnn_cell.LSTMCell)`` in
``cells.py``) and uses them in another (``from .cells import MyCell``, ``import pkg.cells as c``). Knowing
that ``MyCell(8)`` is a cell means reading ``cells.py``. Parsing costs far more than reading text, so a
module is parsed only when all of these hold:

- the import names the user's project: a relative import, or an absolute one whose file is neither in the
  standard library nor in an installed package (``site-packages`` / ``dist-packages``; where an import
  leads is answered by :mod:`pylint_rnn.core.importsearch`);
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
from typing import FrozenSet, Optional, Tuple

from astroid import modutils, nodes

from pylint_rnn.core import importsearch


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
    return _module_file(modname, _folder(context.file) if isinstance(context.file, str) else None)


@functools.lru_cache(maxsize=1024)
def _folder(file: str) -> str:
    return os.path.dirname(file)  # asked for every attribute of every callee rooted outside TF (np.random.x)


@functools.lru_cache(maxsize=4096)
def _module_file(modname: str, folder: Optional[str]) -> Optional[str]:
    """Cached for the process (strings only, no tree): every module of a folder asks about ``numpy``."""
    root = modname.split(".")[0]
    if not root or modutils.is_stdlib_module(root):
        return None
    if "." in modname and _is_installed(importsearch.found_path(root, folder)):
        return None  # a submodule of an installed package is installed: no search for sklearn.metrics.x
    path = importsearch.found_path(modname, folder)
    if not path or not path.endswith(".py") or _is_installed(path):
        return None
    return path


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
