"""The ``pylint-rnn`` command: ``lint`` for CI and editors, ``rules`` lists the rules, ``verify`` runs the verifier.

``pylint-rnn lint [PATH...]`` checks the project's Python files (:mod:`pylint_rnn.reporting.discovery`:
with no path the current directory, skipping virtual environments, tool folders and what ``.gitignore``
ignores; files named on the command line always) with pylint in-process and only this plugin's checks
(``--load-plugins=pylint_rnn --disable=all --enable=rnn``). It reads the user's pylint configuration the way
pylint does (pylintrc, .pylintrc, pyproject.toml ``[tool.pylint.*]``, setup.cfg; or ``--rcfile``), so the
``[rnn]`` options apply, a message of the plugin that the configuration disables by name stays disabled and
an opt-in message it enables by name (``enable=rnn-time-axis-reduction``) is enabled; disabling the whole
``rnn`` checker in the configuration (to keep it out of a plain ``pylint`` run) does not switch this command
off. Only the plugin's findings and ``syntax-error`` are reported and counted: pylint's own messages about
pragmas and configuration are not (:mod:`pylint_rnn.reporting.runner`).

``pylint-rnn rules [SYMBOL]`` lists every rule of the registry (:mod:`pylint_rnn.rules`), static and
runtime-only, with its id, symbol, whether it is on by default, whether the verifier can confirm it, and its
docs page; with a symbol or id it prints that rule's page.

Exit codes: 0 no (new) findings at or above ``--fail-on``; 1 findings; 2 usage error, or the command
could not run (a crash is never reported as exit 1).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from pylint_rnn import __version__, rule_docs, rules
from pylint_rnn.reporting import (
    SEVERITY_RANK,
    Finding,
    SourceCache,
    find_root,
    finding_from_message,
    relative_posix,
    sarif,
)
from pylint_rnn.fixes import command as fix_command
from pylint_rnn.reporting import baseline as baseline_mod
from pylint_rnn.reporting import discovery
from pylint_rnn.reporting.formats import (
    BOLD,
    COLOURS,
    FORMATS,
    SEVERITY_STYLE,
    format_github,
    format_json,
    format_text,
    paint,
    use_colour,
)
from pylint_rnn.verify import INSTALL_HINT, runtime_missing_message, tensorflow_available

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

RUNTIME_INSTALL_HINT = INSTALL_HINT  # what `pylint-rnn verify` prints without TensorFlow: the verifier's own line
SEVERITIES = ("error", "warning", "note")  # most severe first, as the summary lists them


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
        description="List every rule of pylint-rnn (static and runtime-only), or print one rule's page.",
    )
    listing.add_argument("rule", nargs="?", metavar="SYMBOL", help="a rule's symbol or id: print its docs page")
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
        description="Run pylint with only pylint-rnn's checks on the project's Python files (virtual "
                    "environments, tool folders and what .gitignore ignores are skipped; files named are always "
                    "checked). Exit 0: no findings; 1: findings; 2: usage error.",
    )
    lint.add_argument("paths", nargs="*", metavar="PATH",
                      help="files or directories (default: the current directory); files are always checked")
    lint.add_argument("--format", "-f", choices=FORMATS, default="text", help="output format (default: text)")
    lint.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    lint.add_argument("--rcfile", metavar="FILE", help="pylint configuration file (default: discovered as pylint does)")
    lint.add_argument("--jobs", "-j", type=int, metavar="N", help="parallel pylint jobs (0: one per CPU)")
    lint.add_argument("--exclude", action="append", default=[], metavar="PATTERN",
                      help="also skip what PATTERN matches in directories (gitignore syntax, relative to the "
                           "working directory); repeat it or separate patterns with commas")
    lint.add_argument("--baseline", metavar="FILE", help="report and fail only on findings not recorded in FILE")
    lint.add_argument("--write-baseline", metavar="FILE", help="record today's findings in FILE and exit 0")
    lint.add_argument(
        "--fail-on",
        choices=("warning", "error"),
        help="lowest severity that fails (exit 1); default: any finding fails",
    )
    lint.add_argument("--color", choices=COLOURS, default="auto",
                      help="colour the text report: auto (default: on a terminal, unless NO_COLOR is set)")
    lint.add_argument("--quiet", "-q", action="store_true", help="no summary on stderr (warnings still show)")
    fix_command.add_arguments(lint)  # --diff, --fix, --unsafe-fixes


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


def _warn(text: str) -> None:
    print(f"pylint-rnn: warning: {text}", file=sys.stderr)


def _discover(options: argparse.Namespace) -> List[str]:
    """The files to check, as the user named them; warnings for paths that hold no Python file."""
    try:
        found = discovery.discover(options.paths, options.exclude)
    except discovery.DiscoveryError as exc:
        raise UsageError(str(exc)) from exc
    for warning in found.warnings:
        _warn(warning)
    return found.files


def _run_pylint(options: argparse.Namespace, files: Sequence[str]):
    """pylint's run on ``files`` (None when there is nothing to check or no check of the plugin is installed)."""
    from pylint_rnn.reporting import runner

    if not files:
        return None
    try:
        run = runner.run_pylint(files, options.rcfile, options.jobs)
    except runner.PylintUsageError as exc:
        raise UsageError(str(exc)) from exc
    except runner.NothingToCheck:
        _warn("no check of the 'rnn' checker is installed; nothing to report")
        return None
    if run.stdout.strip():
        sys.stderr.write(run.stdout)
    return run


def _key(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


def _findings(run, root: Path, names: Dict[str, str]) -> List[Finding]:
    """The run's findings, sorted, each under the file's name as the user gave it."""
    sources = SourceCache()
    findings = [
        finding_from_message(message, root, sources, names.get(_key(message.abspath or message.path)))
        for message in (run.messages if run is not None else [])
    ]
    return sorted(findings, key=Finding.sort_key)


def _crashes(run, names: Dict[str, str], root: Path) -> List[Tuple[str, str, str]]:
    """(name as the user gave it, path from the root, reason) of each file pylint could not analyse;
    reported as one line each, never as a finding."""
    out = []
    for crash in run.crashes if run is not None else []:
        shown = names.get(_key(crash.abspath), crash.path)
        out.append((shown, relative_posix(crash.abspath, root), crash.reason))
        _warn(f"could not analyse {shown}: {crash.reason} (the file was not checked)")
    return out


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


def _render(options: argparse.Namespace, findings: List[Finding], run, root: Path, crashes) -> str:
    fmt = options.format
    if fmt == "text":
        return format_text(findings, colour=not options.output and use_colour(options.color, sys.stdout))
    if fmt == "json":
        return format_json(findings)
    if fmt == "github":
        return format_github(findings)
    invocation = sarif.Invocation(notifications=[sarif.crash_notification(path, reason) for _, path, reason in crashes])
    descriptors = sarif.lint_descriptors(findings, run.linter if run is not None else None)
    return sarif.render(findings, descriptors, root, invocation=invocation,
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


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _fails(finding: Finding, fail_on: Optional[str]) -> bool:
    if fail_on is None:
        return True
    return SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[fail_on]


def summary_lines(options: argparse.Namespace, reported: List[Finding], forgiven: List[Finding],
                  checked: int, colour: bool = False) -> List[str]:
    """What the command says on stderr at the end: counts per severity, then what did not fail the gate."""
    counts = Counter(finding.severity for finding in reported)
    per_severity = ", ".join(paint(_plural(counts[s], s), SEVERITY_STYLE[s], colour) for s in SEVERITIES if counts[s])
    head = f"{_plural(len(reported), 'finding')} in {_plural(checked, 'file')}"
    parts = [paint(head, BOLD, colour) + (f": {per_severity}" if per_severity else "")]
    if forgiven:
        parts.append(f"{len(forgiven)} more in the baseline")
    if options.write_baseline:
        parts.append(f"recorded in {options.write_baseline}")
    if options.output:
        parts.append(f"report written to {options.output}")
    lines = ["pylint-rnn: " + "; ".join(parts)]
    below = [finding for finding in reported if not _fails(finding, options.fail_on)]
    if below and not options.write_baseline:
        lines.append(f"pylint-rnn: {_plural(len(below), 'finding')} below the --fail-on threshold "
                     f"({options.fail_on}): they do not fail the run")
    return lines


def cmd_lint(options: argparse.Namespace) -> int:
    """``pylint-rnn lint``: discover, run pylint, report; the exit code says whether the gate passes."""
    known = _load_baseline(options)
    root = find_root()
    files = _discover(options)
    run = _run_pylint(options, files)
    names = {_key(name): name for name in files}
    findings = _findings(run, root, names)
    if fix_command.wanted(options):  # --diff / --fix / --unsafe-fixes: pylint_rnn/fixes/command.py

        def lint_again():
            again = _run_pylint(options, files)
            return again, _findings(again, root, names)

        done, run, findings = fix_command.run(options, (run, findings), root, lint_again)
        if done is not None:
            return done
    crashes = _crashes(run, names, root)
    reported, forgiven = _split_by_baseline(options, findings, known)
    _write_report(_render(options, reported, run, root, crashes), options.output)
    if not options.quiet:
        colour = use_colour(options.color, sys.stderr)
        for line in summary_lines(options, reported, forgiven, len(files) - len(crashes), colour):
            print(line, file=sys.stderr)
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


def _one_rule(name: str) -> rules.Rule:
    for candidate in (name, name.upper()):
        if rules.is_rule(candidate) or any(rule.msgid == candidate for rule in rules.RULES):
            return rules.rule(candidate)
    raise UsageError(f"no rule {name!r}; `pylint-rnn rules` lists them")


def cmd_rules(options: argparse.Namespace) -> int:
    """``pylint-rnn rules``: the table of every rule, or one rule's page."""
    if options.rule:
        rule = _one_rule(options.rule)
        page = rule_docs.published_page(rule)
        if options.format == "json":
            sys.stdout.write(json.dumps(dict(rule_row(rule), page=page), indent=2, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(page)
        return EXIT_OK
    rows = [rule_row(rule) for rule in all_rules()]
    if options.format == "json":
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(format_rules_text(rows))
    return EXIT_OK


# ------------------------------------------------------------------------------------------- verify
def runtime_available() -> bool:
    """Whether the runtime extra (TensorFlow) is installed, without importing TensorFlow."""
    return tensorflow_available()


def cmd_verify(argv: Sequence[str]) -> int:
    """``pylint-rnn verify ...``: the verifier with its own arguments; without TensorFlow, how to install it."""
    if not runtime_available() and not any(arg in ("-h", "--help", "--version") for arg in argv):
        print(runtime_missing_message("pylint-rnn verify"), file=sys.stderr)
        return EXIT_USAGE
    from pylint_rnn.verify.cli import main as verify_main

    try:
        return int(verify_main(list(argv)) or 0)
    except SystemExit as exc:  # argparse: 0 for --help / --version, 2 for a usage error
        return int(exc.code or 0) if isinstance(exc.code, int) or exc.code is None else EXIT_USAGE


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The ``pylint-rnn`` console script; returns the exit code."""
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
    except Exception:
        # A crash must not look like "findings" (exit 1) to a CI gate or an editor.
        import traceback

        traceback.print_exc()
        print("pylint-rnn: error: internal error (see the traceback above)", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
