"""Runs every runtime fixture through pylint-rnn-verify once per session, in parallel, and caches the results.

Each verification starts a supervisor and a worker that imports TensorFlow, so they are batched: the tests only
read the cached JSON, exit codes and stderr. Every batched run gets a temporary directory of its own as
TMPDIR, so the tests can check that the verifier leaves nothing behind (success, failure, time-out).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIX = "fixtures/runtime"
MARKER = f"pylint-rnn-test-{uuid.uuid4().hex[:8]}"  # in the command line of every process daemons.py starts

# name -> arguments after `pylint-rnn-verify` (paths relative to the repository root, the cwd of every run)
CASES = {
    "seed000_buggy": [f"{FIX}/seed000_roundtrip_buggy.py", "--static"],
    "seed000_fixed": [f"{FIX}/seed000_roundtrip_fixed.py"],
    "seed000_no_step": [f"{FIX}/seed000_roundtrip_fixed.py", "--max-train-steps", "0"],
    "tape_loop_two_steps": [f"{FIX}/training/tape_custom_loop_fixed.py", "--max-train-steps", "2"],
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
    # every way a model is trained
    "ptb_zip_buggy": [f"{FIX}/training/ptb_clipped_zip_buggy.py"],
    "ptb_zip_fixed": [f"{FIX}/training/ptb_clipped_zip_fixed.py"],
    "compute_apply_buggy": [f"{FIX}/training/compat_v1_compute_apply_buggy.py"],
    "compute_apply_fixed": [f"{FIX}/training/compat_v1_compute_apply_fixed.py"],
    "manual_sgd_buggy": [f"{FIX}/training/tf1_gradients_manual_sgd_buggy.py"],
    "var_list_buggy": [f"{FIX}/training/tf1_minimize_var_list_buggy.py"],
    "tape_loop_buggy": [f"{FIX}/training/tape_custom_loop_buggy.py"],
    "tape_loop_fixed": [f"{FIX}/training/tape_custom_loop_fixed.py"],
    "tape_function_buggy": [f"{FIX}/training/tape_tf_function_buggy.py"],
    "fit_heads_buggy": [f"{FIX}/training/keras_fit_multi_output_buggy.py"],
    "fit_heads_fixed": [f"{FIX}/training/keras_fit_multi_output_fixed.py"],
    "train_on_batch_buggy": [f"{FIX}/training/keras_train_on_batch_buggy.py"],
    "train_step_buggy": [f"{FIX}/training/keras_custom_train_step_buggy.py"],
    "docs_no_gradient_bad": ["docs/messages/rnn-no-gradient/bad.py"],
    "docs_no_gradient_good": ["docs/messages/rnn-no-gradient/good.py"],
    # initial states, round trips, the structure table
    "encoder_roundtrip_buggy": [f"{FIX}/state/encoder_state_fed_to_decoder_buggy.py"],
    "encoder_state_fixed": [f"{FIX}/state/encoder_state_fed_to_decoder_fixed.py"],
    "truncated_bptt": [f"{FIX}/state/truncated_bptt_fixed.py"],
    "frozen_state_buggy": [f"{FIX}/state/frozen_learned_state_buggy.py", "--static"],
    "frozen_tuple_buggy": [f"{FIX}/state/frozen_tuple_state_compat_buggy.py", "--static"],
    "frozen_state_fixed": [f"{FIX}/state/frozen_learned_state_fixed.py"],
    "carried_state": [f"{FIX}/state/carried_state_variable_fixed.py"],
    "keras_frozen_buggy": [f"{FIX}/state/keras_frozen_state_buggy.py", "--static"],
    "keras_frozen_fixed": [f"{FIX}/state/keras_frozen_state_fixed.py"],
    "unknown_time": [f"{FIX}/structure/tf1_unknown_time_steps.py"],
    # a new cell per time step
    "unroll_tf1_buggy": [f"{FIX}/unroll/tf1_cell_per_step_buggy.py", "--static"],
    "unroll_tf1_fixed": [f"{FIX}/unroll/tf1_cell_per_step_fixed.py"],
    "unroll_contrib_buggy": [f"{FIX}/unroll/contrib_unstack_wrapped_buggy.py"],
    "unroll_keras_buggy": [f"{FIX}/unroll/keras_cells_eager_buggy.py", "--static"],
    "unroll_keras_fixed": [f"{FIX}/unroll/keras_cells_eager_fixed.py"],
    # Keras
    "in_call_buggy": [f"{FIX}/keras/layer_in_call_buggy.py"],
    "in_call_fixed": [f"{FIX}/keras/layer_in_call_fixed.py"],
    "in_call_fit_buggy": [f"{FIX}/keras/layer_in_call_keras3_fit_buggy.py"],
    "eager_stack_buggy": [f"{FIX}/keras/eager_stack_same_cell_buggy.py"],
    "eager_stack_fixed": [f"{FIX}/keras/eager_stack_fixed.py"],
    "globals_class": [f"{FIX}/keras/globals_model_class_ok.py"],
    "seq2seq_functional": [f"{FIX}/keras/seq2seq_functional_ok.py"],
    "name_scope_tf2": [f"{FIX}/mode/tf2_name_scope_ok.py"],
    # hostile targets
    "raises": [f"{FIX}/hostile/raises.py"],
    "sys_exit": [f"{FIX}/hostile/sys_exit.py"],
    "os_exit": [f"{FIX}/hostile/os_exit.py"],
    "syntax_error": [f"{FIX}/hostile/syntax_error.py"],
    "threads": [f"{FIX}/hostile/threads.py"],
    "infinite_loop": [f"{FIX}/hostile/infinite_loop.py", "--timeout", "15"],
    "unbounded_alloc": [f"{FIX}/hostile/unbounded_alloc.py", "--memory-limit", "1500"],
    "no_tensorflow": [f"{FIX}/hostile/no_tensorflow.py"],
    "stderr_then_fail": [f"{FIX}/hostile/stderr_then_fail.py"],
    "reads_stdin": [f"{FIX}/hostile/reads_stdin.py"],
    "daemons_ok": [f"{FIX}/hostile/daemons.py", "--", "ok", MARKER + "-ok"],
    "daemons_fail": [f"{FIX}/hostile/daemons.py", "--", "fail", MARKER + "-fail"],
    "daemons_hang": [f"{FIX}/hostile/daemons.py", "--timeout", "20", "--", "hang", MARKER + "-hang"],
}
# Cases whose report is requested in another format (the rest use --format json).
FORMATS = {"sarif_seed002": "sarif", "sandbox": "text", "stderr_then_fail_text": "text"}
CASES["sarif_seed002"] = [f"{FIX}/seed002_layers_as_timesteps_buggy.py"]
CASES["stderr_then_fail_text"] = [f"{FIX}/hostile/stderr_then_fail.py"]
SLOW = ("infinite_loop", "unbounded_alloc", "daemons_hang")
# Cases run with a fault injected into the verifier (tests/runtime/faults/<name>/sitecustomize.py).
FAULTS = {"fault_analysis": "analysis", "fault_probe": "probe"}
CASES["fault_analysis"] = [f"{FIX}/seed002_layers_as_timesteps_fixed.py"]
CASES["fault_probe"] = [f"{FIX}/seed002_layers_as_timesteps_fixed.py"]


def fault_env(fault):
    """PYTHONPATH for a run whose every process first imports tests/runtime/faults/<fault>/sitecustomize.py."""
    return {"PYTHONPATH": os.pathsep.join([str(ROOT / "tests" / "runtime" / "faults" / fault), str(ROOT)])}


def verify_cmd(args, fmt="json"):
    """pylint-rnn-verify's command line (before any ``--`` that starts the script's own arguments)."""
    if "--" in args:
        cut = args.index("--")
        args = [*args[:cut], "--format", fmt, *args[cut:]]
    else:
        args = [*args, "--format", fmt]
    return [sys.executable, "-m", "pylint_rnn.verify.cli", *args]


def run_verify(args, fmt="json", cwd=ROOT, timeout=240, env=None):
    """One run; -> rc, the parsed JSON (for --format json), stdout, stderr, the run's TMPDIR."""
    tmpdir = Path(env["TMPDIR"]) if env and "TMPDIR" in env else None
    full_env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="2", **(env or {}))
    proc = subprocess.run(verify_cmd(args, fmt), cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=full_env, check=False)
    data = None
    if fmt == "json" and proc.stdout.strip():
        data = json.loads(proc.stdout)
    return {"rc": proc.returncode, "json": data, "stdout": proc.stdout, "stderr": proc.stderr, "tmpdir": tmpdir}


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory):
    """A copy of a fixture in a directory of its own, to check that verifying writes nothing next to it."""
    tree = tmp_path_factory.mktemp("usertree")
    (tree / "model.py").write_text((ROOT / FIX / "seed003_initial_state_buggy.py").read_text())
    report = tmp_path_factory.mktemp("out") / "report.txt"
    return tree, report


@pytest.fixture(scope="session")
def results(sandbox, tmp_path_factory):
    tree, report = sandbox
    CASES["sandbox"] = [str(tree / "model.py"), "--output", str(report)]
    workers = max(2, min(4, (os.cpu_count() or 2) + 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        order = sorted(CASES, key=lambda k: k not in SLOW)  # the slow ones first, to overlap with the rest
        futures = {name: pool.submit(run_verify, CASES[name], FORMATS.get(name, "json"),
                                     env={"TMPDIR": str(tmp_path_factory.mktemp(f"tmp-{name}")),
                                          **(fault_env(FAULTS[name]) if name in FAULTS else {})})
                   for name in order}
        return {name: fut.result() for name, fut in futures.items()}


def findings(result, symbol=None):
    out = [(f["symbol"], f["line"]) for f in result["json"]["findings"]]
    return sorted(x for x in out if symbol is None or x[0] == symbol)


def static_verdicts(result):
    """{(symbol, line): verdict} of a --static run."""
    return {(s["symbol"], s["line"]): s["verdict"] for s in result["json"]["static"]["findings"]}


def clean(result):
    """The run completed, found nothing, and exited 0."""
    assert result["rc"] == 0, result["stderr"] or result["json"]
    assert result["json"]["status"] == "ok" and result["json"]["findings"] == []
