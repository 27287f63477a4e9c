"""Checkers for layers mistaken for time steps (analyses: :mod:`pylint_rnn.analyses.timesteps`,
:mod:`pylint_rnn.analyses.cell_per_step` and :mod:`pylint_rnn.analyses.time_reduction`).

rnn-time-axis-reduction is opt-in, so it has its own checker under the opt-in checker name: enabling the
plugin with ``--enable=rnn`` does not turn it on; ``--enable=rnn-time-axis-reduction`` does.
"""
from __future__ import annotations

from astroid import nodes
from pylint.checkers.utils import only_required_for_messages

from pylint_rnn import rules
from pylint_rnn.analyses import cell_per_step, time_reduction, timesteps
from pylint_rnn.checkers._base import RnnChecker, option
from pylint_rnn.checkers._guard import never_crash
from pylint_rnn.core import callindex, timeloops


class TimeStepsChecker(RnnChecker):
    """rnn-layers-as-timesteps, rnn-cell-per-timestep."""

    family = "timesteps"
    options = (
        option("time-step-names", ",".join(timesteps.DEFAULT_TIME_STEP_NAMES), "regexp_csv", "<regexp>[,<regexp>...]",
               "Names (regular expressions matched in full, case-insensitively, against the last "
               "component of a name) that denote a number of time steps. A stack depth or loop "
               "count with such a name is read as a sequence length (rnn-layers-as-timesteps, "
               "rnn-cell-per-timestep)."),
        option("layer-count-names", ",".join(timesteps.DEFAULT_LAYER_COUNT_NAMES), "regexp_csv",
               "<regexp>[,<regexp>...]",
            "Names (regular expressions matched in full, case-insensitively, against the last "
            "component of a name) that denote a number of layers. A stack depth or loop count "
            "with such a name is never reported, even when it equals the time dimension."),
    )

    def __init__(self, linter) -> None:
        super().__init__(linter)
        self._options = timesteps.TimeStepOptions((), ())  # the configured names, read in open()

    def open(self) -> None:
        super().open()
        self._options = timesteps.TimeStepOptions(
            tuple(self.linter.config.time_step_names), tuple(self.linter.config.layer_count_names))

    @only_required_for_messages(timesteps.LAYERS_AS_STEPS, cell_per_step.CELL_PER_STEP)
    @never_crash
    def leave_module(self, node: nodes.Module) -> None:
        # A stack, loop or RNN is an API call.
        self.emit_each(callindex.api_calls_of(node, timesteps.checks), self._stack_findings)
        # A cell factory of the module is not an API call; a cell per step is built in a loop.
        self.emit_each(timeloops.calls_in_loops(node), self._cell_findings)

    def _stack_findings(self, node: nodes.Call) -> list:
        return timesteps.call_findings(node, self._options)

    def _cell_findings(self, node: nodes.Call) -> list:
        return cell_per_step.call_findings(node, self._options)


class TimeAxisReductionChecker(RnnChecker):
    """rnn-time-axis-reduction (opt-in)."""

    name = rules.OPT_IN_CHECKER_NAME
    family = "timesteps"

    @only_required_for_messages(time_reduction.REDUCTION)
    @never_crash
    def leave_module(self, node: nodes.Module) -> None:
        # A reduction or a pooling layer is an API call; a pooling layer may also be applied through a name.
        calls = callindex.calls(node) if time_reduction.mentions_pooling(node) \
            else callindex.api_calls_of(node, time_reduction.checks)
        self.emit_each(calls, time_reduction.time_axis_reduction)


CHECKERS = (TimeStepsChecker, TimeAxisReductionChecker)
