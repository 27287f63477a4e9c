"""Turns what the probes recorded into findings and the structure table (child process only)."""
from __future__ import annotations

from .probes import COPY_OPS, READ_OPS, VAR_OPS, Recorder


def _site_str(site):
    return f"{site[0]}:{site[1]}" if site else "?"


class Analysis:
    """The checks on what the probes recorded of TF1 graphs; each adds its findings to the recorder."""

    def __init__(self, rec: Recorder):
        self.rec = rec
        self.tf = rec.tf
        self._var_info = {id(v["var"]): v for v in rec.variables}

    # ------------------------------------------------------------------ helpers
    def info(self, var):
        return self._var_info.get(id(var))

    def _closure_vars(self, tensors, graph, copy_only=False, limit=20000):
        """Variables whose value flows (by data edges) into the tensors. With copy_only, only through
        ops that merely copy/reshape values."""
        var_by_op = self.rec.var_ops(graph)
        out, seen = [], set()
        stack = [t.op for t in tensors if hasattr(t, "op")]
        while stack and len(seen) < limit:
            op = stack.pop()
            if op.name in seen:
                continue
            seen.add(op.name)
            if op.type in VAR_OPS:
                rec = var_by_op.get(op.name)
                if rec is not None and rec["var"] not in out:
                    out.append(rec["var"])
                continue
            if copy_only and op.type not in COPY_OPS:
                continue
            stack.extend(t.op for t in op.inputs)
        return out

    def gradient_status(self):
        """id(var) -> True/False for every variable some objective tries to train."""
        status = {}
        for obj in self.rec.objectives:
            for v in obj["vars"]:
                status[id(v)] = status.get(id(v), False) or obj["has_grad"].get(id(v), False)
        return status

    def add_objective_from_loss(self, loss):
        """A factory returned a loss and built no optimizer: ask tf.gradients about every trainable var."""
        tf = self.tf
        graph = loss.graph
        with graph.as_default():
            tvars = [r["var"] for r in self.rec.variables if r["graph"] is graph and r["trainable"]]
            tvars = [v for v in tvars if v in graph.get_collection(tf.compat.v1.GraphKeys.TRAINABLE_VARIABLES)] or tvars
            if not tvars:
                return
            from tensorflow.python.ops import gradients_impl

            grads = gradients_impl.gradients(loss, tvars)
        self.rec.add_objective("factory-loss", loss, list(zip(grads, tvars)), None)

    # ------------------------------------------------------------------ checks
    def run_all(self):
        """Every check on the TF1 graph records; findings go to the recorder."""
        status = self.gradient_status()
        self.check_no_gradient(status)
        self.check_roundtrip()
        self.check_untrained_initial_state(status)
        self.check_not_shared()
        self.check_layers_as_timesteps()

    def check_no_gradient(self, status):
        """rnn-no-gradient: a trainable variable an objective trains but that gets no gradient from it."""
        for info in self.rec.variables:
            v = info["var"]
            if not info["trainable"] or status.get(id(v), True):
                continue
            losses = [o for o in self.rec.objectives if id(v) in o["has_grad"]]
            trained_at = [str(o["site"][1]) for o in losses if o["site"]]
            self.rec.add_finding(
                "rnn-no-gradient",
                f"Trainable variable '{info['name']}' has no gradient path to the loss being trained"
                + (f" (trained at line {', '.join(sorted(set(trained_at)))})" if trained_at else "")
                + ": the optimizer never updates it.",
                info["site"], True,
                {"variable": info["name"], "shape": list(info["shape"] or []), "losses": len(losses)})

    def check_roundtrip(self):
        """rnn-placeholder-roundtrip: a fetched value fed back into a training run through a placeholder."""
        rec = self.rec
        carried_in = {id(t) for call in rec.rnn_calls for t in call["init"]}
        carried_out = {id(t) for call in rec.rnn_calls for t in call["final"]}
        import numpy as np

        for run in rec.runs:
            if not run["objectives"]:
                continue
            trained = {}
            for obj in run["objectives"]:
                for v in obj["vars"]:
                    trained[id(v)] = trained.get(id(v), False) or obj["has_grad"].get(id(v), False)
            for key, value in run["feeds"]:
                if key.op.type not in ("Placeholder", "PlaceholderWithDefault"):
                    continue
                src = self._match_fetch(run, value, np)
                if src is None:
                    continue
                fetched_tensor, fetch_run = src
                if id(key) in carried_in or id(fetched_tensor) in carried_out or self._feeds_initial_state(key):
                    continue
                producers = self._closure_vars([fetched_tensor], run["graph"])
                starving = [v for v in producers if self.info(v) and self.info(v)["trainable"]
                            and id(v) in trained and not trained[id(v)]]
                if not starving:
                    continue
                names = [self.info(v)["name"] for v in starving]
                rec.add_finding(
                    "rnn-placeholder-roundtrip",
                    f"The value fed to placeholder '{key.op.name}' was fetched by an earlier Session.run "
                    f"(line {fetch_run['site'][1] if fetch_run['site'] else '?'}) from '{fetched_tensor.name}'; "
                    f"feeding it back cuts the graph, so {len(starving)} trainable variable(s) that produced it "
                    f"({', '.join(names[:4])}{', ...' if len(names) > 4 else ''}) get no gradient from this "
                    f"training run. Connect the tensor directly instead of round-tripping through a placeholder.",
                    run["site"], True,
                    {"placeholder": key.op.name, "fetched": fetched_tensor.name,
                     "fetch_line": fetch_run["site"][1] if fetch_run["site"] else None,
                     "placeholder_line": (rec.traceback_site(key.op.traceback) or (None, None))[1],
                     "variables": names})

    def _feeds_initial_state(self, placeholder):
        """Is the placeholder (possibly via copy ops) an RNN initial state?"""
        inits = [t for call in self.rec.rnn_calls for t in call["init"]]
        for t in inits:
            op = t.op
            for _ in range(4):
                if op is placeholder.op:
                    return True
                if op.type in COPY_OPS and op.inputs:
                    op = op.inputs[0].op
                else:
                    break
        return False

    def _match_fetch(self, run, value, np):
        earlier = [r for r in self.rec.runs if r["index"] < run["index"] and r["graph"] is run["graph"]]
        for r in reversed(earlier):
            for t, v in r["fetched"]:
                if v is value:
                    return t, r
        if isinstance(value, np.ndarray) and value.size > 1:
            for r in reversed(earlier):
                for t, v in r["fetched"]:
                    if v.shape == value.shape and v.dtype == value.dtype and np.array_equal(v, value):
                        return t, r
        return None

    def check_untrained_initial_state(self, status):
        """rnn-untrained-initial-state: an RNN's initial state is a variable trainable ones are only assigned to."""
        rec = self.rec
        for call in rec.rnn_calls:
            if not call["init"]:
                continue
            graph = call["graph"]
            state_vars = self._closure_vars(call["init"], graph, copy_only=True)
            starving = [v for v in state_vars if not status.get(id(v), False)]
            if not starving:
                continue
            starving_ids = {id(v) for v in starving}
            sources, assign_lines = [], []
            for op in graph.get_operations():
                if op.type not in ("Assign", "AssignVariableOp") or len(op.inputs) < 2:
                    continue
                target = self._closure_vars([op.inputs[0]], graph, copy_only=True)
                if not any(id(v) in starving_ids for v in target):
                    continue
                for src in self._closure_vars([op.inputs[1]], graph, copy_only=True):
                    info = self.info(src)
                    if info and info["trainable"] and id(src) not in starving_ids and not status.get(id(src), False):
                        if src not in sources:
                            sources.append(src)
                        site = rec.traceback_site(op.traceback)
                        if site:
                            assign_lines.append(site[1])
            if not sources:
                continue
            state_names = [self.info(v)["name"] for v in starving if self.info(v)]
            src_names = [self.info(v)["name"] for v in sources]
            rec.add_finding(
                "rnn-untrained-initial-state",
                f"The initial state of this {call['api']} comes from variable(s) {', '.join(state_names)} "
                f"that receive no gradient; trainable variable(s) {', '.join(src_names)} are only assigned "
                f"into them (line(s) {', '.join(str(x) for x in sorted(set(assign_lines)))}), and an assign "
                f"has no gradient, so the 'trainable' initial state is never trained. Feed the trainable "
                f"variables to the RNN as its initial state (and train them), instead of copying them.",
                call["site"], True,
                {"state_variables": state_names, "assigned_from": src_names,
                 "assign_lines": sorted(set(assign_lines))})

    def check_not_shared(self):
        """rnn-variable-not-shared: a second variable of one shape made at one line in a reusing scope."""
        rec = self.rec
        by_key = {}
        for info in rec.variables:
            if info["graph"] is None or info["site"] is None:
                continue
            key = (id(info["graph"]), info["site"][0], info["site"][1], info["shape"])
            by_key.setdefault(key, []).append(info)
        for group in by_key.values():
            if len(group) < 2:
                continue
            for info in group[1:]:
                if info["reuse"] is False:
                    continue
                first = group[0]
                rec.add_finding(
                    "rnn-variable-not-shared",
                    f"Variable '{info['name']}' was created while scope '{info['scope']}' was reusing "
                    f"variables: the code at this line does not go through tf.get_variable (or ignores the "
                    f"scope), so instead of sharing '{first['name']}' it made a new copy with the same shape. "
                    f"Use tf.get_variable (or build the layer once) so the reused scope really shares it.",
                    info["site"], True,
                    {"variable": info["name"], "copy_of": first["name"], "scope": info["scope"],
                     "shape": list(info["shape"] or [])})

    def check_layers_as_timesteps(self):
        """rnn-layers-as-timesteps: a stack as deep as its input is long, built where one cell was meant."""
        rec = self.rec
        for call in rec.rnn_calls:
            for cell in call["cells"]:
                layers, stack = rec.layers_of(cell)
                depth = len(layers)
                if stack is None or depth < 2 or call["time_steps"] != depth:
                    continue
                built = rec.stacks.get(id(stack), {}).get("site") or call["site"]
                rec.add_finding(
                    "rnn-layers-as-timesteps",
                    f"This stack has {depth} layers and its input has {depth} time steps: a "
                    f"{type(stack).__name__} adds layers (each with its own weights), it does not unroll "
                    f"over time - {call['api']} already applies the same weights at every time step. "
                    f"If you meant one layer unrolled over {depth} steps, pass a single cell.",
                    built, False, {"depth": depth, "time_steps": call["time_steps"],
                                   "rnn_line": call["site"][1] if call["site"] else None})

    # ------------------------------------------------------------------ structure table
    def layers_table(self):
        rec = self.rec
        rows = []
        var_sets = [{id(v) for v in call["variables"]} for call in rec.rnn_calls]
        for i, call in enumerate(rec.rnn_calls):
            cells_desc, units, depth = [], [], 0
            for cell in call["cells"]:
                layers, stack = rec.layers_of(cell)
                depth = max(depth, len(layers))
                names = [type(c).__name__ for c in layers]
                if stack is not None:
                    cells_desc.append(f"{type(stack).__name__}[{', '.join(names)}]")
                else:
                    cells_desc.append(names[0])
                units.extend(getattr(c, "_num_units", None) or _int_or_none(getattr(c, "output_size", None))
                             for c in layers)
            shares = [f"R{j + 1}" for j, other in enumerate(var_sets) if j != i and other & var_sets[i]]
            rows.append({
                "id": f"R{i + 1}", "kind": "tf1-call", "api": call["api"],
                "path": call["site"][0] if call["site"] else None, "line": call["site"][1] if call["site"] else None,
                "cell": " / ".join(cells_desc), "units": units, "depth": depth,
                "time_steps": call["time_steps"], "variables": [v.name for v in call["variables"]],
                "shares_with": shares, "initial_state": self._describe_init(call),
            })
        return rows

    def _describe_init(self, call):
        if not call["init_given"]:
            return "zeros (default)"
        kinds = []
        var_by_op = self.rec.var_ops(call["graph"])
        for t in call["init"]:
            op = t.op
            for _ in range(6):
                if op.type in READ_OPS and op.inputs:
                    op = op.inputs[0].op
                else:
                    break
            if op.type in ("Placeholder", "PlaceholderWithDefault"):
                kinds.append(f"placeholder {op.name}")
            elif op.type in VAR_OPS:
                info = var_by_op.get(op.name)
                trainable = info["trainable"] if info else None
                kinds.append(f"variable {op.name} ({'trainable' if trainable else 'non-trainable'})")
            elif op.type in ("Fill", "Zeros", "Const", "ZerosLike"):
                kinds.append("zeros")
            else:
                kinds.append(f"computed ({op.type})")
        uniq = []
        for k in kinds:
            if k not in uniq:
                uniq.append(k)
        return ", ".join(uniq)


def _int_or_none(x):
    return x if isinstance(x, int) else None
