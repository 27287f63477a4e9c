"""Two 'towers' from one call: the list repeats one result, so both names are one subgraph."""
import tensorflow as tf


def tower(inputs):
    cell = tf.nn.rnn_cell.LSTMCell(64)
    outputs, _ = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
    return outputs


inputs = tf.placeholder(tf.float32, [None, 20, 8])
left, right = [tower(inputs)] * 2  # [rnn-repeated-graph-call]
