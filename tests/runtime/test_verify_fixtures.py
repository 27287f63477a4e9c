"""pylint-rnn-verify on the runtime fixtures: symbols, lines, confirmed flags, statuses and exit codes."""
from __future__ import annotations

import os
import subprocess

from conftest import findings

NO_GRAD = "rnn-no-gradient"


def _ok_and_clean(r):
    assert r["rc"] == 0, r["stderr"] or r["stdout"]
    assert r["json"]["status"] == "ok"
    assert r["json"]["findings"] == []


# ---------------------------------------------------------------- seed 000: placeholder round trip
def test_seed000_buggy_roundtrip_and_no_gradient(results):
    r = results["seed000_buggy"]
    assert r["rc"] == 1
    data = r["json"]
    assert data["status"] == "ok" and data["mode"] == "tf1"
    assert findings(r) == [(NO_GRAD, 21), (NO_GRAD, 23), ("rnn-placeholder-roundtrip", 82)]
    assert all(f["confirmed"] for f in data["findings"])
    assert all(f["path"] == "fixtures/runtime/seed000_roundtrip_buggy.py" for f in data["findings"])
    rt = [f for f in data["findings"] if f["symbol"] == "rnn-placeholder-roundtrip"][0]
    assert rt["details"]["fetch_line"] == 81
    assert sorted(rt["details"]["variables"]) == ["ANN/ann_bias/Variable:0", "ANN/ann_weights/Variable:0"]
    [layer] = data["layers"]
    assert (layer["api"], layer["cell"], layer["time_steps"], layer["depth"], layer["line"]) == (
        "static_rnn", "BasicLSTMCell", 3, 1, 35)


def test_seed000_fixed_shares_one_lstm_three_times(results):
    r = results["seed000_fixed"]
    _ok_and_clean(r)
    layers = r["json"]["layers"]
    assert [lay["line"] for lay in layers] == [25, 25, 25, 38]
    assert layers[0]["shares_with"] == ["R2", "R3"]
    assert layers[3]["shares_with"] == []
    assert r["json"]["checked"]["training_runs"] == 1  # stopped after --max-train-steps 1


# ---------------------------------------------------------------- seed 001: reuse
def test_seed001_buggy_tf_variable_under_reuse_is_not_shared(results):
    r = results["seed001_buggy"]
    assert r["rc"] == 1
    assert findings(r) == [("rnn-variable-not-shared", 22)]
    f = r["json"]["findings"][0]
    assert f["confirmed"] is True
    assert f["details"]["copy_of"] == "lstm/proj:0" and f["details"]["scope"] == "lstm"


def test_seed001_fixed_two_multicells_share_every_weight(results):
    r = results["seed001_fixed"]
    _ok_and_clean(r)
    r1, r2 = r["json"]["layers"]
    assert r1["shares_with"] == ["R2"] and r2["shares_with"] == ["R1"]
    assert r1["variables"] == r2["variables"]
    assert len(r1["variables"]) == 4 and r1["depth"] == 2


# ---------------------------------------------------------------- seed 002: layers vs time steps
def test_seed002_buggy_layers_as_timesteps(results):
    r = results["seed002_buggy"]
    assert r["rc"] == 1
    assert findings(r) == [("rnn-layers-as-timesteps", 15)]
    f = r["json"]["findings"][0]
    assert f["confirmed"] is False  # the structure is certain, the intent is not
    assert f["details"] == {"depth": 3, "time_steps": 3, "rnn_line": 19}
    [layer] = r["json"]["layers"]
    assert layer["depth"] == 3 and layer["time_steps"] == 3 and len(layer["variables"]) == 6


def test_seed002_fixed_one_cell_unrolled(results):
    r = results["seed002_fixed"]
    _ok_and_clean(r)
    [layer] = r["json"]["layers"]
    assert (layer["depth"], layer["time_steps"], len(layer["variables"])) == (1, 3, 2)


# ---------------------------------------------------------------- seed 003: initial state
def test_seed003_buggy_untrained_initial_state(results):
    r = results["seed003_buggy"]
    assert r["rc"] == 1
    assert findings(r) == [(NO_GRAD, 19), (NO_GRAD, 20), ("rnn-untrained-initial-state", 29)]
    f = [f for f in r["json"]["findings"] if f["symbol"] == "rnn-untrained-initial-state"][0]
    assert f["confirmed"] is True
    assert f["details"]["assign_lines"] == [34, 35]
    assert "non-trainable" in r["json"]["layers"][0]["initial_state"]


def test_seed003_fixed_trainable_state_fed_to_rnn(results):
    r = results["seed003_fixed"]
    _ok_and_clean(r)
    assert "(trainable)" in r["json"]["layers"][0]["initial_state"]


# ---------------------------------------------------------------- seed 004: layers vs time (table only)
def test_seed004_structure_table_separates_layers_and_steps(results):
    for name in ("seed004_buggy", "seed004_fixed"):
        r = results[name]
        _ok_and_clean(r)
        [layer] = r["json"]["layers"]
        assert layer["depth"] == 3 and layer["time_steps"] == 2, name
        assert "LayerNormBasicLSTMCell" in layer["cell"]
        assert len(layer["variables"]) == 33  # kernel + 5 gamma/beta pairs per layer, as TF 1.x built it


# ---------------------------------------------------------------- stacking
def test_same_cell_stacked_silent_one_weight_set(results):
    r = results["stack_same"]
    assert r["rc"] == 1
    assert findings(r) == [("rnn-same-cell-stacked", 8)]
    assert r["json"]["findings"][0]["details"]["shared_layers"] == [[0, 1, 2]]


def test_same_cell_stacked_reported_even_when_tf_fails(results):
    r = results["stack_shape_error"]
    assert r["rc"] == 3
    assert r["json"]["status"] == "target-failed"
    assert findings(r) == [("rnn-same-cell-stacked", 6)]
    assert r["json"]["error"]["line"] == 7


def test_new_cell_per_layer_is_clean(results):
    r = results["stack_fixed"]
    _ok_and_clean(r)
    assert r["json"]["layers"][0]["depth"] == 3 and len(r["json"]["layers"][0]["variables"]) == 6


def test_bidirectional_same_cell(results):
    r = results["bidi_same"]
    assert r["rc"] == 1
    assert findings(r) == [("rnn-same-cell-stacked", 6)]


def test_duplicate_variables_failure_becomes_a_finding(results):
    r = results["duplicate"]
    assert r["rc"] == 3
    assert findings(r) == [("rnn-duplicate-variables", 7)]
    assert "site-packages" not in r["json"]["error"]["traceback"]


def test_unsupported_contrib_api_is_named(results):
    r = results["unsupported"]
    assert r["rc"] == 3
    err = r["json"]["error"]
    assert "tensorflow.contrib.seq2seq" in err["message"] and err["line"] == 5
    assert err["unsupported_api"] == "tensorflow.contrib.seq2seq"


# ---------------------------------------------------------------- factories
def test_factory_loss_with_unused_variable(results):
    r = results["factory_unused"]
    assert r["rc"] == 1
    assert findings(r) == [(NO_GRAD, 11)]
    assert r["json"]["findings"][0]["details"]["variable"] == "aux:0"


def test_factory_loss_and_train_op_clean(results):
    _ok_and_clean(results["factory_ok"])


def test_factory_wrong_return_type(results):
    r = results["factory_wrong"]
    assert r["rc"] == 3
    assert r["json"]["status"] == "target-failed"
    assert "expected a loss tensor" in r["json"]["error"]["message"]


def test_factory_missing_function_is_usage_error(results):
    r = results["factory_missing_func"]
    assert r["rc"] == 2
    assert "no_such_function" in r["stderr"]


# ---------------------------------------------------------------- Keras
def test_keras_rebuilt_per_call(results):
    r = results["keras_rebuilt"]
    assert r["rc"] == 1 and r["json"]["mode"] == "native"
    assert findings(r) == [("rnn-layer-rebuilt-per-call", 10)]
    assert r["json"]["findings"][0]["details"]["merged_in"].startswith("concatenate")


def test_keras_shared_and_chained_are_clean(results):
    for name in ("keras_siamese", "keras_stacked_ok", "keras3_shared"):
        _ok_and_clean(results[name])
    [lay] = results["keras_siamese"]["json"]["layers"]
    assert "applied to 2 inputs (shared)" in lay["shares_with"]


def test_keras_same_cell_in_two_layers(results):
    r = results["keras_same_cell"]
    assert r["rc"] == 1
    assert findings(r) == [("rnn-same-cell-stacked", 41)]


def test_keras_weight_without_gradient(results):
    r = results["keras_unused_head"]
    assert r["rc"] == 1
    assert findings(r) == [(NO_GRAD, 51)]  # kernel and bias: one finding per line


def test_keras_script_stopped_at_fit(results):
    r = results["keras_script"]
    assert r["rc"] == 1
    assert findings(r) == [("rnn-layer-rebuilt-per-call", 7)]
    assert r["json"]["checked"]["keras_models"] == 1


def test_keras3_rebuilt_per_call(results):
    r = results["keras3_rebuilt"]
    assert r["rc"] == 1
    assert findings(r) == [("rnn-layer-rebuilt-per-call", 10)]


# ---------------------------------------------------------------- hostile targets
def test_exception_is_reported_with_user_frames_only(results):
    r = results["raises"]
    assert r["rc"] == 3
    err = r["json"]["error"]
    assert err["kind"] == "RuntimeError" and err["line"] == 6
    assert err["path"] == "fixtures/runtime/hostile/raises.py"
    assert "site-packages" not in err["traceback"] and "pylint_rnn" not in err["traceback"]
    assert "boom while building the graph" in err["traceback"]


def test_sys_exit_and_os_exit(results):
    for name, code in (("sys_exit", 4), ("os_exit", 7)):
        r = results[name]
        assert r["rc"] == 3, name
        assert r["json"]["status"] == "target-failed"
        assert f"({code})" in r["json"]["error"]["message"]


def test_syntax_error(results):
    r = results["syntax_error"]
    assert r["rc"] == 3
    assert r["json"]["error"]["kind"] == "SyntaxError" and r["json"]["error"]["line"] == 4


def test_threads_and_subprocesses_do_not_outlive_the_verifier(results):
    r = results["threads"]
    assert r["rc"] == 0, r["stderr"]
    leftovers = subprocess.run(["pgrep", "-f", "pylint-rnn-threads-marker"], capture_output=True, text=True,
                               check=False).stdout.split()
    assert [p for p in leftovers if int(p) != os.getpid()] == []


def test_infinite_loop_times_out(results):
    r = results["infinite_loop"]
    assert r["rc"] == 3
    assert r["json"]["status"] == "timeout"


def test_unbounded_allocation_hits_memory_limit(results):
    r = results["unbounded_alloc"]
    assert r["rc"] == 3
    assert r["json"]["status"] == "target-failed"
    assert "memory" in r["json"]["error"]["message"].lower()


# ---------------------------------------------------------------- --static
def test_static_comparison_has_a_verdict_for_every_static_finding(results):
    r = results["seed000_buggy"]
    assert r["rc"] == 1
    static = r["json"]["static"]
    allowed = ("confirmed", "not reproduced", "not checkable at run time")
    assert all(s["verdict"].startswith(allowed) for s in static["findings"])
    listed = {(f["symbol"], f["line"]) for f in static["runtime_only"]}
    confirmed = {s["symbol"] for s in static["findings"] if s["verdict"].startswith("confirmed")}
    for sym, line in findings(r):
        assert (sym, line) in listed or sym in confirmed
