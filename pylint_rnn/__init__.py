"""pylint-rnn: finds TensorFlow RNN weight-sharing pitfalls.

Load with ``pylint --load-plugins=pylint_rnn``. The plugin works on astroid trees only; it never
imports TensorFlow or the code it checks. The runtime verifier lives in ``pylint_rnn.verify``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from pylint.lint import PyLinter


def register(linter: "PyLinter") -> None:
    """Entry point pylint calls for ``--load-plugins=pylint_rnn``."""
    from pylint_rnn.checkers import all_checker_classes

    for checker_class in all_checker_classes():
        linter.register_checker(checker_class(linter))
