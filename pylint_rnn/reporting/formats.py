"""The line-oriented output formats of ``pylint-rnn lint``: text, json, github (SARIF: :mod:`.sarif`).

All of them use 1-based lines and columns (pylint's own ``{column}`` is 0-based). The text format and the
summary are coloured on a terminal only: ``--color auto`` (the default) colours when the stream is a
terminal, ``NO_COLOR`` is not set (https://no-color.org) and ``TERM`` is not ``dumb``.
"""
from __future__ import annotations

import json
import os
from typing import Optional, Sequence, TextIO

from pylint_rnn.reporting import Finding

FORMATS = ("text", "json", "sarif", "github")


# -------------------------------------------------------------------------------------------- colour
COLOURS = ("auto", "always", "never")
SEVERITY_STYLE = {"error": "1;31", "warning": "33", "note": "36"}  # bold red, yellow, cyan
BOLD = "1"


def use_colour(choice: str, stream: Optional[TextIO]) -> bool:
    """Whether to colour what goes to ``stream`` for ``--color`` ``choice`` (auto, always, never)."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, style: str, colour: bool) -> str:
    """``text`` in an ANSI ``style`` (SGR codes such as ``1;31``), or unchanged without colour."""
    return f"\x1b[{style}m{text}\x1b[0m" if colour and style else text


# ---------------------------------------------------------------------------------------------- text
def format_text(findings: Sequence[Finding], colour: bool = False) -> str:
    """``path:line:col: symbol: message`` per finding, path as given on the command line."""
    return "".join(
        f"{paint(f.display_path, BOLD, colour)}:{f.line}:{f.column}: "
        f"{paint(f.symbol, SEVERITY_STYLE.get(f.severity, ''), colour)}: {f.message}\n"
        for f in findings
    )


# ---------------------------------------------------------------------------------------------- json
def format_json(findings: Sequence[Finding]) -> str:
    return json.dumps([f.as_json() for f in findings], indent=2, ensure_ascii=False) + "\n"


# -------------------------------------------------------------------------------------------- github
def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


_GITHUB_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def format_github(findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands: ``::warning file=..,line=..,col=..,title=..::message``."""
    out = []
    for f in findings:
        props = [
            ("file", f.path),
            ("line", str(f.line)),
            ("col", str(f.column)),
        ]
        if f.end_line is not None:
            props.append(("endLine", str(f.end_line)))
            if f.end_column is not None:
                props.append(("endColumn", str(f.end_column)))
        props.append(("title", f.symbol))
        joined = ",".join(f"{key}={_escape_property(value)}" for key, value in props)
        text = f"{f.message} ({f.symbol})"
        out.append(f"::{_GITHUB_COMMAND[f.severity]} {joined}::{_escape_data(text)}\n")
    return "".join(out)
