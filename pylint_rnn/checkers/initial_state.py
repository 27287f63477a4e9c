"""Checker for learned initial states that never learn or are shaped like the batch
(analysis: :mod:`pylint_rnn.analyses.initial_state`).

Each call is looked at once, by its name only; the analysis runs only if something was fed as an initial
state.
"""
from __future__ import annotations

from typing import Optional

from astroid import nodes
from pylint.checkers.utils import only_required_for_messages

from pylint_rnn.analyses import initial_state
from pylint_rnn.checkers._base import RnnChecker, option
from pylint_rnn.checkers._guard import never_crash
from pylint_rnn.core import callindex

_MESSAGES = (initial_state.UNTRAINED, initial_state.BATCH_SIZED)


class InitialStateChecker(RnnChecker):
    """rnn-untrained-initial-state, rnn-batch-sized-initial-state."""

    family = "initial_state"
    options = (
        option("batch-size-names", initial_state.DEFAULT_BATCH_NAMES, "csv", "<names>",
               "Names (and attribute names, as in self.batch_size / FLAGS.batch_size) that denote "
               "the batch size, compared case-insensitively. A trainable initial state whose "
               "first dimension is one of them gets rnn-batch-sized-initial-state. The first "
               "argument of cell.zero_state(...) always counts."),
        option("learned-state-rgx", initial_state.DEFAULT_LEARNED_RGX, "regexp", "<regexp>",
            "Variable names that announce a learned initial state (init_c, initial_state, "
            "learned_h, h0 ...). rnn-untrained-initial-state reports a non-trainable variable "
            "so named that is fed as initial_state and never assigned, and an unused trainable "
            "one; set it to a pattern that matches nothing (e.g. '^$') to keep only the "
            "tf.assign form of that message."),
    )

    def __init__(self, linter=None) -> None:
        super().__init__(linter)
        self._options: Optional[initial_state.Options] = None  # set in open(), from the configuration

    def open(self) -> None:
        super().open()
        config = self.linter.config
        self._options = initial_state.Options.of(config.batch_size_names, config.learned_state_rgx)

    @only_required_for_messages(*_MESSAGES)
    @never_crash
    def leave_module(self, node: nodes.Module) -> None:
        candidates = initial_state.Candidates.of(callindex.calls(node))
        self.emit(initial_state.findings(node, candidates, self._options))


CHECKERS = (InitialStateChecker,)
