"""The docs examples of every rule are linted, and the committed docs pages are the rendered ones.

``docs/messages/<symbol>/bad.py`` must get its ``# [symbol]`` markers and its pinned ``bad.txt``;
``good.py`` must stay silent (pylint's doc/data/messages pattern, run by the same LintModuleTest harness as
the fixtures). ``docs/messages/<symbol>.md`` must equal ``pylint_rnn.rule_docs.page_markdown(rule)``:
regenerate with ``make docs`` (``python -m pylint_rnn.rule_docs --write``).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from functional import ROOT, expected_messages, functional_test_files, run_functional_test
from pylint_rnn import rule_docs, rules

STATIC_FOLDERS = [rule.docs_dir for rule in rules.static_rules()]
EXAMPLES = [t for t in functional_test_files(STATIC_FOLDERS) if Path(t.source).stem in ("bad", "good")]


@pytest.mark.parametrize("test_file", EXAMPLES, ids=[t.test_id for t in EXAMPLES])
def test_example(test_file):
    __tracebackhide__ = True  # pylint: disable=unused-variable
    run_functional_test(test_file)


@pytest.mark.parametrize("rule", rules.static_rules(), ids=lambda rule: rule.symbol)
def test_every_static_rule_has_a_firing_bad_and_a_silent_good_example(rule):
    folder = rule.docs_dir
    assert (folder / "details.md").exists(), f"{rule.symbol}: no details.md"
    bad = expected_messages(folder / "bad.py")
    assert bad and {symbol for _, symbol in bad} == {rule.symbol}, f"{rule.symbol}: bad.py must fire it, only it"
    assert (folder / "bad.txt").exists(), f"{rule.symbol}: no pinned bad.txt"
    assert not expected_messages(folder / "good.py"), f"{rule.symbol}: good.py must stay silent"


def test_every_rule_has_a_folder_and_every_folder_a_rule():
    folders = {path.name for path in rules.MESSAGES_DIR.iterdir() if path.is_dir() and path.name != "__pycache__"}
    assert folders == {rule.symbol for rule in rules.RULES}
    assert all((rule.docs_dir / "details.md").exists() for rule in rules.RULES)


def test_examples_are_not_an_importable_package():
    """bad.py files are data: no __init__.py makes them importable or part of the self-lint."""
    assert not list(rules.MESSAGES_DIR.rglob("__init__.py"))


def test_committed_pages_are_the_rendered_ones():
    stale = [str(path.relative_to(ROOT)) for path in rule_docs.stale_pages(ROOT)]
    assert not stale, f"regenerate with `make docs`: {stale}"


def test_every_page_has_the_sections_of_a_rule_page():
    for rule in rules.RULES:
        page = rule_docs.page_markdown(rule)
        for heading in ("## What it does", "## Options", "## Confirmed at run time", "## Fix safety"):
            assert heading in page, (rule.symbol, heading)
        if not rule.runtime_only:
            assert "## Example" in page and "## Use instead" in page and rule.msgid in page
        if not rule.default_enabled:
            assert "off by default" in page.splitlines()[0]


def test_a_wheel_ships_every_rendered_page(tmp_path):
    """An installed package has no docs/ folder: SARIF's rule help reads the pages the wheel carries."""
    pytest.importorskip("wheel")
    import subprocess
    import sys
    import zipfile

    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                            "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, check=False)
    assert build.returncode == 0, build.stderr
    (wheel,) = tmp_path.glob("pylint_rnn-*.whl")
    shipped = {name for name in zipfile.ZipFile(wheel).namelist() if name.startswith("pylint_rnn/pages/")}
    assert shipped == {f"pylint_rnn/pages/{rule.symbol}.md" for rule in rules.RULES}
