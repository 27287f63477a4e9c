"""pylint on the package itself, with the project's own configuration (the [tool.pylint.*] sections of
pyproject.toml; ``make lint`` runs the same). The docs examples, which show bugs on purpose, live outside
the package (docs/messages/<symbol>/)."""
from __future__ import annotations

from pathlib import Path

from pylint.lint import Run
from pylint.reporters import CollectingReporter

ROOT = Path(__file__).resolve().parent.parent


def self_lint_messages(*targets: str) -> list:
    reporter = CollectingReporter()
    Run([f"--rcfile={ROOT / 'pyproject.toml'}", "--persistent=n", "--score=n", *targets],
        reporter=reporter, exit=False)
    return reporter.messages


def test_the_package_passes_its_own_pylint_configuration():
    messages = self_lint_messages(str(ROOT / "pylint_rnn"))
    details = [f"{m.path}:{m.line}: {m.symbol}: {m.msg}" for m in messages]
    assert not messages, "\n".join(["pylint messages on the package:", *details])
