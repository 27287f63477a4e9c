"""The ``pylint-rnn`` command: ``lint`` for CI and editors, ``rules`` lists the rules, ``verify`` runs the verifier.

``pylint-rnn lint [PATH...]`` runs pylint in-process with only this plugin's checks
(``--load-plugins=pylint_rnn --disable=all --enable=rnn``), reading the user's pylint configuration the
way pylint does (pylintrc, .pylintrc, pyproject.toml ``[tool.pylint.*]``, setup.cfg; or ``--rcfile``), so
the ``[rnn]`` options apply. A message of the plugin that the configuration disables by name
(``disable=rnn-time-axis-reduction``) stays disabled; disabling the whole ``rnn`` checker in the
configuration (to keep it out of a plain ``pylint`` run) does not switch this command off.

``pylint-rnn rules`` lists every rule of the registry (:mod:`pylint_rnn.rules`), static and runtime-only,
with its id, symbol, whether it is on by default, whether the verifier can confirm it, and its docs page.

Exit codes: 0 no (new) findings at or above ``--fail-on``; 1 findings; 2 usage error, or the command
could not run (a crash is never reported as exit 1).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from pylint_rnn import __version__, rules
from pylint_rnn.reporting import (
    SEVERITY_RANK,
    Finding,
    SourceCache,
    find_root,
    finding_from_message,
    sarif,
)
from pylint_rnn.fixes import command as fix_command
from pylint_rnn.reporting import baseline as baseline_mod
from pylint_rnn.reporting.formats import FORMATS, format_github, format_json, format_text

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

RUNTIME_INSTALL_HINT = "pip install 'pylint-rnn[runtime]'"


class UsageError(Exception):
    """Reported on stderr; the command exits 2."""


# ------------------------------------------------------------------------------------------- parser
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pylint-rnn",
        description="Find TensorFlow RNN weight-sharing pitfalls (pylint plugin + runtime verifier).",
    )
    parser.add_argument("--version", action="version", version=f"pylint-rnn {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="{lint,rules,verify}")
    _add_lint_parser(sub)
    listing = sub.add_parser(
        "rules",
        help="list every rule: id, symbol, on by default, confirmed by the verifier, docs page",
        description="List every rule of pylint-rnn (static and runtime-only).",
    )
    listing.add_argument("--format", "-f", choices=("text", "json"), default="text", help="output format")
    verify = sub.add_parser(
        "verify",
        help="confirm findings by building the graph with TensorFlow (same as pylint-rnn-verify)",
        add_help=False,
    )
    verify.add_argument("verify_args", nargs=argparse.REMAINDER)
    return parser


def _add_lint_parser(sub) -> None:
    lint = sub.add_parser(
        "lint",
        help="run the static checks (pylint with only this plugin's messages)",
        description="Run pylint with only pylint-rnn's checks. Exit 0: no findings; 1: findings; 2: usage error.",
    )
    lint.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    lint.add_argument("--format", "-f", choices=FORMATS, default="text", help="output format (default: text)")
    lint.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    lint.add_argument("--rcfile", metavar="FILE", help="pylint configuration file (default: discovered as pylint does)")
    lint.add_argument("--jobs", "-j", type=int, metavar="N", help="parallel pylint jobs (0: one per CPU)")
    lint.add_argument("--baseline", metavar="FILE", help="report and fail only on findings not recorded in FILE")
    lint.add_argument("--write-baseline", metavar="FILE", help="record today's findings in FILE and exit 0")
    lint.add_argument(
        "--fail-on",
        choices=("warning", "error"),
        help="lowest severity that fails (exit 1); default: any finding fails",
    )
    lint.add_argument("--quiet", "-q", action="store_true", help="no summary line on stderr")
    fix_command.add_arguments(lint)  # --diff, --fix, --unsafe-fixes (issue 12)


# --------------------------------------------------------------------------------------------- lint
def _load_baseline(options: argparse.Namespace):
    """Check the options pylint does not see; the baseline's counts (None without --baseline)."""
    if options.baseline and options.write_baseline:
        raise UsageError("--baseline and --write-baseline cannot be combined")
    if options.jobs is not None and options.jobs < 0:
        raise UsageError("--jobs must be 0 (one per CPU) or more")
    if options.rcfile is not None and not os.path.isfile(options.rcfile):
        raise UsageError(f"no such configuration file: {options.rcfile}")
    if not options.baseline:
        return None
    try:
        return baseline_mod.load(options.baseline)
    except baseline_mod.BaselineError as exc:
        raise UsageError(str(exc)) from exc


def _run_pylint(options: argparse.Namespace):
    """pylint's run on the paths (None when no check of the plugin is installed)."""
    from pylint_rnn.reporting import runner

    try:
        paths = runner.expand_paths(options.paths or ["."])
        run = runner.run_pylint(paths, options.rcfile, options.jobs)
    except runner.PylintUsageError as exc:
        raise UsageError(str(exc)) from exc
    except runner.NothingToCheck:
        print("pylint-rnn: no check of the 'rnn' checker is installed; nothing to report", file=sys.stderr)
        return None
    if run.stdout.strip():
        sys.stderr.write(run.stdout)
    return run


def _findings(run, root: Path) -> List[Finding]:
    """The run's messages about files, sorted; messages about the command line go to stderr."""
    sources = SourceCache()
    findings: List[Finding] = []
    for message in run.messages if run is not None else []:
        abspath = message.abspath or ""
        if not abspath or not os.path.isfile(abspath):
            print(f"pylint-rnn: {message.path}: {message.symbol}: {message.msg}", file=sys.stderr)
            continue
        findings.append(finding_from_message(message, root, sources))
    return sorted(findings, key=Finding.sort_key)


def _split_by_baseline(options: argparse.Namespace, findings: List[Finding], known):
    """(findings to report, findings the baseline forgives); writes the baseline when asked to."""
    if options.write_baseline:
        try:
            baseline_mod.write(options.write_baseline, findings, f"pylint-rnn {__version__}")
        except OSError as exc:
            raise UsageError(f"cannot write {options.write_baseline}: {exc}") from exc
        return findings, []
    if known is not None:
        return baseline_mod.split(findings, known)
    return findings, []


def _render(fmt: str, findings: List[Finding], run, root: Path) -> str:
    if fmt == "text":
        return format_text(findings)
    if fmt == "json":
        return format_json(findings)
    if fmt == "github":
        return format_github(findings)
    return sarif.render(findings, sarif.lint_descriptors(findings, run.linter if run is not None else None), root,
                        fixes_of=fix_command.sarif_fixes(findings, root))


def _write_report(report: str, output: Optional[str]) -> None:
    if not output:
        sys.stdout.write(report)
        sys.stdout.flush()
        return
    try:
        Path(output).write_text(report, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc}") from exc


def _summary(options: argparse.Namespace, reported: List[Finding], forgiven: List[Finding]) -> str:
    parts = [f"{len(reported)} finding{'s' if len(reported) != 1 else ''}"]
    if forgiven:
        parts.append(f"{len(forgiven)} more in the baseline")
    if options.write_baseline:
        parts.append(f"recorded in {options.write_baseline}")
    if options.output:
        parts.append(f"report written to {options.output}")
    return "pylint-rnn: " + "; ".join(parts)


def _fails(finding: Finding, fail_on: Optional[str]) -> bool:
    if fail_on is None:
        return True
    return SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[fail_on]


def cmd_lint(options: argparse.Namespace) -> int:
    known = _load_baseline(options)
    root = find_root()
    run = _run_pylint(options)
    findings = _findings(run, root)
    if fix_command.wanted(options):  # --diff / --fix / --unsafe-fixes: pylint_rnn/fixes/command.py

        def lint_again():
            again = _run_pylint(options)
            return again, _findings(again, root)

        done, run, findings = fix_command.run(options, (run, findings), root, lint_again)
        if done is not None:
            return done
    reported, forgiven = _split_by_baseline(options, findings, known)
    _write_report(_render(options.format, reported, run, root), options.output)
    if not options.quiet:
        print(_summary(options, reported, forgiven), file=sys.stderr)
    if options.write_baseline:
        return EXIT_OK
    return EXIT_FINDINGS if any(_fails(f, options.fail_on) for f in reported) else EXIT_OK


# -------------------------------------------------------------------------------------------- rules
def all_rules() -> Tuple[rules.Rule, ...]:
    """Every rule: the static ones in message-id order, then the verifier's runtime-only ones."""
    return rules.static_rules() + tuple(rule for rule in rules.RULES if rule.runtime_only)


def rule_row(rule: rules.Rule) -> dict:
    return {
        "id": rule.msgid,
        "symbol": rule.symbol,
        "summary": rule.summary,
        "default_enabled": rule.default_enabled,
        "verifiable": rule.verifiable,
        "runtime_only": rule.runtime_only,
        "docs_page": rule.docs_page,
    }


def format_rules_text(rows: Sequence[dict]) -> str:
    """One line per rule; ``verifier`` is yes (can confirm), no, or only (runtime-only rule)."""
    table = [("id", "symbol", "default", "verifier", "docs")]
    for row in rows:
        verifier = "only" if row["runtime_only"] else ("yes" if row["verifiable"] else "no")
        table.append((row["id"] or "-", row["symbol"], "on" if row["default_enabled"] else "off", verifier,
                      row["docs_page"]))
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    return "".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() + "\n" for line in table)


def cmd_rules(options: argparse.Namespace) -> int:
    rows = [rule_row(rule) for rule in all_rules()]
    if options.format == "json":
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(format_rules_text(rows))
    return EXIT_OK


# ------------------------------------------------------------------------------------------- verify
def runtime_available() -> bool:
    """Whether the runtime extra is installed, without importing TensorFlow."""
    try:
        return importlib.util.find_spec("tensorflow") is not None
    except (ImportError, ValueError):
        return False


def cmd_verify(argv: Sequence[str]) -> int:
    if not runtime_available():
        print(
            "pylint-rnn verify needs TensorFlow, which is not installed.\n"
            f"Install the runtime extra:  {RUNTIME_INSTALL_HINT}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        from pylint_rnn.verify.cli import main as verify_main
    except ImportError as exc:
        print(f"pylint-rnn verify is not available in this installation: {exc}", file=sys.stderr)
        return EXIT_USAGE
    code = verify_main(list(argv))
    return int(code or 0)


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `verify` takes the verifier's own arguments verbatim, including --help.
    if argv and argv[0] == "verify":
        return cmd_verify(argv[1:])
    parser = _parser()
    try:
        options = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 0 for --help/--version, 2 for bad usage
        return int(exc.code or 0)
    commands = {"lint": cmd_lint, "rules": cmd_rules}
    if options.command not in commands:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return commands[options.command](options)
    except UsageError as exc:
        print(f"pylint-rnn: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception:  # pylint: disable=broad-except
        # A crash must not look like "findings" (exit 1) to a CI gate or an editor.
        import traceback

        traceback.print_exc()
        print("pylint-rnn: error: internal error (see the traceback above)", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
