"""Other modules of the user's own project, read only when a question needs them.

A project often defines its cells in one module (``class MyCell(tf.nn.rnn_cell.LSTMCell)`` in
``cells.py``) and uses them in another (``from .cells import MyCell``, ``import pkg.cells as c``). Knowing
that ``MyCell(8)`` is a cell means reading ``cells.py``. Parsing costs far more than reading text, so a
module is parsed only when all of these hold:

- the import names the user's project: a relative import, or an absolute one whose file is neither in the
  standard library nor in an installed package (``site-packages`` / ``dist-packages``);
- the module's text may bind the imported name to a class: ``class MyCell``, an alias ``MyCell = ...``, a
  re-export ``from .x import MyCell`` (or any star import); a module that only defines and calls a function
  of that name does not need parsing to know it holds no class.

Nothing here knows TensorFlow: :mod:`pylint_rnn.core.tfapi` asks for the binding of a name in another
module and resolves it there. Every answer is cached on the asking module's tree; unknown is ``None``.
"""
from __future__ import annotations

import functools
import os
import re
from typing import Optional

from astroid import modutils, nodes

from pylint_rnn.core.cache import module_cached

_INSTALLED = ("site-packages", "dist-packages")
# A star import may bind any name: such a module is parsed whenever it is asked about.
_DEFINES_ANY = re.compile(rb"^\s*from\s+\S+\s+import\s+\*", re.MULTILINE)


def _defines(name: str) -> "re.Pattern[bytes]":
    """Text that may bind ``name`` to a class: ``class Name``, ``Name = ...`` / ``Name: T = ...``, or an
    import that names it (a re-export, on one line or in parentheses)."""
    word = re.escape(name.encode())
    return re.compile(rb"\bclass\s+" + word + rb"\b"
                      rb"|^[ \t]*" + word + rb"[ \t]*(?::[^=\n]*)?=(?!=)"
                      rb"|\bimport\b[^\n(]*\b" + word + rb"\b"
                      rb"|\bimport\s*\([^)]*\b" + word + rb"\b", re.MULTILINE)


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
    try:
        context_file = os.path.join(folder, "_") if folder else None  # only its folder matters
        path = modutils.file_from_modpath(modname.split("."), context_file=context_file)
    except Exception:  # not importable from here
        return None
    if not path or not path.endswith(".py"):
        return None
    parts = os.path.normpath(path).split(os.sep)
    return None if any(part in _INSTALLED for part in parts) else path


def is_project_module(context: nodes.Module, modname: str) -> bool:
    """Is ``modname`` a module (or package) of the user's own project, seen from ``context``?"""
    return module_file(context, modname) is not None


def may_define(context: nodes.Module, modname: str, name: str) -> bool:
    """Cheap, textual: may the project module bind ``name`` to something other than a function?"""
    path = module_file(context, modname)
    if path is None:
        return False

    def compute() -> bool:
        try:
            with open(path, "rb") as handle:
                text = handle.read()
        except OSError:
            return False
        return _DEFINES_ANY.search(text) is not None or _defines(name).search(text) is not None

    return module_cached(f"project-defines:{modname}:{name}", context, compute, False)


def load(context: nodes.Module, modname: str) -> Optional[nodes.Module]:
    """The parsed project module (astroid's cache shares it with pylint's own run), or None."""
    if module_file(context, modname) is None:
        return None

    def compute() -> Optional[nodes.Module]:
        try:
            module = context.import_module(modname, use_cache=modname != context.name)
        except Exception:  # not importable from here: unknown
            return None
        return module if isinstance(module, nodes.Module) else None

    return module_cached(f"project-module:{modname}", context, compute)


def bindings_in(context: nodes.Module, modname: str, name: str) -> list:
    """The module-level bindings of ``name`` in project module ``modname`` (parsed only if its text may
    define ``name``); [] when it is not a project module or does not bind the name."""
    if not may_define(context, modname, name):
        return []
    module = load(context, modname)
    if module is None:
        return []
    return list(module.locals.get(name, ()))
