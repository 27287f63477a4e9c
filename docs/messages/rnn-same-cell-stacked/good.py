"""A new cell for every layer and for every direction."""
import tensorflow as tf
from tensorflow.contrib import rnn

num_layers, n_layers, nstates = 3, 2, 32
keep_prob = 0.8
x = tf.placeholder(tf.float32, [None, 20, 64])


def make_cell():
    return tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.LSTMCell(128), output_keep_prob=keep_prob)


stack = tf.nn.rnn_cell.MultiRNNCell([make_cell() for _ in range(num_layers)])

# seed 001: a factory, with the scope's reuse flag, so a second stack under reuse shares layer by layer
lstm_cell = lambda: rnn.LSTMCell(nstates, reuse=tf.get_variable_scope().reuse)
lstm_multi_cell = rnn.MultiRNNCell([lstm_cell() for _ in range(n_layers)])

outputs, states = tf.nn.bidirectional_dynamic_rnn(make_cell(), make_cell(), x, dtype=tf.float32)

layer = tf.keras.layers.RNN([tf.keras.layers.LSTMCell(64) for _ in range(2)])
bi = tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(64))  # builds its own backward copy
