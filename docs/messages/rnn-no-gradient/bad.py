"""Seed 000 in short: the ANN's output reaches the RNN only as a fetched value fed through a placeholder.

pylint-rnn-verify reports rnn-no-gradient at the ANN's weights: no gradient reaches them from the loss.
(pylint reports the cause, rnn-placeholder-roundtrip, at the training run.)
"""
import numpy as np
import tensorflow as tf

batch, steps, n = 8, 10, 4


def ann(inputs):
    weights = tf.Variable(tf.random_normal([1, n]))  # rnn-no-gradient: never updated
    return tf.reshape(tf.nn.relu(tf.matmul(inputs, weights)), [batch, steps, n])


c = tf.placeholder(tf.float32, [batch * steps, 1])
y = tf.placeholder(tf.float32, [batch, 1])
rnn_input = ann(c)
input_place = tf.placeholder(tf.float32, [batch, steps, n])
cell = tf.nn.rnn_cell.LSTMCell(16)
outputs, _ = tf.nn.static_rnn(cell, tf.unstack(input_place, axis=1), dtype=tf.float32)
loss = tf.reduce_mean(tf.square(tf.layers.dense(outputs[-1], 1) - y))
train_op = tf.train.AdamOptimizer().minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    feed = {c: np.zeros([batch * steps, 1]), y: np.zeros([batch, 1])}
    value = sess.run(rnn_input, feed)
    sess.run(train_op, {input_place: value, **feed})
