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

from pylint_rnn.reporting import Finding, SourceCache, finding_from_message
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
        sources = SourceCache()
        sources.remember(path, text)
        return [finding_from_message(message, root, sources, display=message.path or path, abspath=path)
                for message in reporter.messages]

    return relint
