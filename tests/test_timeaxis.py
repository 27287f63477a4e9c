"""core/timeaxis: the time dimension of tensors, the steps of step lists and the depth of stacks, from
snippets in the spellings people write (TF1, compat.v1, Keras, transposes, time_major)."""
from __future__ import annotations

import textwrap

import astroid
import pytest

from pylint_rnn.core import dataflow, timeaxis

TF1 = "import tensorflow as tf\n"
V1 = "import tensorflow.compat.v1 as tf\n"
KERAS = "from tensorflow import keras\n"


def _source(code: str) -> str:
    """An import line followed by an indented snippet -> valid module source."""
    head, _, rest = code.partition("\n")
    return head + "\n" + textwrap.dedent(rest)


def _node(code: str):
    return astroid.extract_node(_source(code))


def _text(node) -> object:
    return None if node is None else node.as_string()


# --- time_dim ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code, axis, expected", [
    (TF1 + "x = tf.placeholder(tf.float32, [None, T, 8])\nx #@", 1, "T"),
    (V1 + "x = tf.placeholder(tf.float32, shape=[None, 20, 8])\nx #@", 1, "20"),
    (TF1 + "x = tf.placeholder(tf.float32, [None, T, 8])\nx #@", 0, None),  # the batch: None
    (TF1 + "shape = [B, T, 8]\nx = tf.zeros(shape)\nx #@", 1, "T"),
    (TF1 + "x = tf.reshape(y, [-1, steps, 8])\nx #@", 1, "steps"),
    (TF1 + "x = tf.random.normal((4, 12, 3))\nx #@", 1, "12"),
    (TF1 + "x = tf.placeholder(tf.float32, [*dims, T])\nx #@", 1, None),  # after a starred element
    (TF1 + "x = tf.placeholder(tf.float32, dims)\nx #@", 1, None),  # shape not written out
    (TF1 + "x = tf.placeholder(tf.float32, [None, T, 8])\nx = other\nx #@", 1, None),  # two bindings
])
def test_time_dim_of_shaped_tensors(code, axis, expected):
    assert _text(timeaxis.time_dim(_node(code), axis)) == expected


@pytest.mark.parametrize("code, expected", [
    (KERAS + "inp = keras.Input(shape=(T, 16))\ninp #@", "T"),
    (KERAS + "inp = keras.layers.Input(batch_shape=(32, T, 16))\ninp #@", "T"),
    (KERAS + "inp = keras.layers.InputLayer(input_shape=(T, 16))\ninp #@", "T"),
    (KERAS + "inp = keras.Input(shape=(None, 16))\ninp #@", None),
    # Keras layers that keep the time axis lead back to the Input.
    (KERAS + "inp = keras.Input(shape=(T,))\nx = keras.layers.Embedding(100, 8)(inp)\n"
             "x = keras.layers.Dropout(0.1)(x)\nx #@", "T"),
    # A layer that changes the shape does not.
    (KERAS + "inp = keras.Input(shape=(T, 4))\nx = keras.layers.Flatten()(inp)\nx #@", None),
])
def test_time_dim_of_keras_inputs(code, expected):
    assert _text(timeaxis.time_dim(_node(code), 1)) == expected


def test_time_dim_through_embedding_lookup_and_transpose():
    emb = _node(TF1 + """
        ids = tf.placeholder(tf.int32, [None, k])
        emb = tf.nn.embedding_lookup(table, ids)
        emb #@
    """)
    assert _text(timeaxis.time_dim(emb, 1)) == "k"
    time_major = _node(TF1 + """
        x = tf.placeholder(tf.float32, [None, T, 8])
        xt = tf.transpose(x, [1, 0, 2])
        xt #@
    """)
    assert _text(timeaxis.time_dim(time_major, 0)) == "T"
    assert _text(timeaxis.time_dim(time_major, 1)) is None  # the batch


def test_time_dim_of_self_attribute():
    node = _node(TF1 + """
        class Model:
            def __init__(self):
                self.inputs = tf.placeholder(tf.float32, [None, self.num_steps, 8])
            def build(self):
                return self.inputs #@
    """)
    assert _text(timeaxis.time_dim(node.value, 1)) == "self.num_steps"


# --- step lists ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("code, expected", [
    (TF1 + "steps = tf.unstack(x, num=T, axis=1)\nsteps #@", "T"),
    (TF1 + "steps = tf.unstack(x, k, 1)\nsteps #@", "k"),
    (TF1 + "x = tf.placeholder(tf.float32, [None, T, 8])\nsteps = tf.unstack(x, axis=1)\nsteps #@", "T"),
    (TF1 + "x = tf.placeholder(tf.float32, [T, None, 8])\nsteps = tf.unstack(x)\nsteps #@", "T"),
    (TF1 + "steps = tf.split(x, n_steps, axis=1)\nsteps #@", "n_steps"),
    (TF1 + "steps = tf.split(x, [2, 3], axis=1)\nsteps #@", None),  # sizes, not a count
    (TF1 + "steps = [tf.placeholder(tf.float32, [None, 8]) for _ in range(T)]\nsteps #@", "T"),
    (TF1 + "steps = tf.unstack(x, axis=1)\nsteps #@", None),  # the shape of x is not written
])
def test_steps_of_list(code, expected):
    assert _text(timeaxis.steps_of_list(_node(code))) == expected


@pytest.mark.parametrize("code, expected", [
    (TF1 + "tf.unstack(x, axis=1) #@", True),
    (TF1 + "tf.split(x, T, axis=1) #@", True),
    (TF1 + "tf.unstack(tf.transpose(x, [1, 0, 2])) #@", True),
    (TF1 + "xt = tf.transpose(x, [1, 0, 2])\ntf.unstack(xt) #@", True),
    (TF1 + "steps = tf.unstack(x, axis=1)\nsteps #@", True),
    (TF1 + "tf.unstack(x) #@", False),  # axis 0 of a batch-major tensor: the batch
    (TF1 + "tf.unstack(x, axis=2) #@", False),
    (TF1 + "tf.unstack(x, axis=a) #@", False),
    ("range(10) #@", False),
])
def test_is_step_list(code, expected):
    assert timeaxis.is_step_list(_node(code)) is expected


# --- stack depths --------------------------------------------------------------------------------------


@pytest.mark.parametrize("code, shown, names", [
    (TF1 + "[tf.nn.rnn_cell.LSTMCell(8) for _ in range(seq_len)] #@", "seq_len", ("seq_len",)),
    (TF1 + "[tf.nn.rnn_cell.LSTMCell(8) for i in range(0, FLAGS.num_steps)] #@", "FLAGS.num_steps",
     ("num_steps",)),
    (TF1 + "n = 4\n[tf.nn.rnn_cell.LSTMCell(8)] * n #@", "n (4)", ("n",)),
    (TF1 + "num_layers * [cell] #@", "num_layers", ("num_layers",)),
    (TF1 + "cells = [make() for _ in range(int(args.max_len))]\ncells #@", "int(args.max_len)", ("max_len",)),
])
def test_stack_depth_counted(code, shown, names):
    depth = timeaxis.stack_depth(_node(code))
    assert (depth.count.shown(), depth.count.names, depth.items) == (shown, names, None)


def test_stack_depth_of_an_explicit_list_keeps_its_items():
    depth = timeaxis.stack_depth(_node(TF1 + "[tf.nn.rnn_cell.GRUCell(8), tf.nn.rnn_cell.GRUCell(8)] #@"))
    assert depth.count.value == 2 and [i.as_string() for i in depth.items] == ["tf.nn.rnn_cell.GRUCell(8)"] * 2


@pytest.mark.parametrize("code, expected", [
    (TF1 + """
        cells = []
        for _ in range(num_steps):
            cells.append(tf.nn.rnn_cell.BasicRNNCell(100))
        cells #@
     """, "num_steps"),
    (TF1 + """
        cells = []
        for _ in range(num_steps):
            cells.append(tf.nn.rnn_cell.BasicRNNCell(100))
        cells.extend(more)
        cells #@
     """, None),  # another mutation: not one loop's count
    (TF1 + """
        cells = []
        for i in range(num_steps):
            if i % 2:
                cells.append(tf.nn.rnn_cell.BasicRNNCell(100))
        cells #@
     """, None),  # conditional append
    (TF1 + """
        cells = []
        for cell in pool:
            cells.append(cell)
        cells #@
     """, None),  # not a range
])
def test_stack_depth_of_lists_filled_by_append(code, expected):
    depth = timeaxis.stack_depth(_node(code))
    assert (depth.count.text if depth else None) == expected


def test_stack_depth_element_filter():
    comp = _node(KERAS + "[keras.layers.LSTM(4) for _ in range(T)] #@")
    dense = _node(KERAS + "[keras.layers.Dense(4) for _ in range(T)] #@")
    is_lstm = lambda e: e.as_string().startswith("keras.layers.LSTM")  # noqa: E731
    assert timeaxis.stack_depth(comp, is_lstm).count.text == "T"
    assert timeaxis.stack_depth(dense, is_lstm) is None


@pytest.mark.parametrize("code", [
    "[c for c in cells] #@",
    "[make() for _ in range(n) if keep] #@",
    "[*cells, last] #@",
    "cells #@",
])
def test_stack_depth_unknown(code):
    assert timeaxis.stack_depth(_node(code)) is None


# --- RNN calls and Keras layers ------------------------------------------------------------------------


@pytest.mark.parametrize("code, axis, steps", [
    (TF1 + "x = tf.placeholder(tf.float32, [None, T, 8])\ntf.nn.dynamic_rnn(cell, x) #@", 1, "T"),
    (V1 + "x = tf.placeholder(tf.float32, [T, None, 8])\n"
          "tf.nn.dynamic_rnn(cell, x, time_major=True) #@", 0, "T"),
    (TF1 + "x = tf.placeholder(tf.float32, [None, T, 8])\n"
           "tf.nn.dynamic_rnn(cell, x, time_major=True) #@", 0, None),  # axis 0 is the batch here
    (TF1 + "tf.nn.dynamic_rnn(cell, x, time_major=flag) #@", None, None),
    (TF1 + "tf.nn.static_rnn(cell, tf.unstack(x, num=k, axis=1)) #@", timeaxis.STEP_LIST, "k"),
    (TF1 + "tf.nn.bidirectional_dynamic_rnn(fw, bw, inputs=tf.zeros([4, 9, 2])) #@", 1, "9"),
    (TF1 + "tf.nn.raw_rnn(cell, loop_fn) #@", 1, None),  # no inputs tensor
    (TF1 + "tf.reduce_sum(x, axis=1) #@", None, None),
])
def test_rnn_time_axis_and_input_steps(code, axis, steps):
    call = _node(code)
    assert timeaxis.rnn_time_axis(call) == axis
    assert _text(timeaxis.rnn_input_steps(call)) == steps


def test_keras_declared_steps():
    layer = _node(KERAS + "keras.layers.LSTM(8, input_shape=(T, 4), batch_input_shape=(2, U, 4), "
                          "input_length=V) #@")
    assert [s.as_string() for s in timeaxis.keras_declared_steps(layer)] == ["T", "U", "V"]
    unknown = _node(KERAS + "keras.layers.LSTM(8, input_shape=(None, 4)) #@")
    assert list(timeaxis.keras_declared_steps(unknown)) == []


def test_keras_layer_steps_declared_and_applied():
    module = astroid.parse(_source(KERAS + """
        def model(T):
            inp = keras.Input(shape=(T, 16))
            layer = keras.layers.RNN(cells, input_shape=(T, 16))
            out = layer(inp)
            major = keras.layers.RNN(cells, time_major=True, input_shape=(T, 16))
            return major(inp)
    """))
    layer, major = [a.value for a in module.nodes_of_class(astroid.nodes.Assign)
                    if a.targets[0].as_string() in ("layer", "major")]
    assert [(s.text, _text(t)) for s, t in timeaxis.keras_layer_step_counts(layer)] == [("T", None), ("T", "inp")]
    assert list(timeaxis.keras_layer_step_counts(major)) == []


# --- following values ----------------------------------------------------------------------------------


def test_value_of_and_result_uses():
    module = astroid.parse(_source(TF1 + """
        class Model:
            def build(self):
                self.cell = tf.nn.rnn_cell.MultiRNNCell(cells)
                return tf.nn.dynamic_rnn(self.cell, x)
        def f():
            stack = tf.nn.rnn_cell.MultiRNNCell(cells)
            a = tf.nn.dynamic_rnn(stack, x)
            return stack
        def g(flag):
            if flag:
                cell = tf.nn.rnn_cell.GRUCell(4)
            else:
                cell = tf.nn.rnn_cell.LSTMCell(4)
            return cell
    """))
    build, f, g = module.body[1].body[0], module.body[2], module.body[3]
    built = build.body[0].value
    self_cell = build.body[1].value.args[0]
    assert timeaxis.value_of(self_cell) is built
    assert dataflow.result_uses(built) == [self_cell]
    stack = f.body[0].value
    assert [u.parent.as_string() for u in dataflow.result_uses(stack)] == [
        "tf.nn.dynamic_rnn(stack, x)", "return stack"]
    inline = f.body[1].value
    assert dataflow.result_uses(inline.args[0]) == [inline.args[0]]  # not assigned: itself
    assert timeaxis.value_of(g.body[1].value) is None  # two reaching assignments: no single value


# --- counts that measure a tensor, and tokens of dimensions ------------------------------------------------


@pytest.mark.parametrize("depth_expr", [
    "len(steps)", "x.shape[1]", "int(x.shape[1])", "x.get_shape()[1].value", "x.get_shape().as_list()[1]",
    "tf.shape(x)[1]", "n",
])
def test_a_count_read_back_from_the_input_is_its_time_dimension(depth_expr):
    module = astroid.parse(_source(TF1 + f"""
        def model(x):
            steps = tf.unstack(x, axis=1)
            n = x.get_shape().as_list()[1]
            depth = {depth_expr}
            return tf.nn.static_rnn(cell, steps), tf.nn.dynamic_rnn(cell, x)
    """))
    function = module.body[1]
    depth = function.body[2].value
    static, dynamic = function.body[3].value.elts
    count = timeaxis.dim_count(depth)
    steps = timeaxis.rnn_input_step_count(static) if depth_expr == "len(steps)" else \
        timeaxis.rnn_input_step_count(dynamic)
    assert set(count.spellings) & set(steps.spellings)


def test_a_feature_dimension_is_not_the_time_dimension():
    module = astroid.parse(_source(TF1 + """
        def model(x):
            width = x.shape[2]
            return width, tf.nn.dynamic_rnn(cell, x)
    """))
    function = module.body[1]
    read, call = function.body[1].value.elts
    width = timeaxis.dim_count(read)
    steps = timeaxis.rnn_input_step_count(call)
    assert not set(width.spellings) & set(steps.spellings)


@pytest.mark.parametrize("through", [
    "tf.one_hot(ids, 100)", "tf.layers.dense(tf.one_hot(ids, 100), 8)", "tf.nn.dropout(emb, 0.5)",
    "tf.concat([emb, emb], axis=-1)", "tf.cast(emb, tf.float32)",
])
def test_time_dim_through_ops_that_keep_the_leading_axes(through):
    node = _node(TF1 + f"""
        ids = tf.placeholder(tf.int32, [None, params["max_len"]])
        emb = tf.nn.embedding_lookup(table, ids)
        y = {through}
        y #@
    """)
    assert _text(timeaxis.time_dim(node, 1)) == "params['max_len']"


def test_a_concat_along_time_has_no_single_time_dimension():
    node = _node(TF1 + "x = tf.placeholder(tf.float32, [None, T, 8])\ny = tf.concat([x, x], axis=1)\ny #@")
    assert timeaxis.time_dim(node, 1) is None


def test_steps_of_a_list_filled_by_a_loop_and_iterations_over_it():
    module = astroid.parse(_source(TF1 + """
        def model(x, horizon):
            steps = []
            for t in range(horizon):
                steps.append(x[:, t, :])
            return [make() for _ in steps], tf.nn.static_rnn(cell, steps)
    """))
    function = module.body[1]
    comp, call = function.body[2].value.elts
    assert _text(timeaxis.steps_of_list(call.args[1])) == "horizon"
    count = timeaxis.iteration_count(comp.generators[0].iter)
    assert count.text == "horizon" and set(count.spellings) & set(timeaxis.rnn_input_step_count(call).spellings)
