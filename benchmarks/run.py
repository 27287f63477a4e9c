"""`make bench`: what the plugin costs on real code, and what the runtime verifier costs per script.

Corpus: every .py file of the installed tensorflow, tf_keras and keras packages, plus fixtures/.

1. Full corpus, one run each, in this order: pylint -j1 baseline, plugin -j1, plugin -j2.
   Gives CPU time, wall time and peak RSS of each, the findings (ours, triaged by hand from
   benchmarks/corpus_findings.txt), crashes (astroid-error, fatal, tracebacks, "pylint-rnn: internal error"),
   and whether -j2 finds exactly what -j1 finds.
2. Repeated, interleaved timing on a deterministic sample (the first N corpus files by SHA-1 of their path
   relative to site-packages, plus every fixture): baseline vs plugin, -j1 and -j2, several repetitions.
   The overhead ratio is computed on the median CPU time (user+sys of the process and its workers), which is
   robust to other load on the machine; wall-time ratios are reported too.
3. In-process cProfile of the plugin run on the sample: time per checker module (visit/leave methods entered
   from pylint) and self time per core module, and the hottest functions.
4. Inference check on the sample: astroid inference calls made from our code, and TF/Keras modules astroid
   loads because of our code, against the baseline run.
5. Verifier: for each runtime fixture, the script alone vs pylint-rnn-verify, interleaved repetitions.

Baseline is `pylint --disable=all --enable=syntax-error`: pylint 4 refuses a bare `--disable=all` ("No files
to lint"), and syntax-error is emitted by the parser step, so no checker runs in the baseline.

Writes benchmarks/results.md (latest figures, machine and versions, plus a history table), appends a line to
benchmarks/history.jsonl and writes benchmarks/corpus_findings.txt; prints a summary. The measuring itself
(corpus, child processes, the stages) lives in benchmarks/_measure.py; this file renders and records it.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from _measure import (
    BENCH,
    ROOT,
    corpus,
    count_lines,
    deterministic_sample,
    full_corpus,
    log,
    machine,
    probe,
    runnable_script,
    sample_timing,
    site_relative,
    summarize_profile,
    verifier,
)

GOAL_RATIO = 1.10


# ---------------------------------------------------------------------------------------------- report
def fmt(value, spec=".2f"):
    if value is None or (isinstance(value, float) and value != value):
        return "n/a"
    return format(value, spec)


def _by_symbol(messages):
    counts = {}
    for m in messages:
        if m:
            counts[m["symbol"]] = counts.get(m["symbol"], 0) + 1
    return counts


def write_findings(runs):
    if not runs:
        return
    lines = []
    for m in sorted(runs["plugin-j1"]["ours"], key=lambda m: (m["path"], m["line"], m["symbol"])):
        lines.append(f"{site_relative(os.path.abspath(m['path']))}:{m['line']}: {m['symbol']}: {m['message']}")
    (BENCH / "corpus_findings.txt").write_text(
        "# Our messages on the benchmark corpus (tensorflow, tf_keras, keras, fixtures), from `make bench`.\n"
        + "\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")


def _render_header(info, corpus_info):
    """Title, method, machine and corpus."""
    out = []
    out.append("# Benchmark results\n")
    out.append("Written by `make bench` (`benchmarks/run.py`); the method is described in that file's docstring. "
               "Overhead ratios are medians of CPU time (user+sys, workers included) over interleaved "
               "repetitions; wall-time ratios are given beside them. Baseline: `pylint --disable=all "
               "--enable=syntax-error` (pylint 4 refuses a bare `--disable=all`); plugin: the same plus "
               "`--load-plugins=pylint_rnn --enable=rnn,rnn-time-axis-reduction`.\n")
    out.append("## Machine and versions\n")
    out.append("| | |\n|---|---|")
    for key in ("date", "commit", "cpu", "nproc", "os", "python", "pylint", "astroid", "tensorflow",
                "tf-keras", "keras"):
        out.append(f"| {key} | {info[key]} |")
    out.append("")
    out.append("## Corpus\n")
    out.append("| part | files | lines |\n|---|---:|---:|")
    for name, (nfiles, nlines) in corpus_info["parts"].items():
        out.append(f"| {name} | {nfiles} | {nlines} |")
    out.append(f"| **total** | **{corpus_info['files']}** | **{corpus_info['lines']}** |")
    out.append(f"\nTiming sample: {corpus_info['sample_files']} files, {corpus_info['sample_lines']} lines "
               f"({corpus_info['sample_size']} corpus files chosen by SHA-1 of their path, plus every fixture).\n")
    return out


def _render_overhead(timing1, timing2, runs):
    """The plugin's CPU overhead over pylint alone, sample and full corpus."""
    out = []
    out.append("## Plugin overhead (goal: ratio ≤ 1.10)\n")
    out.append("| measurement | baseline CPU s | plugin CPU s | ratio (CPU) | ratio (wall) | baseline peak RSS MB | "
               "plugin peak RSS MB |\n|---|---:|---:|---:|---:|---:|---:|")
    for t in (timing1, timing2):
        if t:
            out.append(f"| sample, -j{t['jobs']}, median of {t['reps']} | {fmt(t['base_cpu'], '.1f')} | "
                       f"{fmt(t['plugin_cpu'], '.1f')} | **{fmt(t['ratio_cpu'], '.3f')}** | "
                       f"{fmt(t['ratio_wall'], '.3f')} | {fmt(t['base_rss'], '.0f')} | {fmt(t['plugin_rss'], '.0f')} |")
    if runs:
        b, p, p2 = runs["base-j1"], runs["plugin-j1"], runs["plugin-j2"]
        out.append(f"| full corpus, -j1, one run | {fmt(b['cpu'], '.1f')} | {fmt(p['cpu'], '.1f')} | "
                   f"**{fmt(p['cpu'] / b['cpu'], '.3f')}** | {fmt(p['wall'] / b['wall'], '.3f')} | "
                   f"{fmt(b['rss_mb'], '.0f')} | {fmt(p['rss_mb'], '.0f')} |")
        out.append(f"| full corpus, plugin -j2, one run | - | {fmt(p2['cpu'], '.1f')} (wall {fmt(p2['wall'], '.0f')} "
                   f"vs {fmt(p['wall'], '.0f')} at -j1) | - | - | - | {fmt(p2['rss_mb'], '.0f')} |")
        out.append("\nWith -j2, peak RSS is that of the largest single process (the parent or one worker).\n")
    return out


def _render_full_corpus(runs, jequal):
    """Parallel runs and crashes on the full corpus."""
    out = []
    out.append("## Parallel and crashes (full corpus)\n")
    out.append(f"- -j2 findings identical to -j1 (all messages, plugin run): "
               f"**{'yes' if jequal['plugin_j1_eq_j2'] else 'NO'}**.")
    if not jequal["plugin_j1_eq_j2"]:
        out.append(f"  - only in -j1: {jequal['only_j1']}\n  - only in -j2: {jequal['only_j2']}")
    for name in ("plugin-j1", "plugin-j2"):
        r = runs[name]
        out.append(f"- {name}: {len(r['crashes'])} astroid-error/fatal, {r['tracebacks']} tracebacks, "
                   f"{len(r['internal_errors'])} `pylint-rnn: internal error` lines, "
                   f"{len(r['syntax_errors'])} syntax-error (pylint's own), {len(r['ours'])} rnn-* messages.")
    counts = _by_symbol(runs["plugin-j1"]["ours"])
    outside = [m for m in runs["plugin-j1"]["ours"] if m and "fixtures/" not in m["path"]]
    out.append(f"- Our messages by symbol: {counts or 'none'} (listed in `benchmarks/corpus_findings.txt`); "
               f"**{len(outside)}** of them on the tensorflow/tf_keras/keras sources, the rest on our own "
               f"fixtures (where they are expected).\n")
    return out


def _render_profile(prof):
    """Where the plugin's time goes (cProfile)."""
    out = []
    out.append("## Where the plugin's time goes (cProfile, CPU time, sample, in-process)\n")
    out.append(f"Profiled run: {fmt(prof['total_s'], '.1f')} s CPU in total; the plugin's visit/leave methods "
               f"(entered from pylint's walker) account for {fmt(prof['plugin_visit_s'], '.2f')} s = "
               f"**{fmt(100 * prof['plugin_share'], '.1f')} %** (plus {fmt(prof['load_s'], '.2f')} s one-off "
               f"plugin import/registration). Profiling inflates function-call-heavy code, so these shares are "
               f"upper bounds.\n")
    out.append("| checker module | s | % of run |\n|---|---:|---:|")
    for mod, seconds in prof["per_checker"].items():
        out.append(f"| pylint_rnn.{mod} | {fmt(seconds, '.3f')} | {fmt(100 * seconds / prof['total_s'], '.2f')} |")
    out.append("\n| core module (self time, called from the checkers above) | s | % of run |\n|---|---:|---:|")
    for mod, seconds in prof["core_self"].items():
        out.append(f"| pylint_rnn.{mod} | {fmt(seconds, '.3f')} | {fmt(100 * seconds / prof['total_s'], '.2f')} |")
    out.append("\nHottest entry points (cumulative): " +
               ", ".join(f"`{f}` {s:.3f}s" for f, s in prof["hot_entries"]))
    out.append("\nHottest functions (self time): " +
               ", ".join(f"`{f}` {s:.3f}s ({prof['calls'].get(f, '?')} calls)" for f, s in prof["hot_self"]) + "\n")
    return out


def _render_inference(inference):
    """Whether our checks make astroid infer into TensorFlow."""
    out = []
    base, plug = inference.get("base", {}), inference.get("plugin", {})
    out.append("## Astroid inference into TensorFlow (sample)\n")
    if "error" in base or "error" in plug:
        out.append(f"probe failed: {base.get('error') or plug.get('error')}\n")
    else:
        extra = sorted(set(plug["tf_modules"]) - set(base["tf_modules"]))
        direct = plug["infer_calls_from_plugin"] - plug.get("infer_calls_in_plugin_module_loads", 0)
        ok = direct == 0 and not plug["tf_module_requests_from_plugin"] and not extra
        out.append("| run | astroid `infer()` calls | from pylint_rnn | TF/Keras module loads | "
                   "TF/Keras loads from pylint_rnn |\n|---|---:|---:|---:|---:|")
        out.append(f"| baseline | {base['infer_calls']} | - | {base['tf_module_requests']} | - |")
        out.append(f"| plugin | {plug['infer_calls']} | {plug['infer_calls_from_plugin']} | "
                   f"{plug['tf_module_requests']} | {len(plug['tf_module_requests_from_plugin'])} |")
        if "module_requests_from_plugin" in plug:
            out.append(f"\nOther modules astroid was asked for by our code: {plug['module_requests_from_plugin']} "
                       f"requests; not already loaded by pylint: {plug['modules_from_plugin_not_cached'] or 'none'}. "
                       f"Of the `infer()` calls from pylint_rnn, {plug['infer_calls_in_plugin_module_loads']} "
                       "happen inside those module loads (astroid's brain transforms while building the module), "
                       "the rest are direct.")
        out.append(f"\nTF/Keras modules loaded only in the plugin run: {extra or 'none'}. "
                   f"Verdict: **{'no inference into TensorFlow caused by our checks' if ok else 'OUR CHECKS INFER'}**. "
                   "(The loads in both runs are pylint's own import resolution of the TF sources being linted.)\n")
    return out


def _render_verify(verify):
    """The runtime verifier's cost per script."""
    out = []
    out.append("## Runtime verifier (goal: ratio ≤ 1.5)\n")
    out.append(f"`python -c 'import tensorflow'` alone: {fmt(verify['tf_import_s'])} s wall. "
               "Ratios are medians of wall time over interleaved repetitions. TF1-style scripts cannot run "
               "as plain `python script.py` on TensorFlow 2, so their baseline is the script on the same TF1 "
               "facade (`benchmarks/_tf1_run.py`). The verifier's breakdown comes from its JSON report: TF "
               "import and target in the child, the rest is the parent (process start, limits, rendering) and "
               "the child's probes/analysis.\n")
    out.append("| script | baseline | plain s | verify s | ratio | exit (plain/verify) | child TF import s | "
               "child target s | child total s | parent overhead s |\n|---|---|---:|---:|---:|---|---:|---:|---:|---:|")
    for row in [r for r in verify["rows"] if runnable_script(ROOT / r["script"])]:
        parent = (row["verify_wall"] - row["child_total_s"]) if row.get("child_total_s") is not None else None
        out.append(f"| {row['script']} | {row['baseline']} | {fmt(row['plain_wall'])} | {fmt(row['verify_wall'])} "
                   f"| **{fmt(row['ratio'])}** | {row['plain_rc']}/{row['verify_rc']} | {fmt(row['tf_import_s'])} | "
                   f"{fmt(row['target_s'])} | {fmt(row['child_total_s'])} | {fmt(parent)} |")
    out.append("")
    return out


def render(info, corpus_info, runs, jequal, timing1, timing2, prof, inference, verify):
    out = _render_header(info, corpus_info) + _render_overhead(timing1, timing2, runs)
    if runs:
        out += _render_full_corpus(runs, jequal)
    if prof and "error" not in prof:
        out += _render_profile(prof)
    elif prof:
        out.append(f"## Profile\n\nprofile failed:\n```\n{prof['error']}\n```\n")
    if inference:
        out += _render_inference(inference)
    if verify:
        out += _render_verify(verify)
    return "\n".join(out)


def history_table():
    path = BENCH / "history.jsonl"
    if not path.exists():
        return ""
    rows = ["## History\n", "| date | commit | corpus files | ratio -j1 (sample) | ratio -j2 (sample) | "
            "ratio -j1 (full) | plugin RSS MB (full -j1) | crashes | our messages | verifier max ratio |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for line in path.read_text(encoding="utf-8").splitlines()[-30:]:
        try:
            h = json.loads(line)
        except json.JSONDecodeError:
            continue
        rows.append(f"| {h.get('date')} | {h.get('commit')} | {h.get('files')} | {fmt(h.get('ratio_j1'), '.3f')} | "
                    f"{fmt(h.get('ratio_j2'), '.3f')} | {fmt(h.get('ratio_full_j1'), '.3f')} | "
                    f"{fmt(h.get('rss_full'), '.0f')} | {h.get('crashes')} | {h.get('ours')} | "
                    f"{fmt(h.get('verify_max_ratio'))} |")
    return "\n".join(rows) + "\n"


def rerender(path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    full = raw.get("full") or None
    runs = None
    if full:
        listed = []
        findings = BENCH / "corpus_findings.txt"
        if findings.exists():
            for line in findings.read_text(encoding="utf-8").splitlines():
                if line and not line.startswith("#"):
                    where, symbol = line.split(": ", 2)[:2]
                    listed.append({"path": where.rsplit(":", 1)[0], "symbol": symbol})
        runs = {k: dict(v, crashes=v["crashes"], internal_errors=v["internal_errors"],
                        ours=listed if len(listed) == v["ours"] else [None] * v["ours"],
                        syntax_errors=[None] * v["syntax_errors"])
                for k, v in full.items()}
    text = render(raw["info"], raw["corpus"], runs, raw.get("jequal"), raw["timing_j1"], raw["timing_j2"],
                  raw.get("profile"), raw.get("inference"), raw.get("verify"))
    text += f"\nRe-rendered from {path.name}; benchmark wall time was {raw.get('elapsed_min', '?')} min.\n"
    text += "\n" + history_table()
    (BENCH / "results.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=int(os.environ.get("BENCH_SAMPLE", 200)),
                        help="corpus files in the repeated-timing sample (default 200)")
    parser.add_argument("--reps", type=int, default=int(os.environ.get("BENCH_REPS", 4)),
                        help="repetitions of the -j1 sample timing (default 4; -j2 uses max(2, reps - 2))")
    parser.add_argument("--verify-reps", type=int, default=int(os.environ.get("BENCH_VERIFY_REPS", 2)))
    parser.add_argument("--skip-full", action="store_true", help="skip the three full-corpus runs")
    parser.add_argument("--skip-verify", action="store_true")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: sample 40, 2 reps, no full corpus, 1 verifier rep; does not write results")
    parser.add_argument("--render-from", metavar="RESULTS_JSON",
                        help="only rewrite results.md from a results.json of an earlier run (current row filters)")
    args = parser.parse_args(argv)
    if args.quick:
        args.sample, args.reps, args.verify_reps, args.skip_full = 40, 2, 1, True
    return args


def describe_corpus(info, sample_size):
    """-> (files, sample, corpus_info), logged."""
    files, per_package, fixtures = corpus()
    parts = {}
    for name, found in per_package.items():
        parts[name] = (len(found), count_lines(found)) if found is not None else (0, 0)
    parts["fixtures"] = (len(fixtures), count_lines(fixtures))
    sample = deterministic_sample(files, fixtures, sample_size)
    corpus_info = {"parts": parts, "files": len(files), "lines": sum(n for _, n in parts.values()),
                   "sample_size": sample_size, "sample_files": len(sample), "sample_lines": count_lines(sample)}
    log(f"pylint-rnn benchmark — {info['date']} commit {info['commit']} on {info['cpu']} x{info['nproc']}")
    log(f"corpus: {corpus_info['files']} files, {corpus_info['lines']} lines "
        f"({', '.join(f'{k} {v[0]}' for k, v in parts.items())}); sample {len(sample)} files")
    missing = [name for name, found in per_package.items() if found is None]
    if missing:
        log(f"WARNING: not installed, left out of the corpus: {missing}")
    return files, sample, corpus_info


def measure(args, files, sample, workdir):
    """Run the five stages; -> dict(runs, jequal, timing1, timing2, prof, inference, verify)."""
    filelist = Path(workdir) / "sample.txt"
    filelist.write_text("\n".join(sample) + "\n", encoding="utf-8")
    out = {"runs": None, "jequal": None, "verify": None}
    if not args.skip_full:
        log("[1/5] full corpus runs")
        out["runs"], out["jequal"] = full_corpus(files, workdir)
    log("[2/5] interleaved timing on the sample")
    out["timing1"] = sample_timing(sample, workdir, args.reps, 1)
    out["timing2"] = sample_timing(sample, workdir, max(2, args.reps - 2), 2)
    log("[3/5] profile")
    out["prof"] = summarize_profile(probe("profile", filelist, workdir))
    log("[4/5] inference check")
    out["inference"] = {"base": probe("inference", filelist, workdir),
                        "plugin": probe("inference", filelist, workdir, "--plugin")}
    if not args.skip_verify:
        log("[5/5] verifier")
        out["verify"] = verifier(workdir, args.verify_reps)
    return out


def history_entry(info, corpus_info, m):
    """The line appended to history.jsonl."""
    runs, verify = m["runs"], m["verify"]
    return {
        "date": info["date"], "commit": info["commit"], "files": corpus_info["files"],
        "ratio_j1": m["timing1"]["ratio_cpu"], "ratio_j2": m["timing2"]["ratio_cpu"],
        "ratio_full_j1": runs["plugin-j1"]["cpu"] / runs["base-j1"]["cpu"] if runs else None,
        "rss_full": runs["plugin-j1"]["rss_mb"] if runs else None,
        "crashes": (len(runs["plugin-j1"]["crashes"]) + runs["plugin-j1"]["tracebacks"]
                    + len(runs["plugin-j1"]["internal_errors"])) if runs else None,
        "ours": len(runs["plugin-j1"]["ours"]) if runs else None,
        "verify_max_ratio": max((r["ratio"] for r in verify["rows"] if runnable_script(ROOT / r["script"])),
                                default=None) if verify else None,
    }


def save(text, info, corpus_info, m, history, elapsed):
    """Write results.md, results.json and corpus_findings.txt; append to history.jsonl."""
    runs = m["runs"]
    with open(BENCH / "history.jsonl", "a", encoding="utf-8") as handle:
        handle.write(json.dumps(history) + "\n")
    text += "\n" + history_table()
    (BENCH / "results.md").write_text(text, encoding="utf-8")
    write_findings(runs)
    raw = {"elapsed_min": round(elapsed / 60, 1),
           "ours_by_symbol": _by_symbol(runs["plugin-j1"]["ours"]) if runs else None,
           "info": info, "corpus": corpus_info, "timing_j1": m["timing1"], "timing_j2": m["timing2"],
           "profile": m["prof"], "inference": m["inference"], "verify": m["verify"], "jequal": m["jequal"],
           "full": {k: {kk: v[kk] for kk in ("cpu", "wall", "rss_mb", "rc", "tracebacks")} |
                    {"crashes": v["crashes"], "internal_errors": v["internal_errors"],
                     "ours": len(v["ours"]), "syntax_errors": len(v["syntax_errors"])}
                    for k, v in (runs or {}).items()}}
    (BENCH / "results.json").write_text(json.dumps(raw, indent=1, default=str), encoding="utf-8")


def summary(m, history, started):
    runs, prof, inference, verify = m["runs"], m["prof"], m["inference"], m["verify"]
    lines = [
        f"overhead ratio (CPU, sample, -j1): {fmt(m['timing1']['ratio_cpu'], '.3f')} (goal ≤ {GOAL_RATIO}); "
        f"-j2: {fmt(m['timing2']['ratio_cpu'], '.3f')}",
    ]
    if runs:
        lines.append(f"full corpus -j1 ratio {fmt(runs['plugin-j1']['cpu'] / runs['base-j1']['cpu'], '.3f')}, "
                     f"peak RSS {runs['base-j1']['rss_mb']:.0f} -> {runs['plugin-j1']['rss_mb']:.0f} MB; "
                     f"-j2 findings identical: {m['jequal']['plugin_j1_eq_j2']}; crashes: {history['crashes']}; "
                     f"our messages: {history['ours']}")
    if prof and "error" not in prof:
        lines.append(f"plugin share of profiled run: {100 * prof['plugin_share']:.1f} %; " +
                     ", ".join(f"{mod} {s:.2f}s" for mod, s in prof["per_checker"].items()))
    if inference and "error" not in inference["plugin"]:
        lines.append(f"astroid infer() from pylint_rnn: {inference['plugin']['infer_calls_from_plugin']}, "
                     f"TF modules loaded because of pylint_rnn: "
                     f"{len(inference['plugin']['tf_module_requests_from_plugin'])}")
    if verify:
        for row in verify["rows"]:
            lines.append(f"verify {Path(row['script']).name}: ratio {fmt(row['ratio'])} "
                         f"({fmt(row['plain_wall'])}s -> {fmt(row['verify_wall'])}s)")
    lines.append(f"wrote {BENCH / 'results.md'} in {(time.perf_counter() - started) / 60:.1f} min")
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv)
    if args.render_from:
        return rerender(Path(args.render_from))
    started = time.perf_counter()
    info = machine()
    files, sample, corpus_info = describe_corpus(info, args.sample)
    with tempfile.TemporaryDirectory(prefix="pylint-rnn-bench-") as workdir:
        m = measure(args, files, sample, workdir)
    text = render(info, corpus_info, m["runs"], m["jequal"], m["timing1"], m["timing2"], m["prof"],
                  m["inference"], m["verify"])
    elapsed = time.perf_counter() - started
    text += f"\nBenchmark wall time: {elapsed / 60:.1f} min.\n"
    if args.quick:
        print(text)
        return 0
    history = history_entry(info, corpus_info, m)
    save(text, info, corpus_info, m, history, elapsed)
    log(summary(m, history, started))
    return 0

if __name__ == "__main__":
    sys.exit(main())
