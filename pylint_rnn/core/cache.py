"""Per-module memoisation.

Answers are cached on the module's own astroid tree, so they live exactly as long as pylint keeps that
module: a process-wide cache would keep every linted tree alive on a large code base.
"""
from __future__ import annotations

from typing import Callable, Iterable, Iterator, TypeVar

from astroid import nodes

T = TypeVar("T")
N = TypeVar("N", bound=nodes.NodeNG)
_ATTR = "_pylint_rnn_cache"
_IN_PROGRESS = object()
_MISSING = object()


def module_cached(kind: str, node: nodes.NodeNG, compute: Callable[[], T], default: T = None) -> T:
    """Memoise ``compute()`` for (kind, node) on node's module; ``default`` breaks recursion cycles."""
    return cached_in(node.root(), kind, node, compute, default)


def cached_in(root: nodes.NodeNG, kind: str, node: nodes.NodeNG, compute: Callable[[], T], default: T = None) -> T:
    """module_cached for a caller that knows node's module (``root``): no climb to it."""
    try:  # asked ~500 times a script: the common case first, without a getattr default or a None test
        # pylint: disable-next=protected-access  # our own attribute (_ATTR) on the module's node
        answers = root._pylint_rnn_cache[kind]  # one table per kind, keyed by node: no key object per ask
    except (AttributeError, TypeError, KeyError):  # no cache yet, a forgotten one (None), a new kind
        answers = _table(root, kind)
    key = node  # hashed by address, rotated: an id()'s low bits are always zero
    value = answers.get(key, _MISSING)
    if value is _IN_PROGRESS:
        return default
    if value is not _MISSING:
        return value
    return _compute_into(answers, key, compute)


def answers_of(root: nodes.NodeNG, kind: str, items: Iterable[N], compute: Callable[[N], T]) -> Iterator[T]:
    """``cached_in(root, kind, item, lambda: compute(item))`` for each item, in order: for a loop that asks
    every node of a module once (the API of each callee), without a closure per item."""
    answers = _table(root, kind)
    for item in items:
        value = answers.get(item, _MISSING)
        if value is _MISSING:
            value = _compute_into(answers, item, compute, item)
        elif value is _IN_PROGRESS:
            value = None
        yield value


def _compute_into(answers: dict, key: nodes.NodeNG, compute: Callable[..., T], *args: object) -> T:
    """``compute(*args)``, kept under ``key``; marked in progress meanwhile (a recursive ask gets the
    default), forgotten if it raises."""
    answers[key] = _IN_PROGRESS
    try:
        value = compute(*args)
    except Exception:
        answers.pop(key, None)
        raise
    answers[key] = value
    return value


def _table(root: nodes.NodeNG, kind: str) -> dict:
    cache = getattr(root, _ATTR, None)
    if cache is None:
        cache = {}
        setattr(root, _ATTR, cache)
    return cache.setdefault(kind, {})


def forget(module: nodes.NodeNG) -> None:
    """Drop every answer memoised on a module pylint has finished with (they are pure: asking again after
    this only recomputes), so that a long run does not keep each module's answers and node index alive."""
    if getattr(module, _ATTR, None) is not None:
        setattr(module, _ATTR, None)
