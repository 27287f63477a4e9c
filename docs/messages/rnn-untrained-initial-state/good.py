"""The learned start state itself, tiled to the batch, is the RNN's initial state: it gets gradients."""
import tensorflow as tf

units = 64
x = tf.placeholder(tf.float32, [None, 20, 8])
cell = tf.nn.rnn_cell.LSTMCell(units)

init_c = tf.get_variable("init_c", [1, units])
init_h = tf.get_variable("init_h", [1, units])
batch = tf.shape(x)[0]
learned = tf.nn.rnn_cell.LSTMStateTuple(tf.tile(init_c, [batch, 1]), tf.tile(init_h, [batch, 1]))
# Carrying the state across truncated segments: choose between the learned start and the carried state
# in the graph (e.g. tf.cond, or a placeholder_with_default on the carried state), so that the loss still
# depends on init_c at the start of every sequence.
out, new_state = tf.nn.dynamic_rnn(cell, x, initial_state=learned)
