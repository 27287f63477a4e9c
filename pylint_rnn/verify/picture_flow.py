"""Cell calls outside any RNN function, and the weights between each RNN and the loss (child process only).

Hand-unrolled RNNs are found by data flow, not by loop syntax or names: a cell call whose state input is
computed (through copies only) from another call's new state is that call's next time step; a chain of
steps whose inputs are computed from another chain's outputs is the layer above it. What an RNN's outputs
go through on the way to the loss (an output projection, another RNN) is found by walking forward from its
outputs through the ops the loss is computed from.
"""
from __future__ import annotations

from .picture_graph import CONSTANT_OPS, link_same_cells
from .probes_graph import unwrap
from .recorder import COPY_OPS

NEAR = 6  # ops between one layer's output and the next layer's input (dropout, concatenation, ...)


def unrolled_grids(gp):
    """Grids of the cell calls no RNN function made: hand-written loops, or an RNN call that failed."""
    free = [c for c in gp.rec.graph.cell_ops if c["parent"] is None and c["index"] not in gp.used]
    grids = []
    failed = [c for c in free if c["in_rnn"]]
    if failed:
        rows, _ = gp.columns(failed[:1])
        link_same_cells(rows)
        grids.append({"id": "R?", "source": "RNN call that failed", "loop": True, "time_steps": None,
                      "path": _site(failed[0])[0], "line": _site(failed[0])[1], "rows": rows, "reductions": [],
                      "cell": type(unwrap(failed[0]["cell"])).__name__,
                      "initial_state": None})  # inside the failed call's loop: not known
    hand = [c for c in free if not c["in_rnn"] and c["end"] is not None]
    for n, group in enumerate(_stack_chains(_chains(gp, hand))):
        first = group[0][0]
        rows = []
        for chain in group:
            more, _ = gp.columns(chain)
            for row in more:
                row["initial_state"] = gp.state_source(chain[0]["state_in"], chain[0]["graph"])
            rows.extend(more)
        link_same_cells(rows)
        grids.append({"id": f"U{n + 1}", "source": "cell calls (unrolled by hand)", "loop": False,
                      "time_steps": max(len(chain) for chain in group), "path": _site(first)[0],
                      "line": _site(first)[1], "rows": rows, "reductions": [],
                      "cell": type(unwrap(first["cell"])).__name__,
                      "initial_state": rows[0]["initial_state"] if rows else None})
    return grids


def _site(call):
    return call["site"][:2] if call["site"] else (None, None)


def _chains(gp, calls):
    """Lists of calls, each the time steps of one layer: a call continues the chain whose last call made
    the new state its own state input is copied from (a second call from one state starts a branch)."""
    producer = {}  # op name of a new-state tensor -> index of the call that returned it
    chain_of = {}  # call index -> its chain
    chains = []
    for call in calls:
        hit = gp.index.ancestors(call["state_in"], through=COPY_OPS - CONSTANT_OPS, limit=400)
        previous = max((producer[name] for name in hit if name in producer), default=None)
        chain = chain_of.get(previous)
        if chain is None or chain[-1]["index"] != previous:
            chain = []
            chains.append(chain)
        chain.append(call)
        chain_of[call["index"]] = chain
        for tensor in call["state_out"]:
            producer[tensor.op.name] = call["index"]
    return chains


def _stack_chains(chains):
    """Groups of chains, each group one hand-stacked RNN, its chains ordered from the bottom layer up."""
    if not chains:
        return []
    owner = {}
    for k, chain in enumerate(chains):
        for call in chain:
            for tensor in call["outputs"] + call["state_out"]:
                owner[tensor.op.name] = k
    below = {k: set() for k in range(len(chains))}
    for k, chain in enumerate(chains):
        for call in chain:
            near = _near_ancestors(call["inputs"], NEAR)
            below[k].update(owner[n] for n in near if n in owner and owner[n] != k)
    groups = _connected(below)
    return [[chains[k] for k in sorted(group, key=lambda k: (_level(k, below, set()), k))] for group in groups]


def _near_ancestors(tensors, depth):
    """Names of the ops at most ``depth`` steps upstream of the tensors."""
    seen = set()
    frontier = [t.op for t in tensors if hasattr(t, "op")]
    for _ in range(depth):
        nxt = []
        for op in frontier:
            if op.name not in seen:
                seen.add(op.name)
                nxt.extend(t.op for t in op.inputs)
        frontier = nxt
    return seen


def _connected(below):
    """Connected groups of chain indexes (``below`` as an undirected relation), in order of first index."""
    parent = {k: k for k in below}

    def root(k):
        while parent[k] != k:
            k = parent[k]
        return k

    for k, others in below.items():
        for other in others:
            parent[root(k)] = root(other)
    groups = {}
    for k in sorted(below):
        groups.setdefault(root(k), []).append(k)
    return sorted(groups.values(), key=min)


def _level(k, below, visiting):
    """How many chains lie below chain k (its layer index in the stack)."""
    if k in visiting or not below[k]:
        return 0
    visiting = visiting | {k}
    return 1 + max(_level(b, below, visiting) for b in below[k])


def after_rnn(gp, grids):
    """For each RNN-call grid: the weight set its outputs go through on the way to the loss, and the
    RNN calls they feed. Needs a loss (an optimizer, tf.gradients or a factory's return value)."""
    losses = [o["loss"] for o in gp.rec.train.objectives if hasattr(o.get("loss"), "op")]
    calls = {f"R{i + 1}": c for i, c in enumerate(gp.rec.graph.rnn_calls)}
    to_loss = {}  # id(graph) -> names of the ops the losses are computed from (one walk per graph)
    for grid in grids:
        call = calls.get(grid["id"])
        same_graph = [t for t in losses if call is not None and t.graph is call["graph"]]
        if not same_graph:
            continue
        if id(call["graph"]) not in to_loss:
            to_loss[id(call["graph"])] = gp.index.ancestors(same_graph)
        variables, feeds = _downstream(gp, call, calls, to_loss[id(call["graph"])])
        grid["after"] = {"weight_set": gp.ws.key(variables) if variables else None, "feeds": feeds}


def _downstream(gp, call, calls, to_loss):
    """Variables read, and RNN calls entered, between the call's outputs and the loss."""
    graph = call["graph"]
    position = _positions(gp, graph)
    spans = {gid: c["op_span"] for gid, c in calls.items() if c["graph"] is graph and c.get("op_span")}
    variables, feeds, seen = [], [], set()
    stack = [op for t in call.get("outputs", []) + call["final"] if hasattr(t, "op") for op in t.consumers()]
    while stack and len(seen) < 20000:
        op = stack.pop()
        if op.name in seen or op.name not in to_loss:
            continue
        seen.add(op.name)
        entered = [gid for gid, (lo, hi) in spans.items() if lo <= position[op.name] < hi]
        if entered:  # another RNN (it feeds it), or a later step of this one (static_rnn)
            feeds.extend(g for g in entered if g not in feeds and calls[g] is not call)
            continue
        variables.extend(v for v in gp.index.variables_read(graph, [op]) if all(v is not w for w in variables))
        stack.extend(c for t in op.outputs for c in t.consumers())
    return variables, sorted(feeds)


def _positions(gp, graph):
    """op name -> its index in creation order (what a probe's ``graph.version`` readings count)."""
    return gp.index.positions(graph)
