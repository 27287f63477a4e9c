"""Checker for missing or wrong reuse (analysis: :mod:`pylint_rnn.analyses.reuse`)."""
from __future__ import annotations

from astroid import nodes
from pylint.checkers.utils import only_required_for_messages

from pylint_rnn.analyses import reuse
from pylint_rnn.checkers._base import RnnChecker
from pylint_rnn.checkers._guard import never_crash


class ReuseChecker(RnnChecker):
    """rnn-repeated-graph-call, rnn-duplicate-variables, rnn-variable-not-shared."""

    family = "reuse"

    @only_required_for_messages(reuse.REPEATED_CALL)
    @never_crash
    def visit_binop(self, node: nodes.BinOp) -> None:
        self.emit(reuse.repeated_graph_call(node))

    @only_required_for_messages(reuse.DUPLICATE, reuse.NOT_SHARED)
    @never_crash
    def visit_module(self, node: nodes.Module) -> None:
        self.emit(reuse.frame_findings(node))

    @only_required_for_messages(reuse.DUPLICATE, reuse.NOT_SHARED)
    @never_crash
    def visit_functiondef(self, node: nodes.FunctionDef) -> None:
        self.emit(reuse.frame_findings(node))

    visit_asyncfunctiondef = visit_functiondef


CHECKERS = (ReuseChecker,)
