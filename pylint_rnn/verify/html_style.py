"""The HTML report's style sheet (inline: the page loads nothing; system fonts only; print-friendly)."""

CSS = """
:root { --wrong: #D55E00; --wrong-bg: #fdf0e8; --wrong-ink: #8f3a00; --ok: #00785a; --note: #8a5a00;
        --note-bg: #fff7e0; --ink: #1b1b1b; --muted: #555; --line: #cfcfcf; --bg: #f7f7f7; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 22px 28px 60px; }
h1 { font-size: 1.4rem; margin: 0 0 2px; }
h2 { font-size: 1.15rem; margin: 30px 0 10px; padding-bottom: 3px; border-bottom: 2px solid #222; }
h3 { font-size: 1rem; margin: 0 0 4px; }
a { color: #005a8c; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace;
                   font-size: .85em; }
.sub { color: var(--muted); margin: 0 0 12px; }
.status { display: inline-block; padding: 1px 10px; border-radius: 12px; font-weight: 700; border: 2px solid;
          font-size: .9rem; vertical-align: middle; }
.status.ok { color: var(--ok); border-color: var(--ok); }
.status.failed { color: var(--wrong-ink); border-color: var(--wrong); background: var(--wrong-bg); }
.stats { display: flex; gap: 10px; flex-wrap: wrap; margin: 10px 0 4px; }
.stat { border: 1px solid var(--line); border-radius: 8px; padding: 5px 12px; background: var(--bg); min-width: 110px; }
.stat b { display: block; font-size: 1.25rem; }
.stat.wrong { border: 2px solid var(--wrong); background: var(--wrong-bg); color: var(--wrong-ink); }
.stat.good { border-color: var(--ok); }
.overview-fig { margin: 12px 0 0; }
svg.overview text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; font-size: 12px; }
svg.overview .col { font-weight: 700; fill: #005a8c; }
svg.overview .row { fill: #333; }
.toc { margin: 8px 0 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 6px 16px; font-size: .9rem; }
.card { border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; margin: 12px 0; background: #fff;
        break-inside: avoid; }
.card.wrong { border-left: 7px solid var(--wrong); }
.card.note { border-left: 7px solid var(--note); }
.card.good { border-left: 7px solid var(--ok); }
.where { color: var(--muted); font-weight: 400; font-size: .9rem; }
.quote { margin: 2px 0 6px; color: #333; white-space: pre-wrap; word-break: break-word; }
.verdicts { list-style: none; margin: 4px 0 8px; padding: 0; }
.verdicts li { margin: 2px 0; padding-left: 1.7em; text-indent: -1.7em; }
.verdicts li::before { display: inline-block; width: 1.7em; text-indent: 0; font-weight: 700; }
.verdicts li.wrong { color: var(--wrong-ink); font-weight: 600; }
.verdicts li.wrong::before { content: "\\2717"; color: var(--wrong); }
.verdicts li.note { color: var(--note); font-weight: 600; }
.verdicts li.note::before { content: "!"; color: var(--note); }
.verdicts li.ok::before { content: "\\2713"; color: var(--ok); }
.verdicts li.info::before { content: "\\2022"; color: var(--muted); }
figure { margin: 0; }
.scroll { overflow-x: auto; }
svg.grid, svg.cutsvg, svg.overview { max-width: 100%; height: auto; }
figcaption { font-size: .88rem; color: #333; margin-top: 4px; }
.sets { list-style: none; padding: 0; margin: 4px 0 0; }
.sets li { margin: 3px 0; }
svg.grid text, svg.cutsvg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
                                  font-size: 12px; }
svg .row, svg .col, svg .axis, svg .chip, svg .after-text, svg .cut-note, svg .cut-name { fill: #222; }
svg .col, svg .axis { fill: #555; }
svg .ws { font-weight: 700; font-size: 13px; }
svg .chip.strong { font-weight: 700; }
svg .wrong, svg .reduce { fill: var(--wrong-ink); font-weight: 700; }
svg .reduce.layers { fill: #00507d; }
svg .ellipsis { font-size: 20px; fill: #444; }
svg .scissors { font-size: 22px; fill: var(--wrong); }
svg .cut-name { font-family: ui-monospace, Menlo, Consolas, monospace; font-weight: 700; }
svg .flow { stroke: #444; stroke-width: 1.3; }
svg .after-text { font-weight: 600; }
.swatch { vertical-align: -4px; margin-right: 3px; }
.swatch.none { display: inline-block; width: 18px; height: 18px; border: 1px dashed #777; border-radius: 3px; }
.ws-id { font-weight: 700; margin-right: 4px; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border-bottom: 1px solid #e2e2e2; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg); }
tr.wrong td { background: var(--wrong-bg); color: var(--wrong-ink); font-weight: 600; }
tr.copy td { background: var(--note-bg); }
.grad-yes { color: var(--ok); font-weight: 700; }
.grad-no { color: var(--wrong-ink); font-weight: 700; }
.grad-unknown { color: var(--muted); }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: .8rem; font-weight: 700;
         border: 1.5px solid; margin-left: 4px; }
.badge.confirmed { color: var(--wrong-ink); border-color: var(--wrong); background: var(--wrong-bg); }
.badge.suspected { color: var(--note); border-color: #b07d00; background: var(--note-bg); }
.badge.static-ok { color: #00507d; border-color: #00507d; background: #eaf4fb; }
.badge.static-no { color: #444; border-color: #888; background: #f2f2f2; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.pair > div { min-width: 0; }
.col-head { font-weight: 700; color: var(--muted); font-size: .85rem; text-transform: uppercase; letter-spacing: .04em; }
.finding { border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; background: #fff; break-inside: avoid; }
.finding.empty { border-style: dashed; color: var(--muted); }
.finding p { margin: 4px 0; }
pre.code { background: #f5f5f5; border: 1px solid #e0e0e0; border-radius: 6px; padding: 6px 0; overflow-x: auto;
           margin: 6px 0 0; line-height: 1.35; }
pre.code span { display: block; padding: 0 10px; white-space: pre; }
pre.code span.hit { background: #ffe9c7; border-left: 4px solid var(--wrong); padding-left: 6px; font-weight: 700; }
pre.code i { font-style: normal; color: #777; display: inline-block; min-width: 3.2em; user-select: none; }
.legend { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 6px 22px;
          font-size: .9rem; }
.legend div { display: grid; grid-template-columns: 96px 1fr; align-items: start; gap: 8px; }
.key { display: inline-block; text-align: center; border-radius: 5px; padding: 1px 4px; font-weight: 700;
       border: 1px solid #333; justify-self: start; }
.key.wrong { border: 2.5px solid var(--wrong); background: var(--wrong-bg); color: var(--wrong-ink); }
.key.dash { border: 1.5px dashed #777; font-weight: 400; font-size: .85rem; }
.key.reduce { color: var(--wrong-ink); border-color: var(--wrong); }
.legend-ws { margin-right: 6px; white-space: nowrap; }
.finding { margin: 10px 0; }
.pair .finding { margin: 0; }
.notes { color: var(--muted); font-size: .88rem; }
.error { border: 2px solid var(--wrong); background: var(--wrong-bg); border-radius: 8px; padding: 10px 14px; }
.error pre { white-space: pre-wrap; }
.error h2 { margin-top: 0; }
details summary { cursor: pointer; }
.defs { position: absolute; }
@media (max-width: 760px) { .pair { grid-template-columns: 1fr; } main { padding: 14px; } }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  .scroll { overflow: visible; }
  h2 { break-after: avoid; }
  details > *:not(summary) { display: block; }
}
"""
