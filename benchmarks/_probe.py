"""In-process measurements for benchmarks/run.py (run in a fresh interpreter per measurement).

    python benchmarks/_probe.py profile   FILELIST OUT.json   cProfile of one pylint run with the plugin
    python benchmarks/_probe.py inference FILELIST OUT.json [--plugin]
                                                             count astroid inference / module loads

Each mode lints the files listed (one path a line) with pylint's Run in this process, so that astroid's
entry points can be instrumented. Nothing here imports TensorFlow.
"""
from __future__ import annotations

import cProfile
import json
import os
import pstats
import sys
import time
from collections import Counter, defaultdict

TF_ROOTS = ("tensorflow", "keras", "tf_keras")
BASE_ARGS = ["--persistent=n", "--score=n", "--disable=all", "--enable=syntax-error"]
PLUGIN_ARGS = ["--load-plugins=pylint_rnn", "--enable=rnn,rnn-time-axis-reduction"]


def _lint(files, plugin):
    from pylint.lint import Run
    from pylint.reporters import CollectingReporter

    reporter = CollectingReporter()
    args = BASE_ARGS + (PLUGIN_ARGS if plugin else []) + files
    Run(args, reporter=reporter, exit=False)
    return reporter.messages


def _where(code_file):
    """'checkers.<module>' / 'core.<module>' / 'other' for a function's source file."""
    norm = code_file.replace(os.sep, "/")
    marker = "/pylint_rnn/"
    if marker not in norm:
        return None
    rel = norm.split(marker, 1)[1]
    if rel.endswith(".py"):
        rel = rel[:-3]
    return rel.replace("/", ".")


def profile(files, out):
    # CPU time, not wall time: the machine may be shared, and the ratio is what matters.
    prof = cProfile.Profile(time.process_time)
    t0 = time.process_time()
    prof.enable()
    messages = _lint(files, plugin=True)
    prof.disable()
    total = time.process_time() - t0
    stats = pstats.Stats(prof).stats  # {(file, line, name): (cc, nc, tt, ct, callers)}

    entry = defaultdict(float)      # plugin module -> cumulative time entered from pylint (visit/leave/open/close)
    entry_funcs = Counter()         # "module.func" -> cumulative time entered from pylint
    own = defaultdict(float)        # plugin module -> self time of its functions
    own_funcs = Counter()           # "module.func" -> self time
    calls = Counter()
    for (path, _line, name), (_cc, nc, tt, _ct, callers) in stats.items():
        mod = _where(path)
        if mod is None:
            continue
        own[mod] += tt
        own_funcs[f"{mod}.{name}"] += tt
        calls[f"{mod}.{name}"] += nc
        if mod == "checkers._guard":
            continue  # the wrapper: attributed below through the function it wraps
        for (cpath, _cl, cname), (_c, _n, _t, cct) in callers.items():
            cmod = _where(cpath)
            if cmod is None or cmod == "checkers._guard":
                entry[mod] += cct
                entry_funcs[f"{mod}.{name}"] += cct
    guard_total = sum(value[3] for (path, _line, name), value in stats.items()
                      if _where(path) == "checkers._guard" and name == "guarded")
    json.dump({
        "total_s": total,
        "files": len(files),
        "messages": len(messages),
        "entry_cumulative_s": dict(entry),
        "top_entry_functions": entry_funcs.most_common(25),
        "self_time_s": dict(own),
        "top_self_functions": own_funcs.most_common(25),
        "calls": {k: calls[k] for k, _ in own_funcs.most_common(25)},
        "guard_cumulative_s": guard_total,
    }, open(out, "w", encoding="utf-8"), indent=1)


def inference(files, out, plugin):
    """Count astroid inference calls and module loads, and which of them our code caused."""
    from astroid import nodes
    from astroid.manager import AstroidManager

    here = os.path.dirname(os.path.abspath(__file__))
    pkg_dir = os.path.join(os.path.dirname(here), "pylint_rnn") + os.sep
    counts = Counter()
    modules = Counter()
    ours_modules = Counter()
    ours_any = Counter()            # every module astroid was asked for by our code (TF or not)
    depth = [0]                     # > 0 while a module load requested by our code is running

    def from_plugin():
        frame = sys._getframe(2)
        while frame is not None:
            if frame.f_code.co_filename.startswith(pkg_dir):
                return True
            frame = frame.f_back
        return False

    original_infer = nodes.NodeNG.infer
    original_load = AstroidManager.ast_from_module_name

    def infer(self, context=None, **kwargs):
        counts["infer"] += 1
        if plugin and from_plugin():
            counts["infer_from_plugin"] += 1
            if depth[0]:
                counts["infer_in_plugin_module_loads"] += 1  # astroid's brain transforms building that module
        return original_infer(self, context, **kwargs)

    def load(self, modname, *args, **kwargs):
        ours = False
        if modname:
            counts["module_requests"] += 1
            root = modname.split(".")[0]
            ours = plugin and from_plugin()
            if ours:
                ours_any[(modname, modname in self.astroid_cache)] += 1
            if root in TF_ROOTS:
                modules[modname] += 1
                if ours:
                    ours_modules[modname] += 1
        depth[0] += ours
        try:
            return original_load(self, modname, *args, **kwargs)
        finally:
            depth[0] -= ours

    nodes.NodeNG.infer = infer
    AstroidManager.ast_from_module_name = load
    try:
        _lint(files, plugin=plugin)
    finally:
        nodes.NodeNG.infer = original_infer
        AstroidManager.ast_from_module_name = original_load
    json.dump({
        "plugin": plugin,
        "infer_calls": counts["infer"],
        "infer_calls_from_plugin": counts["infer_from_plugin"],
        "module_requests": counts["module_requests"],
        "tf_module_requests": sum(modules.values()),
        "tf_modules": sorted(modules),
        "tf_module_requests_from_plugin": sorted(ours_modules),
        "infer_calls_in_plugin_module_loads": counts["infer_in_plugin_module_loads"],
        "module_requests_from_plugin": sum(ours_any.values()),
        "modules_from_plugin_not_cached": sorted({m for (m, cached) in ours_any if not cached}),
    }, open(out, "w", encoding="utf-8"), indent=1)


def main(argv):
    mode, filelist, out = argv[:3]
    files = [line for line in open(filelist, encoding="utf-8").read().splitlines() if line]
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    if mode == "profile":
        profile(files, out)
    elif mode == "inference":
        inference(files, out, plugin="--plugin" in argv[3:])
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
