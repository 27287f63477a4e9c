"""The Keras half of the picture (child process only): one grid per recurrent layer of the models built.

A Keras recurrent layer runs one cell object at every time step, so a row is one cell (a ``StackedRNNCells``
has one per layer, a ``Bidirectional`` a forward and a backward layer) and its weight set is the set of
weight objects that cell holds: a cell object shared by two layers, or one layer object called on two inputs,
shows one weight set, because it is one set of objects, whatever the names.
"""
from __future__ import annotations

from .keras_checks import models_layers
from .recorder import underlying_variable
from .probes_keras import is_recurrent


def weight_name(weight):
    """The name keras_checks reports a weight by (Keras 3: its path)."""
    return getattr(weight, "path", None) or weight.name


def _cells(layer):
    """[(direction, cell)] of a recurrent layer: one per stacked cell, per direction (None: one way)."""
    directions = [(None, layer)]
    if hasattr(layer, "forward_layer"):
        directions = [("forward", layer.forward_layer), ("backward", layer.backward_layer)]
    out = []
    for prefix, lay in directions:
        cell = getattr(lay, "cell", None)
        stacked = getattr(cell, "cells", None)
        for sub in (list(stacked) if stacked is not None and hasattr(stacked, "__len__") else [cell]):
            if sub is not None:
                out.append((prefix, sub))
    return out


def _nodes(layer):
    return list(getattr(layer, "_inbound_nodes", None) or [])


def _flat_inputs(tf, node):
    try:
        return [t for t in tf.nest.flatten(node.input_tensors) if t is not None]
    except Exception:
        return []


def _producer(tensor):
    """(layer, output index) that computed a Keras symbolic tensor, or (None, None)."""
    history = getattr(tensor, "_keras_history", None)
    if history is None:
        return None, None
    layer = getattr(history, "operation", None) or getattr(history, "layer", None)
    return layer, getattr(history, "tensor_index", None)


def _initial_state(tf, layer):
    """Where the layer's initial state comes from: extra inputs of its first call are the state."""
    nodes = _nodes(layer)
    extra = _flat_inputs(tf, nodes[0])[1:] if nodes else []
    if not extra:
        return {"kind": "zeros", "text": "zeros (the default)", "variables": []}
    producers = [_producer(t) for t in extra]
    rnn_states = sorted({p.name for p, index in producers if p is not None and is_recurrent(p) and index})
    if rnn_states:
        return {"kind": "from-rnn", "text": "the final state of " + ", ".join(rnn_states), "variables": [],
                "from": rnn_states}
    inputs = [p for p, _ in producers if p is not None and type(p).__name__ == "InputLayer"]
    if inputs and len(inputs) == len(producers):
        return {"kind": "fed", "text": "fed as a model input", "variables": []}
    names = sorted({p.name for p, _ in producers if p is not None})
    return {"kind": "computed", "text": "computed by " + (", ".join(names) or "another layer"), "variables": []}


def _time_steps(tf, layer):
    nodes = _nodes(layer)
    inputs = _flat_inputs(tf, nodes[0]) if nodes else []
    try:
        shape = list(inputs[0].shape)
    except Exception:
        return None
    steps = shape[1] if len(shape) > 2 else None
    return steps if isinstance(steps, int) else None


def keras_grids(rec, weight_sets):
    """One grid per recurrent layer of the Keras models the run built."""
    tf = rec.tf
    grids = []
    recurrent = [lay for lay in models_layers(rec.keras.models) if is_recurrent(lay)]
    feeds = _feeds(tf, recurrent)
    for layer in recurrent:
        rows = []
        for direction, cell in _cells(layer):
            units = getattr(cell, "units", None)
            rows.append({"cell": type(cell).__name__ + (f" · {units} units" if isinstance(units, int) else ""),
                         "direction": direction, "failed": [False],
                         "steps": [weight_sets.key(list(getattr(cell, "weights", []) or []))]})
        entry = rec.keras.layer_sites.get(id(layer))
        site = entry[1] if entry and entry[1] else (None, None)
        grids.append({"id": layer.name, "source": "Keras " + type(layer).__name__, "loop": True,
                      "time_steps": _time_steps(tf, layer), "path": site[0], "line": site[1], "rows": rows,
                      "cell": ", ".join(type(c).__name__ for _, c in _cells(layer)), "reductions": [],
                      "applied": len(_nodes(layer)), "initial_state": _initial_state(tf, layer)})
        if feeds.get(id(layer)):  # what else comes before the loss is not measured for Keras
            grids[-1]["after"] = {"weight_set": None, "feeds": feeds[id(layer)], "partial": True}
    return grids


def _feeds(tf, recurrent):
    """id(layer) -> names of the recurrent layers that read its outputs (not its states)."""
    out = {}
    for reader in recurrent:
        for node in _nodes(reader):
            for tensor in _flat_inputs(tf, node):
                layer, index = _producer(tensor)
                if layer is not None and layer is not reader and is_recurrent(layer) and not index:
                    names = out.setdefault(id(layer), [])
                    if reader.name not in names:
                        names.append(reader.name)
    return out


def keras_variables(rec, status):
    """Every weight of the Keras models: name, shape, trainable, whether it gets a gradient.

    The gradient comes from ``status`` (the training objectives the target built: fit, a GradientTape, see
    :func:`pylint_rnn.verify.analysis.gradient_status`) or, for a model nothing trained, from keras_checks'
    no-gradient check (the sum of the model's outputs); None when neither saw the weight.
    """
    layers = models_layers(rec.keras.models)
    sites = {}
    for layer in layers:
        entry = rec.keras.layer_sites.get(id(layer))
        for weight in list(getattr(layer, "weights", []) or []):
            sites.setdefault(id(weight), entry[1] if entry else None)
    out, seen = [], set()
    for weight in [w for model in rec.keras.models for w in list(getattr(model, "weights", []) or [])]:
        if id(weight) in seen:
            continue
        seen.add(id(weight))
        trainable = bool(getattr(weight, "trainable", True))
        out.append({"var": weight, "name": weight_name(weight), "shape": _shape(weight), "trainable": trainable,
                    "gradient": _gradient(rec, status, weight) if trainable else None,
                    "site": sites.get(id(weight))})
    return out


def _gradient(rec, status, weight):
    found = status.get(id(underlying_variable(weight)))
    return found if found is not None else rec.keras.gradients.get(id(weight))


def _shape(weight):
    try:
        return [int(d) if d is not None else None for d in weight.shape]
    except Exception:
        return None
