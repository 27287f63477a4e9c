"""The encoder's output is fetched, then fed back through a placeholder in the training run."""
import numpy as np
import tensorflow as tf


def encoder(ids):
    embeddings = tf.get_variable("embeddings", [1000, 32])  # trainable
    return tf.nn.embedding_lookup(embeddings, ids)


tokens = tf.placeholder(tf.int32, [None, 20])
labels = tf.placeholder(tf.float32, [None, 1])
encoded = encoder(tokens)
rnn_in = tf.placeholder(tf.float32, [None, 20, 32])
outputs, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(64), rnn_in, dtype=tf.float32)
loss = tf.losses.mean_squared_error(labels, tf.layers.dense(outputs[:, -1], 1))
train_op = tf.train.AdamOptimizer().minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    batch, ys = np.zeros([8, 20]), np.zeros([8, 1])
    enc = sess.run(encoded, {tokens: batch})
    sess.run(train_op, {rnn_in: enc, labels: ys})  # [rnn-placeholder-roundtrip]
