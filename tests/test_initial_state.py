"""Options and edge cases of rnn-untrained-initial-state / rnn-batch-sized-initial-state."""
from __future__ import annotations

import textwrap
from collections import Counter

from functional import FIXTURES, lint_files

BATCH_FIXTURE = """
import tensorflow as tf

mb, units = 32, 64
x = tf.placeholder(tf.float32, [mb, 10, 4])
cell = tf.nn.rnn_cell.GRUCell(units)
h0 = tf.Variable(tf.zeros([mb, units]))
out, _ = tf.nn.dynamic_rnn(cell, x, initial_state=h0)
"""


def _lint(tmp_path, source: str, *options: str) -> Counter:
    path = tmp_path / "case.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    found, _ = lint_files([path], options=tuple(options))
    return found[path.resolve()]


def test_batch_size_names_option_adds_a_name(tmp_path):
    assert _lint(tmp_path, BATCH_FIXTURE) == Counter()
    found = _lint(tmp_path, BATCH_FIXTURE, "--batch-size-names=mb")
    assert found == Counter({(7, "rnn-batch-sized-initial-state"): 1})


def test_batch_size_names_option_replaces_defaults(tmp_path):
    source = BATCH_FIXTURE.replace("mb", "batch_size")
    assert _lint(tmp_path, source) == Counter({(7, "rnn-batch-sized-initial-state"): 1})
    assert _lint(tmp_path, source, "--batch-size-names=mb") == Counter()


def test_zero_state_argument_always_counts_as_batch(tmp_path):
    source = """
    import tensorflow as tf
    cell = tf.nn.rnn_cell.GRUCell(8)
    x = tf.placeholder(tf.float32, [4, 3, 2])
    h = tf.Variable(cell.zero_state(4, tf.float32))
    out, _ = tf.nn.dynamic_rnn(cell, x, initial_state=h)
    """
    assert _lint(tmp_path, source, "--batch-size-names=nothing") == Counter(
        {(5, "rnn-batch-sized-initial-state"): 1})


def test_learned_state_rgx_option_quiets_the_name_based_forms(tmp_path):
    seed = FIXTURES / "seeds" / "seed003_answer2.py"
    found, _ = lint_files([seed], options=("--learned-state-rgx=^$",))
    # init_c / init_h still come from cell.zero_state: the unused-learned-state form keys on that too.
    assert sum(found[seed.resolve()].values()) == 2
    frozen = FIXTURES / "checkers" / "rnn-untrained-initial-state" / "frozen_learned_state.py"
    found, _ = lint_files([frozen], options=("--learned-state-rgx=^$",))
    assert found[frozen.resolve()] == Counter()


def test_assign_form_does_not_depend_on_names(tmp_path):
    source = """
    import tensorflow as tf
    cell = tf.nn.rnn_cell.GRUCell(8)
    x = tf.placeholder(tf.float32, [None, 3, 2])
    foo = tf.Variable(tf.zeros([4, 8]))
    bar = tf.Variable(tf.zeros([4, 8]), trainable=False)
    out, last = tf.nn.dynamic_rnn(cell, x, initial_state=bar)
    op = bar.assign(foo)
    """
    assert _lint(tmp_path, source, "--learned-state-rgx=^$") == Counter(
        {(8, "rnn-untrained-initial-state"): 1})


def test_odd_shapes_do_not_crash(tmp_path):
    source = """
    import tensorflow as tf
    state = ()
    s = state[0]
    t = (1, 2)[5]
    v = tf.Variable(*[1])
    w = tf.get_variable(**{})
    cell = tf.nn.rnn_cell.GRUCell(8)
    a = b = tf.Variable(tf.zeros([]))
    a, *rest = tf.Variable(1), 2, 3
    out, _ = tf.nn.dynamic_rnn(cell, None, initial_state=(s, t, v, w, a, rest, state[1:], b.c))
    v.assign()
    tf.assign()
    """
    assert _lint(tmp_path, source) == Counter()
