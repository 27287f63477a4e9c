"""From reported findings to fixes: find each finding's code again, compute its fix, apply what may be
applied, and do it again where fixes overlapped.

The findings come from a pylint run (so the user's configuration and ``# pylint: disable`` comments have
had their say). Each file with findings is read once and parsed again from the exact text that will be
edited; a finding's node is found by its position, the analysis that reported it is asked again for that
node, and the analysis's finding with the same message text is the one fixed. A fixer returns, per
finding, a :class:`~pylint_rnn.fixes.edits.Fix` or a :class:`~pylint_rnn.fixes.edits.NoFix` with the
reason.

Overlapping fixes are not merged: the first is applied, and the file is linted again (in memory, see
``relint``) for the rest, a few rounds at most.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from astroid import MANAGER, nodes
from astroid.builder import AstroidBuilder
from astroid.modutils import modpath_from_file

from pylint_rnn import rules
from pylint_rnn.analyses import reuse, stacking, timesteps
from pylint_rnn.fixes.cells import CellFixer
from pylint_rnn.fixes.edits import Fix, NoFix, Outcome, distinct_edits, select
from pylint_rnn.fixes.source import SourceError, SourceFile
from pylint_rnn.fixes.variables import VariableFixer
from pylint_rnn.reporting import Finding

MAX_ROUNDS = 4
NO_RULE_FIX = "this rule has no automatic fix (why: {page}, 'Fix safety')"
_NOT_FOUND = "the fix could not find this finding's code again"

# symbol -> (the node class a finding of it is reported on, the fixer method that answers for that node)
_FIXERS: Dict[str, Tuple[type, str]] = {
    stacking.SAME_CELL: (nodes.Call, "same_cell"),
    timesteps.LAYERS_AS_STEPS: (nodes.Call, "one_cell"),
    reuse.REPEATED_CALL: (nodes.BinOp, "repeated_call"),
    reuse.NOT_SHARED: (nodes.Call, "not_shared"),
    reuse.DUPLICATE: (nodes.Call, "duplicate"),
}

# Lints a file's new text in memory: (absolute path, text) -> its findings.
Relint = Callable[[str, str], List[Finding]]


def fixable_symbols() -> Tuple[str, ...]:
    """The rules the engine can fix (some findings of them may still get no fix)."""
    return tuple(_FIXERS)


@dataclass
class FilePlan:
    """What fixing does to one file."""

    path: str  # absolute
    label: str  # as findings show it (relative to the repository root)
    before: SourceFile
    after: SourceFile  # with the applied fixes (``before`` when none)
    applied: List[Tuple[Finding, Fix]] = field(default_factory=list)
    withheld: List[Tuple[Finding, Fix]] = field(default_factory=list)  # unsafe fixes not asked for
    unfixed: List[Tuple[Finding, NoFix]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.after.raw != self.before.raw


# --- one file, one round -------------------------------------------------------------------------------------


class FileFixer:
    """The fixes of one version of one file's text."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.module = _parse(source)
        self._answers: Dict[Tuple[str, int], list] = {}
        self._fixers = {"cells": CellFixer(source), "variables": VariableFixer(source)}

    def outcome(self, finding: Finding) -> Outcome:
        """The fix of one reported finding, or why there is none."""
        if finding.symbol not in _FIXERS:
            if not rules.is_rule(finding.symbol):
                return NoFix("not a pylint-rnn rule")  # syntax-error and other pylint messages
            return NoFix(NO_RULE_FIX.format(page=rules.rule(finding.symbol).docs_page))
        if self.module is None:
            return NoFix("the file does not parse")
        kind, method = _FIXERS[finding.symbol]
        node = self._locate(finding, kind)
        if node is None:
            return NoFix(_NOT_FOUND)
        key = (method, id(node))
        if key not in self._answers:
            self._answers[key] = self._answer(method, node)
        rule = rules.rule(finding.symbol)
        for analysed, outcome in self._answers[key]:
            if analysed is None or rule.format(analysed.args, analysed.fix_args) == finding.message:
                return outcome
        return NoFix(_NOT_FOUND)

    def _answer(self, method: str, node: nodes.NodeNG) -> list:
        fixer = self._fixers["cells"] if method in ("same_cell", "one_cell") else self._fixers["variables"]
        try:
            answer = getattr(fixer, method)(node)
        except (SourceError, RecursionError) as exc:
            return [(None, NoFix(f"the fix could not follow this code ({exc})"))]
        except Exception as exc:  # an internal error must cost the fix, never the lint run
            if os.environ.get("PYLINT_RNN_DEBUG"):
                raise
            return [(None, NoFix(f"internal error while computing the fix: {exc!r} (please report)"))]
        return [(None, answer)] if isinstance(answer, (Fix, NoFix)) else answer

    def _locate(self, finding: Finding, kind: type) -> Optional[nodes.NodeNG]:
        """The node of the finding's kind at its position: start and end exactly, else the start."""
        candidates = [n for n in self.module.nodes_of_class(kind) if n.lineno == finding.line]
        exact = [n for n in candidates if self._columns(n) == (finding.column, finding.end_line, finding.end_column)]
        if exact:
            return exact[0]
        starting = [n for n in candidates if self._columns(n)[0] == finding.column]
        return starting[0] if len(starting) == 1 else None

    def _columns(self, node: nodes.NodeNG) -> Tuple[int, Optional[int], Optional[int]]:
        """(1-based start column, end line, 1-based end column) in code points, as findings give them."""
        try:
            start, end = self.source.span(node)
        except SourceError:
            return (0, None, None)
        column = self.source.position(start)[1]
        end_line, end_column = self.source.position(end)
        return column + 1, end_line, end_column + 1


def _parse(source: SourceFile) -> Optional[nodes.Module]:
    try:
        modname = ".".join(modpath_from_file(source.path))
    except Exception:
        modname = Path(source.path).stem
    try:
        return AstroidBuilder(MANAGER).string_build(source.text, modname, source.path)
    except Exception:  # a syntax error, or astroid failing on odd code: no fixes for this file
        return None


# --- a file over rounds --------------------------------------------------------------------------------------


def plan_file(path: str, findings: Sequence[Finding], unsafe: bool, relint: Optional[Relint] = None) -> FilePlan:
    """Fix one file's findings: the safe fixes (and the unsafe ones if ``unsafe``), in rounds while fixes
    overlapped and ``relint`` can lint the new text."""
    before = SourceFile.read(path)
    plan = FilePlan(path, findings[0].path if findings else path, before, before)
    todo = list(findings)
    for round_number in range(MAX_ROUNDS):
        wanted = _sorted_out(plan, FileFixer(plan.after), todo, unsafe, first=round_number == 0)
        taken, skipped = select([fix for _, fix in wanted])
        plan.applied += [(finding, fix) for finding, fix in wanted if fix in taken]
        if not taken:
            break
        plan.after = _apply(plan.after, taken)
        if not skipped or relint is None:
            break
        todo = relint(path, plan.after.text)
    return plan


def _sorted_out(plan: FilePlan, fixer: FileFixer, findings: Sequence[Finding], unsafe: bool,
                first: bool) -> List[Tuple[Finding, Fix]]:
    """The fixes to apply; the first round also records the findings left without a fix, and why."""
    wanted = []
    for finding in findings:
        outcome = fixer.outcome(finding)
        if isinstance(outcome, NoFix):
            if first:
                plan.unfixed.append((finding, outcome))
        elif outcome.safe or unsafe:
            wanted.append((finding, outcome))
        elif first:
            plan.withheld.append((finding, outcome))
    return wanted


def _apply(source: SourceFile, fixes: List[Fix]) -> SourceFile:
    _, raw = source.replaced(distinct_edits(fixes))
    return source.with_bytes(raw)


def _by_file(findings: Sequence[Finding], root: Path) -> Dict[str, List[Finding]]:
    by_file: Dict[str, List[Finding]] = {}
    for finding in findings:
        path = os.path.normpath(os.path.join(str(root), finding.path))
        by_file.setdefault(path, []).append(finding)
    return by_file


def outcomes(findings: Sequence[Finding], root: Path) -> List[Tuple[Finding, SourceFile, Outcome]]:
    """Each finding's fix (safe or unsafe) or why it has none, on the files as they are; unreadable files
    are left out."""
    out = []
    for path, found in sorted(_by_file(findings, root).items()):
        try:
            fixer = FileFixer(SourceFile.read(path))
        except SourceError:
            continue
        out += [(finding, fixer.source, fixer.outcome(finding)) for finding in found]
    return out


def plan_all(findings: Sequence[Finding], root: Path, unsafe: bool, relint: Optional[Relint] = None) -> List[FilePlan]:
    """A plan per file that has findings, in path order; files that cannot be read are left out."""
    by_file = _by_file(findings, root)
    plans = []
    for path in sorted(by_file):
        try:
            plans.append(plan_file(path, by_file[path], unsafe, relint))
        except SourceError:
            continue
    return plans


def write(plan: FilePlan) -> None:
    """Write the fixed bytes over the file (in place: its permissions and links stay)."""
    with open(plan.path, "wb") as stream:
        stream.write(plan.after.raw)
