"""Options and edge cases of rnn-layer-rebuilt-per-call."""
from __future__ import annotations

import textwrap
from collections import Counter

from functional import FIXTURES, lint_files


def _lint(tmp_path, source: str, *options: str) -> Counter:
    path = tmp_path / "case.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    found, _ = lint_files([path], options=tuple(options))
    return found[path.resolve()]


def test_separate_tower_functions_option(tmp_path):
    fixture = FIXTURES / "checkers" / "rnn-layer-rebuilt-per-call" / "siamese_methods.py"
    found, _ = lint_files([fixture])
    assert sum(found[fixture.resolve()].values()) == 2
    found, _ = lint_files([fixture], options=("--separate-tower-functions=embed",))
    assert found[fixture.resolve()] == Counter({(10, "rnn-layer-rebuilt-per-call"): 1})


def test_different_layer_sizes_per_call_are_silent(tmp_path):
    source = """
    from tensorflow.keras import layers
    def block(x, units):
        return layers.GRU(units)(x)
    a, b = layers.Input((3, 2)), layers.Input((3, 2))
    out = layers.concatenate([block(a, 32), block(b, 64)])
    same = layers.concatenate([block(a, 32), block(b, 32)])
    """
    assert _lint(tmp_path, source) == Counter({(4, "rnn-layer-rebuilt-per-call"): 1})


def test_lambda_helper(tmp_path):
    source = """
    import tensorflow as tf
    enc = lambda t: tf.keras.layers.LSTM(4)(t)
    x1, x2 = tf.keras.Input((5, 1)), tf.keras.Input((5, 1))
    d = enc(x1) - enc(x2)
    """
    assert _lint(tmp_path, source) == Counter({(3, "rnn-layer-rebuilt-per-call"): 1})


def test_odd_shapes_do_not_crash(tmp_path):
    source = """
    from tensorflow.keras import layers
    def f(*args, **kwargs):
        return layers.LSTM(4)(*args)
    f(); f(*[1]); f(**{}); f(1) - f(2)
    g = lambda: layers.LSTM(3)
    g()(1) + g()(2)
    """
    _lint(tmp_path, source)
