"""Every fix case under fixtures/fixes/<symbol>/: `pylint-rnn lint --fix` (and `--unsafe-fixes`) on a copy.

Each case checks, for the safe run and the unsafe run:
- the file afterwards equals the pinned ``<case>.fixed.py`` / ``<case>.unsafe.py`` byte for byte (or the
  input itself when nothing is pinned: untouched);
- a second ``--fix`` changes nothing (fixes are idempotent);
- what the plugin still reports afterwards is exactly what the run explained on stderr ("no automatic
  fix: ..." or "unsafe fix available"): nothing fixable is left behind, and every other finding is gone.
"""
from __future__ import annotations

import os

import pytest
from fixes_harness import FIX_CASES, UPDATE_ENV, case_files, pinned, run_cli, workspace

CASES = case_files()


def _remaining(stdout: str) -> list:
    return [line for line in stdout.splitlines() if ": rnn-" in line]


def _explained(stderr: str) -> list:
    return [line for line in stderr.splitlines()
            if ": no automatic fix: " in line or ": unsafe fix available " in line]


def _expected(case, suffix: str, got: bytes, fallback: bytes) -> bytes:
    """The pinned bytes; in update mode, (re)write or remove the pinned file first."""
    path = pinned(case, suffix)
    if os.environ.get(UPDATE_ENV) == "1":
        if got != fallback:
            path.write_bytes(got)
        elif path.exists():
            path.unlink()
    return path.read_bytes() if path.exists() else fallback


@pytest.mark.parametrize("case", CASES, ids=[c.relative_to(FIX_CASES).as_posix() for c in CASES])
def test_fix_case(case, tmp_path):
    original = case.read_bytes()
    safe_result = original
    for unsafe, suffix in ((False, ".fixed.py"), (True, ".unsafe.py")):
        root = workspace(tmp_path, {case.name: original})
        flags = ["--unsafe-fixes"] if unsafe else []
        code, out, err = run_cli(["lint", "--fix", *flags, case.name], root)
        assert code in (0, 1), err
        got = (root / case.name).read_bytes()
        expected = _expected(case, suffix, got, safe_result if unsafe else original)
        assert got == expected, f"{case.name}: --fix {' '.join(flags)} differs from {pinned(case, suffix).name}"
        compile(got, case.name, "exec")
        assert len(_remaining(out)) == len(_explained(err)), (out, err)
        again_code, again_out, again_err = run_cli(["lint", "--fix", *flags, case.name], root)
        assert (root / case.name).read_bytes() == got, "a second --fix changed the file"
        assert "fixed 0 findings" in again_err
        assert again_code == code and len(_remaining(again_out)) == len(_remaining(out))
        if not unsafe:
            safe_result = got


def test_cases_cover_every_fixable_rule():
    from pylint_rnn import rules

    covered = {case.parent.name for case in CASES}
    fixable = {rule.symbol for rule in rules.RULES if rule.fix_safety != rules.FIX_NONE}
    assert fixable <= covered
