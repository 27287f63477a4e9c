"""rnn-untrained-initial-state / rnn-batch-sized-initial-state: the analysis's texts and confidences, the
checker's options, and edge cases."""
from __future__ import annotations

import re
import textwrap
from collections import Counter

import astroid
import pytest
from astroid import nodes

from functional import FIXTURES, lint_files
from pylint_rnn import rules
from pylint_rnn.analyses import initial_state

UNTRAINED = FIXTURES / "checkers" / "rnn-untrained-initial-state"
BATCH_SIZED = FIXTURES / "checkers" / "rnn-batch-sized-initial-state"

BATCH_FIXTURE = """
import tensorflow as tf

mb, units = 32, 64
x = tf.placeholder(tf.float32, [mb, 10, 4])
cell = tf.nn.rnn_cell.GRUCell(units)
h0 = tf.Variable(tf.zeros([mb, units]))
out, _ = tf.nn.dynamic_rnn(cell, x, initial_state=h0)
"""


def _analyse(source: str, options: initial_state.Options = initial_state.DEFAULT_OPTIONS) -> list:
    """(line, symbol, message as pylint prints it, confidence) per finding, gathered as the checker does."""
    module = astroid.parse(textwrap.dedent(source))
    candidates = initial_state.Candidates.of(list(module.nodes_of_class(nodes.Call)))
    return [(f.node.lineno, f.symbol, rules.rule(f.symbol).format(f.args, f.fix_args), f.confidence.name)
            for f in initial_state.findings(module, candidates, options)]


def _lint(tmp_path, source: str, *options: str) -> Counter:
    path = tmp_path / "case.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    found, _ = lint_files([path], options=tuple(options))
    return found[path.resolve()]


# --- one pinned message per form: the registry's wording, and how sure each form is -------------------

PINNED = {
    # tf.assign into the non-trainable state the RNN starts from: the structure proves it.
    "assign": (FIXTURES / "seeds" / "seed003_question.py", [(32, "HIGH"), (33, "HIGH")],
               "learned initial state 'init_c' never trains: it reaches initial_state of dynamic_rnn only "
               "through tf.assign into non-trainable 'state[0]', and assignments have no gradient; pass "
               "'init_c' itself (tiled to the batch) as initial_state"),
    # trainable=False and never assigned: the learned-state-rgx name says it was meant to learn.
    "frozen": (UNTRAINED / "frozen_learned_state.py", [(7, "INFERENCE")],
               "learned initial state 'learned_init' never trains: it is fed as initial_state of dynamic_rnn "
               "but created with trainable=False and never assigned; drop trainable=False (and give it "
               "shape [1, units], tiled to the batch)"),
    # Nothing reads it while the RNN starts from a non-trainable state: no proof that the loss needs it.
    "unused": (FIXTURES / "seeds" / "seed003_answer2.py", [(23, "INFERENCE"), (24, "INFERENCE")],
               "learned initial state 'init_c' never trains: it never reaches initial_state of dynamic_rnn, "
               "which starts from non-trainable 'state' instead, so no op the loss depends on reads it; "
               "pass 'init_c' itself (tiled to the batch) as initial_state"),
    # The first dimension is the batch_size given to cell.zero_state: HIGH.
    "batch-sized": (BATCH_SIZED / "zero_state_variable.py", [(8, "HIGH"), (9, "HIGH")],
                    "trainable initial state 'init_c' has batch size 'batch_size' as its first dimension "
                    "and is fed as initial_state of dynamic_rnn: it learns a separate state per batch slot "
                    "and fixes the batch size; create it with shape [1, units] and tile it: "
                    "tf.tile(init_c, [tf.shape(inputs)[0], 1])"),
}


@pytest.mark.parametrize("form", sorted(PINNED))
def test_pinned_message_and_confidence(form):
    path, lines, first_message = PINNED[form]
    found = _analyse(path.read_text(encoding="utf-8"))
    assert [(line, confidence) for line, _, _, confidence in found] == lines
    assert found[0][2] == first_message


def test_batch_from_a_name_is_an_inference():
    source = BATCH_FIXTURE.replace("mb", "batch_size")
    assert [(line, confidence) for line, _, _, confidence in _analyse(source)] == [(7, "INFERENCE")]


def test_positional_initial_states_follow_the_rnn_signatures():
    source = """
    import tensorflow as tf
    batch_size = 4
    cell = tf.nn.rnn_cell.GRUCell(8)
    x = tf.placeholder(tf.float32, [batch_size, 3, 2])
    steps = tf.unstack(x, axis=1)
    h_fw = tf.Variable(tf.zeros([batch_size, 8]))
    h_bw = tf.Variable(tf.zeros([batch_size, 8]))
    h = tf.Variable(tf.zeros([batch_size, 8]))
    a = tf.nn.bidirectional_dynamic_rnn(cell, cell, x, None, h_fw, h_bw)
    b = tf.nn.static_rnn(cell, steps, h)
    """
    found = _analyse(source)
    assert [line for line, *_ in found] == [7, 8, 9]
    assert "initial_state of bidirectional_dynamic_rnn" in found[0][2]
    assert found[2][2].endswith("tf.tile(h, [tf.shape(steps[0])[0], 1])")


# --- the checker: options read from the configuration, messages emitted as the registry words them --------


def test_checker_emits_the_registry_text_and_confidence():
    path = UNTRAINED / "frozen_learned_state.py"
    _, messages = lint_files([path])
    [message] = [m for m in messages if m.symbol == "rnn-untrained-initial-state"]
    assert message.msg == _analyse(path.read_text(encoding="utf-8"))[0][2]
    assert message.confidence.name == "INFERENCE"


def test_batch_size_names_option_adds_a_name(tmp_path):
    assert _lint(tmp_path, BATCH_FIXTURE) == Counter()
    found = _lint(tmp_path, BATCH_FIXTURE, "--batch-size-names=mb")
    assert found == Counter({(7, "rnn-batch-sized-initial-state"): 1})


def test_batch_size_names_option_replaces_defaults(tmp_path):
    source = BATCH_FIXTURE.replace("mb", "batch_size")
    assert _lint(tmp_path, source) == Counter({(7, "rnn-batch-sized-initial-state"): 1})
    assert _lint(tmp_path, source, "--batch-size-names=mb") == Counter()


def test_zero_state_argument_always_counts_as_batch(tmp_path):
    source = """
    import tensorflow as tf
    cell = tf.nn.rnn_cell.GRUCell(8)
    x = tf.placeholder(tf.float32, [4, 3, 2])
    h = tf.Variable(cell.zero_state(4, tf.float32))
    out, _ = tf.nn.dynamic_rnn(cell, x, initial_state=h)
    """
    assert _lint(tmp_path, source, "--batch-size-names=nothing") == Counter(
        {(5, "rnn-batch-sized-initial-state"): 1})


def test_learned_state_rgx_option_quiets_the_name_based_forms():
    seed = FIXTURES / "seeds" / "seed003_answer2.py"
    found, _ = lint_files([seed], options=("--learned-state-rgx=^$",))
    # init_c / init_h still come from cell.zero_state: the unused-learned-state form keys on that too.
    assert sum(found[seed.resolve()].values()) == 2
    frozen = UNTRAINED / "frozen_learned_state.py"
    found, _ = lint_files([frozen], options=("--learned-state-rgx=^$",))
    assert found[frozen.resolve()] == Counter()


def test_assign_form_does_not_depend_on_names():
    source = """
    import tensorflow as tf
    cell = tf.nn.rnn_cell.GRUCell(8)
    x = tf.placeholder(tf.float32, [None, 3, 2])
    foo = tf.Variable(tf.zeros([4, 8]))
    bar = tf.Variable(tf.zeros([4, 8]), trainable=False)
    out, last = tf.nn.dynamic_rnn(cell, x, initial_state=bar)
    op = bar.assign(foo)
    """
    no_names = initial_state.Options.of(initial_state.DEFAULT_BATCH_NAMES, re.compile("^$"))
    found = _analyse(source, no_names)
    assert [(line, symbol) for line, symbol, _, _ in found] == [(8, "rnn-untrained-initial-state")]
    assert "only through .assign() into non-trainable 'bar'" in found[0][2]


def test_odd_shapes_do_not_crash(tmp_path):
    source = """
    import tensorflow as tf
    state = ()
    s = state[0]
    t = (1, 2)[5]
    v = tf.Variable(*[1])
    w = tf.get_variable(**{})
    cell = tf.nn.rnn_cell.GRUCell(8)
    a = b = tf.Variable(tf.zeros([]))
    a, *rest = tf.Variable(1), 2, 3
    out, _ = tf.nn.dynamic_rnn(cell, None, initial_state=(s, t, v, w, a, rest, state[1:], b.c))
    v.assign()
    tf.assign()
    """
    assert _lint(tmp_path, source) == Counter()


# --- zero_state parts and configured shapes ----------------------------------------------------------------


@pytest.mark.parametrize("body, confidence", [
    ("start = tuple(tf.Variable(s) for s in stack.zero_state(bs, tf.float32))", "HIGH"),
    ("start = [tf.Variable(s) for s in stack.zero_state(bs, tf.float32)]", "HIGH"),
    ("zero = stack.zero_state(bs, tf.float32)\n"
     "start = []\n"
     "for i, s in enumerate(zero):\n"
     "    start.append(tf.get_variable('h%d' % i, initializer=s))", "HIGH"),
    ("shapes = {'h': [params['batch_size'], 8]}\n"
     "start = (tf.get_variable('h0', shape=shapes['h']), tf.get_variable('h1', shape=shapes['h']))", "INFERENCE"),
    ("states = {}\n"
     "states['a'] = tf.Variable(tf.zeros([cfg.batch_size, 8]))\n"
     "start = (states['a'], states['a'])", "INFERENCE"),
])
def test_batch_sized_parts_of_a_stack_state(body, confidence):
    source = "import tensorflow as tf\n\ndef model(x, bs, params, cfg):\n" \
             "    stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(8) for _ in range(2)])\n" \
             + textwrap.indent(body, "    ") + "\n" \
             "    return tf.nn.dynamic_rnn(stack, x, initial_state=tuple(start))\n"
    found = _analyse(source)
    assert found and {(symbol, conf) for _, symbol, _, conf in found} == {(initial_state.BATCH_SIZED, confidence)}


def test_zero_state_parts_that_stay_tensors_or_are_tiled_are_silent():
    assert not _analyse("""
        import tensorflow as tf

        def model(x, bs):
            stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(8) for _ in range(2)])
            plain = tuple(tf.identity(s) for s in stack.zero_state(bs, tf.float32))
            learned = [tf.get_variable("h%d" % i, shape=[1, 8]) for i in range(2)]
            tiled = tuple(tf.tile(v, [bs, 1]) for v in learned)
            return (tf.nn.dynamic_rnn(stack, x, initial_state=plain, scope="a"),
                    tf.nn.dynamic_rnn(stack, x, initial_state=tiled, scope="b"))
    """)
