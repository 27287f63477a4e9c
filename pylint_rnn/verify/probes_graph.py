"""Probes on what builds a model: variable creation and assignment, the RNN functions, stacks of cells, and
cells the user's own code calls (a manual unroll).

Child process only, installed after TensorFlow is imported. Each wrapper calls the original unchanged and
only records; its own bookkeeping runs under :meth:`Recorder.guard`.
"""
from __future__ import annotations

import functools
import inspect
import json

from pylint_rnn.verify.recorder import MAX_CELL_CALLS, Recorder

RNN_FUNCTIONS = ("dynamic_rnn", "static_rnn", "bidirectional_dynamic_rnn", "static_bidirectional_rnn",
                 "static_state_saving_rnn")


def unwrap(cell):
    """The cell inside wrappers (DropoutWrapper, ResidualWrapper ...): the object that owns the weights."""
    seen = set()
    while id(cell) not in seen:
        seen.add(id(cell))
        inner = getattr(cell, "_cell", None)  # the legacy wrappers keep the wrapped cell there
        if inner is None:
            inner = getattr(cell, "cell", None)
        if inner is None or not hasattr(inner, "state_size") or inner is cell:
            break
        cell = inner
    return cell


def layers_of(cell):
    """([the cells of each layer], the stack) for a stacked cell; ([cell], None) for a single one."""
    base = unwrap(cell)
    subs = getattr(base, "_cells", None)  # MultiRNNCell keeps its layers there
    if subs is None:
        subs = getattr(base, "cells", None)
    if isinstance(subs, (list, tuple)) and subs:
        return [unwrap(c) for c in subs], base
    return [base], None


def config_key(layer) -> str:
    """A cell's or layer's configuration without its names: equal keys, identically built objects."""
    try:
        config = layer.get_config()
    except Exception:  # a cell without get_config (a user's own): compare by type only
        config = {}
    return type(layer).__name__ + json.dumps(_without_names(config), sort_keys=True, default=str)


def _without_names(value):
    if isinstance(value, dict):
        return {k: _without_names(v) for k, v in value.items() if not str(k).endswith("name")}
    if isinstance(value, (list, tuple)):
        return [_without_names(v) for v in value]
    return value


def flat_tensors(tf, value) -> list:
    """The tensors in a nested structure (state tuples, lists), in order."""
    try:
        return [t for t in tf.nest.flatten(value) if hasattr(t, "shape")]
    except Exception:  # a structure tf.nest cannot flatten: no tensors to follow
        return []


class GraphProbes:
    """Variables, their assignments, the RNN functions, MultiRNNCell and manual cell calls."""

    def __init__(self, rec: Recorder):
        self.rec = rec
        self.in_rnn = 0  # depth of RNN function calls: cells called inside are not manual unrolls

    def install(self) -> None:
        """Wrap the entry points (TensorFlow is imported; tf-keras may be missing)."""
        from tensorflow.python.ops import resource_variable_ops, rnn, variable_v1, variables

        rec = self.rec
        rec.patch(variable_v1, "default_variable_creator", self._wrap_creator)
        rec.patch(variables, "default_variable_creator_v2", self._wrap_creator)
        for name in ("assign", "assign_add", "assign_sub"):
            rec.patch(resource_variable_ops.BaseResourceVariable, name, self._wrap_assign)
        replacements = {}
        for name in RNN_FUNCTIONS:
            original = getattr(rnn, name, None)
            if original is not None:
                replacements[original] = self._wrap_rnn(name, original)
                setattr(rnn, name, replacements[original])
        rec.replace_in_api(replacements)

    def patch_legacy_cells(self) -> None:
        """Watch tf-keras' TF1 cells (called once tf-keras is loaded: importing it here would cost time)."""
        try:
            from tf_keras.src.layers.rnn import legacy_cells
        except ImportError:  # tf-keras missing: no legacy cells to watch
            return
        self.rec.patch(legacy_cells.MultiRNNCell, "__init__", self._wrap_multicell_init)
        classes = [legacy_cells.RNNCell, legacy_cells.LayerRNNCell]
        try:
            from tf_keras.src.layers.rnn import legacy_cell_wrappers

            # DropoutWrapper & co. define their own __call__
            classes.append(getattr(legacy_cell_wrappers, "_RNNCellWrapperV1"))
        except (ImportError, AttributeError):
            pass
        for cls in classes:
            if "__call__" in vars(cls):
                self.rec.patch(cls, "__call__", self._wrap_legacy_cell_call)

    # ------------------------------------------------------------------ variables
    def _wrap_creator(self, original):
        probe = self

        def creator(next_creator=None, **kwargs):
            var = original(next_creator, **kwargs)
            if probe.rec.status.paused:
                return var
            with probe.rec.guard("variable probe"):
                probe.on_variable(var)
            return var

        return creator

    def on_variable(self, var) -> None:
        """Record a new variable: name, shape, trainable, the scope's reuse mode and the user's line."""
        tf = self.rec.tf
        graph_mode = not tf.executing_eagerly()
        reuse, scope = False, ""
        if graph_mode:
            var_scope = tf.compat.v1.get_variable_scope()
            reuse, scope = var_scope.reuse, var_scope.name
        site = self.rec.user_site()
        if site is None and graph_mode:
            site = self.rec.op_site(var.op)
        shape = var.shape
        self.rec.graph.variables.append({
            "var": var, "name": var.name,
            "shape": tuple(shape.as_list()) if shape.rank is not None else None,
            "trainable": bool(getattr(var, "trainable", True)),
            "reuse": "auto" if reuse is tf.compat.v1.AUTO_REUSE else bool(reuse),
            "scope": scope, "site": site, "graph": var.graph if graph_mode else None,
            "op_name": var.op.name if graph_mode else None,
        })

    def _wrap_assign(self, original):
        probe = self

        @functools.wraps(original)
        def assign(var, *args, **kwargs):
            probe.rec.graph.assigned.setdefault(id(var), var)
            return original(var, *args, **kwargs)

        return assign

    # ------------------------------------------------------------------ stacks
    def _wrap_multicell_init(self, original):
        probe = self

        def __init__(stack, cells, *args, **kwargs):
            site = probe.rec.user_site()
            original(stack, cells, *args, **kwargs)
            with probe.rec.guard("MultiRNNCell probe"):
                probe.on_stack(stack, list(cells), site)

        return __init__

    def on_stack(self, stack, cells, site) -> None:
        """A stack of cells was built: one cell object in several layers is rnn-same-cell-stacked."""
        self.rec.graph.stacks[id(stack)] = {"cell": stack, "cells": cells, "site": site}
        report_same_cell_stacked(self.rec, stack, cells, site)

    # ------------------------------------------------------------------ RNN functions
    def _wrap_rnn(self, kind, original):
        probe = self
        signature = inspect.signature(original)

        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            if probe.in_rnn or probe.rec.status.paused:
                return original(*args, **kwargs)
            site = probe.rec.user_site()
            try:
                bound = signature.bind(*args, **kwargs).arguments
            except TypeError:
                return original(*args, **kwargs)  # TensorFlow raises the user's error
            with probe.rec.guard(f"RNN probe ({kind})"):
                probe.check_bidirectional(kind, bound, site)
            graph = probe.rec.tf.compat.v1.get_default_graph()
            ops_before = len(graph.get_operations())
            probe.in_rnn += 1
            try:
                out = original(*args, **kwargs)
            finally:
                probe.in_rnn -= 1
            with probe.rec.guard(f"RNN probe ({kind})"):
                probe.on_call((kind, bound, site), out, (graph, ops_before))
            return out

        return wrapper

    def check_bidirectional(self, kind, bound, site) -> None:
        """One cell object as both directions of a bidirectional RNN: one weight set for both."""
        if "bidirectional" not in kind:
            return
        forward, backward = bound.get("cell_fw"), bound.get("cell_bw")
        if forward is not None and unwrap(forward) is unwrap(backward):
            self.rec.add_finding(
                "rnn-same-cell-stacked",
                f"The same {type(unwrap(forward)).__name__} object is passed as both the forward and the "
                f"backward cell of {kind}: both directions would use one set of weights. "
                f"Create one cell per direction.", site, True, {"api": kind})

    def on_call(self, call, out, start) -> None:
        """Record one RNN call -- ``call`` is (kind, bound arguments, user site), ``start`` (graph, number of
        ops before it) -- : cells, time steps, initial and final states, the variables its ops read."""
        tf = self.rec.tf
        kind, bound, site = call
        graph, ops_before = start
        if "bidirectional" in kind:
            cells = [bound.get("cell_fw"), bound.get("cell_bw")]
            init = [bound.get("initial_state_fw"), bound.get("initial_state_bw")]
        else:
            cells, init = [bound.get("cell")], [bound.get("initial_state")]
        final = flat_tensors(tf, out[1:] if kind == "static_bidirectional_rnn" else out[1])
        self.rec.graph.rnn_calls.append({
            "index": len(self.rec.graph.rnn_calls), "api": kind, "cells": cells, "site": site,
            "time_steps": _time_steps(tf, kind, bound), "init": flat_tensors(tf, [i for i in init if i is not None]),
            "init_given": any(i is not None for i in init), "final": final,
            "variables": self._variables_read(graph, ops_before) or _cell_variables(cells), "graph": graph,
            "time_major": bool(bound.get("time_major")),
            # for the HTML picture: what the call consumed and produced, and the ops it created
            "inputs": flat_tensors(tf, bound.get("inputs")), "outputs": flat_tensors(tf, out[0]),
            "op_span": (ops_before, len(graph.get_operations())),
        })

    def _variables_read(self, graph, ops_before) -> list:
        """The variables read by the ops created since ``ops_before`` (ops are listed in creation order)."""
        return self.rec.variables_read(graph.get_operations()[ops_before:], self.rec.var_ops(graph))

    # ------------------------------------------------------------------ manual cell calls
    def _wrap_legacy_cell_call(self, original):
        probe = self

        def __call__(cell, inputs, state, *args, **kwargs):
            if probe.in_rnn or probe.rec.status.paused or not probe.rec.called_from_user(1):
                return original(cell, inputs, state, *args, **kwargs)
            out = original(cell, inputs, state, *args, **kwargs)
            with probe.rec.guard("cell call probe"):
                record_cell_call(probe.rec, cell, inputs, state, out)
            return out

        return __call__


def record_cell_call(rec: Recorder, cell, inputs, state, out) -> None:
    """A cell called by the user's own code: ``output, new_state = cell(inputs, state)``."""
    if len(rec.graph.cell_calls) >= MAX_CELL_CALLS:
        return
    tf = rec.tf
    new_state = out[1] if isinstance(out, (tuple, list)) and len(out) == 2 else None
    rec.graph.cell_calls.append({
        "cell": cell, "site": rec.user_site(), "inputs": flat_tensors(tf, inputs),
        "state_in": flat_tensors(tf, state), "state_out": flat_tensors(tf, new_state),
        "output": flat_tensors(tf, out[0] if new_state is not None else out),
    })


def report_same_cell_stacked(rec: Recorder, stack, cells, site) -> None:
    """rnn-same-cell-stacked when one cell object (after unwrapping) is in several layers of a stack."""
    bases = [unwrap(c) for c in cells]
    positions = {}
    for index, base in enumerate(bases):
        positions.setdefault(id(base), []).append(index)
    dups = [p for p in positions.values() if len(p) > 1]
    if not dups:
        return
    layers = ", ".join("layers " + "/".join(str(i) for i in p) for p in dups)
    rec.add_finding(
        "rnn-same-cell-stacked",
        f"One {type(bases[dups[0][0]]).__name__} object is used for several layers of this "
        f"{len(cells)}-layer {type(stack).__name__} ({layers}): they share one set of weights, and "
        f"TensorFlow either builds a single weight set for all of them or fails with a shape error. "
        f"Create a new cell per layer.", site, True, {"depth": len(cells), "shared_layers": dups})


def _time_steps(tf, kind, bound):
    """The time dimension of an RNN call's input, or None when the graph does not know it."""
    inputs = bound.get("inputs")
    if kind.startswith("static"):
        try:
            return len(inputs)
        except TypeError:
            return None
    flat = flat_tensors(tf, inputs)
    if not flat or flat[0].shape.rank is None or flat[0].shape.rank < 2:
        return None
    # as_list(): TF1 behaviour gives Dimension objects from shape[i], and int(Dimension(None)) raises
    steps = flat[0].shape.as_list()[0 if bound.get("time_major") else 1]
    return int(steps) if steps is not None else None


def _cell_variables(cells) -> list:
    """The variables of the cells (eager mode: no graph ops to read them from)."""
    found = []
    for cell in cells:
        for layer in layers_of(cell)[0] if cell is not None else []:
            found.extend(w for w in list(getattr(layer, "weights", []) or []) if all(w is not f for f in found))
    return found
