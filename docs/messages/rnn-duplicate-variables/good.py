"""Separate weights: each RNN in its own scope. Shared weights: one helper called again under reuse."""
import tensorflow as tf

source = tf.placeholder(tf.float32, [None, 20, 8])
target = tf.placeholder(tf.float32, [None, 20, 8])
encoder_cell = tf.nn.rnn_cell.LSTMCell(64)
decoder_cell = tf.nn.rnn_cell.LSTMCell(64)
_, state = tf.nn.dynamic_rnn(encoder_cell, source, dtype=tf.float32, scope="encoder")
outputs, _ = tf.nn.dynamic_rnn(decoder_cell, target, initial_state=state, scope="decoder")


def encoder(x):
    weights = tf.get_variable("weights", [8, 16])
    return tf.tensordot(x, weights, axes=1)


x1 = tf.placeholder(tf.float32, [None, 20, 8])
x2 = tf.placeholder(tf.float32, [None, 20, 8])
with tf.variable_scope("tower") as scope:
    left = encoder(x1)
    scope.reuse_variables()
    right = encoder(x2)
