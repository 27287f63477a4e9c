"""The output formats of ``pylint-rnn lint``: text, json, sarif, github.

All of them use 1-based lines and columns (pylint's own ``{column}`` is 0-based).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Dict, Iterable, List, Sequence
from urllib.parse import quote

from pylint_rnn.reporting import PROJECT_URL, Finding, help_uri

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
FINGERPRINT_KEY = "pylintRnnIdentity/v1"

FORMATS = ("text", "json", "sarif", "github")


class Rule:
    """What SARIF needs to know about one message."""

    def __init__(self, symbol: str, msgid: str, template: str, description: str) -> None:
        self.symbol = symbol
        self.msgid = msgid
        self.template = template
        self.description = description

    @property
    def level(self) -> str:
        from pylint_rnn.reporting import SEVERITY_BY_CATEGORY

        return SEVERITY_BY_CATEGORY.get(self.msgid[:1], "warning")


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


# --------------------------------------------------------------------------------------------- sarif
_PLACEHOLDER = re.compile(r"%(\([^)]*\))?[-#0 +]*\d*(\.\d+)?[sdrifgex%]")


def short_description(template: str) -> str:
    """The message template with its ``%s`` placeholders shown as ``…``."""
    text = _PLACEHOLDER.sub(lambda m: "%" if m.group(0) == "%%" else "…", template).strip()
    return text if text.strip("… ") else ""


def _camel(symbol: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[-_]", symbol) if part)


def _artifact_location(finding: Finding) -> dict:
    if Path(finding.path).is_absolute() or re.match(r"^[A-Za-z]:/", finding.path):
        return {"uri": Path(finding.path).as_uri()}
    return {"uri": quote(finding.path), "uriBaseId": "%SRCROOT%"}


def format_sarif(
    findings: Sequence[Finding],
    rules: Iterable[Rule],
    root: Path,
    tool_version: str,
) -> str:
    """A SARIF 2.1.0 log with one run: one rule per message of the plugin, one result per finding."""
    rule_list: List[Rule] = list(rules)
    index: Dict[str, int] = {rule.symbol: i for i, rule in enumerate(rule_list)}
    sarif_rules = []
    for rule in rule_list:
        short = short_description(rule.template)
        entry = {
            "id": rule.symbol,
            "name": _camel(rule.symbol),
            "shortDescription": {"text": short or rule.description or rule.symbol},
            "fullDescription": {"text": rule.description or short or rule.symbol},
            "defaultConfiguration": {"level": rule.level},
            "properties": {"pylintMessageId": rule.msgid},
        }
        if rule.symbol.startswith("rnn-"):
            entry["properties"]["tags"] = ["tensorflow", "rnn"]
            entry["helpUri"] = help_uri(rule.symbol)
            entry["help"] = {
                "text": f"{rule.description}\n\nSee {help_uri(rule.symbol)}",
                "markdown": f"{rule.description}\n\n[Documentation]({help_uri(rule.symbol)})",
            }
        sarif_rules.append(entry)

    results = []
    for f in findings:
        region = {"startLine": f.line, "startColumn": f.column}
        if f.end_line is not None and f.end_line >= f.line:
            region["endLine"] = f.end_line
            if f.end_column is not None and (f.end_line > f.line or f.end_column > f.column):
                region["endColumn"] = f.end_column
        results.append(
            {
                "ruleId": f.symbol,
                "ruleIndex": index[f.symbol],
                "level": f.severity,
                "message": {"text": f.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": _artifact_location(f),
                            "region": region,
                        }
                    }
                ],
                "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
            }
        )

    root_uri = root.resolve().as_uri()
    if not root_uri.endswith("/"):
        root_uri += "/"
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "pylint-rnn",
                        "version": tool_version,
                        "semanticVersion": tool_version,
                        "informationUri": PROJECT_URL,
                        "rules": sarif_rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri}},
                "columnKind": "unicodeCodePoints",
                "invocations": [{"executionSuccessful": True}],
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
