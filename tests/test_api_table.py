"""The module's API table (tfapi.callee_apis) answers most callees without qualified_path's climb: those
answers must be qualified_path's own, on callees written to trip scope, shadowing and implied modules."""
from __future__ import annotations

import textwrap

import astroid
import pytest
from astroid import nodes

from pylint_rnn.core import tfapi

IMPORTED = '''
import numpy as np
import tensorflow as tf
from tensorflow.contrib import rnn
from tensorflow.nn import dynamic_rnn as run_rnn
lstm = tf.nn.rnn_cell.LSTMCell
tf_again = tf

class MyCell(tf.nn.rnn_cell.GRUCell):
    def __call__(self, inputs, state):
        return super().__call__(inputs, state)

class Plain:
    def build(self, tf):                 # a parameter shadows the import here only
        return tf.nn.dynamic_rnn(self.cell, tf)

def build(x):
    cell = lstm(8)
    other = MyCell(4)
    helper = Plain()
    outputs = run_rnn(cell, x)
    fns = [lambda rnn: rnn.LSTMCell(2), lambda: rnn.GRUCell(2)]
    more = [np(v) for np in fns]       # a comprehension shadows np
    return tf_again.nn.static_rnn(cell, [x]), helper.build(x), other, outputs, more, np.zeros(3)

def reassigned():
    tf.reduce_sum(1)
    layer = tf.keras.layers.LSTM
    return layer(3), len([]), print(tf)

tf = tf.compat.v1                        # the module binds tf twice: position decides
tf.nn.rnn_cell.BasicLSTMCell(3)
'''

SNIPPET = '''
def model(x):
    cell = rnn_cell.LSTMCell(8)          # rnn_cell, rnn, tf: modules a snippet uses without importing them
    other = rnn.GRUCell(4)
    return tf.nn.dynamic_rnn(cell, x), other, len(x), undefined.thing(x)

def local_tf(tf):
    return tf.nn.rnn_cell.LSTMCell(3)    # a parameter named tf: no API here, the implied module elsewhere

def keras_only(layers):
    return keras.layers.LSTM(3)(layers), np.zeros(2)
'''


def _calls(source: str):
    module = astroid.parse(textwrap.dedent(source))
    return module, list(module.nodes_of_class(nodes.Call))


@pytest.mark.parametrize("source", [IMPORTED, SNIPPET], ids=["imported", "snippet"])
def test_table_equals_qualified_path(source):
    """Every call's API from the table is the one qualified_path gives it, and the cases go both ways."""
    _, calls = _calls(source)
    # qualified_path's own answer, asked call by call (the long way the table shortcuts)
    expected = {id(call): api for call in calls
                if (api := tfapi._api_name(call.func)) is not None}  # pylint: disable=protected-access
    fresh, _ = _calls(source)  # callee_apis memoises into the module: ask it of a tree nobody asked before
    table = tfapi.callee_apis(fresh, fresh.nodes_of_class(nodes.Call))
    as_written = {call.as_string(): table.get(id(call)) for call in fresh.nodes_of_class(nodes.Call)}
    assert as_written == {call.as_string(): expected.get(id(call)) for call in calls}
    assert any(as_written.values()) and not all(as_written.values())  # the cases trip both ways
