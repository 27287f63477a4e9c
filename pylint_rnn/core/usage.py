"""Does a module need the plugin at all? The gate every checker's visit passes first.

Checkers skip modules that do not use TensorFlow: nothing in them can be a TF API, so a project's plain
Python files cost nothing. A module uses TensorFlow when it imports TensorFlow or Keras, when it uses
``tf.x`` without importing it or runs a session it never binds (``sess.run(...)`` in a snippet whose graph
was built in code not shown: see :mod:`pylint_rnn.core.tfapi`), or when it calls or subclasses a class of
the user's project that derives from a TF API. Only that last question reads other modules, and only for
the names this module calls or subclasses; they are parsed only when their text may bind such a name to a
class (see :mod:`pylint_rnn.core.project`). The module's own text is read first, to skip tree walks.
"""
from __future__ import annotations

import itertools
import re
from typing import Optional

from astroid import nodes

from pylint_rnn.core import sessions, tfapi, tree
from pylint_rnn.core.cache import module_cached

_USES_TF_ATTR = "_pylint_rnn_uses_tf"  # module_uses_tensorflow's answer, stored on the module's tree


def module_uses_tensorflow(node: nodes.NodeNG) -> bool:
    """Does node's module use TensorFlow or Keras (see the module's docstring)? Asked on every visit."""
    module = node if isinstance(node, nodes.Module) else node.root()
    known = getattr(module, _USES_TF_ATTR, None)
    if known is not None:
        return known
    answer = module_cached("uses-tensorflow", module, lambda: _uses_tensorflow(module), False)
    setattr(module, _USES_TF_ATTR, answer)  # read on every visit: skip the generic cache's bookkeeping
    return answer


_USAGE_KINDS = (nodes.Import, nodes.ImportFrom, nodes.Call, nodes.ClassDef)  # in any order: one class at a time


def _uses_tensorflow(module: nodes.Module) -> bool:
    other_imports = set()
    used = []  # callees and class bases: where a project's TF subclass would be used
    for found in itertools.chain.from_iterable(tree.module_nodes(module, kind) for kind in _USAGE_KINDS):
        if isinstance(found, nodes.Import):
            if any(name.split(".")[0] in tfapi.TF_ROOTS for name, _ in found.names):
                return True
            other_imports.update(alias or name.split(".")[0] for name, alias in found.names)
        elif isinstance(found, nodes.ImportFrom):
            if not found.level and found.modname.split(".")[0] in tfapi.TF_ROOTS:
                return True
            other_imports.update(alias or name for name, alias in found.names)
        elif isinstance(found, nodes.Call):
            used.append(found.func)
        else:
            used.extend(found.bases)
    text = _source(module)
    if _mentions_implied_module(module, text) or _runs_a_session_not_shown(module, text):
        return True
    return any(_leftmost_name(expr) in other_imports and tfapi.api_name(expr) for expr in used)


_IMPLIED = (*(name for name, module in tfapi.IMPLIED_MODULES.items()
              if module.split(".", maxsplit=1)[0] in tfapi.TF_ROOTS),
             *tfapi.IMPLIED_RNN_MODULES)
_IMPLIED_TEXT = re.compile(rb"(?<![\w.])(" + b"|".join(name.encode() for name in _IMPLIED) + rb")\s*\.")


def _mentions_implied_module(module: nodes.Module, text: Optional[bytes]) -> bool:
    """Does the module use ``tf.x`` (or another implied module) where nothing binds the name?"""
    if text is not None and not _IMPLIED_TEXT.search(text):
        return False  # reading the text is far cheaper than walking the tree
    return any(isinstance(attribute.expr, nodes.Name) and attribute.expr.name in _IMPLIED
               and tfapi.api_name(attribute) for attribute in tree.module_nodes(module, nodes.Attribute))


_SESSION_RUN_TEXT = re.compile(rb"(?i)(sess|session)\w*\s*\.\s*run\s*\(")


def _runs_a_session_not_shown(module: nodes.Module, text: Optional[bytes]) -> bool:
    """Does the module call ``.run`` on a session-named name it never binds (``sess.run(...)``)?"""
    if text is not None and not _SESSION_RUN_TEXT.search(text):
        return False
    return any(isinstance(call.func, nodes.Attribute) and call.func.attrname == "run"
               and isinstance(call.func.expr, nodes.Name) and sessions.is_session(call.func.expr)
               and tfapi.is_unbound(call.func.expr) for call in tree.module_nodes(module, nodes.Call))


def _source(module: nodes.Module) -> Optional[bytes]:
    try:
        with module.stream() as stream:
            return stream.read()
    except Exception:  # no source to read
        return None


def _leftmost_name(expr: nodes.NodeNG) -> Optional[str]:
    while isinstance(expr, nodes.Attribute):
        expr = expr.expr
    return expr.name if isinstance(expr, nodes.Name) else None
