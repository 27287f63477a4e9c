"""One call per input; the towers share their weights through a reused variable scope."""
import tensorflow as tf


def tower(inputs):
    cell = tf.nn.rnn_cell.LSTMCell(64)
    outputs, _ = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
    return outputs


input_left = tf.placeholder(tf.float32, [None, 20, 8])
input_right = tf.placeholder(tf.float32, [None, 20, 8])
with tf.variable_scope("tower") as scope:
    left = tower(input_left)
    scope.reuse_variables()
    right = tower(input_right)
