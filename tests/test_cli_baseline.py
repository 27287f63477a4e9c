"""Baselines: `--write-baseline` records today's findings, `--baseline` reports only new ones.

A finding's identity is (path from the repository root, symbol, normalized code of the flagged line(s)),
counted as a multiset, so findings moved by unrelated edits stay matched.
"""
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "cli_inputs"))
from cli_helpers import lint_json, make_project, run  # noqa: E402

from pylint_rnn.reporting import Finding, normalize_code  # noqa: E402
from pylint_rnn.reporting import baseline  # noqa: E402

LEGACY = """\
def build():
    probe_warning()
    x = probe_error(1, 2)
    return x


def other():
    probe_warning()
"""


@pytest.fixture
def project(tmp_path):
    root = make_project(tmp_path / "proj")
    (root / "src").mkdir()
    (root / "src" / "legacy.py").write_text(LEGACY, encoding="utf-8")
    return root


def write_baseline(project, name="baseline.json"):
    proc = run(["pylint-rnn", "lint", "--write-baseline", name, "src"], project)
    assert proc.returncode == 0, proc.stderr
    return json.loads((project / name).read_text(encoding="utf-8"))


def test_write_baseline_format_and_exit_0(project):
    document = write_baseline(project)
    assert document["version"] == 1
    assert document["generator"].startswith("pylint-rnn ")
    assert document["findings"] == [
        {"path": "src/legacy.py", "symbol": "rnn-cli-probe-error", "code": "x = probe_error ( 1 , 2 )", "count": 1},
        {"path": "src/legacy.py", "symbol": "rnn-cli-probe-warning", "code": "probe_warning ( )", "count": 2},
    ]


def test_baseline_hides_known_findings(project):
    write_baseline(project)
    proc = run(["pylint-rnn", "lint", "--baseline", "baseline.json", "src"], project)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert "3 more in the baseline" in proc.stderr


def test_baseline_survives_lines_inserted_above(project):
    write_baseline(project)
    path = project / "src" / "legacy.py"
    path.write_text('"""Docs added later."""\nimport os\n\n\n' + path.read_text(encoding="utf-8"), encoding="utf-8")
    code, findings = lint_json(["--baseline", "baseline.json", "src"], project)
    assert (code, findings) == (0, [])
    # without the baseline the same findings are there, four lines lower
    code, findings = lint_json(["src"], project)
    assert code == 1 and [f["line"] for f in findings] == [6, 7, 12]


def test_baseline_survives_reformatting_and_comments(project):
    write_baseline(project)
    path = project / "src" / "legacy.py"
    text = path.read_text(encoding="utf-8").replace("x = probe_error(1, 2)", "x = probe_error( 1,2 )  # legacy")
    path.write_text(text, encoding="utf-8")
    code, findings = lint_json(["--baseline", "baseline.json", "src"], project)
    assert (code, findings) == (0, [])


def test_new_finding_is_reported_after_a_line_shift(project):
    write_baseline(project)
    path = project / "src" / "legacy.py"
    path.write_text(
        "import os\n\n\n" + path.read_text(encoding="utf-8") + "\n\ndef fresh():\n    probe_note()\n",
        encoding="utf-8",
    )
    code, findings = lint_json(["--baseline", "baseline.json", "src"], project)
    assert code == 1
    assert [(f["symbol"], f["line"]) for f in findings] == [("rnn-cli-probe-note", 15)]
    # the text report shows only the new finding too
    proc = run(["pylint-rnn", "lint", "--baseline", "baseline.json", "src"], project)
    assert proc.stdout.splitlines() == ["src/legacy.py:15:5: rnn-cli-probe-note: Probe note on a call to probe_note()"]


def test_one_more_identical_finding_is_new(project):
    write_baseline(project)
    path = project / "src" / "legacy.py"
    path.write_text(path.read_text(encoding="utf-8") + "    probe_warning()\n", encoding="utf-8")
    code, findings = lint_json(["--baseline", "baseline.json", "src"], project)
    assert code == 1
    assert [f["symbol"] for f in findings] == ["rnn-cli-probe-warning"]


def test_changed_flagged_line_is_new(project):
    write_baseline(project)
    path = project / "src" / "legacy.py"
    path.write_text(path.read_text(encoding="utf-8").replace("probe_error(1, 2)", "probe_error(1, 3)"), encoding="utf-8")
    code, findings = lint_json(["--baseline", "baseline.json", "src"], project)
    assert code == 1
    assert [(f["symbol"], f["line"]) for f in findings] == [("rnn-cli-probe-error", 3)]


def test_same_code_in_another_file_is_new(project):
    write_baseline(project)
    (project / "src" / "copy.py").write_text(LEGACY, encoding="utf-8")
    code, findings = lint_json(["--baseline", "baseline.json", "src"], project)
    assert code == 1
    assert {f["path"] for f in findings} == {"src/copy.py"} and len(findings) == 3


def test_fixed_findings_do_not_fail(project):
    write_baseline(project)
    (project / "src" / "legacy.py").write_text("def build():\n    return 1\n", encoding="utf-8")
    assert run(["pylint-rnn", "lint", "--baseline", "baseline.json", "src"], project).returncode == 0


def test_baseline_from_a_subdirectory_matches_root_relative_paths(tmp_path):
    project = make_project(tmp_path / "proj", pyproject=True)
    (project / "src").mkdir()
    (project / "src" / "legacy.py").write_text(LEGACY, encoding="utf-8")
    run(["pylint-rnn", "lint", "--write-baseline", "baseline.json", "src"], project, check_rc=0)
    proc = run(["pylint-rnn", "lint", "--baseline", "../baseline.json", "."], project / "src")
    assert proc.returncode == 0, (proc.stdout, proc.stderr)


def test_baseline_with_other_formats(project):
    write_baseline(project)
    path = project / "src" / "legacy.py"
    path.write_text(path.read_text(encoding="utf-8") + "probe_note()\n", encoding="utf-8")
    proc = run(["pylint-rnn", "lint", "--baseline", "baseline.json", "--format", "sarif", "src"], project)
    results = json.loads(proc.stdout)["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["rnn-cli-probe-note"]
    proc = run(["pylint-rnn", "lint", "--baseline", "baseline.json", "--format", "github", "src"], project)
    assert proc.stdout.startswith("::notice file=src/legacy.py,line=9,")


# ----------------------------------------------------------------------------------------------- unit
def _finding(path="a.py", symbol="rnn-x", code="f ( )", line=1):
    return Finding(symbol, "W7999", "m", path, path, line, 1, None, None, "warning", code)


def test_split_is_a_multiset_match():
    known = baseline.load_from_document({"version": 1, "findings": [{"path": "a.py", "symbol": "rnn-x", "code": "f ( )", "count": 2}]})
    new, old = baseline.split([_finding(line=9), _finding(line=3), _finding(line=5)], known)
    assert [f.line for f in old] == [3, 5]
    assert [f.line for f in new] == [9]


def test_dump_load_round_trip(tmp_path):
    findings = [_finding(), _finding(), _finding(code="g ( 'é' )")]
    path = tmp_path / "b.json"
    baseline.write(str(path), findings, "pylint-rnn test")
    counts = baseline.load(str(path))
    assert counts == {("a.py", "rnn-x", "f ( )"): 2, ("a.py", "rnn-x", "g ( 'é' )"): 1}


@pytest.mark.parametrize(
    "document",
    ["not json", "[]", '{"version": 2, "findings": []}', '{"version": 1, "findings": {}}', '{"version": 1, "findings": [{"path": "a"}]}'],
)
def test_malformed_baselines_are_rejected(tmp_path, document):
    path = tmp_path / "b.json"
    path.write_text(document, encoding="utf-8")
    with pytest.raises(baseline.BaselineError):
        baseline.load(str(path))


@pytest.mark.parametrize(
    "a, b",
    [
        ("x = f([cell] * 3)", "x = f( [cell]*3 )  # comment"),
        ("stack = MultiRNNCell(\n    [cell] * 3)", "stack = MultiRNNCell([cell] * 3)"),
        ("    if x:  # why", "if x:"),
    ],
)
def test_normalize_code_ignores_layout(a, b):
    assert normalize_code(a) == normalize_code(b)


def test_normalize_code_keeps_meaning():
    assert normalize_code("f(1, 2)") != normalize_code("f(1, 3)")
    assert normalize_code("s = 'a  b'") != normalize_code("s = 'a b'")
    assert normalize_code("stack = MultiRNNCell(") == "stack = MultiRNNCell ("
