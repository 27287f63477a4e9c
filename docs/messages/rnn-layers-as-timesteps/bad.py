"""Seed 002: 'one cell per time step' built as a stack as deep as the sequence is long."""
import tensorflow as tf
from tensorflow.keras import layers

seq_length, n_x, n_h = 3, 26, 100
inputs = tf.placeholder(tf.float32, [None, seq_length, n_x])
cells = []
for _ in range(seq_length):
    cells.append(tf.contrib.rnn.BasicRNNCell(n_h))
multi_rnn_cell = tf.contrib.rnn.MultiRNNCell(cells)  # [rnn-layers-as-timesteps]
outputs, state = tf.nn.dynamic_rnn(multi_rnn_cell, inputs, dtype=tf.float32)


def keras_model(timesteps):
    return tf.keras.Sequential([layers.LSTM(50, return_sequences=True) for _ in range(timesteps)])  # [rnn-layers-as-timesteps]
