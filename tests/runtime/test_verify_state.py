"""Initial states and round trips at run time, and what the structure table says about them.

- an encoder's state fetched and fed into a *different* RNN's initial-state placeholder is a round trip; one
  RNN's own state carried across runs (truncated BPTT) is not;
- an initial state held in a variable that never changes (non-trainable, never assigned) is
  rnn-untrained-initial-state, at the line the plugin reports, so --static confirms the plugin;
- the table shows '?' for an unknown time dimension and a decoder started from the encoder as such.
"""
from __future__ import annotations

from conftest import clean, findings, static_verdicts

UNTRAINED = "rnn-untrained-initial-state"


def test_encoder_state_fed_to_the_decoder_is_a_round_trip(results):
    r = results["encoder_roundtrip_buggy"]
    assert r["rc"] == 1
    assert findings(r, "rnn-placeholder-roundtrip") == [("rnn-placeholder-roundtrip", 26)]
    [roundtrip] = [f for f in r["json"]["findings"] if f["symbol"] == "rnn-placeholder-roundtrip"]
    assert roundtrip["details"]["fetch_line"] == 25
    assert roundtrip["details"]["initial_state_of"] == ["R2"]
    assert all(v.startswith("encoder/") for v in roundtrip["details"]["variables"])
    assert findings(r, "rnn-no-gradient") == [("rnn-no-gradient", 12)]  # the encoder's LSTM never trains
    decoder = r["json"]["layers"][1]
    assert decoder["initial_state"].startswith("placeholder")


def test_decoder_started_from_the_encoder_state_is_shown_as_such(results):
    r = results["encoder_state_fixed"]
    clean(r)
    encoder, decoder = r["json"]["layers"]
    assert encoder["initial_state"] == "zeros (default)"
    assert decoder["initial_state"] == "final state of R1"


def test_truncated_bptt_state_carried_across_runs_is_silent(results):
    r = results["truncated_bptt"]
    clean(r)
    assert r["json"]["checked"]["training_runs"] == 1
    assert r["json"]["layers"][0]["initial_state"].startswith("placeholder")


def test_frozen_learned_state_is_reported_where_it_is_created(results):
    r = results["frozen_state_buggy"]
    assert r["rc"] == 1
    assert findings(r) == [(UNTRAINED, 9)]
    [found] = r["json"]["findings"]
    assert found["confirmed"] and found["details"] == {
        "variable": "learned_init:0", "rnn_line": 11, "trainable": False, "written": False}
    assert "non-trainable" in r["json"]["layers"][0]["initial_state"]


def test_static_untrained_initial_state_is_confirmed_not_not_reproduced(results):
    """--static: the plugin's finding at the variable's creation is confirmed by the run, at the same line."""
    assert static_verdicts(results["frozen_state_buggy"])[(UNTRAINED, 9)] == "confirmed"
    verdicts = static_verdicts(results["frozen_tuple_buggy"])
    assert verdicts[(UNTRAINED, 9)] == "confirmed" and verdicts[(UNTRAINED, 10)] == "confirmed"


def test_frozen_tuple_state_in_tf_compat_v1(results):
    r = results["frozen_tuple_buggy"]
    assert r["rc"] == 1 and r["json"]["mode"] == "native"
    assert findings(r) == [(UNTRAINED, 9), (UNTRAINED, 10)]


def test_keras_weight_made_non_trainable_as_initial_state(results):
    """A subclassed model's add_weight(trainable=False) tiled into a GRU's initial_state, trained with fit():
    followed through the traced function's captured variable handle."""
    r = results["keras_frozen_buggy"]
    assert r["rc"] == 1
    assert findings(r) == [(UNTRAINED, 11)]
    assert r["json"]["findings"][0]["details"]["layer"] == "gru"
    assert static_verdicts(r)[(UNTRAINED, 11)] == "confirmed"
    assert r["json"]["layers"][0]["initial_state"] == "computed from variable learned_h0 (non-trainable)"
    fixed = results["keras_frozen_fixed"]
    clean(fixed)
    assert fixed["json"]["layers"][0]["initial_state"] == "computed from variable learned_h0 (trainable)"


def test_learned_and_carried_states_are_silent(results):
    clean(results["frozen_state_fixed"])
    assert "(trainable)" in results["frozen_state_fixed"]["json"]["layers"][0]["initial_state"]
    clean(results["carried_state"])  # non-trainable, but assigned the final state after every run


def test_unknown_time_dimension_is_kept_in_the_table_as_unknown(results):
    r = results["unknown_time"]
    clean(r)
    rows = r["json"]["layers"]
    assert [(row["api"], row["time_steps"]) for row in rows] == [("dynamic_rnn", None), ("dynamic_rnn", None)]
    assert all(row["depth"] == 1 and len(row["variables"]) == 4 for row in rows)
