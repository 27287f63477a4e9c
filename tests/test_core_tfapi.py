"""The analysis core: TF API resolution, the variable-scope model, function effects."""
from __future__ import annotations

import astroid
import pytest

from pylint_rnn.core import effects, scopes, tfapi, usage

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
    _project(tmp_path, monkeypatch, {
        "proj/__init__.py": "",
        "proj/cells.py": "import tensorflow as tf\nclass MyCell(tf.nn.rnn_cell.LSTMCell):\n    pass\n",
        "proj/model.py": "from proj.cells import MyCell\nfrom .cells import MyCell as Rel\n"
                         "from pytest import Pytester\nMyCell(4)\nRel(4)\nPytester(1)\n",
    })
    manager, requested = _recording_manager(monkeypatch)
    module = manager.ast_from_file(str(tmp_path / "proj/model.py"), "proj.model", source=True)
    calls = [stmt.value for stmt in module.body[3:]]
    assert [tfapi.call_api(c) for c in calls] == ["tf.nn.rnn_cell.LSTMCell", "tf.nn.rnn_cell.LSTMCell", None]
    assert "pytest" not in requested


# --- old and indirect imports -----------------------------------------------------------------------------

@pytest.mark.parametrize("source, expected", [
    # TF 0.x: tensorflow.models.rnn re-exported the rnn functions and the cells
    ("from tensorflow.models.rnn import rnn, rnn_cell\nrnn.rnn(c, x)", "tf.nn.static_rnn"),
    ("from tensorflow.models.rnn import rnn\nrnn.bidirectional_rnn(f, b, x)", "tf.nn.static_bidirectional_rnn"),
    ("from tensorflow.models.rnn import rnn_cell\nrnn_cell.MultiRNNCell([])", "tf.nn.rnn_cell.MultiRNNCell"),
    ("from tensorflow.models.rnn.rnn_cell import GRUCell\nGRUCell(3)", "tf.nn.rnn_cell.GRUCell"),
    ("import tensorflow as tf\ntf.models.rnn.rnn_cell.BasicLSTMCell(3)", "tf.nn.rnn_cell.BasicLSTMCell"),
    # tensorflow.python.ops paths
    ("from tensorflow.python.ops import rnn\nrnn.dynamic_rnn(c, x)", "tf.nn.dynamic_rnn"),
    ("from tensorflow.python.ops.rnn import rnn as old\nold(c, x)", "tf.nn.static_rnn"),
    ("from tensorflow.python.ops import rnn_cell\nrnn_cell.LSTMCell(3)", "tf.nn.rnn_cell.LSTMCell"),
    ("from tensorflow.python.ops.rnn_cell_impl import MultiRNNCell\nMultiRNNCell([])",
     "tf.nn.rnn_cell.MultiRNNCell"),
    ("from tensorflow.python.ops import variable_scope as vs\nvs.get_variable('w')", "tf.get_variable"),
    ("from tensorflow.python.layers import core as layers_core\nlayers_core.Dense(3)", "tf.layers.Dense"),
    ("from tensorflow.python.keras.layers.legacy_rnn import rnn_cell_impl\nrnn_cell_impl.LSTMCell(3)",
     "tf.nn.rnn_cell.LSTMCell"),
    ("from tf_keras.src.layers.rnn.legacy_cells import MultiRNNCell\nMultiRNNCell([])", "tf.nn.rnn_cell.MultiRNNCell"),
    # TF 1.0/1.1 contrib internals: every module of the package exports into tf.contrib.rnn
    ("from tensorflow.contrib.rnn.python.ops import core_rnn\ncore_rnn.static_rnn(c, x)", "tf.nn.static_rnn"),
    ("from tensorflow.contrib.rnn.python.ops.core_rnn_cell_impl import BasicLSTMCell\nBasicLSTMCell(3)",
     "tf.nn.rnn_cell.BasicLSTMCell"),
    ("from tensorflow.contrib.rnn.python.ops import rnn\nrnn.stack_bidirectional_dynamic_rnn(f, b, x)",
     "tf.contrib.rnn.stack_bidirectional_dynamic_rnn"),
    ("from tensorflow.contrib.seq2seq.python.ops import attention_wrapper as aw\naw.AttentionWrapper(c, m)",
     "tf.contrib.seq2seq.AttentionWrapper"),
])
def test_old_and_internal_import_paths(source, expected):
    module = astroid.parse(source)
    assert tfapi.call_api(module.body[-1].value) == expected


SNIPPET = '''
x = tf.placeholder(tf.float32, [None, 5, 3])
cell = rnn_cell.BasicLSTMCell(3)
outputs, states = rnn.rnn(cell, xs)
rnn.BasicLSTMCell(3)
rnn.unknown_thing(3)
keras.layers.LSTM(4)
def f(tf, rnn):
    tf.nn.dynamic_rnn(cell, x)
    rnn.rnn(cell, x)
def g():
    rnn_cell = make()
    rnn_cell.BasicLSTMCell(3)
'''


def test_a_snippet_that_never_imports_tf_still_resolves():
    """Unbound tf / tensorflow / keras are those modules; unbound rnn / rnn_cell only for an API they have."""
    module = astroid.parse(SNIPPET)
    calls = [c for c in module.nodes_of_class(astroid.nodes.Call)
             if isinstance(c.func, astroid.nodes.Attribute) and c.func.attrname != "float32"]
    assert [tfapi.call_api(c) for c in calls] == [
        "tf.placeholder", "tf.nn.rnn_cell.BasicLSTMCell", "tf.nn.static_rnn", "tf.nn.rnn_cell.BasicLSTMCell",
        None, "tf.keras.layers.LSTM", None, None, None]
    assert usage.module_uses_tensorflow(module)


@pytest.mark.parametrize("source", [
    "import numpy as np\nrnn = np.zeros(3)\nrnn.rnn(x)\n",  # bound: a variable, not the module
    "def f(tf):\n    return tf.zeros(3)\n",  # a parameter named tf
    "import torch\nrnn_cell.forward(x)\n",  # not an attribute the TF module has
    "x = 'tf.nn.dynamic_rnn'\n",  # only text
])
def test_modules_that_do_not_use_tf(source):
    assert not usage.module_uses_tensorflow(astroid.parse(source))


def _project(tmp_path, monkeypatch, files):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))


def _recording_manager(monkeypatch):
    from astroid.manager import AstroidManager

    requested = []
    original = AstroidManager.ast_from_module_name

    def recording(self, modname, *args, **kwargs):
        requested.append(modname)
        return original(self, modname, *args, **kwargs)

    monkeypatch.setattr(AstroidManager, "ast_from_module_name", recording)
    return AstroidManager(), requested


CELLS = '''
import tensorflow as tf
class MyCell(tf.nn.rnn_cell.LSTMCell):
    pass
class MyStack(tf.nn.rnn_cell.MultiRNNCell):
    pass
Alias = tf.contrib.rnn.GRUCell
def helper():
    return 1
'''


def test_project_classes_through_every_import_style(tmp_path, monkeypatch):
    _project(tmp_path, monkeypatch, {
        "pkg/__init__.py": "from .cells import (\n    MyCell,\n    MyStack as Exported,\n)\n",
        "pkg/cells.py": CELLS,
        "pkg/sub/__init__.py": "",
        "pkg/sub/model.py": (
            "import pkg.cells as c\nfrom pkg import cells\nfrom .. import cells as rel\n"
            "from ..cells import Alias\nfrom pkg import Exported\nfrom pkg.cells import *\n"
            "c.MyCell(3)\ncells.MyCell(3)\nrel.MyStack([])\nAlias(3)\nExported([])\nMyStack([])\nhelper()\n"),
    })
    manager, _ = _recording_manager(monkeypatch)
    module = manager.ast_from_file(str(tmp_path / "pkg/sub/model.py"), "pkg.sub.model", source=True)
    calls = [stmt.value for stmt in module.body[6:]]
    assert [tfapi.call_api(c) for c in calls] == [
        "tf.nn.rnn_cell.LSTMCell", "tf.nn.rnn_cell.LSTMCell", "tf.nn.rnn_cell.MultiRNNCell",
        "tf.nn.rnn_cell.GRUCell", "tf.nn.rnn_cell.MultiRNNCell", "tf.nn.rnn_cell.MultiRNNCell", None]
    assert usage.module_uses_tensorflow(module)  # no TF import: its cells come from the project


def test_project_modules_are_parsed_only_when_a_question_needs_them(tmp_path, monkeypatch):
    """A module that imports project functions (not classes) and never calls a project class parses
    nothing; one that calls a project class parses only the module that may define it."""
    _project(tmp_path, monkeypatch, {
        "proj/__init__.py": "",
        "proj/cells.py": CELLS,
        "proj/data.py": "def load():\n    return [1, 2]\n\n\ndef twice():\n    return load() + load()\n",
        "proj/plots.py": "class Figure:\n    pass\n",
        "proj/train.py": "import tensorflow as tf\nfrom proj.data import load\nfrom proj.plots import Figure\n"
                         "x = load()\n",
        "proj/run.py": "from proj.data import load\nfrom proj.cells import MyCell\nfrom proj.plots import Figure\n"
                       "cell = MyCell(load())\n",
    })
    manager, requested = _recording_manager(monkeypatch)
    parsed = _recording_reader(monkeypatch)
    train = manager.ast_from_file(str(tmp_path / "proj/train.py"), "proj.train", source=True)
    assert usage.module_uses_tensorflow(train)
    assert tfapi.call_api(train.body[-1].value) is None
    assert not {"proj.data", "proj.plots", "proj.cells"} & set(parsed)  # `load` is only a def there
    run = manager.ast_from_file(str(tmp_path / "proj/run.py"), "proj.run", source=True)
    assert usage.module_uses_tensorflow(run)
    assert "proj.cells" in parsed and "proj.plots" not in parsed and "proj.data" not in parsed
    assert not [name for name in requested if name.startswith("proj")]  # read with ast, never built by astroid


def _recording_reader(monkeypatch):
    """The project modules project_source parses (its per-file cache is bypassed)."""
    from pylint_rnn.core import project_source

    parsed = []
    original = project_source._source.__wrapped__  # pylint: disable=protected-access

    def recording(path, modname, mtime):
        parsed.append(modname)
        return original(path, modname, mtime)

    monkeypatch.setattr(project_source, "_source", recording)
    return parsed


@pytest.mark.parametrize("code, combined", [
    ("tf.add_n(parts) #@", "parts"),
    ("tf.concat(values=parts, axis=1) #@", "parts"),
    ("tf.reduce_mean(parts, axis=0) #@", "parts"),
    ("keras.layers.average(parts) #@", "parts"),
    ("tf.keras.layers.Average()(parts) #@", "parts"),
    ("merge = tf.keras.layers.Concatenate()\nmerge(parts) #@", "parts"),
    ("tf.add(a, b) #@", None),  # two operands, not the elements of one list
    ("tf.keras.layers.Dense(3)(parts) #@", None),
    ("combine(parts) #@", None),
])
def test_combined_list_is_the_argument_whose_elements_become_one_tensor(code, combined):
    call = astroid.extract_node("import tensorflow as tf\nimport keras\n" + code)
    found = tfapi.combined_list(call)
    assert (found.as_string() if found is not None else None) == combined
