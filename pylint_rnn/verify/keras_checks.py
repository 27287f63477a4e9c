"""Checks on Keras models and recurrent layers (tf.keras / tf-keras / Keras 3), child process only.

:func:`analyze` looks at every model the target compiled, trained or returned and at every recurrent layer
it called (inside a model or eagerly, on its own): weights no objective covers that get no gradient from
the model's outputs, one cell object in several recurrent layers, identical recurrent layers built at one
line for parallel inputs, and recurrent layers built inside a model's ``call()``. The structure table's rows
for the same layers are :mod:`pylint_rnn.verify.structure_keras`'s.
"""
from __future__ import annotations

from typing import Dict

from pylint_rnn.verify.probes_graph import config_key, flat_tensors
from pylint_rnn.verify.probes_keras import is_recurrent, report_built_in_call
from pylint_rnn.verify.recorder import Recorder, underlying_variable


def inbound_nodes(layer) -> list:
    """The nodes of Keras' functional graph that call the layer (one per input it was applied to)."""
    nodes = getattr(layer, "_inbound_nodes", None)  # the functional graph: Keras keeps no public handle on it
    return list(nodes or [])


def _parents(layer) -> list:
    out = []
    for node in inbound_nodes(layer):
        for parent in list(getattr(node, "parent_nodes", None) or []):
            owner = getattr(parent, "operation", None) or getattr(parent, "layer", None)
            if owner is not None and owner is not layer:
                out.append(owner)
    return out


def _ancestors(layer, cache: Dict[int, set]) -> set:
    key = id(layer)
    if key in cache:
        return cache[key]
    cache[key] = set()
    found = set()
    for parent in _parents(layer):
        found.add(id(parent))
        found |= _ancestors(parent, cache)
    cache[key] = found
    return found


def model_layers(model) -> list:
    """Every layer of a model, nested models' layers included (recurrent layers are not opened)."""
    out, seen = [], set()

    def walk(container):
        for layer in list(getattr(container, "layers", None) or []):
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            if hasattr(layer, "layers") and not is_recurrent(layer):
                walk(layer)

    walk(model)
    return out


def layer_site(rec: Recorder, layer):
    """(path, line, function) where the user's code built the layer, or None."""
    entry = rec.keras.layer_sites.get(id(layer)) if layer is not None else None
    return entry[1] if entry else None


def models_layers(models) -> list:
    """Every layer of the models (see :func:`model_layers`), each once."""
    out, seen = [], set()
    for model in models:
        for layer in model_layers(model):
            if id(layer) not in seen:
                seen.add(id(layer))
                out.append(layer)
    return out


def recurrent_layers(rec: Recorder) -> list:
    """Every recurrent layer of the models and every one the target called on its own, each once."""
    found, seen = [], set()
    for layer in models_layers(rec.keras.models) + [
            e["layer"] for e in rec.keras.layer_calls.values()]:
        if is_recurrent(layer) and id(layer) not in seen:
            seen.add(id(layer))
            found.append(layer)
    return found


def analyze(rec: Recorder, model_inputs: Dict[int, object]) -> None:
    """Every Keras check; the findings go to ``rec``."""
    for model in rec.keras.models:
        layers = model_layers(model)
        check_no_gradient(rec, model, layers, model_inputs.get(id(model)))
        check_identical_parallel_layers(rec, layers)
    check_cell_in_several_layers(rec, recurrent_layers(rec))
    check_built_in_call(rec)


# ---------------------------------------------------------------------------------------- gradients
def check_no_gradient(rec: Recorder, model, layers, recorded_input) -> None:
    """rnn-no-gradient for a model no objective covers (never trained): a weight the outputs do not use."""
    covered = {id(v) for o in rec.train.objectives for v in o["vars"]}
    weights = list(getattr(model, "trainable_weights", []))
    if not weights or any(id(underlying_variable(w)) in covered for w in weights):
        return  # the model was trained: the objectives' own gradients decided
    tf = rec.tf
    x = recorded_input if recorded_input is not None else _random_inputs(tf, model)
    if x is None:
        return
    owner = {}
    for layer in layers:
        for weight in list(getattr(layer, "trainable_weights", [])):
            owner.setdefault(id(weight), layer)
    try:
        grads = _output_gradients(tf, model, x, weights)
    except Exception as exc:  # the user's model failed on our input: a limit of this check, not our error
        rec.status.notes.append(f"could not run model '{getattr(model, 'name', '?')}' to check its gradients: "
                         f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}")
        return
    for weight, grad in zip(weights, grads):
        rec.keras.gradients[id(weight)] = grad is not None
        if grad is not None:
            continue
        layer = owner.get(id(weight))
        name = getattr(weight, "path", None) or weight.name
        rec.add_finding(
            "rnn-no-gradient",
            f"Weight '{name}' of layer '{getattr(layer, 'name', '?')}' gets no gradient from the model's outputs: "
            f"it is never trained (is the layer built but not connected, or cut by stop_gradient?).",
            layer_site(rec, layer), True, {"variable": name, "layer": getattr(layer, "name", None)})


def _random_inputs(tf, model):
    """Random inputs of the model's input shapes (unknown dimensions: batch 2, others 4), or None."""
    try:
        inputs = list(getattr(model, "inputs", None) or [])
    except Exception:  # subclassed models raise here
        inputs = []
    shapes = [(list(inp.shape), getattr(inp, "dtype", "float32")) for inp in inputs]
    if not shapes:
        return None
    xs = []
    for shape, dtype in shapes:
        dims = [2 if i == 0 and d is None else (4 if d is None else int(d)) for i, d in enumerate(shape)]
        dtype = getattr(dtype, "name", None) or str(dtype)
        xs.append(tf.zeros(dims, dtype=tf.int32) if "int" in dtype else tf.random.normal(dims))
    return xs[0] if len(xs) == 1 else xs


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


# ---------------------------------------------------------------------------------------- sharing
def cells_of(layer):
    """([the cells of each layer], the stack cell or None) of a recurrent layer."""
    layer = getattr(layer, "forward_layer", None) or layer
    cell = getattr(layer, "cell", None)
    cells = getattr(cell, "cells", None)
    if isinstance(cells, (list, tuple)) and cells:
        return list(cells), cell
    return ([cell] if cell is not None else []), None


def check_cell_in_several_layers(rec: Recorder, layers) -> None:
    """rnn-same-cell-stacked: one cell object in several recurrent layers (or twice in one stack)."""
    users: Dict[int, list] = {}
    for layer in layers:
        cells, stack = cells_of(layer)
        for cell in cells:
            users.setdefault(id(cell), []).append((layer, cell, stack))
    for entries in users.values():
        if len(entries) < 2:
            continue
        layer, cell, stack = entries[0]
        names = sorted({e[0].name for e in entries})
        rec.add_finding(
            "rnn-same-cell-stacked",
            f"One {type(cell).__name__} object serves {len(entries)} recurrent layers ({', '.join(names)}): they "
            f"share one set of weights. Create a new cell for each layer.",
            layer_site(rec, stack) or layer_site(rec, layer), True, {"layers": names})


def check_identical_parallel_layers(rec: Recorder, layers) -> None:
    """rnn-layer-rebuilt-per-call: recurrent layers of one configuration, built at one line, applied to
    parallel inputs that are merged later: each branch has its own weights where one was meant."""
    groups: Dict[tuple, list] = {}
    for layer in layers:
        site = layer_site(rec, layer) if is_recurrent(layer) else None
        if site is not None:
            groups.setdefault((site, config_key(layer)), []).append(layer)
    cache: Dict[int, set] = {}
    for (site, _), group in groups.items():
        parallel = _parallel_members(group, cache) if len(group) > 1 else []
        merge = _first_merge(layers, {id(a) for a in parallel}, cache) if len(parallel) > 1 else None
        if merge is None:
            continue
        names = [a.name for a in parallel]
        rec.add_finding(
            "rnn-layer-rebuilt-per-call",
            f"{len(parallel)} {type(parallel[0]).__name__} layers with identical configuration are built at this "
            f"line ({', '.join(names)}) and applied to parallel inputs merged in '{merge.name}': each has its own "
            f"weights, so the branches do not share weights. Build the layer once and call that one object on "
            f"every input.", site, True, {"layers": names, "merged_in": merge.name})


def _parallel_members(group, cache) -> list:
    """The layers of the group that neither feed nor are fed by another layer of the group."""
    ancestors = {id(lay): _ancestors(lay, cache) for lay in group}
    return [a for a in group if not any(id(b) in ancestors[id(a)] or id(a) in ancestors[id(b)]
                                        for b in group if b is not a)]


def _first_merge(layers, ids, cache):
    """The first layer (outside ``ids``) that two or more of the layers ``ids`` feed, or None."""
    for layer in layers:
        if id(layer) not in ids and len(ids & _ancestors(layer, cache)) >= 2:
            return layer
    return None


# ---------------------------------------------------------------------------------------- built in call()
def check_built_in_call(rec: Recorder) -> None:
    """A recurrent layer built inside a model's call() that the model does not track: never trained, new
    random weights on every call. Proved by calling the model twice more on the input it was first given."""
    groups: Dict[tuple, list] = {}
    for created in rec.keras.created_in_call:
        if not is_recurrent(created["layer"]):
            continue
        groups.setdefault((id(created["owner"]), created["site"][:2]), []).append(created)
    for group in groups.values():
        first = group[0]
        owned = {id(underlying_variable(w)) for w in list(getattr(first["owner"], "weights", []))}
        if any(id(underlying_variable(w)) in owned for w in list(getattr(first["layer"], "weights", []))):
            continue  # assigned to the model (built lazily once): Keras tracks and trains it
        report_built_in_call(rec, first, len(group), _output_difference(rec, first))


def _output_difference(rec: Recorder, created: dict):
    """The largest difference between two calls of the model on the same input (None: not measurable)."""
    tf, x = rec.tf, created["input"]
    if x is None or not tf.executing_eagerly() or type(x).__name__ not in ("EagerTensor", "ndarray"):
        return None
    try:
        first = flat_tensors(tf, created["owner"](x, training=False))
        second = flat_tensors(tf, created["owner"](x, training=False))
        return max(float(tf.reduce_max(tf.abs(tf.cast(a, tf.float32) - tf.cast(b, tf.float32))))
                   for a, b in zip(first, second))
    except Exception as exc:  # the user's model failed on a second call: say so, the finding stands
        rec.status.notes.append(f"could not call {type(created['owner']).__name__} again to compare its outputs: "
                         f"{type(exc).__name__}")
        return None
