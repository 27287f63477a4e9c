"""A TF1 facade over ``tf.compat.v1`` so legacy scripts run unmodified on TensorFlow 2.x.

Installed in the verifier's child process only, and only when the target is TF1-style. After
:func:`install`, ``import tensorflow as tf`` gives a module whose attributes come from ``tf.compat.v1``
(graph mode, ``disable_v2_behavior``), plus a small ``tf.contrib`` covering the names RNN code uses.
Any other ``tf.contrib`` name raises :class:`UnsupportedTF1API`, which names the API.
"""
from __future__ import annotations

import re
import sys
import types

# Names whose presence marks a script as TF1-style (they do not exist in TF2's top-level namespace).
_TF1_MARKERS = re.compile(
    r"\btf\.(placeholder|Session|InteractiveSession|variable_scope|get_variable|contrib|layers\.|"
    r"train\.\w*Optimizer|global_variables_initializer|initialize_all_variables|nn\.rnn_cell|"
    r"nn\.dynamic_rnn|nn\.static_rnn|nn\.bidirectional_dynamic_rnn|random_normal|random_uniform|"
    r"truncated_normal|AUTO_REUSE|get_collection|GraphKeys|trainable_variables|global_variables|"
    r"assign\(|to_float|Print\(|reset_default_graph|get_variable_scope|name_scope\(|"
    r"local_variables_initializer|ConfigProto)"
    r"|\btensorflow\.contrib\b|\bfrom tensorflow import contrib\b"
)


def looks_tf1(source: str) -> bool:
    """True when the source uses TF1-only names through ``tf.`` (and is not already on tf.compat.v1)."""
    if re.search(r"import\s+tensorflow\.compat\.v1\s+as\s+tf\b", source):
        return False
    return bool(_TF1_MARKERS.search(source))


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


_SUPPORTED_RNN = (
    "BasicRNNCell BasicLSTMCell LSTMCell GRUCell MultiRNNCell LSTMStateTuple RNNCell DropoutWrapper "
    "ResidualWrapper DeviceWrapper static_rnn static_bidirectional_rnn static_state_saving_rnn "
    "LayerNormBasicLSTMCell"
).split()
_SUPPORTED_LAYERS = "fully_connected xavier_initializer xavier_initializer_conv2d l2_regularizer l1_regularizer flatten".split()


class _StrictModule(types.ModuleType):
    """A module whose unknown attributes raise UnsupportedTF1API naming the full API."""

    _supported: tuple = ()

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        hint = ""
        if self._supported:
            hint = "Supported here: " + ", ".join(sorted(self._supported)) + "."
        raise UnsupportedTF1API(f"{self.__name__}.{name}", hint)


def _layer_norm_basic_lstm_cell(v1, legacy_cells):
    """tf.contrib.rnn.LayerNormBasicLSTMCell, re-implemented as in TF 1.x (same variables, same math)."""

    class LayerNormBasicLSTMCell(legacy_cells.RNNCell):
        def __init__(self, num_units, forget_bias=1.0, input_size=None, activation=None,
                     layer_norm=True, norm_gain=1.0, norm_shift=0.0, dropout_keep_prob=1.0,
                     dropout_prob_seed=None, reuse=None):
            super().__init__(_reuse=reuse)
            self._num_units = num_units
            self._activation = activation or v1.tanh
            self._forget_bias = forget_bias
            self._keep_prob = dropout_keep_prob
            self._seed = dropout_prob_seed
            self._layer_norm = layer_norm
            self._norm_gain = norm_gain
            self._norm_shift = norm_shift

        @property
        def state_size(self):
            return legacy_cells.LSTMStateTuple(self._num_units, self._num_units)

        @property
        def output_size(self):
            return self._num_units

        def _norm(self, inp, scope):
            shape = inp.get_shape()[-1:]
            with v1.variable_scope(scope):
                gamma = v1.get_variable("gamma", shape, initializer=v1.constant_initializer(self._norm_gain))
                beta = v1.get_variable("beta", shape, initializer=v1.constant_initializer(self._norm_shift))
            mean, var = v1.nn.moments(inp, [1], keep_dims=True)
            return (inp - mean) * v1.rsqrt(var + 1e-6) * gamma + beta

        def _linear(self, args):
            proj_size = args.get_shape()[-1]
            weights = v1.get_variable("kernel", [proj_size, 4 * self._num_units])
            out = v1.matmul(args, weights)
            if not self._layer_norm:
                out = out + v1.get_variable("bias", [4 * self._num_units])
            return out

        def call(self, inputs, state):
            c, h = state
            concat = self._linear(v1.concat([inputs, h], 1))
            i, j, f, o = v1.split(value=concat, num_or_size_splits=4, axis=1)
            if self._layer_norm:
                i = self._norm(i, "input")
                j = self._norm(j, "transform")
                f = self._norm(f, "forget")
                o = self._norm(o, "output")
            g = self._activation(j)
            if self._keep_prob < 1:
                g = v1.nn.dropout(g, keep_prob=self._keep_prob, seed=self._seed)
            new_c = c * v1.sigmoid(f + self._forget_bias) + v1.sigmoid(i) * g
            if self._layer_norm:
                new_c = self._norm(new_c, "state")
            new_h = self._activation(new_c) * v1.sigmoid(o)
            return new_h, legacy_cells.LSTMStateTuple(new_c, new_h)

    return LayerNormBasicLSTMCell


def _build_contrib(v1):
    from tf_keras.src.layers.rnn import legacy_cells

    contrib = _StrictModule("tensorflow.contrib")
    contrib._supported = ("rnn", "layers", "framework")
    contrib.__path__ = []  # a package, so `from tensorflow.contrib import rnn` works

    rnn = _StrictModule("tensorflow.contrib.rnn")
    rnn._supported = tuple(_SUPPORTED_RNN)
    cells = v1.nn.rnn_cell
    for name in ("BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell", "LSTMStateTuple",
                 "RNNCell", "DropoutWrapper", "ResidualWrapper", "DeviceWrapper"):
        setattr(rnn, name, getattr(cells, name))
    # The functions are looked up on tf.compat.v1.nn at call time, so probes installed later apply.
    for name in ("static_rnn", "static_bidirectional_rnn", "static_state_saving_rnn"):
        setattr(rnn, name, _late(v1.nn, name))
    rnn.LayerNormBasicLSTMCell = _layer_norm_basic_lstm_cell(v1, legacy_cells)

    layers = _StrictModule("tensorflow.contrib.layers")
    layers._supported = tuple(_SUPPORTED_LAYERS)

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

    layers.fully_connected = fully_connected
    layers.xavier_initializer = xavier_initializer
    layers.xavier_initializer_conv2d = xavier_initializer
    layers.l2_regularizer = l2_regularizer
    layers.l1_regularizer = l1_regularizer
    layers.flatten = v1.layers.flatten

    framework = _StrictModule("tensorflow.contrib.framework")
    framework._supported = ("nest",)
    from tensorflow.python.util import nest
    framework.nest = nest

    contrib.rnn = rnn
    contrib.layers = layers
    contrib.framework = framework
    return {"tensorflow.contrib": contrib, "tensorflow.contrib.rnn": rnn,
            "tensorflow.contrib.layers": layers, "tensorflow.contrib.framework": framework}


def _late(namespace, name):
    def call(*args, **kwargs):
        return getattr(namespace, name)(*args, **kwargs)

    call.__name__ = name
    return call


class _ContribFinder:
    """Meta-path finder: `import tensorflow.contrib.<anything else>` fails naming the API."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.startswith("tensorflow.contrib.") and fullname not in sys.modules:
            raise UnsupportedTF1API(fullname)
        return None


def install():
    """Replace ``sys.modules['tensorflow']`` with the TF1 facade. Returns the real TF module."""
    import tensorflow as real_tf
    import tensorflow.compat.v1 as v1

    v1.disable_v2_behavior()

    # Aliases TF 1.x had and 2.x dropped, that RNN code of that era uses.
    from tensorflow.python.util import nest
    if not hasattr(nest, "is_sequence"):
        nest.is_sequence = nest.is_nested

    contrib_modules = _build_contrib(v1)

    class TF1Facade(types.ModuleType):
        def __getattr__(self, name):
            if name == "contrib":
                return contrib_modules["tensorflow.contrib"]
            try:
                return getattr(v1, name)
            except AttributeError:
                return getattr(real_tf, name)

        def __dir__(self):
            return sorted(set(dir(v1)) | {"contrib"})

    facade = TF1Facade("tensorflow", "TensorFlow 1.x API (pylint-rnn-verify facade over tf.compat.v1)")
    facade.__path__ = list(getattr(real_tf, "__path__", []))
    facade.__file__ = getattr(real_tf, "__file__", None)
    facade.__version__ = real_tf.__version__
    facade.__pylint_rnn_facade__ = True
    sys.modules["tensorflow"] = facade
    sys.modules.update(contrib_modules)
    sys.meta_path.insert(0, _ContribFinder())
    return real_tf
