"""Input for the CLI tests: a stack of distinct cells, nothing to report."""
import tensorflow as tf

cells = [tf.nn.rnn_cell.LSTMCell(8) for _ in range(3)]
stack = tf.nn.rnn_cell.MultiRNNCell(cells)
