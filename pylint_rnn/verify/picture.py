"""The verifier's picture (child process only): what the HTML report draws, read from what the run built.

:func:`build` returns a JSON-ready dict, stored as ``result["picture"]`` (the ``--format html`` renderer,
:mod:`pylint_rnn.verify.html`, reads it in the parent):

- ``grids``: one per RNN function call (``R1``...), hand-unrolled RNN (``U1``...) or Keras recurrent layer
  (its name). Each has ``rows`` (layers, bottom first), each row's ``steps`` (the weight set id of each
  time step; a ``loop`` grid measured one loop body that every step runs, so its one entry stands for all
  ``time_steps``), the ``initial_state`` (whole grid, and per row when the state is per layer) with its
  ``kind``: ``zeros``, ``learned`` (trainable and gets a gradient), ``no-gradient``, ``assigned-only``
  (copied by ``tf.assign`` from trainable variables: the copy passes no gradient), ``non-trainable``,
  ``trainable`` (no objective to say), ``fed`` (a placeholder / model input), ``from-rnn`` (another RNN's
  final state), ``computed``; ``reductions`` of the outputs over time or over layers; ``after``: the weight
  set between the outputs and the loss, and the RNNs the outputs feed; ``shares_with``: other grids that
  use one of its weight sets.
- ``weight_sets``: ``W1``... each a distinct set of variable objects, numbered in order of first use.
- ``variables``: every variable with its shape, creating line, trainable flag, ``gradient`` (True, False,
  None when no objective trains it) and the weight sets it belongs to.
- ``cuts``: each placeholder round trip: the producing variables, the fetched tensor, the placeholder, the
  grids it feeds.

Weight identity is object identity in the run, never a name.
"""
from __future__ import annotations

from .analysis import gradient_status
from .picture_flow import after_rnn, unrolled_grids
from .picture_graph import GraphPicture
from .picture_keras import keras_grids, keras_variables


class WeightSets:
    """Distinct sets of variable objects, numbered W1, W2, ... in the order they are first seen."""

    def __init__(self):
        self._ids = {}
        self.sets = []  # (id, [variables])

    def key(self, variables):
        """The id of this set of variables (None for the empty set)."""
        unique = []
        for var in variables:
            if all(var is not seen for seen in unique):
                unique.append(var)
        if not unique:
            return None
        key = frozenset(id(v) for v in unique)
        if key not in self._ids:
            self._ids[key] = f"W{len(self.sets) + 1}"
            self.sets.append((self._ids[key], unique))
        return self._ids[key]


def build(rec, findings):
    """The picture of the run; an error while drawing it becomes ``{"error": ...}``, never a crash."""
    try:
        return _build(rec, findings)
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}


def _build(rec, findings):
    status = gradient_status(rec.train.objectives)
    weight_sets = WeightSets()
    graph_picture = GraphPicture(rec, weight_sets, status)
    grids = graph_picture.rnn_grids()
    after_rnn(graph_picture, grids)
    grids += unrolled_grids(graph_picture)
    grids += keras_grids(rec, weight_sets)
    _link_shared(grids)
    variables = _variables(rec, status, findings)
    sets = _weight_set_rows(weight_sets, variables)
    return {"grids": grids, "weight_sets": sets, "variables": [_public(v) for v in variables],
            "cuts": _cuts(graph_picture, grids, findings),
            "trained": bool(rec.train.objectives or rec.keras.models)}


def _grid_sets(grid):
    return {ws for row in grid["rows"] for ws in row["steps"] if ws}


def _link_shared(grids):
    """``shares_with``: the other grids that use one of the grid's weight sets (in its rows)."""
    for grid in grids:
        mine = _grid_sets(grid)
        grid["shares_with"] = [other["id"] for other in grids if other is not grid and mine & _grid_sets(other)]


def _variables(rec, status, findings):
    """Every graph variable (TF1) and Keras weight once, with its gradient status and copy-of finding."""
    copies = {f["details"].get("variable"): f["details"].get("copy_of") for f in findings
              if f["symbol"] == "rnn-variable-not-shared" and isinstance(f.get("details"), dict)}
    rows, index = [], {}
    for info in rec.graph.variables:
        if info["graph"] is None:
            continue  # eager variables: Keras weights, listed below with their layers
        index[id(info["var"])] = len(rows)
        rows.append({"var": info["var"], "name": info["name"], "shape": list(info["shape"] or []),
                     "trainable": info["trainable"], "site": info["site"],
                     "gradient": status.get(id(info["var"])) if info["trainable"] else None,
                     "copy_of": copies.get(info["name"])})
    for row in keras_variables(rec, status):
        at = index.get(id(row["var"]))
        if at is None:
            rows.append(dict(row, copy_of=None))
        elif rows[at]["gradient"] is None:
            rows[at]["gradient"] = row["gradient"]
    return rows


def _weight_set_rows(weight_sets, variables):
    """One row per weight set: its variables, and whether they all get a gradient (None: unknown)."""
    by_id = {id(v["var"]): v for v in variables}
    out = []
    for ws_id, members in weight_sets.sets:
        infos = [by_id.get(id(var)) for var in members]
        for info in infos:
            if info is not None:
                info.setdefault("weight_sets", []).append(ws_id)
        grads = [i["gradient"] for i in infos if i is not None and i["trainable"]]
        out.append({"id": ws_id,
                    "variables": [i["name"] if i else getattr(v, "name", "?") for i, v in zip(infos, members)],
                    "shapes": [i["shape"] if i else None for i in infos],
                    "gradient": False if False in grads else (True if grads and all(grads) else None)})
    return out


def _public(row):
    site = row.get("site")
    return {"name": row["name"], "shape": row["shape"], "trainable": row["trainable"],
            "gradient": row["gradient"], "weight_sets": row.get("weight_sets", []), "copy_of": row.get("copy_of"),
            "path": site[0] if site else None, "line": site[1] if site else None}


def _cuts(graph_picture, grids, findings):
    """Each placeholder round trip the run confirmed, with the RNN grids the placeholder feeds."""
    calls = {f"R{i + 1}": c for i, c in enumerate(graph_picture.rec.graph.rnn_calls)}
    out = []
    for finding in findings:
        details = finding.get("details") or {}
        if finding["symbol"] != "rnn-placeholder-roundtrip" or not details.get("placeholder"):
            continue
        feeds = [g["id"] for g in grids if g["id"] in calls
                 and details["placeholder"] in graph_picture.index.ancestors(calls[g["id"]].get("inputs") or [])]
        out.append({"placeholder": details["placeholder"], "fetched": details.get("fetched"),
                    "fetch_line": details.get("fetch_line"), "placeholder_line": details.get("placeholder_line"),
                    "feed_line": finding["line"], "path": finding["path"], "variables": details.get("variables") or [],
                    "feeds": feeds})
    return out
