"""One probe per case of fixtures/accuracy: build it with real TensorFlow and observe the pitfall.

A probe gets the runner's Loader (``L.load("rule/file.py")`` runs the fixture as a module) and returns what it
observed, in one of three forms (see accuracy_runner.observation):

- a list of events, each the list of ``file:line`` locations that can account for it (the fixture frames of
  the traceback of an error, of the construction of a stack, of ``op.traceback`` of a variable or reduce
  op): the test pairs every event with one marker of the fixture's rule, on one of those lines;
- a bool: whether the pitfall manifests (the test compares it with "the fixture has a marker");
- optionally as ``(value, detail)``, detail being printed when the test fails.

Evidence per rule (what "manifests" means), in the helpers below:

- rnn-same-cell-stacked: the layers of a built stack have fewer distinct weight sets than layers, or
  building fails with a shape error; the backward direction of a bidirectional RNN uses the forward weights;
- rnn-duplicate-variables: building raises ValueError "... already exists";
- rnn-variable-not-shared: a trainable tf.Variable is created while reuse is on and a variable of the same
  name already exists (it is a second, unshared copy);
- rnn-repeated-graph-call: the n names are one object and the helper ran once;
- rnn-placeholder-roundtrip: a training run feeds a value fetched earlier, and trainable variables that
  computed it get no gradient from any loss the program minimizes;
- rnn-layers-as-timesteps: a stack's number of layers (distinct weight sets) equals the number of time steps
  of the input it runs on;
- rnn-cell-per-timestep: one source line built as many cells (each with its own weights) as there are time
  steps;
- rnn-time-axis-reduction: a reduce op whose input is the outputs of an RNN on a library stacked cell
  reduces its time axis;
- rnn-untrained-initial-state: a variable that starts an RNN (or is meant to) gets no gradient from the loss,
  or is non-trainable, fed as initial_state and never assigned;
- rnn-batch-sized-initial-state: a trainable variable fed as initial_state has the batch size as its first
  dimension (and is not the carry of the final state);
- rnn-layer-rebuilt-per-call: the two branches of a merged twin model run through different recurrent layers
  built identically (disjoint weights).
"""
from __future__ import annotations

import re

import numpy as np

from accuracy_runner import REC, constructed, exc_frames, op_frames

tf = v1 = world = None
CASES = {}


def bind(w):
    global world, tf, v1
    world = w
    tf = w.tf
    v1 = tf.compat.v1


def case(relpath, group="tf1"):
    def deco(fn):
        CASES[relpath] = (group, fn)
        return fn

    return deco


def simple(relpath, evidence, group="tf1"):
    """A fixture whose module-level code builds everything: load it and read the evidence."""
    CASES[relpath] = (group, lambda L: (L.load(relpath), evidence())[1])


# ----------------------------------------------------------------------------------------------------------
# Shared helpers


def location_of(relpath, text):
    """'relpath:line' of the only line of a fixture containing text (for runnable equivalents of code that
    TF 2.21 cannot run: the equivalent's event is attributed to the fixture line it stands for)."""
    from accuracy_runner import ACC

    lines = [i for i, line in enumerate((ACC / relpath).read_text().splitlines(), start=1) if text in line]
    assert len(lines) == 1, (relpath, text, lines)
    return f"{relpath}:{lines[0]}"


def legacy_cell_classes():
    from tensorflow.python.keras.layers.legacy_rnn import rnn_cell_impl as py_impl

    return v1.nn.rnn_cell, py_impl


def multi_cell_types():
    cells, py_impl = legacy_cell_classes()
    return (cells.MultiRNNCell, py_impl.MultiRNNCell)


def unwrap(cell):
    """The innermost cell of wrappers (DropoutWrapper, ResidualWrapper, ...)."""
    seen = 0
    while seen < 10:
        inner = getattr(cell, "cell", None) or getattr(cell, "_cell", None)
        if inner is None or inner is cell:
            return cell
        cell, seen = inner, seen + 1
    return cell


def weight_set(layer):
    return frozenset(id(v) for v in layer.trainable_weights)


def is_shape_error(exc):
    text = str(exc)
    return any(s in text for s in ("Dimensions must be equal", "Matrix size-incompatible", "Incompatible shapes",
                                   "is incompatible with", "expected axis"))


def names(variables):
    return sorted(v.name for v in variables)


# ----------------------------------------------------------------------------------------------------------
# rnn-same-cell-stacked


def stacked_sharing(error=None):
    """Events: stacks whose layers share weights; bidirectional calls whose directions share weights."""
    events, detail = [], []
    for stack, frames in constructed(multi_cell_types()):
        if type(stack).__name__ != "MultiRNNCell" and "call" in type(stack).__dict__:
            continue  # a user cell that overrides call: not a plain stack
        layers = [unwrap(c) for c in stack._cells]
        if len(layers) < 2:
            continue
        built = [layer for layer in layers if layer.built]
        distinct = len({weight_set(layer) for layer in built})
        detail.append(f"stack at {frames[-1:]}: {len(layers)} layers, {len(built)} built, {distinct} weight sets")
        if built and distinct < len(layers) and len(built) == len(layers):
            events.append(frames)
        elif error is not None and len({id(layer) for layer in layers}) < len(layers):
            events.append(frames)  # the shape error: a layer got an input of another width than it was built for
    for call in REC.rnn_calls:
        args = call["args"]
        if call["kind"] in ("bidirectional_dynamic_rnn", "static_bidirectional_rnn"):
            fw, bw = unwrap(args["cell_fw"]), unwrap(args["cell_bw"])
            pairs = [(fw, bw)]
        elif call["kind"] == "stack_bidirectional_dynamic_rnn":
            pairs = list(zip(map(unwrap, args["cells_fw"]), map(unwrap, args["cells_bw"])))
        else:
            continue
        shared = [p for p in pairs if weight_set(p[0]) & weight_set(p[1])]
        detail.append(f"bidirectional at {call['frames'][-1:]}: {len(shared)} of {len(pairs)} direction pairs share")
        if shared:
            events.append(call["frames"])
    return events, "; ".join(detail)


def build_catching_shape_error(fn):
    try:
        fn()
    except (ValueError, tf.errors.InvalidArgumentError) as exc:
        if not is_shape_error(exc):
            raise
        return exc
    return None


def tf1_stacked(relpath, build=None):
    def probe(L):
        def run():
            mod = L.load(relpath)
            if build:
                build(mod)

        error = build_catching_shape_error(run)
        return stacked_sharing(error)

    CASES[relpath] = ("tf1", probe)


SCS = "rnn-same-cell-stacked/"

tf1_stacked(SCS + "scs_a_tagger_class.py", lambda m: m.Tagger(m.Config()).build())
tf1_stacked(SCS + "scs_b_zip_dropout.py")
tf1_stacked(SCS + "scs_c_flags_append.py", lambda m: m.main(None))
tf1_stacked(SCS + "scs_c_params_model_fn.py",
            lambda m: m.model_fn({"tokens": v1.placeholder(tf.int32, [None, None]),
                                  "length": v1.placeholder(tf.int32, [None])},
                                 v1.placeholder(tf.int32, [None]), "train", m.PARAMS))
tf1_stacked(SCS + "scs_f_python_ops_bidi.py")
tf1_stacked(SCS + "scs_speechpkg/model.py",
            lambda m: m.acoustic_model(v1.placeholder(tf.float32, [None, None, 40]),
                                       v1.placeholder(tf.int32, [None])))
tf1_stacked(SCS + "scs_a_make_cell_method_ok.py",
            lambda m: m.PassageEncoder(m.HParams(), True).encode(v1.placeholder(tf.float32, [None, None, 48]),
                                                                 v1.placeholder(tf.int32, [None])))
tf1_stacked(SCS + "scs_b_sizes_zip_ok.py")
tf1_stacked(SCS + "scs_c_seed001_factory_ok.py")
tf1_stacked(SCS + "scs_f_contrib_stack_bidi_ok.py")
tf1_stacked(SCS + "scs_lmpkg/lm.py", lambda m: m.language_model(v1.placeholder(tf.int32, [None, None])))


@case(SCS + "scs_f_snippet_no_import.py")
def _(L):
    # The snippet relies on earlier notebook cells for `tf` and `n_classes`.
    error = build_catching_shape_error(lambda: L.load(SCS + "scs_f_snippet_no_import.py",
                                                      inject={"tf": world.top, "n_classes": 10}))
    return stacked_sharing(error)


@case(SCS + "scs_e_latent_one_layer.py")
def _(L):
    # Latent: with n_layers = 1 there is one layer. The same code with the knob at 2 (same lines) stacks one
    # cell object twice, and the two layers share one weight set.
    error = build_catching_shape_error(
        lambda: L.load(SCS + "scs_e_latent_one_layer.py", replace=("n_layers = 1", "n_layers = 2")))
    return stacked_sharing(error)


@case(SCS + "scs_e_argparse_default_one.py")
def _(L):
    # Latent, as above: the default --num_layers=1 builds one layer; --num_layers 2 shares one cell.
    mod = L.load(SCS + "scs_e_argparse_default_one.py")
    error = build_catching_shape_error(lambda: mod.build_graph(mod.parse_args(["--num_layers", "2"])))
    return stacked_sharing(error)


@case(SCS + "scs_f_models_rnn_ptb.py")
def _(L):
    # tensorflow.models.rnn (TF 0.x: tf.split(1, n, x), tf.concat(1, xs)) cannot run on TF 2.21. Runnable
    # equivalent of PTBModel.__init__ with the same cell code (rnn_cell = tf.compat.v1.nn.rnn_cell,
    # rnn.rnn = static_rnn); the stack is built on the fixture's line so the event points there.
    rnn_cell = v1.nn.rnn_cell
    size, num_steps, batch = 16, 5, 4
    input_data = v1.placeholder(tf.int32, [batch, num_steps])
    lstm_cell = rnn_cell.BasicLSTMCell(size, forget_bias=0.0)
    cell = rnn_cell.MultiRNNCell([lstm_cell] * 2)
    REC.constructed[id(cell)] = (cell, [location_of(SCS + "scs_f_models_rnn_ptb.py", "rnn_cell.MultiRNNCell(")])
    embedding = v1.get_variable("embedding", [100, size])
    inputs = tf.unstack(tf.nn.embedding_lookup(embedding, input_data), axis=1)
    v1.nn.static_rnn(cell, inputs, initial_state=cell.zero_state(batch, tf.float32))
    return stacked_sharing()


# Keras


def keras_stacked_sharing():
    import keras
    import tf_keras

    events, detail = [], []
    for lib in (tf_keras, keras):
        for layer, frames in constructed(lib.layers.RNN):
            cell = layer.cell
            cells = getattr(cell, "cells", None)
            if not cells or len(cells) < 2 or not layer.built:
                continue
            distinct = len({weight_set(c) for c in cells})
            detail.append(f"RNN at {frames[-1:]}: {len(cells)} cells, {distinct} weight sets")
            if distinct < len(cells):
                events.append(frames)
    return events, "; ".join(detail)


@case(SCS + "scs_k_keras_rnn_list.py", group="keras")
def _(L):
    L.load(SCS + "scs_k_keras_rnn_list.py").build_model()
    return keras_stacked_sharing()


@case(SCS + "scs_k_shared_layer_ok.py", group="keras")
def _(L):
    L.load(SCS + "scs_k_shared_layer_ok.py")
    return keras_stacked_sharing()


@case(SCS + "scs_k_keras3_bidirectional.py", group="keras")
def _(L):
    mod = L.load(SCS + "scs_k_keras3_bidirectional.py")
    try:
        mod.ReviewClassifier()
    except ValueError as exc:
        assert "backward" in str(exc), exc
        return [exc_frames(exc)], str(exc)
    return [], "constructed"


# ----------------------------------------------------------------------------------------------------------
# rnn-duplicate-variables


def duplicate_error(fn):
    """Events: the 'Variable ... already exists' error of building, at the fixture frames of its traceback."""
    try:
        fn()
    except ValueError as exc:
        if "already exists" not in str(exc):
            raise
        return [exc_frames(exc)], str(exc).splitlines()[0]
    return [], "built: " + ", ".join(names(v1.global_variables()))


def tf1_duplicate(relpath, build=None, inject=None):
    def probe(L):
        def run():
            mod = L.load(relpath, inject=inject)
            if build:
                build(mod)

        return duplicate_error(run)

    CASES[relpath] = ("tf1", probe)


DV = "rnn-duplicate-variables/"
tf1_duplicate(DV + "dv_a_two_helper_methods.py", lambda m: m.Summarizer().build())
tf1_duplicate(DV + "dv_a_train_eval_graphs.py")
tf1_duplicate(DV + "dv_b_zip_towers.py")
tf1_duplicate(DV + "dv_b_dict_features_name_scope.py")
tf1_duplicate(DV + "dv_c_hparams_layer_loop.py", lambda m: m.build(m.HParams()))
tf1_duplicate(DV + "dv_f_contrib_static_rnn.py",
              lambda m: m.forecast(v1.placeholder(tf.float32, [None, 12, 3]),
                                   v1.placeholder(tf.float32, [None, 12, 2])))
tf1_duplicate(DV + "dv_a_namedtuple_siamese.py")
tf1_duplicate(DV + "dv_g_lstm_and_gru_ok.py")
tf1_duplicate(DV + "dv_g_stack_and_single_ok.py")
tf1_duplicate(DV + "dv_g_scopes_class_ok.py", lambda m: m.Translator().build())
tf1_duplicate(DV + "dv_g_layers_names_reuse_ok.py")
tf1_duplicate(DV + "dv_g_auto_reuse_ok.py")
tf1_duplicate(DV + "dv_g_cell_object_twice_ok.py")
tf1_duplicate(DV + "dv_g_reuse_variables_ok.py")


@case(DV + "dv_f_snippet_get_variable.py")
def _(L):
    # The snippet's `tf` and its inputs come from earlier listings of the post.
    inject = {"tf": world.top,
              "question_state": v1.placeholder(tf.float32, [None, 16]),
              "answer_state": v1.placeholder(tf.float32, [None, 16]),
              "passage_outputs": v1.placeholder(tf.float32, [None, 30, 16])}
    return duplicate_error(lambda: L.load(DV + "dv_f_snippet_get_variable.py", inject=inject))


@case(DV + "dv_g_mode_branches_ok.py")
def _(L):
    # Each run builds one mode; every mode builds without a duplicate (fresh graph per mode).
    mod = L.load(DV + "dv_g_mode_branches_ok.py")
    events, details = [], []
    for mode in ("train", "eval", "export"):
        with tf.Graph().as_default():
            found, detail = duplicate_error(lambda: mod.main(mode))
            events += found
            details.append(f"{mode}: {detail}")
    return events, "; ".join(details)


# ----------------------------------------------------------------------------------------------------------
# rnn-variable-not-shared


def _base_name(name):
    """A variable's name with the uniquifying suffixes of re-entered scopes removed (model_1/w_1 -> model/w)."""
    return "/".join(re.sub(r"_\d+$", "", part) for part in name.split(":")[0].split("/"))


def unshared_copies():
    """Events: trainable tf.Variable created under reuse while a variable of the same name already exists.

    Copies made by one call (the frames above the tf.Variable line agree) are one event, as one call under
    reuse is one finding however many variables it copies (and however often a loop makes it).
    """
    groups, detail = {}, []
    seen = []
    for var, reuse, frames in REC.variables:
        base = _base_name(var.name)
        if reuse and var.trainable and base in seen:
            key = tuple(frames[:-1]) or tuple(frames)
            groups.setdefault(key, set()).update(frames)
            detail.append(f"{var.name} copies {base} (reuse={reuse})")
        seen.append(base)
    events = [sorted(g) for g in groups.values()]
    trainable = names(v1.trainable_variables())
    return events, "; ".join(detail) + " | trainable: " + ", ".join(trainable)


def tf1_unshared(relpath, build=None, inject=None):
    def probe(L):
        mod = L.load(relpath, inject=inject)
        if build:
            build(mod)
        return unshared_copies()

    CASES[relpath] = ("tf1", probe)


VNS = "rnn-variable-not-shared/"
tf1_unshared(VNS + "vns_a_seed000_lower_model.py", lambda m: m.Forecaster().create_graph())
tf1_unshared(VNS + "vns_a_gan_discriminator.py", lambda m: m.SeqGAN().build())
tf1_unshared(VNS + "vns_b_auto_reuse_dict.py")
tf1_unshared(VNS + "vns_c_multi_gpu_towers.py",
             lambda m: m.train([v1.placeholder(tf.float32, [None, 9, 4]) for _ in range(2)],
                               [v1.placeholder(tf.int32, [None]) for _ in range(2)]))
tf1_unshared(VNS + "vns_f_compat_direct_reuse_scope.py")
tf1_unshared(VNS + "vns_b_enumerate_reuse_flag.py")
tf1_unshared(VNS + "vns_a_get_variable_ok.py", lambda m: m.Forecaster().create_graph())
tf1_unshared(VNS + "vns_c_non_trainable_counter_ok.py")
tf1_unshared(VNS + "vns_a_called_once_ok.py",
             lambda m: m.Decoder().build(v1.placeholder(tf.float32, [None, 12, 16]),
                                         v1.placeholder(tf.float32, [None, 7, 16])))
tf1_unshared(VNS + "vns_b_layers_only_reuse_ok.py")


@case(VNS + "vns_f_snippet_reuse_true_kwarg.py")
def _(L):
    # `tf`, `clean` and `noisy` come from the surrounding script.
    L.load(VNS + "vns_f_snippet_reuse_true_kwarg.py",
           inject={"tf": world.top, "clean": v1.placeholder(tf.float32, [None, 10, 8]),
                   "noisy": v1.placeholder(tf.float32, [None, 10, 8])})
    return unshared_copies()


# ----------------------------------------------------------------------------------------------------------
# rnn-repeated-graph-call


def counting(owner, attr):
    """Wrap owner.attr to count its calls and the trainable variables each call creates."""
    calls = []
    original = getattr(owner, attr)

    def wrapper(*args, **kwargs):
        before = len(v1.trainable_variables())
        out = original(*args, **kwargs)
        calls.append((out, len(v1.trainable_variables()) - before))
        return out

    setattr(owner, attr, wrapper)
    return calls


def aliased(items, calls=None):
    """The pitfall: n > 1 references to one object that a variable-creating call returned once."""
    items = list(items)
    same = len(items) > 1 and all(x is items[0] for x in items)
    created = None if calls is None else sum(n for _, n in calls)
    detail = f"{len(items)} references, all one object: {same}; calls: {None if calls is None else len(calls)}, " \
             f"variables created: {created}"
    return bool(same and (calls is None or (len(calls) == 1 and created > 0))), detail


RGC = "rnn-repeated-graph-call/"


@case(RGC + "rgc_a_class_towers.py")
def _(L):
    mod = L.load(RGC + "rgc_a_class_towers.py")
    calls = counting(mod.DemandModel, "tower")
    model = mod.DemandModel().build()
    return aliased(model.transfer.op.inputs, calls)


@case(RGC + "rgc_c_task_heads.py")
def _(L):
    mod = L.load(RGC + "rgc_c_task_heads.py")
    heads, _ = mod.build(v1.placeholder(tf.float32, [None, 9, 16]), v1.placeholder(tf.int32, [None, 3]))
    return aliased(heads, [(heads[0], len(v1.trainable_variables(scope="dense")))])


@case(RGC + "rgc_c_gpu_towers_config.py")
def _(L):
    mod = L.load(RGC + "rgc_c_gpu_towers_config.py")
    calls = counting(mod, "build_tower")
    loss = mod.build(mod.Config())
    add_n = loss.op.inputs[0].op
    return aliased(add_n.inputs, calls)


@case(RGC + "rgc_a_builder_dict.py")
def _(L):
    mod = L.load(RGC + "rgc_a_builder_dict.py")
    return aliased([mod.train_endpoints, mod.valid_endpoints],
                   [(mod.train_endpoints, len(v1.trainable_variables()))])


@case(RGC + "rgc_k_keras_ensemble.py", group="keras")
def _(L):
    mod = L.load(RGC + "rgc_k_keras_ensemble.py")
    grus = [layer for layer in mod.ensemble.layers if "gru" in layer.name]
    return aliased(mod.members, [(mod.members[0], len(grus))])


@case(RGC + "rgc_f_snippet_no_import.py")
def _(L):
    # `build_stack` and `x` come from earlier cells: a two-layer LSTM over x.
    calls = []

    def build_stack(x):
        stack = v1.nn.rnn_cell.MultiRNNCell([v1.nn.rnn_cell.LSTMCell(8) for _ in range(2)])
        with v1.variable_scope(None, default_name="stack"):
            outputs, _ = v1.nn.dynamic_rnn(stack, x, dtype=tf.float32)
        out = outputs[:, -1]
        calls.append((out, len(v1.trainable_variables())))
        return out

    mod = L.load(RGC + "rgc_f_snippet_no_import.py",
                 inject={"tf": world.top, "x": v1.placeholder(tf.float32, [None, 5, 8]), "build_stack": build_stack})
    return aliased(mod.predictions, calls)


def recording_gru_encoder(calls, units=8):
    """A helper from an earlier notebook cell: a GRU over its input (its own scope per call), recording
    each call's output and the trainable variables it created."""

    def encode(x):
        before = len(v1.trainable_variables())
        with v1.variable_scope(None, default_name="encoder"):
            _, state = v1.nn.dynamic_rnn(v1.nn.rnn_cell.GRUCell(units), x, dtype=tf.float32)
        calls.append((state, len(v1.trainable_variables()) - before))
        return state

    return encode


@case(RGC + "rgc_f_snippet_stack_mean.py")
def _(L):
    calls = []
    mod = L.load(RGC + "rgc_f_snippet_stack_mean.py",
                 inject={"tf": world.top, "tokens": v1.placeholder(tf.float32, [None, 5, 8]), "n_heads": 3,
                         "encode": recording_gru_encoder(calls)})
    return aliased(mod.head_outputs, calls)


@case(RGC + "rgc_f_snippet_keras_average.py", group="keras")
def _(L):
    calls = []

    def gru_branch(inputs):
        layer = tf.keras.layers.GRU(8)
        out = layer(inputs)
        calls.append((out, len(layer.trainable_weights)))
        return out

    mod = L.load(RGC + "rgc_f_snippet_keras_average.py",
                 inject={"tf": tf, "inputs": tf.keras.Input(shape=(6, 4)), "gru_branch": gru_branch})
    grus = [layer for layer in mod.model.layers if isinstance(layer, tf.keras.layers.GRU)]
    value, detail = aliased(mod.branches, calls)
    return value and len(grus) == 1, f"{detail}; GRU layers in the model: {len(grus)}"


@case(RGC + "rgc_f_snippet_initial_states_ok.py")
def _(L):
    calls = []

    def zeros_for(x):
        zeros = tf.zeros([tf.shape(x)[0], 8])
        calls.append((zeros, 0))  # a constant: no variables behind it
        return zeros

    stack = v1.nn.rnn_cell.MultiRNNCell([v1.nn.rnn_cell.GRUCell(8) for _ in range(2)])
    mod = L.load(RGC + "rgc_f_snippet_initial_states_ok.py",
                 inject={"tf": world.top, "stack": stack, "x": v1.placeholder(tf.float32, [None, 5, 8]),
                         "zeros_for": zeros_for, "num_layers": 2})
    return aliased(mod.initial_states, calls)


@case(RGC + "rgc_f_snippet_slots_ok.py")
def _(L):
    calls = []
    x = v1.placeholder(tf.float32, [None, 5, 8])
    mod = L.load(RGC + "rgc_f_snippet_slots_ok.py",
                 inject={"tf": world.top, "x": x, "towers": [recording_gru_encoder(calls) for _ in range(3)],
                         "placeholder_like": lambda inputs: tf.zeros([tf.shape(inputs)[0], 8])})
    return aliased(mod.tower_outputs, calls)


@case(RGC + "rgc_zero_states_ok.py")
def _(L):
    mod = L.load(RGC + "rgc_zero_states_ok.py")
    # One zero tensor per layer, aliased: a constant, no variables or RNN behind it.
    kinds = {t.op.type for t in mod.initial}
    return aliased(mod.initial, [(mod.initial[0], 0)])[0], f"aliased constant ops {kinds}"


@case(RGC + "rgc_slots_filled_ok.py")
def _(L):
    mod = L.load(RGC + "rgc_slots_filled_ok.py")
    return aliased(mod.tower_outputs)


@case(RGC + "rgc_comprehension_ok.py")
def _(L):
    mod = L.load(RGC + "rgc_comprehension_ok.py")
    return aliased(mod.embeddings)


@case(RGC + "rgc_times_one_ok.py")
def _(L):
    mod = L.load(RGC + "rgc_times_one_ok.py")
    return aliased(mod.towers)


# ----------------------------------------------------------------------------------------------------------
# rnn-placeholder-roundtrip


def upstream_variables(tensor):
    """Trainable variables a tensor is computed from (the walk stops at placeholders)."""
    by_op = {v.op.name: v for v in v1.trainable_variables()}
    found, seen, stack = [], set(), [tensor.op]
    while stack:
        op = stack.pop()
        if op.name in seen:
            continue
        seen.add(op.name)
        if op.name in by_op:
            found.append(by_op[op.name])
            continue
        if op.type in ("Placeholder", "PlaceholderWithDefault"):
            continue
        stack.extend(t.op for t in op.inputs)
    return found


def no_gradient_from_any_loss(variables):
    """The variables that no minimized loss of the program gives a gradient."""
    if not variables:
        return []
    has_grad = set()
    for loss in REC.losses:
        for var, grad in zip(variables, v1.gradients(loss, variables)):
            if grad is not None:
                has_grad.add(var.name)
    return [v for v in variables if v.name not in has_grad]


def roundtrip_events():
    """Events: training runs that fed a fetched value whose producing variables never get a gradient."""
    groups, detail = {}, []
    for rt in REC.roundtrips:
        producers = upstream_variables(rt["tensor"])
        cut = no_gradient_from_any_loss(producers)
        detail.append(f"run at {rt['frames'][-1:]} fed {rt['tensor'].name} into {rt['placeholder'].name}: "
                      f"producers {names(producers)}, without gradient {names(cut)}")
        if cut:
            groups.setdefault(tuple(rt["frames"]), rt["frames"])
    detail.append(f"{len(REC.losses)} losses minimized")
    return list(groups.values()), "; ".join(dict.fromkeys(detail))


def rand(*shape):
    return np.random.rand(*shape).astype(np.float32)


def ints(high, *shape):
    return np.random.randint(0, high, size=shape)


PR = "rnn-placeholder-roundtrip/"


@case(PR + "pr_a_precompute_method.py")
def _(L):
    mod = L.load(PR + "pr_a_precompute_method.py")
    trainer = mod.CaptionTrainer()
    trainer.fit([(rand(4, 8, 48), ints(30, 4)) for _ in range(2)])
    return roundtrip_events()


@case(PR + "pr_b_fetch_dict.py")
def _(L):
    mod = L.load(PR + "pr_b_fetch_dict.py")
    mod.train(mod.build(), [(ints(50, 4, 6), ints(3, 4)) for _ in range(2)])
    return roundtrip_events()


@case(PR + "pr_b_tuple_unpack_update.py")
def _(L):
    mod = L.load(PR + "pr_b_tuple_unpack_update.py")
    sess = world.top.Session()
    sess.run(v1.global_variables_initializer())
    mod.run_epoch(sess, [(rand(4, 20, 13), np.full(4, 20), ints(10, 4)) for _ in range(2)])
    return roundtrip_events()


@case(PR + "pr_a_namedtuple_graph.py")
def _(L):
    mod = L.load(PR + "pr_a_namedtuple_graph.py")
    mod.main([(rand(4, 12, 10), ints(5, 4)) for _ in range(2)])
    return roundtrip_events()


@case(PR + "pr_c_eval_and_op_run.py")
def _(L):
    mod = L.load(PR + "pr_c_eval_and_op_run.py")
    mod.train([(ints(40, 4, 7), ints(7, 4, 7)) for _ in range(2)])
    return roundtrip_events()


@case(PR + "pr_f_snippet_reshape.py")
def _(L):
    # The question's graph (seed 000): an ANN whose output is fed to the RNN through a placeholder.
    batch_size, sequence_length = 4, 3
    c = v1.placeholder(tf.float32, [batch_size, sequence_length * 2])
    y = v1.placeholder(tf.float32, [batch_size, 1])
    ann_out = v1.layers.dense(c, sequence_length * 5, activation=tf.nn.relu, name="ann")
    rnn_input_ph = v1.placeholder(tf.float32, [batch_size, sequence_length, 5])
    _, state = v1.nn.dynamic_rnn(v1.nn.rnn_cell.BasicLSTMCell(8), rnn_input_ph, dtype=tf.float32)
    loss = v1.losses.mean_squared_error(y, v1.layers.dense(state.h, 1, name="out"))
    optimizer = v1.train.AdamOptimizer().minimize(loss)
    sess = world.top.Session()
    sess.run(v1.global_variables_initializer())
    L.load(PR + "pr_f_snippet_reshape.py", inject=dict(
        tf=world.top, np=np, sess=sess, ann_out=ann_out, c=c, rnn_input_ph=rnn_input_ph, y=y,
        optimizer=optimizer, batch_size=batch_size, sequence_length=sequence_length,
        batches=[(rand(batch_size, 6), rand(batch_size, 1)) for _ in range(2)]))
    return roundtrip_events()


@case(PR + "pr_tbptt_state_ok.py")
def _(L):
    mod = L.load(PR + "pr_tbptt_state_ok.py")
    model = mod.CharRNN()
    with world.top.Session() as sess:
        sess.run(v1.global_variables_initializer())
        model.train_epoch(sess, [(ints(20, 4, 10), ints(20, 4, 10)) for _ in range(3)])
    return roundtrip_events()


@case(PR + "pr_input_pipeline_ok.py")
def _(L):
    L.load(PR + "pr_input_pipeline_ok.py").train()
    return roundtrip_events()


@case(PR + "pr_scheduled_sampling_ids_ok.py")
def _(L):
    mod = L.load(PR + "pr_scheduled_sampling_ids_ok.py")
    with world.top.Session() as sess:
        sess.run(v1.global_variables_initializer())
        mod.train(sess, [(ints(25, 4, 6), ints(25, 4, 6)) for _ in range(2)])
    return roundtrip_events()


@case(PR + "pr_gan_two_stage_ok.py")
def _(L):
    mod = L.load(PR + "pr_gan_two_stage_ok.py")
    gan = mod.RecurrentGAN()
    with world.top.Session() as sess:
        sess.run(v1.global_variables_initializer())
        gan.train(sess, [(rand(4, 8, 4), rand(4, 8, 4)) for _ in range(2)])
    return roundtrip_events()


@case(PR + "pr_eval_only_ok.py")
def _(L):
    mod = L.load(PR + "pr_eval_only_ok.py")
    with world.top.Session() as sess:
        sess.run(v1.global_variables_initializer())
        mod.evaluate(sess, [rand(4, 10, 5) for _ in range(2)])
    return roundtrip_events()


# ----------------------------------------------------------------------------------------------------------
# rnn-layers-as-timesteps


def _time_steps(call):
    args = call["args"]
    if call["kind"] in ("static_rnn", "static_bidirectional_rnn"):
        return len(args["inputs"])
    axis = 0 if args.get("time_major") else 1
    return tf.TensorShape(args["inputs"].shape)[axis]


def _layers_with_own_weights(stack):
    layers = [unwrap(c) for c in stack._cells]
    return len(layers) if len({weight_set(layer) for layer in layers}) == len(layers) else -1


def stacks_as_deep_as_time(steps=None):
    """Events: stacks whose number of layers (each with its own weights) equals the time steps they run over.

    steps: the number of time steps for stacks run by hand (a decoding loop), when no RNN function runs them.
    """
    events, detail = [], []
    ran = set()
    for call in REC.rnn_calls:
        args, time_steps = call["args"], _time_steps(call)
        if call["kind"] == "stack_bidirectional_dynamic_rnn":
            depth = len(args["cells_fw"])
            detail.append(f"stack_bidirectional at {call['frames'][-1:]}: {depth} layers, {time_steps} steps")
            if depth == time_steps:
                events.append(call["frames"])
            continue
        cells = [args[k] for k in ("cell", "cell_fw", "cell_bw") if k in args]
        for cell in map(unwrap, cells):
            if isinstance(cell, multi_cell_types()) and id(cell) not in ran:
                ran.add(id(cell))
                depth = _layers_with_own_weights(cell)
                frames = REC.constructed[id(cell)][1]
                detail.append(f"stack at {frames[-1:]}: {depth} layers, {time_steps} steps")
                if depth == time_steps:
                    events.append(frames)
    if steps is not None:
        for stack, frames in constructed(multi_cell_types()):
            if id(stack) not in ran:
                depth = _layers_with_own_weights(stack)
                detail.append(f"hand-run stack at {frames[-1:]}: {depth} layers, {steps} steps")
                if depth == steps:
                    events.append(frames)
    return events, "; ".join(detail)


def tf1_timesteps(relpath, build=None, steps=None):
    def probe(L):
        mod = L.load(relpath)
        if build:
            build(mod)
        return stacks_as_deep_as_time(steps)

    CASES[relpath] = ("tf1", probe)


LAT = "rnn-layers-as-timesteps/"
tf1_timesteps(LAT + "lat_c_loop_append_time_steps.py")
tf1_timesteps(LAT + "lat_c_flags_num_steps.py", lambda m: m.main(None))
tf1_timesteps(LAT + "lat_c_same_number_as_input.py")
tf1_timesteps(LAT + "lat_c_static_rnn_list_len.py",
              lambda m: m.weekly_model(v1.placeholder(tf.float32, [None, 4, 7])))
tf1_timesteps(LAT + "lat_c_decode_loop_bound.py",
              lambda m: m.predict_trajectory(v1.placeholder(tf.float32, [None, 2]),
                                             v1.placeholder(tf.float32, [None, 6])), steps=4)
tf1_timesteps(LAT + "lat_c_hparams_stack_bidi.py",
              lambda m: m.encode(m.HParams(), v1.placeholder(tf.float32, [None, 3, 8])))
tf1_timesteps(LAT + "lat_ptb_config_ok.py", lambda m: m.PTBModel(m.SmallConfig()))
tf1_timesteps(LAT + "lat_single_cell_ok.py")
tf1_timesteps(LAT + "lat_literal_design_ok.py")
tf1_timesteps(LAT + "lat_layer_loop_ok.py")


def keras_recurrent_depth(model_or_layers, steps, anchor):
    """Event at anchor's construction when the Keras stack (the cells of an RNN layer, or the recurrent
    layers of a model) has as many layers with their own weights as there are time steps."""
    import keras
    import tf_keras

    rnn_types = (tf_keras.layers.RNN, keras.layers.RNN)
    layers = model_or_layers.layers if hasattr(model_or_layers, "layers") else model_or_layers
    recurrent = [layer for layer in layers if isinstance(layer, rnn_types)]
    if len(recurrent) == 1 and hasattr(recurrent[0].cell, "cells"):
        cells = recurrent[0].cell.cells
        depth = len({weight_set(c) for c in cells})
    else:
        depth = len({weight_set(layer) for layer in recurrent})
    events = [REC.constructed[id(anchor)][1]] if depth == steps else []
    return events, f"{depth} recurrent layers with their own weights, {steps} time steps"


@case(LAT + "lat_a_keras_class_seq_len.py", group="keras")
def _(L):
    mod = L.load(LAT + "lat_a_keras_class_seq_len.py")
    model = mod.SequenceClassifier(seq_len=5)
    model(tf.zeros([2, 5, 8]))
    return keras_recurrent_depth([model.rnn], 5, model.rnn.cell)


@case(LAT + "lat_k_sequential_timesteps.py", group="keras")
def _(L):
    mod = L.load(LAT + "lat_k_sequential_timesteps.py")
    return keras_recurrent_depth(mod.model, mod.model.input_shape[1], mod.model)


@case(LAT + "lat_c_args_lookback_keras.py", group="keras")
def _(L):
    mod = L.load(LAT + "lat_c_args_lookback_keras.py")
    model = mod.build_model(mod.parse([]))
    rnn = [layer for layer in model.layers if hasattr(layer, "cell")][0]
    return keras_recurrent_depth(model, model.input_shape[1], rnn)


@case(LAT + "lat_k_sequential_layers_ok.py", group="keras")
def _(L):
    mod = L.load(LAT + "lat_k_sequential_layers_ok.py")
    return keras_recurrent_depth(mod.model, mod.model.input_shape[1], mod.model)


# ----------------------------------------------------------------------------------------------------------
# rnn-cell-per-timestep


def cells_per_line(steps):
    """Events: a source line that built, and ran, one cell with its own weights per time step."""
    groups = {}
    for cell, frames in REC.constructed.values():
        if not frames or not getattr(cell, "built", False):
            continue
        groups.setdefault(frames[-1], []).append((cell, frames))
    events, detail = [], []
    for line, built in groups.items():
        distinct = len({weight_set(c) for c, _ in built if c.trainable_weights})
        detail.append(f"{line}: {len(built)} cells, {distinct} weight sets")
        if distinct == steps > 1:
            events.append(sorted({f for _, frames in built for f in frames}))
    return events, "; ".join(detail) + f" ({steps} time steps)"


def tf1_per_step(relpath, steps, build=None, inject=None):
    def probe(L):
        mod = L.load(relpath, inject=inject)
        if build:
            build(mod)
        return cells_per_line(steps)

    CASES[relpath] = ("tf1", probe)


CPT = "rnn-cell-per-timestep/"
tf1_per_step(CPT + "cpt_range_num_steps.py", 5)
tf1_per_step(CPT + "cpt_b_unstack_loop.py", 6)
tf1_per_step(CPT + "cpt_a_method_new_cell_split.py", 4,
             lambda m: m.Reader().read(v1.placeholder(tf.float32, [None, 4, 10])))
tf1_per_step(CPT + "cpt_c_decode_loop_any_name.py", 4,
             lambda m: m.GreedyDecoder(m.CONFIG).decode(v1.placeholder(tf.float32, [None, 16]),
                                                        v1.placeholder(tf.float32, [None, 16]),
                                                        v1.get_variable("table", [20, 16])))
tf1_per_step(CPT + "cpt_f_python_ops_zip_mask.py", 5,
             lambda m: m.masked_unroll(v1.placeholder(tf.float32, [None, 5, 8]), v1.placeholder(tf.float32, [None, 5])))
tf1_per_step(CPT + "cpt_auto_reuse_unnamed.py", 4, lambda m: m.unroll(v1.placeholder(tf.float32, [None, 4, 6])))
tf1_per_step(CPT + "cpt_correct_unroll_ok.py", 5)
tf1_per_step(CPT + "cpt_reuse_kwarg_ok.py", 4)
tf1_per_step(CPT + "cpt_named_scope_reuse_ok.py", 4,
             lambda m: m.StepDecoder().run(v1.placeholder(tf.float32, [None, 4, 6])))
tf1_per_step(CPT + "cpt_layers_loop_ok.py", 10)
tf1_per_step(CPT + "cpt_c_conditional_decode_steps.py", 4,
             lambda m: m.SpanDecoder(m.CONFIG).decode(v1.placeholder(tf.float32, [None, 16]),
                                                      v1.placeholder(tf.float32, [None, 16])))
tf1_per_step(CPT + "cpt_c_conditional_depth_ok.py", 10,
             lambda m: m.encode(v1.placeholder(tf.float32, [None, 10, 16]), 3, True))
tf1_per_step(CPT + "cpt_dropout_per_step_ok.py", 5)


@case(CPT + "cpt_f_snippet_lambda.py")
def _(L):
    # `x_steps`, `init_state` and `n_hidden` come from earlier cells of the notebook.
    x = v1.placeholder(tf.float32, [None, 4, 6])
    zeros = tf.zeros([tf.shape(x)[0], 8])
    L.load(CPT + "cpt_f_snippet_lambda.py",
           inject={"tf": world.top, "x_steps": tf.unstack(x, axis=1), "n_hidden": 8,
                   "init_state": v1.nn.rnn_cell.LSTMStateTuple(zeros, zeros)})
    return cells_per_line(4)


@case(CPT + "cpt_k_keras_cell_loop.py", group="keras")
def _(L):
    L.load(CPT + "cpt_k_keras_cell_loop.py").unroll(tf.random.normal([2, 5, 3]))
    return cells_per_line(5)


@case(CPT + "cpt_k_cell_outside_ok.py", group="keras")
def _(L):
    L.load(CPT + "cpt_k_cell_outside_ok.py").unroll(tf.random.normal([2, 5, 3]))
    return cells_per_line(5)


# ----------------------------------------------------------------------------------------------------------
# rnn-time-axis-reduction


def _library_stack(cell):
    cell = unwrap(cell)
    return type(cell) in multi_cell_types()


def stacked_sequence_outputs():
    """(tensor name, time axis, where) of every sequence output computed by a library stack."""
    import tf_keras

    found = []
    for call in REC.rnn_calls:
        args, result, kind = call["args"], call["result"], call["kind"]
        if kind == "dynamic_rnn" and _library_stack(args["cell"]):
            found.append((result[0].name, 0 if args.get("time_major") else 1))
        elif kind == "bidirectional_dynamic_rnn":
            for direction, out in zip(("cell_fw", "cell_bw"), result[0]):
                if _library_stack(args[direction]):
                    found.append((out.name, 0 if args.get("time_major") else 1))
        elif kind == "static_rnn" and _library_stack(args["cell"]):
            found.append((tuple(o.name for o in result[0]), "steps"))
    for layer, out in REC.layer_calls:
        if type(layer.cell) is tf_keras.layers.StackedRNNCells and layer.return_sequences:
            out = out[0] if isinstance(out, (list, tuple)) else out
            found.append((out.name, 0 if layer.time_major else 1))
    return found


def time_axis_reductions():
    """Events: Sum/Mean (or AddN over the step list) ops of fixture code over the time axis of a stack's
    sequence outputs."""
    stacked = stacked_sequence_outputs()
    events, detail = [], [f"stacked sequence outputs: {[s for s, _ in stacked]}"]
    for op in v1.get_default_graph().get_operations():
        if op.type not in ("Sum", "Mean", "AddN"):
            continue
        frames = op_frames(op)
        if not frames:
            continue
        for outputs, time_axis in stacked:
            if op.type == "AddN":
                hit = time_axis == "steps" and tuple(t.name for t in op.inputs) == outputs
            else:
                axis = tf.get_static_value(op.inputs[1])
                axes = set(np.atleast_1d(axis).tolist()) if axis is not None else None
                rank = op.inputs[0].shape.rank
                axes = {a % rank for a in axes} if axes is not None and rank else axes
                hit = op.inputs[0].name == outputs and axes == {time_axis}
            if hit:
                events.append(frames)
                detail.append(f"{op.type} {op.name} at {frames[-1:]} reduces the time axis of {outputs}")
    return events, "; ".join(detail)


def tf1_reduction(relpath, build=None):
    def probe(L):
        mod = L.load(relpath)
        if build:
            build(mod)
        return time_axis_reductions()

    CASES[relpath] = ("tf1", probe)


TAR = "rnn-time-axis-reduction/"
tf1_reduction(TAR + "tar_seed004_layer_sum.py")
tf1_reduction(TAR + "tar_time_major_mean.py")
tf1_reduction(TAR + "tar_a_class_pool_method.py",
              lambda m: m.DeepLSTMClassifier().build(v1.placeholder(tf.float32, [None, None, 8]),
                                                     v1.placeholder(tf.int32, [None])))
tf1_reduction(TAR + "tar_b_dict_endpoints.py")
tf1_reduction(TAR + "tar_static_rnn_add_n.py")
tf1_reduction(TAR + "tar_k_stacked_return_sequences.py",
              lambda m: m.StackedEncoder()(v1.placeholder(tf.float32, [None, 9, 8])))
tf1_reduction(TAR + "tar_dropout_wrapped_reduction_indices.py")
tf1_reduction(TAR + "tar_bidi_stacked_fw.py")
tf1_reduction(TAR + "tar_mean_pool_single_ok.py")
tf1_reduction(TAR + "tar_final_state_sum_ok.py")
tf1_reduction(TAR + "tar_units_axis_ok.py")
tf1_reduction(TAR + "tar_k_no_return_sequences_ok.py",
              lambda m: m.Scorer()(v1.placeholder(tf.float32, [None, 9, 8])))
tf1_reduction(TAR + "tar_layersum/model.py", lambda m: m.encode(v1.placeholder(tf.float32, [None, 7, 16])))


# ----------------------------------------------------------------------------------------------------------
# rnn-untrained-initial-state


def _var_ops():
    return {v.op.name: v for v in v1.global_variables()}


def _upstream_var_names(tensor_or_var):
    """Names of the variable ops a tensor is computed from (through any op; stops at placeholders)."""
    by_op = _var_ops()
    start = tensor_or_var.op if hasattr(tensor_or_var, "op") else None
    found, seen, stack = set(), set(), [start] if start is not None else []
    while stack:
        op = stack.pop()
        if op.name in seen:
            continue
        seen.add(op.name)
        if op.name in by_op:
            found.add(op.name)
            continue
        if op.type in ("Placeholder", "PlaceholderWithDefault"):
            continue
        stack.extend(t.op for t in op.inputs)
    return found


def _assign_ops():
    """(target variable op name, assign op) of every assignment in the graph but variable initializers."""
    initializers = {v.initializer.name for v in v1.global_variables()}
    out = []
    for op in v1.get_default_graph().get_operations():
        if op.type in ("Assign", "AssignVariableOp") and op.inputs and op.name not in initializers:
            target = op.inputs[0].op
            out.append((target.name, op))
    return out


def _initial_state_tensors():
    found = []
    for call in REC.rnn_calls:
        for key in ("initial_state", "initial_state_fw", "initial_state_bw"):
            state = call["args"].get(key)
            if state is not None:
                found += tf.nest.flatten(state)
    return found


def untrained_initial_states(loss=None):
    """Events (one per variable): a trainable variable that no loss gives a gradient (candidates: where it is
    created, and the assignments that copy it); a non-trainable variable that starts an RNN and is never
    assigned (candidate: where it is created)."""
    losses = list(REC.losses) or [loss if loss is not None else
                                  tf.add_n([tf.reduce_sum(c["result"][0]) for c in REC.rnn_calls])]
    trainable = [v for v in v1.trainable_variables()]
    has_grad = set()
    for each in losses:
        for var, grad in zip(trainable, v1.gradients(each, trainable)):
            if grad is not None:
                has_grad.add(var.name)
    assigns = _assign_ops()
    events, detail = [], []
    for var in trainable:
        if var.name in has_grad:
            continue
        copies = [op for _, op in assigns if var.op.name in _upstream_var_names(op.inputs[1])]
        events.append(op_frames(var.op) + [f for op in copies for f in op_frames(op)])
        detail.append(f"{var.name}: no gradient (copied by {len(copies)} assignments)")
    assigned = {target for target, _ in assigns}
    started = set().union(*[_upstream_var_names(t) for t in _initial_state_tensors()] or [set()])
    for name, var in _var_ops().items():
        if name in started and not var.trainable and name not in assigned:
            events.append(op_frames(var.op))
            detail.append(f"{var.name}: non-trainable initial state, never assigned")
    detail.append(f"{len(has_grad)} of {len(trainable)} trainable variables get a gradient")
    return events, "; ".join(detail)


def tf1_initial_state(relpath, build=None):
    def probe(L):
        mod = L.load(relpath)
        if build:
            build(mod)
        return untrained_initial_states()

    CASES[relpath] = ("tf1", probe)


UIS = "rnn-untrained-initial-state/"
tf1_initial_state(UIS + "uis_a_class_reset_method.py", lambda m: m.StatefulLM())
tf1_initial_state(UIS + "uis_b_state_tuple_indexing.py")
tf1_initial_state(UIS + "uis_frozen_h0.py")
tf1_initial_state(UIS + "uis_third_answer_unused.py")
tf1_initial_state(UIS + "uis_c_flags_start_op.py",
                  lambda m: m.build(v1.placeholder(tf.float32, [4, 6, 5]), v1.placeholder(tf.float32, [4, 6, 1])))
tf1_initial_state(UIS + "uis_f_compat_method_assign.py",
                  lambda m: m.decoder(v1.placeholder(tf.float32, [4, 6, 5])))
tf1_initial_state(UIS + "uis_accepted_answer_ok.py")
tf1_initial_state(UIS + "uis_tiled_learned_ok.py", lambda m: m.Encoder()(v1.placeholder(tf.float32, [None, 7, 16])))
tf1_initial_state(UIS + "uis_carry_only_ok.py")
tf1_initial_state(UIS + "uis_bookkeeping_ok.py")
tf1_initial_state(UIS + "uis_cond_select_ok.py")


def keras_gradient_is_none(model, x, weight):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(model(x))
    grad = tape.gradient(loss, [weight])[0]
    return grad is None, f"gradient of the loss for {weight.name}: {'None' if grad is None else 'present'}"


@case(UIS + "uis_k_keras_reset_assign.py", group="keras")
def _(L):
    model = L.load(UIS + "uis_k_keras_reset_assign.py").StreamScorer()
    x = tf.random.normal([4, 5, 3])
    model(x)
    model.reset_state()
    return keras_gradient_is_none(model, x, model.h0)


@case(UIS + "uis_k_keras_tiled_ok.py", group="keras")
def _(L):
    model = L.load(UIS + "uis_k_keras_tiled_ok.py").LearnedStartGRU()
    return keras_gradient_is_none(model, tf.random.normal([3, 5, 2]), model.h0)


# ----------------------------------------------------------------------------------------------------------
# rnn-batch-sized-initial-state


def _direct_variable(x):
    """The variable x is, or reads through Identity ops only; None otherwise."""
    if isinstance(x, tf.Variable) or hasattr(x, "initializer"):
        return x
    by_op = _var_ops()
    op = x.op
    while op.name not in by_op and op.type in ("Identity", "ReadVariableOp") and op.inputs:
        op = op.inputs[0].op
    return by_op.get(op.name)


def batch_sized_states(batch_size=None):
    """Events: trainable variables fed as an initial state whose first dimension is the batch size (and that
    are not also the carry of the final state). One event per creating line."""
    assigned = {target for target, _ in _assign_ops()}
    groups, detail = {}, []
    for call in REC.rnn_calls:
        args = call["args"]
        x = args.get("inputs")
        x0 = x[0] if isinstance(x, (list, tuple)) else x
        batch = batch_size or tf.TensorShape(x0.shape)[1 if args.get("time_major") else 0]
        for key in ("initial_state", "initial_state_fw", "initial_state_bw"):
            for item in tf.nest.flatten(args.get(key)) if args.get(key) is not None else []:
                var = _direct_variable(item)
                if var is None:
                    continue
                first = tf.TensorShape(var.shape)[0]
                detail.append(f"{var.name}: shape {var.shape}, trainable {var.trainable}, batch {batch}, "
                              f"assigned {var.op.name in assigned}")
                if var.trainable and first == batch and var.op.name not in assigned:
                    frames = op_frames(var.op)
                    groups.setdefault(tuple(frames), frames)
    return list(groups.values()), "; ".join(detail)


def tf1_batch_sized(relpath, build=None, inject=None, batch_size=None):
    def probe(L):
        mod = L.load(relpath, inject=inject)
        if build:
            build(mod)
        return batch_sized_states(batch_size)

    CASES[relpath] = ("tf1", probe)


BSI = "rnn-batch-sized-initial-state/"
tf1_batch_sized(BSI + "bsi_d_zero_state_copy.py")
tf1_batch_sized(BSI + "bsi_c_flags_get_variable.py", lambda m: m.build(v1.placeholder(tf.float32, [None, 6, 5])),
                batch_size=4)
tf1_batch_sized(BSI + "bsi_a_class_state_method.py", lambda m: m.Model())
tf1_batch_sized(BSI + "bsi_b_config_dict_bidi.py",
                lambda m: m.encoder(v1.placeholder(tf.float32, [None, 6, 5]), m.Config()), batch_size=4)
tf1_batch_sized(BSI + "bsi_d_stack_zero_state_tuple.py")
tf1_batch_sized(BSI + "bsi_c_args_identity.py",
                lambda m: m.build(m.parse([]), v1.placeholder(tf.float32, [None, 6, 5])), batch_size=4)
tf1_batch_sized(BSI + "bsi_tiled_ok.py", batch_size=4)
tf1_batch_sized(BSI + "bsi_non_trainable_carry_ok.py")
tf1_batch_sized(BSI + "bsi_zero_state_tensor_ok.py")
tf1_batch_sized(BSI + "bsi_carry_assigned_ok.py", lambda m: m.StreamModel())


@case(BSI + "bsi_f_snippet_uppercase.py")
def _(L):
    # `BATCH_SIZE`, `N_HIDDEN`, `cell` and `inputs` come from the rest of the gist.
    L.load(BSI + "bsi_f_snippet_uppercase.py",
           inject={"tf": world.top, "BATCH_SIZE": 4, "N_HIDDEN": 8, "cell": v1.nn.rnn_cell.LSTMCell(8),
                   "inputs": v1.placeholder(tf.float32, [4, 6, 3])})
    return batch_sized_states()


def keras_batch_sized(model, weight, batch):
    """The weight is fed as initial state; its first dimension is the batch size: another batch size fails."""
    first = weight.shape[0]
    model(tf.random.normal([batch, 5, 3]))
    other = None
    try:
        model(tf.random.normal([batch + 1, 5, 3]))
    except Exception as exc:  # noqa: BLE001 - any shape error shows the fixed batch size
        other = type(exc).__name__
    return first == batch and other is not None, f"{weight.name} first dim {first}; batch {batch + 1}: {other}"


@case(BSI + "bsi_k_add_weight.py", group="keras")
def _(L):
    model = L.load(BSI + "bsi_k_add_weight.py").LearnedStateGRU(batch_size=4)
    return keras_batch_sized(model, model.h0, 4)


@case(BSI + "bsi_k_add_weight_one_ok.py", group="keras")
def _(L):
    model = L.load(BSI + "bsi_k_add_weight_one_ok.py").LearnedStateLSTM()
    return keras_batch_sized(model, model.h0, 4)


# ----------------------------------------------------------------------------------------------------------
# rnn-layer-rebuilt-per-call


def _config_without_names(config):
    if isinstance(config, dict):
        return {k: _config_without_names(v) for k, v in config.items() if k not in ("name",)}
    if isinstance(config, (list, tuple)):
        return [_config_without_names(v) for v in config]
    return config


def twin_recurrent_layers(*models):
    """Events: in one model, two or more recurrent layers built identically, each with its own weights (the
    twin branches share nothing). Candidates: where those layers were constructed."""
    import keras
    import tf_keras

    kinds = (tf_keras.layers.RNN, tf_keras.layers.Bidirectional, keras.layers.RNN, keras.layers.Bidirectional)
    events, detail = [], []
    for model in models:
        recurrent = [layer for layer in model.layers if isinstance(layer, kinds)]
        groups = {}
        for layer in recurrent:
            key = repr(_config_without_names(layer.get_config()))
            groups.setdefault(key, []).append(layer)
        for same in groups.values():
            disjoint = len({weight_set(layer) for layer in same}) == len(same)
            detail.append(f"{model.name}: {len(same)} x {type(same[0]).__name__} built alike, "
                          f"weights disjoint: {disjoint}")
            if len(same) > 1 and disjoint:
                events.append(sorted({f for layer in same for f in REC.constructed[id(layer)][1]}))
    return events, "; ".join(detail)


LRC = "rnn-layer-rebuilt-per-call/"


def keras_twins(relpath, get_models):
    CASES[relpath] = ("keras", lambda L: twin_recurrent_layers(*get_models(L.load(relpath))))


keras_twins(LRC + "lrc_siamese_bidi_manhattan.py", lambda m: [m.model])
keras_twins(LRC + "lrc_a_builder_class_method.py", lambda m: [m.AnswerSelectionBuilder().build()])
keras_twins(LRC + "lrc_b_comprehension_keras3.py", lambda m: [m.model])
keras_twins(LRC + "lrc_a_lambda_encoder.py", lambda m: [m.model])
keras_twins(LRC + "lrc_b_dict_inputs_multiply.py", lambda m: [m.model])
keras_twins(LRC + "lrc_f_from_keras_layers_import.py", lambda m: [m.build_model()])
keras_twins(LRC + "lrc_c_model_outputs_both.py", lambda m: [m.build_model(m.HParams())])
keras_twins(LRC + "lrc_shared_layer_ok.py", lambda m: [m.model])
keras_twins(LRC + "lrc_layer_passed_in_ok.py", lambda m: [m.model])
keras_twins(LRC + "lrc_encoder_decoder_sizes_ok.py", lambda m: [m.model])
keras_twins(LRC + "lrc_separate_models_ok.py", lambda m: [m.news_model, m.tweet_model])


@case(LRC + "lrc_subclassed_self_encoder_ok.py", group="keras")
def _(L):
    model = L.load(LRC + "lrc_subclassed_self_encoder_ok.py").Siamese()
    model([tf.random.normal([2, 6, 4]), tf.random.normal([2, 6, 4])])
    return twin_recurrent_layers(model)


# ----------------------------------------------------------------------------------------------------------
# Cases added for the style families (f: packages and tensorflow.models.rnn; c: tf.unstack(num=...))

tf1_timesteps(LAT + "lat_c_unstack_num.py")
tf1_timesteps(LAT + "lat_musicpkg/melody.py", lambda m: m.melody_model(v1.placeholder(tf.float32, [None, 128])))


@case(DV + "dv_f_models_rnn_encoder_decoder.py")
def _(L):
    # tensorflow.models.rnn (TF 0.x: tf.split(1, n, x)) cannot run on TF 2.21. Runnable equivalent of the
    # fixture (rnn_cell = tf.compat.v1.nn.rnn_cell, rnn.rnn = static_rnn, same default scope "rnn"); the
    # second unroll is called from the fixture's line so the error's frames point there.
    rnn_cell = v1.nn.rnn_cell
    num_steps, n_input, n_hidden = 10, 8, 32
    x = v1.placeholder(tf.float32, [None, num_steps, n_input])
    inputs = tf.unstack(x, axis=1)

    _, code = v1.nn.static_rnn(rnn_cell.BasicLSTMCell(n_hidden), inputs, dtype=tf.float32)  # the encoder builds
    decoder_inputs = [tf.zeros_like(inputs[0])] + inputs[:-1]
    events, detail = duplicate_error(  # the decoder's unroll fails
        lambda: v1.nn.static_rnn(rnn_cell.BasicLSTMCell(n_hidden), decoder_inputs, initial_state=code))
    where = location_of(DV + "dv_f_models_rnn_encoder_decoder.py", "rnn.rnn(decoder_cell")
    return [[where] for _ in events], detail
