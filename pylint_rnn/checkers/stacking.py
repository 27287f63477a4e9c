"""Checker for one cell object stacked as several layers or used for both directions
(analysis: :mod:`pylint_rnn.analyses.stacking`)."""
from __future__ import annotations

from astroid import nodes
from pylint.checkers.utils import only_required_for_messages

from pylint_rnn.analyses import stacking
from pylint_rnn.checkers._base import RnnChecker
from pylint_rnn.checkers._guard import never_crash
from pylint_rnn.core import callindex


class StackingChecker(RnnChecker):
    """rnn-same-cell-stacked."""

    family = "stacking"

    @only_required_for_messages(stacking.SAME_CELL)
    @never_crash
    def leave_module(self, node: nodes.Module) -> None:
        # From the module's API table (the time-step and reuse checks build it anyway), and only calls whose
        # spelling says they may stack cells: one ask per API call, none for the others.
        candidates = [call for call in callindex.api_calls_of(node, stacking.checks) if stacking.may_stack_cells(call)]
        self.emit_each(candidates, stacking.same_cell_findings)


CHECKERS = (StackingChecker,)
