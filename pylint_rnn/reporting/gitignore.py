"""``.gitignore`` patterns, matched the way git matches them (gitignore(5), git's ``dir.c`` and ``wildmatch.c``).

Pure Python, so ``pylint-rnn lint`` skips what git ignores inside or outside a git work tree, with no
``git`` executable and no subprocess per file. What is implemented, rule by rule:

- blank lines and ``#`` comments are skipped; ``\\#`` and ``\\!`` start a literal pattern; trailing spaces
  are dropped unless escaped with a backslash; a trailing CR (a CRLF file) and a leading BOM are dropped;
- ``!pattern`` re-includes what an earlier pattern excluded (the last matching pattern decides);
- ``pattern/`` matches directories only;
- a pattern with a ``/`` at its start or in its middle is anchored to the directory of its ``.gitignore``;
  one without matches a name at any depth below it;
- ``*`` and ``?`` never match ``/``; ``[a-z]``, ``[!a-z]``, ``[^a-z]`` and ``[[:alpha:]]`` classes;
  ``**/`` (any leading directories), ``/**`` (everything inside), ``/**/`` (zero or more directories);
  other runs of ``*`` are one ``*``; ``\\x`` is a literal ``x``; an unclosed ``[`` matches nothing.

A file inside an ignored directory cannot be re-included: callers walk the tree top-down and prune ignored
directories, exactly as git does (see :mod:`pylint_rnn.reporting.discovery`). Deeper ``.gitignore`` files
take precedence over shallower ones; :class:`IgnoreStack` keeps that order.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

_POSIX_CLASSES = {
    "alnum": "a-zA-Z0-9",
    "alpha": "a-zA-Z",
    "blank": " \\t",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "\\x21-\\x7e",
    "lower": "a-z",
    "print": "\\x20-\\x7e",
    "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    "space": " \\t\\n\\r\\f\\v",
    "upper": "A-Z",
    "xdigit": "0-9a-fA-F",
}
_NEVER = "(?!)"  # a regex that matches nothing: git aborts the match on a malformed pattern


@dataclass(frozen=True)
class Pattern:
    """One pattern line: ``regex`` is matched against the basename (``basename_only``) or against the
    path relative to the pattern's base directory, with ``/`` separators."""

    text: str
    regex: "re.Pattern[str]"
    negated: bool
    dir_only: bool
    basename_only: bool

    def matches(self, relpath: str, is_dir: bool) -> bool:
        if self.dir_only and not is_dir:
            return False
        subject = relpath.rsplit("/", 1)[-1] if self.basename_only else relpath
        return self.regex.fullmatch(subject) is not None


def _trim_trailing_spaces(line: str) -> str:
    """Drop trailing spaces, except one escaped by a backslash (``foo\\ `` keeps its space)."""
    end = len(line)
    while end > 0 and line[end - 1] == " ":
        backslashes = 0
        i = end - 2
        while i >= 0 and line[i] == "\\":
            backslashes += 1
            i -= 1
        if backslashes % 2:
            break
        end -= 1
    return line[:end]


def parse_line(line: str) -> Optional[Pattern]:
    """The pattern of one ``.gitignore`` line, or None for a blank line or a comment."""
    line = _trim_trailing_spaces(line.rstrip("\r\n"))
    if not line or line.startswith("#"):
        return None
    text = line
    negated = line.startswith("!")
    if negated:
        line = line[1:]
    dir_only = line.endswith("/")
    if dir_only:
        line = line[:-1]
    if not line:
        return None
    basename_only = "/" not in line
    if line.startswith("/"):
        line = line[1:]
    return Pattern(text, re.compile(translate(line)), negated, dir_only, basename_only)


def parse(text: str) -> List[Pattern]:
    """Every pattern of a ``.gitignore`` file's text, in order."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return [p for p in map(parse_line, text.split("\n")) if p is not None]


def translate(pattern: str) -> str:
    """A gitignore glob (WM_PATHNAME semantics) as a Python regular expression, without anchors."""
    out: List[str] = []
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "*":
            i = _translate_stars(pattern, i, out)
            continue
        if char == "?":
            out.append("[^/]")
        elif char == "[":
            regex, i = _translate_class(pattern, i)
            if regex is None:
                return _NEVER
            out.append(regex)
            continue
        elif char == "\\":
            if i + 1 == n:
                return _NEVER  # a trailing backslash escapes nothing: git matches nothing
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def _translate_stars(pattern: str, start: int, out: List[str]) -> int:
    """Translate the run of ``*`` at ``start``; return the index after it (and after a consumed ``/``)."""
    end = start
    while end < len(pattern) and pattern[end] == "*":
        end += 1
    whole_component = (start == 0 or pattern[start - 1] == "/") and (end == len(pattern) or pattern[end] == "/")
    if end - start < 2 or not whole_component:
        out.append("[^/]*")
        return end
    if end == len(pattern):
        out.append(".*")  # trailing "/**" (or a lone "**"): everything inside
        return end
    out.append("(?:.*/)?")  # "**/": zero or more directories
    return end + 1


def _translate_class(pattern: str, start: int) -> Tuple[Optional[str], int]:
    """Translate the bracket expression at ``start``; (None, _) when it is not closed or not valid."""
    i = start + 1
    negated = i < len(pattern) and pattern[i] in "!^"
    if negated:
        i += 1
    parts: List[str] = []
    first = True
    while i < len(pattern):
        char = pattern[i]
        if char == "]" and not first:
            body = "".join(parts)  # empty when every range was reversed ("[z-a]" matches nothing in git)
            # A bracket expression never matches "/" under WM_PATHNAME, negated or not.
            if negated:
                return f"[^/{body}]", i + 1
            return (f"(?:(?!/)[{body}])" if body else _NEVER), i + 1
        first = False
        if char == "[" and pattern.startswith("[:", i):
            close = pattern.find(":]", i + 2)
            name = pattern[i + 2 : close] if close != -1 else None
            if name not in _POSIX_CLASSES:
                return None, i
            parts.append(_POSIX_CLASSES[name])
            i = close + 2
            continue
        if char == "\\" and i + 1 < len(pattern):
            i += 1
            char = pattern[i]
        if i + 2 < len(pattern) and pattern[i + 1] == "-" and pattern[i + 2] != "]":
            low, high = char, pattern[i + 2]
            if high == "\\" and i + 3 < len(pattern):
                high = pattern[i + 3]
                i += 1
            if low <= high:
                parts.append(f"{re.escape(low)}-{re.escape(high)}")
            i += 3
            continue
        parts.append(re.escape(char))
        i += 1
    return None, i


@dataclass(frozen=True)
class IgnoreFile:
    """The patterns of one ignore file, and the directory they are relative to (absolute)."""

    base: str
    patterns: Tuple[Pattern, ...]

    def decide(self, path: str, is_dir: bool) -> Optional[bool]:
        """True (ignored), False (re-included by a ``!`` pattern) or None (no pattern matches ``path``, an
        absolute, normalized path; one outside :attr:`base` matches nothing)."""
        prefix = self.base if self.base.endswith(os.sep) else self.base + os.sep
        if not path.startswith(prefix):  # string slicing, not os.path.relpath: this runs for every walked file
            return None
        relpath = path[len(prefix):].replace(os.sep, "/")
        for pattern in reversed(self.patterns):
            if pattern.matches(relpath, is_dir):
                return not pattern.negated
        return None


def read_ignore_file(path: str, base: Optional[str] = None) -> Optional[IgnoreFile]:
    """The ignore file at ``path`` (patterns relative to ``base``, default its directory); None if unreadable."""
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            text = handle.read()
    except OSError:
        return None
    patterns = tuple(parse(text))
    if not patterns:
        return None
    return IgnoreFile(os.path.abspath(base or os.path.dirname(path)), patterns)


class IgnoreStack:
    """Ignore files in precedence order, lowest first (info/exclude, then .gitignore from shallow to deep).

    Immutable: :meth:`pushed` returns a new stack for a subdirectory, so a depth-first walk can keep one
    per directory.
    """

    def __init__(self, files: Sequence[IgnoreFile] = ()) -> None:
        self.files: Tuple[IgnoreFile, ...] = tuple(files)

    def pushed(self, ignore_file: Optional[IgnoreFile]) -> "IgnoreStack":
        return self if ignore_file is None else IgnoreStack(self.files + (ignore_file,))

    def ignored(self, path: str, is_dir: bool) -> bool:
        """Whether git would ignore the absolute ``path`` (its parent directories are assumed not to be)."""
        for ignore_file in reversed(self.files):
            decision = ignore_file.decide(path, is_dir)
            if decision is not None:
                return decision
        return False
