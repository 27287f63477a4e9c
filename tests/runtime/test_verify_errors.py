"""Never a silent "ok": the verifier's own errors, a target that never imports TensorFlow, TensorFlow missing,
unwritable output, a directory as target, the target's own error output, --version."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import FIX, ROOT, fault_env

VERIFY = [sys.executable, "-m", "pylint_rnn.verify.cli"]
PYLINT_RNN_VERIFY = [sys.executable, "-m", "pylint_rnn.cli", "verify"]


def _run(cmd, env=None, cwd=ROOT):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=240, check=False,
                          env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", **(env or {})))


@pytest.mark.parametrize("name, cause", [("fault_analysis", "the analysis failed: RuntimeError: injected fault"),
                                         ("fault_probe", "a probe failed: variable probe: KeyError")])
def test_an_error_of_the_verifier_is_status_error_exit_3(results, name, cause):
    r = results[name]
    assert r["rc"] == 3, r["stderr"]
    assert r["json"]["status"] == "error"
    assert r["json"]["error"]["kind"] == "internal" and r["json"]["error"]["message"].startswith(cause)
    [line] = r["stderr"].strip().splitlines()  # one line on stderr: the cause
    assert line.startswith("pylint-rnn-verify: error: ") and cause in line


def test_a_target_that_never_imports_tensorflow_is_a_usage_error(results):
    r = results["no_tensorflow"]
    assert r["rc"] == 2 and r["stdout"] == ""
    assert "never imported TensorFlow" in r["stderr"] and "Traceback" not in r["stderr"]


@pytest.mark.parametrize("command", [VERIFY, PYLINT_RNN_VERIFY], ids=["pylint-rnn-verify", "pylint-rnn verify"])
def test_without_tensorflow_both_commands_say_how_to_install_it(command):
    proc = _run([*command, f"{FIX}/seed002_layers_as_timesteps_fixed.py"], env=fault_env("no_tensorflow"))
    assert proc.returncode == 2, proc.stderr
    assert "needs TensorFlow, which is not installed" in proc.stderr
    assert "pip install '.[runtime]'" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""


@pytest.mark.parametrize("command", [VERIFY, PYLINT_RNN_VERIFY], ids=["pylint-rnn-verify", "pylint-rnn verify"])
def test_version(command):
    proc = _run([*command, "--version"], env=fault_env("no_tensorflow"))  # works without TensorFlow too
    assert proc.returncode == 0 and proc.stdout.startswith("pylint-rnn-verify 0.")


def test_unwritable_output_is_refused_before_the_target_runs(tmp_path):
    marker = tmp_path / "ran.txt"
    target = tmp_path / "train.py"
    target.write_text(f"open({str(marker)!r}, 'w').write('ran')\nimport tensorflow\n")
    for output, why in ((tmp_path / "missing" / "r.json", "No such file or directory"),
                        (tmp_path, "is a directory")):
        proc = _run([*VERIFY, str(target), "--output", str(output)])
        assert proc.returncode == 2 and why in proc.stderr, proc.stderr
        assert not marker.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train.py"]


def test_a_directory_as_target_says_so(tmp_path):
    (tmp_path / "pkg").mkdir()
    for target in ("pkg", "pkg/", str(tmp_path / "pkg")):
        proc = _run([*VERIFY, target], cwd=tmp_path)
        assert proc.returncode == 2
        assert "is a directory, not a Python file" in proc.stderr and "Traceback" not in proc.stderr


def test_a_failing_target_shows_the_last_lines_of_its_error_output(results):
    r = results["stderr_then_fail"]
    assert r["rc"] == 3
    tail = r["json"]["error"]["output_tail"].splitlines()
    assert tail[-1] == "FATAL: shard 30 is missing from data/train"
    assert len(tail) == 20 and tail[0] == "epoch 11: loading shard 11"
    assert not any("cuda" in line.lower() or "absl" in line for line in tail)  # TensorFlow's start-up noise
    text = results["stderr_then_fail_text"]["stdout"]
    assert "The last lines of the target's error output (all of it with --show-output):" in text
    assert "  | FATAL: shard 30 is missing from data/train" in text


def test_show_output_lets_all_of_it_through(tmp_path):
    proc = _run([*VERIFY, f"{FIX}/hostile/stderr_then_fail.py", "--show-output", "--format", "json"],
                env={"TMPDIR": str(tmp_path)})
    assert proc.returncode == 3
    assert "epoch 0: loading shard 0" in proc.stderr and "FATAL: shard 30" in proc.stderr
    assert '"output_tail"' not in proc.stdout
