"""The "Fixes" section of docs/ci.md: its commands run as written, and its table matches the registry."""
from __future__ import annotations

import re

from fixes_harness import ROOT, findings, run_cli, workspace

from pylint_rnn import rules

CI = ROOT / "docs" / "ci.md"
STACKED = (ROOT / "tests" / "cli_inputs" / "stacked.py").read_bytes()


def _section() -> str:
    text = CI.read_text(encoding="utf-8")
    return text[text.index("\n## Fixes\n"):]


def test_the_documented_commands_do_what_the_page_says(tmp_path):
    lines = [line.split("#")[0].split() for line in re.findall(r"```shell\n(.*?)```", _section(), re.S)[0].splitlines()]
    assert [words[:2] for words in lines] == [["pylint-rnn", "lint"]] * 3
    root = workspace(tmp_path, {"src/model.py": STACKED})
    diff, fix, unsafe = (words[1:] for words in lines)
    code, out, _ = run_cli(diff, root)
    assert code == 1 and out.startswith("--- a/src/model.py") and (root / "src/model.py").read_bytes() == STACKED
    code, _, err = run_cli(fix, root)
    assert code == 0 and "fixed 1 finding" in err and findings(root) == []
    assert run_cli(unsafe, root)[0] == 0


def test_the_table_lists_every_rule_with_a_fix_and_its_safety():
    rows = dict(re.findall(r"^\| `(rnn-[a-z-]+)` \|.*\| (safe|unsafe)\b", _section(), re.M))
    assert rows == {rule.symbol: rule.fix_safety for rule in rules.RULES if rule.fix_safety != rules.FIX_NONE}
