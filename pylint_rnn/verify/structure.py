"""The structure table's rows for the RNN calls of TF1 graphs (Keras layers: :mod:`structure_keras`).

Child process only. One row per recorded call: cell, units, depth (stacked layers) against time steps (the
input's time dimension, ``None`` -- shown as ``?`` -- when the graph does not know it), the variables the call
reads, the other calls it shares them with, and where its initial state comes from (zeros, a placeholder, a
variable, or the final state of another call: a decoder started from its encoder).
"""
from __future__ import annotations

from typing import List, Optional

from pylint_rnn.verify.probes_graph import layers_of
from pylint_rnn.verify.recorder import COPY_OPS, READ_OPS, VAR_OPS, Recorder, closure_variables, graph_op

_HOPS = 6


def rows(rec: Recorder) -> List[dict]:
    """One row per recorded RNN call."""
    out = []
    var_sets = [{id(v) for v in call["variables"]} for call in rec.graph.rnn_calls]
    for index, call in enumerate(rec.graph.rnn_calls):
        cells, units, depth = [], [], 0
        for cell in call["cells"]:
            layers, stack = layers_of(cell)
            depth = max(depth, len(layers))
            names = [type(c).__name__ for c in layers]
            cells.append(f"{type(stack).__name__}[{', '.join(names)}]" if stack is not None else names[0])
            units.extend(_units(c) for c in layers)
        site = call["site"]
        out.append({
            "id": f"R{index + 1}", "kind": "tf1-call", "api": call["api"],
            "path": site[0] if site else None, "line": site[1] if site else None,
            "cell": " / ".join(cells), "units": units, "depth": depth, "time_steps": call["time_steps"],
            "variables": [v.name for v in call["variables"]],
            "shares_with": [f"R{j + 1}" for j, other in enumerate(var_sets)
                            if j != index and other & var_sets[index]],
            "initial_state": describe_initial_state(rec, call),
        })
    return out


def _units(cell) -> Optional[int]:
    value = getattr(cell, "_num_units", None)  # the legacy cells keep their size there
    if value is None:
        value = getattr(cell, "output_size", None)
    return value if isinstance(value, int) else None


def describe_initial_state(rec: Recorder, call: dict) -> str:
    """Where the call's initial state comes from, in words; each source once."""
    if not call["init_given"]:
        return "zeros (default)"
    kinds = []
    for tensor in call["init"]:
        kind = _final_state_of(rec, call, tensor) or _describe_source(rec, call["graph"], tensor)
        if kind not in kinds:
            kinds.append(kind)
    return ", ".join(kinds)


def _final_state_of(rec: Recorder, call: dict, tensor) -> Optional[str]:
    """'final state of R<n>' when the tensor is (a copy of) another call's final state."""
    frontier = [tensor]
    for _ in range(_HOPS):
        for other in rec.graph.rnn_calls:
            if other is not call and any(_same_tensor(t, f) for t in frontier for f in other["final"]):
                return f"final state of R{other['index'] + 1}"
        frontier = [i for t in frontier if graph_op(t) is not None and t.op.type in COPY_OPS | {"Exit", "Merge"}
                    for i in t.op.inputs][:16]
        if not frontier:
            break
    return None


def _same_tensor(first, second) -> bool:
    if first is second:
        return True
    return getattr(first, "graph", None) is getattr(second, "graph", 0) and first.name == second.name


def _describe_source(rec: Recorder, graph, tensor) -> str:
    op = graph_op(tensor)
    if op is None:
        return "a tensor (eager)"
    for _ in range(_HOPS):
        if op.type in READ_OPS and op.inputs:
            op = op.inputs[0].op
        else:
            break
    if op.type in ("Placeholder", "PlaceholderWithDefault"):
        return f"placeholder {op.name}"
    if op.type in VAR_OPS:
        info = rec.var_ops(graph).get(op.name)
        trainable = info["trainable"] if info else None
        return f"variable {op.name} ({'trainable' if trainable else 'non-trainable'})"
    if op.type in ("Fill", "Zeros", "Const", "ZerosLike"):
        return "zeros"
    variables = _variables_behind(rec, graph, tensor)
    if variables:
        return "computed from variable(s) " + ", ".join(variables[:3])
    return f"computed ({op.type})"


def _variables_behind(rec: Recorder, graph, tensor) -> List[str]:
    """Variables a tensor copies (tiled, reshaped ...), by op name."""
    infos = rec.records_by_id()
    return [f"{infos[id(v)]['var'].op.name} ({'trainable' if infos[id(v)]['trainable'] else 'non-trainable'})"
            for v in closure_variables(rec, [tensor], graph, copy_only=True) if id(v) in infos]
