"""The supervising process: runs the worker, enforces the limits, and leaves no process of the target behind.

``python -m pylint_rnn.verify.supervisor CONFIG.json`` is started by the parent (:mod:`pylint_rnn.verify.cli`)
in a session of its own. It imports nothing heavy. On Linux it makes itself the *child subreaper* of
everything below it (``prctl(PR_SET_CHILD_SUBREAPER)``), so a process the target starts and orphans -- even
in a new session (``setsid``, ``start_new_session=True``, a double fork) -- is re-parented to it instead of to
init; and it asks for SIGTERM when the parent dies (``PR_SET_PDEATHSIG``). Then it forks the worker (which
imports TensorFlow and runs :func:`pylint_rnn.verify.child.main`), watches its time and memory, and when the
worker has ended, for whatever reason, kills every remaining descendant and reaps it. What happened is
written to ``ending.json`` next to the config.

Elsewhere than Linux there is no subreaper: the worker's process group is killed, which catches every
descendant that stayed in it.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import resource
import signal
import sys
import time

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
GRACE_S = 20.0  # after SIGTERM at the time limit, how long the worker has to report what it built
POLL_S = 0.02
WORKER_CRASH = 70  # the worker's exit status when the verifier itself failed before it could report


def _prctl(option: int, value: int) -> bool:
    """prctl(2) through libc; False where there is none (not Linux) or it refuses."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def descendants(root: int) -> list:
    """Every live process below ``root`` (from /proc; [] where there is none)."""
    parents = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # the command name (2nd field) may hold spaces and parentheses: split after its last ')'
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1 and fields[0] != b"Z":
            parents[int(entry)] = int(fields[1])
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        found.extend(children)
        frontier.extend(children)
    return found


def _reap() -> None:
    """Collect every child that has ended (our own and the orphans re-parented to us)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_everything_below(worker_group: int) -> int:
    """SIGKILL the worker's process group and every descendant, until none is left; -> how many were killed."""
    killed = 0
    try:
        os.killpg(worker_group, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for _ in range(100):  # each round also catches the orphans the previous one re-parented to us
        pids = descendants(os.getpid())
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(POLL_S)
        _reap()
    _reap()
    return killed


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return 0.0
    return 0.0


class _Stop:
    """Set by SIGTERM / SIGINT / SIGHUP (the parent stops, or dies): end the worker now."""

    signum = 0

    @classmethod
    def handler(cls, signum, _frame):
        cls.signum = signum


def _start_worker(cfg: dict) -> int:
    """Fork the worker: its own process group, the memory limit, default signals; it never returns here."""
    pid = os.fork()
    if pid:
        return pid
    code = WORKER_CRASH
    try:
        os.setpgid(0, 0)
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        limit = int(cfg.get("memory_mb") or 0) * 1024 * 1024
        if limit:
            try:
                resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
            except (ValueError, OSError):
                pass
        from pylint_rnn.verify import child

        child.main(cfg)  # writes the result and ends the process itself
        code = 0
    except BaseException:  # the worker must end here, whatever happened
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)  # a forked child must never return into the supervisor's code
    return 0


def _watch(worker: int, cfg: dict) -> dict:
    """Wait for the worker, enforcing the time and memory limits; -> how it ended."""
    ending = {"returncode": None, "timed_out": False, "over_memory": False, "stopped_by": 0}
    deadline = time.monotonic() + float(cfg["timeout"])
    memory_mb = int(cfg.get("memory_mb") or 0)
    while True:
        try:
            pid, status = os.waitpid(worker, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == worker:
            ending["returncode"] = os.waitstatus_to_exitcode(status)
            break
        _reap()
        now = time.monotonic()
        if _Stop.signum and not ending["stopped_by"]:
            ending["stopped_by"] = _Stop.signum
            _signal(worker, signal.SIGKILL)
        elif now >= deadline and not ending["timed_out"]:
            ending["timed_out"] = True
            _signal(worker, signal.SIGTERM)  # the worker stops the target and still reports what it built
            deadline = now + GRACE_S
        elif ending["timed_out"] and now >= deadline:
            _signal(worker, signal.SIGKILL)
        elif memory_mb and _rss_mb(worker) > memory_mb * 1.25:
            ending["over_memory"] = True
            _signal(worker, signal.SIGKILL)
        time.sleep(POLL_S)
    return ending


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def main(argv=None) -> int:
    """Supervise one run: become the subreaper, fork the worker, watch it, end everything, say how it ended."""
    argv = sys.argv[1:] if argv is None else argv
    with open(argv[0], encoding="utf-8") as handle:
        cfg = json.load(handle)
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, _Stop.handler)
    subreaper = _prctl(PR_SET_CHILD_SUBREAPER, 1)
    _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != cfg.get("parent_pid", os.getppid()):
        return 1  # the parent died before we could ask to be told
    worker = _start_worker(cfg)
    ending = _watch(worker, cfg)
    ending["subreaper"] = subreaper
    ending["killed_leftovers"] = kill_everything_below(worker)
    tmp = os.path.join(cfg["tmp"], "ending.json.part")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(ending, handle)
    os.replace(tmp, os.path.join(cfg["tmp"], "ending.json"))
    if ending["stopped_by"] and os.getppid() != cfg.get("parent_pid"):
        import shutil

        shutil.rmtree(cfg["tmp"], ignore_errors=True)  # the parent died: nobody else will remove it
    return 0


if __name__ == "__main__":
    sys.exit(main())
