#!/usr/bin/env python3
"""Accuracy of pylint-rnn on code it has never seen: fixtures/accuracy, scored against its markers.

Every fixture under fixtures/accuracy/<symbol>/ is a small program written the way people write models. A
line ending in ``# [<symbol>]`` must get that message from pylint-rnn; any other pylint-rnn message is a
false alarm. The labels are proved with real TensorFlow by tests/runtime/test_accuracy_truth.py.

Each fixture declares the styles it exercises in a header comment ``# styles: a c`` (``-`` for none):

  a  across methods and helpers of one module (self attributes, endpoints returned by builders)
  b  through containers (zip comprehensions, list elements, tuple unpacking, dict values, attributes)
  c  counts and sizes from configuration or data flow (params[...], FLAGS.x, args.x, hparams.x, time dims)
  d  initial states copied from cell.zero_state(batch_size, ...) into variables
  e  latent stacks ([cell] * n_layers with n_layers = 1 today)
  f  old and indirect imports (tensorflow.models.rnn, tensorflow.python.ops, tf.contrib, compat.v1,
     classes from another module of a package, snippets that use `tf.` without importing it)
  g  precision traps (two RNNs with different cell types, distinct scopes, tf.layers names, exclusive
     modes, AUTO_REUSE, one cell object run twice, ...)

Usage:
    python benchmarks/accuracy.py [--repo PATH] [--json] [--pylint PATH] [--jobs N]

--repo is the repository whose plugin is measured (put first on PYTHONPATH; default /work/main); the
fixtures are always those of the repository holding this script.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
FIXTURES = HERE / "fixtures" / "accuracy"
DEFAULT_REPO = Path("/work/main")
DEFAULT_PYLINT = Path("/work/main/.venv/bin/pylint")
MARKER = re.compile(r"#\s*\[([a-z0-9\-, ]+)\]\s*$")
STYLES_LINE = re.compile(r"^#\s*styles:\s*(.*)$")
STYLE_NAMES = {
    "a": "across methods/helpers",
    "b": "through containers",
    "c": "counts/sizes from config or data",
    "d": "zero_state copied into variables",
    "e": "latent stacks (n = 1 today)",
    "f": "old/indirect imports",
    "g": "precision traps",
    "-": "no particular style",
}
CRASH_SYMBOLS = {"astroid-error", "fatal", "parse-error", "syntax-error"}


def fixture_files():
    return sorted(p for p in FIXTURES.rglob("*.py"))


def rel(path: Path) -> str:
    return path.resolve().relative_to(FIXTURES).as_posix()


def declared_styles(path: Path):
    for line in path.read_text(encoding="utf-8").splitlines()[:5]:
        match = STYLES_LINE.match(line.strip())
        if match:
            return [s for s in match.group(1).replace(",", " ").split() if s] or ["-"]
    return None


def styles_of(path: Path):
    """A module's styles; modules of a package without a header take those of the package's case module."""
    own = declared_styles(path)
    if own is not None:
        return own
    if (path.parent / "__init__.py").exists():
        for sibling in sorted(path.parent.glob("*.py")):
            found = declared_styles(sibling)
            if found is not None:
                return found
    return ["-"]


def expected_messages(paths):
    """{(file, line, symbol)} from the markers; markers naming no pylint-rnn message are reported."""
    out = set()
    for path in paths:
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = MARKER.search(line)
            if match:
                for symbol in match.group(1).split(","):
                    symbol = symbol.strip()
                    if symbol.startswith("rnn-"):
                        out.add((rel(path), lineno, symbol))
                    else:
                        sys.stderr.write(f"warning: {rel(path)}:{lineno}: marker [{symbol}] is no pylint-rnn "
                                         "message; ignored\n")
    return out


def run_pylint(repo: Path, pylint: Path, jobs: int):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(repo) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    cmd = [str(pylint), "--load-plugins=pylint_rnn", "--disable=all", "--enable=rnn,rnn-time-axis-reduction",
           "--output-format=json", "--recursive=y", "--persistent=n", "--score=n", f"--jobs={jobs}",
           str(FIXTURES)]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=str(repo), env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    try:
        messages = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit("pylint did not produce JSON")
    if proc.returncode & 1 or proc.returncode >= 32:  # fatal message / usage error
        sys.stderr.write(proc.stderr[-3000:])
    for m in messages:
        m["abspath"] = str((repo / m["path"]).resolve()) if not os.path.isabs(m["path"]) else m["path"]
    return messages, seconds, cmd


def ratio(num, den):
    return None if den == 0 else num / den


def fmt(value):
    return "  n/a" if value is None else f"{100 * value:5.1f}%"


def score(repo: Path, pylint: Path, jobs: int):
    paths = fixture_files()
    expected = expected_messages(paths)
    messages, seconds, cmd = run_pylint(repo, pylint, jobs)
    crashes = [m for m in messages if m["symbol"] in CRASH_SYMBOLS]
    actual, texts = set(), {}
    for m in messages:
        if not m["symbol"].startswith("rnn-"):
            continue
        key = (rel(Path(m["abspath"])), m["line"], m["symbol"])
        actual.add(key)
        texts.setdefault(key, m["message"])
    styles = {rel(p): styles_of(p) for p in paths}
    rules = sorted({p.relative_to(FIXTURES).parts[0] for p in paths})

    tp, fn, fp = expected & actual, expected - actual, actual - expected

    def tally(keys, by):
        out = defaultdict(int)
        for key in keys:
            for group in by(key):
                out[group] += 1
        return out

    by_rule = lambda k: [k[2]]  # noqa: E731
    by_style = lambda k: styles.get(k[0], ["-"])  # noqa: E731
    per_rule, per_style = {}, {}
    for name, by, table in (("rule", by_rule, per_rule), ("style", by_style, per_style)):
        t, n, f = tally(tp, by), tally(fn, by), tally(fp, by)
        for group in sorted(set(t) | set(n) | set(f) | (set(rules) if name == "rule" else set())):
            table[group] = {"tp": t[group], "fn": n[group], "fp": f[group],
                            "recall": ratio(t[group], t[group] + n[group]),
                            "precision": ratio(t[group], t[group] + f[group])}
    cases = {}
    for rule in rules:
        case_files = [p for p in paths if p.relative_to(FIXTURES).parts[0] == rule
                      and not (p.name == "__init__.py")
                      and (declared_styles(p) is not None or not (p.parent / "__init__.py").exists())]
        firing = [p for p in case_files if any(k[0] == rel(p) and k[2] == rule for k in expected)]
        cases[rule] = {"files": len(case_files), "firing": len(firing), "silent": len(case_files) - len(firing),
                       "markers": sum(1 for k in expected if k[2] == rule)}

    def listing(keys):
        return [{"location": f"{k[0]}:{k[1]}", "symbol": k[2], "styles": styles.get(k[0], ["-"]),
                 "message": texts.get(k)} for k in sorted(keys)]

    return {
        "repo": str(repo),
        "command": " ".join(cmd),
        "pylint_seconds": round(seconds, 2),
        "fixtures": len(paths),
        "cases": cases,
        "overall": {"tp": len(tp), "fn": len(fn), "fp": len(fp),
                    "recall": ratio(len(tp), len(tp) + len(fn)),
                    "precision": ratio(len(tp), len(tp) + len(fp))},
        "per_rule": per_rule,
        "per_style": per_style,
        "misses": listing(fn),
        "false_alarms": listing(fp),
        "crashes": [f"{m['path']}:{m['line']}: {m['symbol']}: {m['message']}" for m in crashes],
    }


def print_report(result):
    out = sys.stdout.write
    out(f"pylint-rnn accuracy on fixtures/accuracy ({result['fixtures']} modules), plugin from {result['repo']}\n")
    out(f"pylint run: {result['pylint_seconds']} s\n\n")
    out(f"{'rule':34} {'cases':>5} {'fire':>4} {'silent':>6}  {'TP':>3} {'FN':>3} {'FP':>3}  {'recall':>7} "
        f"{'precision':>9}\n")
    for rule, row in result["per_rule"].items():
        c = result["cases"].get(rule, {"files": 0, "firing": 0, "silent": 0})
        out(f"{rule:34} {c['files']:5} {c['firing']:4} {c['silent']:6}  {row['tp']:3} {row['fn']:3} {row['fp']:3}  "
            f"{fmt(row['recall']):>7} {fmt(row['precision']):>9}\n")
    o = result["overall"]
    out(f"{'overall':34} {'':5} {'':4} {'':6}  {o['tp']:3} {o['fn']:3} {o['fp']:3}  {fmt(o['recall']):>7} "
        f"{fmt(o['precision']):>9}\n\n")
    out(f"{'style':40} {'TP':>3} {'FN':>3} {'FP':>3}  {'recall':>7} {'precision':>9}\n")
    for style, row in result["per_style"].items():
        label = f"{style}  {STYLE_NAMES.get(style, '')}"
        out(f"{label:40} {row['tp']:3} {row['fn']:3} {row['fp']:3}  {fmt(row['recall']):>7} "
            f"{fmt(row['precision']):>9}\n")
    for title, items in (("Misses (marker without message)", result["misses"]),
                         ("False alarms (message without marker)", result["false_alarms"])):
        out(f"\n{title}: {len(items)}\n")
        for item in items:
            out(f"  [{' '.join(item['styles'])}] {item['location']}: {item['symbol']}\n")
            if item["message"]:
                out(f"      {item['message'][:200]}\n")
    if result["crashes"]:
        out(f"\nCrashes: {len(result['crashes'])}\n")
        for line in result["crashes"]:
            out(f"  {line}\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=DEFAULT_REPO, help="repository whose plugin is measured")
    parser.add_argument("--pylint", type=Path, default=DEFAULT_PYLINT, help="pylint executable")
    parser.add_argument("--jobs", type=int, default=1, help="pylint --jobs")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    result = score(args.repo.resolve(), args.pylint, args.jobs)
    if args.json:
        json.dump(result, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print_report(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
