"""time-step-names / layer-count-names change what the time-step checks report, and
rnn-time-axis-reduction is off unless enabled."""
from __future__ import annotations

import textwrap
from pathlib import Path

from pylint.lint import Run
from pylint.reporters import CollectingReporter

from functional import FIXTURES, lint_files

LAYERS = "rnn-layers-as-timesteps"
PER_STEP = "rnn-cell-per-timestep"
REDUCTION = "rnn-time-axis-reduction"


def _write(tmp_path: Path, name: str, code: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return path


def _symbols(path: Path, options: tuple = ()) -> list:
    found, _ = lint_files([path], options=options)
    return sorted(symbol for (_, symbol), n in found[path.resolve()].items() for _ in range(n))


HORIZON = """
    import tensorflow as tf

    def model(x, state, horizon):
        stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(8) for _ in range(horizon)])
        for step in range(horizon):
            cell = tf.nn.rnn_cell.GRUCell(8)
            out, state = cell(x, state)
        return tf.nn.dynamic_rnn(stack, x, dtype=tf.float32), out
"""


def test_time_step_names_option_adds_a_name(tmp_path):
    path = _write(tmp_path, "horizon.py", HORIZON)
    # 'horizon' is not a time-step name by default, and the loop body gives no other evidence.
    assert _symbols(path) == []
    assert _symbols(path, ("--time-step-names=horizon,seq_len",)) == [PER_STEP, LAYERS]


def test_time_step_names_are_regexps_matched_in_full(tmp_path):
    path = _write(tmp_path, "horizon.py", HORIZON)
    assert _symbols(path, ("--time-step-names=hori.*",)) == [PER_STEP, LAYERS]
    assert _symbols(path, ("--time-step-names=hori",)) == []


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


def test_layer_count_names_option_silences_a_name(tmp_path):
    path = _write(tmp_path, "seq002.py", SEQ002)
    assert _symbols(path) == [LAYERS]
    # A code base where num_steps means layers: declared a layer count, it is silent even though it is
    # also the input's time dimension.
    assert _symbols(path, ("--layer-count-names=num_steps",)) == []


def test_replacing_time_step_names_drops_the_defaults(tmp_path):
    path = _write(tmp_path, "seq002.py", SEQ002.replace("[None, num_steps, 26]", "[None, 7, 26]"))
    assert _symbols(path, ("--time-step-names=horizon",)) == []


def test_names_match_ignoring_case_and_through_attributes(tmp_path):
    path = _write(tmp_path, "upper.py", """
        import tensorflow as tf
        from tensorflow.contrib import rnn
        SEQ_LEN = 10
        a = rnn.MultiRNNCell([rnn.LSTMCell(4) for _ in range(SEQ_LEN)])
        b = rnn.MultiRNNCell([rnn.LSTMCell(4) for _ in range(args.Max_Len)])
    """)
    assert _symbols(path) == [LAYERS, LAYERS]


def test_options_from_an_rc_file(tmp_path):
    path = _write(tmp_path, "horizon.py", HORIZON)
    rc = _write(tmp_path, "pylintrc", """
        [RNN]
        time-step-names=horizon
    """)
    assert _symbols(path, (f"--rcfile={rc}",)) == [PER_STEP, LAYERS]


def test_multiplied_stack_reports_the_time_step_depth(tmp_path):
    path = _write(tmp_path, "mult.py", """
        import tensorflow as tf
        cell = tf.keras.layers.LSTMCell(64)
        def build(seq_len):
            return tf.keras.layers.StackedRNNCells([tf.keras.layers.LSTMCell(64)] * seq_len)
    """)
    # rnn-same-cell-stacked may report the same line; only this module's message is checked here.
    assert LAYERS in _symbols(path)


def _run_plain(args: list) -> list:
    reporter = CollectingReporter()
    Run(["--load-plugins=pylint_rnn", "--persistent=n", "--score=n", *args], reporter=reporter, exit=False)
    return [m.symbol for m in reporter.messages if m.symbol.startswith("rnn-")]


def test_time_axis_reduction_is_disabled_by_default():
    seed = str(FIXTURES / "seeds" / "seed004_question.py")
    assert REDUCTION not in _run_plain([seed])
    assert REDUCTION in _run_plain(["--enable=rnn-time-axis-reduction", seed])
    assert REDUCTION in _run_plain(["--disable=all", "--enable=rnn", seed])
    assert _run_plain(["--disable=all", "--enable=rnn-time-axis-reduction", seed]) == [REDUCTION]
