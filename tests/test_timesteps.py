"""The time-step analyses: findings say how sure they are (a name decided: INFERENCE; the code's structure:
HIGH) and fill the registry templates; rnn-time-axis-reduction is off unless enabled by name.

The name options are exercised by option fixtures (fixtures/checkers/rnn-layers-as-timesteps/*.rc, ...)."""
from __future__ import annotations

import textwrap

from pylint.lint import Run
from pylint.reporters import CollectingReporter

from functional import FIXTURES

LAYERS = "rnn-layers-as-timesteps"
PER_STEP = "rnn-cell-per-timestep"
REDUCTION = "rnn-time-axis-reduction"


HORIZON = """
    import tensorflow as tf

    def model(x, state, horizon):
        stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(8) for _ in range(horizon)])
        for step in range(horizon):
            cell = tf.nn.rnn_cell.GRUCell(8)
            out, state = cell(x, state)
        return tf.nn.dynamic_rnn(stack, x, dtype=tf.float32), out
"""


SEQ002 = """
    import tensorflow as tf

    num_steps = 3
    inputs = tf.placeholder(tf.float32, [None, num_steps, 26])
    cells = []
    for _ in range(num_steps):
        cells.append(tf.contrib.rnn.BasicRNNCell(100))
    multi = tf.contrib.rnn.MultiRNNCell(cells)
    outputs, state = tf.nn.dynamic_rnn(multi, inputs, dtype=tf.float32)
"""


def _run_plain(args: list) -> list:
    reporter = CollectingReporter()
    Run(["--load-plugins=pylint_rnn", "--persistent=n", "--score=n", *args], reporter=reporter, exit=False)
    return [m.symbol for m in reporter.messages if m.symbol.startswith("rnn-")]


def test_time_axis_reduction_is_opt_in():
    seed = str(FIXTURES / "seeds" / "seed004_question.py")
    assert REDUCTION not in _run_plain([seed])
    assert REDUCTION in _run_plain(["--enable=rnn-time-axis-reduction", seed])
    # Enabling the plugin's checker by name keeps opt-in messages off: they live under another name.
    assert REDUCTION not in _run_plain(["--disable=all", "--enable=rnn", seed])
    assert REDUCTION in _run_plain(["--disable=all", "--enable=rnn,rnn-time-axis-reduction", seed])
    assert _run_plain(["--disable=all", "--enable=rnn-time-axis-reduction", seed]) == [REDUCTION]


# --- the analyses, called directly: confidence, template arguments ---------------------------------------


def _findings(code: str, options=None) -> list:
    import astroid
    from astroid import nodes

    from pylint_rnn.analyses import cell_per_step, time_reduction, timesteps

    options = options or timesteps.TimeStepOptions.defaults()
    module = astroid.parse(textwrap.dedent(code))
    found = []
    for call in module.nodes_of_class(nodes.Call):
        found.extend(timesteps.call_findings(call, options) + cell_per_step.call_findings(call, options))
        reduction = time_reduction.time_axis_reduction(call)
        if reduction is not None:
            found.append(reduction)
    return found


def _check_against_registry(findings: list) -> None:
    from pylint_rnn import rules

    for finding in findings:
        rule = rules.rule(finding.symbol)
        assert rule.arity() == (len(finding.args), len(finding.fix_args))
        assert finding.confidence in rule.confidences
        rule.format(finding.args, finding.fix_args)


def test_a_time_step_name_gives_inference():
    from pylint.interfaces import INFERENCE

    [finding] = _findings(SEQ002)
    _check_against_registry([finding])
    assert (finding.symbol, finding.confidence) == (LAYERS, INFERENCE)
    assert finding.args == ("MultiRNNCell 'multi'", "num_steps (3)", "a time-step count", "dynamic_rnn")
    assert finding.fix_args == ("cell",)


def test_the_same_name_as_the_time_dimension_gives_high():
    from pylint.interfaces import HIGH

    [finding] = _findings("""
        import tensorflow as tf
        def model(T, batch):
            x = tf.placeholder(tf.float32, shape=[batch, T, 8])
            multi = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(16) for _ in range(T)])
            return tf.nn.dynamic_rnn(multi, x, dtype=tf.float32)
    """)
    _check_against_registry([finding])
    assert (finding.symbol, finding.confidence) == (LAYERS, HIGH)
    assert finding.args[1:3] == ("T", "the time dimension of 'x'")


def test_two_equal_numbers_written_apart_give_inference():
    from pylint.interfaces import INFERENCE

    [finding] = _findings("""
        import tensorflow.compat.v1 as tf
        inputs = tf.placeholder(tf.float32, [None, 3, 26])
        stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicRNNCell(100) for _ in range(3)])
        outputs, state = tf.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)
    """)
    assert (finding.symbol, finding.confidence) == (LAYERS, INFERENCE)
    assert finding.args[1:3] == ("3", "the time dimension of 'inputs'")


def test_a_loop_named_over_time_steps_gives_inference():
    from pylint.interfaces import INFERENCE

    options = timesteps_options(time_step_names=("horizon",))
    found = [f for f in _findings(HORIZON, options) if f.symbol == PER_STEP]
    _check_against_registry(found)
    assert [(f.args, f.confidence) for f in found] == [(("'cell' (GRUCell)", "range(horizon)"), INFERENCE)]


def test_a_loop_whose_structure_says_time_steps_gives_high():
    from pylint.interfaces import HIGH

    found = _findings("""
        import tensorflow as tf
        def unroll(x, state, k):
            for x_t in tf.unstack(x, axis=1):
                cell = tf.nn.rnn_cell.GRUCell(8)
                out, state = cell(x_t, state)
            for t in range(k):
                out, state = tf.keras.layers.LSTMCell(8)(x[:, t], state)
            return out
    """)
    _check_against_registry(found)
    assert [(f.symbol, f.args[1], f.confidence) for f in found] == [
        (PER_STEP, "over tf.unstack(x, axis=1)", HIGH), (PER_STEP, "range(k)", HIGH)]


def test_reduction_verb_says_sums_or_averages():
    found = _findings("""
        import tensorflow as tf
        cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(8) for _ in range(2)])
        outputs, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
        total = tf.reduce_sum(outputs, axis=1)
        mean = tf.math.reduce_mean(outputs, 1)
        steps, _ = tf.nn.static_rnn(cell, xs, dtype=tf.float32)
        added = tf.add_n(steps)
    """)
    _check_against_registry(found)
    assert [(f.args, f.fix_args) for f in found] == [
        (("reduce_sum", "sums", "dynamic_rnn", "1", "'cell'"), ("MultiRNNCell",)),
        (("reduce_mean", "averages", "dynamic_rnn", "1", "'cell'"), ("MultiRNNCell",)),
        (("add_n", "sums", "static_rnn", "0 (the list of steps)", "'cell'"), ("MultiRNNCell",)),
    ]


def timesteps_options(time_step_names=(), layer_count_names=()):
    import re

    from pylint_rnn.analyses.timesteps import TimeStepOptions

    return TimeStepOptions(tuple(re.compile(p) for p in time_step_names),
                           tuple(re.compile(p) for p in layer_count_names))
