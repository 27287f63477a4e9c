"""What the fixtures of the configured-count, latent-stack, data-flow time-dimension, decoding-loop,
zero_state-container and comprehension-twin cases rely on is true of TensorFlow 2.21 (tf_keras legacy cells
for TF1 code, Keras 3 for Keras code): each probe of shapes_probes.py builds one such code shape, firing
and silent alike, and reports the weight sets TensorFlow created, the shapes of the learned states, or the
error it raised.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def _run(group: str, legacy_keras: bool) -> dict:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    if legacy_keras:
        env["TF_USE_LEGACY_KERAS"] = "1"
    else:
        env.pop("TF_USE_LEGACY_KERAS", None)
    proc = subprocess.run([sys.executable, str(HERE / "shapes_probes.py"), group], capture_output=True,
                          text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def tf1():
    return _run("tf1", legacy_keras=True)


@pytest.fixture(scope="module")
def keras3():
    return _run("keras", legacy_keras=False)


# --- rnn-same-cell-stacked ---------------------------------------------------------------------------------


def test_a_latent_stack_shares_one_weight_set_once_the_knob_is_turned_up(tf1):
    # [cell] * n_layers: at 1 it is a working one-layer stack (nothing to share) ...
    assert tf1["latent_knob_at_1"] == {"kernels": 1}
    # ... at 2, two layers run on one kernel, or the build fails when the input width differs.
    assert tf1["latent_knob_at_2"] == {"kernels": 1}
    assert tf1["latent_knob_at_2_other_width"] == {"error": "ValueError"}


def test_one_object_under_two_names_or_in_a_conditional_list_shares(tf1):
    assert tf1["one_object_two_names"] == {"kernels": 1}  # forward = backward = LSTMCell(n)
    assert tf1["deeper_only_when_asked"] == {"kernels": 1}  # [cell] * depth if depth > 1 else [cell]


def test_wrapping_one_cell_per_layer_setting_still_shares(tf1):
    assert tf1["zip_wrappers"] == {"kernels": 1}  # three layers
    assert tf1["one_wrapper_per_setting"] == {"kernels": 1}  # two layers
    assert tf1["zip_fresh_cells"] == {"kernels": 3}  # silent: one cell per size


# --- rnn-layers-as-timesteps -------------------------------------------------------------------------------


def test_a_stack_as_deep_as_its_input_is_long_has_one_weight_set_per_step(tf1):
    assert tf1["stack_of_len_steps"] == {"kernels": 4}  # len(steps) layers over 4 steps
    assert tf1["stack_run_by_decoding_loop"] == {"kernels": 4}  # limit layers, run for limit steps
    assert tf1["one_cell_over_steps"] == {"kernels": 1}  # the fix: one cell, unrolled


# --- rnn-cell-per-timestep ---------------------------------------------------------------------------------


def test_a_new_cell_per_decoding_step_has_its_own_weights(tf1):
    assert tf1["decode_new_cell"] == {"kernels": 3}
    # AUTO_REUSE around the loop does not help: each new cell takes a fresh scope name, named or not.
    assert tf1["decode_auto_reuse_outside"] == {"kernels": 3}
    assert tf1["decode_auto_reuse_outside_named"] == {"kernels": 3}


def test_per_step_cells_that_do_share(tf1):
    assert tf1["decode_auto_reuse_scope_per_step"] == {"kernels": 1}  # a named scope entered per step
    assert tf1["decode_auto_reuse_call_scope"] == {"kernels": 1}  # scope= on the call
    assert tf1["decode_reuse_on_the_cell"] == {"kernels": 1}  # the cell's own reuse=
    assert tf1["one_cell_decoding"] == {"kernels": 1}  # one cell built before the loop


# --- rnn-batch-sized-initial-state -------------------------------------------------------------------------


@pytest.mark.parametrize("probe, states", [
    ("zero_state_generator", 2),  # tuple(tf.Variable(part) for part in stack.zero_state(batch, ...))
    ("zero_state_lstm_tuples", 4),  # LSTMStateTuple(tf.Variable(z.c), tf.Variable(z.h)) for z in zero
    ("zero_state_appended", 2),  # for i, part in enumerate(zero): ...get_variable(initializer=part)
    ("shapes_from_params", 2),  # get_variable(shape=shapes["c"]) with params["batch_size"] first
    ("zeros_like_the_zero_state", 1),  # tf.Variable(tf.zeros_like(cell.zero_state(batch, ...)))
])
def test_states_copied_from_zero_state_or_configured_shapes_are_batch_sized(tf1, probe, states):
    found = tf1[probe]
    assert found["state_shapes"] == [[7, 16]] * states
    assert found["out"][0] == 7 and found["other_batch"] == "error"


def test_a_tiled_learned_state_runs_on_any_batch(tf1):
    found = tf1["tiled_learned_state"]
    assert found["state_shapes"] == [[1, 16]] and found["batches"] == [7, 9]


# --- rnn-layer-rebuilt-per-call ----------------------------------------------------------------------------


def test_a_helper_run_by_a_comprehension_builds_one_layer_per_input(keras3):
    assert keras3["twins_comprehension"]["lstm_layers"] == 2
    assert keras3["shared_comprehension"]["lstm_layers"] == 1  # silent: one layer object, called twice
