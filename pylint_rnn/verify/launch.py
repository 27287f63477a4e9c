"""Starting the verifier's processes from the parent, waiting for them, and collecting what they report.

Parent process only; nothing here imports TensorFlow. :func:`run_child` creates a private temporary
directory (config, result, the target's captured output), starts the supervisor
(:mod:`pylint_rnn.verify.supervisor`) in a session of its own, shows the worker's phase on a terminal, and
reads the result. If the verifier itself is stopped (Ctrl-C, SIGTERM, SIGHUP), the supervisor is told to end
everything, and the temporary directory is removed before :class:`Interrupted` propagates.
"""
from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from typing import Optional

TAIL_LINES = 20
# TensorFlow's start-up chatter in the target's stderr: not the target's own error output.
_NOISE = re.compile(r"^(?:[IW]\d{4} [\d:.]+\s+\d+ \S+\.cc:\d+\]|WARNING: All log messages before absl::"
                    r"|E\d{4} [\d:.]+\s+\d+ \S+\.cc:\d+\] failed call to cuInit)")
_OUTER_GRACE_S = 60.0  # the supervisor enforces the limit; this is only a backstop


class Interrupted(Exception):
    """The verifier itself was asked to stop (SIGTERM, SIGINT, SIGHUP)."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def _raise_interrupted(signum, _frame):
    raise Interrupted(signum)


class StatusLine:
    """One line on stderr, rewritten in place, when stderr is a terminal: the phase and the elapsed time."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.phase = "starting"
        self.start = time.monotonic()
        self.shown = False

    def update(self, phase: Optional[str] = None) -> None:
        if phase:
            self.phase = phase
        if self.enabled:
            sys.stderr.write(f"\r\033[Kpylint-rnn-verify: {self.phase}... {time.monotonic() - self.start:.1f} s")
            sys.stderr.flush()
            self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.shown = False


def run_child(resolved: dict, opts, target_label: str) -> dict:
    """Run the target under the supervisor; -> the result dict (the target's failures are statuses)."""
    tmp = tempfile.mkdtemp(prefix="pylint-rnn-verify-")
    status = StatusLine(sys.stderr.isatty() and not opts.show_output)
    previous = {sig: signal.signal(sig, _raise_interrupted) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    launched = None
    try:
        start = time.monotonic()
        launched = _launch(tmp, _config(resolved, opts, target_label), opts.show_output)
        _wait(launched, status, opts.timeout + _OUTER_GRACE_S)
        result = _collect(tmp, opts, target_label)
        result.setdefault("timings", {})["wall_s"] = round(time.monotonic() - start, 3)
        return result
    finally:
        status.clear()
        if launched is not None:
            proc, read_end = launched
            if proc.poll() is None:
                _stop_supervisor(proc)
            os.close(read_end)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        shutil.rmtree(tmp, ignore_errors=True)


def _config(resolved: dict, opts, target_label: str) -> dict:
    """What the supervisor and the worker are told (the temporary paths are added by :func:`_launch`)."""
    return dict(resolved, target=target_label, args=opts.args, max_train_steps=opts.max_train_steps,
                compat=opts.compat, memory_mb=opts.memory_limit, timeout=opts.timeout, parent_pid=os.getpid(),
                picture=opts.format == "html")


def _launch(tmp: str, cfg: dict, show_output: bool):
    """Write the config and start the supervisor -- in a session of its own, its stdin /dev/null, the target's
    output to files in ``tmp`` (or ours) -- with the write end of the status pipe; -> (process, read end)."""
    read_end, write_end = os.pipe()
    try:
        cfg.update(tmp=tmp, status_fd=write_end, result=os.path.join(tmp, "result.json"))
        cfg_path = os.path.join(tmp, "config.json")
        with open(cfg_path, "w", encoding="utf-8") as handle:
            json.dump(cfg, handle)
        cmd = [sys.executable, "-m", "pylint_rnn.verify.supervisor", cfg_path]
        common = {"stdin": subprocess.DEVNULL, "env": _environment(tmp), "start_new_session": True,
                  "pass_fds": (write_end,)}
        if show_output:
            proc = subprocess.Popen(cmd, **common)  # pylint: disable=consider-using-with  # run_child waits for it
        else:
            with open(os.path.join(tmp, "stdout.txt"), "wb") as out, \
                    open(os.path.join(tmp, "stderr.txt"), "wb") as err:
                # run_child waits for it:
                proc = subprocess.Popen(cmd, stdout=out, stderr=err, **common)  # pylint: disable=consider-using-with
    except BaseException:
        os.close(read_end)
        raise
    finally:
        os.close(write_end)  # the supervisor and the worker hold their own copies
    return proc, read_end


def _environment(tmp: str) -> dict:
    """The target's environment: ours, plus a private TMPDIR inside ``tmp`` (TensorFlow's autograph and the
    target's own temporary files go there and are removed with it), no __pycache__, this package first."""
    env = dict(os.environ)
    env["TMPDIR"] = os.path.join(tmp, "tmp")
    os.mkdir(env["TMPDIR"])
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # never write __pycache__ into the user's tree
    package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = package_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _wait(launched, status: StatusLine, backstop_s: float) -> None:
    """Wait for the supervisor, showing the worker's phases; kill it after the backstop."""
    proc, read_end = launched
    deadline = time.monotonic() + backstop_s
    pending = b""
    while proc.poll() is None:
        if time.monotonic() > deadline:
            _stop_supervisor(proc)
            break
        ready, _, _ = select.select([read_end], [], [], 0.2)
        if not ready:
            status.update()
            continue
        chunk = os.read(read_end, 4096)
        pending += chunk
        *phases, pending = pending.split(b"\n")
        for phase in phases:  # each phase is shown, however quickly the next one follows
            status.update(phase.decode("utf-8", "replace"))
        if not chunk:  # every writer closed the pipe: no more phases
            time.sleep(0.05)


def _stop_supervisor(proc) -> None:
    """Ask the supervisor to end the worker and everything below it; kill the session if it does not."""
    try:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def _collect(tmp: str, opts, target_label: str) -> dict:
    """The worker's result and how it ended; when it died before reporting, a result that says how."""
    ending = _read_json(os.path.join(tmp, "ending.json")) or {}
    result = _read_json(os.path.join(tmp, "result.json"))
    tail = "" if opts.show_output else output_tail(tmp)
    if result is not None:
        if ending.get("timed_out"):
            result["status"] = "timeout"
            result["error"] = {"kind": "timeout", "message": (
                f"The target did not finish within --timeout {opts.timeout:g} s; it was stopped and what it "
                f"had built so far was analysed.")}
        if result.get("status") in ("target-failed", "timeout", "error") and tail and result.get("error"):
            result["error"]["output_tail"] = tail
        _note_leftovers(result, ending)
        return result
    return {"target": target_label, "status": _status_of(ending), "findings": [], "layers": [], "notes": [],
            "error": {"kind": _status_of(ending), "message": _death_message(ending, opts), "output_tail": tail}}


def _note_leftovers(result: dict, ending: dict) -> None:
    killed = ending.get("killed_leftovers") or 0
    if killed:
        result.setdefault("notes", []).append(f"ended {killed} process(es) the target had left running")


def _status_of(ending: dict) -> str:
    if ending.get("timed_out"):
        return "timeout"
    return "error" if ending.get("returncode") == 70 else "target-failed"


def _death_message(ending: dict, opts) -> str:
    if ending.get("timed_out"):
        return f"The target did not finish within --timeout {opts.timeout:g} s and was killed."
    if ending.get("over_memory"):
        return f"The target used more than the memory limit ({opts.memory_limit} MB) and was killed."
    code = ending.get("returncode")
    if code is None:
        return "The verifier's worker process ended without reporting (the supervisor was stopped)."
    if code == 70:
        return "The verifier itself failed before it could report (see the output below)."
    how = f"signal {-code}" if code < 0 else f"status {code}"
    return f"The verifier's worker process ended with {how} before reporting (a crash inside the target or TensorFlow)."


def _read_json(path: str):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def output_tail(tmp: str, lines: int = TAIL_LINES) -> str:
    """The last lines of the target's own error output (its stdout when it wrote nothing to stderr)."""
    for name in ("stderr.txt", "stdout.txt"):
        try:
            with open(os.path.join(tmp, name), "rb") as handle:
                handle.seek(0, os.SEEK_END)
                handle.seek(max(handle.tell() - 64 * 1024, 0))
                text = handle.read().decode("utf-8", "replace")
        except OSError:
            continue
        kept = [line for line in text.splitlines() if line.strip() and not _NOISE.match(line)]
        if kept:
            return "\n".join(kept[-lines:])
    return ""
