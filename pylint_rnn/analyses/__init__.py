"""Analyses: one module per family of pitfalls, each answering "is this code wrong, and how?".

An analysis reads astroid trees through :mod:`pylint_rnn.core` and returns :class:`Finding` objects; it
never talks to pylint. The family's checker (:mod:`pylint_rnn.checkers`) decides when to ask and emits
what it is given. Keeping the two apart lets the unit tests, the fix engine and the benchmarks call an
analysis directly, and keeps each checker a few lines long.
"""
from __future__ import annotations

from typing import NamedTuple, Tuple

from astroid import nodes
from pylint.interfaces import HIGH, Confidence


class Finding(NamedTuple):
    """One message an analysis wants reported: the rule, where, and what fills its template."""

    symbol: str  # a rule of pylint_rnn.rules
    node: nodes.NodeNG  # where pylint reports it (line, column, end)
    args: Tuple = ()  # fill the rule's message template
    fix_args: Tuple = ()  # fill the rule's fix text
    confidence: Confidence = HIGH  # INFERENCE where a name, not the code's structure, decided
