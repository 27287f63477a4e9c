"""The encoder's output is used in the graph itself: only the original inputs are fed, and it trains."""
import numpy as np
import tensorflow as tf


def encoder(ids):
    embeddings = tf.get_variable("embeddings", [1000, 32])
    return tf.nn.embedding_lookup(embeddings, ids)


tokens = tf.placeholder(tf.int32, [None, 20])
labels = tf.placeholder(tf.float32, [None, 1])
encoded = encoder(tokens)
outputs, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(64), encoded, dtype=tf.float32)
loss = tf.losses.mean_squared_error(labels, tf.layers.dense(outputs[:, -1], 1))
train_op = tf.train.AdamOptimizer().minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    batch, ys = np.zeros([8, 20]), np.zeros([8, 1])
    sess.run(train_op, {tokens: batch, labels: ys})  # the embeddings get gradients too
