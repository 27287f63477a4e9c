"""A TF1 facade over ``tf.compat.v1`` so legacy scripts run unmodified on TensorFlow 2.x.

Installed in the verifier's child process only, and only when the target is TF1-style. After
:func:`install`, ``import tensorflow as tf`` gives a module whose attributes come from ``tf.compat.v1``
(graph mode, ``disable_v2_behavior``), plus a small ``tf.contrib`` covering the names RNN code uses.
Any other ``tf.contrib`` name raises :class:`UnsupportedTF1API`, which names the API.
"""
from __future__ import annotations

import sys
import types

from pylint_rnn.verify import tfmode

def looks_tf1(source: str) -> bool:
    """True when the source uses TensorFlow API that only TF1 has (see :mod:`pylint_rnn.verify.tfmode`)."""
    return bool(tfmode.source_tf1_names(source))


class UnsupportedTF1API(ImportError):
    """A TF1 API the shim does not provide (raised where the user's code touches it)."""

    def __init__(self, name: str, hint: str = ""):
        self.api_name = name
        msg = (
            f"{name} is not available: it was removed with tf.contrib in TensorFlow 2, and "
            f"pylint-rnn-verify's TF1 shim does not provide it."
        )
        if hint:
            msg += " " + hint
        super().__init__(msg, name=name)


_CELLS = ("BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell", "LSTMStateTuple", "RNNCell",
          "DropoutWrapper", "ResidualWrapper", "DeviceWrapper")
_RNN_FUNCTIONS = ("static_rnn", "static_bidirectional_rnn", "static_state_saving_rnn")


class _StrictModule(types.ModuleType):
    """A module whose unknown attributes raise UnsupportedTF1API naming the full API."""

    def __init__(self, name: str, attributes: dict, package: bool = False):
        super().__init__(name)
        self.__dict__.update(attributes)
        self.__dict__["supported_names"] = tuple(sorted(attributes))
        if package:
            self.__dict__["__path__"] = []  # a package, so `from tensorflow.contrib import rnn` works

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise UnsupportedTF1API(f"{self.__name__}.{name}",
                                "Supported here: " + ", ".join(self.__dict__["supported_names"]) + ".")


def _layer_norm_basic_lstm_cell(v1, legacy_cells):
    """tf.contrib.rnn.LayerNormBasicLSTMCell, re-implemented as in TF 1.x (same variables, same math)."""

    class LayerNormBasicLSTMCell(legacy_cells.RNNCell):
        """LSTM with layer normalisation of the gates and the cell state (Ba et al. 2016), as TF 1.x built it."""

        # TF 1.x's own signature, kept so that old code runs:
        # pylint: disable-next=too-many-arguments,too-many-positional-arguments
        def __init__(self, num_units, forget_bias=1.0, input_size=None, activation=None,
                     layer_norm=True, norm_gain=1.0, norm_shift=0.0, dropout_keep_prob=1.0,
                     dropout_prob_seed=None, reuse=None):
            super().__init__(_reuse=reuse)
            del input_size  # deprecated and ignored in TF 1.x too
            self._num_units = num_units
            self._activation = activation or v1.tanh
            self._forget_bias = forget_bias
            self._dropout = (dropout_keep_prob, dropout_prob_seed)
            self._norm = (layer_norm, norm_gain, norm_shift)

        @property
        def state_size(self):
            return legacy_cells.LSTMStateTuple(self._num_units, self._num_units)

        @property
        def output_size(self):
            return self._num_units

        def _normalize(self, inp, scope):
            shape = inp.get_shape()[-1:]
            with v1.variable_scope(scope):
                gamma = v1.get_variable("gamma", shape, initializer=v1.constant_initializer(self._norm[1]))
                beta = v1.get_variable("beta", shape, initializer=v1.constant_initializer(self._norm[2]))
            mean, var = v1.nn.moments(inp, [1], keep_dims=True)
            return (inp - mean) * v1.rsqrt(var + 1e-6) * gamma + beta

        def _linear(self, args):
            proj_size = args.get_shape()[-1]
            weights = v1.get_variable("kernel", [proj_size, 4 * self._num_units])
            out = v1.matmul(args, weights)
            if not self._norm[0]:
                out = out + v1.get_variable("bias", [4 * self._num_units])
            return out

        def call(self, inputs, state):  # pylint: disable=arguments-differ  # the legacy cells' call(inputs, state)
            """One step: the four gates from [inputs, h], each normalised, then the new (c, h)."""
            c, h = state
            concat = self._linear(v1.concat([inputs, h], 1))
            gates = v1.split(value=concat, num_or_size_splits=4, axis=1)
            if self._norm[0]:
                gates = [self._normalize(g, n) for g, n in zip(gates, ("input", "transform", "forget", "output"))]
            i, j, f, o = gates
            g = self._activation(j)
            if self._dropout[0] < 1:
                g = v1.nn.dropout(g, keep_prob=self._dropout[0], seed=self._dropout[1])
            new_c = c * v1.sigmoid(f + self._forget_bias) + v1.sigmoid(i) * g
            if self._norm[0]:
                new_c = self._normalize(new_c, "state")
            new_h = self._activation(new_c) * v1.sigmoid(o)
            return new_h, legacy_cells.LSTMStateTuple(new_c, new_h)

    return LayerNormBasicLSTMCell


def _contrib_layers(v1) -> dict:
    """tf.contrib.layers: the few functions RNN models of that era use, on top of tf.compat.v1.layers."""

    # tf.contrib's own signature, kept so that old code runs:
    # pylint: disable-next=too-many-arguments,too-many-positional-arguments
    def fully_connected(inputs, num_outputs, activation_fn=v1.nn.relu, weights_initializer=None,
                        biases_initializer=v1.zeros_initializer(), weights_regularizer=None,
                        reuse=None, trainable=True, scope=None, **unsupported):
        if unsupported:
            raise UnsupportedTF1API("tensorflow.contrib.layers.fully_connected(" + ", ".join(unsupported) + "=...)")
        return v1.layers.dense(inputs, num_outputs, activation=activation_fn,
                               kernel_initializer=weights_initializer or v1.glorot_uniform_initializer(),
                               use_bias=biases_initializer is not None,
                               bias_initializer=biases_initializer or v1.zeros_initializer(),
                               kernel_regularizer=weights_regularizer, trainable=trainable,
                               name=scope or "fully_connected", reuse=reuse)

    def xavier_initializer(uniform=True, seed=None, dtype=v1.float32):
        if uniform:
            return v1.glorot_uniform_initializer(seed=seed, dtype=dtype)
        return v1.glorot_normal_initializer(seed=seed, dtype=dtype)

    def l2_regularizer(scale, scope=None):
        return lambda weights: v1.multiply(scale, v1.nn.l2_loss(weights), name=scope)

    def l1_regularizer(scale, scope=None):
        return lambda weights: v1.multiply(scale, v1.reduce_sum(v1.abs(weights)), name=scope)

    return {"fully_connected": fully_connected, "xavier_initializer": xavier_initializer,
            "xavier_initializer_conv2d": xavier_initializer, "l2_regularizer": l2_regularizer,
            "l1_regularizer": l1_regularizer, "flatten": v1.layers.flatten}


def _build_contrib(v1) -> dict:
    """The tf.contrib modules the facade provides, by module name."""
    from tensorflow.python.util import nest
    from tf_keras.src.layers.rnn import legacy_cells

    rnn_names = {name: getattr(v1.nn.rnn_cell, name) for name in _CELLS}
    # The functions are looked up on tf.compat.v1.nn at call time, so probes installed later apply.
    rnn_names.update({name: _late(v1.nn, name) for name in _RNN_FUNCTIONS})
    rnn_names["LayerNormBasicLSTMCell"] = _layer_norm_basic_lstm_cell(v1, legacy_cells)
    modules = {
        "tensorflow.contrib.rnn": _StrictModule("tensorflow.contrib.rnn", rnn_names),
        "tensorflow.contrib.layers": _StrictModule("tensorflow.contrib.layers", _contrib_layers(v1)),
        "tensorflow.contrib.framework": _StrictModule("tensorflow.contrib.framework", {"nest": nest}),
    }
    modules["tensorflow.contrib"] = _StrictModule(
        "tensorflow.contrib", {name.rsplit(".", 1)[1]: module for name, module in modules.items()}, package=True)
    return modules


def _late(namespace, name):
    def call(*args, **kwargs):
        return getattr(namespace, name)(*args, **kwargs)

    call.__name__ = name
    return call


class _ContribFinder:
    """Meta-path finder: `import tensorflow.contrib.<anything else>` fails naming the API."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        """Raise for an unknown tensorflow.contrib module; leave every other import to the other finders."""
        del path, target  # the finder protocol's arguments: the name alone decides
        if fullname.startswith("tensorflow.contrib.") and fullname not in sys.modules:
            raise UnsupportedTF1API(fullname)


class TF1Facade(types.ModuleType):
    """``sys.modules['tensorflow']`` in TF1 mode: tf.compat.v1's names, then TensorFlow 2's, and tf.contrib."""

    def __init__(self, real_tf, contrib):
        super().__init__("tensorflow", "TensorFlow 1.x API (pylint-rnn-verify facade over tf.compat.v1)")
        self.__dict__.update(__path__=list(getattr(real_tf, "__path__", [])),
                             __file__=getattr(real_tf, "__file__", None),
                             __version__=real_tf.__version__, __pylint_rnn_facade__=True)
        self.__dict__["real_tf"] = real_tf
        self.__dict__["contrib"] = contrib

    def __getattr__(self, name):
        real_tf = self.__dict__["real_tf"]
        try:
            return getattr(real_tf.compat.v1, name)
        except AttributeError:
            return getattr(real_tf, name)

    def __dir__(self):
        return sorted(set(dir(self.__dict__["real_tf"].compat.v1)) | {"contrib"})


def install():
    """Replace ``sys.modules['tensorflow']`` with the TF1 facade. Returns the real TF module."""
    import tensorflow as real_tf

    v1 = real_tf.compat.v1  # the real module: once the facade is in place, `tensorflow.compat.v1` is not it
    v1.disable_v2_behavior()
    # Aliases TF 1.x had and 2.x dropped, that RNN code of that era uses.
    from tensorflow.python.util import nest

    if not hasattr(nest, "is_sequence"):
        nest.is_sequence = nest.is_nested
    contrib_modules = _build_contrib(v1)
    sys.modules["tensorflow"] = TF1Facade(real_tf, contrib_modules["tensorflow.contrib"])
    sys.modules.update(contrib_modules)
    sys.meta_path.insert(0, _ContribFinder())
    return real_tf
