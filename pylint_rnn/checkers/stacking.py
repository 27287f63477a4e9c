"""Checker for one cell object stacked as several layers or used for both directions
(analysis: :mod:`pylint_rnn.analyses.stacking`)."""
from __future__ import annotations

from astroid import nodes
from pylint.checkers.utils import only_required_for_messages

from pylint_rnn.analyses import stacking
from pylint_rnn.checkers._base import RnnChecker
from pylint_rnn.checkers._guard import never_crash
from pylint_rnn.core import callindex, tfapi


class StackingChecker(RnnChecker):
    """rnn-same-cell-stacked."""

    family = "stacking"

    @only_required_for_messages(stacking.SAME_CELL)
    @never_crash
    def leave_module(self, node: nodes.Module) -> None:
        # The spelling first: resolving every call's API made the check 4x dearer on TensorFlow's sources.
        candidates = [call for call in callindex.calls(node)
                      if stacking.may_stack_cells(call) and stacking.checks(tfapi.call_api(call))]
        self.emit_each(candidates, stacking.same_cell_findings)


CHECKERS = (StackingChecker,)
