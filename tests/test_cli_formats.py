"""Unit tests of the line-oriented output formats: GitHub workflow-command escaping, text/json shapes.

The SARIF writer has its own tests in test_cli_sarif.py.
"""
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "cli_inputs"))
from cli_helpers import make_finding as finding  # noqa: E402

from pylint_rnn.reporting.formats import format_github, format_json, format_text  # noqa: E402


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
