"""The encoder is built once and called on both inputs: Keras shares its weights between the calls."""
from tensorflow import keras
from tensorflow.keras import backend as K
from tensorflow.keras import layers


def manhattan(pair):
    return K.exp(-K.sum(K.abs(pair[0] - pair[1]), axis=1, keepdims=True))


shared = layers.Bidirectional(layers.GRU(50))


def tower(seq):
    return shared(seq)


q1, q2 = keras.Input((30, 300)), keras.Input((30, 300))
distance = layers.Lambda(manhattan)([tower(q1), tower(q2)])
model = keras.Model([q1, q2], distance)
