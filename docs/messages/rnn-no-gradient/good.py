"""The ANN's output is the RNN's input in one graph: the optimizer now updates the ANN's weights too."""
import numpy as np
import tensorflow as tf

batch, steps, n = 8, 10, 4


def ann(inputs):
    weights = tf.Variable(tf.random_normal([1, n]))
    return tf.reshape(tf.nn.relu(tf.matmul(inputs, weights)), [batch, steps, n])


c = tf.placeholder(tf.float32, [batch * steps, 1])
y = tf.placeholder(tf.float32, [batch, 1])
rnn_input = ann(c)
cell = tf.nn.rnn_cell.LSTMCell(16)
outputs, _ = tf.nn.static_rnn(cell, tf.unstack(rnn_input, axis=1), dtype=tf.float32)
loss = tf.reduce_mean(tf.square(tf.layers.dense(outputs[-1], 1) - y))
train_op = tf.train.AdamOptimizer().minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(train_op, {c: np.zeros([batch * steps, 1]), y: np.zeros([batch, 1])})
