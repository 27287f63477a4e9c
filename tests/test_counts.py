"""core/counts: counts read from configuration keep the user's words, the names that classify them, and
the value the code runs with today (a knob at 1 is latent)."""
from __future__ import annotations

import textwrap

import astroid
import pytest

from pylint_rnn.core.counts import Count, count_of


def _count(code: str) -> Count:
    return count_of(astroid.extract_node(textwrap.dedent(code)))


@pytest.mark.parametrize("code, value, names", [
    ("""
     import tensorflow as tf
     tf.app.flags.DEFINE_integer("num_layers", 2, "depth")
     FLAGS = tf.app.flags.FLAGS
     FLAGS.num_layers #@
     """, 2, ("num_layers",)),
    ("""
     from absl import flags
     flags.DEFINE_integer(name="depth", default=1, help="")
     flags.FLAGS.depth #@
     """, 1, ("depth",)),
    ("""
     import argparse
     parser = argparse.ArgumentParser()
     parser.add_argument("-n", "--num-layers", type=int, default=3)
     args = parser.parse_args()
     args.num_layers #@
     """, 3, ("num_layers",)),
    ("""
     hparams = HParams(rnn_layers=1, units=8)
     hparams.rnn_layers #@
     """, 1, ("rnn_layers",)),
    ("""
     params = {"seq_len": 50}
     def model():
         params["seq_len"] #@
     """, 50, ("seq_len",)),
    ("""
     config = dict(max_len=L)
     L = 7
     config.get("max_len", 10) #@
     """, None, ("max_len", "L")),
    ("""
     class Config:
         num_steps = 20
     def run(config=Config()):
         config.num_steps #@
     """, 20, ("num_steps",)),
    ("""
     class Model:
         def __init__(self):
             self.depth = 1
         def build(self):
             self.depth #@
     """, 1, ("depth",)),
    ("""
     def model_fn(features, labels, mode, params):
         params["num_layers"] #@
     """, None, ("num_layers",)),
])
def test_counts_from_configuration(code, value, names):
    count = _count(code)
    assert (count.value, count.names[:len(names)]) == (value, names)
    assert not count.literal


def test_a_knob_at_one_is_latent_but_a_literal_one_is_not():
    assert _count("n_layers = 1\nn_layers #@").latent()
    assert not _count("1 #@").latent()
    assert not _count("n_layers = 2\nn_layers #@").latent()
    assert not _count("def f(n):\n    n #@").latent()  # unknown today


def test_get_and_subscript_are_spelled_alike():
    by_get = _count("params.get('max_len') #@")
    by_subscript = _count("params['max_len'] #@")
    assert set(by_get.spellings) & set(by_subscript.spellings) == {"params['max_len']"}
    assert by_get.text == "params.get('max_len')"


def test_one_variable_read_in_two_places_shares_a_binding_spelling():
    module = astroid.parse("T = 5\ndef f():\n    return T\ndef g():\n    return T\n")
    first, second = (count_of(fn.body[0].value) for fn in module.body[1:])
    assert any(s.startswith("bind:") for s in set(first.spellings) & set(second.spellings))


@pytest.mark.parametrize("code, value, names", [
    ("steps = seq_len if decoding else 1\nsteps #@", None, ("steps", "seq_len")),
    ("depth = n_layers if deep else 1\ndepth #@", None, ("depth", "n_layers")),
    ("fixed_len if use_fixed else max_len #@", None, ("fixed_len", "max_len")),
    ("n = 2\nk = n if flag else 2\nk #@", 2, ("k", "n")),  # both branches agree: the value is known
    ("t = 1 if a else (num_steps if b else 1)\nt #@", None, ("t", "num_steps")),
])
def test_a_conditional_count_goes_by_the_names_of_both_branches(code, value, names):
    count = _count(code)
    assert (count.value, count.names) == (value, names)


def test_a_conditional_with_a_branch_that_is_no_count_is_no_count():
    assert _count("seq_len if ok else 'auto' #@") is None
    assert _count("steps = seq_len if ok else None\nsteps #@").names == ("steps",)


def test_a_count_defined_through_itself_ends():
    assert _count("n = n if ready else 1\nn #@").names[:2] == ("n", "n")  # one binding, read in itself
