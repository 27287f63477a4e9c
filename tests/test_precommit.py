"""The pre-commit hook: declared in .pre-commit-hooks.yaml, run the way pre-commit runs it.

pre-commit runs `entry` (split like a shell would) + the hook's `args` + the staged files that match
`types`, from the repository root, possibly in several batches when `require_serial` is false.
"""
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "cli_inputs"))
import mini_yaml  # noqa: E402
from cli_helpers import INPUTS, REPO, command, env, make_project, real_symbols  # noqa: E402

HOOKS = mini_yaml.loads((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
needs_checker = pytest.mark.skipif(
    "rnn-same-cell-stacked" not in real_symbols(), reason="the rnn-same-cell-stacked checker is not installed"
)


def hook():
    [entry] = [h for h in HOOKS if h["id"] == "pylint-rnn"]
    return entry


def test_hook_declaration():
    assert isinstance(HOOKS, list) and len(HOOKS) == 1
    h = hook()
    # what pre-commit's manifest schema requires, and what we promise
    for key in ("id", "name", "entry", "language"):
        assert isinstance(h[key], str) and h[key], key
    assert h["language"] == "python"
    assert h["entry"] == "pylint-rnn lint"
    assert h["types"] == ["python"]
    assert h.get("require_serial", False) is False
    assert h.get("pass_filenames", True) is True
    # the entry's executable is a console script of this package
    setup = (REPO / "setup.py").read_text(encoding="utf-8")
    assert f'"{shlex.split(h["entry"])[0]}=pylint_rnn.cli:main"' in setup


def _is_python(path):
    """pre-commit's `types: [python]`: a .py/.pyi file, or a file with a python shebang."""
    if path.suffix in (".py", ".pyi"):
        return True
    try:
        first = path.read_text(encoding="utf-8").splitlines()[:1]
    except (OSError, UnicodeDecodeError):
        return False
    return bool(first) and first[0].startswith("#!") and "python" in first[0]


def run_hook(root, files, args=()):
    h = hook()
    selected = [f for f in files if _is_python(root / f)]
    argv = shlex.split(h["entry"]) + list(h.get("args", [])) + list(args) + selected
    full = command(argv[0]) + argv[1:]
    return subprocess.run(full, cwd=root, env=env(root), capture_output=True, text=True, timeout=600)


@pytest.fixture
def repo(tmp_path):
    root = make_project(tmp_path / "repo", probe=False)
    (root / "models").mkdir()
    (root / "models" / "stacked.py").write_text((INPUTS / "stacked.py").read_text(encoding="utf-8"), encoding="utf-8")
    (root / "models" / "clean.py").write_text((INPUTS / "clean.py").read_text(encoding="utf-8"), encoding="utf-8")
    (root / "README.md").write_text("MultiRNNCell([cell] * 3)\n", encoding="utf-8")
    (root / "train").write_text("#!/usr/bin/env python\nimport tensorflow as tf\ncell = tf.nn.rnn_cell.GRUCell(4)\n"
                                "m = tf.nn.rnn_cell.MultiRNNCell([cell, cell])\n", encoding="utf-8")
    return root


@needs_checker
def test_hook_fails_on_a_staged_finding(repo):
    proc = run_hook(repo, ["models/stacked.py", "models/clean.py", "README.md"])
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("models/stacked.py:5:9: rnn-same-cell-stacked: ")


@needs_checker
def test_hook_passes_on_clean_files(repo):
    proc = run_hook(repo, ["models/clean.py", "README.md"])
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    assert proc.stdout == ""


@needs_checker
def test_hook_checks_python_scripts_without_extension(repo):
    proc = run_hook(repo, ["train"])
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("train:4:5: rnn-same-cell-stacked: ")


@needs_checker
def test_hook_in_parallel_batches_reports_the_same(repo):
    files = ["models/stacked.py", "models/clean.py", "train"]
    together = run_hook(repo, files)
    batches = [run_hook(repo, files[:1]), run_hook(repo, files[1:])]
    assert sorted(together.stdout.splitlines()) == sorted(
        line for proc in batches for line in proc.stdout.splitlines()
    )
    assert max(proc.returncode for proc in batches) == together.returncode == 1


@needs_checker
def test_hook_with_a_baseline_argument(repo):
    write = subprocess.run(
        command("pylint-rnn") + ["lint", "--write-baseline", ".pylint-rnn-baseline.json", "models"],
        cwd=repo, env=env(repo), capture_output=True, text=True,
    )
    assert write.returncode == 0, write.stderr
    proc = run_hook(repo, ["models/stacked.py"], args=["--baseline", ".pylint-rnn-baseline.json"])
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
