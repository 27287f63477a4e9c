"""Which Python loops run over the time steps? Answered from the loop's structure, not from names.

A manual unroll (``for t in range(T): out, state = cell(x[:, t], state)``) and a decoding loop
(``for _ in range(max_len): out, state = cell(inp, state); inp = embed(argmax(out))``) run a cell once per
time step, whatever their bound is called. This module tells such loops from loops over layers by what
they do: they iterate a list of per-step tensors (``tf.unstack(x, axis=1)``), index the time axis with the
loop variable (``x[:, t]``), or run a cell on a state that the same call replaces (a recurrence across
iterations) while the step input comes from the loop or from the previous step's output. Loops whose
bound a name classifies are the analyses' business (options); nothing here reads a name's meaning.
"""
from __future__ import annotations

from typing import List, Optional, Set

from astroid import nodes

from pylint_rnn.core import callargs, callindex, tfapi, timeaxis, tree
from pylint_rnn.core.bindings import assigned_value, single_binding
from pylint_rnn.core.cache import module_cached
from pylint_rnn.core.counts import Count

_FEEDBACK_PASSES = 2  # x = f(out); inp = g(x): two hops from a step's output to the next step's input
_TEXT_LIMIT = 50


def one_cell_rnn(call: nodes.Call) -> Optional[tfapi.RnnSignature]:
    """The signature of an RNN function that unrolls one cell (per direction) over an inputs tensor."""
    signature = tfapi.rnn_signature(call)
    if signature is None or signature.cell_lists or signature.inputs is None:
        return None
    return signature


def assigned_by(call: nodes.Call) -> Set[str]:
    """Names a call's result is assigned to (``out, state = call`` -> {out, state}; ``x = call[0]``)."""
    node = call
    if isinstance(node.parent, nodes.Subscript) and node.parent.value is node:
        node = node.parent
    assign = node.parent
    if not isinstance(assign, nodes.Assign) or assign.value is not node:
        return set()
    return {name.name for target in assign.targets for name in target.nodes_of_class(nodes.AssignName)}


def enclosing_loop(node: nodes.NodeNG) -> Optional[nodes.NodeNG]:
    """The innermost ``for`` / ``while`` statement whose body holds ``node``, within its frame."""
    # One climb, asked for every call in a module (rnn-cell-per-timestep): no frame() walk first.
    child, parent = node, node.parent
    while parent is not None and parent.__class__ not in _FRAME_CLASSES:
        # Statements of a loop are its body's or its else's; the target and the condition are expressions.
        if parent.__class__ in _STATEMENT_LOOP_CLASSES and child.is_statement \
                and not any(child is statement for statement in parent.orelse):
            return parent
        child, parent = parent, parent.parent
    return None


_FRAMES = (*tree.NESTED_SCOPES, nodes.Module)
_LOOPS = (nodes.For, nodes.While)
_FRAME_CLASSES = tree.classes_of(_FRAMES)
_STATEMENT_LOOP_CLASSES = tree.classes_of(_LOOPS)


def calls_in_loops(module: nodes.Module) -> List[nodes.Call]:
    """The module's calls that may have an :func:`enclosing_loop` (all that do, some that do not), in source
    order: those on a line of some loop. Most calls of a script are outside loops; a set of lines answers for
    each call at less cost than climbing its parents."""

    def compute() -> List[nodes.Call]:
        lines = set()
        for loop in tree.module_nodes(module, _LOOPS):
            lines.update(range(loop.lineno or 0, (loop.tolineno or loop.lineno or 0) + 1))
        return [call for call in callindex.calls(module) if call.lineno in lines or call.lineno is None]

    return module_cached("calls-in-loops", module, compute, [])


def loop_variables(loop: nodes.NodeNG) -> Set[str]:
    """The names a ``for`` binds in its target (none for a ``while``)."""
    if isinstance(loop, nodes.For):
        return {n.name for n in loop.target.nodes_of_class(nodes.AssignName)}
    return set()


def loop_iterable(loop: nodes.For) -> nodes.NodeNG:
    """What the loop runs over, seen through ``enumerate(x)`` / ``zip(x, ...)``."""
    iterable = loop.iter
    if isinstance(iterable, nodes.Call) and isinstance(iterable.func, nodes.Name) \
            and iterable.func.name in ("enumerate", "zip") and iterable.args:
        return iterable.args[0]
    return iterable


def step_count(loop: nodes.NodeNG) -> Optional[Count]:
    """How many times a loop runs, as written: a ``for``'s iterations (``range(T)``, a step list), a
    ``while``'s bound (``while t < T`` / ``while T > t``)."""
    if isinstance(loop, nodes.For):
        return timeaxis.iteration_count(loop_iterable(loop))
    test = loop.test if isinstance(loop, nodes.While) else None
    if isinstance(test, nodes.Compare) and len(test.ops) == 1:
        operator, right = test.ops[0]
        if operator == "<":
            return timeaxis.dim_count(right)
        if operator == ">":
            return timeaxis.dim_count(test.left)
    return None


def loop_label(loop: nodes.NodeNG) -> str:
    """How a message names a loop: ``range(num_steps)``, ``over tf.unstack(x, axis=1)``, ``while t < n``."""
    if isinstance(loop, nodes.While):
        test = loop.test.as_string()
        return f"while {test}" if len(test) <= _TEXT_LIMIT else "a while loop"
    iterable = loop_iterable(loop)
    bound = timeaxis.range_bound(iterable)
    if bound is not None:
        return f"range({bound.as_string()})"
    shown = iterable.as_string()
    return f"over {shown}" if len(shown) <= _TEXT_LIMIT else "over the time steps"


def runs_over_time(loop: nodes.NodeNG, uses: List[nodes.Call]) -> bool:
    """Does the loop's structure say it runs over time steps, for these cell calls in it? It iterates a
    step list, indexes the time axis with its variable, or carries a state through one of the calls."""
    if isinstance(loop, nodes.For) and timeaxis.is_step_list(loop_iterable(loop)):
        return True
    variables = loop_variables(loop)
    return (bool(variables) and indexes_time_axis(loop, variables)) or carries_state(uses, loop)


def indexes_time_axis(loop: nodes.NodeNG, loop_vars: Set[str]) -> bool:
    """``x[:, t]`` / ``x[:, t, :]`` with the loop variable t, in the loop."""
    for sub in tree.own_nodes(loop, nodes.Subscript):
        if isinstance(sub.slice, nodes.Tuple) and len(sub.slice.elts) >= 2:
            first, second = sub.slice.elts[0], sub.slice.elts[1]
            if isinstance(first, nodes.Slice) and first.lower is None and first.upper is None \
                    and isinstance(second, nodes.Name) and second.name in loop_vars:
                return True
    return False


def carries_state(uses: List[nodes.Call], loop: nodes.NodeNG) -> bool:
    """``out, state = cell(x_t, state)``: the call's state argument is replaced by the call (a recurrence
    across iterations), and its step input comes from the loop (``x_t``, ``x[:, t]``) or is the previous
    step's output fed back (``inp = embed(argmax(out))``)."""
    loop_vars = loop_variables(loop)
    for use in uses:
        signature = one_cell_rnn(use)
        if signature is not None:
            state = callargs.call_argument(use, *signature.initial_states[0]) if signature.initial_states else None
            step_input = callargs.call_argument(use, *signature.inputs)
        else:
            state = callargs.call_argument(use, 1, "state") or callargs.call_argument(use, 1, "states")
            step_input = callargs.call_argument(use, 0, "inputs")
        if state is None or step_input is None:
            continue
        produced = assigned_by(use)
        if not {n.name for n in tree.names_in(state)} & produced:
            continue
        input_names = {n.name for n in tree.names_in(step_input)}
        if input_names & loop_vars or _derived_from(step_input, loop_vars):
            return True
        if input_names & fed_back(use, loop, produced):
            return True
    return False


def _derived_from(expr: nodes.NodeNG, loop_vars: Set[str]) -> bool:
    """Is the step input a name assigned from the loop variable (``x_t = x[:, t]``)?"""
    if not loop_vars:
        return False
    for name in tree.names_in(expr):
        binding = single_binding(name)
        value = assigned_value(binding) if isinstance(binding, nodes.AssignName) else None
        if value is not None and any(n.name in loop_vars for n in tree.names_in(value)):
            return True
    return False


def fed_back(use: nodes.Call, loop: nodes.NodeNG, produced: Set[str]) -> Set[str]:
    """The names the loop body computes from what ``use`` produced (its outputs, and names assigned from
    them): the values the next iteration sees."""
    derived = set(produced)
    assigns = [a for a in tree.own_nodes(loop, nodes.Assign) if a.value is not use]
    for _ in range(_FEEDBACK_PASSES):
        for assign in assigns:
            if {n.name for n in tree.names_in(assign.value)} & derived:
                derived.update(n.name for t in assign.targets for n in t.nodes_of_class(nodes.AssignName))
    return derived
