"""`make bench`: what the plugin costs on RNN user code, compared with pylint's parse-only floor.

Corpus (never TensorFlow's own sources, never someone else's code in this repository):
  generated  training scripts written at bench time by benchmarks/corpus.py (deterministic: same seed, same
             files): TF1 graph scripts, compat.v1, tf.contrib seq2seq, Keras functional / subclassed / custom
             loops, char-rnn, PTB, siamese, taggers; one in twenty carries a pitfall;
  fixtures   every .py file under fixtures/ (checkers, seeds, accuracy, runtime);
  corpus     any directory given with --corpus (`make bench CORPUS=path`), e.g. a checkout of your project.

Stages:
1. Interleaved timing per part: baseline `pylint --disable=all --enable=syntax-error` (the parse-only floor:
   pylint 4 refuses a bare --disable=all, and syntax-error comes from the parser, so no checker runs) and the
   same plus the plugin, -j1, several repetitions. The overhead is the ratio of the median CPU times
   (user+sys, children included); the paired per-repetition ratios and the spread of the baseline say how
   noisy the machine was. Peak RSS comes from the same runs.
2. Instructions executed (valgrind callgrind, one deterministic run each, baseline and plugin side by side)
   on every file of each part (--instr-files N: the first N): the same ratio without the noise of a shared
   machine (skipped without valgrind).
3. -j2: one plugin run on all parts; its messages must equal the -j1 run's. Crashes are counted.
4. The generated corpus's injected pitfalls: found and missed; every other message is a false alarm.
5. cProfile of the plugin on the generated corpus (and --corpus): time per checker, per plugin module,
   hottest functions (cumulative and self).
6. Astroid probe: inference calls from our code, TensorFlow modules loaded because of it, and the project
   modules our code made astroid parse (module_uses_tensorflow looking for subclasses of TF cells).
7. With --verify: the runtime verifier's wall time per runtime fixture against the plain script.

Writes benchmarks/results.md (figures, then the hand-written benchmarks/analysis.md), results.json, appends to
history.jsonl and writes corpus_findings.txt (every message on the corpus).
"""
from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

from _measure import (BENCH, ROOT, count_lines, generated_corpus, instructions, log, machine, parallel,
                      parse_pylint, probe, pylint_cmd, python_files, run_measured, score_generated,
                      summarize_profile, timing, verifier, warm_up)

GOAL_RATIO = 1.10


def fmt(value, spec=".2f"):
    """A number for the tables; n/a for None and NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return format(value, spec)


def doc_of(key):
    """First docstring line of a pylint_rnn function named "module.func:line" (what the function does)."""
    name = key.split(":")[0]
    mod, func = name.rsplit(".", 1)
    try:
        obj = getattr(importlib.import_module(f"pylint_rnn.{mod}"), func)
    except (ImportError, AttributeError):
        return "(nested helper)" if func in ("compute", "<genexpr>", "<listcomp>", "<lambda>") else ""
    doc = (getattr(obj, "__doc__", None) or "").strip().splitlines()
    return doc[0] if doc else ""


# ---------------------------------------------------------------------------------------------- render
def render_header(info, parts):
    """Title, method, machine and corpus."""
    out = ["# Benchmark results\n",
           "Written by `make bench` (`benchmarks/run.py`, whose docstring gives the method). Baseline: `pylint "
           "--disable=all --enable=syntax-error` (the parse-only floor); plugin: the same plus `--load-plugins="
           "pylint_rnn --enable=rnn,rnn-time-axis-reduction`. Ratios are of median CPU time (user+sys) over "
           "interleaved repetitions, on the same files in the same run, with compiled bytecode as an installed "
           "package has it, and with pylint's default configuration (`benchmarks/bench.pylintrc`).\n",
           "## Machine\n", "| | |\n|---|---|"]
    out += [f"| {key} | {info[key]} |" for key in ("date", "commit", "cpu", "nproc", "load", "os", "python",
                                                   "pylint", "astroid", "tensorflow", "tf-keras", "keras")]
    out += ["", "## Corpus\n", "| part | files | lines | what |\n|---|---:|---:|---|"]
    for name, part in parts.items():
        out.append(f"| {name} | {part['files']} | {part['lines']} | {part['what']} |")
    return out + [""]


def render_overhead(timings, instr):
    """The overhead table per part, and the instruction-count ratio."""
    out = ["## Plugin overhead (goal: ratio ≤ 1.10)\n",
           "| part | reps | baseline CPU s | plugin CPU s | **ratio** | paired ratios | baseline spread | wall ratio "
           "| peak RSS MB (base → plugin) |\n|---|---:|---:|---:|---:|---|---:|---:|---|"]
    for name, t in timings.items():
        out.append(f"| {name} | {t['reps']} | {fmt(t['base_cpu'])} | {fmt(t['plugin_cpu'])} | "
                   f"**{fmt(t['ratio_cpu'], '.3f')}** | {fmt(t['paired_min'], '.3f')}–{fmt(t['paired_max'], '.3f')} | "
                   f"{fmt(100 * t['base_spread'], '.0f')} % | {fmt(t['plugin_wall'] / t['base_wall'], '.3f')} | "
                   f"{fmt(t['base_rss'], '.0f')} → {fmt(t['plugin_rss'], '.0f')} |")
    counted = {name: i for name, i in (instr or {}).items() if i and i.get("ratio")}
    if counted:
        out.append("\nInstructions executed (valgrind callgrind, one run each; deterministic, so free of the noise "
                   "that other processes and the garbage collector's memory traffic put on CPU time):\n")
        out.append("| part | files | baseline G | plugin G | **instruction ratio** |\n|---|---:|---:|---:|---:|")
        out += [f"| {name} | {i['files']} | {i['base'] / 1e9:.3f} | {i['plugin'] / 1e9:.3f} | **{i['ratio']:.3f}** |"
                for name, i in counted.items()]
    out.append("\n*paired ratios*: plugin/baseline CPU of each repetition (lowest–highest); *baseline spread*: "
               "(max − min) / median of the baseline's CPU times, the machine's noise during the run.\n")
    return out


def render_checks(par, runs, gen_score):
    """-j2 equality, crashes, and the generated corpus's pitfalls and false alarms."""
    out = ["## Parallel runs, crashes, messages\n",
           f"- `-j2` messages identical to `-j1` on all parts: **{'yes' if par['equal'] else 'NO'}** "
           f"({par['messages']} messages)."]
    if not par["equal"]:
        out.append(f"  - only in -j1: {par['only_j1']}\n  - only in -j2: {par['only_j2']}")
    for name, r in runs.items():
        out.append(f"- {name}: {len(r['crashes'])} astroid-error/fatal, {r['tracebacks']} tracebacks, "
                   f"{len(r['internal_errors'])} `pylint-rnn: internal error`, {len(r['ours'])} rnn-* messages.")
    if gen_score:
        out.append(f"- Generated corpus: {len(gen_score['found'])} of {gen_score['pitfalls']} injected pitfalls "
                   f"found; {len(gen_score['other'])} other messages (false alarms on correct code).")
        for line in gen_score["missed"]:
            out.append(f"  - missed: `{line}`")
        for line in gen_score["other"]:
            out.append(f"  - false alarm: `{line}`")
    return out + ["", "Every message: `benchmarks/corpus_findings.txt`.\n"]


def render_profile(name, prof):
    """Where the plugin's time goes, with what each hot function does (its docstring)."""
    out = [f"## Profile: {name} (cProfile, CPU time, in-process)\n"]
    if "error" in prof:
        return out + ["profile failed:\n```", prof["error"], "```\n"]
    share = fmt(100 * prof["plugin_share"], ".1f")
    out.append(f"{fmt(prof['total_s'], '.1f')} s CPU for {prof['files']} files; the plugin's visits (entered "
               f"from pylint's walker) took {fmt(prof['plugin_visit_s'])} s = **{share} %** "
               f"({prof['guard_calls']} guarded visits), plus {fmt(prof['load_s'])} s of plugin import. "
               "cProfile inflates call-heavy code, so these shares are upper bounds.\n")
    out.append("| checker | s |\n|---|---:|")
    out += [f"| {mod} | {fmt(s, '.3f')} |" for mod, s in prof["per_checker"].items()]
    out.append("\n| plugin module (self time) | s |\n|---|---:|")
    out += [f"| {mod} | {fmt(s, '.3f')} |" for mod, s in list(prof["own_self"].items())[:12]]
    for title, rows in (("cumulative", prof["top_cumulative"]), ("self", prof["top_self"])):
        out.append(f"\nHottest plugin functions by {title} time:\n")
        out.append("| function | calls | self s | cumulative s | what it does |\n|---|---:|---:|---:|---|")
        out += [f"| `{key}` | {calls} | {fmt(self_s, '.3f')} | {fmt(cum_s, '.3f')} | {doc_of(key)} |"
                for key, calls, self_s, cum_s in rows]
    if prof.get("top_external"):
        out.append("\nOutside the plugin, called by it (astroid walks and lookups, file searches):\n")
        out.append("| function | calls from the plugin | cumulative s |\n|---|---:|---:|")
        out += [f"| `{key}` | {calls} | {fmt(cum_s, '.3f')} |" for key, calls, cum_s in prof["top_external"]]
    return out + [""]


def render_clocks(clocks):
    """CPU time per checker visit method and core entry point, measured with clocks (no profiler)."""
    out = ["## Where the plugin's time goes, measured with clocks\n",
           "Inclusive CPU time of each checker visit/leave method and of the outermost calls of the core's entry "
           "points, from `time.process_time()` around them (no profiler, so no per-call inflation; nested entry "
           "points are counted inside their callers too).\n"]
    for name, data in clocks.items():
        if "error" in data:
            out += [f"{name}: probe failed\n```", data["error"][-800:], "```\n"]
            continue
        out.append(f"**{name}**: {fmt(data['total_s'])} s CPU for {data['files']} files, of which the plugin's "
                   f"visits {fmt(data['visits_s'])} s.\n")
        out.append("| where | calls | s |\n|---|---:|---:|")
        out += [f"| `{key}` | {calls} | {fmt(seconds, '.3f')} |" for key, calls, seconds in data["rows"][:16]]
        out.append("")
    return out


def render_inference(inference):
    """Whether our checks make astroid infer into TensorFlow, and the project modules they make it parse."""
    base, plug = inference.get("base", {}), inference.get("plugin", {})
    out = ["## Astroid: inference and module loads (all parts)\n"]
    if "error" in base or "error" in plug:
        return out + [f"probe failed: {base.get('error') or plug.get('error')}\n"]
    extra = sorted(set(plug["tf_modules"]) - set(base["tf_modules"]))
    direct = plug["infer_calls_from_plugin"] - plug.get("infer_calls_in_plugin_module_loads", 0)
    tf_ours = plug["tf_module_requests_from_plugin"]
    out.append("| run | `infer()` calls | from pylint_rnn | TF/Keras module loads | from pylint_rnn |\n"
               "|---|---:|---:|---:|---:|")
    out.append(f"| baseline | {base['infer_calls']} | - | {base['tf_module_requests']} | - |")
    out.append(f"| plugin | {plug['infer_calls']} | {plug['infer_calls_from_plugin']} | {plug['tf_module_requests']} "
               f"| {len(tf_ours)} |")
    verdict = ("no inference into TensorFlow caused by our checks" if direct == 0 and not extra
               else "OUR CHECKS MAKE ASTROID INFER INTO TENSORFLOW")
    out.append(f"\nVerdict: **{verdict}**: {direct} `infer()` calls made by our code itself; TF/Keras modules "
               f"loaded only in the plugin run: {extra or 'none'}.")
    if tf_ours or plug.get("infer_calls_in_plugin_module_loads"):
        out.append(f"But astroid inferred {plug.get('infer_calls_in_plugin_module_loads', 0)} times, and loaded "
                   f"{len(tf_ours)} TF/Keras modules, while building project modules our code imported (a class "
                   "imported from another module of the project: is it a TF cell?). astroid's builder infers "
                   "attribute assignments and class types as it builds. The baseline builds the same modules when "
                   "it lints them; a run on some files only (pre-commit, an editor) pays this for us alone. First "
                   f"loads: {plug.get('tf_loads_through_project_modules') or tf_ours[:6]}.")
    out.append("")
    out.append(f"Project modules our code asked astroid for: {plug['module_requests_from_plugin']} requests "
               f"({plug['module_requests_from_plugin_via_uses_tf']} from `module_uses_tensorflow`), "
               f"{plug['plugin_module_parses']} of them parsed first by us "
               f"({fmt(plug['plugin_module_parse_s'], '.3f')} s CPU; "
               f"{', '.join(plug['modules_from_plugin_not_cached'][:10]) or 'none'}); requests by function: "
               f"{plug['module_requests_by_function'] or 'none'}.\n")
    return out


def render_verify(verify):
    """The runtime verifier's cost per script."""
    out = ["## Runtime verifier (goal: ratio ≤ 1.5)\n",
           f"`python -c 'import tensorflow'` alone: {fmt(verify['tf_import_s'])} s wall.\n",
           "| script | baseline | plain s | verify s | ratio | exit (plain/verify) |\n|---|---|---:|---:|---:|---|"]
    out += [f"| {r['script']} | {r['baseline']} | {fmt(r['plain_wall'])} | {fmt(r['verify_wall'])} | "
            f"**{fmt(r['ratio'])}** | {r['plain_rc']}/{r['verify_rc']} |" for r in verify["rows"]]
    return out + [""]


def history_table():
    """The last 30 lines of history.jsonl (older lines measured TensorFlow's sources)."""
    path = BENCH / "history.jsonl"
    rows = ["## History\n", "| date | commit | corpus | ratio generated | ratio fixtures | instruction ratio(s) "
            "| crashes | -j2 equal |", "|---|---|---|---:|---:|---:|---:|---|"]
    for line in (path.read_text(encoding="utf-8").splitlines() if path.exists() else [])[-30:]:
        try:
            h = json.loads(line)
        except json.JSONDecodeError:
            continue
        if "ratio_generated" not in h:
            h = {"date": h.get("date"), "commit": h.get("commit"), "corpus": "TF sources (old bench)",
                 "ratio_generated": h.get("ratio_j1")}
        rows.append(f"| {h.get('date')} | {h.get('commit')} | {h.get('corpus', '')} | "
                    f"{fmt(h.get('ratio_generated'), '.3f')} | {fmt(h.get('ratio_fixtures'), '.3f')} | "
                    f"{_instruction_ratios(h.get('ratio_instructions'))} | {h.get('crashes', '')} | "
                    f"{h.get('j2_equal', '')} |")
    return "\n".join(rows) + "\n"


def _instruction_ratios(value):
    """A history line's instruction ratio: one number (first 40 generated scripts, before 2026-12-04 19:30)
    or one per part (generated / fixtures / corpus)."""
    if isinstance(value, dict):
        return " / ".join(fmt(value.get(name), ".3f") for name in ("generated", "fixtures", "corpus") if name in value)
    return fmt(value, ".3f")


# ---------------------------------------------------------------------------------------------- measure
def collect_parts(args, workdir):
    """{part: {files, lines, what}} and the generated corpus's expected pitfalls."""
    gen_dir = Path(workdir) / "generated"
    gen_files, expected = generated_corpus(gen_dir, args.count, args.seed)
    parts = {"generated": {"paths": gen_files, "what": f"benchmarks/corpus.py, seed {args.seed}"},
             "fixtures": {"paths": python_files(ROOT / "fixtures"), "what": "fixtures/**/*.py"}}
    if args.corpus:
        parts["corpus"] = {"paths": python_files(args.corpus), "what": f"--corpus {args.corpus}"}
        if not parts["corpus"]["paths"]:
            log(f"WARNING: no .py file under {args.corpus}")
            del parts["corpus"]
    for part in parts.values():
        part["files"], part["lines"] = len(part["paths"]), count_lines(part["paths"])
    return parts, expected, gen_dir


def measure(args, parts, expected, gen_dir, workdir):
    """Every stage; -> the figures render() needs."""
    m = {"timing": {}, "runs": {}}
    warm_up(parts["generated"]["paths"] + parts["fixtures"]["paths"][:5], workdir)
    for name, part in parts.items():
        log(f"[timing] {name}: {part['files']} files, {part['lines']} lines")
        m["timing"][name] = timing(part["paths"], workdir, args.reps, 1, name)
        m["runs"][name] = m["timing"][name].pop("findings")
    gen = parts["generated"]["paths"]
    m["instructions"] = {name: instructions(part["paths"][: args.instr_files or None], workdir, name)
                         for name, part in parts.items()} if args.instr_files >= 0 else None
    log("[-j2] all parts")
    everything = [p for part in parts.values() for p in part["paths"]]
    j1 = parse_pylint(run_measured(pylint_cmd(everything, True, 1), workdir, "parallel-j1"))
    m["parallel"] = parallel(everything, workdir, j1)
    m["all_messages"] = j1["ours"]
    m["generated_score"] = score_generated(expected, m["runs"]["generated"], gen_dir)
    log("[profile]")
    m["profiles"] = {"generated corpus": summarize_profile(probe("profile", gen, workdir))}
    m["clocks"] = {"generated corpus": probe("visits", gen, workdir)}
    if "corpus" in parts:
        m["profiles"]["--corpus"] = summarize_profile(probe("profile", parts["corpus"]["paths"], workdir))
        m["clocks"]["--corpus"] = probe("visits", parts["corpus"]["paths"], workdir)
    log("[astroid probe]")
    probe_files = [p for part in parts.values() for p in part["paths"]]
    m["inference"] = {"base": probe("inference", probe_files, workdir),
                      "plugin": probe("inference", probe_files, workdir, "--plugin")}
    m["verify"] = verifier(workdir, args.verify_reps) if args.verify else None
    return m


def write_findings(messages, gen_dir):
    """Every message on the corpus, one a line, paths relative to the repository (or <generated>/)."""
    lines = []
    for msg in sorted(messages, key=lambda m: (m["path"], m["line"], m["symbol"])):
        path = os.path.abspath(msg["path"])
        generated = path.startswith(str(gen_dir))
        shown = "<generated>/" + os.path.basename(path) if generated else os.path.relpath(path, ROOT)
        lines.append(f"{shown}:{msg['line']}: {msg['symbol']}: {msg['message']}")
    (BENCH / "corpus_findings.txt").write_text(
        "# Our messages on the benchmark corpus (generated scripts, fixtures, --corpus), from `make bench`.\n"
        + "\n".join(lines) + "\n", encoding="utf-8")


def render(info, parts, m, elapsed):
    """results.md without its history table."""
    out = render_header(info, parts) + render_overhead(m["timing"], m["instructions"])
    out += render_checks(m["parallel"], m["runs"], m["generated_score"])
    out += render_clocks(m["clocks"])
    for name, prof in m["profiles"].items():
        out += render_profile(name, prof)
    out += render_inference(m["inference"])
    if m["verify"]:
        out += render_verify(m["verify"])
    out.append(f"Benchmark wall time: {elapsed / 60:.1f} min.\n")
    analysis = BENCH / "analysis.md"
    if analysis.exists():
        out.append(analysis.read_text(encoding="utf-8"))
    return "\n".join(out) + "\n"


def record(info, parts, m, elapsed, text):
    """Append to history.jsonl; write results.md and results.json."""
    runs = m["runs"]
    history = {"date": info["date"], "commit": info["commit"],
               "corpus": " + ".join(f"{k} {v['lines']}" for k, v in parts.items()),
               "ratio_generated": m["timing"]["generated"]["ratio_cpu"],
               "ratio_fixtures": m["timing"]["fixtures"]["ratio_cpu"],
               "ratio_corpus": m["timing"].get("corpus", {}).get("ratio_cpu"),
               "ratio_instructions": {name: i.get("ratio") for name, i in (m["instructions"] or {}).items() if i},
               "crashes": sum(len(r["crashes"]) + r["tracebacks"] + len(r["internal_errors"]) for r in runs.values()),
               "j2_equal": m["parallel"]["equal"]}
    with open(BENCH / "history.jsonl", "a", encoding="utf-8") as handle:
        handle.write(json.dumps(history) + "\n")
    (BENCH / "results.md").write_text(text + "\n" + history_table(), encoding="utf-8")
    slim = {k: v for k, v in m.items() if k not in ("runs", "all_messages")}
    (BENCH / "results.json").write_text(json.dumps(
        {"elapsed_min": round(elapsed / 60, 1), "info": info,
         "parts": {k: {kk: vv for kk, vv in v.items() if kk != "paths"} for k, v in parts.items()}, **slim},
        indent=1, default=str), encoding="utf-8")


def parse_args(argv):
    """The command line (environment variables give the defaults make passes through)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=os.environ.get("CORPUS") or None,
                        help="also measure every .py file under this directory")
    parser.add_argument("--count", type=int, default=int(os.environ.get("BENCH_COUNT", 120)),
                        help="generated scripts (default 120)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--reps", type=int, default=int(os.environ.get("BENCH_REPS", 5)),
                        help="timing repetitions per part (default 5)")
    parser.add_argument("--instr-files", type=int, default=int(os.environ.get("BENCH_INSTR_FILES", 0)),
                        help="files of each part counted with valgrind (default 0: all of them; -1 skips)")
    parser.add_argument("--verify", action="store_true", help="also time the runtime verifier (minutes)")
    parser.add_argument("--verify-reps", type=int, default=2)
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 24 scripts, 2 reps, no valgrind; prints, writes nothing")
    args = parser.parse_args(argv)
    if args.quick:
        args.count, args.reps, args.instr_files = 24, 2, -1
    return args


def main(argv=None):
    """Measure, render, record, summarise."""
    args = parse_args(argv)
    started = time.perf_counter()
    info = machine()
    with tempfile.TemporaryDirectory(prefix="pylint-rnn-bench-") as workdir:
        parts, expected, gen_dir = collect_parts(args, workdir)
        sizes = ", ".join(f"{k} {v['files']} files/{v['lines']} lines" for k, v in parts.items())
        log(f"pylint-rnn benchmark {info['date']} commit {info['commit']} on {info['cpu']} x{info['nproc']}, "
            f"load {info['load']}; {sizes}")
        m = measure(args, parts, expected, gen_dir, workdir)
        if not args.quick:
            write_findings(m["all_messages"], gen_dir)
    elapsed = time.perf_counter() - started
    text = render(info, parts, m, elapsed)
    if args.quick:
        print(text + "\n" + history_table())
        return 0
    record(info, parts, m, elapsed, text)
    for name, t in m["timing"].items():
        log(f"{name}: ratio {t['ratio_cpu']:.3f} (paired {t['paired_min']:.3f}-{t['paired_max']:.3f}, "
            f"baseline spread {100 * t['base_spread']:.0f} %)")
    for name, counted in (m["instructions"] or {}).items():
        if counted and counted.get("ratio"):
            log(f"{name}: instruction ratio {counted['ratio']:.3f}")
    log(f"-j2 identical: {m['parallel']['equal']}; wrote {BENCH / 'results.md'} in {elapsed / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
