"""tf.get_variable honours the scope's reuse flag: the second call shares out_weights with the first."""
import tensorflow as tf

n_hidden = 16


def rnn_lower_model(data):
    cell = tf.nn.rnn_cell.LSTMCell(n_hidden)
    outputs, _ = tf.nn.dynamic_rnn(cell, data, dtype=tf.float32)
    out_weights = tf.get_variable("out_weights", [n_hidden, 1])
    return tf.matmul(outputs[:, -1], out_weights)


input_1 = tf.placeholder(tf.float32, [None, 10, 5])
input_2 = tf.placeholder(tf.float32, [None, 10, 5])
with tf.variable_scope("lower_lstm") as scope:
    out_1 = rnn_lower_model(input_1)
    scope.reuse_variables()
    out_2 = rnn_lower_model(input_2)
