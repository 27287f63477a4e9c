"""Unit tests of the output formats: GitHub workflow-command escaping, SARIF rules, text/json shapes."""
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "cli_inputs"))
from sarif_check import check_sarif  # noqa: E402

from pylint_rnn.reporting import Finding, help_uri  # noqa: E402
from pylint_rnn.reporting.formats import (  # noqa: E402
    Rule,
    format_github,
    format_json,
    format_sarif,
    format_text,
    short_description,
)


def finding(**over):
    base = dict(
        symbol="rnn-same-cell-stacked",
        msgid="W7905",
        message="m",
        path="src/a.py",
        display_path="a.py",
        line=3,
        column=9,
        end_line=3,
        end_column=20,
        severity="warning",
        category="warning",
        code="x",
    )
    base.update(over)
    return Finding(**base)


def test_github_escapes_data_and_properties():
    f = finding(path="dir,x/a:b%.py", message="50% of\r\nthe cells: a, b", severity="error")
    line = format_github([f])
    assert line == (
        "::error file=dir%2Cx/a%3Ab%25.py,line=3,col=9,endLine=3,endColumn=20,title=rnn-same-cell-stacked"
        "::50%25 of%0D%0Athe cells: a, b (rnn-same-cell-stacked)\n"
    )
    assert line.count("\n") == 1


@pytest.mark.parametrize("severity, command", [("error", "::error "), ("warning", "::warning "), ("note", "::notice ")])
def test_github_commands_by_severity(severity, command):
    assert format_github([finding(severity=severity)]).startswith(command)


def test_github_without_end_position():
    assert format_github([finding(end_line=None, end_column=None)]).startswith(
        "::warning file=src/a.py,line=3,col=9,title=rnn-same-cell-stacked::"
    )


def test_text_and_json_shapes():
    assert format_text([finding()]) == "a.py:3:9: rnn-same-cell-stacked: m\n"
    [item] = json.loads(format_json([finding()]))
    assert item == {
        "symbol": "rnn-same-cell-stacked",
        "msgid": "W7905",
        "message": "m",
        "path": "src/a.py",
        "line": 3,
        "column": 9,
        "end_line": 3,
        "end_column": 20,
        "severity": "warning",
    }
    assert format_text([]) == "" and json.loads(format_json([])) == []


@pytest.mark.parametrize(
    "template, expected",
    [
        ("The same cell is stacked %d times", "The same cell is stacked … times"),
        ("%s is built per call of %r", "… is built per call of …"),
        ("%(name)s at 100%% reuse", "… at 100% reuse"),
        ("%s", ""),
    ],
)
def test_short_description(template, expected):
    assert short_description(template) == expected


def test_sarif_rules_levels_and_outside_root(tmp_path):
    rules = [
        Rule("rnn-duplicate-variables", "E7903", "Variable %s created twice", "Long text."),
        Rule("rnn-same-cell-stacked", "W7905", "Stacked %s", "Long text 2."),
        Rule("rnn-time-axis-reduction", "C7908", "Reduces over time", "Long text 3."),
    ]
    findings = [
        finding(symbol="rnn-time-axis-reduction", msgid="C7908", severity="note"),
        finding(path=(tmp_path / "elsewhere" / "b c.py").as_posix(), end_line=None, end_column=None),
    ]
    log = json.loads(format_sarif(findings, rules, tmp_path, "1.2.3"))
    assert check_sarif(log) == []
    driver = log["runs"][0]["tool"]["driver"]
    assert [r["defaultConfiguration"]["level"] for r in driver["rules"]] == ["error", "warning", "note"]
    assert driver["rules"][0]["helpUri"] == help_uri("rnn-duplicate-variables")
    assert help_uri("rnn-duplicate-variables").endswith("/docs/messages/rnn-duplicate-variables.md")
    assert driver["rules"][0]["shortDescription"] == {"text": "Variable … created twice"}
    assert driver["rules"][0]["fullDescription"] == {"text": "Long text."}
    first, second = log["runs"][0]["results"]
    assert (first["ruleIndex"], first["level"]) == (2, "note")
    loc = second["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc == {"uri": (tmp_path / "elsewhere" / "b c.py").as_uri()}


def test_sarif_checker_catches_broken_logs():
    # the structural checker must be able to fail
    good = json.loads(format_sarif([finding()], [Rule("rnn-same-cell-stacked", "W7905", "t", "d")], Path("/"), "1"))
    assert check_sarif(good) == []
    bad = json.loads(json.dumps(good))
    bad["version"] = "2.0.0"
    bad["runs"][0]["results"][0]["ruleIndex"] = 5
    bad["runs"][0]["results"][0]["level"] = "fatal"
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] = 0
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b\\c.py"
    del bad["runs"][0]["tool"]["driver"]["name"]
    problems = check_sarif(bad)
    assert len(problems) == 6, problems
