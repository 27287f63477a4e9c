"""Findings and their identity, shared by the output formats and baselines of the ``pylint-rnn`` command.

A :class:`Finding` is one pylint message turned into what CI and editors need: a path relative to the
repository root, 1-based line and column, a severity (``error`` / ``warning`` / ``note``) and the
normalized source code of the flagged line(s), which is the part of its identity that survives edits
elsewhere in the file (see ``docs/ci.md``, "Baselines").
"""
from __future__ import annotations

import hashlib
import io
import os
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

# pylint category letter -> our severity (SARIF's level vocabulary).
SEVERITY_BY_CATEGORY = {
    "F": "error",  # fatal: the file could not be analysed
    "E": "error",
    "W": "warning",
    "C": "note",
    "R": "note",
    "I": "note",
}
SEVERITY_RANK = {"note": 0, "warning": 1, "error": 2}


def severity_of(category: str) -> str:
    """Our severity (a SARIF level) of a pylint category letter: E, W, C, ..."""
    return SEVERITY_BY_CATEGORY.get(category, "warning")

# A flagged node spanning more lines than this is identified by its first line only, so that editing the
# body of a flagged block does not change the identity of the finding.
MAX_IDENTITY_LINES = 5


def find_root(start: Optional[Path] = None) -> Path:
    """The repository root: the nearest directory at or above ``start`` holding ``.git``; else ``start``."""
    start = (start or Path.cwd()).resolve()
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return start


def relative_posix(path: str, root: Path) -> str:
    """``path`` relative to ``root`` with forward slashes, or the absolute path when outside ``root``."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return absolute.as_posix()


_SKIPPED_TOKENS = {
    tokenize.COMMENT,
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENDMARKER,
}


def normalize_code(text: str) -> str:
    """Source text reduced to its tokens joined by single spaces: layout and comments do not matter.

    ``x = f( [cell]*3 )  # note`` and ``x = f([cell] * 3)`` both become ``x = f ( [ cell ] * 3 )``.
    Fragments that do not tokenize cleanly (an unclosed bracket of a statement cut short) keep the
    tokens read before the problem; text that cannot be tokenized at all is whitespace-collapsed.
    """
    tokens: List[str] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in _SKIPPED_TOKENS:
                continue
            if tok.type == tokenize.ERRORTOKEN and not tok.string.strip():
                continue
            tokens.append(tok.string)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    if not tokens:
        return " ".join(text.split())
    return " ".join(tokens)


class SourceCache:
    """Reads each file once, with the encoding Python itself would use."""

    def __init__(self) -> None:
        self._lines: Dict[str, List[str]] = {}

    def lines(self, abspath: str) -> List[str]:
        if abspath not in self._lines:
            try:
                with tokenize.open(abspath) as handle:
                    self._lines[abspath] = handle.read().splitlines()
            except (OSError, SyntaxError, UnicodeDecodeError):
                self._lines[abspath] = []
        return self._lines[abspath]

    def remember(self, abspath: str, text: str) -> None:
        """Read the file as ``text`` from now on (a new text not written yet, such as a fix being planned)."""
        self._lines[abspath] = text.splitlines()

    def code(self, abspath: str, line: int, end_line: Optional[int]) -> str:
        """Normalized text of the flagged line(s) ``line``..``end_line`` (1-based, inclusive)."""
        lines = self.lines(abspath)
        if not lines or line < 1 or line > len(lines):
            return ""
        last = line
        if end_line and line <= end_line < line + MAX_IDENTITY_LINES:
            last = min(end_line, len(lines))
        return normalize_code("\n".join(lines[line - 1 : last]) + "\n")

    def char_column(self, abspath: str, line: int, byte_column: int) -> int:
        """pylint's columns are UTF-8 byte offsets (from ``ast``); convert to a code-point offset."""
        lines = self.lines(abspath)
        if not lines or line < 1 or line > len(lines) or byte_column <= 0:
            return max(byte_column, 0)
        encoded = lines[line - 1].encode("utf-8")
        return len(encoded[:byte_column].decode("utf-8", errors="ignore"))


@dataclass
class Finding:  # pylint: disable=too-many-instance-attributes  # one field per fact every output format needs
    """One message, ready for any output format. ``line`` and ``column`` are 1-based."""

    symbol: str
    msgid: Optional[str]  # None for a runtime-only rule of the verifier
    message: str
    path: str  # relative to the repository root, forward slashes
    display_path: str  # as the user named it (relative to the working directory)
    line: int
    column: Optional[int]  # None: the whole line (the verifier knows lines only)
    end_line: Optional[int]
    end_column: Optional[int]
    severity: str  # "error" | "warning" | "note"
    code: str = field(default="", compare=False)  # normalized source of the flagged line(s)
    confirmed: Optional[bool] = None  # verifier findings: confirmed at run time, or only suspected

    @property
    def identity(self) -> tuple:
        return (self.path, self.symbol, self.code)

    @property
    def fingerprint(self) -> str:
        data = "\0".join(self.identity).encode("utf-8")
        return hashlib.sha256(data).hexdigest()

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column or 0, self.symbol, self.message)

    def as_json(self) -> dict:
        return {
            "symbol": self.symbol,
            "msgid": self.msgid,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "severity": self.severity,
        }


def finding_from_message(message, root: Path, sources: SourceCache, display: Optional[str] = None,
                         abspath: Optional[str] = None) -> Finding:
    """Turn a ``pylint.message.Message`` into a :class:`Finding`; ``display`` is the file's name as the user
    gave it (pylint's own ``path`` is relative to the working directory, or absolute outside it); ``abspath``
    names the file when pylint's does not (a text linted from stdin)."""
    abspath = abspath or message.abspath or os.path.abspath(message.path)
    line = max(int(message.line or 1), 1)
    column = sources.char_column(abspath, line, int(message.column or 0)) + 1
    end_line = int(message.end_line) if message.end_line else None
    end_column = None
    if end_line is not None and message.end_column is not None:
        end_column = sources.char_column(abspath, end_line, int(message.end_column)) + 1
    return Finding(
        symbol=message.symbol,
        msgid=message.msg_id,
        message=message.msg,
        path=relative_posix(abspath, root),
        display_path=display or message.path or abspath,
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        severity=severity_of(message.msg_id[:1]),
        code=sources.code(abspath, line, end_line),
    )
