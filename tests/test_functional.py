"""Runs every fixture under fixtures/checkers and fixtures/seeds and compares with its markers."""
from __future__ import annotations

from pathlib import Path

import pytest

from functional import FIXTURES, expected_messages, lint_files

STATIC_FIXTURES = sorted(
    p for sub in ("checkers", "seeds") for p in (FIXTURES / sub).rglob("*.py")
)


@pytest.fixture(scope="session")
def lint_results():
    # One pylint run over every fixture: far faster than one run per file.
    found, messages = lint_files(STATIC_FIXTURES)
    return found, messages


def _ids(paths):
    return [str(p.relative_to(FIXTURES)) for p in paths]


@pytest.mark.parametrize("fixture", STATIC_FIXTURES, ids=_ids(STATIC_FIXTURES))
def test_fixture_messages_match_markers(fixture: Path, lint_results):
    found, messages = lint_results
    expected = expected_messages(fixture)
    actual = found.get(fixture.resolve())
    texts = [f"{m.line}: {m.symbol}: {m.msg}" for m in messages if Path(m.abspath).resolve() == fixture.resolve()]
    assert actual == expected, "\n".join(["messages were:"] + texts)


def test_no_crash_messages_on_fixtures(lint_results):
    _, messages = lint_results
    bad = [m for m in messages if m.symbol in ("astroid-error", "fatal", "parse-error")]
    assert not bad, bad


def test_every_message_has_firing_and_silent_fixture():
    from pylint_rnn import rules

    for symbol in (rule.symbol for rule in rules.static_rules()):
        folder = FIXTURES / "checkers" / symbol
        files = sorted(folder.glob("*.py"))
        assert files, f"no fixtures for {symbol} in {folder}"
        firing = [f for f in files if any(s == symbol for _, s in expected_messages(f))]
        silent = [f for f in files if not expected_messages(f)]
        assert firing, f"{symbol}: no fixture where it fires"
        assert silent, f"{symbol}: no fixture that must stay silent"
