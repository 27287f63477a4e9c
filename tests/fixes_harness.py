"""Shared helpers of the fix tests: run `pylint-rnn lint` in-process on copies, read findings and outcomes.

A fix case is ``fixtures/fixes/<symbol>/<case>.py``. Beside it, ``<case>.fixed.py`` pins the file after
``pylint-rnn lint --fix`` and ``<case>.unsafe.py`` after ``--fix --unsafe-fixes`` (only when it differs);
without ``<case>.fixed.py`` the case must stay byte-identical under ``--fix``. Set
``PYLINT_RNN_UPDATE_FIXES=1`` to rewrite the pinned files from the current output (then review the diff).
"""
from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path
from typing import Dict, List, Tuple

from astroid import MANAGER

from pylint_rnn import cli

ROOT = Path(__file__).resolve().parents[1]
FIX_CASES = ROOT / "fixtures" / "fixes"
UPDATE_ENV = "PYLINT_RNN_UPDATE_FIXES"
PINNED_SUFFIXES = (".fixed.py", ".unsafe.py")


def case_files() -> List[Path]:
    """Every fix case (the inputs, not the pinned outputs), in a stable order."""
    return sorted(p for p in FIX_CASES.rglob("*.py")
                  if not p.name.endswith(PINNED_SUFFIXES) and "runtime" not in p.parts)


def pinned(case: Path, suffix: str) -> Path:
    return case.with_name(case.name[: -len(".py")] + suffix)


def forget(paths) -> None:
    """Drop astroid's cached trees of these files, so the next lint parses the current bytes."""
    wanted = {os.path.abspath(str(p)) for p in paths}
    for name, module in list(MANAGER.astroid_cache.items()):
        if getattr(module, "file", None) and os.path.abspath(module.file) in wanted:
            del MANAGER.astroid_cache[name]


def run_cli(args: List[str], cwd: Path) -> Tuple[int, str, str]:
    """``pylint-rnn <args>`` in-process with ``cwd`` as working directory: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        forget(p for p in cwd.rglob("*.py"))
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(args)
    finally:
        os.chdir(previous)
    return code, out.getvalue(), err.getvalue()


def workspace(tmp_path: Path, files: Dict[str, bytes]) -> Path:
    """A fresh project folder (with .git, so paths are relative to it) holding ``files``."""
    root = tmp_path / "project"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir()
    (root / ".git").mkdir()
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def findings(root: Path, *paths: str) -> List[Tuple[str, str, int]]:
    """(path, symbol, line) of every finding ``pylint-rnn lint --format json`` reports."""
    import json

    code, out, _ = run_cli(["lint", "--format", "json", "--quiet", *paths], root)
    assert code in (0, 1), out
    return sorted((f["path"], f["symbol"], f["line"]) for f in json.loads(out))


def no_fix_notes(stderr: str) -> List[str]:
    return [line for line in stderr.splitlines() if ": no automatic fix: " in line]
