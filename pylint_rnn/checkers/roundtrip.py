"""Checker for fetched values fed back into training (analysis: :mod:`pylint_rnn.analyses.roundtrip`)."""
from __future__ import annotations

from astroid import nodes
from pylint.checkers.utils import only_required_for_messages

from pylint_rnn.analyses import roundtrip
from pylint_rnn.checkers._base import RnnChecker, option
from pylint_rnn.checkers._guard import never_crash
from pylint_rnn.core import callindex, sessions


class RoundTripChecker(RnnChecker):
    """rnn-placeholder-roundtrip."""

    family = "roundtrip"
    options = (
        option("training-op-names", roundtrip.DEFAULT_TRAINING_OP_NAMES, "regexp", "<regexp>",
               "Names (last component, full match, case-insensitive) of fetched ops that count as "
               "training ops when their definition is not a visible minimize()/apply_gradients()."),
        option("session-names", sessions.DEFAULT_SESSION_NAMES, "regexp", "<regexp>",
            "Names (last component, full match, case-insensitive) of objects whose .run() is a "
            "session run, in addition to names bound to tf.Session() and friends."),
        option("state-names", roundtrip.DEFAULT_STATE_NAMES, "regexp", "<regexp>",
               "Fetched tensors or placeholders so named (last component, full match, "
               "case-insensitive) are recurrent state carried between runs (truncated "
               "back-propagation): never reported by rnn-placeholder-roundtrip."),
        option("roundtrip-ignore-names", roundtrip.DEFAULT_IGNORE_NAMES, "regexp", "<regexp>",
            "Fetched tensors, fed values or placeholders so named (last component, full match, "
            "case-insensitive) are intentional constants (old policy, targets, labels, teacher "
            "outputs): never reported by rnn-placeholder-roundtrip."),
    )

    def open(self) -> None:
        super().open()
        config = self.linter.config
        self._options = roundtrip.RoundTripOptions(
            training_op_names=config.training_op_names,
            session_names=config.session_names,
            state_names=config.state_names,
            ignore_names=config.roundtrip_ignore_names,
        )

    @only_required_for_messages(roundtrip.ROUNDTRIP)
    @never_crash
    def leave_module(self, node: nodes.Module) -> None:
        runs = [call for call in callindex.calls_named(node, ("run",))
                if roundtrip.may_feed_a_run(call, self._options)]  # syntactic: resolve nothing for the rest
        self.emit_each(runs, self._findings)

    def _findings(self, run: nodes.Call) -> list:
        return roundtrip.roundtrip_findings(run, self._options)


CHECKERS = (RoundTripChecker,)
