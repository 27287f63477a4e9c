"""The README's message table and the docs pages stay in step with the messages the code defines."""
from __future__ import annotations

import re
from pathlib import Path

from pylint_rnn import rules

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    first_block = README.split("```", 2)[1]
    assert "make demo" in first_block and "make test" in first_block


def test_every_message_is_in_the_readme_table_with_its_id():
    rows = dict(re.findall(r"^\| ([CWERI]\d{4}) \| \[([a-z-]+)\]", README, flags=re.M))
    defined = {rule.symbol: rule.msgid for rule in rules.static_rules()}
    assert {v: k for k, v in rows.items()} == defined


def test_every_message_has_a_docs_page_with_wrong_and_right_examples():
    for symbol in [rule.symbol for rule in rules.RULES]:
        page = ROOT / "docs" / "messages" / f"{symbol}.md"
        assert page.exists(), page
        text = page.read_text(encoding="utf-8")
        assert re.search(r"^## Example$", text, flags=re.M), f"{page}: no 'Example' section (the wrong code)"
        assert re.search(r"^## Use instead$", text, flags=re.M), f"{page}: no 'Use instead' section (the right code)"
        assert "```python" in text, f"{page}: no code example"


def test_every_option_is_documented_in_the_readme():
    from pylint_rnn.checkers import all_checker_classes

    options = {name for cls in all_checker_classes() for name, _ in getattr(cls, "options", ())}
    assert options
    missing = sorted(o for o in options if f"`{o}`" not in README)
    assert not missing, missing


# No index serves pylint-rnn and it has no public repository URL: nothing may point users at a guessed one.
GUESSED_URL = re.compile(r"github\.com/pylint-rnn|gitlab\.com/pylint-rnn|pypi\.org/project/pylint-rnn|git\+https?://"
                         r"|pip install pylint-rnn(?![\w\[-])|pip install '?pylint-rnn\[")
USER_FACING = ["README.md", "setup.py", ".pre-commit-hooks.yaml", "docs/*.md", "docs/messages/*.md",
               "pylint_rnn/**/*.py"]


def test_no_guessed_url_or_index_install():
    offending = []
    for pattern in USER_FACING:
        for path in sorted(ROOT.glob(pattern)):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if GUESSED_URL.search(line) and "When pylint-rnn is published" not in line:
                    offending.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offending, "\n".join(offending)


def test_readme_installs_from_a_clone():
    using = README.split("## Using it", 1)[1].split("\n## ", 1)[0]
    assert "python -m pip install ." in using and "'.[runtime]'" in using
    assert "repo: local" in using and "pylsp.plugins.pylint.enabled: true" in using
