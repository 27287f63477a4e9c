"""Running pylint in-process with only the ``rnn`` checker and collecting its messages.

Uses ``pylint.lint.Run`` (so configuration discovery, ``--rcfile``, ``load-plugins``, ``init-hook``,
``ignore`` and ``-j`` behave exactly as in pylint) with a collecting reporter. The linter class is defined at
module level so that ``-j N`` can send it to worker processes.
"""
from __future__ import annotations

import contextlib
import glob
import io
import os
from typing import List, Optional, Sequence

from pylint.lint import PyLinter, Run
from pylint.reporters import CollectingReporter

from pylint_rnn.rules import CHECKER_NAME


class PylintUsageError(Exception):
    """pylint refused to run (bad path, bad configuration)."""


class NothingToCheck(Exception):
    """No message of the ``rnn`` checker is installed."""


def plugin_message_names(linter: PyLinter) -> set:
    """Lower-cased ids and symbols of every message of the ``rnn`` checker."""
    names = set()
    for checker in linter.get_checkers():
        if checker.name == CHECKER_NAME:
            for msgid, definition in checker.msgs.items():
                names.add(msgid.lower())
                names.add(definition[1].lower())
    return names


class RnnLinter(PyLinter):
    """A PyLinter that keeps our messages disabled when the configuration file disables them by name.

    The command line says ``--disable=all --enable=rnn`` (only our checks), which would otherwise
    re-enable a message the user's configuration disables, e.g. ``disable=rnn-time-axis-reduction``.
    Disabling the whole checker (``disable=rnn``) is not carried over: that is how a project keeps the
    plugin out of its plain pylint run while gating with ``pylint-rnn lint``.
    """

    def _parse_configuration_file(self, arguments):
        names = self.__dict__.setdefault("_rnn_config_disables", [])
        args = list(arguments)
        for i, arg in enumerate(args):
            value = None
            if arg.startswith("--disable="):
                value = arg.split("=", 1)[1]
            elif arg == "--disable" and i + 1 < len(args):
                value = args[i + 1]
            if value:
                names.extend(v.strip() for v in value.split(",") if v.strip())
        return super()._parse_configuration_file(arguments)

    def _parse_command_line_configuration(self, arguments=None):
        remaining = super()._parse_command_line_configuration(arguments)
        ours = plugin_message_names(self)
        for name in self.__dict__.get("_rnn_config_disables", []):
            if name.lower() in ours:
                self.disable(name)
        return remaining


class RnnRun(Run):
    LinterClass = RnnLinter


def expand_paths(paths: Sequence[str]) -> List[str]:
    """Existing paths as given; globs expanded; anything else is a usage error."""
    out = []
    for path in paths:
        if os.path.exists(path):
            out.append(path)
            continue
        matches = sorted(glob.glob(path, recursive=True))
        if not matches:
            raise PylintUsageError(f"no such file or directory: {path}")
        out.extend(matches)
    return out


class LintRun:
    """What one in-process pylint run produced."""

    def __init__(self, linter: PyLinter, messages: list, stdout: str) -> None:
        self.linter = linter
        self.messages = messages
        self.stdout = stdout


def run_pylint(paths: Sequence[str], rcfile: Optional[str] = None, jobs: Optional[int] = None) -> LintRun:
    """Run pylint on ``paths`` with only the ``rnn`` checker; return its messages."""
    reporter = CollectingReporter()
    args = []
    if rcfile is not None:
        args.append(f"--rcfile={rcfile}")
    args += [
        "--load-plugins=pylint_rnn",
        "--disable=all",
        f"--enable={CHECKER_NAME}",
        "--score=n",
        "--reports=n",
        "--persistent=n",
    ]
    if jobs is not None:
        args.append(f"--jobs={jobs}")
    args.append("--")
    args.extend(paths)

    captured = io.StringIO()
    try:
        # pylint prints a few things of its own on stdout; keep stdout for our report.
        with contextlib.redirect_stdout(captured):
            run = RnnRun(args, reporter=reporter, exit=False)
    except SystemExit as exc:
        text = captured.getvalue()
        if "No files to lint" in text:
            raise NothingToCheck() from exc
        raise PylintUsageError(
            (text.strip() + "\n" if text.strip() else "") + f"pylint could not run (exit status {exc.code})"
        ) from exc
    return LintRun(run.linter, list(reporter.messages), captured.getvalue())
