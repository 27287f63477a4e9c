#!/usr/bin/env python3
"""Recall and precision of pylint-rnn on real public RNN code, scored against a hand-labelled manifest.

benchmarks/realcode.json holds no code, only where to find it and what is in it:

- ``snapshots``: a public GitHub repository at a commit (often the parent of the commit that fixed a
  pitfall: the fix confirms the bug) and the files of it that build RNNs, which are linted;
- ``labels``: every pitfall found by reading those files, and every message the plugin gave on them, each
  with ``verdict`` "pitfall" or "not-pitfall" and a one-line reason. ``accept`` lists further messages that
  describe the same pitfall correctly; ``end_line`` widens a label to a multi-line statement.

The files are extracted from local git mirrors of those repositories (``--mirrors``, default /work/.mirror,
one ``owner+name/repo`` git directory each) into a cache outside the repository; snapshots whose mirror or
commit is missing here are skipped and listed. Nothing extracted is ever written into this repository.

Files that Python 3 cannot parse (Python 2 code) are out of reach of any pylint plugin: their labels are
listed apart and count neither for nor against the plugin.

Scoring: a label is found when the plugin reports its message (or one in ``accept``) on its file within
one line of it. A message on a "not-pitfall" label, or on no label at all, is a false alarm (messages with no
label are listed separately: they need a verdict). Recall = found pitfalls / pitfalls; precision = messages
on pitfalls / all messages.

Usage:
    python benchmarks/realcode.py [--repo PATH] [--json] [--parallel N] [--unlabelled] [--grep]
    python benchmarks/realcode.py --add-snapshot owner/name COMMIT "why this commit"
    python benchmarks/realcode.py --export DIR     # the listed files, for `make bench CORPUS=DIR`

--repo is the repository whose plugin is measured (put first on PYTHONPATH; default: the one holding this
script). --unlabelled prints label stubs for messages without a label; --grep prints stubs for lines that
match the pitfall patterns below and have no label, to be read and given a verdict.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MANIFEST = HERE / "realcode.json"
DEFAULT_MIRRORS = Path(os.environ.get("REALCODE_MIRRORS", "/work/.mirror"))
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pylint-rnn-bench" / "realcode"
PYLINT_ARGS = ["--load-plugins=pylint_rnn", "--disable=all", "--enable=rnn,rnn-time-axis-reduction",
               "--output-format=json", "--persistent=n", "--score=n", "--jobs=1"]
CRASH_SYMBOLS = {"astroid-error", "fatal"}
TOLERANCE = 1  # lines: a message may sit on the first line of a statement whose label names another line

# A file builds RNNs when it mentions TensorFlow or Keras and a recurrent word.
USES_TF = re.compile(r"\b(tensorflow|keras|tflearn)\b|\btf\.")
RECURRENT = re.compile(r"rnn|lstm|gru|recurrent", re.IGNORECASE)
# Lines worth reading for each pitfall (--grep): patterns, not verdicts.
PATTERNS = {
    "rnn-same-cell-stacked": r"\[\s*[A-Za-z_][\w.]*\s*\]\s*\*|MultiRNNCell\(\s*\[\s*\w+\s*(for|\])",
    "rnn-cell-per-timestep": r"for .* in .*range\(.*(step|len|time|seq)",
    "rnn-untrained-initial-state": r"(tf\.)?assign\(.*(state|init)",
    "rnn-placeholder-roundtrip": r"feed_dict.*(state|output|hidden|logits)",
    "rnn-variable-not-shared": r"tf\.Variable\(",
    "rnn-duplicate-variables": r"(dynamic_rnn|static_rnn|bidirectional_dynamic_rnn|raw_rnn)\(",
}


# ------------------------------------------------------------------------------------------- manifest
def load_manifest(path=MANIFEST):
    """The manifest, with empty lists for missing sections."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data.setdefault("snapshots", [])
    data.setdefault("labels", [])
    return data


def snapshot_key(item):
    """(repo, commit) of a snapshot or a label."""
    return (item["repo"], item["commit"])


def gitdir(mirrors: Path, repo: str):
    """The mirror's git directory (bare ``repo`` or a clone's ``repo/.git``), or None."""
    base = mirrors / repo.replace("/", "+") / "repo"
    for candidate in (base / ".git", base):
        if (candidate / "objects").is_dir() and (candidate / "HEAD").exists():
            return candidate
    return None


def git(gdir: Path, *args, binary=False):
    """Output of a git command on the mirror, or None if it fails."""
    proc = subprocess.run(["git", f"--git-dir={gdir}", *args], capture_output=True, check=False)
    if proc.returncode != 0:
        return None
    return proc.stdout if binary else proc.stdout.decode("utf-8", errors="replace")


# ------------------------------------------------------------------------------------------ extraction
def extract(gdir: Path, commit: str, dest: Path):
    """Every .py file of the commit under dest (imports between the project's modules then resolve)."""
    stamp = dest / ".extracted"
    if stamp.exists():
        return True
    listing = git(gdir, "ls-tree", "-r", "-z", "--name-only", commit)
    if listing is None:
        return False
    for name in listing.split("\0"):
        if not name.endswith(".py"):
            continue
        blob = git(gdir, "show", f"{commit}:{name}", binary=True)
        if blob is None:
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob)
    stamp.write_text(commit + "\n", encoding="utf-8")
    return True


def rnn_files(root: Path):
    """Paths (relative, sorted) of the files under root that build RNNs."""
    found = []
    for path in sorted(root.rglob("*.py")):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if USES_TF.search(text) and RECURRENT.search(text):
            found.append(path.relative_to(root).as_posix())
    return found


def prepare(snapshots, mirrors: Path, cache: Path):
    """-> ({snapshot key: extracted root}, [skipped snapshots with the reason])."""
    roots, skipped = {}, []
    for snap in snapshots:
        gdir = gitdir(mirrors, snap["repo"])
        if gdir is None:
            skipped.append((snap, f"no mirror under {mirrors}"))
            continue
        if git(gdir, "cat-file", "-e", f"{snap['commit']}^{{commit}}") is None:
            skipped.append((snap, "commit not in the mirror"))
            continue
        dest = cache / snap["repo"].replace("/", "+") / snap["commit"][:12]
        if not extract(gdir, snap["commit"], dest):
            skipped.append((snap, "extraction failed"))
            continue
        roots[snapshot_key(snap)] = dest
    return roots, skipped


# --------------------------------------------------------------------------------------------- linting
def lint(root: Path, files, repo: Path, pylint: Path):
    """pylint-rnn's messages on files (relative to root), run from root with the plugin of repo."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(repo) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # compile the plugin once, not once per snapshot
    env["PYTHONPYCACHEPREFIX"] = str(DEFAULT_CACHE.parent / "pycache")
    present = [f for f in files if (root / f).exists()]
    if not present:
        return [], [], 0.0
    started = time.perf_counter()
    proc = subprocess.run([str(pylint), *PYLINT_ARGS, *present], cwd=str(root), env=env, capture_output=True,
                          text=True, check=False)
    seconds = time.perf_counter() - started
    try:
        messages = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        return [], [f"{root}: pylint gave no JSON: {proc.stderr[-500:]}"], seconds
    problems = [f"{m['path']}:{m['line']}: {m['symbol']}: {m['message'][:200]}"
                for m in messages if m["symbol"] in CRASH_SYMBOLS]
    problems += [f"{root}: traceback on stderr: {proc.stderr[-800:]}"] if "Traceback" in proc.stderr else []
    ours = [{"path": Path(m["path"]).as_posix(), "line": m["line"], "symbol": m["symbol"],
             "message": m["message"]} for m in messages if m["symbol"].startswith("rnn-")]
    return ours, problems, seconds


# --------------------------------------------------------------------------------------------- scoring
def matches(label, finding, symbols):
    """Same file, one of the symbols, on the label's line(s) give or take TOLERANCE."""
    if label["path"] != finding["path"] or finding["symbol"] not in symbols:
        return False
    return label["line"] - TOLERANCE <= finding["line"] <= label.get("end_line", label["line"]) + TOLERANCE


def unparseable(root: Path, files):
    """The files Python 3 cannot parse (Python 2 code: print statements, ``except A, e``)."""
    out = set()
    for path in files:
        try:
            ast.parse((root / path).read_bytes())
        except (SyntaxError, ValueError, OSError):
            out.add(path)
    return out


def score_snapshot(snap, labels, findings, out_of_reach=frozenset()):
    """-> dict(found, missed, true_msgs, false_msgs, unlabelled, unreachable) for one snapshot."""
    unreachable = [lab for lab in labels if lab["path"] in out_of_reach and lab["verdict"] == "pitfall"]
    labels = [lab for lab in labels if lab["path"] not in out_of_reach]
    pitfalls = [lab for lab in labels if lab["verdict"] == "pitfall"]
    benign = [lab for lab in labels if lab["verdict"] != "pitfall"]
    found, true_msgs, false_msgs, unlabelled = [], [], [], []
    for finding in findings:
        hit = [lab for lab in pitfalls if matches(lab, finding, {lab["symbol"], *lab.get("accept", ())})]
        if hit:
            true_msgs.append((finding, hit[0]))
            found.extend(lab for lab in hit if lab not in found)
            continue
        wrong = [lab for lab in benign if matches(lab, finding, {lab["symbol"]})]
        if wrong:
            false_msgs.append((finding, wrong[0]))
        else:
            unlabelled.append(finding)
    missed = [lab for lab in pitfalls if lab not in found]
    return {"snapshot": snap, "found": found, "missed": missed, "true_msgs": true_msgs,
            "false_msgs": false_msgs, "unlabelled": unlabelled, "unreachable": unreachable}


def ratio(num, den):
    """num / den, None when there is nothing to divide."""
    return None if den == 0 else num / den


def totals(results):
    """Overall and per-message counts: recall over pitfalls, precision over messages."""
    per = defaultdict(lambda: {"pitfalls": 0, "found": 0, "messages": 0, "true": 0})
    for res in results:
        for lab in res["found"] + res["missed"]:
            per[lab["symbol"]]["pitfalls"] += 1
        for lab in res["found"]:
            per[lab["symbol"]]["found"] += 1
        for finding, _ in res["true_msgs"]:
            per[finding["symbol"]]["messages"] += 1
            per[finding["symbol"]]["true"] += 1
        for finding in [f for f, _ in res["false_msgs"]] + res["unlabelled"]:
            per[finding["symbol"]]["messages"] += 1
    overall = {k: sum(row[k] for row in per.values()) for k in ("pitfalls", "found", "messages", "true")}
    for row in list(per.values()) + [overall]:
        row["recall"] = ratio(row["found"], row["pitfalls"])
        row["precision"] = ratio(row["true"], row["messages"])
    return overall, dict(sorted(per.items()))


def where(snap, item):
    """owner/name@commit:path:line."""
    return f"{snap['repo']}@{snap['commit'][:7]}:{item['path']}:{item['line']}"


def pct(value):
    """A ratio as a percentage, or n/a."""
    return "  n/a" if value is None else f"{100 * value:5.1f}%"


def report(results, overall, per, seconds):
    """The score table, then every miss, false alarm, unlabelled and out-of-reach item."""
    out = sys.stdout.write
    files = sum(len(r["snapshot"]["files"]) for r in results)
    repos = len({r["snapshot"]["repo"] for r in results})
    out(f"pylint-rnn on real public RNN code: {repos} repositories, {len(results)} snapshots, {files} files "
        f"(pylint {seconds:.0f} s in total)\n\n")
    out(f"{'message':34} {'pitfalls':>8} {'found':>5} {'recall':>7}   {'messages':>8} {'true':>4} "
        f"{'precision':>9}\n")
    for symbol, row in list(per.items()) + [("overall", overall)]:
        out(f"{symbol:34} {row['pitfalls']:8} {row['found']:5} {pct(row['recall']):>7}   {row['messages']:8} "
            f"{row['true']:4} {pct(row['precision']):>9}\n")
    sections = (
        ("Misses (labelled pitfall, no message)",
         [(r["snapshot"], lab, lab["symbol"], lab["reason"]) for r in results for lab in r["missed"]]),
        ("False alarms (message on a line labelled not-pitfall)",
         [(r["snapshot"], f, f["symbol"], lab["reason"]) for r in results for f, lab in r["false_msgs"]]),
        ("Unlabelled messages (counted as false alarms until labelled)",
         [(r["snapshot"], f, f["symbol"], f["message"][:160]) for r in results for f in r["unlabelled"]]),
        ("Out of reach (pitfalls in files Python 3 cannot parse; not counted)",
         [(r["snapshot"], lab, lab["symbol"], lab["reason"]) for r in results for lab in r["unreachable"]]),
    )
    for title, items in sections:
        out(f"\n{title}: {len(items)}\n")
        for snap, item, symbol, text in items:
            out(f"  {where(snap, item)}: {symbol}\n      {text}\n")


def report_problems(skipped, problems):
    """Snapshots not available here, and crashes."""
    out = sys.stdout.write
    if skipped:
        out(f"\nSkipped (not available on this machine): {len(skipped)}\n")
        for snap, why in skipped:
            out(f"  {snap['repo']}@{snap['commit'][:7]}: {why}\n")
    if problems:
        out(f"\nCrashes: {len(problems)}\n")
        for line in problems:
            out(f"  {line}\n")


def stubs(results, roots, grep):
    """Label stubs (verdict to be filled in) for unlabelled messages, or for unlabelled pattern hits."""
    out = []
    for res in results:
        snap = res["snapshot"]
        base = {"repo": snap["repo"], "commit": snap["commit"]}
        if not grep:
            out += [dict(base, path=f["path"], line=f["line"], symbol=f["symbol"], verdict="?",
                         reason=f["message"][:200]) for f in res["unlabelled"]]
            continue
        labelled = {(lab["path"], lab["line"]) for lab in res["found"] + res["missed"]}
        root = roots[snapshot_key(snap)]
        for path in snap["files"]:
            lines = (root / path).read_text(encoding="utf-8", errors="replace").splitlines()
            for lineno, text in enumerate(lines, start=1):
                for symbol, pattern in PATTERNS.items():
                    if re.search(pattern, text) and not text.lstrip().startswith("#") \
                            and (path, lineno) not in labelled:
                        out.append(dict(base, path=path, line=lineno, symbol=symbol, verdict="?",
                                        reason=text.strip()[:200]))
    return out


# ------------------------------------------------------------------------------------------------ main
def add_snapshot(args, manifest):
    """Extract a repository at a commit, list its RNN files and add (or replace) it in the manifest."""
    gdir = gitdir(args.mirrors, args.add_snapshot[0])
    if gdir is None:
        raise SystemExit(f"no mirror of {args.add_snapshot[0]} under {args.mirrors}")
    commit = (git(gdir, "rev-parse", f"{args.add_snapshot[1]}^{{commit}}") or "").strip()
    if not commit:
        raise SystemExit(f"{args.add_snapshot[1]} is no commit of {args.add_snapshot[0]}")
    dest = args.cache / args.add_snapshot[0].replace("/", "+") / commit[:12]
    extract(gdir, commit, dest)
    snap = {"repo": args.add_snapshot[0], "commit": commit, "why": args.add_snapshot[2],
            "files": rnn_files(dest)}
    manifest["snapshots"] = [s for s in manifest["snapshots"] if snapshot_key(s) != snapshot_key(snap)] + [snap]
    MANIFEST.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{snap['repo']}@{commit[:7]}: {len(snap['files'])} files")
    return 0


def export(snapshots, roots, dest: Path, skipped):
    """Copy each snapshot's listed files to dest/owner+name/commit12/path (outside this repository)."""
    if dest.resolve().is_relative_to(ROOT):
        raise SystemExit("export outside the repository: extracted code is never committed")
    count = 0
    for snap in snapshots:
        root = roots[snapshot_key(snap)]
        for path in snap["files"]:
            target = dest / snap["repo"].replace("/", "+") / snap["commit"][:12] / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes((root / path).read_bytes())
            count += 1
    print(f"{count} files of {len(snapshots)} snapshots under {dest}; {len(skipped)} snapshots not available")
    return 0


def write_json(path: Path, repo, scored):
    """The scores and the lists of misses and false alarms, for scripts."""
    results, skipped = scored["results"], scored["skipped"]
    path.write_text(json.dumps({
        "repo": str(repo), "overall": scored["overall"], "per_message": scored["per"],
        "skipped": [f"{s['repo']}@{s['commit'][:7]}: {why}" for s, why in skipped], "crashes": scored["problems"],
        "misses": [where(r["snapshot"], lab) + f": {lab['symbol']}" for r in results for lab in r["missed"]],
        "false_alarms": [where(r["snapshot"], f) + f": {f['symbol']}" for r in results
                         for f in [x for x, _ in r["false_msgs"]] + r["unlabelled"]],
    }, indent=1) + "\n", encoding="utf-8")


def parse_args(argv):
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--repo", type=Path, default=ROOT, help="repository whose plugin is measured")
    parser.add_argument("--pylint", type=Path, default=Path(sys.executable).parent / "pylint")
    parser.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--parallel", type=int, default=2, help="snapshots linted at once")
    parser.add_argument("--only", help="only snapshots whose repo contains this text")
    parser.add_argument("--json", type=Path, help="also write the result as JSON to this file")
    parser.add_argument("--unlabelled", action="store_true", help="print stubs for unlabelled messages")
    parser.add_argument("--grep", action="store_true", help="print stubs for unlabelled pattern hits")
    parser.add_argument("--add-snapshot", nargs=3, metavar=("OWNER/NAME", "COMMIT", "WHY"))
    parser.add_argument("--export", type=Path, metavar="DIR",
                        help="copy the listed files of every available snapshot under DIR and stop")
    return parser.parse_args(argv)


def main(argv=None):
    """Score the plugin (or add a snapshot, or export the files, or print label stubs)."""
    args = parse_args(argv)
    manifest = load_manifest()
    if args.add_snapshot:
        return add_snapshot(args, manifest)
    snapshots = [s for s in manifest["snapshots"] if not args.only or args.only in s["repo"]]
    roots, skipped = prepare(snapshots, args.mirrors, args.cache)
    ready = [s for s in snapshots if snapshot_key(s) in roots]
    if args.export:
        return export(ready, roots, args.export, skipped)
    by_snapshot = defaultdict(list)
    for lab in manifest["labels"]:
        by_snapshot[snapshot_key(lab)].append(lab)
    with ThreadPoolExecutor(max_workers=max(1, args.parallel)) as pool:
        linted = list(pool.map(lambda s: lint(roots[snapshot_key(s)], s["files"], args.repo.resolve(),
                                              args.pylint), ready))
    results = [score_snapshot(s, by_snapshot[snapshot_key(s)], findings,
                              unparseable(roots[snapshot_key(s)], s["files"]))
               for s, (findings, _, _) in zip(ready, linted)]
    problems = [p for _, found, _ in linted for p in found]
    overall, per = totals(results)
    if args.unlabelled or args.grep:
        json.dump(stubs(results, roots, args.grep), sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    report(results, overall, per, sum(s for _, _, s in linted))
    report_problems(skipped, problems)
    if args.json:
        write_json(args.json, args.repo, {"results": results, "overall": overall, "per": per, "skipped": skipped,
                                          "problems": problems})
    return 0


if __name__ == "__main__":
    sys.exit(main())
