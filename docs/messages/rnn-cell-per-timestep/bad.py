"""A manual unroll that builds a new cell, with new weights, at every time step."""
import tensorflow as tf


def unroll(inputs, initial_state, num_steps, n_hidden):
    state = initial_state
    for t in range(num_steps):
        cell = tf.nn.rnn_cell.BasicLSTMCell(n_hidden)  # [rnn-cell-per-timestep]
        output, state = cell(inputs[:, t, :], state)
    return output, state
