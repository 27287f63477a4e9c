"""End-to-end tests of `pylint-rnn lint`, run as the installed command in a small project.

The project loads a test-only probe plugin (tests/cli_inputs/rnn_probe_plugin.py: a checker named `rnn`
with one message per severity) through its pylintrc, so these tests pin the command's behaviour
(formats, exit codes, --fail-on, configuration, -j, output) whatever the real checkers flag.
"""
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "cli_inputs"))
from cli_helpers import INPUTS, lint_json, make_project, run  # noqa: E402
from sarif_check import check_sarif  # noqa: E402

PROBE_SOURCE = (INPUTS / "probe.py").read_text(encoding="utf-8")
# probe.py: line 4 `probe_warning()` col 0; line 5 `x = probe_error(1, 2)` col 4; line 6 `probe_note()` col 0.
EXPECTED_TEXT = (
    "probe.py:4:1: rnn-cli-probe-warning: Probe warning on a call to probe_warning()\n"
    "probe.py:5:5: rnn-cli-probe-error: Probe error on a call to probe_error()\n"
    "probe.py:6:1: rnn-cli-probe-note: Probe note on a call to probe_note()\n"
)


@pytest.fixture
def project(tmp_path):
    root = make_project(tmp_path / "proj")
    (root / "probe.py").write_text(PROBE_SOURCE, encoding="utf-8")
    return root


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------- text / exit
def test_text_format_and_exit_1_on_findings(project):
    proc = run(["pylint-rnn", "lint", "probe.py"], project)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == EXPECTED_TEXT


def test_default_path_is_current_directory(project):
    write(project / "pkg" / "more.py", "probe_warning()\n")
    proc = run(["pylint-rnn", "lint"], project)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert "pkg/more.py:1:1: rnn-cli-probe-warning: Probe warning on a call to probe_warning()" in lines
    assert len(lines) == 4


def test_exit_0_without_findings(project):
    write(project / "fine.py", "def f():\n    return 1\n")
    proc = run(["pylint-rnn", "lint", "fine.py"], project)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ["lint", "no/such/path.py"],
        ["lint", "--no-such-option", "probe.py"],
        ["lint", "--format", "xml", "probe.py"],
        ["lint", "--rcfile", "missing.rc", "probe.py"],
        ["lint", "--baseline", "missing.json", "probe.py"],
        ["lint", "--baseline", "a.json", "--write-baseline", "b.json", "probe.py"],
        ["lint", "--fail-on", "info", "probe.py"],
        ["lint", "--write-baseline", "no/such/dir/b.json", "probe.py"],
        ["lint", "--output", "no/such/dir/report.txt", "probe.py"],
        ["lint", "-j", "-1", "probe.py"],
        ["lint", "-j", "two", "probe.py"],
        [],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(project, args):
    proc = run(["pylint-rnn", *args], project)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stdout == ""
    assert proc.stderr.strip()


def test_bad_baseline_version_is_usage_error(project):
    write(project / "old.json", json.dumps({"version": 99, "findings": []}))
    proc = run(["pylint-rnn", "lint", "--baseline", "old.json", "probe.py"], project)
    assert proc.returncode == 2
    assert "version" in proc.stderr


def test_syntax_error_is_reported_and_fails(project):
    write(project / "broken.py", "def f(:\n")
    code, findings = lint_json(["broken.py"], project)
    assert code == 1
    assert [(f["symbol"], f["severity"], f["path"]) for f in findings] == [("syntax-error", "error", "broken.py")]


# ---------------------------------------------------------------------------------------------- fail-on
@pytest.mark.parametrize(
    "source, fail_on, expected",
    [
        ("probe_note()\n", None, 1),
        ("probe_note()\n", "warning", 0),
        ("probe_note()\n", "error", 0),
        ("probe_warning()\n", "warning", 1),
        ("probe_warning()\n", "error", 0),
        ("probe_error()\n", "error", 1),
        ("probe_error()\n", "warning", 1),
    ],
)
def test_fail_on(project, source, fail_on, expected):
    write(project / "one.py", source)
    args = ["pylint-rnn", "lint", "one.py"] + (["--fail-on", fail_on] if fail_on else [])
    proc = run(args, project)
    assert proc.returncode == expected, proc.stderr
    assert proc.stdout.count("\n") == 1  # the finding is reported either way


# ------------------------------------------------------------------------------------------------- json
def test_json_format(project):
    code, findings = lint_json(["probe.py"], project)
    assert code == 1
    assert [(f["symbol"], f["msgid"], f["line"], f["column"], f["severity"]) for f in findings] == [
        ("rnn-cli-probe-warning", "W7990", 4, 1, "warning"),
        ("rnn-cli-probe-error", "E7991", 5, 5, "error"),
        ("rnn-cli-probe-note", "C7992", 6, 1, "note"),
    ]
    for finding in findings:
        assert {"symbol", "msgid", "message", "path", "line", "column", "severity"} <= set(finding)
        assert finding["path"] == "probe.py"
        assert finding["message"].startswith("Probe ")
    assert findings[1]["end_line"] == 5 and findings[1]["end_column"] == len("x = probe_error(1, 2)") + 1


def test_columns_count_characters_not_bytes(project):
    write(project / "uni.py", 'x = ("été", probe_warning())\n')
    _, findings = lint_json(["uni.py"], project)
    assert findings[0]["column"] == len('x = ("été", ') + 1


def test_paths_are_relative_to_the_repository_root(tmp_path):
    project = make_project(tmp_path / "proj", pyproject=True)
    write(project / "sub" / "deep" / "m.py", "probe_warning()\n")
    cwd = project / "sub"
    proc = run(["pylint-rnn", "lint", "deep"], cwd)
    assert proc.stdout == "deep/m.py:1:1: rnn-cli-probe-warning: Probe warning on a call to probe_warning()\n"
    proc = run(["pylint-rnn", "lint", "--format", "json", "deep"], cwd)
    assert json.loads(proc.stdout)[0]["path"] == "sub/deep/m.py"


# ----------------------------------------------------------------------------------------------- github
def test_github_format(project):
    proc = run(["pylint-rnn", "lint", "--format", "github", "probe.py"], project)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines == [
        "::warning file=probe.py,line=4,col=1,endLine=4,endColumn=16,title=rnn-cli-probe-warning"
        "::Probe warning on a call to probe_warning() (rnn-cli-probe-warning)",
        "::error file=probe.py,line=5,col=5,endLine=5,endColumn=22,title=rnn-cli-probe-error"
        "::Probe error on a call to probe_error() (rnn-cli-probe-error)",
        "::notice file=probe.py,line=6,col=1,endLine=6,endColumn=13,title=rnn-cli-probe-note"
        "::Probe note on a call to probe_note() (rnn-cli-probe-note)",
    ]


# ------------------------------------------------------------------------------------------------ sarif
def test_sarif_format(tmp_path):
    from pylint_rnn import rules

    static = {rule.symbol for rule in rules.static_rules()}
    project = make_project(tmp_path / "proj", pyproject=True)

    write(project / "sub" / "odd name,x.py", "probe_warning()\n")
    proc = run(["pylint-rnn", "lint", "--format", "sarif", "--output", "out.sarif", "."], project / "sub")
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    log = json.loads((project / "sub" / "out.sarif").read_text(encoding="utf-8"))
    assert check_sarif(log) == []
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    run_ = log["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "pylint-rnn" and driver["version"]
    assert "informationUri" not in driver  # no guessed project URL
    ids = [rule["id"] for rule in driver["rules"]]
    # one rule per static rule of the registry, plus the (probe) messages that showed up
    assert static <= set(ids)
    assert set(ids) - static == {"rnn-cli-probe-warning"}
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
        assert "helpUri" not in rule
        if rule["id"] in static:
            assert rule["help"]["markdown"] and rule["help"]["text"]
    probe_rule = driver["rules"][ids.index("rnn-cli-probe-warning")]
    assert probe_rule["shortDescription"]["text"] == "Probe warning on a call to …()"
    [result] = run_["results"]
    assert result["ruleId"] == "rnn-cli-probe-warning"
    assert ids[result["ruleIndex"]] == "rnn-cli-probe-warning"
    assert result["level"] == "warning"
    assert result["message"]["text"] == "Probe warning on a call to probe_warning()"
    location = result["locations"][0]["physicalLocation"]
    # relative to the repository root (not the working directory), percent-encoded
    assert location["artifactLocation"] == {"uri": "sub/odd%20name%2Cx.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == 1 and location["region"]["startColumn"] == 1
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"
    assert re.fullmatch(r"[0-9a-f]{64}", result["partialFingerprints"]["pylintRnnIdentity/v1"])


def test_sarif_levels_and_empty_results(project):
    proc = run(["pylint-rnn", "lint", "--format", "sarif", "probe.py"], project)
    log = json.loads(proc.stdout)
    assert check_sarif(log) == []
    assert [r["level"] for r in log["runs"][0]["results"]] == ["warning", "error", "note"]
    write(project / "fine.py", "x = 1\n")
    proc = run(["pylint-rnn", "lint", "--format", "sarif", "fine.py"], project)
    assert proc.returncode == 0
    log = json.loads(proc.stdout)
    assert check_sarif(log) == [] and log["runs"][0]["results"] == []


def test_fingerprint_is_stable_across_line_shifts(project):
    first = json.loads(run(["pylint-rnn", "lint", "-f", "sarif", "probe.py"], project).stdout)
    write(project / "probe.py", "# a new comment\n\n" + PROBE_SOURCE)
    second = json.loads(run(["pylint-rnn", "lint", "-f", "sarif", "probe.py"], project).stdout)
    fp = lambda log: [r["partialFingerprints"] for r in log["runs"][0]["results"]]  # noqa: E731
    lines = lambda log: [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in log["runs"][0]["results"]]  # noqa: E731
    assert fp(first) == fp(second)
    assert lines(second) == [line + 2 for line in lines(first)]


# -------------------------------------------------------------------------------------------- --output
def test_output_file_for_every_format(project):
    for fmt in ("text", "json", "sarif", "github"):
        proc = run(["pylint-rnn", "lint", "--format", fmt, "--output", f"report.{fmt}", "probe.py"], project)
        assert proc.returncode == 1
        assert proc.stdout == ""
        assert f"report.{fmt}" in proc.stderr
        stdout = run(["pylint-rnn", "lint", "--format", fmt, "probe.py"], project).stdout
        assert (project / f"report.{fmt}").read_text(encoding="utf-8") == stdout


# ---------------------------------------------------------------------------------------- configuration
def test_rnn_options_from_pylintrc_are_honoured(tmp_path):
    root = make_project(tmp_path / "p", extra_config="\n[RNN]\nrnn-probe-extra-warning-names=build_cell\n")
    write(root / "m.py", "build_cell()\nother()\n")
    code, findings = lint_json(["m.py"], root)
    assert code == 1
    assert [(f["symbol"], f["line"]) for f in findings] == [("rnn-cli-probe-warning", 1)]


def test_rnn_options_from_pyproject_are_honoured(tmp_path):
    root = tmp_path / "p"
    (root / ".git").mkdir(parents=True)
    write(
        root / "pyproject.toml",
        '[tool.pylint.main]\nload-plugins = ["rnn_probe_plugin"]\n\n'
        '[tool.pylint.rnn]\nrnn-probe-extra-warning-names = ["build_cell"]\n',
    )
    write(root / "m.py", "build_cell()\nother()\n")
    code, findings = lint_json(["m.py"], root)
    assert [(f["symbol"], f["line"]) for f in findings] == [("rnn-cli-probe-warning", 1)]


def test_rcfile_option(tmp_path):
    root = make_project(tmp_path / "p", probe=False)
    write(root / "m.py", "build_cell()\nprobe_warning()\n")
    # without the probe configuration nothing of the probe is loaded
    code, findings = lint_json(["m.py"], root)
    assert all(not f["symbol"].startswith("rnn-cli-probe") for f in findings)
    write(root / "ci" / "lint.rc", "[MAIN]\nload-plugins=rnn_probe_plugin\n[RNN]\nrnn-probe-extra-warning-names=build_cell\n")
    code, findings = lint_json(["--rcfile", "ci/lint.rc", "m.py"], root)
    assert code == 1
    assert [f["line"] for f in findings] == [1, 2]


def test_messages_disabled_by_name_in_config_stay_disabled(tmp_path):
    root = make_project(
        tmp_path / "p", extra_config="\n[MESSAGES CONTROL]\ndisable=rnn-cli-probe-note,W7990,missing-docstring\n"
    )
    write(root / "probe.py", PROBE_SOURCE)
    _, findings = lint_json(["probe.py"], root)
    assert [f["symbol"] for f in findings] == ["rnn-cli-probe-error"]


def test_disabling_the_whole_checker_in_config_does_not_silence_the_command(tmp_path):
    # A project keeps the plugin out of its plain pylint run with disable=rnn and gates with pylint-rnn.
    root = make_project(tmp_path / "p", extra_config="\n[MESSAGES CONTROL]\ndisable=rnn\n")
    write(root / "probe.py", PROBE_SOURCE)
    _, findings = lint_json(["probe.py"], root)
    assert len(findings) == 3


def test_other_pylint_messages_are_not_reported(project):
    write(project / "noisy.py", "import os\ndef f(a,b):\n  unused = 1\n  probe_warning()\n")
    _, findings = lint_json(["noisy.py"], project)
    assert [f["symbol"] for f in findings] == ["rnn-cli-probe-warning"]


def test_inline_disable(project):
    write(
        project / "m.py",
        "probe_warning()  # pylint: disable=rnn-cli-probe-warning\n"
        "probe_warning()\n"
        "# pylint: disable-next=rnn-cli-probe-error\n"
        "probe_error()\n",
    )
    _, findings = lint_json(["m.py"], project)
    assert [(f["symbol"], f["line"]) for f in findings] == [("rnn-cli-probe-warning", 2)]


# ------------------------------------------------------------------------------------------------ jobs
def test_jobs_gives_the_same_findings(project):
    for i in range(6):
        write(project / "pkg" / f"m{i}.py", "\n" * i + "probe_warning()\nprobe_note()\n")
    _, one = lint_json(["-j", "1", "."], project)
    _, two = lint_json(["-j", "2", "."], project)
    assert len(one) == 3 + 12
    assert one == two


# ---------------------------------------------------------------------------------------------- verify
def test_verify_without_runtime_says_how_to_install(monkeypatch, capsys):
    import importlib.util

    from pylint_rnn import cli
    from pylint_rnn.verify import INSTALL_HINT

    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    assert cli.main(["verify", "some_script.py"]) == 2
    err = capsys.readouterr().err
    assert INSTALL_HINT in err and "pip install '.[runtime]'" in err


def test_verify_delegates_to_the_verifier(monkeypatch):
    import types

    from pylint_rnn import cli

    seen = []
    fake = types.ModuleType("pylint_rnn.verify.cli")
    fake.main = lambda argv=None: seen.append(argv) or 7
    monkeypatch.setitem(sys.modules, "pylint_rnn.verify.cli", fake)
    monkeypatch.setattr(cli, "runtime_available", lambda: True)
    assert cli.main(["verify", "model.py", "--json"]) == 7
    assert seen == [["model.py", "--json"]]


def test_verify_checks_tensorflow_without_importing_it(monkeypatch):
    from pylint_rnn import cli

    before = "tensorflow" in sys.modules
    cli.runtime_available()
    assert ("tensorflow" in sys.modules) == before


def test_version_and_help(project):
    proc = run(["pylint-rnn", "--version"], project)
    assert proc.returncode == 0 and proc.stdout.startswith("pylint-rnn ")
    proc = run(["pylint-rnn", "lint", "--help"], project)
    assert proc.returncode == 0 and "--write-baseline" in proc.stdout


def test_internal_error_exits_2_not_1(monkeypatch, capsys, tmp_path):
    from pylint_rnn import cli
    from pylint_rnn.reporting import runner

    def boom(*args, **kwargs):
        raise RuntimeError("checker crashed")

    monkeypatch.setattr(runner, "run_pylint", boom)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.py").write_text("x = 1\n", encoding="utf-8")
    assert cli.main(["lint", "m.py"]) == 2
    assert "checker crashed" in capsys.readouterr().err
