"""Input for the CLI tests: one rnn-same-cell-stacked (the same cell object stacked three times)."""
import tensorflow as tf

cell = tf.nn.rnn_cell.LSTMCell(8)
stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 3)
