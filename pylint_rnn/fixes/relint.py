"""Lint a file's new text without writing it: pylint's ``--from-stdin``, with the user's configuration.

Used between rounds of fixing when two fixes overlapped, so that ``--diff`` (which writes nothing) shows
the same result as ``--fix``.
"""
from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path
from typing import List, Optional

from pylint.reporters import CollectingReporter

from pylint_rnn.fixes.source import SourceFile
from pylint_rnn.reporting import Finding, relative_posix, severity_of
from pylint_rnn.reporting.runner import RnnRun
from pylint_rnn.rules import CHECKER_NAME


def relinter(rcfile: Optional[str], root: Path):
    """A function (path, text) -> the findings pylint-rnn reports for that text at that path."""

    def relint(path: str, text: str) -> List[Finding]:
        args = [f"--rcfile={rcfile}"] if rcfile else []
        args += ["--load-plugins=pylint_rnn", "--disable=all", f"--enable={CHECKER_NAME}", "--score=n",
                 "--reports=n", "--persistent=n", "--from-stdin", "--", path]
        reporter = CollectingReporter()
        saved = sys.stdin
        sys.stdin = io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8")
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                RnnRun(args, reporter=reporter, exit=False)
        except SystemExit:
            return []
        finally:
            sys.stdin = saved
        source = SourceFile.from_bytes(text.encode("utf-8"), path)
        return [_finding(message, source, root) for message in reporter.messages]

    return relint


def _finding(message, source: SourceFile, root: Path) -> Finding:
    """A pylint message about ``source``'s text, with code-point columns counted in that text."""
    line = max(int(message.line or 1), 1)
    column = source.offset(line, int(message.column or 0)) - source.line_starts[line - 1] + 1
    end_line = int(message.end_line) if message.end_line else None
    end_column = None
    if end_line is not None and message.end_column is not None:
        end_column = source.offset(end_line, int(message.end_column)) - source.line_starts[end_line - 1] + 1
    return Finding(
        symbol=message.symbol,
        msgid=message.msg_id,
        message=message.msg,
        path=relative_posix(source.path, root),
        display_path=message.path or source.path,
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        severity=severity_of(message.msg_id[:1]),
    )
