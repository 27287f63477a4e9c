"""What a picture grid shows, in words (parent process, no TensorFlow): the sentences above each drawing.

Every sentence is read off the grid's structure (weight set ids per box, the cell objects behind the rows,
the initial state's kind, reductions, what the outputs feed), so it holds on code the project never saw.
A level says how to show it: ``wrong`` (a pitfall), ``note`` (often meant, sometimes a pitfall), ``ok``,
``info``. The wrong ones come first.
"""
from __future__ import annotations

from .html_svg import STATE_STYLE, row_labels

WRONG_STATES = frozenset(kind for kind, style in STATE_STYLE.items() if style[3])
ORDER = {"wrong": 0, "note": 1, "ok": 2, "info": 3}


def grid_verdicts(grid, context=None):
    """[(sentence, level)] that say what the grid shows, the wrong ones first.

    ``context`` (all optional): ``cut_feeds`` grid id -> placeholders of cuts feeding it, ``grids`` id ->
    grid, ``copies`` variable -> the variable it copies, ``sets`` id -> weight set, ``describe`` ws -> text.
    """
    context = context or {}
    out = list(_row_verdicts(grid)) + list(_layer_verdicts(grid)) + list(_shared_verdicts(grid, context))
    for placeholder in context.get("cut_feeds", {}).get(grid["id"], []):
        out.append((f"its input comes through placeholder {placeholder}, fed with a value fetched by an earlier "
                    f"sess.run: a graph cut, nothing before it gets a gradient (see Graph cuts)", "wrong"))
    out.extend(_state_verdicts(grid.get("initial_state")))
    for red in grid.get("reductions") or []:
        at = f" (line {red['line']})" if red.get("line") else ""
        if red["over"] == "time":
            out.append((f"the outputs are reduced over the time steps{at}: one vector per sequence, not a sum "
                        f"over layers", "note"))
        else:
            out.append((f"the layers' outputs are reduced at each time step{at}", "ok"))
    after = grid.get("after") or {}
    if after.get("feeds"):
        out.append((f"it feeds {', '.join(after['feeds'])} (its outputs or its final state)", "info"))
    if after.get("weight_set"):
        describe = context.get("describe") or str
        out.append((f"then {after['weight_set']} ({describe(after['weight_set'])}) before the loss", "info"))
    if (grid.get("applied") or 0) > 1:
        out.append((f"one layer object applied to {grid['applied']} inputs: they share its weights", "ok"))
    return sorted(out, key=lambda item: ORDER[item[1]])


def _state_verdicts(state):
    if not state:
        return
    if state["kind"] in WRONG_STATES:
        yield (f"initial state: {state.get('text')} — it never trains", "wrong")
    elif state["kind"] == "learned":
        yield ("initial state learned: its variables get a gradient", "ok")
    elif state["kind"] != "zeros":
        yield (f"initial state: {state.get('text')}", "info")


def _short_label(label):
    return label.split(" · ")[0]


def _row_verdicts(grid):
    """Per row: a failed call, a cell object that also runs another row, weights that change over time."""
    rows, labels = grid["rows"], row_labels(grid)
    if any(any(r.get("failed") or []) for r in rows):
        yield ("a cell call failed here (the target stopped): the boxes after it were never built", "wrong")
    for label, row in zip(labels, rows):
        earlier = row.get("same_cell_as")
        if earlier is not None and (row["steps"][:1] != rows[earlier]["steps"][:1] or not row["steps"][0]):
            yield (f"{_short_label(label)} is run by the same cell object as {_short_label(labels[earlier])}: "
                   "one set of weights (or a shape error) where a new cell was meant", "wrong")
        present = [ws for ws in row["steps"] if ws]
        if len(set(present)) > 1:
            kind = "a new weight set at every time step" if len(set(present)) == len(present) else \
                "weight sets change over time"
            yield (f"{_short_label(label)}: {kind} ({len(set(present))} sets over {len(present)} steps): the "
                   "steps share no weights", "wrong")


def _layer_verdicts(grid):
    """Across rows: one weight set for every layer, both directions alike, a stack as deep as the sequence."""
    rows = grid["rows"]
    steps = grid.get("time_steps") if grid.get("loop") else max((len(r["steps"]) for r in rows), default=0)
    by_direction = {}
    for row in rows:
        by_direction.setdefault(row.get("direction"), []).append(row)
    firsts = {d: [r["steps"][0] if r["steps"] else None for r in rs] for d, rs in by_direction.items()}
    for direction, sets in firsts.items():
        if len(sets) > 1 and len(set(sets)) == 1 and sets[0]:
            same_object = all(r.get("same_cell_as") is not None for r in by_direction[direction][1:])
            yield (f"all {len(sets)} {direction + ' ' if direction else ''}layers use one weight set ({sets[0]})"
                   + (f": one cell object stacked {len(sets)} times" if same_object else ""), "wrong")
    if len(firsts) == 2 and firsts.get("forward") and firsts.get("forward") == firsts.get("backward"):
        yield (f"forward and backward use the same weight set ({', '.join(w for w in firsts['forward'] if w)}): "
               "both directions have one set of weights", "wrong")
    depth = max((len(sets) for sets in firsts.values()), default=0)
    distinct = all(len(set(sets)) == len(sets) and all(sets) for sets in firsts.values())
    if depth > 1 and distinct:
        if steps == depth:  # certain for an RNN call's stack; a hand-written one may mean it
            yield (f"as deep as the sequence is long: {depth} layers × {steps} time steps, a weight set per layer "
                   "— a stack adds layers, the RNN already runs every step with the same weights",
                   "note" if grid.get("source", "").startswith("cell calls") else "wrong")
        else:
            yield (f"{depth} layers, each with its own weight set, over {steps or '?'} time steps", "ok")
    elif depth == 1 and rows[0]["steps"] and len(set(rows[0]["steps"])) == 1 and rows[0]["steps"][0]:
        yield (f"one weight set ({rows[0]['steps'][0]}) shared by all {steps or '?'} time steps", "ok")


def _shared_verdicts(grid, context):
    """Sharing with other grids; two RNNs with every weight in common whose outputs then go through
    different weight sets (seed 001: a projection copied instead of shared)."""
    grids, copies, sets = context.get("grids", {}), context.get("copies", {}), context.get("sets", {})
    shared = grid.get("shares_with") or []
    if shared:
        yield (f"shares weights with {', '.join(str(s) for s in shared)}", "info")
    mine = (grid.get("after") or {}).get("weight_set")
    for other_id in shared:
        other = grids.get(other_id) or {}
        theirs = (other.get("after") or {}).get("weight_set")
        if not (mine and theirs and mine != theirs and _row_sets(other) == _row_sets(grid)):
            continue
        names = {n for ws in (mine, theirs) for n in (sets.get(ws) or {}).get("variables", [])}
        copied = any(copies.get(n) in names for n in names)
        yield (f"shares every RNN weight with {other_id}, but its outputs then go through {mine} and "
               f"{other_id}'s through {theirs}" + (": one is a copy of the other, made under reuse instead of "
                                                    "shared" if copied else ""), "wrong" if copied else "note")


def _row_sets(grid):
    return [tuple(row["steps"]) for row in grid["rows"]]
