"""What every pylint-rnn checker shares: messages from the registry, findings emitted as they come.

A checker here is thin, in pylint's own style: it declares its options, reads them once in ``open()``,
gates each visit with ``@only_required_for_messages`` (a disabled message costs nothing) and
``@never_crash`` (the plugin never takes pylint down), asks its analysis module, and emits the
:class:`~pylint_rnn.analyses.Finding` objects it gets back with :meth:`RnnChecker.emit`.

Checkers look at a module once, when pylint leaves it: they take their candidate calls from
:mod:`pylint_rnn.core.callindex` (one API resolution per call, shared) and ask the analysis about each with
:meth:`RnnChecker.emit_each`, which keeps an internal error on one candidate from costing the others their
messages. Pylint handing every call to every checker cost more than the analyses.

The module's nodes come from pylint's own walk: the first of the plugin's checkers that pylint opens (and
runs) records the nodes of :data:`pylint_rnn.core.tree.RECORDED_KINDS` as the walk meets them (one list per
node class, whose ``append`` is the visit method: no Python call per node, and no later pass to sort the
nodes by class) and hands them to the module's index when pylint leaves the module, before any checker
asks. A second walk of every module cost ~4 % of pylint's own time.
"""
from __future__ import annotations

from typing import Callable, Iterable, Optional, TypeVar, Union

from astroid import nodes
from pylint.checkers import BaseChecker

from pylint_rnn import rules
from pylint_rnn.analyses import Finding
from pylint_rnn.checkers._guard import each_safely
from pylint_rnn.core import tree

Findings = Union[Iterable[Finding], Optional[Finding]]
T = TypeVar("T")


def _visit_method(kind: type) -> str:
    return f"visit_{kind.__name__.lower()}"  # how pylint's walker names the visit of a node class


_OPENED_ATTR = "_pylint_rnn_opened"  # on the linter: the plugin's checkers opened for the current check


def _opens_first(checker: "RnnChecker") -> bool:
    """Is this the first of the plugin's checkers pylint opens for this check (the first it runs)?
    pylint opens the checkers that have an enabled message in the order it calls them
    (``PyLinter.prepare_checkers``) before each check; a checker opened again starts the next check."""
    linter = checker.linter
    opened = linter.__dict__.get(_OPENED_ATTR)
    if opened is None or any(other is checker for other in opened):
        opened = linter.__dict__[_OPENED_ATTR] = []
    opened.append(checker)
    return len(opened) == 1


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

    # pylint compares checkers as f"{name}{msgs}" strings: each sort of the checkers printed our long
    # message texts thousands of times. Same answers: one class of ours has one name and one set of
    # messages. (A pylint checker compared with ours still prints both: pylint's method decides.)
    def __eq__(self, other: object) -> bool:
        if isinstance(other, RnnChecker):
            return type(self) is type(other)
        return super().__eq__(other)

    def __hash__(self) -> int:
        return hash(type(self))

    def open(self) -> None:
        """Take the walk recorder's part if this is the first of the plugin's checkers pylint opens (the
        first it runs and leaves, too). Subclasses that read options call this first."""
        for kind in (nodes.Module, *tree.RECORDED_KINDS):
            self.__dict__.pop(_visit_method(kind), None)  # a part taken in an earlier run of this linter
        self.walk_records: Optional[dict] = None
        if _opens_first(self):
            self.walk_records = records = {kind: [] for kind in tree.RECORDED_KINDS}
            for kind, met in records.items():
                setattr(self, _visit_method(kind), met.append)
            # Start each module afresh: a walk another plugin's crash cut short leaves no nodes behind.
            setattr(self, _visit_method(nodes.Module), lambda _module: tree.clear_walk(records))

    def emit_each(self, candidates: Iterable[T], find: Callable[[T], Findings]) -> None:
        """Emit ``find(candidate)`` for each candidate (an error on one costs only its own messages)."""
        for findings in each_safely(self, candidates, find):
            self.emit(findings)

    def emit(self, findings: Findings) -> None:
        """Report the findings of an analysis: several, one, or None (nothing found)."""
        if findings is None or isinstance(findings, Finding):
            findings = [findings] if findings is not None else []
        for finding in findings:
            self.add_message(finding.symbol, node=finding.node,
                             args=tuple(finding.args) + tuple(finding.fix_args), confidence=finding.confidence)
