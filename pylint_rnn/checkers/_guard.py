"""The plugin must never crash pylint.

Every visit method is wrapped, and so is each candidate of a checker's loop over a module: an unexpected
tree shape means "no message" (for that node), not a traceback in the user's editor or CI. The wrapper also
skips modules that do not import TensorFlow or Keras at all.
Set PYLINT_RNN_DEBUG=1 (the test suite does) to let such errors surface.
"""
from __future__ import annotations

import functools
import os
import sys
from typing import Callable, Iterable, Iterator, TypeVar

from pylint_rnn.core.cache import forget
from pylint_rnn.core.tree import adopt_walk
from pylint_rnn.core.usage import module_uses_tensorflow


T = TypeVar("T")
R = TypeVar("R")

_GATE_ATTR = "_pylint_rnn_gate"  # (the linter's per-module state, the answer) on the checker


def _module_gate(checker, node) -> bool:
    """module_uses_tensorflow, decided once per linted module: pylint makes a new ``file_state`` for each
    module it walks, so the answer is kept beside that object instead of walking up to the module on
    every visit (~120 k visits on 120 scripts). Without a current file (a test walking trees by hand)
    every visit asks."""
    linter = getattr(checker, "linter", None)
    state = getattr(linter, "file_state", None)
    if state is None or getattr(linter, "current_file", None) is None:
        return module_uses_tensorflow(node)
    known = getattr(checker, _GATE_ATTR, None)
    if known is not None and known[0] is state:
        return known[1]
    if known is not None:
        forget(known[2])  # pylint is done with the previous module: its answers are garbage now
    module = node.root()
    records = getattr(checker, "walk_records", None)
    if records is not None:  # this checker recorded pylint's walk of the module (checkers/_base.py)
        adopt_walk(module, records)
    answer = module_uses_tensorflow(module)
    setattr(checker, _GATE_ATTR, (state, answer, module))
    return answer


def never_crash(visit):
    """Wrap a checker's visit or leave method: skip modules without TensorFlow, and turn an internal error
    into "no message" (re-raised under PYLINT_RNN_DEBUG=1)."""
    @functools.wraps(visit)
    def guarded(self, node):
        try:
            if not _module_gate(self, node):
                return None  # nothing in a module without TensorFlow/Keras imports can be a TF API
            return visit(self, node)
        except RecursionError:
            return None  # pathologically deep code: skip this node rather than take pylint down
        except Exception as error:  # pylint: disable=broad-exception-caught
            _report(error, self, visit.__name__, node)
            return None

    return guarded


def each_safely(checker, items: Iterable[T], find: Callable[[T], R]) -> Iterator[R]:
    """``find(item)`` for each item, where an internal error (or pathological depth) on one item means "no
    message for it", not for the whole module: the checkers' loops over a module's candidates use this."""
    for item in items:
        try:
            yield find(item)
        except RecursionError:
            continue
        except Exception as error:  # pylint: disable=broad-exception-caught
            _report(error, checker, getattr(find, "__name__", "find"), item)


def _report(error: Exception, checker, where: str, node) -> None:
    if os.environ.get("PYLINT_RNN_DEBUG"):
        raise error
    print(
        f"pylint-rnn: internal error in {type(checker).__name__}.{where} at "
        f"{getattr(node.root(), 'file', '?')}:{getattr(node, 'lineno', '?')}: {error!r} "
        "(no message emitted; please report)",
        file=sys.stderr,
    )
