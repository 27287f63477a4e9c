"""Isolation: no process the target starts outlives the verifier (new sessions and double-forked daemons
included), no temporary file is left behind (success, failure, time-out, Ctrl-C), a live status line on a
terminal and nothing extra elsewhere, the target's stdin is /dev/null."""
from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import time
import uuid

import pytest
from conftest import FIX, MARKER, ROOT, verify_cmd

DAEMON_CASES = ("daemons_ok", "daemons_fail", "daemons_hang")


def _survivors(marker):
    out = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True, check=False).stdout.split()
    return [pid for pid in out if int(pid) != os.getpid()]


def _env(tmp_path):
    return dict(os.environ, TMPDIR=str(tmp_path), TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="2")


@pytest.mark.parametrize("name, rc, status", [("daemons_ok", 0, "ok"), ("daemons_fail", 3, "target-failed"),
                                              ("daemons_hang", 3, "timeout")])
def test_processes_in_new_sessions_do_not_outlive_the_verifier(results, name, rc, status):
    r = results[name]
    assert r["rc"] == rc and r["json"]["status"] == status, r["stderr"]
    assert _survivors(MARKER) == []
    if status != "timeout":  # the supervisor ended the sleeper and the double-forked daemon itself
        assert any("ended 2 process(es)" in note for note in r["json"]["notes"]), r["json"]["notes"]


def test_threads_and_children_do_not_outlive_the_verifier(results):
    assert results["threads"]["rc"] == 0
    assert _survivors("pylint-rnn-threads-marker") == []


def test_no_temporary_file_is_left_on_success_failure_or_timeout(results):
    for name in ("seed002_fixed", "seed002_buggy", "raises", "syntax_error", "infinite_loop", "unbounded_alloc",
                 "daemons_ok", "daemons_fail", "daemons_hang", "keras_script", "fault_analysis"):
        leftovers = sorted(p.name for p in results[name]["tmpdir"].iterdir())
        assert leftovers == [], (name, leftovers)


def test_nothing_extra_on_stderr_when_it_is_not_a_terminal(results):
    for name, r in results.items():
        assert "importing TensorFlow" not in r["stderr"] and "\r" not in r["stderr"], name


def _verify_hanging_daemons(tmp_path):
    """pylint-rnn-verify on a target that starts two daemons, then hangs; -> (the process, once the daemons
    run, their marker)."""
    marker = f"pylint-rnn-stop-{uuid.uuid4().hex[:8]}"
    args = [f"{FIX}/hostile/daemons.py", "--timeout", "120", "--", "hang", marker]
    proc = subprocess.Popen(verify_cmd(args, "text"), cwd=ROOT, env=_env(tmp_path), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    for _ in range(600):
        if len(_survivors(marker)) >= 2:
            break
        time.sleep(0.1)
    assert len(_survivors(marker)) >= 2, "the target never started its daemons"
    return proc, marker


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_ends_everything_and_leaves_nothing(tmp_path, signum):
    """Ctrl-C (SIGINT) or SIGTERM to pylint-rnn-verify while the target hangs after starting daemons."""
    proc, marker = _verify_hanging_daemons(tmp_path)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, err
    assert b"stopped by signal" in err and b"Traceback" not in err
    time.sleep(0.5)
    assert _survivors(marker) == []
    assert list(tmp_path.iterdir()) == []


def test_a_killed_verifier_still_leaves_nothing(tmp_path):
    """SIGKILL to pylint-rnn-verify: the kernel tells the supervisor (PR_SET_PDEATHSIG), which ends the target and
    its daemons and removes the temporary directory itself."""
    proc, marker = _verify_hanging_daemons(tmp_path)
    proc.kill()
    proc.wait(timeout=10)
    for _ in range(100):  # the supervisor cleans up on its own
        if not _survivors(marker) and not list(tmp_path.iterdir()):
            break
        time.sleep(0.1)
    assert _survivors(marker) == []
    assert list(tmp_path.iterdir()) == []


def test_live_status_line_on_a_terminal(tmp_path):
    """stderr on a pty: one line rewritten in place with each phase and the elapsed seconds, cleared at the end."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(verify_cmd([f"{FIX}/seed002_layers_as_timesteps_fixed.py"], "text"), cwd=ROOT,
                            env=_env(tmp_path), stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the other side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    out, _ = proc.communicate(timeout=120)
    os.close(master)
    shown = b"".join(chunks).decode()
    assert proc.returncode == 0, shown
    for phase in ("importing TensorFlow", "running the target", "analysing"):
        assert f"pylint-rnn-verify: {phase}... " in shown, shown
    assert " s" in shown and shown.endswith("\r\x1b[K")  # elapsed seconds; the line is cleared at the end
    assert "\n" not in shown.replace("\r\n", "")  # one line, rewritten in place
    assert b"status ok" in out


def test_the_target_reads_an_empty_stdin(results):
    err = results["reads_stdin"]["json"]["error"]
    assert results["reads_stdin"]["rc"] == 3
    assert err["kind"] == "EOFError" and err["line"] == 5


def test_parent_process_never_imports_tensorflow():
    code = ("import sys, pylint_rnn.verify.cli, pylint_rnn.verify.launch, pylint_rnn.verify.report, "
            "pylint_rnn.verify.supervisor; "
            "sys.exit(1 if any(m.split('.')[0] in ('tensorflow', 'keras', 'tf_keras') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0
