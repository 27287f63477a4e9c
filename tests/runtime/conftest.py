"""Runs every runtime fixture through pylint-rnn-verify once per session, in parallel, and caches the results.

Each verification starts one child process that imports TensorFlow, so they are batched: the tests only
read the cached JSON and exit codes.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIX = "fixtures/runtime"

# name -> arguments after `pylint-rnn-verify` (paths relative to the repository root, the cwd of every run)
CASES = {
    "seed000_buggy": [f"{FIX}/seed000_roundtrip_buggy.py", "--static"],
    "seed000_fixed": [f"{FIX}/seed000_roundtrip_fixed.py"],
    "seed001_buggy": [f"{FIX}/seed001_reuse_buggy.py"],
    "seed001_fixed": [f"{FIX}/seed001_reuse_fixed.py"],
    "seed002_buggy": [f"{FIX}/seed002_layers_as_timesteps_buggy.py"],
    "seed002_fixed": [f"{FIX}/seed002_layers_as_timesteps_fixed.py"],
    "seed003_buggy": [f"{FIX}/seed003_initial_state_buggy.py"],
    "seed003_fixed": [f"{FIX}/seed003_initial_state_fixed.py"],
    "seed004_buggy": [f"{FIX}/seed004_sum_layers_buggy.py"],
    "seed004_fixed": [f"{FIX}/seed004_sum_layers_fixed.py"],
    "stack_same": [f"{FIX}/stack_same_cell_buggy.py"],
    "stack_shape_error": [f"{FIX}/stack_same_cell_shape_error.py"],
    "stack_fixed": [f"{FIX}/stack_fixed.py"],
    "bidi_same": [f"{FIX}/bidirectional_same_cell_buggy.py"],
    "duplicate": [f"{FIX}/duplicate_variables_buggy.py"],
    "unsupported": [f"{FIX}/unsupported_contrib.py"],
    "factory_unused": [f"{FIX}/factories.py:build_unused_projection"],
    "factory_ok": [f"{FIX}/factories.py:build_ok"],
    "factory_wrong": [f"{FIX}/factories.py:build_wrong_type"],
    "factory_missing_func": [f"{FIX}/factories.py:no_such_function"],
    "keras_rebuilt": [f"{FIX}/keras_models.py:rebuilt_per_call"],
    "keras_siamese": [f"{FIX}/keras_models.py:siamese_shared"],
    "keras_stacked_ok": [f"{FIX}/keras_models.py:stacked_loop_ok"],
    "keras_same_cell": [f"{FIX}/keras_models.py:same_cell_two_layers"],
    "keras_unused_head": [f"{FIX}/keras_models.py:unused_head"],
    "keras_script": [f"{FIX}/keras_train_script.py"],
    "keras3_rebuilt": [f"{FIX}/keras3_models.py:rebuilt_per_call"],
    "keras3_shared": [f"{FIX}/keras3_models.py:shared"],
    "raises": [f"{FIX}/hostile/raises.py"],
    "sys_exit": [f"{FIX}/hostile/sys_exit.py"],
    "os_exit": [f"{FIX}/hostile/os_exit.py"],
    "syntax_error": [f"{FIX}/hostile/syntax_error.py"],
    "threads": [f"{FIX}/hostile/threads.py"],
    "infinite_loop": [f"{FIX}/hostile/infinite_loop.py", "--timeout", "15"],
    "unbounded_alloc": [f"{FIX}/hostile/unbounded_alloc.py", "--memory-limit", "1500"],
}
# Cases whose report is requested in another format (the rest use --format json).
FORMATS = {"sarif_seed002": "sarif", "sandbox": "text"}
CASES["sarif_seed002"] = [f"{FIX}/seed002_layers_as_timesteps_buggy.py"]


def verify_cmd(args, fmt="json"):
    return [sys.executable, "-m", "pylint_rnn.verify.cli", *args, "--format", fmt]


def run_verify(args, fmt="json", cwd=ROOT, timeout=240):
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="2")
    proc = subprocess.run(verify_cmd(args, fmt), cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=env, check=False)
    data = None
    if fmt == "json" and proc.stdout.strip():
        data = json.loads(proc.stdout)
    return {"rc": proc.returncode, "json": data, "stdout": proc.stdout, "stderr": proc.stderr}


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory):
    """A copy of a fixture in a directory of its own, to check that verifying writes nothing next to it."""
    tree = tmp_path_factory.mktemp("usertree")
    (tree / "model.py").write_text((ROOT / FIX / "seed003_initial_state_buggy.py").read_text())
    report = tmp_path_factory.mktemp("out") / "report.txt"
    return tree, report


@pytest.fixture(scope="session")
def results(sandbox):
    tree, report = sandbox
    CASES["sandbox"] = [str(tree / "model.py"), "--output", str(report)]
    workers = max(2, min(4, (os.cpu_count() or 2) + 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        # the slow ones (timeout, memory) first so they overlap with the rest
        order = sorted(CASES, key=lambda k: k not in ("infinite_loop", "unbounded_alloc"))
        futures = {name: pool.submit(run_verify, CASES[name], FORMATS.get(name, "json")) for name in order}
        return {name: fut.result() for name, fut in futures.items()}


def findings(result, symbol=None):
    out = [(f["symbol"], f["line"]) for f in result["json"]["findings"]]
    return sorted(x for x in out if symbol is None or x[0] == symbol)
