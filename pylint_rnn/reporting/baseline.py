"""Baseline files: today's findings, recorded so that only new ones fail the gate.

Format (JSON, UTF-8; documented in ``docs/ci.md``)::

    {
      "version": 1,
      "generator": "pylint-rnn 0.1.0",
      "findings": [
        {"path": "src/model.py", "symbol": "rnn-same-cell-stacked",
         "code": "stack = tf . nn . rnn_cell . MultiRNNCell ( [ cell ] * 3 )", "count": 1}
      ]
    }

A finding is identified by (``path`` relative to the repository root, ``symbol``, ``code``) where ``code`` is
the normalized source of the flagged line(s): tokens joined by single spaces, comments and layout dropped.
Line numbers are not part of it, so edits elsewhere in the file that move a finding keep it matched. The
baseline is a multiset: ``count`` identical findings are forgiven; one more of the same is new.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Iterable, List, Tuple

from pylint_rnn.reporting import Finding

BASELINE_VERSION = 1


class BaselineError(Exception):
    """The baseline file is missing, unreadable or of an unknown format."""


def dump(findings: Iterable[Finding], generator: str) -> str:
    counts = Counter(finding.identity for finding in findings)
    entries = [
        {"path": path, "symbol": symbol, "code": code, "count": count}
        for (path, symbol, code), count in sorted(counts.items())
    ]
    document = {"version": BASELINE_VERSION, "generator": generator, "findings": entries}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write(path: str, findings: Iterable[Finding], generator: str) -> None:
    Path(path).write_text(dump(findings, generator), encoding="utf-8")


def load(path: str) -> Counter:
    """identity -> how many findings with that identity the baseline forgives."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BaselineError(f"baseline file not found: {path}") from exc
    except (OSError, ValueError) as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc}") from exc
    return load_from_document(document, path)


def load_from_document(document, path: str = "<baseline>") -> Counter:
    """Like :func:`load`, from the parsed JSON document."""
    if not isinstance(document, dict) or document.get("version") != BASELINE_VERSION:
        raise BaselineError(
            f"{path} is not a pylint-rnn baseline of version {BASELINE_VERSION} "
            f"(found version {document.get('version') if isinstance(document, dict) else None!r})"
        )
    counts: Counter = Counter()
    entries = document.get("findings")
    if not isinstance(entries, list):
        raise BaselineError(f"{path}: 'findings' must be a list")
    for entry in entries:
        try:
            key = (str(entry["path"]), str(entry["symbol"]), str(entry["code"]))
            count = int(entry.get("count", 1))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BaselineError(f"{path}: malformed entry {entry!r}") from exc
        counts[key] += max(count, 0)
    return counts


def split(findings: Iterable[Finding], baseline: Counter) -> Tuple[List[Finding], List[Finding]]:
    """(new findings, findings the baseline forgives). Within one identity the earliest lines are forgiven."""
    remaining = Counter(baseline)
    new: List[Finding] = []
    known: List[Finding] = []
    for finding in sorted(findings, key=Finding.sort_key):
        if remaining[finding.identity] > 0:
            remaining[finding.identity] -= 1
            known.append(finding)
        else:
            new.append(finding)
    return new, known
