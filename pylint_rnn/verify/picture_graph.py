"""The TF1 half of the picture (child process only): layers x time steps of each RNN, from the graph.

Each box of a grid is one layer at one time step; its weight set is the set of variables that the ops it
created read. The ops come from the cell-call probe (:mod:`pylint_rnn.verify.cellcalls`): a call's ops are
those created between its start and its end, a nested call (a ``MultiRNNCell``'s layer, a wrapper's cell)
is a layer of its caller. ``static_rnn`` calls the cell once per time step, so its columns are measured one
by one; ``dynamic_rnn`` calls it once, in the loop body that every step runs, so one measurement stands for
every column. Cell calls outside any RNN function are hand-unrolled steps: a call whose state comes from
another call's new state is that call's next step, and a chain that reads another chain's outputs is the
layer above it. Nothing here is decided from a variable's or a scope's name.
"""
from __future__ import annotations

from .probes_graph import unwrap
from .recorder import COPY_OPS, READ_OPS, VAR_OPS, WALK_LIMIT, ops_upstream

REDUCE_OPS = frozenset({"Sum", "Mean", "Max", "Min", "Prod"})
SUM_OPS = REDUCE_OPS | {"AddN", "Add", "AddV2"}
PASS_OPS = frozenset({"Identity", "Cast", "IdentityN", "Snapshot"})  # forward: the same values, same axes
CONSTANT_OPS = frozenset({"Fill", "Zeros", "Const", "ZerosLike", "OnesLike"})
PLACEHOLDER_OPS = frozenset({"Placeholder", "PlaceholderWithDefault"})


class GraphIndex:
    """Per-graph lookups: ops by creation order, variables by op, consumers; built once per graph."""

    def __init__(self, rec):
        self.rec = rec
        self._ops = {}
        self._positions = {}
        self._vars = {}

    def ops(self, graph):
        """Every op of the graph in creation order; ``graph.version`` is how many there are, so the ops made
        between two readings of it are a slice of this list."""
        key = id(graph)
        if key not in self._ops:
            self._ops[key] = graph.get_operations()
        return self._ops[key]

    def positions(self, graph):
        """op name -> its index in :meth:`ops` (built once per graph)."""
        key = id(graph)
        if key not in self._positions:
            self._positions[key] = {op.name: i for i, op in enumerate(self.ops(graph))}
        return self._positions[key]

    def ops_between(self, graph, start, end):
        """The ops created between two readings of ``graph.version`` (``start`` ops existed before)."""
        return self.ops(graph)[start:end]

    def var_by_op(self, graph):
        key = id(graph)
        if key not in self._vars:
            self._vars[key] = self.rec.var_ops(graph)
        return self._vars[key]

    def variables_read(self, graph, ops):
        """The variables the ops read (an input that is a variable, directly or through read ops)."""
        return self.rec.variables_read(ops, self.var_by_op(graph))

    @staticmethod
    def ancestors(tensors, through=None, limit=WALK_LIMIT):
        """Names of the ops the tensors are computed from (through ``through`` op types only, if given)."""
        return {op.name for op in ops_upstream(tensors, through, limit)}


def site_of(rec, op):
    """(path, line) of the user's line that created the op, or None."""
    site = rec.op_site(op)
    return (site[0], site[1]) if site else None


def cell_label(cell):
    """``BasicLSTMCell · 4 units`` for the cell under any wrappers."""
    base = unwrap(cell)
    units = getattr(base, "_num_units", None)
    name = type(base).__name__
    return f"{name} · {units} units" if isinstance(units, int) else name


class CallTree:
    """The recorded cell calls of one run, with each call's nested calls."""

    def __init__(self, calls):
        self.calls = calls
        self.children = {}
        for call in calls:
            if call["parent"] is not None:
                self.children.setdefault(call["parent"], []).append(call)

    def layers(self, call):
        """The calls that are the layers of ``call``: its nested calls when it runs several (a stack),
        the layers of its only nested call (a wrapper, a one-layer stack), else the call itself."""
        kids = self.children.get(call["index"], [])
        if not kids:
            return [call]
        if len(kids) == 1:
            return self.layers(kids[0])
        return kids

    def top_calls(self, graph, span):
        """The outermost cell calls made inside an RNN function call's op span."""
        start, end = span
        inside = [c for c in self.calls if c["graph"] is graph and c["start"] >= start
                  and c["end"] is not None and c["end"] <= end]
        ids = {c["index"] for c in inside}
        return [c for c in inside if c["parent"] not in ids]


class GraphPicture:
    """Grids for the TF1 RNN calls and hand-unrolled cell calls of one run."""

    def __init__(self, rec, weight_sets, status):
        self.rec = rec
        self.ws = weight_sets
        self.status = status  # id(var) -> gets a gradient (only variables some objective trains)
        self.index = GraphIndex(rec)
        self.tree = CallTree(rec.graph.cell_ops)
        self.used = set()  # indexes of the cell calls drawn in some grid

    # ------------------------------------------------------------------ one box
    def box(self, call):
        """The weight set id of one layer call (None: it read no variable), and whether it failed."""
        end = call["end"] if call["end"] is not None else call["start"]
        ops = self.index.ops_between(call["graph"], call["start"], end)
        return self.ws.key(self.index.variables_read(call["graph"], ops)), call["failed"]

    def own_weights(self, call, layers):
        """Variables the call reads outside its layers (a custom cell's own weights), as a weight set."""
        if layers == [call]:
            return None
        graph = call["graph"]
        inner = {id(v) for lay in layers
                 for v in self.index.variables_read(graph, self.index.ops_between(graph, lay["start"], lay["end"]))}
        mine = self.index.variables_read(graph, self.index.ops_between(graph, call["start"], call["end"]))
        own = [v for v in mine if id(v) not in inner]
        return self.ws.key(own) if own else None

    def columns(self, step_calls, direction=None):
        """Rows (layers, bottom first) x columns (the given step calls) of weight set ids."""
        per_step = []
        for call in step_calls:
            layers = self.tree.layers(call)
            self.used.update(c["index"] for c in [call, *layers])
            boxes = [self.box(lay) for lay in layers]
            own = self.own_weights(call, layers)
            if own is not None:
                boxes.append((own, call["failed"]))
            per_step.append((layers, boxes))
        depth = max((len(b) for _, b in per_step), default=0)
        rows = []
        for r in range(depth):
            label = next((cell_label(lay[r]["cell"]) for lay, _ in per_step if r < len(lay)), None)
            if label is None:  # the row of a custom cell's own weights, after its layers
                label = f"{type(unwrap(step_calls[0]['cell'])).__name__}'s own weights"
            first = next((lay[r]["cell"] for lay, _ in per_step if r < len(lay)), None)
            rows.append({"cell": label, "direction": direction,
                         "steps": [b[r][0] if r < len(b) else None for _, b in per_step],
                         "failed": [bool(r < len(b) and b[r][1]) for _, b in per_step],
                         "_cell": unwrap(first) if first is not None else None})
        return rows, per_step

    # ------------------------------------------------------------------ RNN function calls
    def rnn_grids(self):
        grids = []
        for i, call in enumerate(self.rec.graph.rnn_calls):
            try:
                grids.append(self.rnn_grid(f"R{i + 1}", call))
            except Exception as exc:  # one odd call must not cost the whole picture
                self.rec.status.notes.append(f"picture: R{i + 1}: {exc!r}")
        return grids

    def rnn_grid(self, grid_id, call):
        """The grid of one RNN function call: its layers (per direction) over its time steps."""
        span = call.get("op_span")
        tops = self.tree.top_calls(call["graph"], span) if span else []
        loop = not call["api"].startswith("static")
        groups = self.directions(call, tops)
        rows, first_steps = [], []
        for direction, step_calls in groups:
            more, per_step = self.columns(step_calls[:1] if loop else step_calls, direction)
            rows.extend(more)
            first_steps.extend(per_step[:1])
        if not rows:  # cells the probe cannot see (Keras cells in a TF1 graph): the call's variables
            rows = [{"cell": " / ".join(cell_label(c) for c in call["cells"] if c), "direction": None,
                     "steps": [self.ws.key(call["variables"])], "failed": [False]}]
        site = call["site"] or (None, None)
        grid = {"id": grid_id, "source": call["api"], "loop": loop, "time_steps": call["time_steps"],
                "path": site[0], "line": site[1], "rows": rows,
                "cell": " / ".join(type(unwrap(c)).__name__ for c in call["cells"] if c is not None),
                "reductions": self.time_reductions(call) + self.layer_reductions(first_steps)}
        self.attach_states(grid, call, groups)
        link_same_cells(rows)
        return grid

    def directions(self, call, tops):
        """[(direction, its step calls)]: one group (direction None), or forward and backward."""
        if "bidirectional" not in call["api"]:
            return [(None, tops)]
        fw_cell, bw_cell = call["cells"]
        if fw_cell is not bw_cell:
            fw = [c for c in tops if c["cell"] is fw_cell]
            bw = [c for c in tops if c["cell"] is bw_cell]
        else:  # one object for both directions: the forward pass is built first
            half = len(tops) // 2
            fw, bw = tops[:half], tops[half:]
        return [("forward", fw), ("backward", bw)]

    # ------------------------------------------------------------------ reductions
    def time_reductions(self, call):
        """Reductions of the RNN's outputs over the time axis (seed 004: a sum over time, not layers)."""
        found = []
        outs = [t for t in call.get("outputs") or [] if hasattr(t, "op")]
        if call["api"].startswith("static"):
            found.extend(self._sum_of_steps(outs))
        else:
            axis = 0 if call.get("time_major") else 1
            for out in outs:
                for op in self._forward(out):
                    axes = self._axes(op) if op.type in REDUCE_OPS else ()
                    # over time but not over the features: a per-sequence vector, not a scalar loss
                    if axis in axes and (out.shape.rank or 0) - 1 not in axes:
                        found.append(self._reduction("time", op))
        return _unique(found)

    def _sum_of_steps(self, outs):
        names = {t.name for t in outs}
        found = []
        for out in outs:
            for op in self._forward(out):
                if sum(1 for t in op.inputs if t.name in names) < 2:
                    continue
                if op.type in SUM_OPS:
                    found.append(self._reduction("time", op))
                elif op.type == "Pack":
                    axis = op.get_attr("axis")
                    found.extend(self._reduction("time", nxt) for nxt in self._forward(op.outputs[0])
                                 if nxt.type in REDUCE_OPS and axis in self._axes(nxt))
        return found

    def layer_reductions(self, first_steps):
        """Reductions inside a stack's step that combine the outputs of several layers (seed 004 fixed)."""
        found = []
        for layers, _ in first_steps:
            if len(layers) < 2:
                continue
            outputs = {t.name: i for i, lay in enumerate(layers) for t in lay["outputs"]}
            parent = self.tree.calls[layers[0]["parent"]] if layers[0]["parent"] is not None else None
            if parent is None:
                continue
            graph = parent["graph"]
            for op in self.index.ops_between(graph, parent["start"], parent["end"]):
                if op.type not in SUM_OPS:
                    continue
                hit = self.index.ancestors(list(op.inputs), through=COPY_OPS | PASS_OPS, limit=200)
                sources = {i for name, i in outputs.items() if name.rsplit(":", 1)[0] in hit}
                if len(sources) >= 2:
                    found.append(self._reduction("layers", op))
                    break
        return _unique(found)

    def _forward(self, tensor, depth=3):
        """Ops that consume the tensor, directly or through ops that only pass values on."""
        out, frontier = [], [tensor]
        for _ in range(depth):
            nxt = []
            for t in frontier:
                for op in t.consumers():
                    out.append(op)
                    if op.type in PASS_OPS:
                        nxt.extend(op.outputs)
            frontier = nxt
        return out

    def _axes(self, op):
        """The axes a reduction op reduces (normalised to non-negative), or () when not constant."""
        try:
            value = self.rec.tf.get_static_value(op.inputs[1])
            rank = op.inputs[0].shape.rank
        except Exception:
            return ()
        if value is None:
            return ()
        axes = [int(a) for a in (value.flatten() if hasattr(value, "flatten") else [value])]
        return tuple(a + rank if a < 0 and rank else a for a in axes)

    def _reduction(self, over, op):
        site = site_of(self.rec, op)
        return {"over": over, "op": op.type, "path": site[0] if site else None, "line": site[1] if site else None}

    # ------------------------------------------------------------------ initial states
    def attach_states(self, grid, call, groups):
        """Where the grid's initial state comes from: the RNN call's ``initial_state``, or zeros."""
        tensors = [t for t in call["init"] if hasattr(t, "op")]
        if not call["init_given"] or not tensors:
            grid["initial_state"] = {"kind": "zeros", "text": "zeros (the default)", "variables": []}
            return
        depth = len(grid["rows"])
        per_row = len(tensors) // depth if depth and len(tensors) % depth == 0 else 0
        if per_row and depth > 1 and len(groups) == 1:
            for r, row in enumerate(grid["rows"]):
                row["initial_state"] = self.state_source(tensors[r * per_row:(r + 1) * per_row], call["graph"])
        grid["initial_state"] = self.state_source(tensors, call["graph"])

    def state_source(self, tensors, graph):
        """Classify where state tensors come from (see :mod:`pylint_rnn.verify.picture` for the kinds)."""
        finals = {t.name: f"R{i + 1}" for i, c in enumerate(self.rec.graph.rnn_calls) for t in c["final"]
                  if hasattr(t, "name")}
        var_by_op = self.index.var_by_op(graph)
        hit = self.index.ancestors(tensors, through=COPY_OPS - CONSTANT_OPS)
        by_name = {op.name: op for op in self.index.ops(graph) if op.name in hit}
        variables = [var_by_op[n] for n in hit if n in var_by_op]
        feeders = sorted({finals[t.name] for op in by_name.values() for t in op.outputs if t.name in finals})
        placeholders = sorted(n for n, op in by_name.items() if op.type in PLACEHOLDER_OPS)
        computed = [op for op in by_name.values() if op.type not in COPY_OPS | VAR_OPS | READ_OPS
                    | PLACEHOLDER_OPS | CONSTANT_OPS]
        if variables:
            return self._variable_state(variables, graph)
        if feeders:
            return {"kind": "from-rnn", "text": f"the final state of {', '.join(feeders)}", "variables": [],
                    "from": feeders}
        if placeholders:
            return {"kind": "fed", "text": f"fed through placeholder {', '.join(placeholders)}", "variables": []}
        if computed:
            return {"kind": "computed", "text": f"computed ({computed[0].type})", "variables": []}
        return {"kind": "zeros", "text": "zeros (a constant)", "variables": []}

    def _variable_state(self, infos, graph):
        """A state held in variables: learned, untrained, assigned only, or non-trainable."""
        names = [i["name"] for i in infos]
        trainable = [i for i in infos if i["trainable"]]
        if trainable and all(self.status.get(id(i["var"])) for i in trainable):
            return {"kind": "learned", "text": "learned: trainable variables that get a gradient", "variables": names}
        if trainable and any(self.status.get(id(i["var"])) is False for i in trainable):
            return {"kind": "no-gradient", "text": "trainable variables that get no gradient", "variables": names}
        sources = self.assigned_from(infos, graph)
        if sources:
            return {"kind": "assigned-only", "variables": names, "assigned_from": sources,
                    "text": "assigned only (tf.assign) from trainable " + ", ".join(sources)
                            + ": an assign passes no gradient"}
        if trainable:
            return {"kind": "trainable", "text": "trainable variables (no training objective)", "variables": names}
        return {"kind": "non-trainable", "text": "non-trainable variables", "variables": names}

    def assigned_from(self, infos, graph):
        """Names of trainable variables that assign ops copy into the given variables."""
        targets = {i["op_name"] for i in infos}
        var_by_op = self.index.var_by_op(graph)
        sources = []
        for op in self.index.ops(graph):
            if op.type not in ("Assign", "AssignVariableOp") or len(op.inputs) < 2:
                continue
            if not self.index.ancestors([op.inputs[0]], through=READ_OPS, limit=8) & targets:
                continue
            for name in self.index.ancestors([op.inputs[1]], through=COPY_OPS - CONSTANT_OPS, limit=200):
                info = var_by_op.get(name)
                if info and info["trainable"] and name not in targets and info["name"] not in sources:
                    sources.append(info["name"])
        return sources


def link_same_cells(rows):
    """``same_cell_as``: the first row run by the same cell object (``[cell] * n``, one cell for both
    directions); the cell objects themselves stay out of the JSON."""
    for r, row in enumerate(rows):
        cell = row.pop("_cell", None)
        earlier = next((k for k in range(r) if rows[k].get("_same") is cell), None) if cell is not None else None
        row["_same"] = cell
        if earlier is not None:
            row["same_cell_as"] = earlier
    for row in rows:
        row.pop("_same", None)


def _unique(items):
    out = []
    for item in items:
        if item not in out:
            out.append(item)
    return out
