"""Unit tests of the name model (core/varnames.py), reuse after the first iteration (core/scopes.py) and
exclusive build modes (tree.mutually_exclusive). Each TF fact used here is proved with TensorFlow by
tests/runtime/test_reuse_names_truth.py on the fixtures of the reuse family."""
from __future__ import annotations

import astroid
import pytest

from pylint_rnn.core import effects, scopes, tree, varnames


def _paths(leaves):
    return sorted("/".join(path) for path, _ in leaves)


@pytest.mark.parametrize("cell, expected", [
    ("tf.nn.rnn_cell.LSTMCell(8)", ["rnn/lstm_cell/kernel"]),
    ("tf.contrib.rnn.BasicLSTMCell(8)", ["rnn/basic_lstm_cell/kernel"]),
    ("tf.nn.rnn_cell.GRUCell(8)", ["rnn/gru_cell/gates/kernel"]),
    ("tf.nn.rnn_cell.BasicRNNCell(8, name='enc')", ["rnn/enc/kernel"]),
    ("tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.GRUCell(8), 0.5)", ["rnn/gru_cell/gates/kernel"]),
    ("tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(8), tf.nn.rnn_cell.LSTMCell(8)])",
     ["rnn/multi_rnn_cell/cell_0/gru_cell/gates/kernel", "rnn/multi_rnn_cell/cell_1/lstm_cell/kernel"]),
    ("tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(8) for _ in range(n)])",
     ["rnn/multi_rnn_cell/cell_0/lstm_cell/kernel"]),
])
def test_rnn_leaves_name_what_tensorflow_creates(cell, expected):
    call = astroid.extract_node(f"import tensorflow as tf\ntf.nn.dynamic_rnn({cell}, x, dtype=tf.float32)")
    assert _paths(varnames.rnn_leaves(call, "tf.nn.dynamic_rnn")) == expected


@pytest.mark.parametrize("cell", [
    "tf.keras.layers.LSTMCell(8)",  # Keras names weights per graph: never a collision
    "tf.nn.rnn_cell.LSTMCell(8, reuse=True)",  # shares (or fails with "does not exist")
    "tf.nn.rnn_cell.LSTMCell(8, name='cell_%d' % i)",  # a name we cannot read
    "self.cell",  # an object from elsewhere may be the one already run
    "MyCell(8)",  # a module class: its own variables
])
def test_unknown_cells_have_no_names(cell):
    call = astroid.extract_node(f'''
import tensorflow as tf
class MyCell(tf.nn.rnn_cell.RNNCell):
    pass
tf.nn.dynamic_rnn({cell}, x, dtype=tf.float32)  #@
''')
    assert varnames.rnn_leaves(call, "tf.nn.dynamic_rnn") is None


def test_bidirectional_scope_and_directions():
    call = astroid.extract_node("import tensorflow as tf\n"
                                "tf.nn.bidirectional_dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), "
                                "tf.nn.rnn_cell.LSTMCell(4), x, scope='birnn')")
    assert _paths(varnames.rnn_leaves(call, "tf.nn.bidirectional_dynamic_rnn")) == [
        "birnn/bw/lstm_cell/kernel", "birnn/fw/gru_cell/gates/kernel"]


def test_a_name_bound_on_several_lines_that_agree():
    """cell = GRUCell(); if training: cell = DropoutWrapper(cell): the variables are the GRU's either way."""
    module = astroid.parse('''
import tensorflow as tf
def build(x, training):
    cell = tf.nn.rnn_cell.GRUCell(8)
    if training:
        cell = tf.nn.rnn_cell.DropoutWrapper(cell, output_keep_prob=0.8)
    return tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
''')
    call = list(module["build"].nodes_of_class(astroid.nodes.Call))[-1]
    assert _paths(varnames.rnn_leaves(call, "tf.nn.dynamic_rnn")) == ["rnn/gru_cell/gates/kernel"]


def test_default_layer_names_count_within_one_scope_entry():
    module = astroid.parse('''
import tensorflow as tf
def head(x):
    with tf.variable_scope("head"):
        a = tf.layers.dense(x, 4)  #@
        b = tf.layers.dense(a, 4)  #@
        for _ in range(2):
            c = tf.layers.dense(b, 4)  #@
    d = tf.layers.dense(c, 4)  #@
''')
    calls = [n for n in module["head"].nodes_of_class(astroid.nodes.Call)
             if n.func.as_string() == "tf.layers.dense"]
    assert [varnames.default_layer_ordinal(c, "tf.layers.dense") for c in calls] == [0, 1, None, None]


REUSE_SOURCE = '''
import tensorflow as tf
def towers(xs, n):
    for i, x in enumerate(xs):
        with tf.variable_scope("a", reuse=i > 0):
            f(x)  #@
    for i in range(n):
        with tf.variable_scope("b", reuse=tf.AUTO_REUSE if i else None):
            f(i)  #@
    for i in range(1):
        with tf.variable_scope("c", reuse=i > 0):
            f(i)  #@
    flag = False
    for x in xs:
        with tf.variable_scope("d", reuse=flag):
            f(x)  #@
        flag = True
    with tf.variable_scope(tf.get_variable_scope()):
        for i in range(n):
            f(i)  #@
            tf.get_variable_scope().reuse_variables()
    for i in range(n):
        with tf.variable_scope("e"):
            f(i)  #@
            tf.get_variable_scope().reuse_variables()
    with tf.variable_scope("g") as scope:
        for i in range(n):
            if i > 0:
                scope.reuse_variables()
            f(i)  #@
    with tf.variable_scope("h") as scope:
        for x in xs:
            if x:
                scope.reuse_variables()
            f(x)  #@
'''


def test_reuse_after_the_first_iteration():
    calls = astroid.extract_node(REUSE_SOURCE)
    assert [scopes.reuse_mode(c) for c in calls] == [
        "later", "later", "none", "later", "later",
        "none",  # the switch sets 'e', which the next iteration enters anew: nothing carries over
        "later", "unknown"]


MODES_SOURCE = '''
def build(mode, training, opts):
    if mode == "train":
        a()  #@
    if mode == "eval":
        b()  #@
    if mode in ("eval", "infer"):
        c()  #@
    if training:
        d()  #@
    if not training:
        e()  #@
    if opts.mode != "train":
        f()  #@
    if opts.mode == "train":
        g()  #@
    mode = "eval"
    if mode == "train":
        h()  #@
'''


def test_sequential_ifs_on_one_value_are_exclusive():
    a, b, c, d, e, f, g, h = astroid.extract_node(MODES_SOURCE)
    assert tree.mutually_exclusive(a, b) and tree.mutually_exclusive(a, c)
    assert not tree.mutually_exclusive(b, c)  # mode == "eval" runs both
    assert tree.mutually_exclusive(d, e) and tree.mutually_exclusive(f, g)
    assert not tree.mutually_exclusive(a, d)  # different values
    assert not tree.mutually_exclusive(b, h)  # mode is reassigned between the two tests


def test_ifs_in_a_loop_over_the_tested_value_both_run():
    first, second = astroid.extract_node('''
for mode in ("train", "eval"):
    if mode == "train":
        a()  #@
    if mode == "eval":
        b()  #@
''')
    assert not tree.mutually_exclusive(first, second)


def test_separate_graphs_and_sessions():
    graph_call, session_call = astroid.extract_node('''
import tensorflow as tf
with tf.Graph().as_default():
    f()  #@
sess = tf.Session()
with sess.as_default():
    g()  #@
''')
    assert scopes.graph_context(graph_call) is not None
    assert scopes.graph_context(session_call) is None


def test_class_constructor_runs_init():
    module = astroid.parse('''
import tensorflow as tf
class Model(object):
    def __init__(self, units):
        self.w = tf.get_variable("w", [units])
def build():
    return Model(3)
''')
    [creation] = effects.effects(module["build"]).named
    assert creation.describe(("w",)) == "Model() (tf.get_variable('w'))"
