"""Unit tests for following values across functions and containers: core.origins, core.callsites,
core.records, and the loop-target definitions and container helpers of core.dataflow."""
from __future__ import annotations

import textwrap

import astroid
import pytest
from astroid import nodes

from pylint_rnn.core import callsites, dataflow, origins, records

HEADER = "import collections\nimport dataclasses\nimport typing\nimport tensorflow as tf\n"


def parse(code: str) -> nodes.Module:
    return astroid.parse(HEADER + textwrap.dedent(code), module_name="sample")


def use_of(module: nodes.Module, name: str) -> nodes.NodeNG:
    """The argument of the last ``use(...)`` call whose text is ``name``."""
    calls = [c for c in module.nodes_of_class(nodes.Call)
             if isinstance(c.func, nodes.Name) and c.func.name == "use" and c.args[0].as_string() == name]
    return calls[-1].args[0]


def origin_texts(expr: nodes.NodeNG) -> list:
    return sorted((value.as_string(), path) for value, path in origins.origins(expr))


BUILDERS = """
Endpoints = collections.namedtuple("Endpoints", ["enc", "loss"])

class Typed(typing.NamedTuple):
    enc: object
    loss: object

@dataclasses.dataclass
class Holder:
    enc: object
    loss: object

def as_dict():
    enc = tf.layers.dense(x, 3)
    return {"enc": enc, "loss": tf.reduce_mean(enc)}

def filled_dict():
    d = {}
    d["enc"] = tf.layers.dense(x, 4)
    return d

def as_tuple():
    return tf.layers.dense(x, 5), None

def as_namedtuple():
    outputs, state = tf.nn.dynamic_rnn(cell, x)
    return Endpoints(enc=outputs, loss=state)

def as_typed():
    return Typed(tf.layers.dense(x, 6), None)

def as_dataclass():
    return Holder(loss=None, enc=tf.layers.dense(x, 7))
"""


@pytest.mark.parametrize("code, expected", [
    ("ep = as_dict()\nuse(ep['enc'])", [("tf.layers.dense(x, 3)", ())]),
    ("use(as_dict()['loss'])", [("tf.reduce_mean(enc)", ())]),
    ("ep = filled_dict()\nuse(ep['enc'])", [("tf.layers.dense(x, 4)", ())]),
    ("a, b = as_tuple()\nuse(a)", [("tf.layers.dense(x, 5)", ())]),
    ("ep = as_tuple()\nuse(ep[0])", [("tf.layers.dense(x, 5)", ())]),
    ("ep = as_namedtuple()\nuse(ep.enc)", [("tf.nn.dynamic_rnn(cell, x)", (0,))]),
    ("enc, loss = as_namedtuple()\nuse(loss)", [("tf.nn.dynamic_rnn(cell, x)", (1,))]),
    ("ep = as_typed()\nuse(ep.enc)", [("tf.layers.dense(x, 6)", ())]),
    ("ep = as_dataclass()\nuse(ep.enc)", [("tf.layers.dense(x, 7)", ())]),
    ("KEY = 'enc'\nep = as_dict()\nuse(ep[KEY])", [("tf.layers.dense(x, 3)", ())]),
])
def test_endpoints_returned_in_containers_and_records(code, expected):
    module = parse(BUILDERS + code)
    assert origin_texts(use_of(module, code.rsplit("use(", 1)[1][:-1])) == expected


def test_self_attributes_across_methods_and_config_objects():
    module = parse("""
    class Config:
        layers = 3
    class Model:
        def __init__(self, config):
            self.config = config
            self.parts = {"enc": tf.layers.dense(x, 2)}
        def build(self):
            self.outputs, self.state = tf.nn.dynamic_rnn(cell, x)
        def head(self):
            use(self.outputs)
            use(self.parts["enc"])
    cfg = Config()
    use(cfg.layers)
    """)
    assert origin_texts(use_of(module, "self.outputs")) == [("tf.nn.dynamic_rnn(cell, x)", (0,))]
    assert origin_texts(use_of(module, "self.parts['enc']")) == [("tf.layers.dense(x, 2)", ())]
    assert origin_texts(use_of(module, "cfg.layers")) == [("3", ())]


def test_parameters_take_the_arguments_of_every_call_site():
    module = parse("""
    def pool(seq):
        use(seq)
    a, _ = tf.nn.dynamic_rnn(cell_a, x)
    pool(a)
    pool(seq=tf.layers.dense(x, 3))
    class Trainer:
        def step(self, codes):
            use(codes)
        def fit(self):
            self.step(tf.zeros([3]))
    def never_called(v):
        use(v)
    """)
    assert origin_texts(use_of(module, "seq")) == [("tf.layers.dense(x, 3)", ()),
                                                   ("tf.nn.dynamic_rnn(cell_a, x)", (0,))]
    assert origin_texts(use_of(module, "codes")) == [("tf.zeros([3])", ())]
    assert origin_texts(use_of(module, "v")) == [("v", ())]  # unknown: itself


@pytest.mark.parametrize("code, name, expected", [
    ("phs = [tf.placeholder(tf.float32), tf.placeholder(tf.int32)]\n"
     "d = {use(p): v for p, v in zip(phs, values)}", "p",
     ["tf.placeholder(tf.float32)", "tf.placeholder(tf.int32)"]),
    ("for i, t in enumerate([tf.zeros([1]), tf.ones([1])]):\n    use(t)", "t", ["tf.ones([1])", "tf.zeros([1])"]),
    ("parts = {'a': tf.zeros([1])}\nfor k, v in parts.items():\n    use(v)", "v", ["tf.zeros([1])"]),
    ("outs = []\nfor x in xs:\n    outs.append(tf.layers.dense(x, 2))\nuse(outs[0])", "outs[0]",
     ["tf.layers.dense(x, 2)"]),
    ("outs = [tf.layers.dense(x, 2) for x in xs]\nfor o in list(outs):\n    use(o)", "o", ["tf.layers.dense(x, 2)"]),
])
def test_loops_comprehensions_and_appends(code, name, expected):
    module = parse(code)
    assert [text for text, _ in origin_texts(use_of(module, name))] == expected


def test_alias_and_holder_targets():
    module = parse("""
    def build():
        ph = tf.placeholder(tf.float32)
        phs = [ph]
        return {"ph": ph, "all": phs}
    ep = build()
    self_ph = ep["ph"]
    use(self_ph)
    for p in ep["all"]:
        use(p)
    """)
    targets = sorted(t.as_string() for t in origins.alias_targets(use_of(module, "self_ph")))
    assert targets == ["ph", "self_ph"]  # not ep: it holds the dict
    holders = {t.as_string(): path for t, path in origins.holder_targets(use_of(module, "p"))}
    assert holders["phs"] == (dataflow.EACH,) and holders["ep"] == ("all", dataflow.EACH)


def test_elements_and_select():
    module = parse(BUILDERS + "ep = as_dict()\nuse(ep)\ncodes, loss = sess.run([a, b])\nuse(codes)")
    ep = use_of(module, "ep")
    assert [e.as_string() for e in origins.elements(ep, "enc")] == ["enc"]
    assert origins.elements(ep, "missing") is None
    assert origins.elements(ep, origins.Attr("enc")) is None
    codes = use_of(module, "codes")
    ((value, rest),) = origins.select(codes, ())
    assert value is codes and rest == ()
    (definition,) = dataflow.definitions(codes)
    ((value, rest),) = origins.select(definition.value, definition.path)
    assert value.as_string() == "sess.run([a, b])" and rest == (0,)


def test_unknown_receiver_reads_the_one_builder_or_record():
    module = parse("""
    def build():
        return {"enc": tf.layers.dense(x, 3), "loss": l}
    Heads = collections.namedtuple("Heads", "step")
    def heads():
        return Heads(step=opt.minimize(l))
    def fit(model, h):
        use(model["enc"])
        use(h.step)
    """)
    assert origin_texts(use_of(module, "model['enc']")) == [("tf.layers.dense(x, 3)", ())]
    assert origin_texts(use_of(module, "h.step")) == [("opt.minimize(l)", ())]


def test_unknown_receiver_with_two_builders_stays_unknown():
    module = parse("""
    def small():
        return {"enc": tf.layers.dense(x, 3)}
    def large():
        return {"enc": tf.layers.dense(x, 30)}
    def fit(model):
        use(model["enc"])
    """)
    assert origin_texts(use_of(module, "model['enc']")) == [("model", ("enc",))]


def test_cycles_and_depth_terminate():
    module = parse("""
    def f(x):
        return f(x)
    a = b
    b = a
    use(a)
    use(f(1))
    d = {}
    d["self"] = d
    use(d["self"]["self"]["self"])
    """)
    for name in ("a", "f(1)", "d['self']['self']['self']"):
        origins.origins(use_of(module, name))  # returns, whatever it finds


def test_records_fields():
    module = parse(BUILDERS + "use(Endpoints(1, 2))\nuse(Typed(1, 2))\nuse(Holder(1, 2))\nuse(Plain(1))\n"
                   "class Plain:\n    def __init__(self, a):\n        self.a = a\n")
    calls = [use_of(module, text) for text in ("Endpoints(1, 2)", "Typed(1, 2)", "Holder(1, 2)", "Plain(1)")]
    assert [records.record_fields(c) for c in calls] == [["enc", "loss"], ["enc", "loss"], ["enc", "loss"], None]
    assert records.record_argument(calls[0], "loss").as_string() == "2"
    assert records.record_argument(calls[1], -2).as_string() == "1"
    assert records.record_argument(calls[3], "a") is None


def test_call_sites_and_parameter_values():
    module = parse("""
    def f(a, b=1, *rest):
        pass
    f(1)
    f(2, b=3)
    f(*xs)
    """)
    function = module.body[-4]
    assert len(callsites.call_sites(function)) == 3
    a, b = function.args.args
    assert callsites.parameter_values(a) == []  # one call passes it through *xs: unknown
    module = parse("def g(a, b=1):\n    pass\ng(1)\ng(2, b=3)\n")
    a, b = module.body[-3].args.args
    assert [v.as_string() for v in callsites.parameter_values(a)] == ["1", "2"]
    assert [v.as_string() for v in callsites.parameter_values(b)] == ["1", "3"]


def test_loop_targets_are_defined_by_their_iterable():
    module = parse("for ph, v in zip(phs, vs):\n    use(v)\n")
    (definition,) = dataflow.definitions(use_of(module, "v"))
    assert definition.value.as_string() == "zip(phs, vs)" and definition.path == (dataflow.EACH, 1)
    assert dataflow.select_element(definition.value, definition.path) is None


def test_dict_comprehension_entries_and_appended_values():
    module = parse("""
    feed = {ph: v for ph, v in zip(phs, vs)}
    use(feed)
    outs = []
    outs.append(a)
    outs.extend([b, c])
    use(outs)
    other = []
    other.insert(0, a)
    use(other)
    """)
    ((key, value),) = dataflow.dict_entries(use_of(module, "feed"))
    assert (key.as_string(), value.as_string()) == ("ph", "v")
    outs = use_of(module, "outs")
    assert [v.as_string() for v in dataflow.appended_values(outs, outs)] == ["a", "b", "c"]
    other = use_of(module, "other")
    assert dataflow.appended_values(other, other) is None
