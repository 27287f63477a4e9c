"""Unit tests for the symbolic cell-list evaluation behind rnn-same-cell-stacked, and its message texts."""
# pylint: disable=protected-access
from __future__ import annotations

import astroid
import pytest
from pylint.testutils import CheckerTestCase

from pylint_rnn.checkers import stacking
from pylint_rnn.checkers.stacking import Count, StackingChecker


def _call(code: str):
    """The call marked with ``#@`` in ``code``."""
    return astroid.extract_node(code)


def _messages(code: str):
    module = astroid.parse(code)
    case = _Case()
    case.setup_method()
    case.walk(module)
    return [m.args[0] for m in case.linter.release_messages()]


class _Case(CheckerTestCase):
    CHECKER_CLASS = StackingChecker


# --- counts ---------------------------------------------------------------------------------------------


def test_count_arithmetic_keeps_the_users_words():
    n = Count(None, "num_layers")
    assert (Count.of(1) * n).text == "num_layers"
    assert (n * Count.of(2)).text == "num_layers * 2"
    assert (Count.of(2) * Count.of(3)) == Count.of(6)
    assert (Count.of(1) + Count.of(1)).value == 2
    assert (n + Count.of(1)).text == "num_layers + 1"
    assert n.more_than_one() and not Count.of(1).more_than_one() and Count.of(2).more_than_one()


@pytest.mark.parametrize(
    "iterable, value, text",
    [
        ("range(3)", 3, "3"),
        ("range(n)", None, "n"),
        ("range(1, 4)", 3, "3"),
        ("range(0, depth)", None, "depth"),
        ("[64, 64]", 2, "2"),
        ("range(len(sizes))", None, "len(sizes)"),
    ],
)
def test_loop_counts(iterable, value, text):
    count = stacking._loop_count(astroid.extract_node(iterable))
    assert count is not None and count.value == value and count.text == text


@pytest.mark.parametrize("iterable", ["sizes", "enumerate(sizes)", "range(0, n, 2)", "zip(a, b)"])
def test_unknown_loop_counts(iterable):
    assert stacking._loop_count(astroid.extract_node(iterable)) is None


def test_named_count_resolves_to_its_literal_but_keeps_the_name():
    node = astroid.extract_node("N = 1\nN #@")
    count = stacking._count_of(node)
    assert count.value == 1 and count.text == "N" and not count.more_than_one()


# --- cell lists -----------------------------------------------------------------------------------------


def _duplicates(code: str):
    call = _call(code)
    cells = stacking._cell_list(call.args[0], call)
    return [(label, count.text) for label, _, count in stacking.duplicated(cells)] if cells else None


@pytest.mark.parametrize(
    "code, expected",
    [
        ("c = f()\nstack([c] * 3) #@", [("'c'", "3")]),
        ("c = f()\nstack([c, c]) #@", [("'c'", "2")]),
        ("c = f()\nstack([c for _ in range(k)]) #@", [("'c'", "k")]),
        ("stack([make()] * 2) #@", [("'make()'", "2")]),
        ("c = f()\nd = c\nstack([c, d]) #@", [("'c' (also as 'd')", "2")]),
        ("c = f()\ncells = []\nfor _ in range(4):\n    cells.append(c)\nstack(cells) #@", [("'c'", "4")]),
        ("c = f()\ncells = [c]\ncells.append(c)\nstack(cells) #@", [("'c'", "2")]),
        ("c = f()\nstack([c] + [c] * 2) #@", [("'c'", "3")]),
    ],
)
def test_duplicates_found(code, expected):
    assert _duplicates(code) == expected


@pytest.mark.parametrize(
    "code",
    [
        "stack([make() for _ in range(3)]) #@",
        "c = f()\nstack([c] * 1) #@",
        "a = f()\nb = f()\nstack([a, b]) #@",
        "cells = []\nfor _ in range(3):\n    c = f()\n    cells.append(c)\nstack(cells) #@",
        "c = f()\ncells = []\nc2 = c\ncells.append(c)\nc = f()\ncells.append(c)\nstack(cells) #@",
        "c = f()\ncells = []\nfor _ in things:\n    cells.append(c)\nstack(cells) #@",
        "c = f()\nstack([c for i in range(3) if i]) #@",
    ],
)
def test_no_duplicates(code):
    assert not _duplicates(code)


def test_unknown_list_is_none():
    assert _duplicates("def g(cells):\n    stack(cells) #@") is None


# --- message texts (checked against tfapi resolution) ---------------------------------------------------


def test_message_for_literal_count():
    messages = _messages(
        "import tensorflow as tf\n"
        "lstm = tf.nn.rnn_cell.LSTMCell(64)\n"
        "tf.nn.rnn_cell.MultiRNNCell([lstm] * 3)\n"
    )
    assert messages == [
        "cell 'lstm' is stacked 3 times in MultiRNNCell: the 3 layers share one set of weights; build one cell "
        "per layer, e.g. [tf.nn.rnn_cell.LSTMCell(64) for _ in range(3)]"
    ]


def test_message_names_a_symbolic_count():
    messages = _messages(
        "from tensorflow.keras import layers\n"
        "def f(cell, num_layers):\n"
        "    return layers.StackedRNNCells([cell] * num_layers)\n"
    )
    assert messages == [
        "cell 'cell' is stacked num_layers times in StackedRNNCells: the num_layers layers share one set of "
        "weights; build one cell per layer, e.g. [make_cell() for _ in range(num_layers)]"
    ]


def test_message_for_bidirectional():
    messages = _messages(
        "import tensorflow.compat.v1 as tf\n"
        "def f(cell, x):\n"
        "    return tf.nn.bidirectional_dynamic_rnn(cell, cell, x)\n"
    )
    assert messages == [
        "cell 'cell' is both the forward and the backward cell of bidirectional_dynamic_rnn: both directions "
        "share one set of weights; build a separate cell for each direction"
    ]


def test_not_tensorflow_is_silent():
    assert _messages("def MultiRNNCell(cells): pass\nc = 1\nMultiRNNCell([c] * 3)\n") == []
