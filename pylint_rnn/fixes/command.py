"""``pylint-rnn lint --diff`` / ``--fix`` / ``--unsafe-fixes``: the command side of the fix engine.

- ``--diff``: print the fixes as unified diffs on stdout and write nothing. The safe fixes come first, per
  file (what ``--fix`` applies); unsafe ones follow in a section of their own, on top of the safe ones, unless
  ``--unsafe-fixes`` puts them in the first diff. Exit 1 when there is something to fix, else 0.
- ``--fix``: apply the safe fixes (and the unsafe ones with ``--unsafe-fixes``), then lint again and report
  what remains, with the usual formats and exit status.

Every finding that stays gets a note on stderr: why it has no automatic fix, or that an unsafe fix waits
for ``--unsafe-fixes``. The cli module calls :func:`run` from ``lint``; everything else is here.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from astroid import MANAGER

from pylint_rnn.fixes import engine
from pylint_rnn.fixes.edits import Fix
from pylint_rnn.fixes.relint import relinter
from pylint_rnn.fixes.source import SourceFile, unified_diff
from pylint_rnn.reporting import Finding

EXIT_OK = 0
EXIT_FIXABLE = 1
UNSAFE_HEADER = "# unsafe fixes (review them; applied by --fix --unsafe-fixes):\n"


def add_arguments(lint: argparse.ArgumentParser) -> None:
    group = lint.add_argument_group("fixes")
    group.add_argument("--diff", action="store_true",
                       help="print the fixes as a unified diff and write nothing (exit 1 if there is something to fix)")
    group.add_argument("--fix", action="store_true", help="apply the safe fixes, then report what remains")
    group.add_argument("--unsafe-fixes", action="store_true",
                       help="also apply (with --fix) or show among the fixes (with --diff) the unsafe fixes")


def wanted(options: argparse.Namespace) -> bool:
    return bool(getattr(options, "diff", False) or getattr(options, "fix", False))


def run(options: argparse.Namespace, linted: Tuple[object, List[Finding]], root: Path,
        lint_again: Callable[[], Tuple[object, List[Finding]]]) -> Tuple[Optional[int], object, List[Finding]]:
    """Show or apply the fixes of a lint run's findings.

    ``linted`` is (pylint's run, its findings); ``lint_again`` runs pylint again on the same paths. Returns
    (the exit status when the command is done (``--diff``), else None; the run and findings to report).
    """
    pylint_run, remaining = linted
    relint = relinter(options.rcfile, root)
    if options.diff:
        return _diff(options, remaining, root, relint), pylint_run, remaining
    fixed_files, fixed = set(), 0
    for _ in range(engine.MAX_ROUNDS):
        plans = [p for p in engine.plan_all(remaining, root, options.unsafe_fixes, relint) if p.changed]
        if not plans:
            break
        for plan in plans:
            engine.write(plan)
            fixed_files.add(plan.path)
            fixed += len(plan.applied)
        _forget(plan.path for plan in plans)
        pylint_run, remaining = lint_again()
    if not options.quiet:
        _notes(engine.plan_all(remaining, root, options.unsafe_fixes))
        print(f"pylint-rnn: fixed {fixed} finding{_s(fixed)} in {len(fixed_files)} file{_s(len(fixed_files))}",
              file=sys.stderr)
    return None, pylint_run, remaining


def _diff(options: argparse.Namespace, findings: List[Finding], root: Path, relint) -> int:
    plans = engine.plan_all(findings, root, options.unsafe_fixes, relint)
    unsafe_plans: Dict[str, engine.FilePlan] = {}
    if not options.unsafe_fixes and any(plan.withheld for plan in plans):
        unsafe_plans = {p.path: p for p in engine.plan_all(findings, root, True, relint)}
    out: List[str] = []
    safe_count = unsafe_count = 0
    for plan in plans:
        if plan.changed:
            out.append(unified_diff(plan.before, plan.after, plan.label))
            safe_count += len(plan.applied)
    for plan in plans:
        wider = unsafe_plans.get(plan.path)
        if wider is not None and wider.after.raw != plan.after.raw:
            out.append(UNSAFE_HEADER + unified_diff(plan.after, wider.after, plan.label))
            unsafe_count += len(wider.applied) - len(plan.applied)
    _write("".join(out), options.output)
    if not options.quiet:
        _notes(plans)
        print(f"pylint-rnn: {safe_count} fix{_es(safe_count)} shown"
              + (f", {unsafe_count} more unsafe" if unsafe_count else "")
              + f"; {sum(len(p.unfixed) for p in plans)} finding(s) without an automatic fix", file=sys.stderr)
    return EXIT_FIXABLE if out else EXIT_OK


def _notes(plans: Sequence[engine.FilePlan]) -> None:
    """One stderr line per finding left without a fix: the reason, or the unsafe fix waiting."""
    for plan in plans:
        for finding, fix in plan.withheld:
            print(f"{_where(finding)}: unsafe fix available (--unsafe-fixes): {fix.title}", file=sys.stderr)
        for finding, nofix in plan.unfixed:
            print(f"{_where(finding)}: no automatic fix: {nofix.reason}", file=sys.stderr)


def _where(finding: Finding) -> str:
    return f"{finding.path}:{finding.line}:{finding.column}: {finding.symbol}"


def _write(text: str, output: Optional[str]) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8", newline="")
        return
    sys.stdout.write(text)
    sys.stdout.flush()


def _forget(paths) -> None:
    """Drop astroid's cached trees of rewritten files, so the next pylint run reads the new text."""
    changed = set(paths)
    for name, module in list(MANAGER.astroid_cache.items()):
        if getattr(module, "file", None) in changed:
            del MANAGER.astroid_cache[name]


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def _es(count: int) -> str:
    return "" if count == 1 else "es"


# --- SARIF -------------------------------------------------------------------------------------------------


def sarif_fixes(findings: Sequence[Finding], root: Path) -> Callable[[Finding], List[dict]]:
    """For SARIF results: each finding's fix (safe or unsafe) as a description and its replacements."""
    by_finding: Dict[int, List[dict]] = {}
    fixable = [f for f in findings if f.symbol in engine.fixable_symbols()]
    for finding, source, outcome in engine.outcomes(fixable, root):
        if isinstance(outcome, Fix):
            by_finding[id(finding)] = [_sarif_fix(outcome, source)]
    return lambda finding: by_finding.get(id(finding), [])


def _sarif_fix(fix: Fix, source: SourceFile) -> dict:
    replacements = []
    for edit in fix.edits:
        start_line, start_column = source.position(edit.start)
        end_line, end_column = source.position(edit.end)
        region = {"startLine": start_line, "startColumn": start_column + 1, "endLine": end_line,
                  "endColumn": end_column + 1}
        replacements.append({"deletedRegion": region, "insertedContent": {"text": edit.text}})
    return {"description": f"{fix.title} ({fix.safety} fix)", "replacements": replacements}
