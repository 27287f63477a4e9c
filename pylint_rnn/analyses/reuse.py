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
from pylint_rnn.core import callargs, dataflow, scopes, tfapi, trainable, tree
from pylint_rnn.core.cache import module_cached

REPEATED_CALL = "rnn-repeated-graph-call"
DUPLICATE = "rnn-duplicate-variables"
NOT_SHARED = "rnn-variable-not-shared"


# --- rnn-repeated-graph-call ----------------------------------------------------------------------------


def repeated_graph_call(node: nodes.BinOp) -> Optional[Finding]:
    """``[build(x)] * n`` (or ``n * [build(x)]``) where ``build`` creates variables or Keras layers."""
    if node.op != "*":
        return None
    for sequence, count in ((node.left, node.right), (node.right, node.left)):
        if isinstance(sequence, (nodes.List, nodes.Tuple)) and len(sequence.elts) == 1 \
                and isinstance(sequence.elts[0], nodes.Call):
            return _repeated_call(node, sequence.elts[0], count)
    return None


def _repeated_call(node: nodes.BinOp, call: nodes.Call, count: nodes.NodeNG) -> Optional[Finding]:
    times = callargs.literal_value(count)
    if isinstance(times, int) and times <= 1:
        return None
    if not _builds_graph(call) and not _unseen_callee_combined(node, call):
        return None
    callee = tfapi.dotted_name(call.func) or "the function"
    shown_times = str(times) if isinstance(times, int) else f"'{count.as_string()}'"
    towers = shown_times if isinstance(times, int) else "several"
    fix = f"[{call.as_string()} for _ in range({count.as_string()})]"
    return Finding(REPEATED_CALL, node, (node.as_string(), f"{callee}()", shown_times, towers), (fix,))


def _builds_graph(call: nodes.Call) -> bool:
    """Does the call build weights (variables, an RNN, weighted layers, Keras layers or models)? Aliasing
    the result of one that only builds ops (``zero_state()``, ``tf.zeros``) repeats a constant: harmless."""
    api = tfapi.call_api(call)
    if api is not None:
        return trainable.creates_trainable_api(call, api)
    callee = fx.called_function(call)
    return fx.creates_variables(callee) or builds_keras_objects(callee)


def _unseen_callee_combined(node: nodes.BinOp, call: nodes.Call) -> bool:
    """``[build(x)] * n`` with ``build`` bound nowhere in the module (a notebook cell; defined in one not
    shown) whose list, unchanged, goes to an op that combines its elements (``tf.add_n``, ``tf.stack``,
    ``layers.Average()(...)``): combining n references to one tensor is an ensemble of one, whatever
    ``build`` is. A list of such results used otherwise (initial states, slots refilled later) says nothing."""
    if not (isinstance(call.func, nodes.Name) and tfapi.is_unbound(call.func)):
        return False
    for use in dataflow.unchanged_uses(node):
        consumer = use.parent.parent if isinstance(use.parent, nodes.Keyword) else use.parent
        if isinstance(consumer, nodes.Call) and tfapi.combined_list(consumer) is use:
            return True
    return False


def builds_keras_objects(func: Optional[nodes.NodeNG]) -> bool:
    """Does running func build new Keras layers or models (``layers.GRU(16)(x)``, ``Sequential([...])``),
    directly or through the module's own functions? n aliases of its result are one model, not n."""
    if func is None:
        return False

    def compute() -> bool:
        for call in tree.own_nodes(func, nodes.Call):
            api = tfapi.call_api(call)
            if api is not None and api.startswith("tf.keras.") and not tfapi.is_any_cell(api) \
                    and trainable.is_layer_object_api(api):
                return True
        return any(builds_keras_objects(callee) for _, callee in fx.effects(func).calls)

    return module_cached("builds-keras-objects", func, compute, False)


# --- per frame: duplicate variables and tf.Variable under reuse ----------------------------------------


def frame_findings(frame: nodes.NodeNG) -> List[Finding]:
    """Collisions and unshared copies among the variable creations a module or function body makes."""
    if not fx.module_creates_variables(frame):
        return []
    summary = fx.effects(frame)
    return duplicate_variables(frame, summary.named) + variables_not_shared(summary.plain)


def duplicate_variables(frame: nodes.NodeNG, creations: tuple) -> List[Finding]:
    """Named creations that make a variable name again (a second call, or the next loop iteration) in one
    variable scope of one graph, without reuse."""
    candidates = sorted((c for c in creations if c.key is not None and c.reuse == scopes.REUSE_NONE and c.leaves),
                        key=lambda c: _done_at(c.node))
    if not candidates:
        return []
    resets = _graph_resets(frame)
    found, reported = [], set()
    for index, later in enumerate(candidates):
        for earlier in candidates[:index]:
            path = _collision(earlier, later, resets)
            if path is not None:
                reported.add(id(later.node))
                where = f"{earlier.label} at line {earlier.node.lineno}"
                found.append(_duplicate(later, frame, path, where))
                break
    for creation in candidates:
        if id(creation.node) in reported:
            continue
        loop, path = _repeating_loop(creation, resets)
        if loop is not None:
            found.append(_duplicate(creation, frame, path, f"the previous iteration of the loop at line {loop.lineno}"))
    return found


def _duplicate(creation: fx.Creation, frame: nodes.NodeNG, path: tuple, earlier: str) -> Finding:
    scope = "a distinct scope= argument" if creation.label in _RNN_LABELS else "a tf.variable_scope around each call"
    label = creation.describe(path)
    return Finding(DUPLICATE, creation.node, (label, _scope_text(creation.key, frame), earlier), (scope,))


_RNN_LABELS = frozenset(tfapi.short_name(api) for api in tfapi.RNN_SIGNATURES)


def variables_not_shared(creations: tuple) -> List[Finding]:
    """``tf.Variable`` creations that run under reuse: each run makes a new copy."""
    by_node, seen_auto = {}, {}
    for creation in creations:
        shared = creation.reuse in (scopes.REUSE_TRUE, scopes.REUSE_LATER)
        if creation.reuse == scopes.REUSE_AUTO:
            # Under AUTO_REUSE the first run creates; a second run of the same code should share.
            earlier = seen_auto.get((creation.key, creation.identity))
            shared = (earlier is not None and earlier is not creation.node
                      and not tree.mutually_exclusive(earlier, creation.node)) \
                or tree.enclosing_loop(creation.node) is not None
            seen_auto.setdefault((creation.key, creation.identity), creation.node)
        if shared:
            by_node.setdefault(id(creation.node), (creation.node, []))[1].append(creation.label)
    found = []
    for call, labels in by_node.values():
        names = ", ".join(f"'{label}'" for label in dict.fromkeys(labels))
        callee = fx.called_function(call)
        where = f"in {callee.name}(), which runs here" if isinstance(callee, nodes.FunctionDef) else "here,"
        found.append(Finding(NOT_SHARED, call, (names, where), (names,)))
    return found


def _collision(earlier: fx.Creation, later: fx.Creation, resets: list) -> Optional[tuple]:
    """The first variable path both create, as different objects, when both run in one graph; else None."""
    if earlier.node is later.node or earlier.key != later.key or earlier.graph is not later.graph:
        return None
    if _done_at(earlier.node) >= _done_at(later.node) or tree.mutually_exclusive(earlier.node, later.node):
        return None
    if any(_done_at(earlier.node) < _done_at(r) < _done_at(later.node) for r in resets):
        return None  # tf.reset_default_graph() between them: the second builds in a new graph
    owners = {}
    for path, owner in earlier.leaves:
        owners.setdefault(path, []).append(owner)
    shared = [path for path, owner in later.leaves
              if any(o is None or owner is None or o is not owner for o in owners.get(path, ()))]
    return min(shared, key=_creation_order(later)) if shared else None


def _creation_order(creation: fx.Creation):
    """Sort key: the variable TensorFlow creates first (the order of the callee's code, fw before bw)."""
    order = {path: index for index, (path, _) in enumerate(creation.origins)}
    return lambda path: (order.get(path, len(order)), tuple("~bw" if part == "bw" else part for part in path))


def _done_at(call: nodes.NodeNG) -> tuple:
    """When a call has run, in source terms: its end (``f(g(x))`` runs g first, as its arguments come first)."""
    return (call.end_lineno or call.lineno or 0, call.end_col_offset or 0)


def _graph_resets(frame: nodes.NodeNG) -> list:
    """Calls in frame that start a new default graph: tf.reset_default_graph(), or a helper that does."""
    out = []
    for call, callee in fx.effects(frame).calls:
        if fx.effects(callee).resets_graph:
            out.append(call)
    if fx.effects(frame).resets_graph:
        out.extend(c for c in tree.own_nodes(frame, nodes.Call) if tfapi.call_api(c) == fx.RESET_GRAPH)
    return out


def _repeating_loop(creation: fx.Creation, resets: list) -> tuple:
    """(the loop that runs this creation again in the same scope without reuse, a path it makes again),
    or (None, None). Variables of a cell built before the loop are one object's: shared, not repeated."""
    loop = tree.enclosing_loop(creation.node)
    if isinstance(loop, tree.COMPREHENSIONS):
        if len(loop.generators) != 1 or not _iterates_more_than_once(loop.generators[0].iter):
            return None, None
    elif isinstance(loop, nodes.For):
        # A reuse switch or reuse=<expr> in the loop already decided creation.reuse (later / unknown).
        if not _iterates_more_than_once(loop.iter):
            return None, None
    else:
        return None, None  # no loop, or a while loop: the trip count is anyone's guess
    if _conditional_within(creation.node, loop) or any(tree.is_inside(r, loop) for r in resets):
        return None, None
    if creation.graph is not None and tree.is_inside(creation.graph, loop):
        return None, None  # a new graph on every iteration
    repeated = [path for path, owner in creation.leaves if owner is None or tree.contains(loop, owner)]
    return (loop, min(repeated, key=_creation_order(creation))) if repeated else (None, None)


def _iterates_more_than_once(iterable: nodes.NodeNG) -> bool:
    if isinstance(iterable, (nodes.List, nodes.Tuple, nodes.Set)):
        return len(iterable.elts) > 1
    if isinstance(iterable, nodes.Call) and isinstance(iterable.func, nodes.Name) \
            and iterable.func.name == "range" and iterable.args:
        bounds = [callargs.literal_value(a) for a in iterable.args]
        if all(isinstance(b, int) for b in bounds):
            return len(range(*bounds)) > 1
    return True


def _conditional_within(node: nodes.NodeNG, loop: nodes.NodeNG) -> bool:
    """Is node under a branch (or an inner while loop) inside the loop, so it may not run every time?"""
    return any(isinstance(parent, (nodes.If, nodes.IfExp, nodes.Try, nodes.BoolOp, nodes.While))
               for parent in tree.ancestors_below(node, loop))


def _scope_text(key: tuple, frame: nodes.NodeNG) -> str:
    if key:
        return f"variable scope '{'/'.join(key)}'"
    if isinstance(frame, nodes.Module):
        return "the top-level variable scope"
    return "the caller's variable scope"
