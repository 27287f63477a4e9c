"""A Python file as its bytes and its text, with the arithmetic that span edits need.

Fixes are computed on the text (astroid positions are lines and UTF-8 byte columns of the decoded text)
and applied to the *bytes*: everything outside an edited span is copied from the file as read, so its
encoding declaration, byte-order mark, line endings (CRLF stays CRLF), trailing whitespace and any byte a
decode/encode round trip might normalise are kept exactly.
"""
from __future__ import annotations

import bisect
import difflib
import io
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Sequence, Tuple

from astroid import nodes

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what Python's tokenizer counts as a line end, nothing else
_BOM = b"\xef\xbb\xbf"


class SourceError(Exception):
    """The file cannot be read or decoded the way Python would."""


@dataclass
class SourceFile:
    """One file: raw bytes, the encoding Python reads it with, and the decoded text (BOM stripped)."""

    path: str
    raw: bytes
    encoding: str  # tokenize.detect_encoding's answer ("utf-8-sig" when the file starts with a BOM)
    text: str
    line_starts: List[int] = field(default_factory=list)  # offset in text of each line's first character

    @classmethod
    def read(cls, path: str) -> "SourceFile":
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise SourceError(f"cannot read {path}: {exc}") from exc
        return cls.from_bytes(raw, path)

    @classmethod
    def from_bytes(cls, raw: bytes, path: str = "<string>") -> "SourceFile":
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
            text = raw.decode(encoding)
        except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
            raise SourceError(f"cannot decode {path}: {exc}") from exc
        starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
        return cls(path, raw, encoding, text, starts)

    # --- positions -----------------------------------------------------------------------------------

    def line_text(self, line: int) -> str:
        """Line ``line`` (1-based) without its line ending."""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def offset(self, line: int, byte_column: int) -> int:
        """Text offset of an astroid position: 1-based line, UTF-8 byte column within the line."""
        if line < 1 or line > len(self.line_starts):
            raise SourceError(f"line {line} is outside {self.path}")
        prefix = self.line_text(line).encode("utf-8")[:byte_column]
        return self.line_starts[line - 1] + len(prefix.decode("utf-8", errors="ignore"))

    def span(self, node: nodes.NodeNG) -> Tuple[int, int]:
        """(start, end) text offsets of a node's source."""
        if node.lineno is None or node.end_lineno is None or node.col_offset is None or node.end_col_offset is None:
            raise SourceError(f"{type(node).__name__} has no position")
        return self.offset(node.lineno, node.col_offset), self.offset(node.end_lineno, node.end_col_offset)

    def segment(self, node: nodes.NodeNG) -> str:
        start, end = self.span(node)
        return self.text[start:end]

    def position(self, offset: int) -> Tuple[int, int]:
        """(1-based line, 0-based code-point column) of a text offset."""
        line = max(bisect.bisect_right(self.line_starts, offset), 1)
        return line, offset - self.line_starts[line - 1]

    @property
    def newline(self) -> str:
        """The file's line ending (the first one it uses; "\\n" for a one-line file)."""
        found = _LINE_BREAK.search(self.text)
        return found.group(0) if found else "\n"

    # --- edits -----------------------------------------------------------------------------------------

    def replaced(self, edits: Sequence[Tuple[int, int, str]]) -> Tuple[str, bytes]:
        """(new text, new bytes) with ``(start, end, text)`` edits applied; they must not overlap.

        The bytes outside the edits are the file's own: each span is mapped to byte offsets by encoding the
        text before it (Python source encodings are ASCII-compatible and stateless).
        """
        ordered = sorted(edits, key=lambda e: (e[0], e[1]))
        bom = len(_BOM) if self.raw.startswith(_BOM) else 0
        codec = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        text_parts, byte_parts = [], []
        text_at, byte_at = 0, 0
        for start, end, new in ordered:
            if start < text_at:
                raise ValueError("overlapping edits")
            byte_start = bom + len(self.text[:start].encode(codec))
            byte_end = bom + len(self.text[:end].encode(codec))
            text_parts += [self.text[text_at:start], new]
            byte_parts += [self.raw[byte_at:byte_start], new.encode(codec)]
            text_at, byte_at = end, byte_end
        text_parts.append(self.text[text_at:])
        byte_parts.append(self.raw[byte_at:])
        return "".join(text_parts), b"".join(byte_parts)

    def with_bytes(self, raw: bytes) -> "SourceFile":
        return SourceFile.from_bytes(raw, self.path)


def unified_diff(before: SourceFile, after: SourceFile, label: str) -> str:
    """A unified diff between two versions of one file, labelled as ``git diff`` does (a/, b/).

    Each line keeps the file's own line ending, so the diff of a CRLF file applies to it with ``git apply``
    or ``patch``; the header lines end in "\\n".
    """
    old = _lines_with_endings(before.text)
    new = _lines_with_endings(after.text)
    lines = difflib.unified_diff(old, new, f"a/{label}", f"b/{label}", lineterm="")
    out = []
    for line in lines:
        if line.startswith(("---", "+++", "@@")):
            out.append(line.rstrip("\r\n") + "\n")
        elif line.endswith(("\n", "\r")):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


def has_comment(text: str) -> bool:
    """Does a piece of source hold a comment (a ``#`` outside string literals)?"""
    try:
        return any(token.type == tokenize.COMMENT for token in tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return "#" in text


def _lines_with_endings(text: str) -> List[str]:
    lines, at = [], 0
    for match in _LINE_BREAK.finditer(text):
        lines.append(text[at:match.end()])
        at = match.end()
    if at < len(text):
        lines.append(text[at:])
    return lines
