"""The analysis core: TF API resolution, the variable-scope model, function effects."""
from __future__ import annotations

import astroid
import pytest

from pylint_rnn.core import effects, scopes, tfapi

RESOLUTION_SOURCE = '''
import tensorflow as tf
import tensorflow.compat.v1 as tf1
import tensorflow as T
import tensorflow.contrib.rnn as crnn
from tensorflow.contrib import rnn
from tensorflow.nn import rnn_cell
from tensorflow.compat.v1.nn.rnn_cell import LSTMCell as L
from tensorflow import keras
import keras as K
import tf_keras
from tensorflow.keras.layers import LSTM
from tensorflow.python.ops import rnn_cell_impl
rnn2 = tf.contrib.rnn
cell_fn = rnn.LSTMCell
class MyCell(rnn.GRUCell): pass
class LSTMCell: pass
class Stack(tf.nn.rnn_cell.MultiRNNCell): pass
class Deeper(MyCell): pass
def f():
    import tensorflow.compat.v1 as local_tf
    local_tf.nn.dynamic_rnn(x)  #@
tf.nn.rnn_cell.LSTMCell(3)  #@
tf1.nn.dynamic_rnn(c, x)  #@
T.contrib.rnn.BasicLSTMCell(3)  #@
crnn.GRUCell(3)  #@
rnn.MultiRNNCell([])  #@
rnn_cell.GRUCell(3)  #@
L(3)  #@
keras.layers.LSTM(3)  #@
K.layers.GRU(3)  #@
tf_keras.layers.SimpleRNN(3)  #@
LSTM(4)  #@
rnn2.static_rnn(c, x)  #@
cell_fn(4)  #@
MyCell(4)  #@
Deeper(4)  #@
LSTMCell()  #@
Stack([])  #@
tf.compat.v1.nn.rnn_cell.DropoutWrapper(c)  #@
tf.nn.rnn(c, x)  #@
rnn_cell_impl.BasicRNNCell(2)  #@
tf.keras.layers.RNN(cells)  #@
foo.bar()  #@
'''

EXPECTED = [
    "tf.nn.dynamic_rnn", "tf.nn.rnn_cell.LSTMCell", "tf.nn.dynamic_rnn", "tf.nn.rnn_cell.BasicLSTMCell",
    "tf.nn.rnn_cell.GRUCell", "tf.nn.rnn_cell.MultiRNNCell", "tf.nn.rnn_cell.GRUCell",
    "tf.nn.rnn_cell.LSTMCell", "tf.keras.layers.LSTM", "tf.keras.layers.GRU", "tf.keras.layers.SimpleRNN",
    "tf.keras.layers.LSTM", "tf.nn.static_rnn", "tf.nn.rnn_cell.LSTMCell", "tf.nn.rnn_cell.GRUCell",
    "tf.nn.rnn_cell.GRUCell", None, "tf.nn.rnn_cell.MultiRNNCell", "tf.nn.rnn_cell.DropoutWrapper",
    "tf.nn.static_rnn", "tf.nn.rnn_cell.BasicRNNCell", "tf.keras.layers.RNN", None,
]


def test_every_import_style_resolves_to_one_canonical_name():
    calls = astroid.extract_node(RESOLUTION_SOURCE)
    assert [tfapi.call_api(c) for c in calls] == EXPECTED


@pytest.mark.parametrize("path, canonical", [
    ("tensorflow.compat.v1.nn.rnn_cell.LSTMCell", "tf.nn.rnn_cell.LSTMCell"),
    ("tensorflow.contrib.rnn.MultiRNNCell", "tf.nn.rnn_cell.MultiRNNCell"),
    ("tensorflow.contrib.rnn.LayerNormBasicLSTMCell", "tf.contrib.rnn.LayerNormBasicLSTMCell"),
    ("tensorflow.keras.layers.LSTM", "tf.keras.layers.LSTM"),
    ("keras.src.layers.rnn.lstm.LSTM", "tf.keras.layers.LSTM"),
    ("tensorflow.python.keras.layers.recurrent.GRU", "tf.keras.layers.GRU"),
    ("tensorflow.compat.v1.variable_scope", "tf.variable_scope"),
    ("numpy.concatenate", None),
])
def test_canonical_names(path, canonical):
    assert tfapi.canonical_name(path) == canonical


def test_kind_predicates():
    assert tfapi.is_cell_class("tf.nn.rnn_cell.LSTMCell")
    assert tfapi.is_cell_class("tf.contrib.rnn.LayerNormBasicLSTMCell")
    assert not tfapi.is_cell_class("tf.nn.rnn_cell.MultiRNNCell")
    assert tfapi.is_cell_stack("tf.nn.rnn_cell.MultiRNNCell")
    assert tfapi.is_cell_wrapper("tf.nn.rnn_cell.DropoutWrapper")
    assert tfapi.is_rnn_function("tf.nn.bidirectional_dynamic_rnn")
    assert tfapi.is_keras_rnn_layer("tf.keras.layers.GRU")
    assert not tfapi.is_cell_class(None)


def test_a_name_bound_two_ways_is_not_resolved():
    call = astroid.extract_node('''
import tensorflow as tf
if flag:
    make = tf.nn.rnn_cell.LSTMCell
else:
    make = tf.nn.rnn_cell.GRUCell
make(3)  #@
''')
    assert tfapi.call_api(call) is None


SCOPE_SOURCE = '''
import tensorflow as tf
def f(x, reuse=False, name="enc"):
    with tf.variable_scope(name, reuse=reuse):
        a(x)  #@
with tf.variable_scope('lstm') as scope:
    a()  #@
    scope.reuse_variables()
    b()  #@
with tf.variable_scope('lstm', reuse=True):
    with tf.name_scope('x'):
        c()  #@
with tf.variable_scope('o', reuse=tf.AUTO_REUSE):
    with tf.variable_scope('i'):
        d()  #@
for i in range(3):
    with tf.variable_scope('loop'):
        e()  #@
        if i == 0:
            tf.get_variable_scope().reuse_variables()
with tf.variable_scope(None, default_name='u'):
    g()  #@
with tf.variable_scope('v', reuse=some_flag):
    h()  #@
tf.get_variable_scope().reuse_variables()
with tf.variable_scope('after'):
    k()  #@
'''


def test_scope_chain_and_reuse_modes():
    calls = astroid.extract_node(SCOPE_SOURCE)
    got = [(scopes.reuse_mode(c), scopes.scope_key(c)) for c in calls]
    assert got == [
        ("param:reuse", ("param:name",)),
        ("none", ("lstm",)),
        ("true", ("lstm",)),
        ("true", ("lstm",)),  # tf.name_scope adds nothing to variable names
        ("auto", ("o", "i")),
        # The switch sets the scope the loop enters anew on every iteration: nothing carries over (TF raises
        # "loop/w already exists" on the second iteration, tests/runtime/test_reuse_names_truth.py).
        ("none", ("loop",)),
        ("none", None),  # default_name scopes are unique
        ("unknown", ("v",)),
        ("true", ("after",)),  # the root scope switched to reuse; new scopes inherit it
    ]


def test_effects_follow_helpers_methods_and_lambdas():
    module = astroid.parse('''
import tensorflow as tf
def leaf():
    return tf.get_variable("w", [2])
def middle():
    return leaf()
make = lambda: tf.nn.rnn_cell.LSTMCell(4)
def pure(x):
    return x + 1
class M:
    def build(self):
        return self.helper()
    def helper(self):
        return tf.Variable(1.0)
''')
    middle = module["middle"]
    assert effects.creates_variables(middle)
    [through] = effects.effects(middle).named
    assert through.describe(("w",)) == "leaf() (tf.get_variable('w'))"
    assert not effects.creates_graph_ops(module["pure"])
    assert effects.returns_new_cell(module.body[3].value)
    build = module["M"]["build"]
    assert effects.creates_variables(build)
    assert [c.label for c in effects.effects(build).plain] == ["tf.Variable"]


def test_recursive_functions_terminate():
    module = astroid.parse('''
import tensorflow as tf
def a(n):
    return b(n) if n else tf.get_variable("w", [1])
def b(n):
    return a(n - 1)
''')
    assert effects.creates_variables(module["a"])


def test_project_subclass_resolves_but_installed_packages_are_not_parsed(tmp_path, monkeypatch):
    """A project's own TF subclass counts as its TF base; a class from an installed package is never read."""
    from astroid.manager import AstroidManager

    package = tmp_path / "proj"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "cells.py").write_text(
        "import tensorflow as tf\nclass MyCell(tf.nn.rnn_cell.LSTMCell):\n    pass\n")
    model = package / "model.py"
    model.write_text("from proj.cells import MyCell\nfrom .cells import MyCell as Rel\n"
                     "from pytest import Pytester\nMyCell(4)\nRel(4)\nPytester(1)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    requested = []
    original = AstroidManager.ast_from_module_name

    def recording(self, modname, *args, **kwargs):
        requested.append(modname)
        return original(self, modname, *args, **kwargs)

    monkeypatch.setattr(AstroidManager, "ast_from_module_name", recording)
    module = AstroidManager().ast_from_file(str(model), "proj.model", source=True)
    calls = [stmt.value for stmt in module.body[3:]]
    assert [tfapi.call_api(c) for c in calls] == ["tf.nn.rnn_cell.LSTMCell", "tf.nn.rnn_cell.LSTMCell", None]
    assert "pytest" not in requested
