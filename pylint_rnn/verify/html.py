"""``pylint-rnn-verify --format html``: one self-contained page that draws what the run built.

Parent process only, no TensorFlow: it renders ``result["picture"]`` (written by the child, see
:mod:`pylint_rnn.verify.picture`) and the findings. The page has inline CSS and SVG, no script, no font
or image to fetch (a Content-Security-Policy forbids any), so it works from a ``file://`` URL and prints.
Sections: a summary, one grid per RNN (layers x time steps coloured by weight set, the initial state, what
the outputs go through before the loss), placeholder cuts, every variable with its gradient, the findings
with their code (and the plugin's verdicts with ``--static``), a legend and the notes.
"""
from __future__ import annotations

import os
from html import escape

from . import report
from .html_style import CSS
from .html_grid import DrawingContext, GridDrawing, anchor_of
from .html_svg import cut_svg, defs, overview_svg, swatch
from .verdicts import grid_verdicts

MAX_GRIDS = 60  # a page stays readable (and small); the overview still shows every RNN


def render_html(result, cwd=None):
    """The whole page for one verifier result."""
    page = Page(result, cwd)
    return page.render()


class Sources:
    """The user's source files, read once each, for code excerpts (paths relative to ``cwd`` or absolute)."""

    def __init__(self, cwd):
        self.cwd = cwd or os.getcwd()
        self._lines = {}

    def lines(self, path):
        if path not in self._lines:
            try:
                with open(os.path.join(self.cwd, path), encoding="utf-8", errors="replace") as fh:
                    self._lines[path] = fh.read().splitlines()
            except (OSError, TypeError, ValueError):
                self._lines[path] = []
        return self._lines[path]

    def code(self, path, line, context=3):
        """The lines around ``line`` with line numbers, the line itself highlighted ("" when unreadable)."""
        lines = self.lines(path) if path and line else []
        if not lines or not 1 <= line <= len(lines):
            return ""
        out = []
        for n in range(max(1, line - context), min(len(lines), line + context) + 1):
            hit = ' class="hit"' if n == line else ""
            out.append(f'<span{hit}><i>{n}</i>{escape(lines[n - 1])}</span>')
        return f'<pre class="code" aria-label="source around line {line}">' + "".join(out) + "</pre>"

    def quote(self, path, line):
        """The line itself, stripped and escaped."""
        lines = self.lines(path) if path and line else []
        return escape(lines[line - 1].strip()) if lines and 1 <= line <= len(lines) else ""

    def where(self, path, line):
        """``path:line`` as the report shows it (relative to the working directory when inside it)."""
        shown = report.display_path(path, self.cwd) if path else "?"
        return f'<span class="where mono">{escape(str(shown))}:{line or "?"}</span>'


class Page:
    """Holds the result while its sections are rendered."""

    def __init__(self, result, cwd):
        self.result = result
        self.src = Sources(cwd)
        self.picture = result.get("picture") or {}
        self.sets = {ws["id"]: ws for ws in self.picture.get("weight_sets") or []}
        self.lines_of = {v["name"]: v.get("line") for v in self.picture.get("variables") or []}
        cut_feeds = {}  # grid id -> the placeholders of round trips that feed it
        for cut in self.picture.get("cuts") or []:
            for grid_id in cut.get("feeds") or []:
                cut_feeds.setdefault(grid_id, []).append(cut.get("placeholder"))
        self.context = {"cut_feeds": cut_feeds, "grids": {g["id"]: g for g in self.picture.get("grids") or []},
                        "copies": {v["name"]: v.get("copy_of") for v in self.picture.get("variables") or []},
                        "sets": self.sets, "describe": lambda ws: self.describe_set(ws, 2)}

    def describe_set(self, ws_id, limit=4):
        """Short text of a weight set's variables: their common scope once, then each name and shape."""
        ws = self.sets.get(ws_id)
        if not ws:
            return "?"
        names = ws["variables"]
        prefix = _common_scope(names) if len(names) > 1 else ""
        items = [f"{n[len(prefix):]} {tuple(s) if s is not None else ''}".strip() for n, s in zip(names, ws["shapes"])]
        text = ", ".join(items[:limit]) + (f", … ({len(items)} variables)" if len(items) > limit else "")
        return f"{prefix}{{{text}}}" if prefix else text

    # ------------------------------------------------------------------ page
    def render(self):
        result = self.result
        body = [self.header(), self.error(), self.grids(), self.cuts(), self.variables(), self.findings(),
                self.legend(), self.notes()]
        title = f"pylint-rnn-verify: {result.get('target')}"
        return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                "style-src 'unsafe-inline'\">"
                f"<title>{escape(title)}</title><style>{CSS}</style></head><body>{defs()}<main>"
                + "".join(body) + "</main></body></html>\n")

    def header(self):
        """The target, its status, the counts that matter, and the overview of every RNN."""
        result = self.result
        status = result.get("status") or "?"
        mode = f" · {escape(str(result.get('mode')))} mode" if result.get("mode") else ""
        return (f'<header><h1>pylint-rnn-verify <span class="mono">{escape(str(result.get("target")))}</span></h1>'
                f'<p class="sub">status <span class="status {"ok" if status == "ok" else "failed"}">'
                f'{escape(status)}</span>{mode} · what TensorFlow built, drawn from the graph</p>'
                f'{self.stats()}{self.overview()}</header>')

    def stats(self):
        """Tiles: findings, RNNs, weight sets, variables without gradient, cuts."""
        pic = self.picture
        findings = self.result.get("findings") or []
        trainable = [v for v in pic.get("variables") or [] if v["trainable"]]
        starving = [v for v in trainable if v["gradient"] is False]
        stats = [
            (len(findings), "finding(s)", "wrong" if findings else "good"),
            (len(pic.get("grids") or []), "RNN call(s) / layer(s)", ""),
            (len(self.sets), "weight set(s)", ""),
            (f"{len(starving)} / {len(trainable)}", "trainable variables without gradient",
             "wrong" if starving else "good") if pic.get("trained") else
            ("—", "gradients not checked (no training objective)", ""),
        ]
        if pic.get("cuts"):
            stats.append((len(pic["cuts"]), "graph cut(s)", "wrong"))
        tiles = "".join(f'<div class="stat {cls}"><b>{escape(str(n))}</b>{escape(text)}</div>'
                        for n, text, cls in stats)
        return f'<div class="stats">{tiles}</div>'

    def overview(self):
        """Every grid as a small map, the ones with something wrong outlined."""
        grids = self.picture.get("grids") or []
        if not grids:
            return ""
        anchors = {g["id"]: anchor_of(g) for g in grids}
        flagged = {g["id"] for g in grids if any(level == "wrong" for _, level in grid_verdicts(g, self.context))}
        drawing = overview_svg(grids, anchors, flagged, set(self.context["cut_feeds"]))
        return (f'<figure class="overview-fig"><div class="scroll">{drawing}</div><figcaption>Overview: each RNN '
                'as a small map of its layers (rows) and first and last steps, coloured by weight set; outlined in '
                'vermillion when something is wrong. Click one to go to it.</figcaption></figure>')

    def error(self):
        """Why the target failed or timed out, at the user's line."""
        err = self.result.get("error")
        if not err:
            return ""
        head = "The target timed out" if self.result.get("status") == "timeout" else "The target failed"
        trace = err.get("traceback") or err.get("output_tail") or ""
        return (f'<section class="error" aria-labelledby="err"><h2 id="err">{head}</h2>'
                f'<p><b>{escape(str(err.get("kind") or ""))}</b>: {escape(str(err.get("message") or ""))}</p>'
                + (self.src.where(err.get("path"), err.get("line")) + self.src.code(err.get("path"), err.get("line"))
                   if err.get("path") else "")
                + (f"<details><summary>traceback</summary><pre>{escape(trace)}</pre></details>" if trace else "")
                + "</section>")

    # ------------------------------------------------------------------ grids
    def grids(self):
        """One card per grid, or why there is none."""
        pic = self.picture
        if pic.get("error"):
            return (f'<h2>Structure</h2><p class="notes">The picture could not be drawn: '
                    f'{escape(pic["error"])}</p>')
        grids = pic.get("grids") or []
        if not grids:
            return ('<h2>Structure</h2><p class="notes">No RNN call, cell call or Keras recurrent layer was '
                    'built.</p>')
        more = (f'<p class="notes">{len(grids) - MAX_GRIDS} more RNNs are not drawn (the first {MAX_GRIDS} are).</p>'
                if len(grids) > MAX_GRIDS else "")
        return ('<h2 id="structure">Structure: layers × time steps, coloured by weight set</h2>'
                '<p class="sub">Each box is one layer at one time step; its colour and label name the set of '
                'variables its ops read. Same label, same weights.</p>'
                + "".join(self.grid_card(g) for g in grids[:MAX_GRIDS]) + more)

    def grid_card(self, grid):
        """A grid: where it was built, what it shows in words, the drawing, its weight sets."""
        drawing = GridDrawing(grid, DrawingContext(self.describe_set, self.lines_of,
                                                   self.context["cut_feeds"].get(grid["id"], [])))
        verdicts = grid_verdicts(grid, self.context)
        level = "wrong" if any(v[1] == "wrong" for v in verdicts) else (
            "note" if any(v[1] == "note" for v in verdicts) else "good")
        items = "".join(f'<li class="{cls}">{escape(text)}</li>' for text, cls in verdicts)
        quote = self.src.quote(grid.get("path"), grid.get("line"))
        used = []
        for row in grid["rows"]:
            used.extend(ws for ws in row["steps"] if ws and ws not in used)
        after = (grid.get("after") or {}).get("weight_set")
        if after and after not in used:
            used.append(after)
        sets = "".join(f'<li>{swatch(ws)}<span class="mono">{escape(self.describe_set(ws))}</span>'
                       f'{_gradient_text(self.sets.get(ws, {}).get("gradient"))}</li>' for ws in used)
        state = grid.get("initial_state")
        state_text = (f"Initial state: {escape(state.get('text') or state['kind'])}"
                      + escape(self._state_lines(state)) + ". " if state else "")
        return (f'<section class="card {level}" id="{anchor_of(grid)}" data-grid="{escape(str(grid["id"]))}">'
                f'<h3>{escape(str(grid["id"]))} · {escape(str(grid.get("source")))} · '
                f'{escape(str(grid.get("cell") or ""))} {self.src.where(grid.get("path"), grid.get("line"))}</h3>'
                + (f'<div class="quote mono">{quote}</div>' if quote else "")
                + f'<ul class="verdicts">{items}</ul><figure><div class="scroll">{drawing.svg()}</div>'
                f'<figcaption>{state_text}{_loop_text(grid)}<ul class="sets">{sets}</ul></figcaption>'
                "</figure></section>")

    def _state_lines(self, state):
        named = (state.get("variables") or []) + (state.get("assigned_from") or [])
        lines = [f"{n} (line {self.lines_of[n]})" for n in named if self.lines_of.get(n)]
        return f" [{', '.join(lines)}]" if lines else ""

    # ------------------------------------------------------------------ cuts
    def cuts(self):
        """Each placeholder round trip: the drawing, the sentence, the fetch and feed lines."""
        cuts = self.picture.get("cuts") or []
        if not cuts:
            return ""
        cards = []
        for n, cut in enumerate(cuts):
            names = ", ".join(f"{v} (line {self.lines_of.get(v) or '?'})" for v in cut.get("variables") or [])
            cards.append(f'<section class="card wrong" data-cut="{n}"><h3>Placeholder round trip '
                         f'{self.src.where(cut.get("path"), cut.get("feed_line"))}</h3>'
                         f'<div class="scroll">{cut_svg(cut, n, self.lines_of)}</div>'
                         f'<p>The value of <code>{escape(str(cut.get("fetched")))}</code> leaves the graph as a NumPy '
                         f'array (line {escape(str(cut.get("fetch_line")))}) and comes back through placeholder '
                         f'<code>{escape(str(cut.get("placeholder")))}</code> (line '
                         f'{escape(str(cut.get("feed_line")))}): no gradient crosses the cut, so '
                         f'<b class="grad-no">{escape(names) or "its producers"}</b> never train.</p>'
                         + self.src.code(cut.get("path"), cut.get("fetch_line"), 1)
                         + self.src.code(cut.get("path"), cut.get("feed_line"), 1) + "</section>")
        return '<h2 id="cuts">Graph cuts</h2>' + "".join(cards)

    # ------------------------------------------------------------------ variables
    def variables(self):
        """Trainable variables (those without a gradient first), then the others folded away."""
        pic = self.picture
        variables = pic.get("variables") or []
        if not variables:
            return ""
        trainable = [v for v in variables if v["trainable"]]
        starving = [v for v in trainable if v["gradient"] is False]
        others = [v for v in variables if not v["trainable"]]
        head = (f'{len(starving)} of {len(trainable)} trainable variables get no gradient'
                if pic.get("trained") else "no training objective was built: gradients were not checked")
        table = self.variable_table(starving + [v for v in trainable if v["gradient"] is not False], head)
        rest = (f'<details><summary>{len(others)} non-trainable variable(s): optimizer slots, counters, state '
                f'buffers</summary>{self.variable_table(others, "non-trainable variables")}</details>'
                if others else "")
        return f'<h2 id="variables">Variables and gradients</h2>{table}{rest}'

    def variable_table(self, variables, caption):
        """A table of variables: name, shape, the line that created it, weight sets, gradient."""
        rows = []
        for var in variables:
            cls = "wrong" if var["gradient"] is False else ("copy" if var.get("copy_of") else "")
            sets = "".join(swatch(ws) for ws in var.get("weight_sets") or []) or "—"
            copy = f' <span class="badge suspected">copy of {escape(var["copy_of"])}, not shared</span>' \
                if var.get("copy_of") else ""
            made = self.src.quote(var.get("path"), var.get("line"))
            made = made if len(made) <= 64 else made[:61] + "…"
            rows.append(f'<tr class="{cls}" data-variable="{escape(var["name"])}"><td class="mono">'
                        f'{escape(var["name"])}{copy}</td><td>{escape(str(tuple(var["shape"] or ())))}</td>'
                        f'<td class="mono">{escape(str(var.get("line") or "?"))}: {made}</td><td>{sets}</td>'
                        f'<td>{_gradient_cell(var)}</td></tr>')
        return (f'<table><caption>{escape(caption)}</caption><thead><tr><th scope="col">variable</th>'
                '<th scope="col">shape</th><th scope="col">created at</th><th scope="col">weight set</th>'
                f'<th scope="col">gradient</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')

    # ------------------------------------------------------------------ findings
    def findings(self):
        """The findings with their code; with --static, the plugin's findings beside them with verdicts."""
        findings = self.result.get("findings") or []
        static = self.result.get("static")
        if not findings and not static:
            return '<h2 id="findings">Findings</h2><p>No finding: the run confirmed no pitfall.</p>'
        if static is None:
            return '<h2 id="findings">Findings</h2>' + "".join(self.finding(f) for f in findings)
        matched, pairs = set(), []
        for f in findings:
            same = [i for i, s in enumerate(static.get("findings") or [])
                    if s["symbol"] == f["symbol"] and str(s.get("verdict", "")).startswith("confirmed")
                    and i not in matched]
            exact = [i for i in same if static["findings"][i].get("line") == f.get("line")]
            picked = (exact or same)[:1]
            matched.update(picked)
            pairs.append((self.finding(f), "".join(self.static_finding(static["findings"][i]) for i in picked)
                          or '<div class="finding empty">not reported by the plugin</div>'))
        for i, s in enumerate(static.get("findings") or []):
            if i not in matched:
                why = "not found at run time" if str(s.get("verdict")).startswith("not reproduced") else \
                    "not checkable at run time"
                pairs.append((f'<div class="finding empty">{why}</div>', self.static_finding(s)))
        rows = "".join(f'<div class="pair card"><div>{left}</div><div>{right}</div></div>' for left, right in pairs)
        error = f'<p class="notes">static run failed: {escape(str(static["error"]))}</p>' if static.get("error") else ""
        return ('<h2 id="findings">Findings: at run time, and statically (--static)</h2>'
                '<div class="pair"><div class="col-head">pylint-rnn-verify (run time)</div>'
                f'<div class="col-head">pylint plugin (static)</div></div>{error}{rows}')

    def finding(self, f):
        """One runtime finding."""
        confirmed = f.get("confirmed")
        badge = "confirmed" if confirmed else "suspected"
        return (f'<div class="finding" data-symbol="{escape(f["symbol"])}" data-line="{f.get("line")}">'
                f'<b class="mono">{escape(f["symbol"])}</b><span class="badge {badge}">{badge}</span> '
                f'{self.src.where(f.get("path"), f.get("line"))}<p>{escape(f.get("message") or "")}</p>'
                f'{self.src.code(f.get("path"), f.get("line"))}</div>')

    def static_finding(self, s):
        """One finding of the pylint plugin with its verdict."""
        verdict = str(s.get("verdict") or "")
        cls = "static-ok" if verdict.startswith("confirmed") else "static-no"
        return (f'<div class="finding" data-static="{escape(s["symbol"])}" data-verdict="{escape(verdict)}">'
                f'<b class="mono">{escape(s["symbol"])}</b><span class="badge {cls}">{escape(verdict)}</span> '
                f'{self.src.where(s.get("path"), s.get("line"))}<p>{escape(s.get("message") or "")}</p>'
                f'{self.src.code(s.get("path"), s.get("line"), 2)}</div>')

    # ------------------------------------------------------------------ legend and notes
    def legend(self):
        """What each mark means, and the weight-set colours."""
        entries = [
            ('<span class="key" style="background:#E69F00">W1</span>', "one layer at one time step; its label "
             "and colour name the set of variables its ops read: same label, same weights"),
            ('<span class="key">→</span>', "the state passed to the next time step; ↑ the output passed to the "
             "layer above"),
            ('<span class="key wrong">✗</span>', "what is wrong: a call that failed, a variable with no gradient, "
             "an initial state that never trains, a graph cut (vermillion is used for nothing else)"),
            ('<span class="key dash">initial state</span>', "zeros, learned ✓, ✗ no gradient, ✗ assigned only "
             "(tf.assign passes no gradient), non-trainable, fed (placeholder / input), from another RNN"),
            ('<span class="key reduce">Σ</span>', "a reduction of the outputs: over the time steps (a bracket "
             "above the top row) or over the layers at each step (a bracket beside the rows)"),
            ('<span class="key">→ W3 → loss</span>', "the weight set between the RNN's outputs and the loss, or "
             "the RNNs it feeds"),
            ('<span class="key">…</span>', "steps not drawn: long sequences show their first three and last two"),
            ('<span class="key">✂</span>', "a placeholder round trip: the value leaves the graph as a NumPy array"),
        ]
        rows = "".join(f"<div>{key}<span>{escape(text)}</span></div>" for key, text in entries)
        keys = "".join(f'<span class="legend-ws">{swatch(f"W{n}")}</span>' for n in range(1, 13))
        return (f'<h2 id="legend">Legend</h2><div class="legend">{rows}</div><p class="notes">Weight-set '
                f'colours (Okabe-Ito, distinguishable with colour-vision deficiencies; past six they repeat with a '
                f'hatch or dot pattern, and every box carries its id): {keys}</p>')

    def notes(self):
        """What the run checked, and its notes."""
        notes = self.result.get("notes") or []
        checked = self.result.get("checked") or {}
        facts = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in checked.items() if not isinstance(v, list))
        items = "".join(f"<li>{escape(str(n))}</li>" for n in notes)
        return ('<h2 id="notes">Notes</h2><div class="notes">'
                + (f"<p>{escape(facts)}</p>" if facts else "") + (f"<ul>{items}</ul>" if items else "")
                + "<p>Generated by pylint-rnn-verify. Weight sets are sets of variable objects in the run, "
                  "not names.</p></div>")


def _common_scope(names):
    """The longest scope (``a/b/``) every name starts with."""
    first = names[0].split("/")[:-1]
    size = len(first)
    for name in names[1:]:
        parts = name.split("/")[:-1]
        size = min(size, next((i for i, (a, b) in enumerate(zip(first, parts)) if a != b), min(size, len(parts))))
    return "/".join(first[:size]) + "/" if size else ""


def _loop_text(grid):
    if str(grid.get("source", "")).startswith("Keras"):
        return "A Keras recurrent layer runs its one cell object, with the same weights, at every time step. "
    if grid.get("loop"):
        return "One loop body is measured: the RNN runs the same ops, with the same weights, at every time step. "
    return "Each time step was built separately and measured on its own. "


def _gradient_text(value):
    if value is True:
        return ' <span class="grad-yes">✓ gradient</span>'
    if value is False:
        return ' <span class="grad-no">✗ no gradient</span>'
    return ""


def _gradient_cell(var):
    if not var["trainable"]:
        return '<span class="grad-unknown">— not trainable</span>'
    if var["gradient"] is True:
        return '<span class="grad-yes">✓ gets a gradient</span>'
    if var["gradient"] is False:
        return '<span class="grad-no">✗ no gradient</span>'
    return '<span class="grad-unknown">? not trained by any objective</span>'
