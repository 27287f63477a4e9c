"""core/timeloops: loops over time steps are told from loops over layers by their structure."""
from __future__ import annotations

import textwrap

import astroid
import pytest

from pylint_rnn.core import timeloops


def _loop_and_calls(code: str):
    """The first for/while loop of the function in ``code`` and the cell calls (``cell(...)``) in it."""
    module = astroid.parse("import tensorflow as tf\n" + textwrap.dedent(code))
    loop = next(module.nodes_of_class((astroid.nodes.For, astroid.nodes.While)))
    calls = [c for c in loop.nodes_of_class(astroid.nodes.Call) if c.func.as_string() in ("cell", "stack")]
    return loop, calls


@pytest.mark.parametrize("code, label", [
    ("""
     def f(x, state, k):
         for t in range(k):
             out, state = cell(x[:, t], state)
     """, "range(k)"),
    ("""
     def f(go, state, budget):
         x = go
         for _ in range(budget):
             out, state = cell(x, state)
             x = tf.argmax(out, -1)
     """, "range(budget)"),
    ("""
     def f(x, state, cap):
         n = 0
         while n < cap:
             x, state = cell(x, state)
             n += 1
     """, "while n < cap"),
    ("""
     def f(x, state):
         for x_t in tf.unstack(x, axis=1):
             out, state = cell(x_t, state)
     """, "over tf.unstack(x, axis=1)"),
])
def test_loops_over_time(code, label):
    loop, calls = _loop_and_calls(code)
    assert timeloops.runs_over_time(loop, calls)
    assert timeloops.loop_label(loop) == label


@pytest.mark.parametrize("code", [
    """
    def f(inputs, initial):
        for x in inputs:
            out, _ = cell(x, initial)  # the state is not carried
    """,
    """
    def f(x, states, k):
        for i in range(k):
            x, new = cell(x, states[i])  # one state per iteration: layers within one step
    """,
    """
    def f(x, state, k):
        for i in range(k):
            out, state = cell(tf.zeros_like(x), state)  # the input is neither stepped nor fed back
    """,
])
def test_loops_not_over_time(code):
    loop, calls = _loop_and_calls(code)
    assert not timeloops.runs_over_time(loop, calls)


def test_enclosing_loop_is_a_body_statement_loop():
    module = astroid.parse("def f(xs):\n    for x in xs:\n        y = x\n    else:\n        z = 1\n")
    loop = module.body[0].body[0]
    assert timeloops.enclosing_loop(loop.body[0]) is loop
    assert timeloops.enclosing_loop(loop.orelse[0]) is None
