"""pylint-style functional fixtures: expected messages are marked on their lines.

A fixture line ending in ``# [rnn-same-cell-stacked]`` (or ``# [sym-a, sym-b]``) must get exactly those
messages from this plugin on that line; a fixture with no markers must stay silent. Only this plugin's
messages are compared, so fixtures may be as untidy as real code.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from pylint.reporters import CollectingReporter

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
MARKER = re.compile(r"#\s*\[([a-z0-9\-, ]+)\]\s*$")


def expected_messages(path: Path) -> Counter:
    expected = Counter()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            for symbol in match.group(1).split(","):
                expected[(lineno, symbol.strip())] += 1
    return expected


def lint_files(paths: list, options: tuple = ()) -> dict:
    """{path: Counter((line, symbol))} for this plugin's messages in each file."""
    from pylint.lint import Run

    reporter = CollectingReporter()
    Run(
        ["--load-plugins=pylint_rnn", "--disable=all", "--enable=rnn", "--enable=rnn-time-axis-reduction", "--persistent=n",
         "--score=n", *options, *[str(p) for p in paths]],
        reporter=reporter,
        exit=False,
    )
    found = {Path(p).resolve(): Counter() for p in paths}
    for message in reporter.messages:
        if message.symbol.startswith("rnn-"):
            found.setdefault(Path(message.abspath).resolve(), Counter())[(message.line, message.symbol)] += 1
    return found, reporter.messages
