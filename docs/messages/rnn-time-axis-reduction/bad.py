"""Seed 004: meant as the sum of the layers' outputs, it sums the top layer's outputs over time."""
import tensorflow as tf
from tensorflow.contrib import rnn

num_layers = 3
inputs = tf.placeholder(tf.float32, [None, 20, 8])


def lstm_cell():
    return rnn.LSTMCell(32)


cell = rnn.MultiRNNCell([lstm_cell() for _ in range(num_layers)])
outputs, state = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
layer_sum = tf.reduce_sum(outputs, axis=1)  # [rnn-time-axis-reduction]
