"""`pylint-rnn lint --fix --unsafe-fixes` over every fixture the project has (functional fixtures, seeds,
the accuracy corpus of unseen-style code, the docs examples), in one copy of them all.

- Correct code is never touched: every file without a finding, and every file named as correct
  (``ok_*``, ``*_ok``, ``silent_*``, ``good.py``, the seeds' answers), is byte-identical afterwards.
- Every fixed file still compiles; a second run changes nothing.
- What remains is explained: each finding left gets a "no automatic fix" (or "unsafe fix") note.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from fixes_harness import ROOT, findings, run_cli

FOLDERS = ("fixtures/checkers", "fixtures/seeds", "fixtures/accuracy", "docs/messages")
CORRECT = re.compile(r"(^ok_|_ok\.py$|^silent_|^good\.py$|_answer\d*\.py$|_fixed\.py$)")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """(workspace, {relative path: original bytes}, findings before, the --fix run's (code, out, err))."""
    root = tmp_path_factory.mktemp("corpus")
    (root / ".git").mkdir()
    originals = {}
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            originals[relative] = path.read_bytes()
    before = findings(root, *FOLDERS)
    run = run_cli(["lint", "--fix", "--unsafe-fixes", *FOLDERS], root)
    return root, originals, before, run


def test_the_corpus_has_fixable_and_correct_code(corpus):
    _, originals, before, (_, _, err) = corpus
    assert len(originals) > 250
    assert len({path for path, _, _ in before}) > 100
    fixed = int(re.search(r"fixed (\d+) finding", err).group(1))
    assert fixed >= 60, err


def test_correct_code_is_never_touched(corpus):
    root, originals, before, _ = corpus
    with_findings = {path for path, _, _ in before}
    # A "silent_option_*" fixture is silent with its .rc only; this run has no per-file options.
    untouched = [path for path in originals if path not in with_findings
                 or (CORRECT.search(Path(path).name) and not (ROOT / path).with_suffix(".rc").exists())]
    assert len(untouched) > 150
    changed = [path for path in untouched if (root / path).read_bytes() != originals[path]]
    assert changed == []


def test_fixed_files_compile_and_a_second_run_changes_nothing(corpus):
    root, originals, _, _ = corpus
    after = {path: (root / path).read_bytes() for path in originals}
    for path, data in after.items():
        if data != originals[path]:
            compile(data, path, "exec")
    code, _, err = run_cli(["lint", "--fix", "--unsafe-fixes", *FOLDERS], root)
    assert code in (0, 1)
    assert "fixed 0 findings" in err
    assert all((root / path).read_bytes() == data for path, data in after.items())


def test_every_remaining_finding_is_explained(corpus):
    _, _, _, (_, out, err) = corpus
    remaining = [line for line in out.splitlines() if ": rnn-" in line]
    notes = [line for line in err.splitlines() if ": no automatic fix: " in line or ": unsafe fix available " in line]
    assert len(remaining) == len(notes)
    assert not any("unsafe fix available" in note for note in notes)  # --unsafe-fixes applied them all
