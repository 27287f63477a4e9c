"""Running pylint in-process with only pylint-rnn's checkers, and sorting what it says.

Uses ``pylint.lint.Run`` (so configuration discovery, ``--rcfile``, ``load-plugins``, ``init-hook``,
``ignore`` and ``-j`` behave exactly as in pylint) with a collecting reporter, on the files that
:mod:`.discovery` chose. The linter class is defined at module level so that ``-j N`` can send it to
worker processes. Of pylint's messages only three kinds matter (:func:`sort_messages`):

- the plugin's own findings (messages of the ``rnn`` and ``rnn-opt-in`` checkers) and ``syntax-error`` (a
  file that does not parse fails the gate instead of passing unchecked);
- crashes of pylint or astroid on one file (``astroid-error``, ``fatal``, ``parse-error``): one line for
  the user, never a traceback, never a crash report in their home directory;
- everything else (stale pragmas such as ``# pylint: disable=bad-continuation``, ``locally-disabled``,
  ``useless-suppression``, configuration warnings, ...) is pylint's business, not the gate's: dropped.
"""
from __future__ import annotations

import contextlib
import glob
import io
import os
import shutil
import sys
import tempfile
import uuid
import warnings
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import astroid
from pylint.interfaces import HIGH
from pylint.lint import PyLinter, Run
from pylint.reporters import CollectingReporter

from pylint_rnn.rules import CHECKER_NAME, OPT_IN_CHECKER_NAME

OUR_CHECKERS = (CHECKER_NAME, OPT_IN_CHECKER_NAME)
REPORTED_PYLINT_MESSAGES = frozenset({"syntax-error"})
CRASH_MESSAGES = frozenset({"astroid-error", "fatal", "parse-error"})
_OWN_CRASH = "[pylint-rnn] "  # starts the reason in the astroid-error messages RnnLinter emits itself


class PylintUsageError(Exception):
    """pylint refused to run (bad path, bad configuration)."""


class NothingToCheck(Exception):
    """No message of the ``rnn`` checker is installed."""


def plugin_message_names(linter: PyLinter) -> set:
    """Lower-cased ids and symbols of every message of pylint-rnn's checkers, and the opt-in checker's name."""
    names = {OPT_IN_CHECKER_NAME}
    for checker in linter.get_checkers():
        if checker.name in OUR_CHECKERS:
            for msgid, definition in checker.msgs.items():
                names.add(msgid.lower())
                names.add(definition[1].lower())
    return names


def _toggles(arguments: Sequence[str]) -> List[Tuple[str, str]]:
    """(``enable`` | ``disable``, name) for each name a configuration file enables or disables, in order."""
    out, args = [], list(arguments)
    for i, arg in enumerate(args):
        for action in ("enable", "disable"):
            value = None
            if arg.startswith(f"--{action}="):
                value = arg.split("=", 1)[1]
            elif arg == f"--{action}" and i + 1 < len(args):
                value = args[i + 1]
            if value:
                out.extend((action, name.strip()) for name in value.split(",") if name.strip())
    return out


def root_cause(exc: BaseException) -> str:
    """``Type: message`` of the innermost exception of a chain (the RecursionError under astroid's error)."""
    seen = set()
    while id(exc) not in seen and (exc.__cause__ or exc.__context__) is not None:
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@contextlib.contextmanager
def _stderr_unless_crash():
    """Hold back what is written to stderr, and drop it if the block raises: pylint prints a traceback
    (and "Exception on node ...") before it re-raises a crash, which the user gets as one line instead."""
    held = io.StringIO()
    with contextlib.redirect_stderr(held):
        yield
    sys.stderr.write(held.getvalue())


class RnnLinter(PyLinter):
    """A PyLinter for the gate: the user's configuration decides about our messages, crashes stay quiet.

    The command line says ``--disable=all --enable=rnn`` (only our default-on checks), which would otherwise
    override what the configuration file says about our messages: a message it disables by name stays
    disabled, and an opt-in message it enables by name (``enable = ["rnn-time-axis-reduction"]``) is
    enabled. Disabling the whole ``rnn`` checker is not carried over: that is how a project keeps the plugin
    out of its plain pylint run while gating with ``pylint-rnn lint``.

    A crash of astroid or of a checker on one file becomes one ``astroid-error`` message with the root
    cause, for that file only (pylint itself prints a traceback, writes a crash report under PYLINTHOME
    and, with ``-j N``, aborts the whole run); any report pylint still writes goes to a private directory.
    """

    crash_report_dir = ""  # set by run_pylint for the duration of a run

    def __init__(self, *args, **kwargs) -> None:
        self.rnn_config_toggles: List[Tuple[str, str]] = []
        # An instance attribute travels to the -j workers with the pickled linter.
        self.crash_report_dir = type(self).crash_report_dir
        super().__init__(*args, **kwargs)

    @property
    def crash_file_path(self) -> str:  # PyLinter's is a strftime pattern under PYLINTHOME
        name = f"pylint-crash-{uuid.uuid4().hex}.txt"
        return os.path.join(self.crash_report_dir or tempfile.gettempdir(), name).replace("%", "%%")

    def _parse_configuration_file(self, arguments):
        self.rnn_config_toggles.extend(_toggles(arguments))
        return super()._parse_configuration_file(arguments)

    def _parse_command_line_configuration(self, arguments=None):
        remaining = super()._parse_command_line_configuration(arguments)
        ours = plugin_message_names(self)
        for action, name in self.rnn_config_toggles:
            if name.lower() not in ours or (action, name.lower()) == ("disable", CHECKER_NAME):
                continue
            (self.enable if action == "enable" else self.disable)(name)
        return remaining

    def get_ast(self, filepath, modname, data=None):
        try:
            with _stderr_unless_crash():
                return super().get_ast(filepath, modname, data)
        except astroid.AstroidBuildingError as exc:
            self.add_message("astroid-error", args=(filepath, _OWN_CRASH + root_cause(exc)), confidence=HIGH)
            return None

    def check_astroid_module(self, ast_node, walker, rawcheckers, tokencheckers):
        try:
            with _stderr_unless_crash():
                return super().check_astroid_module(ast_node, walker, rawcheckers, tokencheckers)
        except Exception as exc:  # another plugin's checker; ours never raise (checkers/_guard.py)
            self.add_message("astroid-error", args=(self.current_file or ast_node.file,
                                                    _OWN_CRASH + root_cause(exc)), confidence=HIGH)
            return None


class RnnRun(Run):
    LinterClass = RnnLinter


@dataclass
class Crash:
    """pylint or astroid could not analyse one file."""

    abspath: str
    path: str  # as pylint names it
    reason: str


@dataclass
class LintRun:
    """What one in-process pylint run produced: the messages that count, and the files it could not analyse."""

    linter: PyLinter
    messages: list
    crashes: List[Crash]
    stdout: str


def _crash_reason(message) -> str:
    """The reason of a crash message: our own ``astroid-error`` says it after the path; pylint's points to a
    crash report, whose innermost exception is the reason."""
    text = message.msg
    if _OWN_CRASH in text:
        return text.split(_OWN_CRASH, 1)[1]
    if "Fatal error while checking" not in text:
        return text
    start = text.rfind("'", 0, len(text) - 2)
    report = text[start + 1 : text.rfind("'")] if start != -1 else ""
    try:
        with open(report, encoding="utf-8") as handle:
            lines = handle.read().split("```python", 2)[-1].splitlines()
    except OSError:
        return "pylint crashed"
    causes = [line for line in lines if line and not line[0].isspace() and ": " in line
              and not line.startswith(("Traceback", "The above", "During handling"))]
    return causes[0] if causes else "pylint crashed"


def sort_messages(messages: Sequence, ours: set) -> Tuple[list, List[Crash]]:
    """(messages that are findings, crashes); every other message of pylint is dropped."""
    findings, crashes = [], []
    for message in messages:
        if message.msg_id.lower() in ours or message.symbol in REPORTED_PYLINT_MESSAGES:
            findings.append(message)
        elif message.symbol in CRASH_MESSAGES:
            crashes.append(Crash(message.abspath or message.path, message.path, _crash_reason(message)))
    return findings, crashes


def _arguments(paths: Sequence[str], rcfile: Optional[str], jobs: Optional[int]) -> List[str]:
    args = [f"--rcfile={rcfile}"] if rcfile is not None else []
    args += ["--load-plugins=pylint_rnn", "--disable=all", f"--enable={CHECKER_NAME}", "--score=n",
             "--reports=n", "--persistent=n"]
    if jobs is not None:
        args.append(f"--jobs={jobs}")
    # pylint expands globs in its file arguments: escape them, the paths are final.
    return args + ["--"] + [glob.escape(path) for path in paths]


def run_pylint(paths: Sequence[str], rcfile: Optional[str] = None, jobs: Optional[int] = None) -> LintRun:
    """Run pylint on the files ``paths`` with only pylint-rnn's checkers; return what counts."""
    reporter = CollectingReporter()
    captured = io.StringIO()
    crash_dir = tempfile.mkdtemp(prefix="pylint-rnn-")
    RnnLinter.crash_report_dir = crash_dir
    try:
        # pylint prints a few things of its own on stdout (keep stdout for our report) and warns about
        # legacy configuration values ("overgeneral-exceptions"): pylint's business, not the gate's.
        with contextlib.redirect_stdout(captured), warnings.catch_warnings():
            warnings.filterwarnings("ignore", module=r"pylint(\.|$)")
            run = RnnRun(_arguments(paths, rcfile, jobs), reporter=reporter, exit=False)
        messages, crashes = sort_messages(reporter.messages, plugin_message_names(run.linter))
    except SystemExit as exc:
        text = captured.getvalue()
        if "No files to lint" in text:
            raise NothingToCheck() from exc
        raise PylintUsageError(
            (text.strip() + "\n" if text.strip() else "") + f"pylint could not run (exit status {exc.code})"
        ) from exc
    finally:
        RnnLinter.crash_report_dir = ""
        shutil.rmtree(crash_dir, ignore_errors=True)
    return LintRun(run.linter, messages, crashes, captured.getvalue())
