"""Probes installed in the child process: they record what the target builds and runs.

Everything here runs inside the verifier's child, after TensorFlow is imported. The probes wrap a few
TensorFlow entry points (variable creation, the RNN functions, MultiRNNCell, the TF1 optimizers,
``tf.gradients``, ``Session.run``, Keras layers and ``Model.fit``) and only record; they never change
what the wrapped call computes. :mod:`pylint_rnn.verify.analysis` turns the records into findings.
"""
from __future__ import annotations

import functools
import inspect
import os
import sys


class StopTarget(BaseException):
    """Raised into the target once it has done ``--max-train-steps`` training runs (not an Exception,
    so the target's own ``except Exception`` does not swallow it)."""


class TargetExit(BaseException):
    """The target called ``os._exit``; raised instead so the analysis can still run."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


class TargetTimeout(BaseException):
    """Raised into the target when the parent's time limit is reached."""


# Graph op types, shared by the probes and the analysis that walks the recorded graphs.
VAR_OPS = frozenset({"VariableV2", "Variable", "VarHandleOp"})  # an op that is a variable
READ_OPS = frozenset({"Identity", "ReadVariableOp", "Enter", "RefIdentity", "Snapshot"})  # reads one
# Ops that only move or copy a value: a variable read through these is "the same value".
COPY_OPS = READ_OPS | {"Reshape", "Tile", "ExpandDims", "Squeeze", "Cast", "StopGradient",
                       "Pack", "ConcatV2", "Concat", "Transpose", "Fill", "BroadcastTo", "Const"}


class Recorder:
    def __init__(self, user_root: str, max_train_steps: int):
        self.user_root = os.path.realpath(user_root)
        self.max_train_steps = max_train_steps
        self._verify_dir = os.path.dirname(os.path.realpath(__file__))
        self._user_cache = {}
        self.variables = []          # dicts: var, name, shape, trainable, reuse, scope, site, graph
        self.rnn_calls = []          # dicts, see _on_rnn_call
        self.stacks = {}             # id(MultiRNNCell) -> {"cell", "cells", "site"}
        self.findings = []           # findings recorded while the target ran (survive its failure)
        self.objectives = []         # dicts: loss, vars, has_grad{id: bool}, site, optimizer, train_ops
        self.train_ops = {}          # op name -> objective index (per graph, keyed by (id(graph), name))
        self.runs = []               # Session.run records
        self.training_runs = 0
        self.layer_sites = {}        # id(keras layer/cell) -> (layer, site)
        self.keras_models = []
        self.cell_calls = []         # dicts, one per TF1 cell call (cellcalls.py; the HTML picture reads them)
        self.keras_gradients = {}    # id(Keras weight) -> gets a gradient (keras_checks; the HTML picture reads it)
        self.notes = []
        self._in_rnn = 0
        self._in_run = 0
        self._in_opt = 0

    @property
    def inside_rnn_call(self) -> bool:
        """Is an RNN function (dynamic_rnn, static_rnn, ...) running right now?"""
        return self._in_rnn > 0

    # ------------------------------------------------------------------ user frames
    def is_user_file(self, filename: str) -> bool:
        hit = self._user_cache.get(filename)
        if hit is None:
            real = os.path.realpath(filename) if filename and not filename.startswith("<") else ""
            hit = (bool(real) and real.startswith(self.user_root + os.sep)
                   and not real.startswith(self._verify_dir + os.sep)
                   and "site-packages" not in real and "dist-packages" not in real)
            self._user_cache[filename] = hit
        return hit

    def user_site(self, depth: int = 2):
        """(path, line, function) of the innermost user frame on the current stack, or None."""
        frame = sys._getframe(depth)
        while frame is not None:
            if self.is_user_file(frame.f_code.co_filename):
                return (os.path.realpath(frame.f_code.co_filename), frame.f_lineno, frame.f_code.co_name)
            frame = frame.f_back
        return None

    def traceback_site(self, tb):
        """Innermost user frame of a TF op traceback (list of frame summaries)."""
        for fr in reversed(list(tb or [])):
            filename = getattr(fr, "filename", None) or fr[0]
            if self.is_user_file(filename):
                return (os.path.realpath(filename), getattr(fr, "lineno", None) or fr[1],
                        getattr(fr, "name", "") or "")
        return None

    def add_finding(self, symbol, message, site, confirmed=True, details=None):
        if site is None:
            return
        key = (symbol, site[0], site[1])
        for f in self.findings:
            if (f["symbol"], f["path"], f["line"]) == key:
                return
        self.findings.append({"symbol": symbol, "message": message, "path": site[0], "line": site[1],
                              "confirmed": confirmed, "details": details or {}})

    # ------------------------------------------------------------------ install
    def install(self, tf_real):
        self.tf = tf_real
        from tensorflow.python.ops import variable_v1, variables

        self._patch_attr(variable_v1, "default_variable_creator", self._wrap_creator)
        self._patch_attr(variables, "default_variable_creator_v2", self._wrap_creator)

        import tensorflow.compat.v1 as v1
        from tensorflow.python.ops import rnn as rnn_mod

        for name in ("dynamic_rnn", "static_rnn", "bidirectional_dynamic_rnn", "static_bidirectional_rnn",
                     "static_state_saving_rnn"):
            orig = getattr(rnn_mod, name, None)
            if orig is None:
                continue
            wrapped = self._wrap_rnn(name, orig)
            setattr(rnn_mod, name, wrapped)
            if getattr(v1.nn, name, None) is orig:
                setattr(v1.nn, name, wrapped)

        from tensorflow.python.training import optimizer as opt_mod

        self._patch_attr(opt_mod.Optimizer, "compute_gradients", self._wrap_compute_gradients)
        self._patch_attr(opt_mod.Optimizer, "apply_gradients", self._wrap_apply_gradients)
        v1.gradients = self._wrap_gradients(v1.gradients)

        from tensorflow.python.client import session as session_mod

        self._patch_attr(session_mod.BaseSession, "run", self._wrap_session_run)
        self.patch_legacy_cells()

    def patch_legacy_cells(self):
        try:
            from tf_keras.src.layers.rnn import legacy_cells
        except Exception:  # noqa: BLE001 - tf-keras missing: no legacy cells to watch
            return
        self._patch_attr(legacy_cells.MultiRNNCell, "__init__", self._wrap_multicell_init)

    def patch_keras(self, which):
        """Record construction sites of Keras layers and catch models at fit()/compile()."""
        try:
            if which == "tf_keras":
                from tf_keras.src.engine import base_layer, training
                layer_cls, model_cls = base_layer.Layer, training.Model
            else:
                from keras.src.layers import layer as k3_layer
                from keras.src.models import model as k3_model
                layer_cls, model_cls = k3_layer.Layer, k3_model.Model
        except Exception:  # noqa: BLE001
            return
        if getattr(layer_cls.__init__, "_pylint_rnn_probe", False):
            return
        self._patch_attr(layer_cls, "__init__", self._wrap_layer_init)
        for meth in ("fit", "train_on_batch", "fit_generator"):
            if hasattr(model_cls, meth):
                self._patch_attr(model_cls, meth, self._wrap_fit)
        self._patch_attr(model_cls, "compile", self._wrap_compile)

    @staticmethod
    def _patch_attr(owner, name, factory):
        orig = getattr(owner, name)
        new = factory(orig)
        new._pylint_rnn_probe = True
        setattr(owner, name, new)

    # ------------------------------------------------------------------ variables
    def _wrap_creator(self, orig):
        rec = self

        def creator(next_creator=None, **kwargs):
            var = orig(next_creator, **kwargs)
            try:
                rec._on_variable(var)
            except Exception as exc:  # noqa: BLE001 - a probe must never break the target
                rec.notes.append(f"variable probe: {exc!r}")
            return var

        return creator

    def _on_variable(self, var):
        tf = self.tf
        graph_mode = not tf.executing_eagerly()
        reuse = False
        scope = ""
        if graph_mode:
            vs = tf.compat.v1.get_variable_scope()
            reuse = vs.reuse
            scope = vs.name
        site = self.user_site(3)
        if site is None and graph_mode:
            site = self.traceback_site(getattr(var.op, "traceback", None))
        self.variables.append({
            "var": var, "name": var.name, "shape": tuple(var.shape.as_list()) if var.shape.rank is not None else None,
            "trainable": bool(getattr(var, "trainable", True)),
            "reuse": "auto" if reuse is tf.compat.v1.AUTO_REUSE else bool(reuse),
            "scope": scope, "site": site, "graph": var.graph if graph_mode else None,
            "op_name": var.op.name if graph_mode else None,
        })

    # ------------------------------------------------------------------ cells and RNN calls
    @staticmethod
    def unwrap(cell):
        seen = set()
        while id(cell) not in seen:
            seen.add(id(cell))
            inner = getattr(cell, "_cell", None)
            if inner is None:
                inner = getattr(cell, "cell", None)
            if inner is None or not hasattr(inner, "state_size") or inner is cell:
                break
            cell = inner
        return cell

    def layers_of(self, cell):
        base = self.unwrap(cell)
        subs = getattr(base, "_cells", None)
        if subs is None:
            subs = getattr(base, "cells", None)
        if isinstance(subs, (list, tuple)) and subs:
            return [self.unwrap(c) for c in subs], base
        return [base], None

    def _wrap_multicell_init(self, orig):
        rec = self

        def __init__(self_cell, cells, *args, **kwargs):
            site = rec.user_site(2)
            orig(self_cell, cells, *args, **kwargs)
            try:
                rec._on_stack(self_cell, list(cells), site)
            except Exception as exc:  # noqa: BLE001
                rec.notes.append(f"MultiRNNCell probe: {exc!r}")

        return __init__

    def _on_stack(self, stack, cells, site):
        self.stacks[id(stack)] = {"cell": stack, "cells": cells, "site": site}
        bases = [self.unwrap(c) for c in cells]
        positions = {}
        for i, b in enumerate(bases):
            positions.setdefault(id(b), []).append(i)
        dups = [p for p in positions.values() if len(p) > 1]
        if dups:
            layers = ", ".join("layers " + "/".join(str(i) for i in p) for p in dups)
            self.add_finding(
                "rnn-same-cell-stacked",
                f"One {type(bases[dups[0][0]]).__name__} object is used for several layers of this "
                f"{len(cells)}-layer stack ({layers}): they would share one set of weights, and TensorFlow "
                f"either builds a single weight set for all of them or fails with a shape error. "
                f"Create a new cell per layer.",
                site, True, {"depth": len(cells), "shared_layers": dups})

    def _wrap_rnn(self, kind, orig):
        rec = self
        sig = inspect.signature(orig)

        @functools.wraps(orig)
        def wrapper(*args, **kwargs):
            if rec._in_rnn:
                return orig(*args, **kwargs)
            site = rec.user_site(2)
            try:
                bound = sig.bind(*args, **kwargs).arguments
            except TypeError:
                return orig(*args, **kwargs)
            if "bidirectional" in kind:
                fw, bw = bound.get("cell_fw"), bound.get("cell_bw")
                if fw is not None and rec.unwrap(fw) is rec.unwrap(bw):
                    rec.add_finding(
                        "rnn-same-cell-stacked",
                        f"The same {type(rec.unwrap(fw)).__name__} object is passed as both the forward and "
                        f"the backward cell of {kind}: both directions would use one set of weights. "
                        f"Create one cell per direction.", site, True, {"api": kind})
            graph = rec.tf.compat.v1.get_default_graph()
            existing = graph.get_operations()
            before = max((o._id for o in existing[-8:]), default=0)  # noqa: SLF001 - creation-order id
            count = graph.version  # ops in the graph so far: the call's ops are get_operations()[count:]
            rec._in_rnn += 1
            try:
                out = orig(*args, **kwargs)
            finally:
                rec._in_rnn -= 1
            try:
                rec._on_rnn_call(kind, bound, out, site, graph, before, count)
            except Exception as exc:  # noqa: BLE001
                rec.notes.append(f"RNN probe ({kind}): {exc!r}")
            return out

        return wrapper

    def _on_rnn_call(self, kind, bound, out, site, graph, before, count=None):
        nest = self.tf.nest
        if "bidirectional" in kind:
            cells = [bound.get("cell_fw"), bound.get("cell_bw")]
            init = [bound.get("initial_state_fw"), bound.get("initial_state_bw")]
        else:
            cells = [bound.get("cell")]
            init = [bound.get("initial_state")]
        inputs = bound.get("inputs")
        time_steps = None
        if kind.startswith("static"):
            try:
                time_steps = len(inputs)
            except TypeError:
                pass
        else:
            flat = nest.flatten(inputs)
            if flat and flat[0].shape.rank is not None and flat[0].shape.rank >= 2:
                axis = 0 if bound.get("time_major") else 1
                time_steps = flat[0].shape[axis]
                time_steps = int(time_steps) if time_steps is not None else None
        if kind == "static_bidirectional_rnn":
            final = nest.flatten(out[1:])
        else:
            final = nest.flatten(out[1])
        init_tensors = [t for t in nest.flatten([i for i in init if i is not None])
                        if hasattr(t, "op")]
        # Variables read by the ops this call created.
        used = []
        seen = set()
        var_by_op = self.var_ops(graph)
        for op in graph.get_operations():
            if op._id <= before:  # noqa: SLF001 - creation order id, the cheap way to find new ops
                continue
            for t in op.inputs:
                v = self.variable_of(t, var_by_op)
                if v is not None and id(v) not in seen:
                    seen.add(id(v))
                    used.append(v)
        self.rnn_calls.append({
            "index": len(self.rnn_calls), "api": kind, "cells": cells, "site": site, "time_steps": time_steps,
            "init": init_tensors, "init_given": any(i is not None for i in init), "final": final,
            "variables": used, "graph": graph,
            "time_major": bool(bound.get("time_major")),
            # for the HTML picture: what the call consumed and produced, and the op ids it created
            "inputs": nest.flatten(inputs), "outputs": nest.flatten(out[0]), "op_span": (count, graph.version),
        })

    def var_ops(self, graph):
        """op name -> variable record, for the variables of one graph."""
        out = {}
        for rec in self.variables:
            if rec["graph"] is graph:
                out[rec["op_name"]] = rec
        return out

    @staticmethod
    def variable_of(tensor, var_by_op, hops=4):
        """The variable a tensor reads (directly or through a few read ops), or None."""
        op = tensor.op
        for _ in range(hops):
            if op.type in VAR_OPS:
                return var_by_op.get(op.name, {}).get("var")
            if op.type in READ_OPS and op.inputs:
                op = op.inputs[0].op
                continue
            return None
        return None

    # ------------------------------------------------------------------ objectives
    def add_objective(self, kind, loss, grads_and_vars, site, optimizer=None):
        """Record a training objective: the variables it trains and which of them get a gradient.

        ``grads_and_vars`` is a list of (gradient or None, variable); a variable listed twice has a
        gradient if any of its entries has one.
        """
        has_grad = {}
        for grad, var in grads_and_vars:
            has_grad[id(var)] = has_grad.get(id(var), False) or grad is not None
        objective = {"loss": loss, "vars": [var for _, var in grads_and_vars], "has_grad": has_grad,
                     "site": site, "optimizer": optimizer, "train_ops": [], "kind": kind}
        self.objectives.append(objective)
        return objective

    def add_train_op(self, objective, op):
        """``op`` applies the objective's gradients: a Session.run that fetches it is a training run."""
        objective["train_ops"].append(op)
        self.train_ops[(id(op.graph), op.name)] = objective

    def _wrap_compute_gradients(self, orig):
        rec = self

        def compute_gradients(self_opt, loss, var_list=None, *args, **kwargs):
            site = rec.user_site(2)
            rec._in_opt += 1
            try:
                pairs = orig(self_opt, loss, var_list, *args, **kwargs)
            finally:
                rec._in_opt -= 1
            try:
                if not callable(loss):
                    rec.add_objective("optimizer", loss, pairs, site, optimizer=self_opt)
            except Exception as exc:  # noqa: BLE001
                rec.notes.append(f"optimizer probe: {exc!r}")
            return pairs

        return compute_gradients

    def _wrap_apply_gradients(self, orig):
        rec = self

        def apply_gradients(self_opt, grads_and_vars, *args, **kwargs):
            op = orig(self_opt, grads_and_vars, *args, **kwargs)
            try:
                obj = next((o for o in reversed(rec.objectives) if o["optimizer"] is self_opt), None)
                if obj is None:  # gradients computed by hand, not by this optimizer's compute_gradients
                    obj = rec.add_objective("apply_gradients", None, list(grads_and_vars), rec.user_site(2),
                                            optimizer=self_opt)
                rec.add_train_op(obj, op)
            except Exception as exc:  # noqa: BLE001
                rec.notes.append(f"apply_gradients probe: {exc!r}")
            return op

        return apply_gradients

    def _wrap_gradients(self, orig):
        rec = self

        @functools.wraps(orig)
        def gradients(ys, xs, *args, **kwargs):
            site = rec.user_site(2)
            grads = orig(ys, xs, *args, **kwargs)
            try:
                if not rec._in_opt:
                    flat_x = rec.tf.nest.flatten(xs)
                    graph = rec.tf.compat.v1.get_default_graph()
                    var_by_op = rec.var_ops(graph)
                    pairs = []
                    for x, g in zip(flat_x, grads):
                        v = var_by_op.get(getattr(getattr(x, "op", None), "name", None), {}).get("var")
                        if v is None and hasattr(x, "op"):
                            v = rec.variable_of(x, var_by_op)
                        if v is not None:
                            pairs.append((g, v))
                    if pairs:
                        rec.add_objective("tf.gradients", ys, pairs, site)
            except Exception as exc:  # noqa: BLE001
                rec.notes.append(f"tf.gradients probe: {exc!r}")
            return grads

        return gradients

    # ------------------------------------------------------------------ Session.run
    def _training_objectives(self, graph, fetches):
        """Objectives whose train op the fetches run (directly, via tf.group or control dependencies)."""
        found = []
        try:
            flat = self.tf.nest.flatten(fetches)
        except Exception:  # noqa: BLE001
            return found
        stack = []
        for f in flat:
            try:
                el = graph.as_graph_element(f, allow_tensor=True, allow_operation=True)
            except Exception:  # noqa: BLE001
                continue
            stack.append(el if hasattr(el, "control_inputs") else el.op)
        seen = set()
        while stack and len(seen) < 5000:
            op = stack.pop()
            if op.name in seen:
                continue
            seen.add(op.name)
            obj = self.train_ops.get((id(graph), op.name))
            if obj is not None:
                if obj not in found:
                    found.append(obj)
                continue
            stack.extend(op.control_inputs)
            if op.type in ("Identity", "NoOp", "Group"):
                stack.extend(t.op for t in op.inputs)
        return found

    def _wrap_session_run(self, orig):
        rec = self

        def run(self_sess, fetches, feed_dict=None, options=None, run_metadata=None):
            if rec._in_run:
                return orig(self_sess, fetches, feed_dict, options, run_metadata)
            site = rec.user_site(2)
            graph = self_sess.graph
            objectives = rec._training_objectives(graph, fetches)
            if objectives and rec.training_runs >= rec.max_train_steps:
                rec._record_run(site, graph, fetches, feed_dict, None, objectives)
                raise StopTarget()
            rec._in_run += 1
            try:
                result = orig(self_sess, fetches, feed_dict, options, run_metadata)
            finally:
                rec._in_run -= 1
            rec._record_run(site, graph, fetches, feed_dict, result, objectives)
            if objectives:
                rec.training_runs += 1
                if rec.training_runs >= rec.max_train_steps:
                    raise StopTarget()
            return result

        return run

    def _record_run(self, site, graph, fetches, feed_dict, result, objectives):
        try:
            import numpy as np

            nest = self.tf.nest
            fetched = []
            if result is not None:
                flat_f = nest.flatten(fetches)
                flat_r = nest.flatten(result)
                for f, r in zip(flat_f, flat_r):
                    if isinstance(r, np.ndarray) and r.size > 1:
                        try:
                            t = graph.as_graph_element(f, allow_tensor=True, allow_operation=False)
                        except Exception:  # noqa: BLE001
                            continue
                        fetched.append((t, r))
            feeds = []
            for k, v in (feed_dict or {}).items():
                try:
                    t = graph.as_graph_element(k, allow_tensor=True, allow_operation=False)
                except Exception:  # noqa: BLE001
                    continue
                feeds.append((t, v))
            self.runs.append({"index": len(self.runs), "site": site, "graph": graph, "fetched": fetched,
                              "feeds": feeds, "objectives": objectives})
            if len(self.runs) > 200:  # keep memory bounded on long scripts
                self.runs[len(self.runs) - 201]["fetched"] = []
        except Exception as exc:  # noqa: BLE001
            self.notes.append(f"Session.run probe: {exc!r}")

    # ------------------------------------------------------------------ Keras
    def _wrap_layer_init(self, orig):
        rec = self

        def __init__(self_layer, *args, **kwargs):
            if id(self_layer) not in rec.layer_sites:
                rec.layer_sites[id(self_layer)] = (self_layer, rec.user_site(2))
            return orig(self_layer, *args, **kwargs)

        return __init__

    def _wrap_fit(self, orig):
        rec = self

        def fit(self_model, *args, **kwargs):
            if not any(m is self_model for m in rec.keras_models):
                rec.keras_models.append(self_model)
            rec.training_runs += 1
            raise StopTarget()

        return fit

    def _wrap_compile(self, orig):
        rec = self

        def compile(self_model, *args, **kwargs):  # noqa: A001 - mirrors Model.compile
            if not any(m is self_model for m in rec.keras_models):
                rec.keras_models.append(self_model)
            return orig(self_model, *args, **kwargs)

        return compile
