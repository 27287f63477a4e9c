"""The trainable init_c is only copied into the state the RNN reads: an assignment has no gradient."""
import tensorflow as tf

batch_size, units = 32, 64
x = tf.placeholder(tf.float32, [batch_size, 20, 8])
cell = tf.nn.rnn_cell.LSTMCell(units)

init_c = tf.Variable(tf.zeros([1, units]))  # trainable
state_c = tf.Variable(tf.zeros([batch_size, units]), trainable=False)  # what the RNN reads
state_h = tf.Variable(tf.zeros([batch_size, units]), trainable=False)
initial_state = tf.nn.rnn_cell.LSTMStateTuple(state_c, state_h)
out, new_state = tf.nn.dynamic_rnn(cell, x, initial_state=initial_state)
start = tf.assign(state_c, tf.tile(init_c, [batch_size, 1]))  # [rnn-untrained-initial-state]
