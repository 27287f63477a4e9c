"""A new cell at every time step: rnn-cell-per-timestep.

Building a cell inside a manual loop over the time steps gives every step its own weights (seed 002's
other form): ``for t in range(T): cell = GRUCell(n); out, state = cell(x[:, t], state)``. The loop is over
time steps when its structure says so (:mod:`pylint_rnn.core.timeloops`: it iterates a step list, indexes
the time axis, or carries the state and steps or feeds back its input: HIGH), or when its bound is named
a time-step count (the time-step-names option: INFERENCE). TF1 cells that really share their variables
(reuse on the cell, a reuse switch, a scope entered per step) are left alone.
"""
from __future__ import annotations

from typing import List, Optional, Tuple

from astroid import nodes
from pylint.interfaces import HIGH, INFERENCE, Confidence

from pylint_rnn.analyses import Finding
from pylint_rnn.analyses.timesteps import LAYERS, TIME, TimeStepOptions, assigned_name
from pylint_rnn.core import effects as fx
from pylint_rnn.core import callargs, dataflow, scopes, tfapi, timeloops, tree
from pylint_rnn.core.bindings import assigned_value, single_binding
from pylint_rnn.core.counts import count_of, range_bound

CELL_PER_STEP = "rnn-cell-per-timestep"
_MAX_DEPTH = 6  # how far wrappers and names are followed when asking whether a cell is built in a loop


def call_findings(node: nodes.Call, options: TimeStepOptions) -> List[Finding]:
    """rnn-cell-per-timestep for one call: a cell (or a module factory of cells) built per time step."""
    module = node.root()
    api = tfapi.api_name(node.func, module)
    finding = factory_cell_per_step(node, options, module) if api is None else cell_per_step(node, api, options)
    return [finding] if finding is not None else []


def factory_cell_per_step(node: nodes.Call, options: TimeStepOptions,
                          module: Optional[nodes.Module] = None) -> Optional[Finding]:
    """``cell = make_cell()`` in a loop over time steps, where the module's own make_cell builds a cell.
    ``module``: node's, when the caller knows it."""
    if not isinstance(node.func, (nodes.Name, nodes.Attribute)) \
            or not fx.may_run_a_method(node, fx.functions_by_name(module or node.root())) \
            or timeloops.enclosing_loop(node) is None:
        return None
    callee = fx.function_of_call(node)
    if callee is None or not fx.returns_new_cell(callee):
        return None
    name = callee.name if isinstance(callee, nodes.FunctionDef) else "lambda"
    return cell_per_step(node, None, options, f"{name}()")


def cell_per_step(node: nodes.Call, api: Optional[str], options: TimeStepOptions,
                  label: Optional[str] = None) -> Optional[Finding]:
    """A cell (TF API ``api``, or a factory shown as ``label``) built inside a loop over the time steps
    (a ``for`` or a ``while``, e.g. a decoding loop) and called on each step's input."""
    if api is not None and not tfapi.is_any_cell(api):
        return None
    loop = timeloops.enclosing_loop(node)
    if loop is None or _inside_other_cell(node):
        return None
    uses = _cell_uses(node, loop)
    while uses and loop is not None:
        reason = _time_loop_reason(loop, uses, options)
        if reason is not None:
            keras = api is not None and api.startswith("tf.keras.")
            if not keras and _may_share(node, loop, uses):
                return None
            if api is not None and not _builds_weights(node, loop):
                return None
            bound, name = assigned_name(node), label or tfapi.short_name(api)
            shown = f"'{bound}' ({name})" if bound else name
            return Finding(CELL_PER_STEP, node, (shown, reason[0]), (), reason[1])
        loop = timeloops.enclosing_loop(loop)
    return None


def _inside_other_cell(node: nodes.Call) -> bool:
    """Is this cell an argument of a wrapper/stack constructor (then that outer cell is the one used)?"""
    current = node.parent
    while isinstance(current, (nodes.List, nodes.Tuple, nodes.ListComp, nodes.Comprehension,
                               nodes.Starred, nodes.Keyword, nodes.BinOp)):
        current = current.parent
    if isinstance(current, nodes.Call) and current.func is not node:
        return tfapi.is_any_cell(tfapi.call_api(current))
    return False


def _cell_uses(node: nodes.Call, loop: nodes.NodeNG) -> List[nodes.Call]:
    """Calls in the loop in which the freshly built cell runs: ``cell(x, state)``, ``cell.__call__``, an
    RNN function (not one whose output is its own input: that stacks a layer, not a time step)."""
    uses = []
    for use in dataflow.result_uses(node):
        if use is not node and not tree.is_inside(use, loop):
            continue
        parent = use.parent
        if isinstance(parent, nodes.Attribute) and parent.attrname == "__call__":
            use, parent = parent, parent.parent
        if isinstance(parent, nodes.Keyword):
            parent = parent.parent
        if not isinstance(parent, nodes.Call):
            continue
        if parent.func is use:
            uses.append(parent)
            continue
        signature = timeloops.one_cell_rnn(parent)
        if signature is not None and any(callargs.call_argument(parent, p, k) is use for p, k in signature.cells):
            inputs = callargs.call_argument(parent, *signature.inputs)
            if not (isinstance(inputs, nodes.Name) and inputs.name in timeloops.assigned_by(parent)):
                uses.append(parent)
    return uses


def _time_loop_reason(loop: nodes.NodeNG, uses: List[nodes.Call],
                      options: TimeStepOptions) -> Optional[Tuple[str, Confidence]]:
    """Why a loop runs over time steps ('range(num_steps)', 'over tf.unstack(x, axis=1)', 'while t < n')
    and how sure that is: HIGH when its structure says so, INFERENCE when only its bound's name does;
    None when it runs over layers or cannot tell."""
    uses = [u for u in uses if tree.is_inside(u, loop)]
    if not uses:
        return None
    bound = range_bound(timeloops.loop_iterable(loop)) if isinstance(loop, nodes.For) else None
    verdict = options.classify(count_of(bound)) if bound is not None else None
    if verdict == LAYERS:
        return None
    if timeloops.runs_over_time(loop, uses):
        return timeloops.loop_label(loop), HIGH
    return (timeloops.loop_label(loop), INFERENCE) if verdict == TIME else None


def _may_share(node: nodes.Call, loop: nodes.NodeNG, uses: List[nodes.Call]) -> bool:
    """May the TF1 cells built at each step share weights? With ``reuse=`` on the cell, a reuse switched
    on in the loop (TF 0.x cells took their variables from the scope), or a reusing scope. Not under a
    ``tf.AUTO_REUSE`` scope entered once around the loop: AUTO_REUSE exists since TF 1.4, where a cell is
    a layer that takes a fresh scope name at its first call (``gru_cell``, ``gru_cell_1``, ...) unless the
    call passes ``scope=`` or a named scope is entered anew at each step."""
    for keyword in ("reuse", "_reuse"):
        value = callargs.call_argument(node, None, keyword)
        if value is not None and callargs.literal_value(value) not in (None, False):
            return True
    if scopes.reuse_switched_in_loop(loop):
        return True
    mode = scopes.reuse_mode(node)
    if mode == scopes.REUSE_AUTO:
        # Entering a named scope resets the numbering of the scopes under it: a cell built in a scope
        # entered at every step takes the same name each time, and AUTO_REUSE shares it.
        entered_per_step = any(tree.is_inside(scope.node, loop) and not scope.unique
                               for scope in scopes.variable_scope_chain(node))
        return entered_per_step or any(callargs.call_argument(use, None, "scope") is not None for use in uses)
    return mode != scopes.REUSE_NONE


def _builds_weights(expr: Optional[nodes.NodeNG], loop: nodes.NodeNG, depth: int = 0) -> bool:
    """Does evaluating expr inside loop make new weights? A cell constructor does; a wrapper or stack
    only when what it wraps is built inside the loop too (``DropoutWrapper(cell)`` around the one cell
    built before the loop shares that cell's weights)."""
    if expr is None or depth > _MAX_DEPTH:
        return False
    if isinstance(expr, nodes.Call):
        api = tfapi.call_api(expr)
        if tfapi.is_cell_class(api):
            return True
        if api is None:
            callee = fx.function_of_call(expr)
            return callee is not None and fx.returns_new_cell(callee)
    return any(_builds_weights(part, loop, depth + 1) for part in _built_from(expr, loop))


def _built_from(expr: nodes.NodeNG, loop: nodes.NodeNG) -> List[nodes.NodeNG]:
    """What an expression's cells are built by: a name's value when assigned in the loop, the items of a
    list, the cell a wrapper wraps, the cells a stack holds."""
    if isinstance(expr, nodes.Name):
        binding = single_binding(expr)
        inside = isinstance(binding, nodes.AssignName) and tree.is_inside(binding, loop)
        return [assigned_value(binding)] if inside else []
    if isinstance(expr, (nodes.List, nodes.Tuple)):
        return list(expr.elts)
    if isinstance(expr, nodes.ListComp):
        return [expr.elt]
    if isinstance(expr, nodes.BinOp) and expr.op == "*":
        return [expr.left, expr.right]
    api = tfapi.call_api(expr) if isinstance(expr, nodes.Call) else None
    if tfapi.is_cell_wrapper(api):
        return [callargs.call_argument(expr, 0, "cell")]
    if tfapi.is_cell_stack(api):
        return [callargs.call_argument(expr, 0, "cells")]
    return []
