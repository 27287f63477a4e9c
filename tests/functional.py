"""pylint-rnn's functional tests, run by pylint's own machinery (``pylint.testutils``), as pylint-django does.

A functional test is a module (a fixture under ``fixtures/checkers/<symbol>/`` or ``fixtures/seeds/``, or a
docs example ``docs/messages/<symbol>/bad.py`` / ``good.py``) linted by pylint with this plugin:

- ``# [symbol]`` at the end of a line (pylint's marker syntax; ``# +1: [symbol]`` works too) expects that
  message on that line; a module without markers must stay silent;
- ``<module>.txt`` beside a firing module pins its full output, one message per line in pylint's format
  ``symbol:line:column:end_line:end_column:object:message:confidence``;
- ``<module>.rc`` beside it is the module's own pylint configuration (a complete rc: it loads the plugin
  itself, as ``pylint --rcfile=<module>.rc <module>.py`` would); without one, :data:`DEFAULT_RC` applies.

Only pylint-rnn's messages are compared, so fixtures may be as untidy as real code; a module pylint cannot
lint (astroid-error, fatal, syntax-error: a checker that raised, with PYLINT_RNN_DEBUG=1) fails its test.
Message texts change with the registry: regenerate every ``.txt`` from the current output with
``make update-functional`` (or ``python tests/test_functional.py --update-functional-output``); the markers
still decide which messages are expected, so the update cannot hide a lost or extra message.
"""
from __future__ import annotations

import configparser
import os
from collections import Counter
from pathlib import Path
from typing import Iterable, List

from astroid import MANAGER
from pylint.lint import PyLinter, Run
from pylint.reporters import CollectingReporter
from pylint.testutils.functional import FunctionalTestFile, LintModuleOutputUpdate, NoFileError
from pylint.testutils.lint_module_test import LintModuleTest

from pylint_rnn import rules

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
DEFAULT_RC = FIXTURES / "default.rc"  # load-plugins=pylint_rnn, disable=all, enable=rnn
UPDATE_ENV = "PYLINT_RNN_UPDATE_FUNCTIONAL"  # set to 1: rewrite the .txt files instead of comparing them
CRASH_SYMBOLS = frozenset({"astroid-error", "fatal", "parse-error", "syntax-error"})


class RnnTestFile(FunctionalTestFile):
    """A functional test module whose configuration is its own ``.rc`` or, without one, DEFAULT_RC."""

    @property
    def option_file(self) -> str:
        try:
            return super().option_file
        except NoFileError:
            return str(DEFAULT_RC)

    @property
    def has_own_rc(self) -> bool:
        return self.option_file != str(DEFAULT_RC)

    @property
    def test_id(self) -> str:
        return str(Path(self.source).relative_to(ROOT).with_suffix(""))


class RnnLintModuleTest(LintModuleTest):
    """pylint's LintModuleTest, comparing only pylint-rnn's messages and refusing unknown rc options."""

    def __init__(self, test_file: RnnTestFile) -> None:
        super().__init__(test_file)
        unknown = [key for key in rc_keys(Path(test_file.option_file))
                   if not hasattr(self._linter.config, key.replace("-", "_"))]
        assert not unknown, f"{test_file.option_file}: options pylint does not know: {unknown}"

    def _get_actual(self):
        messages = self._linter.reporter.messages
        crashes = [f"{m.line}: {m.symbol}: {m.msg}" for m in messages if m.symbol in CRASH_SYMBOLS]
        assert not crashes, f"pylint could not lint {self._test_file.source}: {crashes}"
        messages[:] = [m for m in messages if rules.is_rule(m.symbol)]
        return super()._get_actual()

    def error_msg_for_unequal_messages(self, actual_messages, expected_messages, actual_output) -> str:
        text = super().error_msg_for_unequal_messages(actual_messages, expected_messages, actual_output)
        return "\n".join([text, "", "Actual output:", *(str(line) for line in actual_output)])


class RnnLintModuleOutputUpdate(LintModuleOutputUpdate, RnnLintModuleTest):
    """Update mode: markers are still checked, the ``.txt`` is rewritten from the current output."""


def rc_keys(rc_file: Path) -> List[str]:
    parser = configparser.ConfigParser()
    parser.read(rc_file, encoding="utf-8")
    return [key for section in parser.sections() if section != "testoptions" for key in parser[section]]


def functional_test_files(folders: Iterable[Path], pattern: str = "*.py") -> List[RnnTestFile]:
    """Every module matching pattern under folders (recursively), in a stable order."""
    paths = sorted(path for folder in folders for path in folder.rglob(pattern))
    return [RnnTestFile(str(path.parent), path.name) for path in paths]


def run_functional_test(test_file: RnnTestFile) -> None:
    """Lint one module and compare with its markers and pinned output (or rewrite it in update mode)."""
    __tracebackhide__ = True  # pylint: disable=unused-variable
    updating = os.environ.get(UPDATE_ENV) == "1"
    forget_parsed([Path(test_file.source)])
    lint_test = RnnLintModuleOutputUpdate(test_file) if updating else RnnLintModuleTest(test_file)
    lint_test.setUp()
    lint_test.runTest()


def forget_parsed(paths: Iterable[Path]) -> None:
    """Drop these modules from astroid's cache, so each lint parses them afresh.

    The plugin memoises results on a module's tree (core/cache.py) and astroid keeps trees for the whole
    process: a fixture linted earlier with other options would otherwise reuse answers computed under them.
    """
    files = {str(Path(path).resolve()) for path in paths}
    cache = MANAGER.astroid_cache
    for name in [name for name, module in cache.items() if module.file and str(Path(module.file).resolve()) in files]:
        del cache[name]


def expected_messages(path: Path) -> Counter:
    """Counter((line, symbol)) of the ``# [symbol]`` markers of a module, parsed by pylint's own rules."""
    with open(path, encoding="utf-8") as stream:
        return LintModuleTest.get_expected_messages(stream)


def lint_files(paths: list, options: tuple = ()) -> tuple:
    """One pylint run with DEFAULT_RC and command-line options, for unit tests that vary options on inline code.

    The rc is explicit so that the project's own pylint configuration (pyproject.toml) never applies.
    Returns ({path: Counter((line, symbol))} of this plugin's messages, every message pylint reported).
    """
    forget_parsed(paths)
    reporter = CollectingReporter()
    Run(
        [f"--rcfile={DEFAULT_RC}", "--persistent=n", "--score=n", *options, *[str(p) for p in paths]],
        reporter=reporter,
        exit=False,
    )
    found = {Path(p).resolve(): Counter() for p in paths}
    for message in reporter.messages:
        if rules.is_rule(message.symbol):
            found.setdefault(Path(message.abspath).resolve(), Counter())[(message.line, message.symbol)] += 1
    return found, reporter.messages


def plugin_option_names() -> frozenset:
    """The options pylint-rnn's checkers declare (time-step-names, state-names, ...)."""
    linter = PyLinter()
    linter.load_plugin_modules(["pylint_rnn"])
    ours = (rules.CHECKER_NAME, rules.OPT_IN_CHECKER_NAME)
    return frozenset(name for checker in linter.get_checkers() if checker.name in ours
                     for name, _ in checker.options)
