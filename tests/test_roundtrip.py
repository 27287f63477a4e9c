"""The round-trip analysis, called directly: confidence and the registry template.

The options are exercised by option fixtures (fixtures/checkers/rnn-placeholder-roundtrip/*.rc)."""
from __future__ import annotations

import re

import astroid
from astroid import nodes
from pylint.interfaces import HIGH, INFERENCE

from pylint_rnn import rules
from pylint_rnn.analyses import roundtrip


# --- the analysis, called directly ----------------------------------------------------------------------

ROUNDTRIP_CODE = """
import tensorflow as tf
x = tf.placeholder(tf.float32, [None, 3])
enc = tf.layers.dense(x, 3)
enc_in = tf.placeholder(tf.float32, [None, 3])
logits = tf.layers.dense(enc_in, 2)
loss = tf.reduce_mean(logits)
{train}
with tf.Session() as sess:
    code = sess.run(enc, {{x: xs}})
    sess.run(step, {{enc_in: code}})
"""


def _findings(train: str, options=roundtrip.RoundTripOptions()):
    module = astroid.parse(ROUNDTRIP_CODE.format(train=train))
    return [f for call in module.nodes_of_class(nodes.Call) if roundtrip.may_feed_a_run(call, options)
            for f in roundtrip.roundtrip_findings(call, options)]


def test_structural_training_op_is_high_confidence():
    (finding,) = _findings("step = tf.train.AdamOptimizer().minimize(loss)")
    assert finding.confidence is HIGH
    assert finding.args == ("code", "enc", "enc_in", "enc") and finding.fix_args == ("enc",)


def test_grouped_training_op_is_high_confidence():
    (finding,) = _findings("step = tf.group(tf.train.AdamOptimizer().minimize(loss), other)")
    assert finding.confidence is HIGH


def test_training_op_known_by_name_only_is_inference():
    options = roundtrip.RoundTripOptions(training_op_names=re.compile("step"))
    (finding,) = _findings("step = make_step(loss)", options)
    assert finding.confidence is INFERENCE
    assert _findings("step = make_step(loss)") == []  # the default names do not match "step"


def test_message_text_fills_the_registry_template():
    (finding,) = _findings("step = tf.train.AdamOptimizer().minimize(loss)")
    text = rules.rule(finding.symbol).format(finding.args, finding.fix_args)
    assert text == ("'code' was fetched from 'enc' and is fed back through placeholder 'enc_in' in this "
                    "training run: the ops that compute 'enc' get no gradient and never train; feed the "
                    "inputs of 'enc' instead and use the tensor itself in the graph")
