"""One cell unrolled over the time steps; a deliberate stack is as deep as a layer count."""
import tensorflow as tf

seq_length, n_x, n_h, num_layers = 3, 26, 100, 2
inputs = tf.placeholder(tf.float32, [None, seq_length, n_x])

cell = tf.contrib.rnn.BasicRNNCell(n_h)  # one layer, unrolled over seq_length steps
outputs, state = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32, scope="single")

multi = tf.contrib.rnn.MultiRNNCell([tf.contrib.rnn.BasicRNNCell(n_h) for _ in range(num_layers)])
deep_outputs, deep_state = tf.nn.dynamic_rnn(multi, inputs, dtype=tf.float32, scope="stacked")
