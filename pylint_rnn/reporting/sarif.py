"""The one SARIF 2.1.0 writer, for ``pylint-rnn lint --format sarif`` and ``pylint-rnn-verify --format sarif``.

A log has one run. Its rules describe pylint-rnn's messages from the registry (:mod:`pylint_rnn.rules`),
written for a code-scanning page: ``shortDescription`` is the rule's one-sentence summary,
``fullDescription`` its explanation (plain text, and Markdown), ``help`` its docs page (what goes wrong,
why, a wrong and a right example), plus the default level and whether the rule is on by default; any
other pylint message that shows up in a lint run (``syntax-error``, a third-party plugin's) gets a minimal
rule from pylint's own definition. Results carry a location relative to the repository root
(``%SRCROOT%``) and the baseline identity as a partial fingerprint, so a finding keeps its identity across
commits that move it; the verifier's results also say whether the run confirmed them. Files the run could
not analyse are tool execution notifications, not results. No URL is guessed: the help travels inside
the log, and links of the page that only work inside a checkout become plain text.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, List, Optional, Sequence
from urllib.parse import quote, urlsplit

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


def registry_markdown(text: str) -> str:
    """The registry's reStructuredText-style ````code```` as Markdown ```code```."""
    return re.sub(r"``(.+?)``", r"`\1`", text)


def _is_relative_link(target: str) -> bool:
    return not urlsplit(target).scheme and not target.startswith("#")


def help_markdown(page: str) -> str:
    """A docs page as SARIF help: links to files of a checkout (``../../pylint_rnn/...``) lead nowhere in a
    code-scanning view, so they become their text; absolute links and code blocks stay as they are."""
    out, in_code = [], False
    for line in page.splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
        elif not in_code:
            line = re.sub(r"\[([^\]]*)\]\(([^)\s]*)\)",
                          lambda m: m.group(1) if _is_relative_link(m.group(2)) else m.group(0), line)
        out.append(line)
    return "\n".join(out).rstrip() + "\n"


def rule_descriptor(rule: rules.Rule) -> dict:
    """A registry rule as a SARIF reportingDescriptor."""
    page = help_markdown(rule_docs.published_page(rule))
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
        "fullDescription": {"text": plain_text(registry_markdown(rule.description)).strip(),
                            "markdown": registry_markdown(rule.description)},
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
def _artifact_location(path: str) -> dict:
    """A path relative to the root (under ``%SRCROOT%``), or an absolute ``file:`` URI outside it."""
    if Path(path).is_absolute() or re.match(r"^[A-Za-z]:/", path):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path), "uriBaseId": SRCROOT}


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
             "artifactChanges": [{"artifactLocation": _artifact_location(finding.path),
                                  "replacements": list(fix["replacements"])}]}
            for fix in proposed]


def _result(finding: Finding, rule_index: int) -> dict:
    result = {
        "ruleId": finding.symbol,
        "ruleIndex": rule_index,
        "level": finding.severity,
        "message": {"text": finding.message},
        "locations": [
            {"physicalLocation": {"artifactLocation": _artifact_location(finding.path), "region": _region(finding)}}
        ],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
    }
    if finding.confirmed is not None:
        result["properties"] = {"confirmed": finding.confirmed}
    return result


# ----------------------------------------------------------------------------------------- invocation
@dataclass
class Invocation:
    """Which tool ran and how the run went: whether it succeeded, free-form properties, and notifications
    (SARIF ``toolExecutionNotifications``: files the tool could not analyse, ...)."""

    successful: bool = True
    properties: dict = field(default_factory=dict)
    notifications: List[dict] = field(default_factory=list)
    tool_name: str = "pylint-rnn"  # the driver's name: pylint-rnn or pylint-rnn-verify

    def as_sarif(self) -> dict:
        invocation: dict = {"executionSuccessful": self.successful}
        if self.notifications:
            invocation["toolExecutionNotifications"] = list(self.notifications)
        if self.properties:
            invocation["properties"] = dict(self.properties)
        return invocation


def crash_notification(path: str, reason: str) -> dict:
    """A warning that the file at ``path`` (relative to the root) could not be analysed, and why."""
    return {
        "level": "warning",
        "message": {"text": f"could not analyse {path}: {reason}; the file was not checked"},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact_location(path)}}],
        "descriptor": {"id": "astroid-error"},
    }


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
    invocation: Optional[Invocation] = None,
    fixes_of: Optional[Callable[[Finding], Sequence[dict]]] = None,
) -> str:
    """A SARIF 2.1.0 log with one run: ``descriptors`` as its rules (every finding's symbol among them).

    ``fixes_of`` gives a finding's proposed fixes (``{"description": text, "replacements": [...]}``, see
    :mod:`pylint_rnn.fixes.command`); they become the result's ``fixes``.
    """
    invocation = invocation or Invocation()
    index = {descriptor["id"]: i for i, descriptor in enumerate(descriptors)}
    root_uri = root.resolve().as_uri()
    if not root_uri.endswith("/"):
        root_uri += "/"
    driver = {"name": invocation.tool_name, "version": __version__, "semanticVersion": __version__,
              "rules": list(descriptors)}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {"driver": driver},
                "originalUriBaseIds": {SRCROOT: {"uri": root_uri}},
                "columnKind": "unicodeCodePoints",
                "invocations": [invocation.as_sarif()],
                "results": [_with_fixes(_result(finding, index[finding.symbol]), finding, fixes_of)
                            for finding in findings],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
