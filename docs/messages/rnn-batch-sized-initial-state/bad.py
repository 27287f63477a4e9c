"""A trainable initial state made from zero_state(batch_size): one learned state per batch slot."""
import tensorflow as tf

batch_size, units = 32, 64
x = tf.placeholder(tf.float32, [batch_size, 20, 8])
cell = tf.nn.rnn_cell.LSTMCell(units)

init_vars = cell.zero_state(batch_size, tf.float32)
init_c = tf.Variable(init_vars.c)  # [rnn-batch-sized-initial-state]
init_h = tf.Variable(init_vars.h)  # [rnn-batch-sized-initial-state]
out, _ = tf.nn.dynamic_rnn(cell, x, initial_state=tf.nn.rnn_cell.LSTMStateTuple(init_c, init_h))
