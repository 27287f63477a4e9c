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
    """The path relative to ``cwd`` when it lies inside it, else as it is."""
    if not path:
        return path
    cwd = cwd or os.getcwd()
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def relativize(result, cwd=None):
    """Make the result's paths relative to ``cwd`` (findings, table rows, the error's site)."""
    for f in result.get("findings", []):
        f["path"] = display_path(f.get("path"), cwd)
    for row in result.get("layers", []):
        row["path"] = display_path(row.get("path"), cwd)
    err = result.get("error") or {}
    if err.get("path"):
        err["path"] = display_path(err["path"], cwd)
    return result


PUBLIC_KEYS = ("target", "status", "findings", "layers", "error", "static", "notes", "mode", "tf1_names",
               "checked", "timings")


def public_json(result):
    """The result's documented keys (docs/verify.md, "JSON schema")."""
    return {k: result[k] for k in PUBLIC_KEYS if k in result}


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
        invocation=sarif.Invocation(result.get("status") == "ok", {"status": result.get("status")},
                                    tool_name="pylint-rnn-verify"),
    )


def _table(rows):
    headers = ["id", "where", "api", "cell", "units", "depth", "steps", "vars", "shares with", "initial state"]
    body = []
    for r in rows:
        units = sorted({u for u in r.get("units") or [] if u is not None})
        body.append([
            str(r.get("id")), f"{r.get('path') or '?'}:{r.get('line') or '?'}", str(r.get("api")),
            str(r.get("cell")),
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


_FAILURE_TITLES = {"timeout": "The target timed out: ", "error": "The verifier itself failed: "}


def one_line_status(result):
    """``<status>: <cause>`` in one line, for stderr when the report goes elsewhere."""
    err = result.get("error") or {}
    return f"{result.get('status')}: {err.get('message')}"


def render_text(result):
    """The text report: the status, the target's error, the findings, the static verdicts, the table, notes."""
    findings = result.get("findings", [])
    out = [f"pylint-rnn-verify {result.get('target')}: status {result.get('status')}, {len(findings)} finding(s)"
           + (f" [{result.get('mode')} mode]" if result.get("mode") else "")]
    out += _error_lines(result)
    if findings:
        out += ["", "Findings:"]
        for f in findings:
            tag = "confirmed" if f.get("confirmed") else "suspected"
            out.append(f"  {f.get('path')}:{f.get('line')}: {f['symbol']} ({tag}): {f['message']}")
    out += _static_lines(result.get("static"))
    rows = result.get("layers") or []
    out.append("")
    if rows:
        out.append("Recurrent layers and calls (depth = stacked layers; steps = time steps each layer is unrolled "
                   "over):")
        out.append(_table(rows))
    else:
        out.append("No recurrent layer or RNN call was built.")
    out += [f"note: {note}" for note in result.get("notes") or []]
    return "\n".join(out) + "\n"


def _error_lines(result):
    err = result.get("error")
    if not err:
        return []
    title = _FAILURE_TITLES.get(result.get("status"), "The target failed: ")
    out = ["", title + str(err.get("message"))]
    if err.get("traceback"):
        out.append(err["traceback"].rstrip())
    if err.get("output_tail"):
        out += ["The last lines of the target's error output (all of it with --show-output):",
                *("  | " + line for line in err["output_tail"].splitlines())]
    return out


def _static_lines(static):
    if static is None:
        return []
    out = ["", "Static findings (pylint --load-plugins=pylint_rnn) checked at run time:"]
    if static.get("error"):
        out.append(f"  (static run failed: {static['error']})")
    out += [f"  {s['path']}:{s['line']}: {s['symbol']}: {s['verdict']}" for s in static.get("findings", [])]
    if not static.get("findings") and not static.get("error"):
        out.append("  (no static findings)")
    extra = static.get("runtime_only", [])
    if extra:
        out.append("Runtime-only findings (not reported statically):")
        out += [f"  {f['path']}:{f['line']}: {f['symbol']}" for f in extra]
    return out


def compare_static(result, static_messages):
    """Give each static finding a verdict against the runtime findings."""
    runtime = list(result.get("findings", []))
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
