"""The one SARIF 2.1.0 writer, for ``pylint-rnn lint --format sarif`` and ``pylint-rnn-verify --format sarif``.

A log has one run. Its rules describe pylint-rnn's messages from the registry (:mod:`pylint_rnn.rules`):
the summary, the description, the docs page as ``help.markdown``, the default level and whether the rule
is on by default; any other pylint message that shows up in a lint run (``syntax-error``, ``fatal``, a
third-party plugin's) gets a minimal rule from pylint's own definition. Results carry a location relative
to the repository root (``%SRCROOT%``) and the baseline identity as a partial fingerprint, so a finding
keeps its identity across commits that move it; the verifier's results also say whether the run
confirmed them. No URL is guessed: the help travels inside the log.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable, Iterable, List, Optional, Sequence
from urllib.parse import quote

from pylint.exceptions import UnknownMessageError

from pylint_rnn import __version__, rule_docs, rules
from pylint_rnn.reporting import Finding, severity_of

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
FINGERPRINT_KEY = "pylintRnnIdentity/v1"
SRCROOT = "%SRCROOT%"

_PLACEHOLDER = re.compile(r"%(\([^)]*\))?[-#0 +]*\d*(\.\d+)?[sdrifgex%]")


# --------------------------------------------------------------------------------------------- rules
def _name(symbol: str) -> str:
    """SARIF's friendly rule name: the symbol in PascalCase (``rnn-same-cell-stacked`` -> ``RnnSameCellStacked``)."""
    return "".join(part.capitalize() for part in re.split(r"[-_]", symbol) if part)


def plain_text(markdown: str) -> str:
    """A Markdown page as plain text: no heading marks, code fences, inline-code ticks, bold or link targets."""
    lines, in_code = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        if not in_code:
            line = re.sub(r"^#+\s+", "", line)
            line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
            line = re.sub(r"(`+)(.+?)\1", r"\2", line)
            line = re.sub(r"\*\*(.+?)\*\*", r"\1", line)
        lines.append(line)
    return "\n".join(lines).strip() + "\n"


def rule_descriptor(rule: rules.Rule) -> dict:
    """A registry rule as a SARIF reportingDescriptor."""
    page = rule_docs.published_page(rule)
    configuration = {"level": severity_of(rule.category)}
    if not rule.default_enabled:
        configuration["enabled"] = False
    properties = {"pylintMessageId": rule.msgid} if rule.msgid else {}
    properties["tags"] = ["tensorflow", "rnn", rule.family or "runtime-only"]
    properties["verifiable"] = rule.verifiable  # pylint-rnn-verify can confirm it at run time
    return {
        "id": rule.symbol,
        "name": _name(rule.symbol),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.description},
        "help": {"text": plain_text(page), "markdown": page},
        "defaultConfiguration": configuration,
        "properties": properties,
    }


def short_template(template: str) -> str:
    """A pylint message template with its ``%s`` placeholders shown as ``…``; "" if nothing else is left."""
    text = _PLACEHOLDER.sub(lambda m: "%" if m.group(0) == "%%" else "…", template).strip()
    return text if text.strip("… ") else ""


def message_descriptor(symbol: str, msgid: Optional[str], template: str, description: str) -> dict:
    """A minimal reportingDescriptor for a message outside the registry, from pylint's own definition."""
    short = short_template(template)
    entry = {
        "id": symbol,
        "name": _name(symbol),
        "shortDescription": {"text": short or description or symbol},
        "fullDescription": {"text": description or short or symbol},
        "defaultConfiguration": {"level": severity_of(msgid[:1] if msgid else "")},
    }
    if msgid:
        entry["properties"] = {"pylintMessageId": msgid}
    return entry


def lint_descriptors(findings: Sequence[Finding], linter) -> List[dict]:
    """``pylint-rnn lint``'s rules: every static rule of the registry, then any other message that showed up
    (syntax-error, fatal, a third-party plugin's), described from ``linter``'s definition when it has one."""
    descriptors = [rule_descriptor(rule) for rule in rules.static_rules()]
    known = {rule.symbol for rule in rules.static_rules()}
    for finding in findings:
        if finding.symbol in known:
            continue
        known.add(finding.symbol)
        template, description = finding.message, ""
        if linter is not None:
            try:
                definition = linter.msgs_store.get_message_definitions(finding.symbol)[0]
                template, description = definition.msg, definition.description
            except UnknownMessageError:  # not pylint's: the message itself describes it
                pass
        descriptors.append(message_descriptor(finding.symbol, finding.msgid, template, description))
    return descriptors


def descriptors_for_symbols(symbols: Iterable[str]) -> List[dict]:
    """The verifier's rules: one reportingDescriptor per distinct symbol, in the order given."""
    out, seen = [], set()
    for symbol in symbols:
        if symbol in seen:
            continue
        seen.add(symbol)
        if rules.is_rule(symbol):
            out.append(rule_descriptor(rules.rule(symbol)))
        else:
            out.append(message_descriptor(symbol, None, symbol, ""))
    return out


# ------------------------------------------------------------------------------------------- results
def _artifact_location(finding: Finding) -> dict:
    if Path(finding.path).is_absolute() or re.match(r"^[A-Za-z]:/", finding.path):
        return {"uri": Path(finding.path).as_uri()}
    return {"uri": quote(finding.path), "uriBaseId": SRCROOT}


def _region(finding: Finding) -> dict:
    region = {"startLine": finding.line}
    if finding.column is None:
        return region  # the whole line
    region["startColumn"] = finding.column
    if finding.end_line is not None and finding.end_line >= finding.line:
        region["endLine"] = finding.end_line
        if finding.end_column is not None and (
            finding.end_line > finding.line or finding.end_column > finding.column
        ):
            region["endColumn"] = finding.end_column
    return region


def _fixes(finding: Finding, proposed: Sequence[dict]) -> List[dict]:
    """SARIF ``fix`` objects for one result: each proposed fix's description and replacements, on the
    result's own file."""
    return [{"description": {"text": fix["description"]},
             "artifactChanges": [{"artifactLocation": _artifact_location(finding),
                                  "replacements": list(fix["replacements"])}]}
            for fix in proposed]


def _result(finding: Finding, rule_index: int) -> dict:
    result = {
        "ruleId": finding.symbol,
        "ruleIndex": rule_index,
        "level": finding.severity,
        "message": {"text": finding.message},
        "locations": [
            {"physicalLocation": {"artifactLocation": _artifact_location(finding), "region": _region(finding)}}
        ],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
    }
    if finding.confirmed is not None:
        result["properties"] = {"confirmed": finding.confirmed}
    return result


def _with_fixes(result: dict, finding: Finding, fixes_of) -> dict:
    proposed = fixes_of(finding) if fixes_of is not None else []
    if proposed:
        result["fixes"] = _fixes(finding, proposed)
    return result


# ----------------------------------------------------------------------------------------------- log
def render(
    findings: Sequence[Finding],
    descriptors: Sequence[dict],
    root: Path,
    *,
    tool_name: str = "pylint-rnn",
    execution_successful: bool = True,
    invocation_properties: Optional[dict] = None,
    fixes_of: Optional[Callable[[Finding], Sequence[dict]]] = None,
) -> str:
    """A SARIF 2.1.0 log with one run: ``descriptors`` as its rules (every finding's symbol among them).

    ``fixes_of`` gives a finding's proposed fixes (``{"description": text, "replacements": [...]}``, see
    :mod:`pylint_rnn.fixes.command`); they become the result's ``fixes``.
    """
    index = {descriptor["id"]: i for i, descriptor in enumerate(descriptors)}
    root_uri = root.resolve().as_uri()
    if not root_uri.endswith("/"):
        root_uri += "/"
    invocation = {"executionSuccessful": execution_successful}
    if invocation_properties:
        invocation["properties"] = dict(invocation_properties)
    driver = {"name": tool_name, "version": __version__, "semanticVersion": __version__, "rules": list(descriptors)}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {"driver": driver},
                "originalUriBaseIds": {SRCROOT: {"uri": root_uri}},
                "columnKind": "unicodeCodePoints",
                "invocations": [invocation],
                "results": [_with_fixes(_result(finding, index[finding.symbol]), finding, fixes_of)
                            for finding in findings],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
