"""One cell object for every layer of a stack, and for both directions of a bidirectional RNN."""
import tensorflow as tf

num_layers = 3
x = tf.placeholder(tf.float32, [None, 20, 64])

lstm = tf.nn.rnn_cell.LSTMCell(128)
stack = tf.nn.rnn_cell.MultiRNNCell([lstm] * num_layers)  # [rnn-same-cell-stacked]

cell = tf.nn.rnn_cell.GRUCell(64)
outputs, states = tf.nn.bidirectional_dynamic_rnn(cell, cell, x, dtype=tf.float32)  # [rnn-same-cell-stacked]

base = tf.keras.layers.LSTMCell(64)
layer = tf.keras.layers.RNN([base] * 2)  # [rnn-same-cell-stacked]
