"""Unit tests for rnn-same-cell-stacked: the findings of analyses/stacking.py and the message texts pylint shows."""
from __future__ import annotations

import astroid
from pylint.interfaces import HIGH
from pylint.testutils import CheckerTestCase

from pylint_rnn import rules
from pylint_rnn.analyses import stacking
from pylint_rnn.checkers.stacking import StackingChecker


def _messages(code: str):
    module = astroid.parse(code)
    case = _Case()
    case.setup_method()
    case.walk(module)
    template = rules.rule(stacking.SAME_CELL).pylint_template
    return [template % m.args for m in case.linter.release_messages()]


class _Case(CheckerTestCase):
    CHECKER_CLASS = StackingChecker


def test_message_for_literal_count():
    messages = _messages(
        "import tensorflow as tf\n"
        "lstm = tf.nn.rnn_cell.LSTMCell(64)\n"
        "tf.nn.rnn_cell.MultiRNNCell([lstm] * 3)\n"
    )
    assert messages == [
        "cell 'lstm' is used for 3 layers of MultiRNNCell: the layers share one set of weights; build one cell "
        "per layer, e.g. [tf.nn.rnn_cell.LSTMCell(64) for _ in range(3)]"
    ]


def test_message_names_a_symbolic_count():
    messages = _messages(
        "from tensorflow.keras import layers\n"
        "def f(cell, num_layers):\n"
        "    return layers.StackedRNNCells([cell] * num_layers)\n"
    )
    assert messages == [
        "cell 'cell' is used for num_layers layers of StackedRNNCells: the layers share one set of weights; "
        "build one cell per layer, e.g. [make_cell() for _ in range(num_layers)]"
    ]


def test_message_for_bidirectional():
    messages = _messages(
        "import tensorflow.compat.v1 as tf\n"
        "def f(cell, x):\n"
        "    return tf.nn.bidirectional_dynamic_rnn(cell, cell, x)\n"
    )
    assert messages == [
        "cell 'cell' is used for both directions of bidirectional_dynamic_rnn: the directions share one set "
        "of weights; build a separate cell for each direction"
    ]


def test_message_for_one_list_stacked_for_both_directions():
    messages = _messages(
        "import tensorflow as tf\n"
        "def f(make_cell, x):\n"
        "    cells = [make_cell() for _ in range(2)]\n"
        "    fw = tf.nn.rnn_cell.MultiRNNCell(cells)\n"
        "    bw = tf.nn.rnn_cell.MultiRNNCell(cells)\n"
        "    return tf.nn.bidirectional_dynamic_rnn(fw, bw, x)\n"
    )
    assert messages == [
        "list 'cells' is used for both directions of bidirectional_dynamic_rnn: the directions share one set "
        "of weights; build a separate cell for each direction"
    ]


def test_messages_for_stack_bidirectional_lists():
    messages = _messages(
        "import tensorflow as tf\n"
        "def one_list(cells, x):\n"
        "    return tf.contrib.rnn.stack_bidirectional_dynamic_rnn(cells, cells, x)\n"
        "def one_cell(make_cell, x):\n"
        "    c = make_cell()\n"
        "    return tf.contrib.rnn.stack_bidirectional_dynamic_rnn([c, make_cell()], [make_cell(), c], x)\n"
    )
    assert messages == [
        "list 'cells' is used for both directions of stack_bidirectional_dynamic_rnn: the directions share one "
        "set of weights; build a separate list of cells for each direction",
        "cell 'c' is used for a forward and a backward layer of stack_bidirectional_dynamic_rnn: the directions "
        "share one set of weights; build a separate cell for each direction",
    ]


def test_message_for_keras_bidirectional():
    messages = _messages(
        "from tensorflow.keras import layers\n"
        "gru = layers.GRU(8)\n"
        "layers.Bidirectional(gru, backward_layer=gru)\n"
    )
    assert messages == [
        "layer 'gru' is used for both directions of Bidirectional: Keras copies the forward layer, then rejects "
        "the pair with a ValueError (same go_backwards); build a separate backward layer with "
        "go_backwards=True, or leave out backward_layer"
    ]


def test_findings_fill_the_registry_template_with_high_confidence():
    call = astroid.extract_node(
        "import tensorflow as tf\n"
        "c = tf.nn.rnn_cell.GRUCell(4)\n"
        "tf.nn.rnn_cell.MultiRNNCell([c, c]) #@\n"
    )
    findings = stacking.same_cell_findings(call)
    assert len(findings) == 1
    rule = rules.rule(findings[0].symbol)
    assert (len(findings[0].args), len(findings[0].fix_args)) == rule.arity()
    assert findings[0].confidence is HIGH and findings[0].confidence in rule.confidences


def test_the_spelling_filter_passes_our_apis_and_skips_others():
    passes = ["tf.nn.rnn_cell.MultiRNNCell(c)", "MultiRNNCell(c)", "layers.Bidirectional(l)",
              "rnn.stack_bidirectional_rnn(c)", "keras.layers.RNN(c)", "MyStack(c)"]
    skipped = ["np.zeros(3)", "self.build(x)", "f()(x)"]
    assert all(stacking.may_stack_cells(astroid.extract_node(code)) for code in passes)
    assert not any(stacking.may_stack_cells(astroid.extract_node(code)) for code in skipped)


def test_not_tensorflow_is_silent():
    assert _messages("def MultiRNNCell(cells): pass\nc = 1\nMultiRNNCell([c] * 3)\n") == []
