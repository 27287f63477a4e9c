"""rnn-no-gradient through every way a model is trained: each style's buggy script is reported at the line that
built the variable (or the layer), its fixed twin is clean, and the target is stopped after its first step.

(minimize: seed000/seed003 in test_verify_fixtures.py, and tf1_minimize_var_list_buggy.py here.)
"""
from __future__ import annotations

import pytest
from conftest import clean, findings

NO_GRAD = "rnn-no-gradient"


def _objective_kinds(result):
    return {o["kind"] for o in result["json"]["checked"]["objectives"]}


@pytest.mark.parametrize("name, line, variable, kind", [
    # tf.gradients through the TF1 facade, clipped, then apply_gradients(zip(grads, tvars)) -- the PTB tutorial
    ("ptb_zip_buggy", 21, "softmax_b:0", "apply_gradients"),
    # tf.compat.v1: compute_gradients, then apply_gradients of a filtered list
    ("compute_apply_buggy", 15, "attention/score_v:0", "optimizer"),
    # tf.gradients, then tf.assign_sub per variable: a training run recognised by the gradients it applies
    ("manual_sgd_buggy", 12, "proj:0", "tf.gradients"),
    # contrib-style minimize(loss, var_list=...)
    ("var_list_buggy", 14, "decoder/bias:0", "optimizer"),
    # eager GradientTape + optimizer.apply_gradients(zip(...)) on a subclassed model
    ("tape_loop_buggy", 13, "kernel:0", "GradientTape"),
    # GradientTape inside @tf.function, plain tf.Variables
    ("tape_function_buggy", 10, "h0:0", "GradientTape"),
    # Keras fit(), a head without a loss
    ("fit_heads_buggy", 12, "tags/kernel:0", "GradientTape"),
    # Keras 3 train_on_batch, a layer behind stop_gradient
    ("train_on_batch_buggy", 9, "gate/kernel:0", "GradientTape"),
    # a custom train_step
    ("train_step_buggy", 14, "dense_1/kernel:0", "GradientTape"),
])
def test_no_gradient_in_every_training_style(results, name, line, variable, kind):
    result = results[name]
    assert result["rc"] == 1, result["stderr"] or result["json"]
    assert result["json"]["status"] == "ok"
    assert findings(result) == [(NO_GRAD, line)]
    [found] = result["json"]["findings"]
    assert found["confirmed"] and found["details"]["variable"].endswith(variable)
    assert kind in _objective_kinds(result)


@pytest.mark.parametrize("name", ["ptb_zip_fixed", "compute_apply_fixed", "tape_loop_fixed", "fit_heads_fixed"])
def test_fixed_twins_areclean(results, name):
    clean(results[name])


def test_apply_gradients_of_an_iterator_records_every_variable(results):
    """The known bug: apply_gradients(zip(grads, tvars)) recorded 0 variables (the probe read a spent iterator)."""
    objectives = results["ptb_zip_fixed"]["json"]["checked"]["objectives"]
    assert [(o["kind"], o["variables"]) for o in objectives] == [("tf.gradients", 7), ("apply_gradients", 7)]


def test_tf_gradients_reaches_the_module_a_tf1_script_uses(results):
    """The known bug: in TF1 mode the tf.gradients wrapper landed on tf.compat.v1.compat.v1."""
    checked = results["manual_sgd_buggy"]["json"]["checked"]
    assert [o["kind"] for o in checked["objectives"]] == ["tf.gradients"]
    assert checked["training_runs"] == 1  # the tf.group of assign_sub ops is recognised as the training step


@pytest.mark.parametrize("name", ["ptb_zip_buggy", "tape_loop_buggy", "tape_function_buggy", "fit_heads_buggy",
                                  "train_on_batch_buggy", "train_step_buggy", "manual_sgd_buggy"])
def test_each_style_is_stopped_after_one_step(results, name):
    checked = results[name]["json"]["checked"]
    assert checked["training_runs"] == 1
    assert any("--max-train-steps 1" in note for note in results[name]["json"]["notes"])


def test_docs_examples_of_rnn_no_gradient(results):
    """docs/messages/rnn-no-gradient: bad.py is reported at the ANN's variable, good.py is clean."""
    bad = results["docs_no_gradient_bad"]
    assert bad["rc"] == 1 and findings(bad, NO_GRAD) == [(NO_GRAD, 13)]
    assert findings(bad, "rnn-placeholder-roundtrip")
    clean(results["docs_no_gradient_good"])


def test_max_train_steps(results):
    """0: stopped before the first training run (the graph is still analysed); 2: two optimizer steps."""
    none = results["seed000_no_step"]["json"]
    assert none["status"] == "ok" and none["checked"]["training_runs"] == 0 and none["layers"]
    assert results["tape_loop_two_steps"]["json"]["checked"]["training_runs"] == 2
