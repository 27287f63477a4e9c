"""One cell built before the loop and called at every step (TF1: reuse after the first step)."""
import tensorflow as tf


def unroll(inputs, initial_state, num_steps, n_hidden):
    cell = tf.nn.rnn_cell.BasicLSTMCell(n_hidden)
    state = initial_state
    with tf.variable_scope("RNN"):
        for t in range(num_steps):
            if t > 0:
                tf.get_variable_scope().reuse_variables()
            output, state = cell(inputs[:, t, :], state)
    return output, state


def unroll_by_tensorflow(inputs, initial_state, n_hidden):
    cell = tf.nn.rnn_cell.BasicLSTMCell(n_hidden)
    return tf.nn.dynamic_rnn(cell, inputs, initial_state=initial_state)
