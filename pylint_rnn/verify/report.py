"""Rendering the verifier's result (text, JSON, SARIF) and comparing it with pylint's static findings.

Parent process only: nothing here imports TensorFlow.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from pylint_rnn import rules
from pylint_rnn.reporting import Finding, SourceCache, find_root, relative_posix, sarif, severity_of


def display_path(path, cwd=None):
    if not path:
        return path
    cwd = cwd or os.getcwd()
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def relativize(result, cwd=None):
    for f in result.get("findings", []):
        f["path"] = display_path(f.get("path"), cwd)
    for row in result.get("layers", []):
        row["path"] = display_path(row.get("path"), cwd)
    err = result.get("error") or {}
    if err.get("path"):
        err["path"] = display_path(err["path"], cwd)
    return result


def public_json(result):
    keys = ("target", "status", "findings", "layers", "error", "static", "notes", "mode", "checked", "timings")
    return {k: result[k] for k in keys if k in result}


def render_json(result):
    return json.dumps(public_json(result), indent=2, default=str) + "\n"


def sarif_findings(result, cwd=None):
    """The result's findings for the shared SARIF writer, and the root their paths are relative to.

    The result's paths are relative to ``cwd`` (see :func:`relativize`); SARIF's are relative to the
    repository root, as ``pylint-rnn lint``'s, so both reports locate and fingerprint a finding alike.
    """
    cwd = cwd or os.getcwd()
    root = find_root(Path(cwd))
    sources = SourceCache()
    return [_sarif_finding(f, cwd, root, sources) for f in result.get("findings", [])], root


def _sarif_finding(found, cwd, root, sources):
    """One verifier finding as a reporting Finding: a suspected one is a note, a confirmed one has its rule's level."""
    symbol = found["symbol"]
    rule = rules.rule(symbol) if rules.is_rule(symbol) else None
    level = severity_of(rule.category if rule else "W")
    abspath = os.path.normpath(os.path.join(cwd, found.get("path") or ""))
    line = max(int(found.get("line") or 1), 1)
    confirmed = bool(found.get("confirmed"))
    return Finding(
        symbol=symbol, msgid=rule.msgid if rule else None, message=found["message"],
        path=relative_posix(abspath, root), display_path=found.get("path") or abspath,
        line=line, column=None, end_line=None, end_column=None,
        severity=level if confirmed else "note",
        code=sources.code(abspath, line, None), confirmed=confirmed,
    )


def render_sarif(result, cwd=None):
    """The verifier's SARIF log, written by the one SARIF writer (:mod:`pylint_rnn.reporting.sarif`)."""
    findings, root = sarif_findings(result, cwd)
    return sarif.render(
        findings, sarif.descriptors_for_symbols(f.symbol for f in findings), root,
        tool_name="pylint-rnn-verify",
        invocation=sarif.Invocation(result.get("status") == "ok", {"status": result.get("status")}),
    )


def _table(rows):
    headers = ["id", "where", "api", "cell", "units", "depth", "steps", "vars", "shares with", "initial state"]
    body = []
    for r in rows:
        units = sorted({u for u in r.get("units") or [] if u is not None})
        body.append([
            str(r.get("id")), f"{r.get('path') or '?'}:{r.get('line') or '?'}", str(r.get("api")), str(r.get("cell")),
            ",".join(str(u) for u in units) or "?", str(r.get("depth")),
            str(r.get("time_steps")) if r.get("time_steps") is not None else "?",
            str(len(r.get("variables") or [])), ", ".join(r.get("shares_with") or []) or "-",
            str(r.get("initial_state")),
        ])
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(headers)]
    fmt = "  ".join("{:<%d}" % w for w in widths)
    lines = [fmt.format(*headers), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*b) for b in body]
    return "\n".join(line.rstrip() for line in lines)


def render_text(result):
    out = []
    status = result.get("status")
    findings = result.get("findings", [])
    out.append(f"pylint-rnn-verify {result.get('target')}: status {status}, {len(findings)} finding(s)"
               + (f" [{result.get('mode')} mode]" if result.get("mode") else ""))
    err = result.get("error")
    if err:
        out.append("")
        out.append(("The target timed out: " if status == "timeout" else "The target failed: ") + str(err.get("message")))
        if err.get("traceback"):
            out.append(err["traceback"].rstrip())
    if findings:
        out.append("")
        out.append("Findings:")
        for f in findings:
            tag = "confirmed" if f.get("confirmed") else "suspected"
            out.append(f"  {f.get('path')}:{f.get('line')}: {f['symbol']} ({tag}): {f['message']}")
    static = result.get("static")
    if static is not None:
        out.append("")
        out.append("Static findings (pylint --load-plugins=pylint_rnn) checked at run time:")
        if static.get("error"):
            out.append(f"  (static run failed: {static['error']})")
        for s in static.get("findings", []):
            out.append(f"  {s['path']}:{s['line']}: {s['symbol']}: {s['verdict']}")
        if not static.get("findings") and not static.get("error"):
            out.append("  (no static findings)")
        extra = static.get("runtime_only", [])
        if extra:
            out.append("Runtime-only findings (not reported statically):")
            for f in extra:
                out.append(f"  {f['path']}:{f['line']}: {f['symbol']}")
    rows = result.get("layers") or []
    out.append("")
    if rows:
        out.append("Recurrent layers and calls (depth = stacked layers; steps = time steps each layer is unrolled over):")
        out.append(_table(rows))
    else:
        out.append("No recurrent layer or RNN call was built.")
    for note in result.get("notes") or []:
        out.append(f"note: {note}")
    return "\n".join(out) + "\n"


def compare_static(result, static_messages):
    """Give each static finding a verdict against the runtime findings."""
    runtime = [f for f in result.get("findings", [])]
    verdicts = []
    matched = set()
    for msg in static_messages:
        sym = msg.get("symbol")
        line = msg.get("line")
        same_sym = [i for i, f in enumerate(runtime) if f["symbol"] == sym]
        exact = [i for i in same_sym if runtime[i].get("line") == line]
        if not (rules.is_rule(sym) and rules.rule(sym).verifiable):
            verdict = "not checkable at run time"
        elif exact or same_sym:
            verdict = "confirmed" + ("" if exact else f" (at line {runtime[same_sym[0]]['line']})")
            matched.update(exact or same_sym[:1])
        elif result.get("status") != "ok":
            verdict = "not checkable at run time (the target did not complete)"
        else:
            verdict = "not reproduced"
        verdicts.append({"symbol": sym, "path": msg.get("path"), "line": line, "message": msg.get("message"),
                         "verdict": verdict})
    runtime_only = [{"symbol": f["symbol"], "path": f["path"], "line": f["line"]}
                    for i, f in enumerate(runtime) if i not in matched]
    return {"findings": verdicts, "runtime_only": runtime_only}
