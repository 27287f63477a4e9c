"""Missing or wrong reuse: duplicate variables, tf.Variable under reuse, one subgraph aliased as many.

Seeds 000 and 001: a second variable-creating call in one variable scope without reuse fails with
"Variable ... already exists"; ``tf.Variable`` ignores reuse, so code meant to be shared is copied; and
``[build(x)] * 2`` builds one subgraph and names it twice.
"""
from __future__ import annotations

from typing import Optional

from astroid import nodes
from pylint.checkers import BaseChecker

from pylint_rnn.checkers import CHECKER_NAME
from pylint_rnn.checkers._guard import never_crash
from pylint_rnn.core import effects as fx
from pylint_rnn.core import scopes, tfapi
from pylint_rnn.core.bindings import bindings_of, is_inside

_LOOP_TYPES = (nodes.For, nodes.AsyncFor, nodes.Comprehension)


class ReuseChecker(BaseChecker):
    name = CHECKER_NAME
    msgs = {
        "W7902": (
            "%s calls %s once and aliases its result %s times: every name refers to one subgraph (one set "
            "of weights, one output), not %s towers; call it once per tower, e.g. %s",
            "rnn-repeated-graph-call",
            "Multiplying a one-element list ``[build(x)] * n`` evaluates ``build(x)`` once and repeats the "
            "reference. When ``build`` creates graph ops or variables, the n names all point at one "
            "subgraph, so 'n towers with shared weights' is really one tower. Call the function once per "
            "input (sharing weights through a reused variable scope if that is what you want).",
        ),
        "E7903": (
            "%s creates variables in %s that %s already created, without reuse: building the graph fails "
            "with 'Variable ... already exists'; %s",
            "rnn-duplicate-variables",
            "``tf.get_variable`` (and every TF1 layer, cell and RNN function built on it) names variables "
            "after the enclosing variable scope. A second creation of the same name in the same scope "
            "without reuse raises ValueError: Variable ... already exists. tf.name_scope does not change "
            "these names. Give each call its own scope (``scope=`` / ``tf.variable_scope``) when the "
            "weights are meant to be separate, or reuse the scope (``scope.reuse_variables()``, "
            "``reuse=True``, ``tf.AUTO_REUSE``) when they are meant to be shared.",
        ),
        "W7904": (
            "%s created with tf.Variable %s under reuse: tf.Variable ignores reuse and makes a new copy on "
            "every call, so these weights are not shared; create %s with tf.get_variable(...)",
            "rnn-variable-not-shared",
            "Only ``tf.get_variable`` (and layers/cells built on it) honours a variable scope's reuse flag. "
            "``tf.Variable`` always creates a new variable, so code run a second time under "
            "``reuse=True`` / ``scope.reuse_variables()`` / ``tf.AUTO_REUSE`` builds a second, independent "
            "copy: the model you meant to share is not shared and each copy trains on part of the data.",
        ),
    }

    # --- rnn-repeated-graph-call ------------------------------------------------------------------------

    @never_crash
    def visit_binop(self, node: nodes.BinOp) -> None:
        if node.op != "*":
            return
        for sequence, count in ((node.left, node.right), (node.right, node.left)):
            if isinstance(sequence, (nodes.List, nodes.Tuple)) and len(sequence.elts) == 1 \
                    and isinstance(sequence.elts[0], nodes.Call):
                self._check_repeated_call(node, sequence.elts[0], count)
                return

    def _check_repeated_call(self, node: nodes.BinOp, call: nodes.Call, count: nodes.NodeNG) -> None:
        times = tfapi.literal_value(count)
        if isinstance(times, int) and times <= 1:
            return
        if not _builds_graph(call):
            return
        callee = tfapi.dotted_name(call.func) or "the function"
        shown_times = str(times) if isinstance(times, int) else f"'{count.as_string()}'"
        towers = shown_times if isinstance(times, int) else "several"
        fix = f"[{call.as_string()} for _ in range({count.as_string()})]"
        self.add_message("rnn-repeated-graph-call", node=node,
                         args=(node.as_string(), f"{callee}()", shown_times, towers, fix))

    # --- per frame: duplicate variables and tf.Variable under reuse ----------------------------------------

    @never_crash
    def visit_module(self, node: nodes.Module) -> None:
        self._check_frame(node)

    @never_crash
    def visit_functiondef(self, node: nodes.FunctionDef) -> None:
        self._check_frame(node)

    visit_asyncfunctiondef = visit_functiondef

    def _check_frame(self, frame: nodes.NodeNG) -> None:
        if not fx.module_creates_variables(frame):
            return
        summary = fx.effects(frame)
        if summary.named:
            self._check_duplicates(frame, summary.named)
        if summary.plain:
            self._check_not_shared(summary.plain)

    def _check_duplicates(self, frame: nodes.NodeNG, creations: tuple) -> None:
        candidates = [c for c in creations if c.key is not None and c.reuse == scopes.REUSE_NONE]
        reported = set()
        for index, later in enumerate(candidates):
            earlier = next((e for e in candidates[:index] if _collide(e, later)), None)
            if earlier is not None:
                reported.add(id(later.node))
                self.add_message("rnn-duplicate-variables", node=later.node, args=(
                    later.label, _scope_text(later.key, frame),
                    f"{_short(earlier.label)} at line {earlier.node.lineno}", _fix_text(later)))
        for creation in candidates:
            if id(creation.node) in reported:
                continue
            loop = _repeating_loop(creation, frame)
            if loop is not None:
                self.add_message("rnn-duplicate-variables", node=creation.node, args=(
                    creation.label, _scope_text(creation.key, frame),
                    f"the previous iteration of the loop at line {loop.lineno}", _fix_text(creation)))

    def _check_not_shared(self, creations: tuple) -> None:
        by_node = {}
        seen_auto = {}
        for creation in creations:
            shared = creation.reuse == scopes.REUSE_TRUE
            if creation.reuse == scopes.REUSE_AUTO:
                # Under AUTO_REUSE the first run creates; a second run of the same code should share.
                earlier = seen_auto.get((creation.key, creation.identity))
                shared = (earlier is not None and earlier is not creation.node
                          and not _exclusive(earlier, creation.node)) or _in_loop(creation.node)
                seen_auto.setdefault((creation.key, creation.identity), creation.node)
            if shared:
                by_node.setdefault(id(creation.node), (creation.node, []))[1].append(creation.label)
        for call, labels in by_node.values():
            names = ", ".join(f"'{label}'" for label in dict.fromkeys(labels))
            callee = fx.function_of_call(call)
            where = f"in {callee.name}(), which runs here" if isinstance(callee, nodes.FunctionDef) else "here,"
            self.add_message("rnn-variable-not-shared", node=call, args=(names, where, names))


CHECKERS = (ReuseChecker,)


# --- helpers ---------------------------------------------------------------------------------------------


def _builds_graph(call: nodes.Call) -> bool:
    api = tfapi.call_api(call)
    if api is not None:
        # A TF API that creates variables or unrolls an RNN: aliasing it n times is one subgraph.
        return api in (tfapi.GET_VARIABLE, tfapi.VARIABLE) or tfapi.is_rnn_function(api) \
            or api.startswith("tf.layers.")
    return fx.creates_graph_ops(fx.function_of_call(call))


def _collide(earlier: fx.Creation, later: fx.Creation) -> bool:
    if earlier.node is later.node or earlier.key != later.key or earlier.identity != later.identity:
        return False
    if earlier.identity[0] == "rnn":
        # One cell object run twice shares its weights; two fresh cells collide.
        if earlier.cell is None or later.cell is None or earlier.cell == later.cell:
            return False
    if not _runs_before(earlier.node, later.node):
        return False
    return not _exclusive(earlier.node, later.node)


def _runs_before(a: nodes.NodeNG, b: nodes.NodeNG) -> bool:
    return (a.lineno or 0, a.col_offset or 0) < (b.lineno or 0, b.col_offset or 0)


def _exclusive(a: nodes.NodeNG, b: nodes.NodeNG) -> bool:
    """Are a and b in different branches of one if/else, conditional expression or try/except?"""
    child_towards_a = {}
    child, parent = a, a.parent
    while parent is not None:
        child_towards_a[id(parent)] = child
        child, parent = parent, parent.parent
    child, parent = b, b.parent
    while parent is not None:
        if id(parent) in child_towards_a:
            ca, cb = child_towards_a[id(parent)], child
            if isinstance(parent, (nodes.If, nodes.IfExp)):
                return _branch(parent, ca) != _branch(parent, cb)
            if isinstance(parent, nodes.Try):
                return _branch(parent, ca) != _branch(parent, cb)
            return False
        child, parent = parent, parent.parent
    return False


def _branch(parent: nodes.NodeNG, child: nodes.NodeNG) -> str:
    for field in ("body", "orelse", "handlers", "finalbody"):
        value = getattr(parent, field, None)
        if value is child or (isinstance(value, list) and any(c is child for c in value)):
            return field
    return "test"


def _in_loop(node: nodes.NodeNG) -> bool:
    return scopes.enclosing_loop(node) is not None


def _repeating_loop(creation: fx.Creation, frame: nodes.NodeNG) -> Optional[nodes.NodeNG]:
    """The loop that runs this creation again in the same scope without reuse, if any."""
    loop = scopes.enclosing_loop(creation.node)
    if loop is None:
        return None
    if isinstance(loop, (nodes.ListComp, nodes.SetComp, nodes.DictComp, nodes.GeneratorExp)):
        generators = loop.generators
        if len(generators) != 1 or not _iterates_more_than_once(generators[0].iter):
            return None
        statement_loop = loop
    elif isinstance(loop, nodes.For):
        if not _iterates_more_than_once(loop.iter) or scopes.reuse_switched_in_loop(loop):
            return None
        statement_loop = loop
    else:
        return None  # while loops and generator tricks: the trip count is anyone's guess
    if _conditional_within(creation.node, statement_loop):
        return None
    # Scope names chosen inside the loop are per-iteration only if they vary; literal ones do not.
    if creation.identity[0] == "rnn" and not _cell_built_inside(creation, statement_loop):
        return None
    return statement_loop


def _iterates_more_than_once(iterable: nodes.NodeNG) -> bool:
    if isinstance(iterable, (nodes.List, nodes.Tuple, nodes.Set)):
        return len(iterable.elts) > 1
    if isinstance(iterable, nodes.Call) and isinstance(iterable.func, nodes.Name) \
            and iterable.func.name == "range" and iterable.args:
        bounds = [tfapi.literal_value(a) for a in iterable.args]
        if all(isinstance(b, int) for b in bounds):
            return len(range(*bounds)) > 1
        return True
    return True


def _conditional_within(node: nodes.NodeNG, loop: nodes.NodeNG) -> bool:
    current = node.parent
    while current is not None and current is not loop:
        if isinstance(current, (nodes.If, nodes.IfExp, nodes.Try, nodes.BoolOp, nodes.While)):
            return True
        current = current.parent
    return False


def _cell_built_inside(creation: fx.Creation, loop: nodes.NodeNG) -> bool:
    """Is the RNN call's cell constructed anew on each iteration of loop?"""
    cell = tfapi.call_argument(creation.node, 0, "cell") or tfapi.call_argument(creation.node, 0, "cell_fw")
    if isinstance(cell, nodes.Call):
        return creation.cell is not None
    if isinstance(cell, nodes.Name) and creation.cell is not None:
        bindings = bindings_of(cell)
        return bool(bindings) and all(is_inside(b, loop) for b in bindings)
    return False


def _short(label: str) -> str:
    """'dense() (via ...)' -> 'dense()': the earlier call needs no second explanation."""
    return label.split(" (", 1)[0]


def _scope_text(key: tuple, frame: nodes.NodeNG) -> str:
    if key:
        return f"variable scope '{'/'.join(key)}'"
    if isinstance(frame, nodes.Module):
        return "the top-level variable scope"
    return "the caller's variable scope"


def _fix_text(creation: fx.Creation) -> str:
    if creation.identity[0] == "rnn":
        return "pass a distinct scope= to each call, or reuse the scope if the weights are meant to be shared"
    return ("give each call its own tf.variable_scope, or reuse the scope (scope.reuse_variables() / "
            "reuse=tf.AUTO_REUSE) if the weights are meant to be shared")
