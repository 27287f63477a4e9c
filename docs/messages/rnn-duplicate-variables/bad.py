"""Two RNNs with their own cells in one variable scope: both create rnn/lstm_cell/kernel."""
import tensorflow as tf

source = tf.placeholder(tf.float32, [None, 20, 8])
target = tf.placeholder(tf.float32, [None, 20, 8])
encoder_cell = tf.nn.rnn_cell.LSTMCell(64)
decoder_cell = tf.nn.rnn_cell.LSTMCell(64)
_, state = tf.nn.dynamic_rnn(encoder_cell, source, dtype=tf.float32)
outputs, _ = tf.nn.dynamic_rnn(decoder_cell, target, initial_state=state)  # [rnn-duplicate-variables]
