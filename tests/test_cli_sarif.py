"""Unit tests of the one SARIF writer (pylint_rnn.reporting.sarif), as `pylint-rnn lint` and the verifier use it."""
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).parent / "cli_inputs"))
from cli_helpers import make_finding as finding  # noqa: E402
from sarif_check import check_sarif, schema_problems  # noqa: E402

from pylint_rnn import __version__, rule_docs, rules  # noqa: E402
from pylint_rnn.reporting import SourceCache, sarif  # noqa: E402
from pylint_rnn.verify import report  # noqa: E402


def driver_of(log):
    return log["runs"][0]["tool"]["driver"]


# ------------------------------------------------------------------------------------------------ rules
@pytest.mark.parametrize("rule", rules.RULES, ids=lambda r: r.symbol)
def test_every_registry_rule_is_described_from_the_registry(rule):
    entry = sarif.rule_descriptor(rule)
    assert entry["id"] == rule.symbol
    assert entry["shortDescription"] == {"text": rule.summary}
    assert entry["fullDescription"]["markdown"] == sarif.registry_markdown(rule.description)
    assert entry["fullDescription"]["text"] == sarif.plain_text(sarif.registry_markdown(rule.description)).strip()
    assert entry["help"]["markdown"] == sarif.help_markdown(rule_docs.published_page(rule))
    assert entry["help"]["text"].strip() and "``" not in entry["help"]["text"]
    assert entry["defaultConfiguration"]["level"] == {"E": "error", "W": "warning", "C": "note"}[rule.category]
    assert entry["defaultConfiguration"].get("enabled", True) is rule.default_enabled
    assert entry["properties"].get("pylintMessageId") == rule.msgid
    assert entry["properties"]["verifiable"] is rule.verifiable
    assert {"tensorflow", "rnn"} <= set(entry["properties"]["tags"])
    assert "helpUri" not in entry


SENTENCE_END = re.compile(r"(?<!\.)[.!?](?!\.)(\s+|$)")


@pytest.mark.parametrize("rule", rules.RULES, ids=lambda r: r.symbol)
def test_descriptions_read_well_in_code_scanning(rule):
    """shortDescription: one plain sentence; fullDescription: the explanation, without reST markup in its
    text; help: the rule's page with its wrong and right examples, and no link that leads nowhere."""
    entry = sarif.rule_descriptor(rule)
    short = entry["shortDescription"]["text"]
    assert "\n" not in short and not re.search(r"[`*_]{2}|`|\]\(", short), short
    assert len(SENTENCE_END.findall(short)) == 1 and short.endswith("."), short
    full = entry["fullDescription"]
    assert "``" not in full["text"] and "``" not in full["markdown"]
    assert len(full["text"]) > len(short)
    page = entry["help"]["markdown"]
    assert page.startswith(f"# {rule.symbol}")
    assert "## What it does" in page and "## Example" in page and "## Use instead" in page
    for target in re.findall(r"\]\(([^)]*)\)", page):
        assert urlsplit(target).scheme in ("http", "https") or target.startswith("#"), target


def test_help_markdown_keeps_code_blocks_and_absolute_links():
    page = "See [a](../../x.py), [b](https://example.org/b) and [c](#c).\n```python\nx = [y](z)\n```\n"
    assert sarif.help_markdown(page) == (
        "See a, [b](https://example.org/b) and [c](#c).\n```python\nx = [y](z)\n```\n"
    )


def test_opt_in_rule_is_disabled_by_default():
    entry = sarif.rule_descriptor(rules.rule("rnn-time-axis-reduction"))
    assert entry["defaultConfiguration"] == {"level": "note", "enabled": False}


def test_runtime_only_rule_has_no_message_id():
    entry = sarif.rule_descriptor(rules.rule("rnn-no-gradient"))
    assert "pylintMessageId" not in entry["properties"]
    assert entry["properties"]["verifiable"] is True


def test_lint_rules_are_the_static_registry_plus_other_messages_that_showed_up():
    found = [finding(), finding(symbol="syntax-error", msgid="E0001", message="invalid syntax")]
    descriptors = sarif.lint_descriptors(found, linter=None)
    ids = [d["id"] for d in descriptors]
    assert ids == [r.symbol for r in rules.static_rules()] + ["syntax-error"]
    assert descriptors[-1] == {
        "id": "syntax-error",
        "name": "SyntaxError",
        "shortDescription": {"text": "invalid syntax"},
        "fullDescription": {"text": "invalid syntax"},
        "defaultConfiguration": {"level": "error"},
        "properties": {"pylintMessageId": "E0001"},
    }


@pytest.mark.parametrize(
    "template, expected",
    [
        ("The same cell is stacked %d times", "The same cell is stacked … times"),
        ("%s is built per call of %r", "… is built per call of …"),
        ("%(name)s at 100%% reuse", "… at 100% reuse"),
        ("%s", ""),
    ],
)
def test_short_template(template, expected):
    assert sarif.short_template(template) == expected


def test_plain_text_of_markdown():
    markdown = "# Title\n\nUse ``tf.get_variable`` and `x`, **not** [this](page.md).\n\n```python\n# kept\nx = 1\n```\n"
    assert sarif.plain_text(markdown) == "Title\n\nUse tf.get_variable and x, not this.\n\n# kept\nx = 1\n"


# ---------------------------------------------------------------------------------------------- the log
def test_levels_outside_root_and_no_guessed_url(tmp_path):
    findings = [
        finding(symbol="rnn-time-axis-reduction", msgid="C7908", severity="note"),
        finding(path=(tmp_path / "elsewhere" / "b c.py").as_posix(), end_line=None, end_column=None),
    ]
    text = sarif.render(findings, sarif.lint_descriptors(findings, None), tmp_path)
    log = json.loads(text)
    assert check_sarif(log) == []
    assert "github.com" not in text and "helpUri" not in text and "informationUri" not in text
    driver = driver_of(log)
    assert (driver["name"], driver["version"], driver["semanticVersion"]) == ("pylint-rnn", __version__, __version__)
    first, second = log["runs"][0]["results"]
    assert driver["rules"][first["ruleIndex"]]["id"] == "rnn-time-axis-reduction"
    assert first["level"] == "note" and "properties" not in first
    loc = second["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc == {"uri": (tmp_path / "elsewhere" / "b c.py").as_uri()}
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True}]


def test_sarif_checker_catches_broken_logs():
    # the structural checker must be able to fail
    good = json.loads(sarif.render([finding()], sarif.lint_descriptors([], None), Path("/")))
    assert check_sarif(good) == []
    bad = json.loads(json.dumps(good))
    bad["version"] = "2.0.0"
    bad["runs"][0]["results"][0]["ruleIndex"] = 50
    bad["runs"][0]["results"][0]["level"] = "fatal"
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] = 0
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b\\c.py"
    del bad["runs"][0]["tool"]["driver"]["name"]
    problems = check_sarif(bad, schema=False)
    assert len(problems) == 6, problems
    # the OASIS schema catches the version, the level, the column and the missing driver name
    schema = "\n".join(schema_problems(bad))
    for where in ("version", "results/0/level", "region/startColumn", "driver: 'name'"):
        assert where in schema, schema


# ------------------------------------------------------------------------------------------ the verifier
@pytest.fixture
def verified(tmp_path):
    """A project with a script, and the verifier's result for it as `relativize` leaves it (paths from cwd)."""
    root = tmp_path / "proj"
    (root / ".git").mkdir(parents=True)
    (root / "src").mkdir()
    (root / "src" / "train.py").write_text("import tensorflow as tf\ncell = make()\nstack = [cell]  *  3\n")
    result = {
        "target": "train.py",
        "status": "ok",
        "findings": [
            {"symbol": "rnn-same-cell-stacked", "message": "one cell, 3 layers", "path": "train.py", "line": 3,
             "confirmed": True},
            {"symbol": "rnn-no-gradient", "message": "no gradient", "path": "train.py", "line": 2,
             "confirmed": False},
        ],
    }
    return root, result


def test_verifier_result_through_the_shared_writer(verified):
    root, result = verified
    log = json.loads(report.render_sarif(result, cwd=str(root / "src")))
    assert check_sarif(log) == []
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("pylint-rnn-verify", __version__)
    assert driver["rules"] == [sarif.rule_descriptor(rules.rule(s)) for s in ("rnn-same-cell-stacked", "rnn-no-gradient")]
    stacked, no_gradient = run["results"]
    assert (stacked["level"], stacked["properties"]) == ("warning", {"confirmed": True})
    assert (no_gradient["level"], no_gradient["properties"]) == ("note", {"confirmed": False})  # suspected
    location = stacked["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "src/train.py", "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": 3}}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == root.resolve().as_uri() + "/"
    assert run["invocations"] == [{"executionSuccessful": True, "properties": {"status": "ok"}}]


def test_crash_notification_in_the_log(tmp_path):
    invocation = sarif.Invocation(notifications=[sarif.crash_notification("src/big.py", "RecursionError: deep")])
    log = json.loads(sarif.render([], sarif.lint_descriptors([], None), tmp_path, invocation=invocation))
    assert check_sarif(log) == []
    [note] = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "warning" and "src/big.py" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "src/big.py",
                                                                            "uriBaseId": "%SRCROOT%"}
    assert log["runs"][0]["results"] == []


def test_verifier_and_lint_agree_on_location_and_fingerprint(verified):
    root, result = verified
    verifier_log = json.loads(report.render_sarif(result, cwd=str(root / "src")))
    code = SourceCache().code(str(root / "src" / "train.py"), 3, 3)
    lint_finding = finding(path="src/train.py", line=3, column=1, end_line=3, end_column=20, code=code)
    lint_log = json.loads(sarif.render([lint_finding], sarif.lint_descriptors([lint_finding], None), root))
    ours, theirs = verifier_log["runs"][0]["results"][0], lint_log["runs"][0]["results"][0]
    assert ours["partialFingerprints"] == theirs["partialFingerprints"]
    assert (ours["locations"][0]["physicalLocation"]["artifactLocation"]
            == theirs["locations"][0]["physicalLocation"]["artifactLocation"])


def test_failed_verifier_run_is_not_successful(verified):
    root, result = verified
    result.update(status="target-failed", findings=[])
    log = json.loads(report.render_sarif(result, cwd=str(root)))
    assert check_sarif(log) == []
    assert log["runs"][0]["invocations"] == [
        {"executionSuccessful": False, "properties": {"status": "target-failed"}}
    ]
    assert log["runs"][0]["results"] == [] and driver_of(log)["rules"] == []
