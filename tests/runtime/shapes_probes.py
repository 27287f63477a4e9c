"""Probes run with real TensorFlow for tests/runtime/test_shapes_truth.py: each builds, in a fresh graph
(TF1 group) or a fresh Keras session (keras group), the code shape a fixture of rnn-same-cell-stacked,
rnn-layers-as-timesteps, rnn-cell-per-timestep, rnn-batch-sized-initial-state or
rnn-layer-rebuilt-per-call relies on, and returns what TensorFlow did: how many kernels (weight sets) were
created, the shapes of the variables, or the error raised.

``python shapes_probes.py tf1|keras`` prints one JSON object {probe name: result}.
"""
from __future__ import annotations

import contextlib
import json
import sys


def tf1_probes():  # pylint: disable=too-many-locals,too-many-statements  # one closure per probe
    """The TF1 graph probes (tf.compat.v1, legacy cells)."""
    import tensorflow as tf  # pylint: disable=import-outside-toplevel

    v1 = tf.compat.v1
    v1.disable_v2_behavior()
    rnn_cell = v1.nn.rnn_cell

    def kernels():
        return sum(1 for v in v1.trainable_variables() if v.name.endswith("kernel:0"))

    def graph(build):
        with tf.Graph().as_default():
            try:
                result = build()
            except (ValueError, tf.errors.InvalidArgumentError) as error:
                return {"error": type(error).__name__}
            return {"kernels": kernels(), **(result or {})}

    def frames(batch=4, steps=5, width=32):
        return v1.placeholder(tf.float32, [batch, steps, width])

    # --- rnn-same-cell-stacked: latent stacks and cells through containers ---------------------------------
    def latent(n_layers, width):
        def build():
            cell = rnn_cell.LSTMCell(32)
            stack = rnn_cell.MultiRNNCell([cell] * n_layers)
            v1.nn.dynamic_rnn(stack, frames(width=width), dtype=tf.float32)
        return build

    def zip_wrappers():
        base = rnn_cell.LSTMCell(32)
        wrapped = [rnn_cell.DropoutWrapper(c, output_keep_prob=p) for c, p in zip([base] * 3, [0.9, 0.8, 0.7])]
        v1.nn.dynamic_rnn(rnn_cell.MultiRNNCell(wrapped), frames(), dtype=tf.float32)

    def one_wrapper_per_setting():
        base = rnn_cell.LSTMCell(32)
        wrapped = [rnn_cell.DropoutWrapper(base, input_keep_prob=p) for p in (0.9, 0.8)]
        v1.nn.dynamic_rnn(rnn_cell.MultiRNNCell(wrapped), frames(), dtype=tf.float32)

    def zip_fresh_cells():
        wrapped = [rnn_cell.DropoutWrapper(rnn_cell.LSTMCell(s), output_keep_prob=p)
                   for s, p in zip((32, 32, 32), (0.9, 0.8, 0.7))]
        v1.nn.dynamic_rnn(rnn_cell.MultiRNNCell(wrapped), frames(), dtype=tf.float32)

    def one_object_two_names():
        forward = backward = rnn_cell.LSTMCell(32)
        v1.nn.bidirectional_dynamic_rnn(forward, backward, frames(), dtype=tf.float32)

    def deeper_only_when_asked(depth):
        def build():
            cell = rnn_cell.LSTMCell(32)
            stack = rnn_cell.MultiRNNCell([cell] * depth if depth > 1 else [cell])
            v1.nn.dynamic_rnn(stack, frames(), dtype=tf.float32)
        return build

    # --- rnn-layers-as-timesteps: a stack as deep as the input is long ------------------------------------
    def stack_of_len_steps():
        steps = tf.unstack(frames(steps=4), num=4, axis=1)
        stack = rnn_cell.MultiRNNCell([rnn_cell.LSTMCell(32) for _ in range(len(steps))])
        v1.nn.static_rnn(stack, steps, dtype=tf.float32)

    def one_cell_over_steps():
        v1.nn.static_rnn(rnn_cell.LSTMCell(32), tf.unstack(frames(steps=4), num=4, axis=1), dtype=tf.float32)

    def stack_run_by_decoding_loop():
        limit = 4
        stack = rnn_cell.MultiRNNCell([rnn_cell.LSTMCell(32) for _ in range(limit)])
        token, state = tf.zeros([4, 32]), stack.zero_state(4, tf.float32)
        for _ in range(limit):
            out, state = stack(token, state)
            token = tf.tanh(out)

    # --- rnn-cell-per-timestep: decoding loops and AUTO_REUSE ----------------------------------------------
    def decode(new_cell, scope=None, cell_scope=None, per_step_scope=False):
        """A decoding loop that builds a new cell at each of 3 steps and feeds its output back."""
        def build():
            x, state = tf.zeros([4, 32]), rnn_cell.LSTMCell(32).zero_state(4, tf.float32)
            with contextlib.ExitStack() as around_loop:
                if scope:
                    around_loop.enter_context(v1.variable_scope(scope, reuse=v1.AUTO_REUSE))
                for _ in range(3):
                    with contextlib.ExitStack() as per_step:
                        if per_step_scope:
                            per_step.enter_context(v1.variable_scope("step", reuse=v1.AUTO_REUSE))
                        cell = new_cell()
                        x, state = cell(x, state, scope=cell_scope) if cell_scope else cell(x, state)
        return build

    def one_cell_decoding():
        cell = rnn_cell.LSTMCell(32)
        x, state = tf.zeros([4, 32]), cell.zero_state(4, tf.float32)
        for _ in range(3):
            x, state = cell(x, state)

    # --- rnn-batch-sized-initial-state: zero_state parts and configured shapes -----------------------------
    def batch_sized(build_states):
        def build():
            stack, start = build_states(7)
            shapes = [v.shape.as_list() for v in v1.trainable_variables()]  # the learned states only
            out, _ = v1.nn.dynamic_rnn(stack, frames(batch=7), initial_state=start, scope="first")
            try:
                v1.nn.dynamic_rnn(stack, frames(batch=9), initial_state=start, scope="other_batch")
                other = "ok"
            except ValueError:
                other = "error"
            return {"state_shapes": shapes, "other_batch": other, "out": out.shape.as_list()}
        return build

    def generator_over_stack_zero_state(batch):
        stack = rnn_cell.MultiRNNCell([rnn_cell.GRUCell(16) for _ in range(2)])
        return stack, tuple(v1.Variable(part) for part in stack.zero_state(batch, tf.float32))

    def lstm_tuples_per_layer(batch):
        stack = rnn_cell.MultiRNNCell([rnn_cell.LSTMCell(16) for _ in range(2)])
        return stack, tuple(rnn_cell.LSTMStateTuple(v1.Variable(z.c), v1.Variable(z.h))
                            for z in stack.zero_state(batch, tf.float32))

    def appended_get_variables(batch):
        stack = rnn_cell.MultiRNNCell([rnn_cell.GRUCell(16) for _ in range(2)])
        learned = []
        for i, part in enumerate(stack.zero_state(batch, tf.float32)):
            learned.append(v1.get_variable(f"h0_{i}", initializer=part))
        return stack, tuple(learned)

    def zeros_like_the_zero_state(batch):
        cell = rnn_cell.GRUCell(16)
        return cell, v1.Variable(tf.zeros_like(cell.zero_state(batch, tf.float32)))

    def shapes_from_params(batch):
        params = {"batch_size": batch}
        shapes = {"c": [params["batch_size"], 16], "h": [params["batch_size"], 16]}
        c0, h0 = v1.get_variable("c0", shape=shapes["c"]), v1.get_variable("h0", shape=shapes["h"])
        return rnn_cell.LSTMCell(16), rnn_cell.LSTMStateTuple(c0, h0)

    def batch_sized_tiled():
        cell, h0 = rnn_cell.GRUCell(16), v1.get_variable("h0", shape=[1, 16])
        batches = []
        for batch, scope in ((7, "first"), (9, "other_batch")):
            out, _ = v1.nn.dynamic_rnn(cell, frames(batch=batch), initial_state=tf.tile(h0, [batch, 1]), scope=scope)
            batches.append(out.shape.as_list()[0])
        return {"state_shapes": [h0.shape.as_list()], "other_batch": "ok", "batches": batches}

    probes = {
        "latent_knob_at_1": latent(1, 32),
        "latent_knob_at_2": latent(2, 32),
        "latent_knob_at_2_other_width": latent(2, 8),
        "zip_wrappers": zip_wrappers,
        "one_wrapper_per_setting": one_wrapper_per_setting,
        "zip_fresh_cells": zip_fresh_cells,
        "one_object_two_names": one_object_two_names,
        "deeper_only_when_asked": deeper_only_when_asked(3),
        "stack_of_len_steps": stack_of_len_steps,
        "one_cell_over_steps": one_cell_over_steps,
        "stack_run_by_decoding_loop": stack_run_by_decoding_loop,
        "decode_new_cell": decode(lambda: rnn_cell.LSTMCell(32)),
        "decode_auto_reuse_outside": decode(lambda: rnn_cell.LSTMCell(32), scope="decoder"),
        "decode_auto_reuse_outside_named": decode(lambda: rnn_cell.LSTMCell(32, name="dec"), scope="decoder"),
        "decode_auto_reuse_scope_per_step": decode(lambda: rnn_cell.LSTMCell(32), per_step_scope=True),
        "decode_auto_reuse_call_scope": decode(lambda: rnn_cell.LSTMCell(32), scope="decoder",
                                               cell_scope="shared_cell"),
        "decode_reuse_on_the_cell": decode(lambda: rnn_cell.LSTMCell(32, reuse=v1.AUTO_REUSE)),
        "one_cell_decoding": one_cell_decoding,
        "zero_state_generator": batch_sized(generator_over_stack_zero_state),
        "zero_state_lstm_tuples": batch_sized(lstm_tuples_per_layer),
        "zero_state_appended": batch_sized(appended_get_variables),
        "shapes_from_params": batch_sized(shapes_from_params),
        "zeros_like_the_zero_state": batch_sized(zeros_like_the_zero_state),
        "tiled_learned_state": batch_sized_tiled,
    }
    return {name: graph(build) for name, build in probes.items()}


def keras_probes():
    """The Keras 3 probes."""
    import keras  # pylint: disable=import-outside-toplevel
    from keras import layers  # pylint: disable=import-outside-toplevel

    def recurrent_layers(model):
        return sum(1 for layer in model.layers if isinstance(layer, layers.LSTM))

    def question_tower(tokens):
        return layers.LSTM(8)(layers.Embedding(50, 4)(tokens))

    def twins_comprehension():
        first, second = keras.Input(shape=(6,), dtype="int32"), keras.Input(shape=(6,), dtype="int32")
        left, right = [question_tower(q) for q in (first, second)]
        model = keras.Model([first, second], layers.Subtract()([left, right]))
        return {"lstm_layers": recurrent_layers(model), "weights": len(model.trainable_weights)}

    shared = layers.LSTM(8)

    def shared_comprehension():
        first, second = keras.Input(shape=(6, 3)), keras.Input(shape=(6, 3))
        left, right = [shared(x) for x in (first, second)]
        model = keras.Model([first, second], layers.Subtract()([left, right]))
        return {"lstm_layers": recurrent_layers(model), "weights": len(model.trainable_weights)}

    out = {}
    for name, probe in (("twins_comprehension", twins_comprehension), ("shared_comprehension", shared_comprehension)):
        keras.backend.clear_session()
        out[name] = probe()
    return out


if __name__ == "__main__":
    GROUPS = {"tf1": tf1_probes, "keras": keras_probes}
    print(json.dumps(GROUPS[sys.argv[1]]()))
