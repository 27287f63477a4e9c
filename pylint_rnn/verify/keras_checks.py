"""Checks on Keras models (tf.keras / tf-keras / Keras 3), child process only.

:func:`analyze_model` runs each check on one model the target built (findings go to the recorder) and
returns the model's rows of the structure table: weights without a gradient, one cell object in several
recurrent layers, and identical recurrent layers built at one line for parallel inputs.
"""
from __future__ import annotations

import json


def _is_recurrent(layer):
    return hasattr(layer, "cell") and hasattr(layer, "return_sequences") or hasattr(layer, "forward_layer")


def _parents(layer):
    out = []
    for node in list(getattr(layer, "_inbound_nodes", None) or []):
        for p in list(getattr(node, "parent_nodes", None) or []):
            lay = getattr(p, "operation", None) or getattr(p, "layer", None)
            if lay is not None and lay is not layer:
                out.append(lay)
    return out


def _ancestors(layer, cache):
    key = id(layer)
    if key in cache:
        return cache[key]
    cache[key] = set()
    acc = set()
    for p in _parents(layer):
        acc.add(id(p))
        acc |= _ancestors(p, cache)
    cache[key] = acc
    return acc


def _all_layers(model):
    out, seen = [], set()

    def walk(m):
        for lay in list(getattr(m, "layers", None) or []):
            if id(lay) in seen:
                continue
            seen.add(id(lay))
            out.append(lay)
            if hasattr(lay, "layers") and not _is_recurrent(lay):
                walk(lay)

    walk(model)
    return out


def _config_key(layer):
    try:
        cfg = dict(layer.get_config())
    except Exception:  # noqa: BLE001
        return None
    cfg.pop("name", None)
    for k in list(cfg):
        if k.endswith("name"):
            cfg.pop(k, None)
    return type(layer).__name__ + json.dumps(cfg, sort_keys=True, default=str)


def _cell_layers(layer):
    layer = getattr(layer, "forward_layer", None) or layer
    cell = getattr(layer, "cell", None)
    cells = getattr(cell, "cells", None)
    if isinstance(cells, (list, tuple)) and cells:
        return list(cells), cell
    return ([cell] if cell is not None else []), None


def _random_inputs(tf, model):
    try:
        inputs = list(getattr(model, "inputs", None) or [])
    except Exception:  # noqa: BLE001 - subclassed models raise here
        inputs = []
    shapes = [(list(inp.shape), getattr(inp, "dtype", "float32")) for inp in inputs]
    if not shapes:
        built = getattr(model, "_build_input_shape", None) or getattr(model, "_build_shapes_dict", None)
        if isinstance(built, dict) and len(built) == 1:
            built = list(built.values())[0]
        try:
            shapes = [(list(tf.TensorShape(built).as_list()), "float32")]
        except Exception:  # noqa: BLE001
            return None
    xs = []
    for shape, dtype in shapes:
        shape = [d if isinstance(d, int) else None for d in shape]
        shape = [2 if i == 0 and d is None else (4 if d is None else d) for i, d in enumerate(shape)]
        dtype = getattr(dtype, "name", None) or str(dtype)
        if "int" in dtype:
            xs.append(tf.zeros(shape, dtype=tf.int32))
        else:
            xs.append(tf.random.normal(shape))
    return xs[0] if len(xs) == 1 else xs


def analyze_model(rec, model):
    """Run every Keras check on ``model`` (findings go to ``rec``); return its structure rows."""
    layers = _all_layers(model)
    check_no_gradient(rec, model, layers)
    check_cell_in_several_layers(rec, layers)
    check_identical_parallel_layers(rec, layers)
    return structure_rows(rec, layers)


def _site_of(rec, layer):
    """(path, line) where the user's code built the layer, or None."""
    entry = rec.layer_sites.get(id(layer)) if layer is not None else None
    return entry[1] if entry else None


def check_no_gradient(rec, model, layers):
    """rnn-no-gradient: a trainable weight that the model's outputs do not depend on."""
    tf = rec.tf
    weights = list(getattr(model, "trainable_weights", []))
    x = _random_inputs(tf, model)
    if x is None or not weights:
        return
    owner = {}
    for lay in layers:
        for w in list(getattr(lay, "trainable_weights", [])):
            owner.setdefault(id(w), lay)
    try:
        grads = _output_gradients(tf, model, x, weights)
        for w, g in zip(weights, grads):
            rec.keras_gradients[id(w)] = g is not None
            if g is not None:
                continue
            lay = owner.get(id(w))
            wname = getattr(w, "path", None) or w.name
            rec.add_finding(
                "rnn-no-gradient",
                f"Weight '{wname}' of layer '{getattr(lay, 'name', '?')}' gets no gradient from the model's "
                f"outputs: it is never trained (is the layer built but not connected, or cut by "
                f"stop_gradient?).", _site_of(rec, lay), True,
                {"variable": wname, "layer": getattr(lay, "name", None)})
    except Exception as exc:  # noqa: BLE001
        rec.notes.append(f"Keras gradient probe failed: {exc!r}")


def _output_gradients(tf, model, x, weights):
    """Gradients of the sum of the model's outputs with respect to each weight (None: no path)."""
    if tf.executing_eagerly():
        with tf.GradientTape() as tape:
            out = model(x, training=False)
            loss = tf.add_n([tf.reduce_sum(tf.cast(o, tf.float32)) for o in tf.nest.flatten(out)])
        return tape.gradient(loss, weights)
    outs = tf.nest.flatten(model.outputs)
    loss = tf.add_n([tf.reduce_sum(tf.cast(o, tf.float32)) for o in outs])
    return tf.compat.v1.gradients(loss, weights)


def check_cell_in_several_layers(rec, layers):
    """rnn-same-cell-stacked: one cell object in several layers (of one stack or of several RNN layers)."""
    cell_users = {}
    for lay in layers:
        if not _is_recurrent(lay):
            continue
        cells, stack = _cell_layers(lay)
        for c in cells:
            cell_users.setdefault(id(c), []).append((lay, c, stack))
    for users in cell_users.values():
        if len(users) < 2:
            continue
        lay, cell, stack = users[0]
        names = sorted({u[0].name for u in users})
        site = _site_of(rec, stack) or _site_of(rec, lay)
        rec.add_finding(
            "rnn-same-cell-stacked",
            f"One {type(cell).__name__} object serves {len(users)} recurrent layers "
            f"({', '.join(names)}): they share one set of weights. Create a new cell for each layer.",
            site, True, {"layers": names})


def check_identical_parallel_layers(rec, layers):
    """rnn-layer-rebuilt-per-call: recurrent layers of one configuration, built at one line, applied to
    parallel inputs that are merged later: each branch has its own weights where one was meant."""
    groups = {}
    for lay in layers:
        site = _site_of(rec, lay) if _is_recurrent(lay) else None
        if site is not None:
            groups.setdefault((site, _config_key(lay)), []).append(lay)
    cache = {}
    for (site, _), group in groups.items():
        parallel = _parallel_members(group, cache) if len(group) > 1 else []
        if len(parallel) < 2:
            continue
        merge = _first_merge(layers, {id(a) for a in parallel}, cache)
        if merge is None:
            continue
        names = [a.name for a in parallel]
        rec.add_finding(
            "rnn-layer-rebuilt-per-call",
            f"{len(parallel)} {type(parallel[0]).__name__} layers with identical configuration are built at this "
            f"line ({', '.join(names)}) and applied to parallel inputs merged in '{merge.name}': each has its "
            f"own weights, so the branches do not share weights. Build the layer once and call that one "
            f"object on every input.", site, True, {"layers": names, "merged_in": merge.name})


def _parallel_members(group, cache):
    """The layers of the group that neither feed nor are fed by another layer of the group."""
    anc = {id(lay): _ancestors(lay, cache) for lay in group}
    return [a for a in group if not any(id(b) in anc[id(a)] or id(a) in anc[id(b)]
                                        for b in group if b is not a)]


def _first_merge(layers, ids, cache):
    """The first layer (outside ``ids``) that two or more of the layers ``ids`` feed, or None."""
    for lay in layers:
        if id(lay) not in ids and len(ids & _ancestors(lay, cache)) >= 2:
            return lay
    return None


def structure_rows(rec, layers):
    """One row of the structure table per recurrent layer."""
    rows = []
    layer_rows = [lay for lay in layers if _is_recurrent(lay)]
    for lay in layer_rows:
        cells, stack = _cell_layers(lay)
        site = _site_of(rec, lay)
        wids = {id(w) for w in getattr(lay, "weights", [])}
        shares = [o.name for o in layer_rows if o is not lay and wids & {id(w) for w in getattr(o, "weights", [])}]
        calls = len(getattr(lay, "_inbound_nodes", None) or [])
        rows.append({
            "id": lay.name, "kind": "keras-layer", "api": type(lay).__name__,
            "path": site[0] if site else None, "line": site[1] if site else None,
            "cell": (f"{type(stack).__name__}[" + ", ".join(type(c).__name__ for c in cells) + "]")
            if stack is not None else (type(cells[0]).__name__ if cells else type(lay).__name__),
            "units": [getattr(c, "units", None) for c in cells], "depth": len(cells) or 1,
            "time_steps": _time_steps(lay, calls),
            "variables": [getattr(w, "path", None) or w.name for w in getattr(lay, "weights", [])],
            "shares_with": shares + ([f"applied to {calls} inputs (shared)"] if calls > 1 else []),
            "initial_state": "zeros (default)",
        })
    return rows


def _time_steps(layer, calls):
    """The time dimension of the layer's input, when it was applied once to a known shape."""
    try:
        in_shape = list(layer.input.shape) if calls == 1 else None
    except Exception:  # noqa: BLE001
        in_shape = None
    steps = in_shape[1] if in_shape and len(in_shape) > 2 else None
    return steps if isinstance(steps, int) else None


def is_recurrent(layer):
    """Is the layer a Keras recurrent layer (an RNN layer or a Bidirectional wrapper)?"""
    return _is_recurrent(layer)


def all_layers(models):
    """Every layer of the models, nested models included, each once (the HTML picture draws them)."""
    out, seen = [], set()
    for model in models:
        for layer in _all_layers(model):
            if id(layer) not in seen:
                seen.add(id(layer))
                out.append(layer)
    return out
