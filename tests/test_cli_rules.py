"""`pylint-rnn rules`: every rule of the registry, static and runtime-only, as a table or JSON."""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "cli_inputs"))
from cli_helpers import REPO, run  # noqa: E402

from pylint_rnn import cli, rules  # noqa: E402


def test_json_lists_every_rule_with_its_facts(capsys):
    assert cli.main(["rules", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["symbol"] for row in rows] == [r.symbol for r in rules.static_rules()] + ["rnn-no-gradient"]
    by_symbol = {row["symbol"]: row for row in rows}
    assert by_symbol["rnn-same-cell-stacked"] == {
        "id": "W7905",
        "symbol": "rnn-same-cell-stacked",
        "summary": rules.rule("rnn-same-cell-stacked").summary,
        "default_enabled": True,
        "verifiable": True,
        "runtime_only": False,
        "docs_page": "docs/messages/rnn-same-cell-stacked.md",
    }
    assert by_symbol["rnn-time-axis-reduction"]["default_enabled"] is False
    assert by_symbol["rnn-repeated-graph-call"]["verifiable"] is False
    assert by_symbol["rnn-no-gradient"]["id"] is None and by_symbol["rnn-no-gradient"]["runtime_only"] is True
    for row in rows:
        assert (REPO / row["docs_page"]).is_file(), row["docs_page"]


def test_text_table(capsys):
    assert cli.main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["id", "symbol", "default", "verifier", "docs"]
    assert len(lines) == 1 + len(rules.RULES)
    cells = {line.split()[1]: line.split() for line in lines[1:]}
    assert cells["rnn-same-cell-stacked"] == ["W7905", "rnn-same-cell-stacked", "on", "yes",
                                              "docs/messages/rnn-same-cell-stacked.md"]
    assert cells["rnn-time-axis-reduction"][2:4] == ["off", "no"]
    assert cells["rnn-no-gradient"][:4] == ["-", "rnn-no-gradient", "on", "only"]


def test_the_installed_command(tmp_path):
    proc = run(["pylint-rnn", "rules", "-f", "json"], tmp_path, check_rc=0)
    assert len(json.loads(proc.stdout)) == len(rules.RULES)
    proc = run(["pylint-rnn", "rules", "--format", "xml"], tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    proc = run(["pylint-rnn", "--help"], tmp_path, check_rc=0)
    assert "rules" in proc.stdout


def test_one_rule_prints_its_page(capsys):
    from pylint_rnn import rule_docs

    assert cli.main(["rules", "rnn-same-cell-stacked"]) == 0
    page = capsys.readouterr().out
    assert page == rule_docs.published_page(rules.rule("rnn-same-cell-stacked"))
    assert "## Example" in page and "## Use instead" in page
    assert cli.main(["rules", "w7905", "--format", "json"]) == 0  # by id, any case
    row = json.loads(capsys.readouterr().out)
    assert row["symbol"] == "rnn-same-cell-stacked" and row["page"] == page


def test_unknown_rule_is_a_usage_error(capsys):
    assert cli.main(["rules", "rnn-no-such-rule"]) == 2
    assert "no rule 'rnn-no-such-rule'" in capsys.readouterr().err
