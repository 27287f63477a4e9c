"""rnn-layer-rebuilt-per-call: the analysis's text and confidence, the checker's option, and edge cases."""
from __future__ import annotations

import textwrap
from collections import Counter

import astroid
from astroid import nodes

from functional import FIXTURES, lint_files
from pylint_rnn import rules
from pylint_rnn.analyses import keras_sharing

REBUILT = FIXTURES / "checkers" / "rnn-layer-rebuilt-per-call"


def _rebuilt(source: str, separate_towers=()) -> list:
    """(line, message as pylint prints it, confidence) for each finding, as the checker gathers them."""
    module = astroid.parse(textwrap.dedent(source))
    constructions = [call for call in module.nodes_of_class(nodes.Call)
                     if keras_sharing.is_layer_built_in_function(call)]
    found = keras_sharing.rebuilt_layers(constructions, frozenset(separate_towers))
    return [(f.node.lineno, rules.rule(f.symbol).format(f.args, f.fix_args), f.confidence.name)
            for f in found]


def test_message_names_the_layer_the_helper_the_inputs_and_the_merge():
    found = _rebuilt((REBUILT / "siamese_functional_concat.py").read_text(encoding="utf-8"))
    assert found == [(
        8,
        "LSTM is built inside 'encode', which is applied to 'left' and 'right' whose results are combined at "
        "line 15: each call builds new weights, so the branches share nothing; build the LSTM once outside "
        "'encode' and call it on each input",
        "INFERENCE",
    )]


def test_checker_emits_the_registry_text_and_confidence():
    path = REBUILT / "towers_model_outputs.py"
    _, messages = lint_files([path])
    [message] = [m for m in messages if m.symbol == keras_sharing.REBUILT]
    expected = _rebuilt(path.read_text(encoding="utf-8"))[0]
    assert (message.line, message.msg, message.confidence.name) == expected


def test_separate_tower_functions_option():
    fixture = REBUILT / "siamese_methods.py"
    found, _ = lint_files([fixture])
    assert sum(found[fixture.resolve()].values()) == 2
    found, _ = lint_files([fixture], options=("--separate-tower-functions=embed",))
    assert found[fixture.resolve()] == Counter({(10, "rnn-layer-rebuilt-per-call"): 1})


def test_separate_towers_are_skipped_by_the_analysis():
    source = (REBUILT / "siamese_methods.py").read_text(encoding="utf-8")
    assert [line for line, *_ in _rebuilt(source, separate_towers=("encode", "embed"))] == []


def test_different_layer_sizes_per_call_are_silent():
    source = """
    from tensorflow.keras import layers
    def block(x, units):
        return layers.GRU(units)(x)
    a, b = layers.Input((3, 2)), layers.Input((3, 2))
    out = layers.concatenate([block(a, 32), block(b, 64)])
    same = layers.concatenate([block(a, 32), block(b, 32)])
    """
    assert [line for line, *_ in _rebuilt(source)] == [4]


def test_lambda_helper():
    source = """
    import tensorflow as tf
    enc = lambda t: tf.keras.layers.LSTM(4)(t)
    x1, x2 = tf.keras.Input((5, 1)), tf.keras.Input((5, 1))
    d = enc(x1) - enc(x2)
    """
    [(line, message, _)] = _rebuilt(source)
    assert line == 3 and "inside 'enc', which is applied to 'x1' and 'x2'" in message


def test_odd_shapes_do_not_crash():
    source = """
    from tensorflow.keras import layers
    def f(*args, **kwargs):
        return layers.LSTM(4)(*args)
    f(); f(*[1]); f(**{}); f(1) - f(2)
    g = lambda: layers.LSTM(3)
    g()(1) + g()(2)
    """
    _rebuilt(source)


def test_a_comprehension_over_twin_inputs_names_them_and_the_merge():
    found = _rebuilt("""
        from tensorflow.keras import layers, Input

        def encode(x):
            return layers.GRU(8)(x)

        a, b = Input((5, 3)), Input((5, 3))
        left, right = [encode(x) for x in (a, b)]
        score = layers.subtract([left, right])
    """)
    assert [(line, confidence) for line, _, confidence in found] == [(5, "INFERENCE")]
    assert "applied to 'a' and 'b' whose results are combined at line 9" in found[0][1]


def test_a_comprehension_over_one_input_or_without_merge_is_silent():
    assert not _rebuilt("""
        from tensorflow.keras import layers, Input

        def encode(x):
            return layers.GRU(8)(x)

        a, b = Input((5, 3)), Input((5, 3))
        same = layers.concatenate([encode(a) for _ in range(2)])
        apart = [encode(x) for x in (a, b)]
        first = apart[0]
    """)
