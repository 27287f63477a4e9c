"""What every pylint-rnn checker shares: messages from the registry, findings emitted as they come.

A checker here is thin, in pylint's own style: it declares its options, reads them once in ``open()``,
gates each visit with ``@only_required_for_messages`` (a disabled message costs nothing) and
``@never_crash`` (the plugin never takes pylint down), asks its analysis module, and emits the
:class:`~pylint_rnn.analyses.Finding` objects it gets back with :meth:`RnnChecker.emit`.
"""
from __future__ import annotations

from typing import Iterable, Optional, Union

from pylint.checkers import BaseChecker

from pylint_rnn import rules
from pylint_rnn.analyses import Finding


def option(name: str, default: object, kind: str, metavar: str, help_text: str) -> tuple:
    """One entry of a checker's ``options``, in pylint's form (``--<name>``, ``[rnn]`` section)."""
    return (name, {"default": default, "type": kind, "metavar": metavar, "help": help_text})


class RnnChecker(BaseChecker):
    """Base of the checkers: ``family`` names the rules (and the analysis module) the checker serves."""

    name = rules.CHECKER_NAME
    family = ""

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if cls.family:
            cls.msgs = rules.pylint_msgs(cls.family, default_enabled=cls.name == rules.CHECKER_NAME)

    def emit(self, findings: Union[Iterable[Finding], Optional[Finding]]) -> None:
        """Report the findings of an analysis: several, one, or None (nothing found)."""
        if findings is None or isinstance(findings, Finding):
            findings = [findings] if findings is not None else []
        for finding in findings:
            self.add_message(finding.symbol, node=finding.node,
                             args=tuple(finding.args) + tuple(finding.fix_args), confidence=finding.confidence)
