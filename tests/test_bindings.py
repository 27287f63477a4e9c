"""bindings_of answers some asks without astroid's lookup (bindings._sole_binding): those answers must be
astroid's own, on every name of code written to trip position and scope rules."""
from __future__ import annotations

import textwrap

import astroid
from astroid import nodes

from pylint_rnn.core import bindings

TRICKY = '''
import tensorflow as tf
from tensorflow.contrib import rnn
size = 3
later_name = 1

def uses_module_names(x, y=size, *rest, flag=False, **options):
    cell = rnn.LSTMCell(size)
    print(x, y, rest, flag, options, cell, later_name, tf)
    return helper(cell)

def helper(cell):
    for step in range(size):
        if step:
            print(carried)      # used before its only binding, in a loop
        carried = step
    try:
        value = cell.zero_state(1, tf.float32)
    except ValueError as error:
        value = None
    print(error, value)         # a handler's name, outside the handler
    total = 0
    total += size
    print(total)
    del carried
    print(carried)
    squares = [item * item for item in range(size)]
    print(squares, item)
    if (found := size):
        print(found)
    return value

def shadowing():
    print(tf)                   # bound below, in this function: astroid decides
    tf = None
    return tf

def closure():
    outer = 1
    def inner():
        return outer
    lam = lambda: outer
    return inner, lam

def declares_global():
    global size
    size = 4
    return size

def annotated(Model) -> Model:
    return Model

class Model:
    size = 5
    attribute = size

    @staticmethod
    def decorated(value=size):
        return size, value

    def method(self):
        return size, self.attribute, Model, later

    class Inner:
        pass

later = 2
print(size, later, Model, undefined_name, uses_module_names)
'''


def _names(source: str):
    module = astroid.parse(textwrap.dedent(source))
    return [node for node in module.nodes_of_class(nodes.Name)]


def test_fast_answers_are_astroids():
    fast = 0
    for name in _names(TRICKY):
        only = bindings._sole_binding(name)
        if only is None:
            continue
        fast += 1
        _, astroids = name.lookup(name.name)
        assert list(astroids) == [only], f"{name.name} at line {name.lineno}"
    assert fast >= 20  # the fast path is taken for most names, so the comparison means something


def test_position_and_scope_rules_are_left_to_astroid():
    lines = textwrap.dedent(TRICKY).split("\n")
    undecided = {(n.name, lines[n.lineno - 1].strip()) for n in _names(TRICKY) if bindings._sole_binding(n) is None}
    for name, line in [("carried", "print(carried)      # used before its only binding, in a loop"),
                       ("error", "print(error, value)         # a handler's name, outside the handler"),
                       ("total", "print(total)"), ("item", "print(squares, item)"), ("found", "print(found)"),
                       ("tf", "print(tf)                   # bound below, in this function: astroid decides"),
                       ("outer", "return outer"), ("outer", "lam = lambda: outer"),
                       ("size", "def decorated(value=size):"), ("size", "attribute = size")]:
        assert (name, line) in undecided, (name, line)
