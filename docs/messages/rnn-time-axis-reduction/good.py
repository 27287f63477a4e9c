"""A cell whose output at each step is the sum of its layers' outputs: y_t = h_t^1 + h_t^2 + h_t^3."""
import tensorflow as tf
from tensorflow.contrib import rnn

num_layers = 3
inputs = tf.placeholder(tf.float32, [None, 20, 8])


class SumOfLayersCell(rnn.MultiRNNCell):
    def call(self, inputs, state):
        layer_input, new_outputs, new_states = inputs, [], []
        for i, layer in enumerate(self._cells):
            with tf.variable_scope("cell_%d" % i):
                layer_input, new_state = layer(layer_input, state[i])
            new_outputs.append(layer_input)
            new_states.append(new_state)
        return tf.add_n(new_outputs), tuple(new_states)


cell = SumOfLayersCell([rnn.LSTMCell(32) for _ in range(num_layers)])
layer_sums, state = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
