"""Which variable scope and reuse mode is this line in?

The model follows TF1's variable-scope rules as ``tf.get_variable`` sees them:

- ``with tf.variable_scope(name, reuse=...)`` opens (or re-opens) the scope ``name``; ``reuse=True`` and
  ``reuse=tf.AUTO_REUSE`` are inherited by every scope inside it; ``reuse=None``/``False`` inherit.
- ``scope.reuse_variables()`` (on the ``as scope`` of an enclosing ``with``) and
  ``tf.get_variable_scope().reuse_variables()`` switch reuse on for the rest of that scope.
- ``tf.variable_scope(None, default_name=...)`` opens a fresh, uniquely named scope every time.
- ``tf.name_scope`` changes op names but not ``tf.get_variable`` names, so it is invisible here.

Everything is relative to the node's frame (its function, or the module): what a caller's scope adds is
the caller's business, which is how two calls of one function can be compared.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

from astroid import nodes

from pylint_rnn.core import tfapi, tree
from pylint_rnn.core.cache import module_cached

# Reuse modes.
REUSE_NONE = "none"  # not reusing: a second creation of one name fails
REUSE_TRUE = "true"  # reuse=True or after reuse_variables(): creation of a new name fails, existing ones are shared
REUSE_AUTO = "auto"  # tf.AUTO_REUSE: create on first use, share afterwards
REUSE_UNKNOWN = "unknown"  # an expression we cannot evaluate: checks stay silent
PARAM_PREFIX = "param:"  # reuse=<parameter of the enclosing function>: decided by each caller


@dataclass(frozen=True)
class VariableScope:
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
    value = tfapi.literal_value(expr)
    if value is None or value is False:
        return REUSE_NONE
    if value is True:
        return REUSE_TRUE
    if tfapi.api_name(expr) == tfapi.AUTO_REUSE:
        return REUSE_AUTO
    if isinstance(expr, nodes.Name) and expr.name in _parameter_names(context):
        return PARAM_PREFIX + expr.name
    # reuse=tf.get_variable_scope().reuse is "inherit", the same as not passing it.
    if (isinstance(expr, nodes.Attribute) and expr.attrname == "reuse"
            and isinstance(expr.expr, nodes.Call) and tfapi.call_api(expr.expr) == tfapi.GET_VARIABLE_SCOPE):
        return REUSE_NONE
    return REUSE_UNKNOWN


def _describe_scope(call: nodes.Call, with_node: nodes.With, alias: Optional[str]) -> VariableScope:
    name_arg = tfapi.call_argument(call, 0, "name_or_scope")
    default_name = tfapi.call_argument(call, 1, "default_name")
    reuse = reuse_of_expression(tfapi.call_argument(call, 8, "reuse"), call)
    name: Optional[str] = None
    name_param: Optional[str] = None
    unique = False
    literal = tfapi.literal_value(name_arg)
    if name_arg is None or literal is None:
        # tf.variable_scope(None, default_name="x"): uniquified on every entry.
        unique = default_name is not None
    elif isinstance(literal, str):
        name = literal
    elif isinstance(name_arg, nodes.Name):
        if name_arg.name in _parameter_names(call):
            name_param = name_arg.name
        else:
            constant = tfapi.constant_value(name_arg)
            name = constant if isinstance(constant, str) else _name_of_captured_scope(name_arg)
    return VariableScope(with_node, name, name_param, unique, reuse, alias)


def _name_of_captured_scope(name: nodes.Name) -> Optional[str]:
    """``with tf.variable_scope(scope, reuse=True)`` where ``scope`` came from an earlier ``as scope``."""
    try:
        _, bindings = name.lookup(name.name)
    except Exception:
        return None
    if len(bindings) != 1:
        return None
    binding = bindings[0]
    with_node = binding.parent
    if isinstance(binding, nodes.AssignName) and isinstance(with_node, nodes.With):
        for expr, var in with_node.items:
            if var is binding:
                call = _variable_scope_call(expr)
                if call is not None:
                    literal = tfapi.literal_value(tfapi.call_argument(call, 0, "name_or_scope"))
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
    the same scope gives 'true'; a switch that may or may not have run gives 'unknown'.
    """
    chain = variable_scope_chain(node)
    mode = REUSE_NONE
    for scope in chain:
        if scope.reuse in (REUSE_TRUE, REUSE_AUTO):
            mode = scope.reuse  # reuse is inherited by inner scopes and cannot be switched off
        elif scope.reuse != REUSE_NONE and mode == REUSE_NONE:
            mode = scope.reuse  # unknown or a parameter: the caller decides
    if mode in (REUSE_TRUE, REUSE_AUTO):
        return mode
    switched = _switch_before(node, chain)
    return switched or mode


def _switch_before(node: nodes.NodeNG, chain: Tuple[VariableScope, ...]) -> Optional[str]:
    """'true' if a reuse switch surely ran before node in a scope enclosing it, 'unknown' if one may have."""
    frame = node.frame()
    aliases = frozenset(s.alias for s in chain if s.alias)
    enclosing = {id(s.node) for s in chain}
    verdict = None
    for switch in _frame_switches(frame):
        if not _switch_applies(switch, aliases, enclosing):
            continue
        region = _switch_region(switch, frame)
        if tree.source_before(switch, node):
            if tree.conditional_between(switch, region):
                verdict = verdict or REUSE_UNKNOWN
            else:
                return REUSE_TRUE
        elif tree.common_loop(switch, node, frame) is not None:
            # A switch later in the same loop body has run before node on every iteration after the first.
            verdict = verdict or REUSE_UNKNOWN
    return verdict


def _frame_switches(frame: nodes.NodeNG) -> list:
    if not _module_has_reuse_switch(frame):
        return []
    return module_cached("frame-switches", frame, lambda: reuse_switches(frame, _all_aliases(frame)), [])


def _module_has_reuse_switch(node: nodes.NodeNG) -> bool:
    """One walk per module, so that frames of modules without reuse_variables() are never walked."""
    module = node.root()
    return module_cached("has-reuse-switch", module, lambda: any(
        a.attrname == "reuse_variables" for a in module.nodes_of_class(nodes.Attribute)), False)


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
    chain = variable_scope_chain(switch)
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
