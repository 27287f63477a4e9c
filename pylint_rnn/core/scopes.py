"""Which variable scope and reuse mode is this line in?

The model follows TF1's variable-scope rules as ``tf.get_variable`` sees them:

- ``with tf.variable_scope(name, reuse=...)`` opens (or re-opens) the scope ``name``; ``reuse=True`` and
  ``reuse=tf.AUTO_REUSE`` are inherited by every scope inside it; ``reuse=None``/``False`` inherit.
- ``scope.reuse_variables()`` (on the ``as scope`` of an enclosing ``with``) and
  ``tf.get_variable_scope().reuse_variables()`` switch reuse on for the rest of that scope.
- ``tf.variable_scope(None, default_name=...)`` opens a fresh, uniquely named scope every time.
- ``tf.name_scope`` changes op names but not ``tf.get_variable`` names, so it is invisible here.
- In a loop, ``reuse=i > 0`` (the loop's index), a ``reuse`` flag set to True at the end of the body, or a
  reuse switch after the first tower (the multi-GPU idiom) give reuse on every iteration after the first:
  :data:`REUSE_LATER`. A switch is undone when the ``with`` whose scope it set is left, so a switch inside
  a ``with`` that the loop enters anew each iteration carries nothing to the next iteration.
- ``with <graph>.as_default()`` starts another graph: :func:`graph_context` tells which one a line is in.

Everything is relative to the node's frame (its function, or the module): what a caller's scope adds is
the caller's business, which is how two calls of one function can be compared.
"""
from __future__ import annotations

from typing import NamedTuple, Optional, Tuple

from astroid import nodes

from pylint_rnn.core import callargs, callindex, tfapi, tree
from pylint_rnn.core.bindings import assigned_value, bindings_of, single_binding
from pylint_rnn.core.cache import module_cached

# Reuse modes.
REUSE_NONE = "none"  # not reusing: a second creation of one name fails
REUSE_TRUE = "true"  # reuse=True or after reuse_variables(): creation of a new name fails, existing ones are shared
REUSE_AUTO = "auto"  # tf.AUTO_REUSE: create on first use, share afterwards
REUSE_UNKNOWN = "unknown"  # an expression we cannot evaluate: checks stay silent
REUSE_LATER = "later"  # in a loop: off on the first iteration, on for every later one
PARAM_PREFIX = "param:"  # reuse=<parameter of the enclosing function>: decided by each caller


class VariableScope(NamedTuple):
    """One ``with tf.variable_scope(...)`` item enclosing a line."""

    node: nodes.With
    name: Optional[str]  # the literal scope name, None when not a literal
    name_param: Optional[str]  # the enclosing function's parameter that names the scope, if any
    unique: bool  # default_name= / None name: a fresh scope each time the with runs
    reuse: str  # one of the REUSE_* modes, or "param:<name>"
    alias: Optional[str]  # the ``as scope`` name


def _variable_scope_call(item_expr: nodes.NodeNG) -> Optional[nodes.Call]:
    if isinstance(item_expr, nodes.Call) and tfapi.call_api(item_expr) == tfapi.VARIABLE_SCOPE:
        return item_expr
    return None


def _parameter_names(node: nodes.NodeNG) -> frozenset:
    frame = node.frame()
    if isinstance(frame, (nodes.FunctionDef, nodes.Lambda)) and frame.args is not None:
        args = frame.args
        names = [a.name for a in (args.posonlyargs or []) + (args.args or []) + (args.kwonlyargs or [])]
        return frozenset(names)
    return frozenset()


def reuse_of_expression(expr: Optional[nodes.NodeNG], context: nodes.NodeNG) -> str:
    """The reuse mode an expression passed as ``reuse=`` denotes."""
    if expr is None:
        return REUSE_NONE
    value = callargs.literal_value(expr)
    if value is None or value is False:
        return REUSE_NONE
    if value is True:
        return REUSE_TRUE
    if tfapi.api_name(expr) == tfapi.AUTO_REUSE:
        return REUSE_AUTO
    if isinstance(expr, nodes.Name) and expr.name in _parameter_names(context):
        return PARAM_PREFIX + expr.name
    in_loop = _reuse_after_first_iteration(expr, context)
    if in_loop is not None:
        return in_loop
    # reuse=tf.get_variable_scope().reuse is "inherit", the same as not passing it.
    if (isinstance(expr, nodes.Attribute) and expr.attrname == "reuse"
            and isinstance(expr.expr, nodes.Call) and tfapi.call_api(expr.expr) == tfapi.GET_VARIABLE_SCOPE):
        return REUSE_NONE
    return REUSE_UNKNOWN


def _describe_scope(call: nodes.Call, with_node: nodes.With, alias: Optional[str]) -> VariableScope:
    name_arg = callargs.call_argument(call, 0, "name_or_scope")
    default_name = callargs.call_argument(call, 1, "default_name")
    reuse = reuse_of_expression(callargs.call_argument(call, 8, "reuse"), call)
    name: Optional[str] = None
    name_param: Optional[str] = None
    unique = False
    literal = callargs.literal_value(name_arg)
    if name_arg is None or literal is None:
        # tf.variable_scope(None, default_name="x"): uniquified on every entry.
        unique = default_name is not None
    elif isinstance(literal, str):
        name = literal
    elif isinstance(name_arg, nodes.Name):
        if name_arg.name in _parameter_names(call):
            name_param = name_arg.name
        else:
            constant = callargs.constant_value(name_arg)
            name = constant if isinstance(constant, str) else _name_of_captured_scope(name_arg)
    return VariableScope(with_node, name, name_param, unique, reuse, alias)


def _name_of_captured_scope(name: nodes.Name) -> Optional[str]:
    """``with tf.variable_scope(scope, reuse=True)`` where ``scope`` came from an earlier ``as scope``."""
    binding = single_binding(name)
    with_node = binding.parent if isinstance(binding, nodes.AssignName) else None
    if isinstance(with_node, nodes.With):
        for expr, var in with_node.items:
            if var is binding:
                call = _variable_scope_call(expr)
                if call is not None:
                    literal = callargs.literal_value(callargs.call_argument(call, 0, "name_or_scope"))
                    return literal if isinstance(literal, str) else None
    return None


def with_variable_scopes(with_node: nodes.With) -> Tuple[VariableScope, ...]:
    """The variable scopes one ``with`` statement opens (usually one)."""

    def compute():
        scopes = []
        for expr, var in with_node.items:
            call = _variable_scope_call(expr)
            if call is not None:
                alias = var.name if isinstance(var, nodes.AssignName) else None
                scopes.append(_describe_scope(call, with_node, alias))
        return tuple(scopes)

    return module_cached("with-scopes", with_node, compute, ())


def _enclosing_withs(node: nodes.NodeNG):
    """``with`` statements whose body contains node, innermost first, within node's frame."""
    frame = node.frame()
    child, parent = node, node.parent
    while parent is not None and parent is not frame:
        if isinstance(parent, nodes.With) and child in parent.body:
            yield parent
        child, parent = parent, parent.parent


def variable_scope_chain(node: nodes.NodeNG) -> Tuple[VariableScope, ...]:
    """The ``tf.variable_scope`` chain enclosing node within its frame, outermost first."""
    chain = []
    for with_node in _enclosing_withs(node):
        chain.extend(reversed(with_variable_scopes(with_node)))
    return tuple(reversed(chain))


def scope_key(node: nodes.NodeNG) -> Optional[Tuple[str, ...]]:
    """The relative variable-scope path of node, e.g. ``("encoder", "layer")``.

    None when any component is unknown or unique: then two lines cannot be proven to share a scope.
    Parameter-named components appear as ``"param:<name>"`` so callers can bind them.
    """
    parts = []
    for scope in variable_scope_chain(node):
        if scope.unique:
            return None
        if scope.name is not None:
            parts.append(scope.name)
        elif scope.name_param is not None:
            parts.append(PARAM_PREFIX + scope.name_param)
        else:
            return None
    return tuple(parts)


# --- reuse switches ------------------------------------------------------------------------------------


def _is_reuse_variables_call(call: nodes.Call, aliases: frozenset) -> bool:
    """``scope.reuse_variables()`` for one of ``aliases``, or ``tf.get_variable_scope().reuse_variables()``."""
    func = call.func
    if not (isinstance(func, nodes.Attribute) and func.attrname == "reuse_variables"):
        return False
    receiver = func.expr
    if isinstance(receiver, nodes.Name) and receiver.name in aliases:
        return True
    return isinstance(receiver, nodes.Call) and tfapi.call_api(receiver) == tfapi.GET_VARIABLE_SCOPE


def reuse_switches(container: nodes.NodeNG, aliases: frozenset = frozenset()) -> list:
    """Every reuse switch call inside container (not descending into nested functions)."""
    return [call for call in tree.own_nodes(container, nodes.Call) if _is_reuse_variables_call(call, aliases)]


def reuse_mode(node: nodes.NodeNG) -> str:
    """The reuse mode in force at node, relative to its frame.

    'true' / 'auto' from an enclosing scope win; a reuse switch executed unconditionally before node in
    the same scope gives 'true'; one that runs after node in the loop body holding both (or under
    ``if i > 0``) gives 'later'; a switch that may or may not have run gives 'unknown'.
    """
    chain = variable_scope_chain(node)
    mode = REUSE_NONE
    for scope in chain:
        if scope.reuse in (REUSE_TRUE, REUSE_AUTO):
            mode = scope.reuse  # reuse is inherited by inner scopes and cannot be switched off
        elif scope.reuse != REUSE_NONE and mode in (REUSE_NONE, REUSE_UNKNOWN):
            mode = scope.reuse  # a loop's later iterations, unknown, or a parameter: the caller decides
    if mode in (REUSE_TRUE, REUSE_AUTO):
        return mode
    switched = _switch_before(node, chain)
    if switched == REUSE_TRUE or (switched and mode == REUSE_NONE):
        return switched
    if switched == REUSE_LATER and mode == REUSE_UNKNOWN:
        return switched
    return mode


def _switch_before(node: nodes.NodeNG, chain: Tuple[VariableScope, ...]) -> Optional[str]:
    """The strongest reuse a switch gives node: 'true' (surely ran before it), 'later' (runs after it in
    every iteration of a loop around both), 'unknown' (may have run), or None."""
    frame = node.frame()
    aliases = frozenset(s.alias for s in chain if s.alias)
    enclosing = {id(s.node) for s in chain}
    verdicts = set()
    for switch in _frame_switches(frame):
        if _switch_applies(switch, aliases, enclosing):
            verdicts.add(_switch_effect(switch, node, frame))
    for verdict in (REUSE_TRUE, REUSE_LATER, REUSE_UNKNOWN):
        if verdict in verdicts:
            return verdict
    return None


def _switch_effect(switch: nodes.Call, node: nodes.NodeNG, frame: nodes.NodeNG) -> Optional[str]:
    region = _switch_region(switch, frame)
    loop = tree.common_loop(switch, node, frame)
    if loop is not None and region is not frame and tree.is_inside(region, loop):
        loop = None  # the switched scope is entered anew on every iteration: nothing carries over
    anchor = loop if loop is not None else region
    unconditional = not tree.conditional_between(switch, anchor)
    if tree.source_before(switch, node):
        if unconditional:
            return REUSE_TRUE
        if loop is not None and _guarded_after_first(switch, loop):
            return REUSE_LATER
        return REUSE_UNKNOWN
    if loop is None:
        return None  # runs after node, and node does not run again
    if (unconditional or _guarded_after_first(switch, loop)) and not _runs_once(loop):
        return REUSE_LATER
    return REUSE_UNKNOWN


def _guarded_after_first(switch: nodes.NodeNG, loop: nodes.NodeNG) -> bool:
    """Is the switch under ``if i > 0:`` (or ``if i == 0: ... else:``) on loop's index, and nothing else?"""
    child = switch
    guarded = False
    for parent in tree.ancestors_below(switch, loop):
        if isinstance(parent, nodes.If) and child is not parent.test:
            later = _index_test(parent.test, loop)
            in_body = any(child is c for c in parent.body)
            if later is None or later != in_body:
                return False
            guarded = True
        elif isinstance(parent, tree.CONDITIONALS + tree.LOOPS):
            return False
        child = parent
    return guarded


# --- reuse on the iterations after the first -----------------------------------------------------------


def _reuse_after_first_iteration(expr: nodes.NodeNG, context: nodes.NodeNG) -> Optional[str]:
    """'later' for ``reuse=i > 0`` (i the index of a loop around context), ``reuse=bool(i)``, ``True if i
    else None``, or a flag set to False before the loop and to True in it; 'none' when that loop runs at
    most once; None when expr is none of these."""
    for loop in tree.loops_between(context):
        later = _index_test(expr, loop)
        if later is None and isinstance(expr, nodes.IfExp):
            later = _conditional_reuse(expr, loop)
        if later is None and isinstance(expr, nodes.Name) and _flag_set_in_loop(expr, loop):
            later = True
        if later:
            return REUSE_NONE if _runs_once(loop) else REUSE_LATER
    return None


def _conditional_reuse(expr: nodes.IfExp, loop: nodes.NodeNG) -> Optional[bool]:
    """``True if i > 0 else None`` / ``tf.AUTO_REUSE if i else False``: on after the first iteration."""
    test = _index_test(expr.test, loop)
    if test is None:
        return None
    on, off = (expr.body, expr.orelse) if test else (expr.orelse, expr.body)
    if reuse_of_expression(on, expr) in (REUSE_TRUE, REUSE_AUTO) and reuse_of_expression(off, expr) == REUSE_NONE:
        return True
    return None


def _index_test(test: nodes.NodeNG, loop: nodes.NodeNG) -> Optional[bool]:
    """True for a test that is false on the first iteration of loop only (``i > 0``, ``i``, ``i != 0``,
    ``bool(i)``), False for one true on the first only (``i == 0``, ``not i``); None otherwise."""
    index = _loop_index(loop)
    if index is None:
        return None
    if isinstance(test, nodes.Name) and test.name == index:
        return True
    if isinstance(test, nodes.UnaryOp) and test.op == "not":
        inner = _index_test(test.operand, loop)
        return None if inner is None else not inner
    if isinstance(test, nodes.Call) and isinstance(test.func, nodes.Name) and test.func.name == "bool" \
            and len(test.args) == 1:
        return _index_test(test.args[0], loop)
    if isinstance(test, nodes.Compare) and len(test.ops) == 1:
        left, (op, right) = test.left, test.ops[0]
        if isinstance(right, nodes.Name) and right.name == index:
            left, right = right, left
            op = {">": "<", "<": ">", ">=": "<=", "<=": ">="}.get(op, op)
        if not (isinstance(left, nodes.Name) and left.name == index):
            return None
        bound = callargs.literal_value(right)
        return {(">", 0): True, (">=", 1): True, ("!=", 0): True, ("==", 0): False, ("<", 1): False,
                ("<=", 0): False}.get((op, bound))
    return None


def _target_and_iterable(loop: nodes.NodeNG) -> tuple:
    """(target, iterable) of a for statement or a one-generator comprehension; (None, None) otherwise."""
    if isinstance(loop, nodes.For):
        return loop.target, loop.iter
    if isinstance(loop, tree.COMPREHENSIONS) and len(loop.generators) == 1:
        return loop.generators[0].target, loop.generators[0].iter
    return None, None


def _loop_index(loop: nodes.NodeNG) -> Optional[str]:
    """The name counting loop's iterations from 0: ``for i in range(n)``, ``for i, x in enumerate(xs)``."""
    target, iterable = _target_and_iterable(loop)
    if not isinstance(iterable, nodes.Call) or not isinstance(iterable.func, nodes.Name) or iterable.keywords:
        return None
    function, args = iterable.func.name, iterable.args
    if function in ("range", "xrange") and args:
        starts_at_zero = len(args) == 1 or callargs.literal_value(args[0]) == 0
        if starts_at_zero and len(args) <= 2 and isinstance(target, nodes.AssignName):
            return target.name
    if function == "enumerate" and len(args) == 1 \
            and isinstance(target, nodes.Tuple) and isinstance(target.elts[0], nodes.AssignName):
        return target.elts[0].name
    return None


def _runs_once(loop: nodes.NodeNG) -> bool:
    """Does a loop provably run at most once (``range(1)``, a one-element literal)?"""
    _, iterable = _target_and_iterable(loop)
    if iterable is None:
        return False
    if isinstance(iterable, nodes.Call) and isinstance(iterable.func, nodes.Name) and iterable.args:
        if iterable.func.name == "enumerate":
            iterable = iterable.args[0]
        elif iterable.func.name in ("range", "xrange"):
            bounds = [callargs.literal_value(a) for a in iterable.args]
            return all(isinstance(b, int) for b in bounds) and len(range(*bounds)) <= 1
    if isinstance(iterable, (nodes.List, nodes.Tuple)):
        return len(iterable.elts) <= 1
    return False


def _flag_set_in_loop(name: nodes.Name, loop: nodes.NodeNG) -> bool:
    """``reuse = False`` before the loop, ``reuse = True`` (or AUTO_REUSE) somewhere in its body."""
    frame = name.frame()
    bindings = [b for b in frame.locals.get(name.name, ()) if b.frame() is frame]
    before = inside = 0
    for binding in bindings:
        value = assigned_value(binding) if isinstance(binding, nodes.AssignName) else None
        if value is None:
            return False
        mode = reuse_of_expression(value, binding) if not isinstance(value, nodes.Name) else REUSE_UNKNOWN
        if tree.is_inside(binding, loop) and mode in (REUSE_TRUE, REUSE_AUTO):
            inside += 1
        elif not tree.is_inside(binding, loop) and tree.source_before(binding, loop) and mode == REUSE_NONE:
            before += 1
        else:
            return False
    return before > 0 and inside > 0


# --- graphs --------------------------------------------------------------------------------------------


def graph_context(node: nodes.NodeNG) -> Optional[nodes.With]:
    """The innermost ``with <graph>.as_default():`` around node in its frame (a graph of its own), or None.

    ``sess.as_default()`` of a session does not change the graph and is not one.
    """
    for with_node in _enclosing_withs(node):
        if any(_enters_graph(expr) for expr, _ in with_node.items):
            return with_node
    return None


def _enters_graph(expr: nodes.NodeNG) -> bool:
    if not (isinstance(expr, nodes.Call) and isinstance(expr.func, nodes.Attribute)
            and expr.func.attrname == "as_default"):
        return False
    receiver = expr.func.expr
    if isinstance(receiver, nodes.Name):
        found = bindings_of(receiver)
        values = [assigned_value(b) for b in found if isinstance(b, nodes.AssignName)]
        receiver = values[0] if len(values) == 1 and values[0] is not None else receiver
    if isinstance(receiver, nodes.Call) and tfapi.call_api(receiver) in tfapi.SESSIONS:
        return False
    name = tree.last_name(receiver) or ""
    return "sess" not in name.lower()


def _frame_switches(frame: nodes.NodeNG) -> list:
    if not _module_has_reuse_switch(frame):
        return []
    return module_cached("frame-switches", frame, lambda: reuse_switches(frame, _all_aliases(frame)), [])


def _module_has_reuse_switch(node: nodes.NodeNG) -> bool:
    """Does the module call ``.reuse_variables()`` at all? (Else no frame is searched for a switch.)"""
    return bool(callindex.calls_named(node.root(), ("reuse_variables",)))


def _switch_applies(switch: nodes.Call, aliases: frozenset, enclosing: set) -> bool:
    receiver = switch.func.expr
    if isinstance(receiver, nodes.Name):
        return receiver.name in aliases
    # tf.get_variable_scope().reuse_variables() acts on the scope the switch itself sits in.
    switch_chain = variable_scope_chain(switch)
    if not switch_chain:
        return True  # the frame's root scope: every scope opened afterwards inherits reuse
    return id(switch_chain[-1].node) in enclosing


def _switch_region(switch: nodes.Call, frame: nodes.NodeNG) -> nodes.NodeNG:
    """The ``with`` whose scope the switch sets (``scope.reuse_variables()``: the one opened ``as scope``;
    ``tf.get_variable_scope().reuse_variables()``: the innermost around it), or the frame."""
    chain = variable_scope_chain(switch)
    receiver = switch.func.expr
    if isinstance(receiver, nodes.Name):
        for scope in reversed(chain):
            if scope.alias == receiver.name:
                return scope.node
    return chain[-1].node if chain else frame


def reuse_switched_in_loop(loop: nodes.NodeNG) -> bool:
    """Does the loop body switch reuse on (the correct manual unroll: share weights after step one)?

    Counts ``reuse_variables()`` calls and ``variable_scope(..., reuse=<expr>)`` with a non-constant or
    true reuse inside the loop.
    """
    if reuse_switches(loop, _all_aliases(loop)):
        return True
    for with_node in loop.nodes_of_class(nodes.With):
        for scope in with_variable_scopes(with_node):
            if scope.reuse != REUSE_NONE:
                return True
    return False


def _all_aliases(container: nodes.NodeNG) -> frozenset:
    aliases = set()
    for with_node in container.nodes_of_class(nodes.With):
        aliases.update(s.alias for s in with_variable_scopes(with_node) if s.alias)
    # The loop may sit inside ``with tf.variable_scope(...) as scope``.
    for with_node in _enclosing_withs(container):
        aliases.update(s.alias for s in with_variable_scopes(with_node) if s.alias)
    return frozenset(aliases)
