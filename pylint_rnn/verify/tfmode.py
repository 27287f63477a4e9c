"""Does the target need the TF1 facade? Decided from the TensorFlow names it uses, without importing TensorFlow.

A script needs TF1 mode when it uses a name that exists in ``tf.compat.v1`` but not in TensorFlow 2's own
namespace (``tf.placeholder``, ``tf.Session``, ``tf.nn.rnn_cell``, ``tf.contrib`` ...). Names that exist in
both (``tf.name_scope``, ``tf.nn.relu``) say nothing. The answer comes from the installed TensorFlow's
machine-generated API files (``tensorflow/__init__.py`` and ``tensorflow/_api/v2/...``), read as text: the
mode has to be chosen before TensorFlow is imported (``TF_USE_LEGACY_KERAS`` is read at import time).

The target's own file is read, and the local modules it imports (files below the target's folder), so a
script whose model lives in a helper module is judged by the helper's code too.
"""
from __future__ import annotations

import ast
import importlib.util
import os
import re
from functools import lru_cache
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

_API_NAME = re.compile(r"^from \S+ import (\w+)(?: as (\w+))?", re.MULTILINE)
_API_SETATTR = re.compile(r"""^(?:setattr\(_current_module, ["'](\w+)["']|_current_module\.(\w+) = )""",
                          re.MULTILINE)
_MAX_FILES = 40  # local modules read to decide the mode; enough for a project's model code


@lru_cache(maxsize=1)
def _tensorflow_dir() -> Optional[str]:
    """The installed tensorflow package's folder, found without importing it (None: not installed)."""
    try:
        spec = importlib.util.find_spec("tensorflow")
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    return locations[0] if locations else None


@lru_cache(maxsize=256)
def _exported(init_file: str) -> frozenset:
    """The public names one generated API ``__init__.py`` exports."""
    try:
        with open(init_file, encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        return frozenset()
    names = {alias or name for name, alias in _API_NAME.findall(text)}
    names.update(a or b for a, b in _API_SETATTR.findall(text))
    return frozenset(names)


def _exists(init_file: str, folder: str, parts: Sequence[str]) -> bool:
    """Does the API rooted at ``init_file`` (submodules below ``folder``) export the dotted path ``parts``?"""
    for index, part in enumerate(parts):
        if part not in _exported(init_file):
            return False
        sub_init = os.path.join(folder, part, "__init__.py")
        if index == len(parts) - 1 or not os.path.isfile(sub_init):
            return True  # an attribute of an exported object: TensorFlow's API files say no more
        init_file, folder = sub_init, os.path.join(folder, part)
    return True


@lru_cache(maxsize=1024)
def is_tf1_only(path: Tuple[str, ...]) -> bool:
    """True when ``tf.<path>`` leaves TensorFlow 2's namespace at a name that ``tf.compat.v1`` has.

    The first part of the path that TensorFlow 2 lacks decides (``tf.layers.dense``: ``layers``), so names
    that TF1's lazily loaded modules provide count too.
    """
    if path and path[0] == "contrib":
        return True  # removed in TensorFlow 2; the facade provides what RNN code uses
    root = _tensorflow_dir()
    if root is None:
        return False
    api = os.path.join(root, "_api", "v2")
    v1 = os.path.join(api, "compat", "v1")
    for length in range(1, len(path) + 1):
        prefix = path[:length]
        if not _exists(os.path.join(root, "__init__.py"), api, prefix):
            return _exists(os.path.join(v1, "__init__.py"), v1, prefix)
    return False


class _Uses:
    """The TensorFlow API paths a module uses (``tf.nn.rnn_cell.LSTMCell`` -> nn.rnn_cell.LSTMCell) and the
    local modules it imports. Imports are read first, so a use above a function-level import counts too."""

    def __init__(self, tree: ast.AST) -> None:
        self.aliases: Dict[str, Tuple[str, ...]] = {}  # local name -> its path inside tensorflow
        self.paths: Set[Tuple[str, ...]] = set()
        self.imports: List[Tuple[str, int]] = []  # (module name, relative level)
        nodes = list(ast.walk(tree))
        for node in nodes:
            if isinstance(node, ast.Import):
                self._import(node)
            elif isinstance(node, ast.ImportFrom):
                self._import_from(node)
        inner = set()  # attributes inside a longer chain: prefixes of a path already found
        for node in nodes:
            if isinstance(node, ast.Attribute) and id(node) not in inner:
                self._attribute(node, inner)

    def _import(self, node: ast.Import) -> None:
        for alias in node.names:
            parts = tuple(alias.name.split("."))
            if parts[0] == "tensorflow":
                self.paths.add(parts[1:])
                self.aliases[alias.asname or "tensorflow"] = parts[1:] if alias.asname else ()
            else:
                self.imports.append((alias.name, 0))

    def _import_from(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        parts = tuple(module.split(".")) if module else ()
        if node.level == 0 and parts and parts[0] == "tensorflow":
            for alias in node.names:
                path = parts[1:] + (alias.name,)
                self.paths.add(path)
                self.aliases[alias.asname or alias.name] = path
            return
        self.imports.append((module, node.level))
        self.imports.extend((f"{module}.{alias.name}" if module else alias.name, node.level)
                            for alias in node.names)

    def _attribute(self, node: ast.Attribute, inner: set) -> None:
        chain = []
        current: ast.AST = node
        while isinstance(current, ast.Attribute):
            chain.append(current.attr)
            inner.add(id(current))
            current = current.value
        if isinstance(current, ast.Name) and current.id in self.aliases:
            self.paths.add(self.aliases[current.id] + tuple(reversed(chain)))


def _parse(path: str) -> Optional[_Uses]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return _uses_in(handle.read(), path)
    except OSError:
        return None


def _uses_in(source: str, filename: str = "<source>") -> Optional[_Uses]:
    try:
        return _Uses(ast.parse(source, filename))
    except (SyntaxError, ValueError):
        return None


def source_tf1_names(source: str) -> List[str]:
    """The TF1-only TensorFlow names one module's source uses (``tf.placeholder`` ...); [] for none."""
    uses = _uses_in(source)
    return sorted("tf." + ".".join(p) for p in (uses.paths if uses else ()) if is_tf1_only(tuple(p)))


def _local_module(name: str, level: int, importer: str, root: str) -> Optional[str]:
    """The file of a module the importer imports, when it lies below ``root`` (the user's code)."""
    base = os.path.dirname(importer)
    for _ in range(max(level - 1, 0)):
        base = os.path.dirname(base)
    bases = [base] if level else [os.path.dirname(importer), root]
    for folder in bases:
        stem = os.path.join(folder, *name.split(".")) if name else folder
        for candidate in (stem + ".py", os.path.join(stem, "__init__.py")):
            if os.path.isfile(candidate) and os.path.realpath(candidate).startswith(root + os.sep):
                return os.path.realpath(candidate)
    return None


def _user_modules(path: str, root: str) -> Iterator[_Uses]:
    """The target and the local modules it imports (transitively, a bounded number)."""
    queue, seen = [os.path.realpath(path)], set()
    while queue and len(seen) < _MAX_FILES:
        current = queue.pop(0)
        if current in seen:
            continue
        seen.add(current)
        uses = _parse(current)
        if uses is None:
            continue
        yield uses
        for name, level in uses.imports:
            found = _local_module(name, level, current, root)
            if found is not None and found not in seen:
                queue.append(found)


def tf1_names(path: str, root: str) -> List[str]:
    """The TF1-only TensorFlow names the target (and its local modules) use, as ``tf.<path>``; [] for none."""
    found = set()
    for uses in _user_modules(path, os.path.realpath(root)):
        found.update("tf." + ".".join(p) for p in uses.paths if is_tf1_only(tuple(p)))
    return sorted(found)


def choose_mode(requested: str, path: str, root: str) -> Tuple[str, List[str]]:
    """(mode, the TF1-only names that decided it): ``tf1`` or ``native``; ``requested`` wins unless ``auto``."""
    if requested != "auto":
        return requested, []
    names = tf1_names(path, root)
    return ("tf1" if names else "native"), names
