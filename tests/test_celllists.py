"""Unit tests for the symbolic cell-list evaluation (core/celllists.py) and the counts it relies on."""
from __future__ import annotations

import astroid
import pytest

from pylint_rnn.analyses import stacking
from pylint_rnn.core import cellidentity, celllists
from pylint_rnn.core.counts import Count, count_of, loop_count

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
    count = loop_count(astroid.extract_node(iterable))
    assert count is not None and count.value == value and count.text == text


@pytest.mark.parametrize("iterable", ["sizes", "enumerate(sizes)", "range(0, n, 2)", "zip(a, b)"])
def test_unknown_loop_counts(iterable):
    assert loop_count(astroid.extract_node(iterable)) is None


def test_named_count_resolves_to_its_literal_but_keeps_the_name():
    count = count_of(astroid.extract_node("N = 1\nN #@"))
    assert count.value == 1 and count.text == "N" and not count.more_than_one()


# --- cell lists -----------------------------------------------------------------------------------------


def _duplicates(code: str):
    """(label, count text) of each duplicated cell in the list passed to the call marked ``#@``."""
    call = astroid.extract_node(code)
    cells = celllists.cell_list(call.args[0], call)
    return [(d.label, d.count.text) for d in celllists.duplicated(cells)] if cells else None


@pytest.mark.parametrize(
    "code, expected",
    [
        ("c = f()\nstack([c] * 3) #@", [("'c'", "3")]),
        ("c = f()\nstack([c, c]) #@", [("'c'", "2")]),
        ("c = f()\nstack([c for _ in range(k)]) #@", [("'c'", "k")]),
        ("stack([make()] * 2) #@", [("'make()'", "2")]),
        ("c = f()\nd = c\nstack([c, d]) #@", [("'c' (also as 'd')", "2")]),
        ("c = f()\nd = c\nstack([d, c]) #@", [("'c' (also as 'd')", "2")]),
        ("c = f()\ncells = []\nfor _ in range(4):\n    cells.append(c)\nstack(cells) #@", [("'c'", "4")]),
        ("c = f()\ncells = [c]\ncells.append(c)\nstack(cells) #@", [("'c'", "2")]),
        ("c = f()\ncells = []\ncells.extend([c, c])\nstack(cells) #@", [("'c'", "2")]),
        ("c = f()\nstack([c] + [c] * 2) #@", [("'c'", "3")]),
        ("c = f()\nstack([*([c] * 2)]) #@", [("'c'", "2")]),
        ("c = f()\nstack(list([c] * 2)) #@", [("'c'", "2")]),
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
        "c = f()\ncells = [c]\ncells.pop()\ncells.append(c)\nstack(cells) #@",
        "c = f()\ncells = []\nfor _ in range(3):\n    if not c:\n        break\n    cells.append(c)\nstack(cells) #@",
    ],
)
def test_no_duplicates(code):
    assert not _duplicates(code)


def test_unknown_list_is_none():
    assert _duplicates("def g(cells):\n    stack(cells) #@") is None
    # astroid sees only the augmented assignment binding the name at its use
    assert _duplicates("c = f()\ncells = [c]\ncells += [c]\nstack(cells) #@") is None


def test_a_list_that_grows_between_two_uses_is_unknown():
    code = "c = f()\ncells = []\nfor _ in range(3):\n    cells.append(c)\n    stack(cells) #@"
    assert _duplicates(code) is None


def _method_call(code: str):
    module = astroid.parse(code)
    return next(n for n in module.nodes_of_class(astroid.nodes.Call) if n.func.as_string() == "stack")


def test_a_self_attribute_list_filled_in_its_method():
    call = _method_call(
        "class M:\n"
        "    def __init__(self, c):\n"
        "        self.cells = []\n"
        "        for _ in range(2):\n"
        "            self.cells.append(c)\n"
        "    def build(self):\n"
        "        return stack(self.cells)\n"
    )
    cells = celllists.cell_list(call.args[0], call)
    assert [(d.label, d.count.text) for d in celllists.duplicated(cells)] == [("'c'", "2")]


def test_a_self_attribute_list_changed_in_another_method_is_unknown():
    call = _method_call(
        "class M:\n"
        "    def __init__(self, c):\n"
        "        self.cells = [c, c]\n"
        "    def more(self, d):\n"
        "        self.cells.append(d)\n"
        "    def build(self):\n"
        "        return stack(self.cells)\n"
    )
    assert celllists.cell_list(call.args[0], call) is None


# --- identity -------------------------------------------------------------------------------------------


def test_a_wrapper_stands_for_the_cell_it_wraps():
    code = ("import tensorflow as tf\n"
            "cell = tf.nn.rnn_cell.LSTMCell(8)\n"
            "drop = tf.nn.rnn_cell.DropoutWrapper(cell)\n"
            "stack([cell, drop]) #@")
    assert _duplicates(code) == [("'cell' (also as 'drop')", "2")]


def test_an_alias_keeps_the_constructor_for_the_fix():
    code = "import tensorflow as tf\nc = tf.nn.rnn_cell.GRUCell(4)\nd = c\nd #@"
    found = cellidentity.element(astroid.extract_node(code))
    assert found.ctor is not None and found.ctor.as_string() == "tf.nn.rnn_cell.GRUCell(4)"
    assert found.label == "d" and found.cell_label == "c"


def test_direction_keys_name_the_list_a_stack_holds_before_its_cells():
    code = ("import tensorflow as tf\n"
            "a = f()\nb = f()\ncells = [a, b]\n"
            "stack = tf.nn.rnn_cell.MultiRNNCell(cells)\n"
            "stack #@")
    used = list(stacking.direction_keys(astroid.extract_node(code)).values())
    assert [u.list_label for u in used] == ["", "cells", "", ""]
    assert [e.label for u in used for e in u.elements] == ["stack", "a", "b"]


# --- containers and configuration ----------------------------------------------------------------------

W = "import tensorflow as tf\nW = tf.nn.rnn_cell.DropoutWrapper\n"  # a cell wrapper: W(c) is c's weights


@pytest.mark.parametrize(
    "code, expected",
    [
        (W + "c = f()\nstack([W(x) for x, p in zip([c] * n, probs)]) #@", [("'c'", "n")]),
        (W + "c = f()\ncells = [c for _ in range(n)]\nstack([W(x) for i, x in enumerate(cells)]) #@", [("'c'", "n")]),
        (W + "c = f()\nstack([W(c, keep=p) for p in probs]) #@", [("'c'", "len(probs)")]),
        (W + "c = f()\nlayers = []\nfor x, p in zip([c] * 3, probs):\n    layers.append(W(x, p))\nstack(layers) #@",
         [("'c'", "3")]),
        ("c = f()\nd = {'enc': [c] * 2}\nstack(d['enc']) #@", [("'c'", "2")]),
        ("c = f()\ncells, keep = [c] * k, 0.5\nstack(cells) #@", [("'c'", "k")]),
        ("c = f()\nn_layers = 1\nstack([c] * n_layers) #@", [("'c'", "n_layers")]),  # latent
    ],
)
def test_duplicates_through_containers_and_knobs(code, expected):
    assert _duplicates(code) == expected


@pytest.mark.parametrize(
    "code",
    [
        W + "stack([W(f(s), p) for s, p in zip(sizes, probs)]) #@",
        W + "c = f()\nstack([W(x, p) for x, p in zip([c] * n, [0.5])]) #@",  # zip stops after one
        W + "c = f()\nKEEP = [0.9]\nstack([W(c, keep=p) for p in KEEP]) #@",  # one setting, one layer
        "c = f()\nstack([c for _ in settings]) #@",  # an unknown length the cell ignores
        "c = f()\nstack([c] * 1) #@",  # a literal 1 is no knob
    ],
)
def test_no_duplicates_through_containers(code):
    assert not _duplicates(code)


def test_a_latent_duplicate_says_so():
    cells = celllists.cell_list(*(lambda call: (call.args[0], call))(
        astroid.extract_node("c = f()\nn = 1\nstack([c for _ in range(n)]) #@")))
    (duplicate,) = celllists.duplicated(cells)
    assert duplicate.count.latent() and duplicate.count.value == 1
