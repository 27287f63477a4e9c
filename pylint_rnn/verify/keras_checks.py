"""Checks on Keras models (tf.keras / tf-keras / Keras 3), child process only."""
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
    tf = rec.tf
    layers = _all_layers(model)
    weights = list(getattr(model, "trainable_weights", []))
    owner = {}
    for lay in layers:
        for w in list(getattr(lay, "trainable_weights", [])):
            owner.setdefault(id(w), lay)

    def site_of(layer):
        entry = rec.layer_sites.get(id(layer))
        return entry[1] if entry else None

    # 1. weights with no gradient
    x = _random_inputs(tf, model)
    if x is not None and weights:
        try:
            if tf.executing_eagerly():
                with tf.GradientTape() as tape:
                    out = model(x, training=False)
                    loss = tf.add_n([tf.reduce_sum(tf.cast(o, tf.float32)) for o in tf.nest.flatten(out)])
                grads = tape.gradient(loss, weights)
            else:
                outs = tf.nest.flatten(model.outputs)
                loss = tf.add_n([tf.reduce_sum(tf.cast(o, tf.float32)) for o in outs])
                grads = tf.compat.v1.gradients(loss, weights)
            for w, g in zip(weights, grads):
                if g is not None:
                    continue
                lay = owner.get(id(w))
                site = site_of(lay) if lay is not None else None
                wname = getattr(w, "path", None) or w.name
                rec.add_finding(
                    "rnn-no-gradient",
                    f"Weight '{wname}' of layer '{getattr(lay, 'name', '?')}' gets no gradient from the model's "
                    f"outputs: it is never trained (is the layer built but not connected, or cut by "
                    f"stop_gradient?).", site, True, {"variable": wname, "layer": getattr(lay, "name", None)})
        except Exception as exc:  # noqa: BLE001
            rec.notes.append(f"Keras gradient probe failed: {exc!r}")

    # 2. one cell object in several layers (of one stack or of several RNN layers)
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
        site = (rec.layer_sites.get(id(stack), (None, None))[1] if stack is not None else None) or site_of(lay)
        rec.add_finding(
            "rnn-same-cell-stacked",
            f"One {type(cell).__name__} object serves {len(users)} recurrent layers "
            f"({', '.join(names)}): they share one set of weights. Create a new cell for each layer.",
            site, True, {"layers": names})

    # 3. recurrent layers with identical configuration built at one line, applied to parallel inputs
    groups = {}
    for lay in layers:
        if not _is_recurrent(lay):
            continue
        site = site_of(lay)
        if site is None:
            continue
        groups.setdefault((site, _config_key(lay)), []).append(lay)
    cache = {}
    for (site, _), group in groups.items():
        if len(group) < 2:
            continue
        anc = {id(lay): _ancestors(lay, cache) for lay in group}
        parallel = [a for a in group if not any(id(b) in anc[id(a)] or id(a) in anc[id(b)]
                                                 for b in group if b is not a)]
        if len(parallel) < 2:
            continue
        ids = {id(a) for a in parallel}
        merge = None
        for lay in layers:
            if id(lay) in ids:
                continue
            if len(ids & _ancestors(lay, cache)) >= 2:
                merge = lay
                break
        if merge is None:
            continue
        names = [a.name for a in parallel]
        rec.add_finding(
            "rnn-layer-rebuilt-per-call",
            f"{len(parallel)} {type(parallel[0]).__name__} layers with identical configuration are built at this "
            f"line ({', '.join(names)}) and applied to parallel inputs merged in '{merge.name}': each has its "
            f"own weights, so the branches do not share weights. Build the layer once and call that one "
            f"object on every input.", site, True, {"layers": names, "merged_in": merge.name})

    # structure rows
    rows = []
    layer_rows = [lay for lay in layers if _is_recurrent(lay)]
    for lay in layer_rows:
        cells, stack = _cell_layers(lay)
        site = site_of(lay)
        wids = {id(w) for w in getattr(lay, "weights", [])}
        shares = [o.name for o in layer_rows if o is not lay and wids & {id(w) for w in getattr(o, "weights", [])}]
        calls = len(getattr(lay, "_inbound_nodes", None) or [])
        try:
            in_shape = list(lay.input.shape) if calls == 1 else None
        except Exception:  # noqa: BLE001
            in_shape = None
        steps = in_shape[1] if in_shape and len(in_shape) > 2 else None
        rows.append({
            "id": lay.name, "kind": "keras-layer", "api": type(lay).__name__,
            "path": site[0] if site else None, "line": site[1] if site else None,
            "cell": (f"{type(stack).__name__}[" + ", ".join(type(c).__name__ for c in cells) + "]")
            if stack is not None else (type(cells[0]).__name__ if cells else type(lay).__name__),
            "units": [getattr(c, "units", None) for c in cells], "depth": len(cells) or 1,
            "time_steps": steps if isinstance(steps, int) else None,
            "variables": [getattr(w, "path", None) or w.name for w in getattr(lay, "weights", [])],
            "shares_with": shares + ([f"applied to {calls} inputs (shared)"] if calls > 1 else []),
            "initial_state": "zeros (default)",
        })
    return rows
