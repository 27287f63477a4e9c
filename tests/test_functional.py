"""Lints every fixture under fixtures/checkers and fixtures/seeds with pylint's functional-test machinery.

Each fixture is compared with its ``# [symbol]`` markers and its pinned ``.txt`` output (see
tests/functional.py). Regenerate the ``.txt`` files after a message text changes with
``python tests/test_functional.py --update-functional-output`` (or ``make update-functional``).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from pylint.testutils.constants import UPDATE_OPTION

from functional import (DEFAULT_RC, FIXTURES, ROOT, UPDATE_ENV, expected_messages, functional_test_files,
                        lint_files, plugin_option_names, rc_keys, run_functional_test)
from pylint_rnn import rules

TESTS = functional_test_files([FIXTURES / "checkers", FIXTURES / "seeds"])
OPTION_TESTS = [t for t in TESTS if t.has_own_rc and set(rc_keys(Path(t.option_file))) & plugin_option_names()]


@pytest.mark.parametrize("test_file", TESTS, ids=[t.test_id for t in TESTS])
def test_functional(test_file):
    __tracebackhide__ = True  # pylint: disable=unused-variable
    run_functional_test(test_file)


@pytest.mark.parametrize("test_file", OPTION_TESTS, ids=[t.test_id for t in OPTION_TESTS])
def test_the_options_of_an_rc_change_what_its_fixture_gets(test_file):
    """Guards option fixtures against being vacuous: without its .rc the fixture gets other messages."""
    source = Path(test_file.source)
    found, _ = lint_files([source])
    assert found[source.resolve()] != expected_messages(source), f"{test_file.option_file} changes nothing"


def test_every_static_rule_has_a_firing_and_a_silent_fixture():
    for rule in rules.static_rules():
        files = sorted((FIXTURES / "checkers" / rule.symbol).glob("*.py"))
        assert files, f"no fixtures for {rule.symbol}"
        firing = [f for f in files if any(symbol == rule.symbol for _, symbol in expected_messages(f))]
        silent = [f for f in files if not expected_messages(f)]
        assert firing, f"{rule.symbol}: no fixture where it fires"
        assert silent, f"{rule.symbol}: no fixture that must stay silent"


def test_every_pinned_output_and_rc_file_belongs_to_a_module():
    orphans = [path.relative_to(ROOT) for folder in (FIXTURES, rules.MESSAGES_DIR) for suffix in ("*.txt", "*.rc")
               for path in folder.rglob(suffix)
               if path != DEFAULT_RC and not path.with_suffix(".py").exists()]
    assert not orphans, f"no fixture module beside {orphans}"


def update_main(argv: list) -> int:
    """``--update-functional-output``: rewrite the pinned outputs of these tests and of the docs examples."""
    os.environ[UPDATE_ENV] = "1"
    here = Path(__file__).resolve().parent
    targets = [f"{here / 'test_functional.py'}::test_functional", f"{here / 'test_docs_examples.py'}::test_example"]
    return pytest.main(["-q", "-p", "no:cacheprovider", *targets, *argv])


if __name__ == "__main__":
    args = sys.argv[1:]
    if UPDATE_OPTION in args:
        args.remove(UPDATE_OPTION)
        sys.exit(update_main(args))
    sys.exit(pytest.main([__file__, *args]))
