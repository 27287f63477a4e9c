"""Unit tests for pylint_rnn.core.dataflow (definitions, aliases) and core.trainable (trainable dependencies)."""
from __future__ import annotations

import textwrap

import astroid
import pytest
from astroid import nodes

from pylint_rnn.core import dataflow, origins, trainable

HEADER = "import numpy as np\nimport tensorflow as tf\n"


def parse(code: str) -> nodes.Module:
    return astroid.parse(HEADER + textwrap.dedent(code), module_name="sample")


# --- definitions and trainable dependencies -------------------------------------------------------------


def first_name(module, name):
    """The last Name load of ``name`` in the module."""
    found = [n for n in module.nodes_of_class(nodes.Name) if n.name == name]
    return found[-1]


def test_definitions_of_tuple_target():
    module = parse("outputs, state = tf.nn.dynamic_rnn(cell, x)\nuse(state)")
    (definition,) = dataflow.definitions(first_name(module, "state"))
    assert definition.path == (1,)
    assert definition.value.as_string().startswith("tf.nn.dynamic_rnn")


def test_definitions_of_class_attribute_from_other_method():
    module = parse("""
    class M:
        def build(self):
            self.h = tf.layers.dense(self.x, 3)
        def use(self):
            return self.h
    """)
    attr = [n for n in module.nodes_of_class(nodes.Attribute) if n.attrname == "h"][-1]
    (definition,) = dataflow.definitions(attr)
    assert definition.value.as_string().startswith("tf.layers.dense")


def test_definitions_of_instance_attribute():
    module = parse("""
    class M:
        def __init__(self):
            self.h = tf.layers.dense(x, 3)
    m = M()
    use(m.h)
    """)
    attr = [n for n in module.nodes_of_class(nodes.Attribute) if n.attrname == "h"][-1]
    assert dataflow.definitions(attr)


def test_origins_through_helper_return():
    module = parse("""
    def build():
        ph = tf.placeholder(tf.float32)
        out = tf.layers.dense(ph, 2)
        return ph, out
    a, b = build()
    use(a)
    """)
    ((value, _),) = origins.origins(first_name(module, "a"))
    assert value.as_string().startswith("tf.placeholder")


@pytest.mark.parametrize("code", [
    "w = tf.Variable(tf.zeros([3]))\nt = x * w",
    "w = tf.get_variable('w', [3])\nt = tf.matmul(x, w)",
    "t = tf.layers.dense(x, 3)",
    "t = tf.contrib.layers.fully_connected(x, 3)",
    "t, _ = tf.nn.dynamic_rnn(cell, x)",
    "t = tf.keras.layers.Dense(3)(x)",
    "layer = tf.keras.layers.LSTM(3)\nt = layer(x)",
    "cell = tf.nn.rnn_cell.GRUCell(3)\nt, s = cell(x, s0)",
    "def enc(v):\n    w = tf.get_variable('w', [3])\n    return v * w\nt = enc(x)",
    "emb = tf.get_variable('e', [10, 3])\nt = tf.nn.embedding_lookup(emb, ids)",
])
def test_depends_on_trainable(code):
    module = parse(code + "\nuse(t)")
    assert trainable.depends_on_trainable(first_name(module, "t"))


@pytest.mark.parametrize("code", [
    "t = tf.placeholder(tf.float32)",
    "t = x * 2.0",
    "w = tf.Variable(0.0, trainable=False)\nt = x * w",
    "t = tf.stop_gradient(tf.layers.dense(x, 3))",
    "t = iterator.get_next()",
    "t = tf.data.Dataset.range(3)",
    "t = cell.zero_state(8, tf.float32)",
    "t = np.zeros(3)",
    "t = unknown_function(x)",
])
def test_does_not_depend_on_trainable(code):
    module = parse(code + "\nuse(t)")
    assert not trainable.depends_on_trainable(first_name(module, "t"))


def test_recursive_definitions_terminate():
    module = parse("a = b\nb = a\nt = a\nuse(t)")
    assert not trainable.depends_on_trainable(first_name(module, "t"))
    module = parse("def f(x):\n    return f(x)\nt = f(1)\nuse(t)")
    assert not trainable.depends_on_trainable(first_name(module, "t"))


def test_trainable_sources_and_upstream():
    module = parse("""
    enc = tf.layers.dense(x, 3)
    layer = tf.keras.layers.Dense(2)
    out = layer(enc)
    loss = tf.reduce_mean(out)
    use(out)
    use(loss)
    """)
    out = first_name(module, "out")
    sources = sorted(n.as_string() for n in trainable.trainable_sources(out))
    assert sources == ["tf.keras.layers.Dense(2)", "tf.layers.dense(x, 3)"]
    loss_upstream = trainable.upstream_nodes(first_name(module, "loss"))
    assert all(id(n) in loss_upstream for n in trainable.trainable_sources(out))


def test_unique_class_attribute_for_unknown_receiver():
    module = parse("""
    class Net:
        def __init__(self):
            self.feat = tf.layers.dense(x, 3)
    def train(net):
        use(net.feat)
    """)
    attr = [n for n in module.nodes_of_class(nodes.Attribute) if n.attrname == "feat"][-1]
    assert trainable.depends_on_trainable(attr)


def _repeated(module):
    """The ``[f(x)] * n`` of each function of the module, by function name."""
    return {fn.name: next(fn.nodes_of_class(nodes.BinOp)) for fn in module.nodes_of_class(nodes.FunctionDef)}


def test_unchanged_uses_follow_the_name_while_only_its_assignment_reaches():
    module = parse("""
    def plain(x, n):
        outs = [f(x)] * n
        return tf.add_n(outs)
    def inline(x, n):
        return tf.add_n([f(x)] * n)
    def refilled(x, n):
        outs = [f(x)] * n
        for i in range(n):
            outs[i] = g(x, i)
        return tf.add_n(outs)
    def rebound(x, n):
        outs = [f(x)] * n
        outs = [f(x) for _ in range(n)]
        return tf.add_n(outs)
    """)
    lists = _repeated(module)
    assert [u.parent.as_string() for u in dataflow.unchanged_uses(lists["plain"])] == ["tf.add_n(outs)"]
    assert dataflow.unchanged_uses(lists["inline"]) == [lists["inline"]]
    assert dataflow.unchanged_uses(lists["refilled"]) == []  # its slots are refilled: not the built value
    assert dataflow.unchanged_uses(lists["rebound"]) == []  # another assignment reaches the use
