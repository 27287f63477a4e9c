"""One learned [1, units] state per layer, tiled to the batch at run time: any batch size works."""
import tensorflow as tf

units = 64
x = tf.placeholder(tf.float32, [None, 20, 8])
cell = tf.nn.rnn_cell.LSTMCell(units)

init_c = tf.get_variable("init_c", [1, units])
init_h = tf.get_variable("init_h", [1, units])
batch = tf.shape(x)[0]
state = tf.nn.rnn_cell.LSTMStateTuple(tf.tile(init_c, [batch, 1]), tf.tile(init_h, [batch, 1]))
out, _ = tf.nn.dynamic_rnn(cell, x, initial_state=state)


class Encoder(tf.keras.layers.Layer):
    """Keras: a (1, units) weight, tiled to the batch in call()."""

    def __init__(self, units):
        super().__init__()
        self.lstm = tf.keras.layers.LSTM(units)
        self.h0 = self.add_weight(name="h0", shape=(1, units))
        self.c0 = self.add_weight(name="c0", shape=(1, units))

    def call(self, inputs):
        batch_size = tf.shape(inputs)[0]
        start = [tf.tile(self.h0, [batch_size, 1]), tf.tile(self.c0, [batch_size, 1])]
        return self.lstm(inputs, initial_state=start)
