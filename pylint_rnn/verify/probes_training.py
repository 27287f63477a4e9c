"""Probes on how a model is trained: the objectives (which variables a loss trains, which get a gradient) and
the training steps (where the target is stopped).

Every way TensorFlow code trains is covered: ``Optimizer.minimize`` and ``compute_gradients`` +
``apply_gradients`` (TF1, with lists or iterators), ``tf.gradients`` (through whatever module the script
reaches it: the TF1 facade, ``tf.compat.v1``, TF2), ``tf.GradientTape.gradient`` (eager, inside
``tf.function``, Keras' own ``train_step`` and custom ones), Keras optimizers' ``apply_gradients``, and
``Session.run`` of a training op.

Stopping: a training step (a ``Session.run`` that trains, an eager optimizer step or gradient, a call of a
``tf.function`` that trains) may run ``--max-train-steps`` times at each place; the target is stopped when one
is about to run once more. So every step of the first iteration of a training loop runs (a GAN's two
optimizers, an encoder run then a decoder run) before the loop is cut. Keras ``fit`` stops after that many
batches.
"""
from __future__ import annotations

import contextlib
import functools
from collections import Counter
from typing import Dict, List

from pylint_rnn.verify.recorder import ASSIGN_OPS, Recorder, StopTarget, graph_op, underlying_variable

_APPLY_PREFIXES = ("Apply", "ResourceApply", "ResourceSparseApply", "SparseApply")
_PASS_THROUGH = frozenset({"Identity", "NoOp", "Group"})
_WALK_LIMIT = 5000


def is_variable(value) -> bool:
    """A tf.Variable (ref or resource), as a source of gradients."""
    return hasattr(value, "handle") and hasattr(value, "assign") or type(value).__name__ == "RefVariable"


class TrainingProbes:
    """Objectives and training steps."""

    def __init__(self, rec: Recorder):
        self.rec = rec
        self.step_counts: Dict[tuple, int] = {}
        # How deep we are inside: compute_gradients (its own tf.gradients is not a second objective), a Keras
        # apply_gradients (subclasses call the base class's), Session.run, a tf.function call (what happens
        # there is traced, not a step).
        self.depth: Counter = Counter()
        self.trace_events = 0  # gradients and optimizer steps seen while tracing
        self.training_functions = set()
        self._run_cache: Dict[tuple, list] = {}  # (graph, fetches, version of the train-op registry) -> objectives
        self._registry_version = 0

    # ------------------------------------------------------------------ install
    def install(self) -> None:
        """Wrap the optimizers, gradient functions, GradientTape, Session.run and tf.function calls."""
        from tensorflow.python.client import session
        from tensorflow.python.eager import backprop
        from tensorflow.python.eager.polymorphic_function import polymorphic_function
        from tensorflow.python.ops import gradients_impl
        from tensorflow.python.training import optimizer

        rec = self.rec
        rec.patch(optimizer.Optimizer, "compute_gradients", self._wrap_compute_gradients)
        rec.patch(optimizer.Optimizer, "apply_gradients", self._wrap_tf1_apply_gradients)
        rec.replace_in_api({original: self._wrap_gradients(original)
                            for original in (gradients_impl.gradients, gradients_impl.gradients_v2)})
        rec.patch(backprop.GradientTape, "gradient", self._wrap_tape_gradient)
        rec.patch(session.BaseSession, "run", self._wrap_session_run)
        rec.patch(polymorphic_function.Function, "__call__", self._wrap_function_call)

    def patch_keras_optimizers(self, which: str) -> None:
        """Watch one Keras' optimizers ("tf_keras" or "keras"), once it is loaded."""
        owners = []
        try:
            if which == "tf_keras":
                from tf_keras.src.optimizers import optimizer as tfk_optimizer
                from tf_keras.src.optimizers.legacy import optimizer_v2

                # the base class defines apply_gradients and Optimizer overrides it: both are wrapped
                owners += [tfk_optimizer.Optimizer, getattr(tfk_optimizer, "_BaseOptimizer"),
                           optimizer_v2.OptimizerV2]
            else:
                from keras.src.optimizers import base_optimizer

                owners.append(base_optimizer.BaseOptimizer)
        except (ImportError, AttributeError):
            return
        for owner in owners:
            if "apply_gradients" in vars(owner):
                self.rec.patch(owner, "apply_gradients", self._wrap_keras_apply_gradients)

    @contextlib.contextmanager
    def inside(self, what: str):
        """While a probed ``what`` (optimizer, apply, function, run) runs: what it calls in turn is TensorFlow's
        doing, not the user's, and is not recorded again."""
        self.depth[what] += 1
        try:
            yield
        finally:
            self.depth[what] -= 1

    # ------------------------------------------------------------------ steps
    def eager(self) -> bool:
        """Are we outside any graph being built (so a call is a step that runs now)?"""
        return not self.depth["function"] and self.rec.tf.executing_eagerly()

    def before_step(self, key: tuple) -> None:
        """Stop the target when the step ``key`` already ran --max-train-steps times."""
        if self.step_counts.get(key, 0) >= self.rec.train.max_steps:
            raise StopTarget()

    def after_step(self, key: tuple, counts: bool = True) -> None:
        self.step_counts[key] = self.step_counts.get(key, 0) + 1
        if counts:
            self.rec.train.training_runs += 1

    def site_key(self, kind: str) -> tuple:
        """A step is known by where the user's code takes it."""
        site = self.rec.user_site()
        return (kind, site[:2] if site else None)

    # ------------------------------------------------------------------ objectives
    def add_objective(self, kind, loss, pairs, site, optimizer=None) -> dict:
        """Record a training objective: the variables it trains and which of them get a gradient.

        ``pairs`` is a list of (gradient or None, variable); a variable listed twice has a gradient if any
        of its entries has one.
        """
        has_grad = {}
        for grad, var in pairs:
            has_grad[id(var)] = has_grad.get(id(var), False) or grad is not None
        objective = {"loss": loss, "vars": [var for _, var in pairs], "has_grad": has_grad, "site": site,
                     "optimizer": optimizer, "train_ops": [], "kind": kind, "grad_ops": []}
        self.rec.train.objectives.append(objective)
        return objective

    def add_train_op(self, objective, op) -> None:
        """``op`` applies the objective's gradients: a Session.run that fetches it is a training run."""
        objective["train_ops"].append(op)
        self.rec.train.train_ops[(id(op.graph), op.name)] = objective
        self._registry_version += 1

    def _wrap_compute_gradients(self, original):
        probe = self

        def compute_gradients(opt, loss, *args, **kwargs):
            site = probe.rec.user_site()
            with probe.inside("optimizer"):
                pairs = original(opt, loss, *args, **kwargs)
            with probe.rec.guard("compute_gradients probe"):
                if not callable(loss):
                    pairs = list(pairs)
                    probe.add_objective("optimizer", loss, pairs, site, optimizer=opt)
            return pairs

        return compute_gradients

    def _wrap_tf1_apply_gradients(self, original):
        probe = self

        def apply_gradients(opt, grads_and_vars, *args, **kwargs):
            # TensorFlow consumes an iterator (zip(grads, tvars)): list it first, hand the list on.
            pairs = list(grads_and_vars)
            op = original(opt, pairs, *args, **kwargs)
            with probe.rec.guard("apply_gradients probe"):
                probe.on_tf1_apply(opt, pairs, op)
            return op

        return apply_gradients

    def on_tf1_apply(self, opt, pairs, op) -> None:
        """Link the train op to the objective whose gradients it applies (or record a new one)."""
        variables = {id(var) for _, var in pairs}
        objective = next((o for o in reversed(self.rec.train.objectives)
                          if o["optimizer"] is opt and variables <= set(o["has_grad"])), None)
        if objective is None:  # gradients computed by hand (tf.gradients, clipped ...)
            objective = self.add_objective("apply_gradients", None, pairs, self.rec.user_site(), optimizer=opt)
        self.add_train_op(objective, op)

    def _wrap_gradients(self, original):
        probe = self

        @functools.wraps(original)
        def gradients(ys, xs, *args, **kwargs):
            site = probe.rec.user_site()
            grads = original(ys, xs, *args, **kwargs)
            if not probe.depth["optimizer"] and not probe.rec.status.paused:
                with probe.rec.guard("tf.gradients probe"):
                    probe.on_gradients(ys, xs, grads, site)
            return grads

        return gradients

    def on_gradients(self, ys, xs, grads, site) -> None:
        """tf.gradients(loss, variables): an objective (its gradient ops mark training runs)."""
        tf = self.rec.tf
        graph = tf.compat.v1.get_default_graph()
        var_by_op = self.rec.var_ops(graph)
        known = self.rec.records_by_id()
        pairs = []
        for x, grad in zip(tf.nest.flatten(xs), grads):
            var = underlying_variable(x) if id(underlying_variable(x)) in known else None
            if var is None and graph_op(x) is not None:
                var = self.rec.variable_of(x, var_by_op) or var_by_op.get(x.op.name, {}).get("var")
            if var is not None:
                pairs.append((grad, var))
        if pairs:
            objective = self.add_objective("tf.gradients", ys, pairs, site)
            objective["grad_ops"] = [(id(g.op.graph), g.op.name) for g, _ in pairs if graph_op(g) is not None]
            self._registry_version += 1

    def _wrap_tape_gradient(self, original):
        probe = self

        def gradient(tape, target, sources, *args, **kwargs):
            if probe.rec.status.paused:
                return original(tape, target, sources, *args, **kwargs)
            eager = probe.eager()
            key = probe.site_key("tape") if eager else None
            if eager:
                probe.before_step(key)
            site = probe.rec.user_site()
            grads = original(tape, target, sources, *args, **kwargs)
            with probe.rec.guard("GradientTape probe"):
                if probe.on_tape_gradient(target, sources, grads, site):
                    if eager:
                        probe.after_step(key, counts=False)
                    else:
                        probe.trace_events += 1
            return grads

        return gradient

    def on_tape_gradient(self, target, sources, grads, site) -> bool:
        """tape.gradient(loss, variables): an objective. -> whether the sources held variables."""
        nest = self.rec.tf.nest
        pairs = [(grad, underlying_variable(src))
                 for src, grad in zip(nest.flatten(sources), nest.flatten(grads, expand_composites=False))
                 if is_variable(underlying_variable(src))]
        if pairs:
            self.add_objective("GradientTape", target, pairs, site)
        return bool(pairs)

    def _wrap_keras_apply_gradients(self, original):
        probe = self

        def apply_gradients(opt, grads_and_vars, *args, **kwargs):
            pairs = list(grads_and_vars)  # TensorFlow would consume an iterator before we could read it
            if probe.depth["apply"] or probe.rec.status.paused:
                return original(opt, pairs, *args, **kwargs)
            eager = probe.eager()
            key = probe.site_key("apply") if eager else None
            if eager:
                probe.before_step(key)
            with probe.inside("apply"):
                out = original(opt, pairs, *args, **kwargs)
            if eager:
                probe.after_step(key)
            else:
                probe.trace_events += 1
            return out

        return apply_gradients

    # ------------------------------------------------------------------ tf.function
    def _wrap_function_call(self, original):
        probe = self

        def __call__(function, *args, **kwargs):
            if probe.rec.status.paused or not probe.eager():
                return original(function, *args, **kwargs)
            key = ("function", id(function))
            if key in probe.training_functions:
                probe.before_step(key)
            events = probe.trace_events
            with probe.inside("function"):
                out = original(function, *args, **kwargs)
            if probe.trace_events != events:
                probe.training_functions.add(key)  # its trace computed gradients or applied them
            if key in probe.training_functions:
                probe.after_step(key)
            return out

        return __call__

    # ------------------------------------------------------------------ Session.run
    def _wrap_session_run(self, original):
        probe = self

        def run(sess, fetches, feed_dict=None, options=None, run_metadata=None):
            if probe.depth["run"] or probe.rec.status.paused:
                return original(sess, fetches, feed_dict, options, run_metadata)
            site = probe.rec.user_site()
            objectives = []
            with probe.rec.guard("Session.run probe"):
                objectives = probe.training_objectives(sess.graph, fetches)
            key = ("run", site[:2] if site else None, tuple(sorted(id(o) for o in objectives)))
            call = (site, sess.graph, fetches, feed_dict)
            if objectives and probe.step_counts.get(key, 0) >= probe.rec.train.max_steps:
                probe.record_run(call, None, objectives)
                raise StopTarget()
            with probe.inside("run"):
                result = original(sess, fetches, feed_dict, options, run_metadata)
            probe.record_run(call, result, objectives)
            if objectives:
                probe.after_step(key)
            return result

        return run

    def training_objectives(self, graph, fetches) -> List[dict]:
        """Objectives whose train op the fetches run (directly, through tf.group or control dependencies),
        or whose tf.gradients results an assignment the fetches run consumes."""
        names = []
        for fetch in self.rec.tf.nest.flatten(fetches):
            try:
                element = graph.as_graph_element(fetch, allow_tensor=True, allow_operation=True)
            except Exception:  # not a graph element (a callable fetch, a string of another graph)
                continue
            names.append(element if hasattr(element, "control_inputs") else element.op)
        cache_key = (id(graph), tuple(op.name for op in names), self._registry_version)
        if cache_key not in self._run_cache:
            self._run_cache[cache_key] = self._walk_for_objectives(graph, names)
        return self._run_cache[cache_key]

    def _walk_for_objectives(self, graph, start) -> List[dict]:
        grad_ops = {key: o for o in self.rec.train.objectives for key in o["grad_ops"]}
        found, seen = [], set()
        stack = [(op, False) for op in start]
        while stack and len(seen) < _WALK_LIMIT:
            op, updating = stack.pop()
            if (op.name, updating) in seen:
                continue
            seen.add((op.name, updating))
            objective = self.rec.train.train_ops.get((id(graph), op.name))
            if objective is None and updating:
                objective = grad_ops.get((id(graph), op.name))
            if objective is not None:
                if objective not in found:
                    found.append(objective)
                continue
            stack.extend((inp, updating) for inp in op.control_inputs)
            if op.type in ASSIGN_OPS or op.type.startswith(_APPLY_PREFIXES):
                stack.extend((t.op, True) for t in op.inputs)  # what a variable is updated with
            elif op.type in _PASS_THROUGH or (updating and grad_ops):
                stack.extend((t.op, updating) for t in op.inputs)
        return found

    def record_run(self, call, result, objectives) -> None:
        """Keep what a Session.run -- ``call`` is (site, graph, fetches, feed_dict) -- fetched (arrays) and fed
        (placeholder -> value), for the round trips."""
        site, graph, fetches, feed_dict = call
        with self.rec.guard("Session.run probe"):
            self.rec.train.runs.append({"index": len(self.rec.train.runs), "site": site, "graph": graph,
                                  "fetched": self._fetched(graph, fetches, result),
                                  "feeds": self._feeds(graph, feed_dict), "objectives": objectives})
            if len(self.rec.train.runs) > 200:  # keep memory bounded on long scripts
                self.rec.train.runs[len(self.rec.train.runs) - 201]["fetched"] = []

    def _fetched(self, graph, fetches, result) -> list:
        import numpy as np

        if result is None:
            return []
        nest = self.rec.tf.nest
        fetched = []
        for fetch, value in zip(nest.flatten(fetches), nest.flatten(result)):
            if isinstance(value, np.ndarray) and value.size > 1:
                try:
                    fetched.append((graph.as_graph_element(fetch, allow_tensor=True, allow_operation=False),
                                    value))
                except Exception:  # fetched an op, or a name of another graph: not a value to follow
                    continue
        return fetched

    def _feeds(self, graph, feed_dict) -> list:
        """(tensor, value) for every fed tensor; a fed state tuple counts as its tensors."""
        nest = self.rec.tf.nest
        feeds = []
        for key, value in (feed_dict or {}).items():
            pairs = [(key, value)]
            if isinstance(key, tuple):  # a state tuple of placeholders, fed a tuple of arrays
                keys, values = nest.flatten(key), nest.flatten(value)
                if len(keys) != len(values):
                    continue
                pairs = list(zip(keys, values))
            for tensor_key, tensor_value in pairs:
                try:
                    feeds.append((graph.as_graph_element(tensor_key, allow_tensor=True, allow_operation=False),
                                  tensor_value))
                except Exception:  # a key TensorFlow itself will reject
                    continue
        return feeds
