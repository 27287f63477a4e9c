"""Shared helpers for the CLI tests: run the real ``pylint-rnn`` / ``pylint`` commands in a small project."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
INPUTS = REPO / "tests" / "cli_inputs"
BIN = Path(sys.executable).parent


def command(name):
    """argv prefix for an installed console script (``pylint-rnn``, ``pylint``), next to this Python."""
    script = BIN / name
    if script.exists():
        return [str(script)]
    if name == "pylint-rnn":
        return [sys.executable, "-m", "pylint_rnn.cli"]
    if name == "pylint":
        return [sys.executable, "-m", "pylint"]
    found = shutil.which(name)
    assert found, f"{name} is not installed"
    return [found]


def env(home):
    """The environment the commands run in: the probe plugin importable, no user-level pylint config."""
    out = dict(os.environ)
    out["PYTHONPATH"] = os.pathsep.join(
        [str(INPUTS), str(REPO)] + ([out["PYTHONPATH"]] if out.get("PYTHONPATH") else [])
    )
    out["HOME"] = str(home)
    out.pop("PYLINTRC", None)
    out["PATH"] = str(BIN) + os.pathsep + out.get("PATH", "")
    out.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return out


def run(argv, cwd, home=None, check_rc=None):
    """Run argv (argv[0] a command name resolved with :func:`command`); return the CompletedProcess."""
    argv = list(argv)
    full = command(argv[0]) + argv[1:]
    proc = subprocess.run(
        full,
        cwd=str(cwd),
        env=env(home or cwd),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check_rc is not None:
        assert proc.returncode == check_rc, (full, proc.returncode, proc.stdout, proc.stderr)
    return proc


def make_project(root, probe=True, extra_config="", pyproject=False):
    """A git-like project in ``root``: a ``.git`` folder, and a pylintrc loading the probe plugin.

    With ``pyproject=True`` the configuration is a pyproject.toml instead, which pylint also finds from
    subdirectories of the project (a pylintrc only in the working directory).
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / ".git").mkdir(exist_ok=True)
    if probe and pyproject:
        (root / "pyproject.toml").write_text(
            '[tool.pylint.main]\nload-plugins = ["rnn_probe_plugin"]\n' + extra_config, encoding="utf-8"
        )
    elif probe:
        (root / "pylintrc").write_text(
            "[MAIN]\nload-plugins=rnn_probe_plugin\n" + extra_config, encoding="utf-8"
        )
    return root


def lint_json(args, cwd, **kwargs):
    proc = run(["pylint-rnn", "lint", "--format", "json", *args], cwd, **kwargs)
    assert proc.returncode in (0, 1) and proc.stdout, (proc.returncode, proc.stdout, proc.stderr)
    return proc.returncode, json.loads(proc.stdout)


def real_symbols():
    from pylint_rnn import rules

    return {rule.symbol for rule in rules.static_rules()}


def make_finding(**over):
    """A reporting Finding for the unit tests of the formats: a W7905 at src/a.py:3:9-20, overridable."""
    from pylint_rnn.reporting import Finding

    base = dict(
        symbol="rnn-same-cell-stacked",
        msgid="W7905",
        message="m",
        path="src/a.py",
        display_path="a.py",
        line=3,
        column=9,
        end_line=3,
        end_column=20,
        severity="warning",
        code="x",
    )
    base.update(over)
    return Finding(**base)
