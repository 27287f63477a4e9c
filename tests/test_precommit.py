"""The pre-commit hook: declared in .pre-commit-hooks.yaml, run the way pre-commit runs it.

pre-commit runs `entry` (split like a shell would) + the hook's `args` + the staged files that match
`types`, from the repository root, possibly in several batches when `require_serial` is false.
"""
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "cli_inputs"))
import mini_yaml  # noqa: E402
from cli_helpers import BIN, INPUTS, REPO, command, env, make_project, real_symbols  # noqa: E402

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
    """pre-commit's `types: [python]` (the identify library): a .py/.pyi file, or an executable file with a
    python shebang."""
    if path.suffix in (".py", ".pyi"):
        return True
    if not os.access(path, os.X_OK):
        return False
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
    (root / "train").chmod(0o755)  # pre-commit reads the shebang of executable files only
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


# ------------------------------------------------------------------------------------ real pre-commit
PRE_COMMIT = BIN / "pre-commit"
CI_DOC = REPO / "docs" / "ci.md"


def documented_configs():
    """The .pre-commit-config.yaml blocks of docs/ci.md, as written."""
    import re

    blocks = re.findall(r"```yaml\n(.*?)```", CI_DOC.read_text(encoding="utf-8"), re.S)
    return [block for block in blocks if block.startswith("repos:")]


def pre_commit(args, cwd, home, pythonpath=True):
    """Run pre-commit; without ``pythonpath`` the hooks see only what pre-commit installed for them."""
    assert PRE_COMMIT.exists(), "pre-commit is not installed: python -m pip install -e '.[test]'"
    environment = dict(env(cwd), PRE_COMMIT_HOME=str(home / "pre-commit-cache"), GIT_CONFIG_NOSYSTEM="1")
    if not pythonpath:
        environment.pop("PYTHONPATH", None)
    return subprocess.run([str(PRE_COMMIT), *args], cwd=cwd, env=environment, capture_output=True, text=True,
                          timeout=600)


def test_manifest_and_documented_configs_are_valid_for_pre_commit(tmp_path):
    proc = pre_commit(["validate-manifest", str(REPO / ".pre-commit-hooks.yaml")], tmp_path, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    configs = documented_configs()
    assert len(configs) == 3
    for i, config in enumerate(configs):
        path = tmp_path / f"config{i}.yaml"
        path.write_text(config, encoding="utf-8")
        proc = pre_commit(["validate-config", str(path)], tmp_path, tmp_path)
        assert proc.returncode == 0, (config, proc.stdout + proc.stderr)


@pytest.fixture
def git_repo(repo):
    subprocess.run(["git", "init", "-q", "."], cwd=repo, check=True, env=env(repo))
    return repo


@needs_checker
def test_documented_local_hooks_run_in_pre_commit(git_repo, tmp_path):
    local, with_baseline = [c for c in documented_configs() if "repo: local" in c]
    (git_repo / ".pre-commit-config.yaml").write_text(local, encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=git_repo, check=True, env=env(git_repo))
    proc = pre_commit(["run", "--all-files"], git_repo, tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "models/stacked.py:5:9: rnn-same-cell-stacked:" in proc.stdout
    assert "train:4:5: rnn-same-cell-stacked:" in proc.stdout  # a script found by its shebang
    assert "README.md" not in proc.stdout
    # the baseline variant passes once the findings are recorded
    assert run_hook(git_repo, [], args=["--write-baseline", ".pylint-rnn-baseline.json", "models", "train"]
                    ).returncode == 0
    (git_repo / ".pre-commit-config.yaml").write_text(with_baseline, encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=git_repo, check=True, env=env(git_repo))
    proc = pre_commit(["run", "pylint-rnn", "--all-files"], git_repo, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@needs_checker
@pytest.mark.skipif(not os.environ.get("PYLINT_RNN_NETWORK_TESTS"),
                    reason="pre-commit installs pylint and astroid from the package index: set PYLINT_RNN_NETWORK_TESTS=1")
def test_documented_clone_as_the_repo(tmp_path):
    """docs/ci.md's last configuration, as written: a clone next to the project, tagged, named as the repo.
    (The clone is of this repository's committed state.)"""
    [config] = [c for c in documented_configs() if "repo: ../pylint-rnn" in c]
    subprocess.run(["git", "clone", "-q", str(REPO), str(tmp_path / "pylint-rnn")], check=True)
    subprocess.run(["git", "-C", str(tmp_path / "pylint-rnn"), "tag", f"v{__import__('pylint_rnn').__version__}"],
                   check=True)
    project = make_project(tmp_path / "project", probe=False)
    subprocess.run(["git", "init", "-q", "."], cwd=project, check=True, env=env(project))
    (project / "model.py").write_text((INPUTS / "stacked.py").read_text(encoding="utf-8"), encoding="utf-8")
    (project / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=project, check=True, env=env(project))
    proc = pre_commit(["run", "--all-files"], project, tmp_path, pythonpath=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "model.py:5:9: rnn-same-cell-stacked:" in proc.stdout
