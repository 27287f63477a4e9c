"""The fixes, proved with TensorFlow: `pylint-rnn lint --fix` on runnable scripts, then pylint-rnn-verify on
the fixed script.

For every runnable buggy fixture whose findings all have a fix (fixtures/runtime/*_buggy.py and the new
scripts in fixtures/fixes/runtime/, in TF1, compat.v1, contrib, Keras, alias, wrapper and self-attribute
styles), the fixed script builds, trains one step and the verifier reports nothing (exit 0); the plugin is
silent on it too. The new scripts are also verified as written, to show the verifier sees their bug. The
verifier runs are batched in one module fixture, two at a time.
"""
from __future__ import annotations

import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import ROOT, run_verify

sys.path.insert(0, str(ROOT / "tests"))
from fixes_harness import findings, run_cli  # noqa: E402  (the fix tests' helpers live beside them)

RUNTIME = "fixtures/runtime"
NEW = "fixtures/fixes/runtime"
# name -> (script, --unsafe-fixes needed, what the verifier reports on the script as written (None: not run
# here, tests/runtime/test_verify_fixtures.py covers it))
CASES = {
    "stack_same": (f"{RUNTIME}/stack_same_cell_buggy.py", False, None),
    "stack_shape_error": (f"{RUNTIME}/stack_same_cell_shape_error.py", False, None),
    "bidirectional": (f"{RUNTIME}/bidirectional_same_cell_buggy.py", False, None),
    "seed001": (f"{RUNTIME}/seed001_reuse_buggy.py", True, None),
    "seed002": (f"{RUNTIME}/seed002_layers_as_timesteps_buggy.py", True, None),
    "duplicate": (f"{RUNTIME}/duplicate_variables_buggy.py", True, None),
    "ptb": (f"{NEW}/ptb_dropout_buggy.py", False, (1, ["rnn-same-cell-stacked"])),
    "keras_stacks": (f"{NEW}/keras_stacks_buggy.py", False, (1, ["rnn-same-cell-stacked"] * 2)),
    "keras_bidirectional": (f"{NEW}/keras_bidirectional_buggy.py", False, (3, [])),
    "compat_self": (f"{NEW}/compat_self_attributes_buggy.py", False, (1, ["rnn-same-cell-stacked"] * 2)),
    "contrib_loops": (f"{NEW}/contrib_loops_buggy.py", False, (1, ["rnn-same-cell-stacked"] * 3)),
    "bidirectional_styles": (f"{NEW}/bidirectional_styles_buggy.py", False, (1, ["rnn-same-cell-stacked"] * 3)),
    "helper_variables": (f"{NEW}/helper_variables_buggy.py", True, (1, ["rnn-variable-not-shared"] * 2)),
    "towers": (f"{NEW}/towers_buggy.py", True, (0, [])),  # one tower named twice trains fine, wrongly
}
SEED000 = f"{RUNTIME}/seed000_roundtrip_buggy.py"
# Their findings have no automatic fix: the scripts stay as they are, even with --unsafe-fixes.
UNFIXABLE = (f"{RUNTIME}/seed003_initial_state_buggy.py", f"{RUNTIME}/seed004_sum_layers_buggy.py")


def _copy(script: str, folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / ".git").mkdir()
    target = folder / Path(script).name
    shutil.copyfile(ROOT / script, target)
    return target


@pytest.fixture(scope="module")
def proved(tmp_path_factory):
    """name -> {"lint": (code, out, err) of --fix, "after": findings, "fixed": verify, "buggy": verify}."""
    base = tmp_path_factory.mktemp("fixes_verified")
    cases = dict(CASES, seed000=(SEED000, True, None))
    out, jobs = {}, []
    for name, (script, unsafe, buggy) in cases.items():
        fixed = _copy(script, base / name / "fixed")
        flags = ["--unsafe-fixes"] if unsafe else []
        out[name] = {"lint": run_cli(["lint", "--fix", *flags, fixed.name], fixed.parent),
                     "source": fixed.read_text(), "after": findings(fixed.parent)}
        jobs.append((name, "fixed", fixed))
        if buggy is not None:
            jobs.append((name, "buggy", _copy(script, base / name / "buggy")))
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(lambda job: (job, run_verify([str(job[2])], cwd=job[2].parent, timeout=300)), jobs)
        for (name, kind, _), result in results:
            out[name][kind] = result
    return out


def _symbols(result) -> list:
    return sorted(f["symbol"] for f in result["json"]["findings"])


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixed_script_passes_the_verifier(proved, name):
    case = proved[name]
    assert "fixed 0 findings" not in case["lint"][2], case["lint"]
    fixed = case["fixed"]
    assert fixed["rc"] == 0, (case["source"], fixed["stdout"][-2000:], fixed["stderr"][-2000:])
    assert fixed["json"]["status"] == "ok" and fixed["json"]["findings"] == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_plugin_is_silent_on_the_fixed_script(proved, name):
    assert proved[name]["after"] == []


@pytest.mark.parametrize("name", sorted(n for n, (_, _, buggy) in CASES.items() if buggy is not None))
def test_the_script_as_written_shows_its_bug_at_run_time(proved, name):
    code, symbols = CASES[name][2]
    buggy = proved[name]["buggy"]
    assert buggy["rc"] == code, buggy["stderr"][-2000:]
    assert _symbols(buggy) == sorted(symbols)


def test_safe_fixes_alone_fix_the_safe_cases(proved):
    for name, (_, unsafe, _) in CASES.items():
        if not unsafe:
            assert "unsafe fix" not in proved[name]["lint"][2], name


def test_seed000_shows_why_a_repeated_call_fix_is_unsafe(proved):
    """Two real calls of the tower in one scope without reuse collide: the plugin and the verifier say so,
    and the round trip (no automatic fix) remains."""
    case = proved["seed000"]
    assert "[cls.rnn_lower_model(cls.input_place) for _ in range(2)]" in case["source"]
    symbols = sorted({symbol for _, symbol, _ in case["after"]})
    assert symbols == ["rnn-duplicate-variables", "rnn-placeholder-roundtrip"]
    assert case["fixed"]["rc"] == 3 and _symbols(case["fixed"]) == ["rnn-duplicate-variables"]


@pytest.mark.parametrize("script", UNFIXABLE)
def test_scripts_without_fixable_findings_stay_byte_identical(tmp_path, script):
    target = _copy(script, tmp_path / "case")
    run_cli(["lint", "--fix", "--unsafe-fixes", target.name], target.parent)
    assert target.read_bytes() == (ROOT / script).read_bytes()
