"""Checker for missing or wrong reuse (analysis: :mod:`pylint_rnn.analyses.reuse`)."""
from __future__ import annotations

from astroid import nodes
from pylint.checkers.utils import only_required_for_messages

from pylint_rnn.analyses import reuse
from pylint_rnn.checkers._base import RnnChecker
from pylint_rnn.checkers._guard import never_crash
from pylint_rnn.core import tree


class ReuseChecker(RnnChecker):
    """rnn-repeated-graph-call, rnn-duplicate-variables, rnn-variable-not-shared."""

    family = "reuse"

    @only_required_for_messages(reuse.DUPLICATE, reuse.NOT_SHARED, reuse.REPEATED_CALL)
    @never_crash
    def leave_module(self, node: nodes.Module) -> None:
        if self.linter.is_message_enabled(reuse.REPEATED_CALL):
            self.emit_each(tree.module_nodes(node, nodes.BinOp), reuse.repeated_graph_call)
        if self.linter.is_message_enabled(reuse.DUPLICATE) or self.linter.is_message_enabled(reuse.NOT_SHARED):
            self.emit_each([node, *tree.module_nodes(node, _FUNCTIONS)], reuse.frame_findings)


_FUNCTIONS = (nodes.FunctionDef, nodes.AsyncFunctionDef)


CHECKERS = (ReuseChecker,)
