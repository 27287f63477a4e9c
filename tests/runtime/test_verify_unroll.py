"""rnn-cell-per-timestep at run time: several cells of one configuration, each run once on consecutive time steps
(TF1 graph, contrib wrappers, Keras cells in eager mode); one cell reused over time, or a stack of layers at one
step, is silent. --static confirms the plugin's finding at the same line."""
from __future__ import annotations

from conftest import findings, static_verdicts

PER_STEP = "rnn-cell-per-timestep"


def test_tf1_new_cell_per_step(results):
    r = results["unroll_tf1_buggy"]
    assert r["rc"] == 1
    assert findings(r) == [(PER_STEP, 14)]
    [found] = r["json"]["findings"]
    assert found["confirmed"]
    assert found["details"]["cells"] == 6 and found["details"]["call_line"] == 15
    assert found["details"]["evidence"].startswith("time slices of")
    [row] = r["json"]["layers"]
    assert row["kind"] == "manual-unroll" and row["time_steps"] == 6
    assert row["cells_per_step"] == [0, 1, 2, 3, 4, 5]
    assert static_verdicts(r)[(PER_STEP, 14)] == "confirmed"


def test_contrib_wrapped_new_cell_per_step(results):
    r = results["unroll_contrib_buggy"]
    assert r["rc"] == 1
    assert findings(r) == [(PER_STEP, 10)]
    assert r["json"]["findings"][0]["details"]["cell"] == "DropoutWrapper(GRUCell)"


def test_keras_cells_built_per_step_in_eager_mode(results):
    r = results["unroll_keras_buggy"]
    assert r["rc"] == 1
    assert findings(r) == [(PER_STEP, 11)]
    assert r["json"]["findings"][0]["details"]["cells"] == 5
    assert static_verdicts(r)[(PER_STEP, 11)] == "confirmed"


def test_one_cell_over_time_and_a_stack_at_one_step_are_silent(results):
    for name in ("unroll_tf1_fixed", "unroll_keras_fixed"):
        r = results[name]
        assert r["rc"] == 0, (name, r["json"]["findings"])
        assert r["json"]["findings"] == []
    [row] = results["unroll_tf1_fixed"]["json"]["layers"]  # the 3-layer step chains no state: no unroll row
    assert row["cells_per_step"] == [0] * 6 and len(row["variables"]) == 2
