"""The line-oriented output formats of ``pylint-rnn lint``: text, json, github (SARIF: :mod:`.sarif`).

All of them use 1-based lines and columns (pylint's own ``{column}`` is 0-based).
"""
from __future__ import annotations

import json
from typing import Sequence

from pylint_rnn.reporting import Finding

FORMATS = ("text", "json", "sarif", "github")


# ---------------------------------------------------------------------------------------------- text
def format_text(findings: Sequence[Finding]) -> str:
    """``path:line:col: symbol: message`` per finding, path as given on the command line."""
    return "".join(
        f"{f.display_path}:{f.line}:{f.column}: {f.symbol}: {f.message}\n" for f in findings
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
