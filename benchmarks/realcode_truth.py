#!/usr/bin/env python3
"""What real TensorFlow does with the constructs behind the less obvious labels of benchmarks/realcode.json.

Each case rebuilds, in a few lines and with the same TensorFlow calls, the construct a label judges (never the
labelled project's code), on TensorFlow 2 through ``tf.compat.v1`` with the legacy TF1 cells of tf-keras, and
prints the trainable variables it creates, or the error it raises. A label names its case in ``proof``.

    TF_USE_LEGACY_KERAS=1 python benchmarks/realcode_truth.py            # every case
    TF_USE_LEGACY_KERAS=1 python benchmarks/realcode_truth.py CASE ...   # some

Expected: ``stack-*`` cases share one weight set across layers (or fail on a shape mismatch), ``bidir-same``
shares one set between the directions, ``cell-per-step`` creates one set per time step; the ``*-fixed`` cases
create one set per layer.
"""
from __future__ import annotations

import os
import sys

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

CASES = {}


def case(name):
    def deco(fn):
        CASES[name] = fn
        return fn
    return deco


def kernels(tf):
    return sorted(v.name for v in tf.compat.v1.trainable_variables() if "kernel" in v.name or "weights" in v.name)


@case("stack-list-mult")
def _stack_list_mult(tf, units=8, depth=8):
    """MultiRNNCell([cell] * n): one cell object as every layer (input depth == units, so no shape error)."""
    cell = tf.compat.v1.nn.rnn_cell.BasicLSTMCell(units)
    stack = tf.compat.v1.nn.rnn_cell.MultiRNNCell([cell] * 3)
    inputs = tf.compat.v1.placeholder(tf.float32, [None, 5, depth])
    tf.compat.v1.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)


@case("stack-list-mult-wrapped")
def _stack_wrapped(tf, units=8):
    """cell = DropoutWrapper(cell); MultiRNNCell([cell] * n): the wrapper is one object too."""
    cell = tf.compat.v1.nn.rnn_cell.DropoutWrapper(tf.compat.v1.nn.rnn_cell.GRUCell(units), output_keep_prob=0.5)
    stack = tf.compat.v1.nn.rnn_cell.MultiRNNCell([cell] * 2)
    inputs = tf.compat.v1.placeholder(tf.float32, [None, 5, units])
    tf.compat.v1.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)


@case("stack-list-mult-shape")
def _stack_shape(tf, units=8):
    """MultiRNNCell([cell] * n) when the input depth differs from the units: the second layer cannot reuse."""
    cell = tf.compat.v1.nn.rnn_cell.BasicLSTMCell(units)
    stack = tf.compat.v1.nn.rnn_cell.MultiRNNCell([cell] * 2)
    inputs = tf.compat.v1.placeholder(tf.float32, [None, 5, units + 3])
    tf.compat.v1.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)


@case("stack-comprehension-same-object")
def _stack_comprehension(tf, units=8):
    """MultiRNNCell([cell for _ in range(n)]): the comprehension repeats one object, like [cell] * n."""
    cell = tf.compat.v1.nn.rnn_cell.BasicLSTMCell(units)
    stack = tf.compat.v1.nn.rnn_cell.MultiRNNCell([cell for _ in range(3)])
    inputs = tf.compat.v1.placeholder(tf.float32, [None, 5, units])
    tf.compat.v1.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)


@case("stack-subclass")
def _stack_subclass(tf, units=8):
    """A project's subclass of MultiRNNCell (seq2seq's ExtendedMultiRNNCell) given [cell] * n."""
    class ExtendedMultiRNNCell(tf.compat.v1.nn.rnn_cell.MultiRNNCell):
        def __init__(self, cells):
            super().__init__(cells, state_is_tuple=True)

    cell = tf.compat.v1.nn.rnn_cell.GRUCell(units)
    stack = ExtendedMultiRNNCell(cells=[cell] * 3)
    inputs = tf.compat.v1.placeholder(tf.float32, [None, 5, units])
    tf.compat.v1.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)


@case("stack-fixed")
def _stack_fixed(tf, units=8):
    """The fix: MultiRNNCell([make_cell() for _ in range(n)])."""
    stack = tf.compat.v1.nn.rnn_cell.MultiRNNCell([tf.compat.v1.nn.rnn_cell.BasicLSTMCell(units) for _ in range(3)])
    inputs = tf.compat.v1.placeholder(tf.float32, [None, 5, units + 3])
    tf.compat.v1.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)


@case("bidir-same")
def _bidir_same(tf, units=8):
    """bidirectional_dynamic_rnn(cell_fw=cell, cell_bw=cell) with one MultiRNNCell object."""
    cell = tf.compat.v1.nn.rnn_cell.MultiRNNCell([tf.compat.v1.nn.rnn_cell.LSTMCell(units) for _ in range(2)])
    inputs = tf.compat.v1.placeholder(tf.float32, [None, 5, units])
    tf.compat.v1.nn.bidirectional_dynamic_rnn(cell_fw=cell, cell_bw=cell, inputs=inputs, dtype=tf.float32)


@case("bidir-fixed")
def _bidir_fixed(tf, units=8):
    """bidirectional_dynamic_rnn with one cell object per direction."""
    def make():
        return tf.compat.v1.nn.rnn_cell.MultiRNNCell([tf.compat.v1.nn.rnn_cell.LSTMCell(units) for _ in range(2)])
    inputs = tf.compat.v1.placeholder(tf.float32, [None, 5, units])
    tf.compat.v1.nn.bidirectional_dynamic_rnn(cell_fw=make(), cell_bw=make(), inputs=inputs, dtype=tf.float32)


@case("cell-per-step")
def _cell_per_step(tf, units=8, steps=4):
    """A decoding loop that builds a new GRUCell at every step and calls it once."""
    state = tf.zeros([2, units])
    for _ in range(steps):
        cell = tf.compat.v1.nn.rnn_cell.GRUCell(units)
        _, state = cell(tf.zeros([2, units]), state)


@case("cell-per-step-fixed")
def _cell_per_step_fixed(tf, units=8, steps=4):
    """The same loop with one cell object built before it."""
    state = tf.zeros([2, units])
    cell = tf.compat.v1.nn.rnn_cell.GRUCell(units)
    for _ in range(steps):
        _, state = cell(tf.zeros([2, units]), state)


def run(name, tf):
    with tf.Graph().as_default():
        try:
            CASES[name](tf)
        except (ValueError, TypeError, tf.errors.InvalidArgumentError) as exc:
            return f"{name}: raises {type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
        found = kernels(tf)
        return f"{name}: {len(found)} weight matrices: {', '.join(found)}"


def main(argv):
    import tensorflow as tf  # pylint: disable=import-outside-toplevel

    tf.compat.v1.disable_eager_execution()
    for name in argv or list(CASES):
        print(run(name, tf), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
