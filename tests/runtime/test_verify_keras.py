"""Keras at run time: layers built in call(), recurrent stacks called eagerly outside a Model, classes among a
script's globals, the structure table (each layer once, a decoder started from the encoder's state), and the
TF1/native choice for TF2 code that uses API TF1 also had."""
from __future__ import annotations

from conftest import findings

REBUILT = "rnn-layer-rebuilt-per-call"


def test_recurrent_layer_built_inside_call_is_untracked_and_rebuilt(results):
    r = results["in_call_buggy"]
    assert r["rc"] == 1
    assert findings(r) == [(REBUILT, 16)]
    [found] = r["json"]["findings"]
    assert found["confirmed"] and found["details"]["model"] == "Forecaster" and found["details"]["built"] >= 2
    assert found["details"]["output_difference"] > 0  # the same input, two different outputs
    assert "Forecaster.call()" in found["message"]
    assert [row["line"] for row in r["json"]["layers"]] == [16, 16]  # a new LSTM at each call


def test_recurrent_layer_built_in_init_is_clean(results):
    r = results["in_call_fixed"]
    assert r["rc"] == 0 and r["json"]["findings"] == []


def test_layer_built_in_call_is_reported_even_when_fit_then_fails(results):
    r = results["in_call_fit_buggy"]
    assert r["rc"] == 3 and r["json"]["status"] == "target-failed"
    assert findings(r) == [(REBUILT, 15)]


def test_eager_stack_of_one_cell_outside_a_model(results):
    r = results["eager_stack_buggy"]
    assert r["rc"] == 1
    assert findings(r) == [("rnn-same-cell-stacked", 8)]
    assert r["json"]["findings"][0]["details"]["shared_layers"] == [[0, 1]]
    rnn, gru = r["json"]["layers"]
    assert rnn["cell"] == "StackedRNNCells[LSTMCell, LSTMCell]" and len(rnn["variables"]) == 3
    assert gru["api"] == "GRU" and gru["time_steps"] == 6


def test_eager_stack_of_distinct_cells_and_a_shared_layer(results):
    r = results["eager_stack_fixed"]
    assert r["rc"] == 0 and r["json"]["findings"] == []
    rnn, gru = r["json"]["layers"]
    assert rnn["depth"] == 2 and len(rnn["variables"]) == 6
    assert "called at 2 places (shared)" in gru["shares_with"]


def test_a_model_class_among_the_globals_is_not_a_model(results):
    r = results["globals_class"]
    assert r["rc"] == 0, r["json"]
    assert r["json"]["status"] == "ok" and r["json"]["checked"]["keras_models"] == 1
    assert not any("error" in note for note in r["json"]["notes"])


def test_seq2seq_table_lists_each_layer_once_with_the_decoder_state(results):
    r = results["seq2seq_functional"]
    assert r["rc"] == 0 and r["json"]["findings"] == []
    assert r["json"]["checked"]["keras_models"] == 2  # the training model and the inference encoder
    rows = {row["id"]: row for row in r["json"]["layers"]}
    assert list(rows) == ["encoder", "decoder"]
    assert rows["decoder"]["initial_state"] == "state of encoder"
    assert rows["encoder"]["time_steps"] is None and rows["decoder"]["time_steps"] == 7


def test_tf2_code_with_api_tf1_also_had_runs_natively(results):
    r = results["name_scope_tf2"]
    assert r["rc"] == 0, r["json"]
    assert r["json"]["mode"] == "native" and "tf1_names" not in r["json"]


def test_tf1_mode_says_which_names_chose_it(results):
    assert "tf.placeholder" in results["seed000_buggy"]["json"]["tf1_names"]
