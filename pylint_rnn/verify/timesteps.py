"""rnn-cell-per-timestep at run time: a manual unroll that builds a new cell for every time step.

Child process only. The probes record every cell the user's own code calls (``output, state = cell(x_t,
state)``). A new cell per time step shows as a *chain*: several cell objects of one configuration, each
called exactly once, each starting from the state the previous one returned -- and fed the consecutive time
slices of one sequence (graph mode: slices of one tensor; eager: a different input of one shape at each
step) or its own previous output (a decoder feeding back its predictions). A stack of layers applied at one
time step does not chain the state from layer to layer; a cell shared across time is called many times.
"""
from __future__ import annotations

from collections import Counter
from typing import Dict, List, Optional

from pylint_rnn.verify.probes_graph import config_key, unwrap
from pylint_rnn.verify.recorder import Recorder, graph_op

_CUT_OPS = frozenset({"StridedSlice", "Slice", "GatherV2", "Gather", "Unpack", "Split", "SplitV"})
_RESHAPE_OPS = frozenset({"Squeeze", "Reshape", "Identity"})
_HOPS = 6


def check(rec: Recorder) -> None:
    """Report each chain of cells built per time step."""
    calls = rec.graph.cell_calls
    if len(calls) < 2:
        return
    uses = Counter(id(unwrap(c["cell"])) for c in calls)
    for chain in chains(calls):
        for run in _segments([calls[i] for i in chain], uses):
            evidence = _time_evidence(run)
            if evidence is not None:
                _report(rec, run, evidence)


def chains(calls: List[dict]) -> List[List[int]]:
    """Sequences of call indices where each call starts from the state the previous one returned."""
    produced: Dict[int, int] = {}
    previous: List[Optional[int]] = []
    for index, call in enumerate(calls):
        previous.append(next((produced[id(t)] for t in call["state_in"] if id(t) in produced), None))
        if previous[-1] is None:
            previous[-1] = _produced_through_ops(call["state_in"], calls[:index])
        for tensor in call["state_out"]:
            produced[id(tensor)] = index
    following: Dict[int, int] = {}
    for index, before in enumerate(previous):
        if before is not None:
            following.setdefault(before, index)
    found = []
    for start, before in enumerate(previous):
        if before is not None and following.get(before) == start:
            continue  # inside a chain
        chain = [start]
        while chain[-1] in following:
            chain.append(following[chain[-1]])
        if len(chain) > 1:
            found.append(chain)
    return found


def _produced_through_ops(state_in, earlier: List[dict]) -> Optional[int]:
    """Graph mode: the earlier call whose new state reaches this state input through a few ops (a dropout,
    a mask, a state tuple rebuilt by hand)."""
    wanted = {}
    for index, call in enumerate(earlier[-4:], start=max(len(earlier) - 4, 0)):
        for tensor in call["state_out"]:
            if graph_op(tensor) is not None:
                wanted[tensor.name] = index
    if not wanted:
        return None
    for tensor in state_in:
        frontier = [tensor]
        for _ in range(_HOPS):
            found = next((wanted[t.name] for t in frontier if getattr(t, "name", None) in wanted), None)
            if found is not None:
                return found
            frontier = [i for t in frontier if graph_op(t) is not None for i in t.op.inputs][:16]
    return None


def _segments(chain: List[dict], uses: Counter) -> List[List[dict]]:
    """The runs of a chain where consecutive calls use distinct cells, called once each, of one configuration."""
    segments, current = [], []
    for call in chain:
        base = unwrap(call["cell"])
        fits = uses[id(base)] == 1 and (not current or (
            config_key(call["cell"]) == config_key(current[-1]["cell"])
            and all(unwrap(c["cell"]) is not base for c in current)))
        if fits:
            current.append(call)
            continue
        if len(current) > 1:
            segments.append(current)
        current = [call] if uses[id(base)] == 1 else []
    if len(current) > 1:
        segments.append(current)
    return segments


def _time_evidence(run: List[dict]) -> Optional[str]:
    """How the chain's inputs show consecutive time steps, or None when they do not."""
    inputs = [c["inputs"][0] if c["inputs"] else None for c in run]
    if any(t is None for t in inputs):
        return None
    if all(graph_op(t) is not None for t in inputs):
        sources = {_slice_source(t) for t in inputs}
        if len(sources) == 1 and None not in sources:
            return f"time slices of '{sources.pop()}'"
        if all(_feeds_back(run[i - 1], t) for i, t in enumerate(inputs) if i > 0):
            return "each step's input is the previous step's output"
        return None
    shapes = {tuple(_dims(t)) for t in inputs}
    if len({id(t) for t in inputs}) == len(inputs) and len(shapes) == 1:
        return "a different input of one shape at each step"
    return None


def _dims(tensor) -> list:
    shape = getattr(tensor, "shape", None)
    try:
        return shape.as_list() if hasattr(shape, "as_list") else list(shape)
    except (TypeError, ValueError):
        return []


def _slice_source(tensor) -> Optional[str]:
    """The tensor a time slice was cut from (slicing, unstacking or splitting, then squeezing/reshaping)."""
    op = tensor.op
    for _ in range(_HOPS):
        if op.type in _CUT_OPS and op.inputs:
            return op.inputs[1 if op.type == "Split" else 0].name  # Split(axis, value)
        if op.type not in _RESHAPE_OPS or not op.inputs:
            return None
        op = op.inputs[0].op
    return None


def _feeds_back(previous: dict, tensor) -> bool:
    """Is the input computed from the previous call's output (a decoder feeding back its prediction)?"""
    names = {getattr(t, "name", None) for t in previous["output"] + previous["state_out"]}
    frontier = [tensor]
    for _ in range(_HOPS):
        if any(getattr(t, "name", None) in names for t in frontier):
            return True
        frontier = [i for t in frontier if graph_op(t) is not None for i in t.op.inputs
                    if i.op.type not in ("Const", "VariableV2", "VarHandleOp")][:16]
    return False


def _report(rec: Recorder, run: List[dict], evidence: str) -> None:
    cells = [c["cell"] for c in run]
    built = [rec.keras.layer_sites.get(id(cell), (None, None))[1] for cell in cells]
    site = next((s for s in built if s is not None), None) or run[0]["site"]
    lines = sorted({s[1] for s in built if s is not None})
    call_line = run[0]["site"][1] if run[0]["site"] else None
    name = _cell_label(cells[0])
    rec.add_finding(
        "rnn-cell-per-timestep",
        f"{len(run)} {name} objects of one configuration (built at line {', '.join(map(str, lines)) or '?'}) are "
        f"each called once, on consecutive time steps ({evidence}; each starts from the state the previous one "
        f"returned, at line {call_line or '?'}): every time step has its own weights and nothing is shared "
        f"across time. Build the cell once before the loop and call that one cell at every step.",
        site, True, {"cells": len(run), "cell": name, "call_line": call_line, "evidence": evidence,
                     "built_at": lines})


def rows(rec: Recorder) -> List[dict]:
    """One structure-table row per manual unroll (a chain of cell calls): the cell object used at each step."""
    out = []
    for number, chain in enumerate(chains(rec.graph.cell_calls), start=1):
        calls = [rec.graph.cell_calls[i] for i in chain]
        bases: List = []
        per_step = []
        for call in calls:
            base = unwrap(call["cell"])
            if all(b is not base for b in bases):
                bases.append(base)
            per_step.append(next(i for i, b in enumerate(bases) if b is base))
        site = calls[0]["site"]
        names = [getattr(w, "name", "?") for b in bases for w in list(getattr(b, "weights", []) or [])]
        out.append({
            "id": f"U{number}", "kind": "manual-unroll", "api": "cell calls",
            "path": site[0] if site else None, "line": site[1] if site else None,
            "cell": _cell_label(calls[0]["cell"]), "units": [_units(b) for b in bases], "depth": 1,
            "time_steps": len(calls), "variables": names, "shares_with": [],
            "initial_state": "given" if calls[0]["state_in"] else "none",
            "cells_per_step": per_step,
        })
    return out


def _cell_label(cell) -> str:
    base = unwrap(cell)
    return type(base).__name__ if base is cell else f"{type(cell).__name__}({type(base).__name__})"


def _units(cell) -> Optional[int]:
    value = getattr(cell, "units", None)
    if value is None:
        value = getattr(cell, "_num_units", None)  # the legacy cells keep their size there
    return value if isinstance(value, int) else None
