"""Unit tests for pylint_rnn.core.sessions: sessions, runs, feed dicts, fetch structures, fetched values."""
from __future__ import annotations

import re
import textwrap

import astroid
import pytest
from astroid import nodes

from pylint_rnn.core import sessions

HEADER = "import numpy as np\nimport tensorflow as tf\n"


def parse(code: str) -> nodes.Module:
    return astroid.parse(HEADER + textwrap.dedent(code), module_name="sample")


def runs(module: nodes.Module, is_op=None):
    out = []
    for call in module.nodes_of_class(nodes.Call):
        run = sessions.session_run(call, is_op=is_op)
        if run is not None:
            out.append(run)
    return out


def last_run(module, is_op=None):
    return runs(module, is_op)[-1]


def fed(module, key_text: str, is_op=None):
    """The fetched tensor (as text) the last run feeds through key_text, or None."""
    for run in reversed(runs(module, is_op)):
        for key, value in sessions.feed_items(run):
            if key.as_string() == key_text:
                found = sessions.fetched_value(value, is_op=is_op)
                return found.node.as_string() if found else None
    raise AssertionError(f"{key_text} not fed")


# --- sessions -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [
    "s = tf.Session()\ns.run(t)",
    "with tf.Session() as s:\n    s.run(t)",
    "with tf.compat.v1.Session(graph=g) as s:\n    s.run(t)",
    "mon = tf.train.MonitoredSession()\nmon.run(t)",
    "sess.run(t)",
    "self.session.run(t)",
    "tf.get_default_session().run(t)",
    "t.eval(feed_dict={})",
])
def test_session_runs_recognised(code):
    module = parse(code)
    assert len(runs(module)) == 1


@pytest.mark.parametrize("code", [
    "runner.run(t)",
    "thread.run()",
    "subprocess.run(['ls'])",
    "eval('1 + 1')",
    "self.eval()",
    "df.eval('a + b')",
])
def test_other_runs_ignored(code):
    assert runs(parse(code)) == []


@pytest.mark.parametrize("receiver, expected", [
    ("sess", True), ("train_session", True), ("Sess", True), ("self.tf_sess", True), ("runner", False),
])
def test_default_session_names_match_the_last_name_whole(receiver, expected):
    assert bool(runs(parse(f"{receiver}.run(t)"))) is expected


def test_session_names_pattern_is_a_full_match():
    module = parse("my_runner.run(t)")
    (call,) = list(module.nodes_of_class(nodes.Call))
    assert sessions.session_run(call, re.compile("runner")) is None
    assert sessions.session_run(call, re.compile(".*runner")) is not None
    assert sessions.session_run(call, re.compile("MY_RUNNER")) is None  # the pattern is not lower-cased


def test_op_run_needs_the_op_test():
    module = parse("train_step.run(feed_dict={x: 1})")
    assert runs(module) == []
    run = last_run(module, is_op=lambda expr: True)
    assert run.kind == "op-run" and run.fetches.as_string() == "train_step"


def test_run_parts():
    run = last_run(parse("sess.run([a, b], feed_dict={x: 1})"))
    assert run.kind == "run"
    assert run.fetches.as_string() == "[a, b]"
    assert run.feed.as_string() == "{x: 1}"
    run = last_run(parse("sess.run(a, {x: 1})"))
    assert run.feed.as_string() == "{x: 1}"
    run = last_run(parse("a.eval({x: 1})"))
    assert run.kind == "eval" and run.fetches.as_string() == "a" and run.feed.as_string() == "{x: 1}"


# --- feed dicts -----------------------------------------------------------------------------------------


def feed_pairs(code: str):
    run = last_run(parse(code))
    return sorted((k.as_string(), v.as_string()) for k, v in sessions.feed_items(run))


def test_feed_literal():
    assert feed_pairs("sess.run(op, {x: 1, y: v})") == [("x", "1"), ("y", "v")]


def test_feed_dict_call_forms():
    assert feed_pairs("sess.run(op, dict([(x, 1), (y, 2)]))") == [("x", "1"), ("y", "2")]
    assert feed_pairs("sess.run(op, dict(zip([x, y], [1, 2])))") == [("x", "1"), ("y", "2")]
    assert feed_pairs("base = {x: 1}\nsess.run(op, dict(base))") == [("x", "1")]


def test_feed_item_assignment_and_update():
    code = """
    fd = {}
    fd[x] = 1
    fd.update({y: 2})
    fd.update(dict([(z, 3)]))
    sess.run(op, feed_dict=fd)
    fd[w] = 4
    """
    assert feed_pairs(code) == [("x", "1"), ("y", "2"), ("z", "3")]


def test_feed_unpacking():
    code = """
    base = {x: 1}
    sess.run(op, {**base, y: 2})
    """
    assert feed_pairs(code) == [("x", "1"), ("y", "2")]


def test_feed_through_attribute_in_function():
    code = """
    def step(self):
        self.fd = {self.x: 1}
        self.fd[self.y] = 2
        self.sess.run(self.op, self.fd)
    """
    assert feed_pairs(code) == [("self.x", "1"), ("self.y", "2")]


def test_feed_rebound_uses_last_binding():
    code = """
    fd = {x: 1}
    fd = {y: 2}
    sess.run(op, fd)
    """
    assert feed_pairs(code) == [("y", "2")]


def test_user_dict_is_not_builtin():
    code = """
    def dict(*a):
        return {}
    sess.run(op, dict([(x, 1)]))
    """
    assert feed_pairs(code) == []


# --- fetched values -------------------------------------------------------------------------------------


def test_plain_name():
    assert fed(parse("v = sess.run(t)\nsess.run(op, {p: v})"), "p") == "t"


def test_eval_value():
    assert fed(parse("v = t.eval(feed_dict={x: 1})\nsess.run(op, {p: v})"), "p") == "t"


def test_tuple_unpacking():
    code = "a, b = sess.run([t1, t2])\nsess.run(op, {p: b, q: a})"
    module = parse(code)
    assert fed(module, "p") == "t2"
    assert fed(module, "q") == "t1"


def test_nested_unpacking():
    code = "_, (c, h) = sess.run([train, (tc, th)])\nsess.run(op, {p: h})"
    assert fed(parse(code), "p") == "th"


def test_index_of_fetch_list():
    assert fed(parse("r = sess.run([t1, t2])\nsess.run(op, {p: r[1]})"), "p") == "t2"
    assert fed(parse("r = sess.run([t1, t2])[0]\nsess.run(op, {p: r})"), "p") == "t1"


def test_fetch_dict():
    code = "out = sess.run({'h': h, 'l': loss})\nsess.run(op, {p: out['h']})"
    assert fed(parse(code), "p") == "h"
    code = "fetches = {'h': h}\nfetches['s'] = s\nout = sess.run(fetches)\nsess.run(op, {p: out['s']})"
    assert fed(parse(code), "p") == "s"
    code = "out = sess.run(dict(h=h))\nsess.run(op, {p: out['h']})"
    assert fed(parse(code), "p") == "h"


def test_fetch_list_through_name():
    code = "fetches = [t1, t2]\na, b = sess.run(fetches)\nsess.run(op, {p: b})"
    assert fed(parse(code), "p") == "t2"


@pytest.mark.parametrize("expr", [
    "v[0]", "np.array(v)", "np.asarray(v, dtype=np.float32)", "v.reshape(1, -1)", "np.squeeze(v)",
    "v.astype('float32')", "np.expand_dims(v, 0)", "v.T", "np.squeeze(v).astype(np.float32)[None]",
    "[v]", "np.concatenate([v, v])", "np.stack([v[0] for _ in range(2)])",
])
def test_reshapes_keep_the_value(expr):
    assert fed(parse(f"v = sess.run(t)\nsess.run(op, {{p: {expr}}})"), "p") == "t"


@pytest.mark.parametrize("expr", [
    "v + 1", "v * noise", "np.random.choice(2, p=v[0])", "np.argmax(v)", "process(v)", "np.mean(v)",
    "v.copy()",
])
def test_other_operations_break_the_chain(expr):
    assert fed(parse(f"v = sess.run(t)\nsess.run(op, {{p: {expr}}})"), "p") is None


def test_in_place_change_breaks_the_chain():
    assert fed(parse("v = sess.run(t)\nv[0] = 1\nsess.run(op, {p: v})"), "p") is None
    assert fed(parse("v = sess.run(t)\nv += 1\nsess.run(op, {p: v})"), "p") is None


def test_through_intermediate_names():
    code = "v = sess.run(t)\nw = np.array(v)\nu = w[0]\nsess.run(op, {p: u})"
    assert fed(parse(code), "p") == "t"


def test_self_attribute_in_function():
    code = """
    def step(self):
        self.v = self.sess.run(self.t)
        self.sess.run(self.op, {self.p: self.v})
    """
    assert fed(parse(code), "self.p") == "self.t"


def test_later_means_source_order():
    code = "sess.run(op, {p: v})\nv = sess.run(t)"
    assert fed(parse(code), "p") is None


def test_later_in_the_same_loop_body():
    code = """
    v = None
    for i in range(3):
        sess.run(op, {p: v})
        v = sess.run(t)
    """
    assert fed(parse(code), "p") == "t"


def test_loop_rebinding_before_use_kills_carried_value():
    code = """
    for i in range(3):
        v = load()
        sess.run(op, {p: v})
        v = sess.run(t)
    """
    assert fed(parse(code), "p") is None


def test_last_binding_wins():
    assert fed(parse("v = sess.run(t)\nv = load()\nsess.run(op, {p: v})"), "p") is None
    assert fed(parse("v = load()\nv = sess.run(t)\nsess.run(op, {p: v})"), "p") == "t"


def test_other_function_is_unknown():
    code = """
    def fetch():
        v = sess.run(t)
        return v
    def train(v):
        sess.run(op, {p: v})
    """
    assert fed(parse(code), "p") is None


def test_user_function_result_is_followed():
    code = """
    def fetch():
        return sess.run(t)
    v = fetch()
    sess.run(op, {p: v})
    """
    assert fed(parse(code), "p") == "t"


def test_recurrence_reports_own_run_among_values():
    code = """
    state = sess.run(init)
    for i in range(3):
        _, state = sess.run([op, final], {p: state})
    """
    module = parse(code)
    run = last_run(module)
    (_, value), = sessions.feed_items(run)
    found = {(f.run.call.lineno, f.node.as_string()) for f in sessions.fetched_values(value)}
    assert {f[1] for f in found} == {"init", "final"}


# --- fetch leaves ---------------------------------------------------------------------------------------


def test_fetch_leaves():
    module = parse("f = {'a': a, 'b': [b, (c,)]}\nsess.run(f)")
    run = last_run(module)
    assert sorted(n.as_string() for n in sessions.fetch_leaves(run.fetches, run.call)) == ["a", "b", "c"]
    module = parse("sess.run(tensor)")
    run = last_run(module)
    assert [n.as_string() for n in sessions.fetch_leaves(run.fetches, run.call)] == ["tensor"]


# --- fetched values across methods, helpers, parameters and containers ----------------------------------


@pytest.mark.parametrize("code, key", [
    ("""
    class Trainer:
        def refresh(self):
            self.cache = self.sess.run(t)
        def step(self):
            self.sess.run(self.op, {self.ph: self.cache})
    """, "self.ph"),
    ("""
    def fetch(sess):
        codes, loss = sess.run([t, l])
        return codes
    def train(sess, codes):
        sess.run(op, {p: codes})
    train(sess, fetch(sess))
    """, "p"),
    ("""
    values = sess.run([t, u])
    sess.run(op, {ph: v for ph, v in zip([p, q], values)})
    """, "ph"),
    ("""
    batches = []
    for x in xs:
        batches.append(sess.run(t, {inp: x}))
    sess.run(op, {p: np.concatenate(batches)})
    """, "p"),
    ("""
    out = sess.run({"t": t, "l": l})
    feed = {}
    for name in ["t"]:
        feed[p] = out["t"]
    sess.run(op, feed)
    """, "p"),
])
def test_fetched_values_across_functions_and_containers(code, key):
    assert fed(parse(code), key) == "t"


def test_fetch_structure_returned_by_a_builder():
    module = parse("""
    def endpoints():
        return {"enc": enc, "train": train}
    ep = endpoints()
    res = sess.run(ep)
    sess.run(op, {p: res["enc"]})
    """)
    assert fed(module, "p") == "enc"
    run = runs(module)[0]
    assert sorted(n.as_string() for n in sessions.fetch_leaves(run.fetches, run.call)) == ["enc", "train"]
