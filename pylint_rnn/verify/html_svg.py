"""The small drawings of the HTML report (parent process, no TensorFlow): colours, cuts, the overview.

Weight-set colours are Okabe-Ito, readable with every common colour-vision deficiency; vermillion is kept
for what is wrong (no gradient, a failed call, a cut), never for a weight set. Past six weight sets the
colours repeat with a hatch or dot pattern, and every box also carries its id, so colour is never the only
cue. Long sequences show their first three and last two steps (:func:`column_plan`). The grid itself is
:mod:`pylint_rnn.verify.html_grid`.
"""
from __future__ import annotations

from html import escape

# Okabe-Ito without vermillion: (fill, text colour with >= 4.5:1 contrast on it)
PALETTE = (("#E69F00", "#000"), ("#56B4E9", "#000"), ("#009E73", "#000"), ("#F0E442", "#000"),
           ("#0072B2", "#fff"), ("#CC79A7", "#000"))
PATTERNS = (None, "hatch", "dots")
WRONG = "#D55E00"
MAX_COLUMNS = 8  # more steps than this collapse to 1, 2, 3, ..., T-1, T
BOX_W, BOX_H, GAP_X, GAP_Y = 60, 36, 28, 22
CHIP_W = 124
SOURCE_W = 184  # the chip of the variables an initial state is assigned from
STATE_STYLE = {  # initial-state kind -> (chip text, fill, border, wrong?)
    "zeros": ("zeros", "#fff", "#777", False),
    "learned": ("learned ✓", "#d7f0e8", "#00785a", False),
    "no-gradient": ("✗ no gradient", "#fbe1d3", WRONG, True),
    "assigned-only": ("✗ assigned only", "#fbe1d3", WRONG, True),
    "non-trainable": ("non-trainable", "#eee", "#777", False),
    "trainable": ("trainable", "#eef6fb", "#5a7d99", False),
    "fed": ("fed", "#eef6fb", "#00507d", False),
    "from-rnn": ("from {}", "#fff6dd", "#8a5a00", False),
    "computed": ("computed", "#f4f4f4", "#777", False),
}


def weight_set_style(ws_id):
    """(fill, text colour, pattern name or None) of a weight set id ``W<n>``."""
    try:
        n = int(str(ws_id)[1:]) - 1
    except ValueError:
        n = 0
    fill, ink = PALETTE[n % len(PALETTE)]
    return fill, ink, PATTERNS[(n // len(PALETTE)) % len(PATTERNS)]


def defs():
    """Patterns shared by every drawing of the page (one hidden SVG at the top of the body)."""
    return ('<svg class="defs" width="0" height="0" aria-hidden="true" focusable="false"><defs>'
            '<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
            '<rect width="2.5" height="6" fill="#000" fill-opacity=".35"/></pattern>'
            '<pattern id="dots" width="6" height="6" patternUnits="userSpaceOnUse">'
            '<circle cx="3" cy="3" r="1.3" fill="#000" fill-opacity=".4"/></pattern>'
            '<pattern id="failed" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
            f'<rect width="2" height="6" fill="{WRONG}" fill-opacity=".6"/></pattern>'
            '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker>'
            '</defs></svg>')


def swatch(ws_id, size=18):
    """A small square of the weight set's colour and pattern, with its id."""
    if not ws_id:
        return '<span class="swatch none" aria-hidden="true"></span>'
    fill, ink, pattern = weight_set_style(ws_id)
    over = f'<rect width="{size}" height="{size}" fill="url(#{pattern})"/>' if pattern else ""
    return (f'<svg class="swatch" width="{size}" height="{size}" aria-hidden="true"><rect width="{size}" '
            f'height="{size}" rx="3" fill="{fill}" stroke="#333"/>{over}</svg>'
            f'<span class="ws-id" style="--ws:{fill};--ink:{ink}">{escape(ws_id)}</span>')


def column_plan(grid):
    """[(label, step index or None for the ellipsis, hidden step count)] of the columns to draw."""
    steps = grid.get("time_steps")
    if not grid.get("loop"):
        steps = max((len(r["steps"]) for r in grid["rows"]), default=0)
    if not steps:  # unknown number of steps: one loop body stands for all of them
        return [("t = 1", 0, 0), ("t = 2", 0, 0), ("…", None, 0), ("t = T", 0, 0)]
    if steps <= MAX_COLUMNS:
        return [(f"t = {i + 1}", i, 0) for i in range(steps)]
    shown = [0, 1, 2, steps - 2, steps - 1]
    plan = [(f"t = {i + 1}", i, 0) for i in shown[:3]]
    plan.append(("…", None, steps - 5))
    return plan + [(f"t = {i + 1}", i, 0) for i in shown[3:]]


def box_at(grid, row, index):
    """(weight set id, failed) of a row at a step index (a loop grid has one entry for every step)."""
    if index is None:
        return None, False
    at = 0 if grid.get("loop") else index
    if at >= len(row["steps"]):
        return None, False
    return row["steps"][at], bool(row.get("failed", [False] * (at + 1))[at])


def row_labels(grid):
    """``forward layer 2 · GRUCell · 3 units`` per row, layers numbered within each direction."""
    counts, out = {}, []
    for row in grid["rows"]:
        direction = row.get("direction")
        counts[direction] = counts.get(direction, 0) + 1
        out.append(f"{direction + ' ' if direction else ''}layer {counts[direction]} · {row.get('cell') or '?'}")
    return out


def short_name(name, width=22):
    """A variable name cut to ``width`` characters from the end (the end names it best)."""
    return name if len(name) <= width else "…" + name[-(width - 1):]


def cut_svg(cut, index, lines_of=None):
    """A placeholder round trip: producers -> fetched tensor -> cut -> placeholder -> the RNNs it feeds."""
    lines_of = lines_of or {}
    producers = cut.get("variables") or []
    names = [short_name(n) + (f" · line {lines_of[n]}" if lines_of.get(n) else "") for n in producers[:3]]
    if len(producers) > 3:
        names[-1] = f"and {len(producers) - 2} more"
    boxes = [
        ("producers", "✗ no gradient", names or ["its producers"], True),
        ("fetched", cut.get("fetched") or "?", [f"fetched: sess.run, line {cut.get('fetch_line') or '?'}"], False),
        ("placeholder", cut.get("placeholder") or "?", [f"fed at line {cut.get('feed_line') or '?'}"], False),
        ("feeds", ", ".join(cut.get("feeds") or []) or "the model", ["then the loss"], False),
    ]
    height = max(44, 22 + 15 * len(names))
    parts, x = [], 10
    for n, box in enumerate(boxes):
        part, width = _cut_box(box, x, height)
        parts.append(part)
        x += width
        if n == 1:  # the cut: the value leaves the graph as a NumPy array and comes back as a new input
            parts.append(_cut_mark(x, height, index))
            x += 100
        elif n < len(boxes) - 1:
            parts.append(f'<line class="flow" x1="{x + 2}" y1="{24 + height / 2}" x2="{x + 34}" '
                         f'y2="{24 + height / 2}" marker-end="url(#arrow)"/>')
            x += 36
    label = (f"Placeholder round trip: {cut.get('fetched')} is fetched by sess.run and fed back through "
             f"{cut.get('placeholder')}; no gradient crosses the cut to {', '.join(producers) or 'its producers'}.")
    return (f'<svg class="cutsvg" role="img" aria-label="{escape(label)}" width="{x + 10}" height="{height + 48}" '
            f'viewBox="0 0 {x + 10} {height + 48}">' + "".join(parts) + "</svg>")


def _cut_box(box, x, height, top=24):
    """(svg, width) of one box of a cut diagram: a name and its notes."""
    role, name, notes, wrong = box
    width = max(120, 7 * max(len(name), *(len(t) for t in notes)) + 18)
    text = "".join(f'<text class="cut-note" x="{x + width / 2}" y="{top + 32 + 15 * i}" text-anchor="middle">'
                   f'{escape(t)}</text>' for i, t in enumerate(notes))
    stroke = f'stroke="{WRONG}" stroke-width="2.5"' if wrong else 'stroke="#333"'
    return (f'<g class="cut-{role}"><rect x="{x}" y="{top}" width="{width}" height="{height}" rx="6" '
            f'fill="{"#fbe1d3" if wrong else "#fff"}" {stroke}/><text class="cut-name{" wrong" if wrong else ""}" '
            f'x="{x + width / 2}" y="{top + 16}" text-anchor="middle">{escape(name)}</text>{text}</g>'), width


def _cut_mark(x, height, index, top=24):
    mid = top + height / 2
    return (f'<g class="cut" data-cut="{index}"><line x1="{x + 4}" y1="{mid}" x2="{x + 96}" y2="{mid}" '
            f'stroke="{WRONG}" stroke-width="2.5" stroke-dasharray="6 5"/>{scissors(x + 50, mid)}'
            f'<text class="cut-note wrong" x="{x + 50}" y="{top - 8}" text-anchor="middle">graph cut</text>'
            f'<text class="cut-note" x="{x + 50}" y="{top + height + 16}" text-anchor="middle">a NumPy copy</text></g>')


def scissors(x, y):
    """A scissors mark drawn with shapes (no font needs to have the glyph)."""
    return (f'<g class="scissors" transform="translate({x},{y})" stroke="{WRONG}" stroke-width="2.2" fill="#fff">'
            '<line x1="-9" y1="-9" x2="9" y2="7"/><line x1="-9" y1="9" x2="9" y2="-7"/>'
            '<circle cx="-11" cy="-10" r="4"/><circle cx="-11" cy="10" r="4"/></g>')


def overview_svg(grids, anchors, flagged, cut=()):
    """Every grid as a small map, side by side: which grids share colours is visible at once.

    ``anchors``: grid id -> the element id of its card (each map links there); ``flagged``: ids of grids
    with something wrong (outlined in vermillion); ``cut``: ids of grids fed through a placeholder round trip
    (a scissors mark before them).
    """
    x, parts, height = 10, [], 0
    for grid in grids:
        if grid["id"] in cut:
            parts.append(scissors(x + 8, 24 + len(grid["rows"]) * 8))
            x += 24
        mini = MiniMap(grid, x)
        parts.append(f'<a href="#{anchors[grid["id"]]}">{mini.svg(grid["id"] in flagged)}</a>')
        x += mini.span + 26
        height = max(height, mini.bottom + 30)
    return (f'<svg class="overview" role="img" aria-label="overview of the RNNs and their weight sets" '
            f'width="{x}" height="{height}" viewBox="0 0 {x} {height}">' + "".join(parts) + "</svg>")


class MiniMap:
    """One grid's small map: its rows, its first three and last steps, its after set, its reductions."""

    CELL, GAP, TOP = 14, 2, 24

    def __init__(self, grid, x):
        self.grid, self.x = grid, x
        plan = [p for p in column_plan(grid) if p[1] is not None]
        self.plan = plan[:3] + plan[-1:] if len(plan) > 4 else plan
        self.bottom = self.TOP + len(grid["rows"]) * (self.CELL + self.GAP)
        self.after = (grid.get("after") or {}).get("weight_set")
        self.label = (" ".join(self.sets()) + (f" → {self.after}" if self.after else "")) or "—"
        width = len(self.plan) * (self.CELL + self.GAP) + (self.CELL + 10 if self.after else 0)
        self.span = max(width, 8 * len(self.label), 8 * len(str(grid["id"])))

    def sets(self):
        found = []
        for row in self.grid["rows"]:
            for _, index, _ in self.plan:
                ws = box_at(self.grid, row, index)[0]
                if ws and ws not in found:
                    found.append(ws)
        return found

    def svg(self, flagged):
        """The map as an SVG group; outlined in vermillion when ``flagged``."""
        name = escape(str(self.grid["id"]))
        outline = (f'<rect x="{self.x - 4}" y="4" width="{self.span + 8}" height="{self.bottom + 22}" rx="6" '
                   f'fill="none" stroke="{WRONG}" stroke-width="2.5"/>' if flagged else "")
        return (f'<g class="mini" data-grid="{name}"><title>{name}: {escape(self.label)}</title>{outline}'
                f'<text class="col" x="{self.x}" y="17">{name}</text>{self.squares()}{self.marks()}'
                f'<text class="row" x="{self.x}" y="{self.bottom + 12}">{escape(self.label)}</text></g>')

    def squares(self):
        """One square per drawn box, coloured by its weight set."""
        cell, gap, rows = self.CELL, self.GAP, self.grid["rows"]
        out = []
        for r, row in enumerate(rows):
            for c, (_, index, _) in enumerate(self.plan):
                ws, failed = box_at(self.grid, row, index)
                out.append(f'<rect x="{self.x + c * (cell + gap)}" y="{self.TOP + (len(rows) - 1 - r) * (cell + gap)}"'
                           f' width="{cell}" height="{cell}" fill="{weight_set_style(ws)[0] if ws else "#fff"}" '
                           f'stroke="{WRONG if failed else "#333"}"/>')
        return "".join(out)

    def marks(self):
        """The after set (dashed, right of the top row) and the reductions (a bar above or beside)."""
        cell, top, x = self.CELL, self.TOP, self.x
        grid_w = len(self.plan) * (cell + self.GAP) - self.GAP
        out = []
        if self.after:
            out.append(f'<line x1="{x + grid_w}" y1="{top + cell / 2}" x2="{x + grid_w + 10}" y2="{top + cell / 2}" '
                       f'stroke="#444"/><rect x="{x + grid_w + 10}" y="{top}" width="{cell}" height="{cell}" '
                       f'fill="{weight_set_style(self.after)[0]}" stroke="#333" stroke-dasharray="3 2"/>')
        overs = {red["over"] for red in self.grid.get("reductions") or []}
        if "time" in overs:
            out.append(f'<line x1="{x}" y1="{top - 3}" x2="{x + grid_w}" y2="{top - 3}" stroke="{WRONG}" '
                       'stroke-width="2.5"/>')
        if "layers" in overs:
            out.append(f'<line x1="{x + grid_w + 3}" y1="{top}" x2="{x + grid_w + 3}" y2="{self.bottom - self.GAP}" '
                       'stroke="#00507d" stroke-width="2.5"/>')
        return "".join(out)
