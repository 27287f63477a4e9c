"""Missing or wrong reuse: duplicate variables, tf.Variable under reuse, one subgraph aliased as many.

Seeds 000 and 001: a second variable-creating call in one variable scope without reuse fails with
"Variable ... already exists"; ``tf.Variable`` ignores reuse, so code meant to be shared is copied; and
``[build(x)] * 2`` builds one subgraph and names it twice. The facts come from :mod:`pylint_rnn.core.effects`
(what each function creates, in which scope, under which reuse); this module decides what collides.
"""
from __future__ import annotations

from typing import List, Optional

from astroid import nodes

from pylint_rnn.analyses import Finding
from pylint_rnn.core import effects as fx
from pylint_rnn.core import scopes, tfapi, tree
from pylint_rnn.core.bindings import bindings_of

REPEATED_CALL = "rnn-repeated-graph-call"
DUPLICATE = "rnn-duplicate-variables"
NOT_SHARED = "rnn-variable-not-shared"


# --- rnn-repeated-graph-call ----------------------------------------------------------------------------


def repeated_graph_call(node: nodes.BinOp) -> Optional[Finding]:
    """``[build(x)] * n`` (or ``n * [build(x)]``) where ``build`` creates graph ops or variables."""
    if node.op != "*":
        return None
    for sequence, count in ((node.left, node.right), (node.right, node.left)):
        if isinstance(sequence, (nodes.List, nodes.Tuple)) and len(sequence.elts) == 1 \
                and isinstance(sequence.elts[0], nodes.Call):
            return _repeated_call(node, sequence.elts[0], count)
    return None


def _repeated_call(node: nodes.BinOp, call: nodes.Call, count: nodes.NodeNG) -> Optional[Finding]:
    times = tfapi.literal_value(count)
    if isinstance(times, int) and times <= 1:
        return None
    if not _builds_graph(call):
        return None
    callee = tfapi.dotted_name(call.func) or "the function"
    shown_times = str(times) if isinstance(times, int) else f"'{count.as_string()}'"
    towers = shown_times if isinstance(times, int) else "several"
    fix = f"[{call.as_string()} for _ in range({count.as_string()})]"
    return Finding(REPEATED_CALL, node, (node.as_string(), f"{callee}()", shown_times, towers), (fix,))


def _builds_graph(call: nodes.Call) -> bool:
    api = tfapi.call_api(call)
    if api is not None:
        # A TF API that creates variables or unrolls an RNN: aliasing it n times is one subgraph.
        return api in (tfapi.GET_VARIABLE, tfapi.VARIABLE) or tfapi.is_rnn_function(api) \
            or api.startswith("tf.layers.")
    return fx.creates_graph_ops(fx.function_of_call(call))


# --- per frame: duplicate variables and tf.Variable under reuse ----------------------------------------


def frame_findings(frame: nodes.NodeNG) -> List[Finding]:
    """Collisions and unshared copies among the variable creations a module or function body makes."""
    if not fx.module_creates_variables(frame):
        return []
    summary = fx.effects(frame)
    return duplicate_variables(frame, summary.named) + variables_not_shared(summary.plain)


def duplicate_variables(frame: nodes.NodeNG, creations: tuple) -> List[Finding]:
    """Named creations that a second call (or the next loop iteration) makes again without reuse."""
    candidates = [c for c in creations if c.key is not None and c.reuse == scopes.REUSE_NONE]
    found, reported = [], set()
    for index, later in enumerate(candidates):
        earlier = next((e for e in candidates[:index] if _collide(e, later)), None)
        if earlier is not None:
            reported.add(id(later.node))
            found.append(_duplicate(later, frame, f"{_first_part(earlier.label)} at line {earlier.node.lineno}"))
    for creation in candidates:
        if id(creation.node) in reported:
            continue
        loop = _repeating_loop(creation)
        if loop is not None:
            found.append(_duplicate(creation, frame, f"the previous iteration of the loop at line {loop.lineno}"))
    return found


def _duplicate(creation: fx.Creation, frame: nodes.NodeNG, earlier: str) -> Finding:
    scope = "a distinct scope= argument" if creation.identity[0] == "rnn" else "a tf.variable_scope around each call"
    return Finding(DUPLICATE, creation.node, (creation.label, _scope_text(creation.key, frame), earlier), (scope,))


def variables_not_shared(creations: tuple) -> List[Finding]:
    """``tf.Variable`` creations that run under reuse: each run makes a new copy."""
    by_node, seen_auto = {}, {}
    for creation in creations:
        shared = creation.reuse == scopes.REUSE_TRUE
        if creation.reuse == scopes.REUSE_AUTO:
            # Under AUTO_REUSE the first run creates; a second run of the same code should share.
            earlier = seen_auto.get((creation.key, creation.identity))
            shared = (earlier is not None and earlier is not creation.node
                      and not tree.exclusive_branches(earlier, creation.node)) \
                or tree.enclosing_loop(creation.node) is not None
            seen_auto.setdefault((creation.key, creation.identity), creation.node)
        if shared:
            by_node.setdefault(id(creation.node), (creation.node, []))[1].append(creation.label)
    found = []
    for call, labels in by_node.values():
        names = ", ".join(f"'{label}'" for label in dict.fromkeys(labels))
        callee = fx.function_of_call(call)
        where = f"in {callee.name}(), which runs here" if isinstance(callee, nodes.FunctionDef) else "here,"
        found.append(Finding(NOT_SHARED, call, (names, where), (names,)))
    return found


def _collide(earlier: fx.Creation, later: fx.Creation) -> bool:
    if earlier.node is later.node or earlier.key != later.key or earlier.identity != later.identity:
        return False
    if earlier.identity[0] == "rnn":
        # One cell object run twice shares its weights; two fresh cells collide.
        if earlier.cell is None or later.cell is None or earlier.cell == later.cell:
            return False
    if not tree.source_before(earlier.node, later.node):
        return False
    return not tree.exclusive_branches(earlier.node, later.node)


def _repeating_loop(creation: fx.Creation) -> Optional[nodes.NodeNG]:
    """The loop that runs this creation again in the same scope without reuse, if any."""
    loop = tree.enclosing_loop(creation.node)
    if isinstance(loop, tree.COMPREHENSIONS):
        if len(loop.generators) != 1 or not _iterates_more_than_once(loop.generators[0].iter):
            return None
    elif isinstance(loop, nodes.For):
        if not _iterates_more_than_once(loop.iter) or scopes.reuse_switched_in_loop(loop):
            return None
    else:
        return None  # no loop, or a while loop: the trip count is anyone's guess
    if _conditional_within(creation.node, loop):
        return None
    # Scope names chosen inside the loop are per-iteration only if they vary; literal ones do not.
    if creation.identity[0] == "rnn" and not _cell_built_inside(creation, loop):
        return None
    return loop


def _iterates_more_than_once(iterable: nodes.NodeNG) -> bool:
    if isinstance(iterable, (nodes.List, nodes.Tuple, nodes.Set)):
        return len(iterable.elts) > 1
    if isinstance(iterable, nodes.Call) and isinstance(iterable.func, nodes.Name) \
            and iterable.func.name == "range" and iterable.args:
        bounds = [tfapi.literal_value(a) for a in iterable.args]
        if all(isinstance(b, int) for b in bounds):
            return len(range(*bounds)) > 1
    return True


def _conditional_within(node: nodes.NodeNG, loop: nodes.NodeNG) -> bool:
    """Is node under a branch (or an inner while loop) inside the loop, so it may not run every time?"""
    return any(isinstance(parent, (nodes.If, nodes.IfExp, nodes.Try, nodes.BoolOp, nodes.While))
               for parent in tree.ancestors_below(node, loop))


def _cell_built_inside(creation: fx.Creation, loop: nodes.NodeNG) -> bool:
    """Is the RNN call's cell constructed anew on each iteration of loop?"""
    cell = tfapi.call_argument(creation.node, 0, "cell") or tfapi.call_argument(creation.node, 0, "cell_fw")
    if isinstance(cell, nodes.Call):
        return creation.cell is not None
    if isinstance(cell, nodes.Name) and creation.cell is not None:
        bindings = bindings_of(cell)
        return bool(bindings) and all(tree.is_inside(b, loop) for b in bindings)
    return False


def _first_part(label: str) -> str:
    """'dense() (via ...)' -> 'dense()': the earlier call needs no second explanation."""
    return label.split(" (", 1)[0]


def _scope_text(key: tuple, frame: nodes.NodeNG) -> str:
    if key:
        return f"variable scope '{'/'.join(key)}'"
    if isinstance(frame, nodes.Module):
        return "the top-level variable scope"
    return "the caller's variable scope"
