"""Checker for Keras recurrent layers rebuilt per call of a twin helper
(analysis: :mod:`pylint_rnn.analyses.keras_sharing`).

Layer constructions inside functions are the candidates; their helpers' call sites are only looked at if
there is such a construction.
"""
from __future__ import annotations

from typing import FrozenSet

from astroid import nodes
from pylint.checkers.utils import only_required_for_messages

from pylint_rnn.analyses import keras_sharing
from pylint_rnn.checkers._base import RnnChecker, option
from pylint_rnn.checkers._guard import never_crash
from pylint_rnn.core import callindex


class KerasSharingChecker(RnnChecker):
    """rnn-layer-rebuilt-per-call."""

    family = "keras_sharing"
    options = (
        option("separate-tower-functions", (), "csv", "<names>",
               "Functions and methods (by name) that are meant to build a separate set of "
               "weights on every call, e.g. the towers of a two-tower model with unshared "
               "encoders. rnn-layer-rebuilt-per-call ignores them."),
    )

    def __init__(self, linter=None) -> None:
        super().__init__(linter)
        self._separate_towers: FrozenSet[str] = frozenset()  # set in open(), from the configuration

    def open(self) -> None:
        super().open()
        self._separate_towers = frozenset(self.linter.config.separate_tower_functions)

    @only_required_for_messages(keras_sharing.REBUILT)
    @never_crash
    def leave_module(self, node: nodes.Module) -> None:
        constructions = [call for call in callindex.calls_named(node, keras_sharing.RECURRENT_LAST_NAMES)
                         if keras_sharing.is_layer_built_in_function(call)]
        if constructions:
            self.emit(keras_sharing.rebuilt_layers(constructions, self._separate_towers))


CHECKERS = (KerasSharingChecker,)
