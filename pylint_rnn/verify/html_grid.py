"""One RNN grid as SVG (parent process, no TensorFlow): layers (rows) x time steps (columns).

The first layer is the bottom row, as RNNs are drawn; arrows carry the state along a row and the output up
to the next layer. Left of the rows: where the initial state comes from (and, for a state filled by
``tf.assign``, the trainable variables it is copied from). Above: a reduction over time; beside: a
reduction over layers; right: what the outputs go through before the loss; below: a placeholder cut.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Callable

from .html_svg import (BOX_H, BOX_W, CHIP_W, GAP_X, GAP_Y, SOURCE_W, STATE_STYLE, WRONG, box_at, column_plan,
                       row_labels, scissors, short_name, weight_set_style)


@dataclass
class DrawingContext:
    """What a grid drawing needs from the rest of the page."""

    describe: Callable[[str], str] = str  # weight set id -> a short text of its variables
    lines_of: dict = field(default_factory=dict)  # variable name -> the line that created it
    cut_inputs: list = field(default_factory=list)  # placeholders of round trips that feed this RNN


@dataclass
class Geometry:
    """Where the parts of a grid go: x of the initial-state chip and of the first column, y of the top row."""

    label_w: int
    chip_x: int
    left: int
    top: int
    rows: int

    def x_of(self, col):
        return self.left + col * (BOX_W + GAP_X)

    def y_of(self, row):
        """The top of row ``row`` (row 0 is the bottom one; -1 is just below it)."""
        return self.top + (self.rows - 1 - row) * (BOX_H + GAP_Y)


def anchor_of(grid):
    """The element id of a grid's card."""
    return "g-" + "".join(ch if ch.isalnum() else "-" for ch in str(grid["id"]))


class GridDrawing:
    """The SVG of one grid; ``svg()`` returns it, with a title and a description for screen readers."""

    def __init__(self, grid, context=None):
        self.grid = grid
        self.ctx = context or DrawingContext()
        self.plan = column_plan(grid)
        self.labels = row_labels(grid)
        label_w = max(120, 7 * max((len(t) for t in self.labels), default=10) + 12)
        states = [grid.get("initial_state")] + [r.get("initial_state") for r in grid["rows"]]
        assigned = any(st and st.get("assigned_from") for st in states)
        chip_x = label_w + 4 + (SOURCE_W + 72 if assigned else 0)
        self.geo = Geometry(label_w, chip_x, chip_x + CHIP_W + 18 if any(states) else label_w,
                            30 + (26 if self.reductions("time") else 0), len(grid["rows"]))
        self.parts = []

    def reductions(self, over):
        return [r for r in self.grid.get("reductions") or [] if r["over"] == over]

    def cut_text(self):
        inputs = self.ctx.cut_inputs
        return f"input through placeholder {', '.join(inputs)}: a fetched value fed back (graph cut)" if inputs else ""

    def width(self):
        extra = (130 if self.reductions("layers") else 0) + (150 if self.grid.get("after") else 0)
        return max(self.geo.x_of(len(self.plan)) + 10 + extra, self.geo.left + 7 * len(self.cut_text()) + 10)

    def height(self):
        return self.geo.y_of(-1) + 8 + (34 if self.ctx.cut_inputs else 0)

    def svg(self):
        """The drawing, every part in order."""
        self.draw_headers()
        for r in range(len(self.grid["rows"])):
            self.draw_row(r)
        self.draw_states()
        self.draw_reductions()
        self.draw_after()
        self.draw_cut_input()
        anchor = anchor_of(self.grid)
        title = escape(f"{self.grid['id']}: {len(self.grid['rows'])} layer(s) x {self.steps_text()} time steps")
        return (f'<svg class="grid" role="img" aria-labelledby="t-{anchor} d-{anchor}" width="{self.width()}" '
                f'height="{self.height()}" viewBox="0 0 {self.width()} {self.height()}"><title id="t-{anchor}">'
                f'{title}</title><desc id="d-{anchor}">{escape(self.text_description())}</desc>'
                + "".join(self.parts) + "</svg>")

    def steps_text(self):
        rows = self.grid["rows"]
        steps = self.grid.get("time_steps") if self.grid.get("loop") else (len(rows[0]["steps"]) if rows else 0)
        return str(steps) if steps else "?"

    def text_description(self):
        """Each row's weight sets in words (what a screen reader says for the picture)."""
        parts = []
        for label, row in zip(self.labels, self.grid["rows"]):
            sets = []
            for _, index, _ in self.plan:
                ws = box_at(self.grid, row, index)[0] or "none"
                if index is not None and ws not in sets:
                    sets.append(ws)
            parts.append(f"{label}: {', '.join(sets)}")
        return "; ".join(parts)

    # ------------------------------------------------------------------ rows and boxes
    def draw_headers(self):
        """Column titles (t = 1, ..., +N steps, ..., t = T) and the time axis."""
        top = self.geo.top
        for col, (label, _, hidden) in enumerate(self.plan):
            text = label if not hidden else f"+{hidden} steps"
            self.parts.append(f'<text class="col" x="{self.geo.x_of(col) + BOX_W / 2}" y="{top - 10}" '
                              f'text-anchor="middle">{escape(text)}</text>')
        self.parts.append(f'<text class="axis" x="{self.geo.label_w - 8}" y="{top - 10}" text-anchor="end">'
                          'time steps →</text>')

    def draw_row(self, r):
        """A row's label, its boxes, the state arrows along it and the output arrows up into it."""
        rows = self.grid["rows"]
        row, y = rows[r], self.geo.y_of(r)
        backward = row.get("direction") == "backward"
        self.parts.append(f'<text class="row" x="{self.geo.label_w - 8}" y="{y + BOX_H / 2 + 4}" text-anchor="end">'
                          f'{escape(self.labels[r])}</text>')
        for col, (_, index, _) in enumerate(self.plan):
            x = self.geo.x_of(col)
            if col:  # the state passed from one step to the next (right to left for a backward layer)
                x1, x2 = (x - 2, x - GAP_X + 2) if backward else (x - GAP_X + 2, x - 2)
                self.parts.append(f'<line class="flow" x1="{x1}" y1="{y + BOX_H / 2}" x2="{x2}" '
                                  f'y2="{y + BOX_H / 2}" marker-end="url(#arrow)"/>')
            if index is None:
                self.parts.append(f'<text class="ellipsis" x="{x + BOX_W / 2}" y="{y + BOX_H / 2 + 5}" '
                                  'text-anchor="middle">…</text>')
                continue
            if r and rows[r - 1].get("direction") == row.get("direction"):  # the layer below feeds this one
                self.parts.append(f'<line class="flow" x1="{x + BOX_W / 2}" y1="{y + BOX_H + GAP_Y - 2}" '
                                  f'x2="{x + BOX_W / 2}" y2="{y + BOX_H + 2}" marker-end="url(#arrow)"/>')
            self.draw_box(r, index, x, y)

    def draw_box(self, r, index, x, y):
        """One box: filled with its weight set's colour (and pattern), labelled with its id."""
        ws, failed = box_at(self.grid, self.grid["rows"][r], index)
        step = "every step (one loop body)" if self.grid.get("loop") else f"step {index + 1}"
        tip = f"{self.labels[r]}, {step}: " + (f"{ws} = {self.ctx.describe(ws)}" if ws else "reads no variable")
        fill, ink, pattern = weight_set_style(ws) if ws else ("#fff", "#555", None)
        rect = f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="5"'
        shape = (f'{rect} fill="{fill}" ' + (f'stroke="{WRONG}" stroke-width="2.5"/>' if failed else 'stroke="#333"/>')
                 + (f'{rect} fill="url(#{pattern})"/>' if pattern else "")
                 + (f'{rect} fill="url(#failed)"/>' if failed else ""))
        self.parts.append(f'<g class="box" data-row="{r}" data-step="{index}" data-ws="{escape(ws or "")}"'
                          + (' data-failed="1"' if failed else "") + f'><title>{escape(tip)}</title>{shape}'
                          f'<text class="ws" x="{x + BOX_W / 2}" y="{y + BOX_H / 2 + 5}" text-anchor="middle" '
                          f'fill="{ink}">{escape(("✗ " if failed else "") + (ws or "—"))}</text></g>')

    # ------------------------------------------------------------------ initial states
    def draw_states(self):
        """Initial-state chips: one per row when the layers' states differ, else one for the grid."""
        rows = self.grid["rows"]
        per_row = [row.get("initial_state") for row in rows]
        if len({(st or {}).get("text") for st in per_row}) > 1 or (any(per_row) and not self.grid.get("initial_state")):
            for r, state in enumerate(per_row):
                if state:
                    self.draw_chip(state, self.geo.y_of(r), BOX_H, [r])
        elif self.grid.get("initial_state"):
            y = self.geo.y_of(len(rows) - 1)
            self.draw_chip(self.grid["initial_state"], y, self.geo.y_of(0) + BOX_H - y, range(len(rows)))

    def draw_chip(self, state, y, h, rows):
        """One initial-state chip spanning ``rows``, with an arrow into the first box of each."""
        x = self.geo.chip_x
        text, fill, border, wrong = STATE_STYLE.get(state["kind"], STATE_STYLE["computed"])
        text = text.format(", ".join(state.get("from") or []))
        self.parts.append(f'<g class="state" data-kind="{escape(state["kind"])}"><title>initial state: '
                          f'{escape(state.get("text") or state["kind"])}</title>'
                          f'<rect x="{x}" y="{y}" width="{CHIP_W}" height="{h}" rx="8" fill="{fill}" '
                          f'stroke="{border}" stroke-width="{2.5 if wrong else 1.2}" '
                          f'stroke-dasharray="{"" if wrong else "4 3"}"/><text class="chip" x="{x + CHIP_W / 2}" '
                          f'y="{y + h / 2 - 2}" text-anchor="middle">initial state</text><text class="chip strong'
                          f'{" wrong" if wrong else ""}" x="{x + CHIP_W / 2}" y="{y + h / 2 + 12}" '
                          f'text-anchor="middle">{escape(text)}</text></g>')
        for r in rows:
            ry = self.geo.y_of(r) + BOX_H / 2
            self.parts.append(f'<line class="flow" x1="{x + CHIP_W}" y1="{ry}" x2="{self.geo.left - 2}" y2="{ry}" '
                              'marker-end="url(#arrow)"/>')
        if state.get("assigned_from"):
            self.draw_assign_source(state["assigned_from"], y + h / 2)

    def draw_assign_source(self, names, mid):
        """The trainable variables copied into the state by tf.assign, and the assign that cuts them off."""
        x = self.geo.label_w + 4
        h = max(BOX_H, 22 + 15 * min(len(names), 3))
        y = mid - h / 2
        lines = [short_name(n) + (f" · line {self.ctx.lines_of[n]}" if self.ctx.lines_of.get(n) else "")
                 for n in names[:3]]
        if len(names) > 3:
            lines[-1] = f"and {len(names) - 2} more"
        text = "".join(f'<text class="chip" x="{x + SOURCE_W / 2}" y="{y + 30 + 15 * i}" text-anchor="middle">'
                       f'{escape(line)}</text>' for i, line in enumerate(lines))
        self.parts.append(f'<g class="assign-source"><title>trainable variables assigned into the initial state: '
                          f'{escape(", ".join(names))}</title><rect x="{x}" y="{y}" width="{SOURCE_W}" height="{h}" '
                          f'rx="8" fill="#fbe1d3" stroke="{WRONG}" stroke-width="2.5"/><text class="chip strong wrong" '
                          f'x="{x + SOURCE_W / 2}" y="{y + 15}" text-anchor="middle">✗ trainable, no gradient</text>'
                          f'{text}<line x1="{x + SOURCE_W + 2}" y1="{mid}" x2="{self.geo.chip_x - 3}" y2="{mid}" '
                          f'stroke="{WRONG}" stroke-width="2" stroke-dasharray="5 4" marker-end="url(#arrow)"/>'
                          f'<text class="chip wrong" x="{x + SOURCE_W + 38}" y="{mid - 7}" text-anchor="middle">'
                          'tf.assign</text></g>')

    # ------------------------------------------------------------------ around the grid
    def draw_reductions(self):
        """A bracket over the top row for a reduction over time; beside the rows for one over layers."""
        geo, last = self.geo, len(self.plan) - 1
        for red in self.reductions("time")[:1]:
            y, x1, x2 = geo.top - 30, geo.x_of(0), geo.x_of(last) + BOX_W
            self.parts.append(f'<g class="reduction" data-over="time"><path d="M{x1},{y + 10} L{x1},{y} L{x2},{y} '
                              f'L{x2},{y + 10}" fill="none" stroke="{WRONG}" stroke-width="2"/><text class="reduce" '
                              f'x="{(x1 + x2) / 2}" y="{y - 4}" text-anchor="middle">Σ over time steps '
                              f'({escape(red["op"])}{_at(red)})</text></g>')
        for red in self.reductions("layers")[:1]:
            x = geo.x_of(last + 1) - GAP_X + 12
            y1, y2 = geo.y_of(geo.rows - 1), geo.y_of(0) + BOX_H
            self.parts.append(f'<g class="reduction" data-over="layers"><path d="M{x - 8},{y1} L{x},{y1} L{x},{y2} '
                              f'L{x - 8},{y2}" fill="none" stroke="#00507d" stroke-width="2"/><text class="reduce '
                              f'layers" x="{x + 6}" y="{(y1 + y2) / 2 - 6}">Σ over layers</text><text class="reduce '
                              f'layers" x="{x + 6}" y="{(y1 + y2) / 2 + 16}">at each step{escape(_at(red))}</text></g>')

    def draw_cut_input(self):
        """The RNN's input comes through a placeholder fed with a fetched value: a cut under the bottom row."""
        if not self.ctx.cut_inputs:
            return
        geo = self.geo
        y = geo.y_of(-1) + 14
        x1, x2 = geo.left, geo.x_of(len(self.plan) - 1) + BOX_W
        self.parts.append(f'<g class="cut-input"><line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{WRONG}" '
                          f'stroke-width="2.5" stroke-dasharray="6 5"/>{scissors(x1 - 16, y)}'
                          f'<text class="reduce" x="{x1}" y="{y + 18}">{escape(self.cut_text())}</text></g>')
        for col, (_, index, _) in enumerate(self.plan):
            if index is not None:
                cx = geo.x_of(col) + BOX_W / 2
                self.parts.append(f'<line class="flow" x1="{cx}" y1="{y - 3}" x2="{cx}" '
                                  f'y2="{geo.y_of(0) + BOX_H + 2}" marker-end="url(#arrow)"/>')

    def draw_after(self):
        """Right of the top row (or of the layers' bracket): the weight set before the loss, or what it feeds."""
        after = self.grid.get("after")
        if not after:
            return
        x, y, run = self.geo.x_of(len(self.plan)) - GAP_X + 6, self.geo.y_of(self.geo.rows - 1), 22
        if self.reductions("layers"):  # the sum over the layers is what goes on: the arrow leaves the bracket
            y, x, run = (y + self.geo.y_of(0)) / 2, x + 6, 146
        self.parts.append(f'<line class="flow" x1="{x}" y1="{y + BOX_H / 2}" x2="{x + run}" y2="{y + BOX_H / 2}" '
                          'marker-end="url(#arrow)"/>')
        x += run + 4
        ws = after.get("weight_set")
        if ws:
            fill, ink, _ = weight_set_style(ws)
            self.parts.append(f'<g class="after" data-ws="{escape(ws)}"><title>after the RNN, before the loss: '
                              f'{escape(ws)} = {escape(self.ctx.describe(ws))}</title><rect x="{x}" y="{y}" '
                              f'width="44" height="{BOX_H}" rx="5" fill="{fill}" stroke="#333" stroke-dasharray="3 2"/>'
                              f'<text class="ws" x="{x + 22}" y="{y + BOX_H / 2 + 5}" text-anchor="middle" '
                              f'fill="{ink}">{escape(ws)}</text></g>')
            x += 48
        end = ", ".join(after.get("feeds") or []) or ("" if after.get("partial") else "loss")
        if end:
            self.parts.append(f'<text class="after-text" x="{x + 2}" y="{y + BOX_H / 2 + 4}">→ {escape(end)}</text>')


def _at(reduction):
    return f", line {reduction['line']}" if reduction.get("line") else ""
