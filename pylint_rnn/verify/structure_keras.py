"""The structure table's rows for Keras recurrent layers (TF1 RNN calls: :mod:`structure`), child process only.

One row per recurrent layer: its cell (or stack of cells), units, depth against time steps (the input's time
dimension when every call agrees on it), its weights, the layers it shares them with or the inputs it is
applied to, and where its initial state comes from.
"""
from __future__ import annotations

from typing import List

from pylint_rnn.verify.keras_checks import cells_of, inbound_nodes, layer_site, recurrent_layers
from pylint_rnn.verify.probes_keras import is_recurrent
from pylint_rnn.verify.recorder import Recorder, underlying_variable


def rows(rec: Recorder) -> List[dict]:
    """One row per recurrent layer (see :func:`pylint_rnn.verify.keras_checks.recurrent_layers`)."""
    layers = recurrent_layers(rec)
    out = []
    for layer in layers:
        cells, stack = cells_of(layer)
        site = layer_site(rec, layer)
        entry = rec.keras.layer_calls.get(id(layer)) or {}
        weights = {id(w) for w in getattr(layer, "weights", [])}
        shares = [o.name for o in layers if o is not layer and weights & {id(w) for w in getattr(o, "weights", [])}]
        nodes = len(inbound_nodes(layer))
        places = len(entry.get("sites") or [])
        if nodes > 1:
            shares.append(f"applied to {nodes} inputs (shared)")
        elif places > 1 and not nodes:
            shares.append(f"called at {places} places (shared)")
        out.append({
            "id": layer.name, "kind": "keras-layer", "api": type(layer).__name__,
            "path": site[0] if site else None, "line": site[1] if site else None,
            "cell": (f"{type(stack).__name__}[" + ", ".join(type(c).__name__ for c in cells) + "]")
            if stack is not None else (type(cells[0]).__name__ if cells else type(layer).__name__),
            "units": [getattr(c, "units", None) for c in cells], "depth": len(cells) or 1,
            "time_steps": _time_steps(entry.get("shapes") or []),
            "variables": [getattr(w, "path", None) or w.name for w in getattr(layer, "weights", [])],
            "shares_with": shares,
            "initial_state": describe_initial_state(rec, (entry.get("initial_states") or [[]])[0]),
        })
    return out


def _time_steps(shapes):
    """The time dimension when every call agrees on it, else None (shown as '?')."""
    steps = {shape[1] if shape and len(shape) > 2 else None for shape in shapes}
    return steps.pop() if len(steps) == 1 else None


def describe_initial_state(rec: Recorder, tensors) -> str:
    """Where a Keras layer's initial state comes from: zeros, another recurrent layer's state, an input ..."""
    if not tensors:
        return "zeros (default)"
    kinds = []
    for tensor in tensors:
        kind = _state_source(rec, tensor)
        if kind not in kinds:
            kinds.append(kind)
    return ", ".join(kinds)


def _state_source(rec: Recorder, tensor) -> str:
    for entry in rec.keras.layer_calls.values():
        if any(out is tensor for out in entry["outputs"]):
            return f"state of {entry['layer'].name}"
    history = getattr(tensor, "_keras_history", None)  # Keras records the producing layer there only
    producer = history[0] if history else None
    if producer is not None:
        if is_recurrent(producer):
            return f"state of {producer.name}"
        if type(producer).__name__ == "InputLayer":
            return f"input {producer.name}"
        return f"computed by {producer.name}"
    from pylint_rnn.verify.initial_state import variables_behind

    variables = variables_behind(rec, [tensor])
    if variables:
        var = variables[0]
        kind = "trainable" if getattr(var, "trainable", True) else "non-trainable"
        return f"{'variable' if var is underlying_variable(tensor) else 'computed from variable'} " \
               f"{var.name.split(':')[0]} ({kind})"
    return "a tensor"
