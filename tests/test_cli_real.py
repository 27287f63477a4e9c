"""The command and plain pylint with the real checkers: findings, inline disables, -j N, SARIF rules."""
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "cli_inputs"))
from cli_helpers import INPUTS, REPO, lint_json, make_project, real_symbols, run  # noqa: E402
from sarif_check import check_sarif  # noqa: E402

pytestmark = pytest.mark.skipif(
    "rnn-same-cell-stacked" not in real_symbols(), reason="the rnn-same-cell-stacked checker is not installed"
)
# a few fixture folders of the checkers (all of them are linted by the plain `pylint -j` test)
SOME_FIXTURES = [
    f"fixtures/checkers/{name}"
    for name in ("rnn-same-cell-stacked", "rnn-duplicate-variables", "rnn-time-axis-reduction")
    if (REPO / "fixtures" / "checkers" / name).is_dir()
]
STACKED = (INPUTS / "stacked.py").read_text(encoding="utf-8")


@pytest.fixture
def project(tmp_path):
    root = make_project(tmp_path / "proj", probe=False)
    (root / "stacked.py").write_text(STACKED, encoding="utf-8")
    (root / "clean.py").write_text((INPUTS / "clean.py").read_text(encoding="utf-8"), encoding="utf-8")
    return root


def test_stacked_cell_is_found(project):
    code, findings = lint_json(["stacked.py", "clean.py"], project)
    assert code == 1
    assert [(f["symbol"], f["msgid"], f["line"], f["column"], f["severity"]) for f in findings] == [
        ("rnn-same-cell-stacked", "W7905", 5, 9, "warning")
    ]


def test_clean_code_passes(project):
    proc = run(["pylint-rnn", "lint", "clean.py"], project)
    assert (proc.returncode, proc.stdout) == (0, "")


def test_fail_on_error_lets_a_warning_pass(project):
    assert run(["pylint-rnn", "lint", "--fail-on", "error", "stacked.py"], project).returncode == 0
    assert run(["pylint-rnn", "lint", "--fail-on", "warning", "stacked.py"], project).returncode == 1


@pytest.mark.parametrize(
    "edit",
    [
        lambda s: s.replace("[cell] * 3)", "[cell] * 3)  # pylint: disable=rnn-same-cell-stacked"),
        lambda s: s.replace("stack = ", "# pylint: disable-next=rnn-same-cell-stacked\nstack = "),
        lambda s: s.replace("[cell] * 3)", "[cell] * 3)  # pylint: disable=W7905"),
        lambda s: "# pylint: disable=rnn-same-cell-stacked\n" + s,
        lambda s: s.replace("[cell] * 3)", "[cell] * 3)  # pylint: disable=rnn"),
    ],
    ids=["same-line", "disable-next", "by-msgid", "whole-module", "whole-checker"],
)
def test_inline_disable(project, edit):
    (project / "stacked.py").write_text(edit(STACKED), encoding="utf-8")
    proc = run(["pylint-rnn", "lint", "stacked.py"], project)
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr
    proc = run(["pylint", "--load-plugins=pylint_rnn", "--score=n", "stacked.py"], project)
    assert "rnn-same-cell-stacked" not in proc.stdout
    assert "useless-suppression" not in proc.stdout and "bad-option-value" not in proc.stdout
    assert "unknown-option-value" not in proc.stdout


def test_inline_disable_of_another_message_does_not_hide_it(project):
    (project / "stacked.py").write_text(
        STACKED.replace("[cell] * 3)", "[cell] * 3)  # pylint: disable=rnn-layers-as-timesteps"), encoding="utf-8"
    )
    _, findings = lint_json(["stacked.py"], project)
    assert [f["symbol"] for f in findings] == ["rnn-same-cell-stacked"]


def _pylint_messages(args, cwd):
    proc = run(
        ["pylint", "--load-plugins=pylint_rnn", "--disable=all", "--enable=rnn", "--output-format=json",
         "--score=n", *args],
        cwd,
    )
    assert proc.returncode & 32 == 0 and proc.returncode & 1 == 0, (proc.returncode, proc.stderr)
    return sorted(
        (m["path"], m["line"], m["column"], m["symbol"], m["message"]) for m in json.loads(proc.stdout or "[]")
    )


def test_plain_pylint_with_jobs_matches_one_job():
    targets = [str(p) for p in ("fixtures/checkers", "tests/cli_inputs/stacked.py") if (REPO / p).exists()]
    one = _pylint_messages(["-j", "1", *targets], REPO)
    two = _pylint_messages(["-j", "2", *targets], REPO)
    assert one, "expected findings in the fixtures"
    assert {m[3] for m in one} >= {"rnn-same-cell-stacked"}
    assert one == two


def test_command_with_jobs_matches_one_job():
    targets = SOME_FIXTURES + ["tests/cli_inputs/stacked.py"]
    one = lint_json(["-j", "1", *targets], REPO)
    two = lint_json(["-j", "2", *targets], REPO)
    assert one == two and one[1]


def test_command_matches_plain_pylint():
    plain = _pylint_messages(SOME_FIXTURES, REPO)
    _, ours = lint_json(SOME_FIXTURES, REPO)
    assert [(f["path"], f["line"], f["column"] - 1, f["symbol"], f["message"]) for f in ours] == plain


def test_sarif_has_one_rule_per_registry_rule_with_its_docs(project):
    from pylint_rnn import rule_docs, rules
    from pylint_rnn.reporting import sarif

    proc = run(["pylint-rnn", "lint", "--format", "sarif", "stacked.py"], project)
    log = json.loads(proc.stdout)
    assert check_sarif(log) == []
    descriptors = log["runs"][0]["tool"]["driver"]["rules"]
    assert [d["id"] for d in descriptors] == [r.symbol for r in rules.static_rules()]
    for descriptor in descriptors:
        rule = rules.rule(descriptor["id"])
        assert descriptor["properties"]["pylintMessageId"] == rule.msgid
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["markdown"] == sarif.registry_markdown(rule.description)
        assert descriptor["help"]["markdown"] == sarif.help_markdown(rule_docs.published_page(rule))
        assert descriptor["defaultConfiguration"]["level"] == {"E": "error", "W": "warning", "C": "note"}[rule.category]
        assert "helpUri" not in descriptor
    [result] = log["runs"][0]["results"]
    assert descriptors[result["ruleIndex"]]["id"] == "rnn-same-cell-stacked"


def test_every_rule_docs_page_exists():
    from pylint_rnn import rules

    missing = [r.docs_page for r in rules.RULES if not (REPO / r.docs_page).is_file()]
    assert missing == [], f"`pylint-rnn rules` lists docs pages that do not exist: {missing}"
