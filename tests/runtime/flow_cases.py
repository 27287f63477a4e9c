"""Probes for the fixtures of rnn-placeholder-roundtrip and rnn-time-axis-reduction whose values travel
across functions and containers (fixtures/checkers/<symbol>/): each builds the fixture with real
TensorFlow 2.21 and observes the pitfall, firing and silent cases alike.

Run by test_flow_truth.py through flow_runner.py, with accuracy_runner's worlds and loader (fixture paths
relative to fixtures/checkers/) and accuracy_cases' evidence:

- rnn-placeholder-roundtrip: a training run feeds a value fetched earlier (or the fetched values of several
  runs, stacked) and the trainable variables that computed it get no gradient from any loss the program
  minimizes;
- rnn-time-axis-reduction: a Sum / Mean op of fixture code (or a GlobalAveragePooling1D layer built there)
  reduces the time axis of the sequence outputs of an RNN on a library stacked cell.
"""
from __future__ import annotations

import numpy as np

import accuracy_cases
from accuracy_cases import ints, no_gradient_from_any_loss, rand, roundtrip_events, time_axis_reductions
from accuracy_cases import upstream_variables
from accuracy_runner import REC, fixture_frames, op_frames, record_constructions

tf = v1 = world = None
CASES = {}
PR = "rnn-placeholder-roundtrip/"
TAR = "rnn-time-axis-reduction/"


def bind(w):
    global world, tf, v1
    accuracy_cases.bind(w)
    world, tf, v1 = w, w.tf, w.tf.compat.v1


def case(relpath, group="tf1"):
    def deco(fn):
        CASES[relpath] = (group, fn)
        return fn

    return deco


def main_roundtrips(relpath, shape):
    """A case for a fixture whose ``main(batches)`` builds and trains: two random batches of ``shape``."""

    @case(relpath)
    def _(L):
        L.load(relpath).main([rand(*shape) for _ in range(2)])
        return roundtrip_events()


def session(initialized=True):
    """A recording session (accuracy_runner's), with the graph's variables initialized."""
    sess = world.top.Session()
    if initialized:
        sess.run(v1.global_variables_initializer())
    return sess


def onehot(n, classes):
    return np.eye(classes, dtype=np.float32)[np.random.randint(0, classes, size=n)]


# ----------------------------------------------------------------------------------------------------------
# rnn-placeholder-roundtrip: firing


@case(PR + "endpoints_dict_across_functions.py")
def _(L):
    L.load(PR + "endpoints_dict_across_functions.py").main([(rand(4, 10, 16), onehot(4, 3)) for _ in range(2)])
    return roundtrip_events()


@case(PR + "namedtuple_graph_trainer_methods.py")
def _(L):
    mod = L.load(PR + "namedtuple_graph_trainer_methods.py")
    sess = session(initialized=False)
    trainer = mod.Trainer(sess)  # builds the graph
    sess.run(v1.global_variables_initializer())
    trainer.refresh(ints(100, 4, 6))
    trainer.step(rand(4, 1))
    return roundtrip_events()


@case(PR + "zip_feeds_dataclass_endpoints.py")
def _(L):
    mod = L.load(PR + "zip_feeds_dataclass_endpoints.py")
    mod.main([([rand(3, 12, 5), rand(3, 12, 5)], onehot(3, 2))])
    return roundtrip_events()


@case(PR + "builder_keys_caller_elsewhere.py")
def _(L):
    mod = L.load(PR + "builder_keys_caller_elsewhere.py")
    model, heads = mod.build_encoder(), mod.build_heads()
    sess = session()
    mod.fit(sess, model, heads, [(ints(40, 3, 7), ints(5, 3))])
    return roundtrip_events()


@case(PR + "appended_batches_method_return.py")
def _(L):
    """The fed array is the fetched batches stacked: no single fetched value equals it, so the training
    runs' feeds are recorded here and compared with the concatenation of what each tensor returned."""
    mod = L.load(PR + "appended_batches_method_return.py")
    pipeline = mod.Pipeline()
    sess = session()
    fed = _recording_feeds(sess)
    pipeline.fit(sess, [rand(2, 15, 4), rand(2, 15, 4)], rand(4, 1))
    return _stacked_roundtrip_events(fed)


def _recording_feeds(sess):
    """Record (feed_dict, fixture frames) of the session's runs that fetch a training op."""
    fed, run = [], sess.run
    train_ops = {getattr(op, "op", op) for op in REC.train_ops}

    def recording(fetches, feed_dict=None, *args, **kwargs):
        if feed_dict and any(getattr(f, "op", f) in train_ops for f in tf.nest.flatten(fetches)):
            fed.append((dict(feed_dict), fixture_frames()))
        return run(fetches, feed_dict, *args, **kwargs)

    sess.run = recording
    return fed


def _stacked_roundtrip_events(fed):
    events = []
    for feed, frames in fed:
        for value in feed.values():
            for tensor in {id(t): t for t, _ in REC.fetched}.values():
                parts = [old for t, old in REC.fetched if t is tensor]
                stacked = np.concatenate(parts) if parts else None
                if stacked is not None and stacked.shape == np.shape(value) and np.array_equal(stacked, value) \
                        and no_gradient_from_any_loss(upstream_variables(tensor)):
                    events.append(frames)
    return events


@case(PR + "placeholder_dict_eval_op_run.py")
def _(L):
    """``tensor.eval`` and ``op.run`` run in the default session: the recording one."""
    model = L.load(PR + "placeholder_dict_eval_op_run.py").TwoStage()
    sess = session()
    with sess.as_default():
        model.fit(rand(3, 20, 6), onehot(3, 4))
    return roundtrip_events()


# ----------------------------------------------------------------------------------------------------------
# rnn-placeholder-roundtrip: the snippet (its graph is built here, as "the question's code")


@case(PR + "snippet_graph_not_shown.py")
def _(L):
    tokens_ph = v1.placeholder(tf.int32, [None, 6])
    labels_ph = v1.placeholder(tf.float32, [None, 2])
    embed = v1.nn.embedding_lookup(v1.get_variable("embedding", [30, 4]), tokens_ph)
    lstm_in = v1.placeholder(tf.float32, [None, 6, 4])
    init_state = v1.placeholder_with_default(tf.zeros([3, 8]), [None, 8])
    _, last_state = v1.nn.dynamic_rnn(v1.nn.rnn_cell.GRUCell(8), lstm_in, initial_state=init_state)
    logits = v1.layers.dense(last_state, 2)
    with v1.variable_scope("teacher"):  # a frozen teacher: nothing upstream of its logits trains
        frozen = v1.get_variable("w", [4, 2], trainable=False)
    teacher_logits = v1.reduce_mean(v1.tensordot(tf.one_hot(tokens_ph, 4), frozen, 1), axis=1)
    soft_targets = v1.placeholder(tf.float32, [None, 2])
    loss = v1.losses.softmax_cross_entropy(labels_ph, logits)
    train_step = v1.train.AdamOptimizer().minimize(loss)
    distill_step = v1.train.AdamOptimizer().minimize(loss + v1.reduce_mean(tf.square(logits - soft_targets)))
    sess = session()
    graph = dict(tokens_ph=tokens_ph, labels_ph=labels_ph, embed=embed, lstm_in=lstm_in, init_state=init_state,
                 last_state=last_state, teacher_logits=teacher_logits, soft_targets=soft_targets, loss=loss,
                 train_step=train_step, distill_step=distill_step, session=sess,
                 loader=[(ints(30, 3, 6), onehot(3, 2), rand(3, 6, 4))])
    L.load(PR + "snippet_graph_not_shown.py", inject=dict(graph, print=lambda *a: None))
    return roundtrip_events()


main_roundtrips(PR + "helper_called_per_scope.py", (4, 6, 3))


# ----------------------------------------------------------------------------------------------------------
# rnn-placeholder-roundtrip: silent


main_roundtrips(PR + "silent_helper_shared_scope_trained.py", (4, 6, 8))
main_roundtrips(PR + "silent_helper_reused_through_another.py", (4, 6, 8))


@case(PR + "silent_endpoints_state_gan_eval.py")
def _(L):
    mod = L.load(PR + "silent_endpoints_state_gan_eval.py")
    mod.main([(ints(50, 4, 20), ints(50, 4, 20)) for _ in range(2)])
    return roundtrip_events()


@case(PR + "silent_trained_teacher_and_unknown_caller.py")
def _(L):
    mod = L.load(PR + "silent_trained_teacher_and_unknown_caller.py")
    distiller = mod.Distiller()
    sess = session()
    distiller.fit(sess, rand(4, 12, 3), onehot(4, 2))  # feed_back's callers are elsewhere: not run here
    return roundtrip_events()


@case(PR + "silent_ambiguous_builders.py")
def _(L):
    mod = L.load(PR + "silent_ambiguous_builders.py")
    small, large = mod.build_small(), mod.build_large()
    sess = session()
    mod.two_stage(sess, small, rand(4, 9, 3))
    mod.two_stage(sess, large, rand(4, 9, 3))
    return roundtrip_events()


# ----------------------------------------------------------------------------------------------------------
# rnn-time-axis-reduction


@case(TAR + "tf1_outputs_across_helpers_and_endpoints.py")
def _(L):
    mod = L.load(TAR + "tf1_outputs_across_helpers_and_endpoints.py")
    x = v1.placeholder(tf.float32, [None, 10, 8])
    encoder = mod.SentenceEncoder()
    encoder.build(x)
    encoder.pooled()
    mod.model(x)
    return time_axis_reductions()


@case(TAR + "static_steps_stacked.py")
def _(L):
    """Sum / Mean of fixture code over axis a of ``tf.stack(outputs, axis=a)``, the steps of a static RNN on
    a library stack (a Pack op of exactly those outputs)."""
    L.load(TAR + "static_steps_stacked.py")
    events, detail = time_axis_reductions()
    steps = {names for names, axis in accuracy_cases.stacked_sequence_outputs() if axis == "steps"}
    for op in v1.get_default_graph().get_operations():
        packed = op.inputs[0].op if op.type in ("Sum", "Mean") else None
        if packed is None or packed.type != "Pack" or tuple(t.name for t in packed.inputs) not in steps:
            continue
        if set(np.atleast_1d(tf.get_static_value(op.inputs[1]))) == {packed.get_attr("axis")}:
            events.append(op_frames(op))
    return events, detail


@case(TAR + "silent_single_or_mixed_sources_and_pooling.py")
def _(L):
    return _keras_reductions(L, TAR + "silent_single_or_mixed_sources_and_pooling.py",
                             lambda mod: mod.model(v1.placeholder(tf.float32, [None, 9, 8])))


@case(TAR + "keras_stack_builders_and_pooling.py")
def _(L):
    def build(mod):
        inputs = mod.inputs
        mod.Tagger()(inputs)
        mod.classifier(inputs)
        mod.regressor(inputs)

    return _keras_reductions(L, TAR + "keras_stack_builders_and_pooling.py", build)


def _keras_reductions(L, relpath, build):
    """time_axis_reductions(), with the Mean ops of GlobalAveragePooling1D layers that Keras itself calls
    (inside a Sequential) attributed to the fixture line that built the layer."""
    import tf_keras

    pooling = (tf_keras.layers.GlobalAveragePooling1D, tf_keras.layers.GlobalMaxPooling1D)
    record_constructions(*pooling)
    mod = L.load(relpath)
    build(mod)
    events, detail = time_axis_reductions()
    stacked = {name for name, axis in accuracy_cases.stacked_sequence_outputs() if axis == 1}
    layers = [(obj, frames) for obj, frames in REC.constructed.values() if isinstance(obj, pooling)]
    for op in v1.get_default_graph().get_operations():
        if op.type != "Mean" or op_frames(op) or op.inputs[0].name not in stacked:
            continue
        axis = tf.get_static_value(op.inputs[1])
        for layer, frames in layers:
            if f"/{layer.name}/" in f"/{op.name}" and axis is not None and set(np.atleast_1d(axis)) == {1}:
                events.append(frames)
    return events, detail
