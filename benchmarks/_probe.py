"""In-process measurements for benchmarks/run.py (run in a fresh interpreter per measurement).

    python benchmarks/_probe.py profile   FILELIST OUT.json   cProfile of one pylint run with the plugin
    python benchmarks/_probe.py inference FILELIST OUT.json [--plugin]
                                                             astroid inference calls and module loads
    python benchmarks/_probe.py visits    FILELIST OUT.json   CPU time per checker visit and per core entry
                                                             point, measured with clocks, not a profiler

Each mode lints the files listed (one path a line) with pylint's Run in this process, so that astroid's
entry points can be instrumented. Nothing here imports TensorFlow.
"""
from __future__ import annotations

import cProfile
import functools
import json
import os
import pstats
import sys
import time
from collections import Counter, defaultdict

TF_ROOTS = ("tensorflow", "keras", "tf_keras")
RCFILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench.pylintrc")
BASE_ARGS = [f"--rcfile={RCFILE}", "--persistent=n", "--score=n", "--disable=all", "--enable=syntax-error"]
PLUGIN_ARGS = ["--load-plugins=pylint_rnn", "--enable=rnn,rnn-time-axis-reduction"]
TOP = 30


def _lint(files, plugin):
    from pylint.lint import Run
    from pylint.reporters import CollectingReporter

    reporter = CollectingReporter()
    args = BASE_ARGS + (PLUGIN_ARGS if plugin else []) + files
    Run(args, reporter=reporter, exit=False)
    return reporter.messages


def _where(code_file):
    """'checkers.<module>' / 'core.<module>' / ... for a function of pylint_rnn, else None."""
    norm = code_file.replace(os.sep, "/")
    marker = "/pylint_rnn/"
    if marker not in norm:
        return None
    rel = norm.split(marker, 1)[1]
    if rel.endswith(".py"):
        rel = rel[:-3]
    return rel.replace("/", ".")


def _plugin_functions(stats):
    """{"module.func:line": (calls, self s, cumulative s, callers)} for pylint_rnn's functions."""
    out = {}
    for (path, line, name), (_cc, calls, self_s, cum_s, callers) in stats.items():
        mod = _where(path)
        if mod is not None:
            out[f"{mod}.{name}:{line}"] = (calls, self_s, cum_s, callers)
    return out


def _entries(stats):
    """Time entered from pylint per plugin module and function (the wrapper `guarded` is looked through)."""
    entry, entry_funcs = defaultdict(float), Counter()
    for (path, _line, name), row in stats.items():
        mod = _where(path)
        if mod is None or mod == "checkers._guard":
            continue
        for caller, edge in row[4].items():  # row: (cc, nc, tt, ct, callers); edge: (cc, nc, tt, ct)
            if _where(caller[0]) in (None, "checkers._guard"):
                entry[mod] += edge[3]
                entry_funcs[f"{mod}.{name}"] += edge[3]
    return entry, entry_funcs


def _external(stats):
    """Time in functions outside pylint_rnn (astroid's walks, lookups, file searches) when our code calls
    them directly: [("file:line:func", (calls from us, cumulative s from us))], largest first."""
    out = {}
    for (path, line, name), (_cc, _nc, _tt, _ct, callers) in stats.items():
        if _where(path) is not None:
            continue
        ours = [(ncalls, cct) for (cpath, _cl, _cname), (_c, ncalls, _t, cct) in callers.items()
                if _where(cpath) not in (None, "checkers._guard")]
        if ours:
            short = "/".join(path.replace(os.sep, "/").split("/")[-2:])
            out[f"{short}:{line}:{name}"] = (int(sum(n for n, _ in ours)), sum(c for _, c in ours))
    return sorted(out.items(), key=lambda kv: -kv[1][1])[:TOP]


def _summary(stats, total, files, messages):
    """The JSON record of one profiled run."""
    funcs = _plugin_functions(stats)
    entry, entry_funcs = _entries(stats)
    own = defaultdict(float)
    for key, row in funcs.items():  # row: (calls, self s, cumulative s, callers)
        own[key.split(":")[0].rsplit(".", 1)[0]] += row[1]
    by_self = sorted(funcs.items(), key=lambda kv: -kv[1][1])[:TOP]
    by_cum = sorted(((k, v) for k, v in funcs.items() if not k.startswith("checkers._guard.")),
                    key=lambda kv: -kv[1][2])[:TOP]
    guarded = [v for k, v in funcs.items() if k.startswith("checkers._guard.guarded")]
    return {
        "total_s": total, "files": len(files), "messages": len(messages),
        "entry_cumulative_s": dict(entry), "top_entry_functions": entry_funcs.most_common(25),
        "self_time_s": dict(own),
        "top_self": [(k, v[0], v[1], v[2]) for k, v in by_self],
        "top_cumulative": [(k, v[0], v[1], v[2]) for k, v in by_cum],
        "top_external": [(k, calls, cum) for k, (calls, cum) in _external(stats)],
        "guard_cumulative_s": sum(v[2] for v in guarded), "guard_calls": sum(v[0] for v in guarded),
    }


def profile(files, out):
    """cProfile (CPU time: the machine may be shared) of one plugin run, summarised as JSON."""
    prof = cProfile.Profile(time.process_time)
    started = time.process_time()
    prof.enable()
    messages = _lint(files, plugin=True)
    prof.disable()
    total = time.process_time() - started
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(_summary(pstats.Stats(prof).stats, total, files, messages), handle, indent=1)


def _plugin_frames():
    """Names ("module.func") of the pylint_rnn functions on the current stack, innermost first."""
    frame, names = sys._getframe(2), []  # pylint: disable=protected-access  # the stack, cheaply
    while frame is not None:
        mod = _where(frame.f_code.co_filename)
        if mod is not None:
            names.append(f"{mod}.{frame.f_code.co_name}")
        frame = frame.f_back
    return names


class Recorder:
    """Wraps astroid's infer() and module loading, and counts what our code caused (and at what cost)."""

    def __init__(self, plugin):
        self.plugin = plugin
        self.counts, self.modules, self.ours_modules = Counter(), Counter(), Counter()
        self.loads = []        # (modname, was cached, seconds, innermost plugin function, via module_uses_tensorflow)
        self.ours_stack = []   # project modules our code is having astroid build, outermost first
        self.tf_through = Counter()  # (TF module, project module whose build loaded it)

    def wrap_infer(self, original):
        """infer() that counts calls, those from our code, and those inside module builds we asked for."""
        def infer(node, context=None, **kwargs):
            self.counts["infer"] += 1
            if self.plugin and _plugin_frames():
                self.counts["infer_from_plugin"] += 1
                if self.ours_stack:
                    self.counts["infer_in_plugin_module_loads"] += 1  # astroid's transforms building it
            return original(node, context, **kwargs)
        return infer

    def wrap_load(self, original):
        """ast_from_module_name() that records the module loads our code asked for."""
        def load(manager, modname, *args, **kwargs):
            chain = _plugin_frames() if self.plugin and modname else []
            cached = modname in manager.astroid_cache
            if modname:
                self.counts["module_requests"] += 1
                if modname.split(".")[0] in TF_ROOTS:
                    self.modules[modname] += 1
                    if chain:
                        self.ours_modules[modname] += 1
                        if self.ours_stack and not cached:
                            self.tf_through[(modname, self.ours_stack[0])] += 1
            if chain:
                self.ours_stack.append(modname)
            started = time.process_time()
            try:
                return original(manager, modname, *args, **kwargs)
            finally:
                if chain:
                    self.ours_stack.pop()
                    self.loads.append((modname, cached, time.process_time() - started, chain[0],
                                       any(name.endswith(".module_uses_tensorflow") for name in chain)))
        return load

    def record(self):
        """The JSON record of the run."""
        fresh = [row for row in self.loads if not row[1]]
        return {
            "plugin": self.plugin,
            "infer_calls": self.counts["infer"],
            "infer_calls_from_plugin": self.counts["infer_from_plugin"],
            "infer_calls_in_plugin_module_loads": self.counts["infer_in_plugin_module_loads"],
            "module_requests": self.counts["module_requests"],
            "tf_module_requests": sum(self.modules.values()),
            "tf_modules": sorted(self.modules),
            "tf_module_requests_from_plugin": sorted(self.ours_modules),
            "module_requests_from_plugin": len(self.loads),
            "module_requests_from_plugin_via_uses_tf": sum(1 for row in self.loads if row[4]),
            "modules_from_plugin_not_cached": sorted({row[0] for row in fresh}),
            "plugin_module_parses": len(fresh),
            "plugin_module_parse_s": sum(row[2] for row in fresh),
            "plugin_module_request_s": sum(row[2] for row in self.loads),
            "module_requests_by_function": Counter(row[3] for row in self.loads).most_common(10),
            "tf_loads_through_project_modules": [f"{tf} (building {mod})"
                                                 for (tf, mod), _ in self.tf_through.most_common(10)],
        }


def inference(files, out, plugin):
    """Count astroid inference calls and module loads, and which of them our code caused."""
    from astroid import nodes
    from astroid.manager import AstroidManager

    recorder = Recorder(plugin)
    original_infer, original_load = nodes.NodeNG.infer, AstroidManager.ast_from_module_name
    nodes.NodeNG.infer = recorder.wrap_infer(original_infer)
    AstroidManager.ast_from_module_name = recorder.wrap_load(original_load)
    try:
        _lint(files, plugin=plugin)
    finally:
        nodes.NodeNG.infer, AstroidManager.ast_from_module_name = original_infer, original_load
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(recorder.record(), handle, indent=1)


# Core entry points timed by the "visits" mode (outermost call only, so nested calls are not counted twice).
TIMED = ("core.tfapi.module_uses_tensorflow", "core.tfapi.call_api", "core.tfapi.qualified_path",
         "core.effects.effects", "core.effects.module_creates_variables", "core.effects.function_of_call",
         "core.scopes.reuse_mode", "core.scopes.scope_key", "core.dataflow.reaching_bindings",
         "core.dataflow.definitions", "core.celllists.cell_list", "core.timeaxis.rnn_time_axis",
         "core.timeaxis.stack_depth", "core.sessions.session_run", "core.trainable.depends_on_trainable",
         "core.tree.own_nodes")


def _clocked(function, key, totals, active):
    """function, with its outermost calls' CPU time added to totals[key]."""
    @functools.wraps(function)
    def clocked(*args, **kwargs):
        if active[key]:
            return function(*args, **kwargs)
        active[key] = True
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            totals[key][0] += 1
            totals[key][1] += time.process_time() - started
            active[key] = False
    return clocked


def _install_clocks(totals, active):
    """Wrap the TIMED core functions (wherever a module bound them) and every checker visit/leave method."""
    import importlib
    from pylint_rnn.checkers import all_checker_classes

    checker_classes = all_checker_classes()  # imports every checker, analysis and core module
    loaded = [m for name, m in sys.modules.items() if name.startswith("pylint_rnn.")]
    for name in TIMED:
        mod, func = name.rsplit(".", 1)
        original = getattr(importlib.import_module(f"pylint_rnn.{mod}"), func, None)
        if original is None:
            continue
        clocked = _clocked(original, name, totals, active)
        for module in loaded:  # `from x import f` bindings too
            if getattr(module, func, None) is original:
                setattr(module, func, clocked)
    for klass in checker_classes:
        for attr in [a for a in vars(klass) if a.startswith(("visit_", "leave_"))]:
            setattr(klass, attr, _clocked(getattr(klass, attr), f"{klass.__name__}.{attr}", totals, active))


def visits(files, out):
    """CPU time (inclusive) per checker visit/leave method and per TIMED core function, with plain clocks:
    cProfile's per-call cost inflates this call-heavy code several times over."""
    totals, active = defaultdict(lambda: [0, 0.0]), defaultdict(bool)
    _install_clocks(totals, active)
    started = time.process_time()
    _lint(files, plugin=True)
    total = time.process_time() - started
    rows = sorted(((k, v[0], v[1]) for k, v in totals.items()), key=lambda row: -row[2])
    with open(out, "w", encoding="utf-8") as handle:
        json.dump({"total_s": total, "files": len(files),
                   "visits_s": sum(s for k, _, s in rows if ".visit_" in k or ".leave_" in k),
                   "rows": rows}, handle, indent=1)


def main(argv):
    """python _probe.py MODE FILELIST OUT.json [--plugin]"""
    mode, filelist, out = argv[:3]
    with open(filelist, encoding="utf-8") as handle:
        files = [line for line in handle.read().splitlines() if line]
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    if mode == "profile":
        profile(files, out)
    elif mode == "inference":
        inference(files, out, plugin="--plugin" in argv[3:])
    elif mode == "visits":
        visits(files, out)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
