"""Which functions and methods of the module create variables or graph ops, directly or through calls.

A call to such a function can then be reasoned about like a call to ``tf.nn.dynamic_rnn``: it creates
variables in the caller's variable scope. Summaries are computed once per function and cached on the
module; recursion between functions ends in "nothing more known", never in a loop.

Two kinds of variable creation matter for weight sharing:

- *named* creations (``tf.get_variable('w')``, an RNN function's cell variables, ``tf.layers.dense(...,
  name='fc')``) collide when repeated in one variable scope without reuse, and are shared under reuse;
- *plain* creations (``tf.Variable``) ignore reuse: every run makes a new, unshared copy.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from astroid import nodes

from pylint_rnn.core import scopes, tfapi, tree
from pylint_rnn.core.bindings import assigned_value, method_class, single_binding
from pylint_rnn.core.cache import module_cached

_FUNCTIONS = (nodes.FunctionDef, nodes.Lambda)
_MAX_ALIAS_DEPTH = 4


@dataclass(frozen=True)
class Creation:
    """One site (in a function's body, or a call that reaches one) that creates variables."""

    node: nodes.Call  # the call in *this* frame: the creating API call, or the call of a helper
    label: str  # what the user sees: "tf.get_variable('w')", "dynamic_rnn (scope 'rnn')", "'out_weights'"
    key: Optional[Tuple[str, ...]]  # variable-scope path relative to the frame (None: unknown/unique)
    reuse: str  # reuse mode in force at the site (scopes.REUSE_* or "param:<name>")
    identity: tuple = ()  # what two creations must share to create the same variable names
    cell: Optional[str] = None  # for RNN calls: which cell object (a binding id); None when not a fresh cell


@dataclass
class Effects:
    """What running a function does to the graph."""

    graph_ops: bool = False
    variables: bool = False
    named: Tuple[Creation, ...] = ()
    plain: Tuple[Creation, ...] = ()
    calls: Tuple[Tuple[nodes.Call, object], ...] = field(default_factory=tuple)


_EMPTY = Effects()


# --- which function does a call invoke? ----------------------------------------------------------------


def function_of_call(call: nodes.Call) -> Optional[nodes.NodeNG]:
    """The module's own FunctionDef or Lambda that ``call`` invokes, or None.

    Handles plain names (``build(x)``), names bound to lambdas or other functions, and methods called on
    ``self`` / ``cls`` (the first parameter of the enclosing method), looked up in the enclosing class and
    its bases defined in the same module.
    """
    if not isinstance(call, nodes.Call):
        return None
    return function_of_expression(call.func)


def call_sites(function: nodes.NodeNG, name: Optional[str] = None) -> List[nodes.Call]:
    """The calls in the module that invoke ``function`` (a def, or a lambda bound to ``name``), memoised."""
    name = name or getattr(function, "name", None)
    if not name:
        return []

    def compute() -> List[nodes.Call]:
        return [call for call in function.root().nodes_of_class(nodes.Call)
                if tree.last_name(call.func) == name and function_of_call(call) is function]

    return module_cached("call-sites", function, compute, [])


def function_of_expression(func: nodes.NodeNG, depth: int = 0) -> Optional[nodes.NodeNG]:
    """The function or lambda that ``func`` (a called expression) names: a name bound to a def or lambda
    (through aliases), or ``self.method`` / ``cls.method`` of the enclosing class; None otherwise."""
    if depth > _MAX_ALIAS_DEPTH:
        return None
    if isinstance(func, nodes.Lambda):
        return func
    if isinstance(func, nodes.Name):
        binding = single_binding(func)
        if isinstance(binding, nodes.FunctionDef):
            return binding
        if isinstance(binding, nodes.AssignName):
            value = assigned_value(binding)
            if value is not None:
                return function_of_expression(value, depth + 1)
        return None
    if isinstance(func, nodes.Attribute) and isinstance(func.expr, nodes.Name):
        klass = method_class(func.expr)
        if klass is not None:
            return _method(klass, func.attrname)
    return None


def _method(klass: nodes.ClassDef, name: str, depth: int = 0) -> Optional[nodes.FunctionDef]:
    if depth > _MAX_ALIAS_DEPTH:
        return None
    for candidate in klass.locals.get(name, ()):
        if isinstance(candidate, nodes.FunctionDef):
            return candidate
        return None  # an attribute or something else shadows any base-class method
    for base in klass.bases:
        if isinstance(base, nodes.Name):
            binding = single_binding(base)
            if isinstance(binding, nodes.ClassDef):
                found = _method(binding, name, depth + 1)
                if found is not None:
                    return found
    return None


# --- walking a function body --------------------------------------------------------------------------


def effects(frame: nodes.NodeNG) -> Effects:
    """The graph effects of running frame (a FunctionDef, Lambda, or Module)."""
    return module_cached("effects", frame, lambda: _compute_effects(frame), _EMPTY)


def creates_graph_ops(func: Optional[nodes.NodeNG]) -> bool:
    return func is not None and effects(func).graph_ops


def creates_variables(func: Optional[nodes.NodeNG]) -> bool:
    return func is not None and effects(func).variables


def _compute_effects(frame: nodes.NodeNG) -> Effects:
    result = Effects()
    named, plain, calls = [], [], []
    for call in tree.own_nodes(frame, nodes.Call):
        api = tfapi.call_api(call)
        if api is not None:
            _api_effects(call, api, result, named, plain)
            continue
        callee = function_of_call(call)
        if callee is None or callee is frame:
            continue
        sub = effects(callee)
        calls.append((call, callee))
        result.graph_ops |= sub.graph_ops
        result.variables |= sub.variables
        named.extend(_creations_through_call(call, callee, sub))
        plain.extend(_plain_through_call(call, callee, sub))
    result.named, result.plain, result.calls = tuple(named), tuple(plain), tuple(calls)
    return result


def _api_effects(call: nodes.Call, api: str, result: Effects, named: list, plain: list) -> None:
    if not tfapi.is_tf_api(api):
        return
    # Constructing a cell or a Keras layer creates no op yet; everything else under tf.* does.
    if not (tfapi.is_any_cell(api) or api.startswith("tf.keras.")):
        result.graph_ops = True
    if not _may_create_variables(api):
        return
    here = {"key": scopes.scope_key(call), "reuse": scopes.reuse_mode(call)}
    if api == tfapi.GET_VARIABLE:
        result.variables = True
        name = tfapi.literal_value(tfapi.call_argument(call, 0, "name"))
        if isinstance(name, str):
            named.append(Creation(call, f"tf.get_variable('{name}')", identity=("get_variable", name), **here))
    elif api == tfapi.VARIABLE:
        result.variables = True
        if tfapi.literal_value(tfapi.call_argument(call, 1, "trainable")) is not False:
            plain.append(Creation(call, variable_label(call), identity=("Variable",), **here))
    elif tfapi.is_rnn_function(api):
        result.variables = True
        scope_arg = tfapi.call_argument(call, None, "scope")
        default_scope = tfapi.RNN_SIGNATURES[api].default_scope
        scope_name = tfapi.literal_value(scope_arg) if scope_arg is not None else default_scope
        if isinstance(scope_name, str):
            short = api.rsplit(".", 1)[-1]
            named.append(Creation(call, f"{short} (scope '{scope_name}')", identity=("rnn", scope_name),
                                  cell=fresh_cell_identity(call), **here))
    elif api.startswith(("tf.layers.", "tf.contrib.layers.")):
        result.variables = True
        keyword = "name" if api.startswith("tf.layers.") else "scope"
        name = tfapi.literal_value(tfapi.call_argument(call, None, keyword))
        if isinstance(name, str):
            named.append(Creation(call, f"{api.rsplit('.', 1)[-1]}({keyword}='{name}')",
                                  identity=("layer", name), **here))


def module_creates_variables(node: nodes.NodeNG) -> bool:
    """Does node's module call any variable-creating TF API at all? (One walk per module.)"""
    module = node.root()

    def compute() -> bool:
        for call in module.nodes_of_class(nodes.Call):
            api = tfapi.call_api(call)
            if api is not None and _may_create_variables(api):
                return True
        return False

    return module_cached("creates-variables", module, compute, False)


def _may_create_variables(api: str) -> bool:
    return api in (tfapi.GET_VARIABLE, tfapi.VARIABLE) or tfapi.is_rnn_function(api) \
        or api.startswith(("tf.layers.", "tf.contrib.layers."))


def variable_label(call: nodes.Call) -> str:
    """How the user names a tf.Variable: its name= argument, else the name it is assigned to."""
    name = tfapi.literal_value(tfapi.call_argument(call, None, "name"))
    if isinstance(name, str):
        return name
    parent = call.parent
    if isinstance(parent, nodes.Assign) and len(parent.targets) == 1:
        target = tfapi.dotted_name(parent.targets[0]) if not isinstance(parent.targets[0], nodes.AssignName) \
            else parent.targets[0].name
        if isinstance(parent.targets[0], nodes.AssignAttr):
            target = f"{tfapi.dotted_name(parent.targets[0].expr)}.{parent.targets[0].attrname}"
        if target:
            return target
    return "tf.Variable"


# --- cells ---------------------------------------------------------------------------------------------


def fresh_cell_identity(rnn_call: nodes.Call) -> Optional[str]:
    """An id for the cell object an RNN function runs, when it is a cell freshly built in this frame.

    Two RNN calls on *one* cell object share its weights (the cell builds them once); two calls on two
    fresh cells in one scope collide. None means "not provably a fresh default-named cell": stay silent.
    """
    cell = tfapi.call_argument(rnn_call, 0, "cell")
    if cell is None:
        cell = tfapi.call_argument(rnn_call, 0, "cell_fw")
    if isinstance(cell, nodes.Call):
        return f"call@{id(cell)}" if _is_fresh_default_cell(cell) else None
    if isinstance(cell, nodes.Name):
        binding = single_binding(cell)
        if isinstance(binding, nodes.AssignName):
            value = assigned_value(binding)
            if isinstance(value, nodes.Call) and _is_fresh_default_cell(value):
                return f"name@{id(binding)}"
    return None


def _is_fresh_default_cell(call: nodes.Call) -> bool:
    """A cell constructor (or a factory returning one) without name=/reuse=, which would separate it."""
    api = tfapi.call_api(call)
    if tfapi.is_any_cell(api):
        if tfapi.call_argument(call, None, "name") is not None or tfapi.call_argument(call, None, "reuse"):
            return False
        return True
    callee = function_of_call(call)
    return callee is not None and returns_new_cell(callee)


def returns_new_cell(func: nodes.NodeNG) -> bool:
    """Does func build and return a new cell each call (``lambda: rnn.LSTMCell(n)``, a make_cell())?"""

    def compute() -> bool:
        values = [func.body] if isinstance(func, nodes.Lambda) else [
            r.value for r in func.nodes_of_class(nodes.Return) if r.frame() is func]
        if not values:
            return False
        for value in values:
            if isinstance(value, nodes.Name):
                binding = single_binding(value)
                if not (isinstance(binding, nodes.AssignName) and binding.frame() is func):
                    return False
                value = assigned_value(binding)
            if not isinstance(value, nodes.Call):
                return False
            if tfapi.is_any_cell(tfapi.call_api(value)):
                continue
            callee = function_of_call(value)
            if callee is None or callee is func or not returns_new_cell(callee):
                return False
        return True

    return module_cached("returns-new-cell", func, compute, False)


# --- binding a callee's creations at a call site --------------------------------------------------------


def bind_arguments(call: nodes.Call, callee: nodes.NodeNG) -> Dict[str, nodes.NodeNG]:
    """Parameter name -> the argument expression (or the parameter's default) for this call."""
    args = callee.args
    if args is None or args.args is None:
        return {}
    positional = list(args.posonlyargs or []) + list(args.args or [])
    if isinstance(callee, nodes.FunctionDef) and isinstance(callee.parent, nodes.ClassDef) \
            and isinstance(call.func, nodes.Attribute) and positional and not _is_staticmethod(callee):
        positional = positional[1:]  # self / cls
    bound: Dict[str, nodes.NodeNG] = {}
    defaults = list(args.defaults or [])
    for param, default in zip(positional[len(positional) - len(defaults):], defaults):
        bound[param.name] = default
    for param, default in zip(args.kwonlyargs or [], args.kw_defaults or []):
        if default is not None:
            bound[param.name] = default
    for param, value in zip(positional, call.args):
        if isinstance(value, nodes.Starred):
            break
        bound[param.name] = value
    for keyword in call.keywords or ():
        if keyword.arg is not None:
            bound[keyword.arg] = keyword.value
    return bound


def _is_staticmethod(func: nodes.FunctionDef) -> bool:
    decorators = func.decorators.nodes if func.decorators else []
    return any(isinstance(d, nodes.Name) and d.name == "staticmethod" for d in decorators)


def bind_reuse(mode: str, bound: Dict[str, nodes.NodeNG], call: nodes.Call) -> str:
    """Resolve a ``param:<name>`` reuse mode against the arguments of a call."""
    if not mode.startswith(scopes.PARAM_PREFIX):
        return mode
    argument = bound.get(mode[len(scopes.PARAM_PREFIX):])
    return scopes.reuse_of_expression(argument, call) if argument is not None else scopes.REUSE_UNKNOWN


def bind_key(key: Optional[tuple], bound: Dict[str, nodes.NodeNG]) -> Optional[tuple]:
    """Resolve ``param:<name>`` scope names against a call's literal arguments; None if any is unknown."""
    if key is None:
        return None
    out = []
    for part in key:
        if part.startswith(scopes.PARAM_PREFIX):
            value = tfapi.constant_value(bound.get(part[len(scopes.PARAM_PREFIX):]))
            if not isinstance(value, str):
                return None
            part = value
        out.append(part)
    return tuple(out)


_REUSE_STRENGTH = {scopes.REUSE_TRUE: 3, scopes.REUSE_AUTO: 2, scopes.REUSE_UNKNOWN: 1, scopes.REUSE_NONE: 0}


def combine_reuse(outer: str, inner: str) -> str:
    """Reuse in an inner scope under an outer one: reuse is inherited and cannot be switched off."""
    outer_rank = _REUSE_STRENGTH.get(outer, 1)
    inner_rank = _REUSE_STRENGTH.get(inner, 1)
    if inner_rank >= outer_rank:
        return inner if inner in _REUSE_STRENGTH else scopes.REUSE_UNKNOWN
    return outer if outer in _REUSE_STRENGTH else scopes.REUSE_UNKNOWN


def _creations_through_call(call: nodes.Call, callee: nodes.NodeNG, sub: Effects) -> list:
    """The callee's colliding creations, seen from this call: one Creation at the call site."""
    if not sub.named:
        return []
    bound = bind_arguments(call, callee)
    inner, labels = [], []
    for creation in sub.named:
        key = bind_key(creation.key, bound)
        reuse = bind_reuse(creation.reuse, bound, call)
        if key is None or reuse != scopes.REUSE_NONE:
            continue  # unique, unknown or reused inside the callee: cannot collide across calls
        if creation.identity[0] == "rnn" and creation.cell is None:
            continue  # the cell comes from outside: repeated calls may share one cell object
        inner.append((key, creation.identity))
        labels.append(creation.label)
    if not inner:
        return []
    name = callee.name if isinstance(callee, nodes.FunctionDef) else "lambda"
    shown = ", ".join(dict.fromkeys(labels[:2])) + (", ..." if len(set(labels)) > 2 else "")
    return [Creation(call, f"{name}() (via {shown})", key=scopes.scope_key(call), reuse=scopes.reuse_mode(call),
                     identity=("call", id(callee), tuple(sorted(inner, key=repr))),
                     cell=f"call@{id(call)}")]


def _plain_through_call(call: nodes.Call, callee: nodes.NodeNG, sub: Effects) -> list:
    """The callee's tf.Variable creations, seen from this call, with the reuse the call gives them."""
    if not sub.plain:
        return []
    bound = bind_arguments(call, callee)
    here_key, here_reuse = scopes.scope_key(call), scopes.reuse_mode(call)
    out = []
    for creation in sub.plain:
        reuse = combine_reuse(here_reuse, bind_reuse(creation.reuse, bound, call))
        out.append(Creation(call, creation.label, key=here_key, reuse=reuse,
                            identity=("via", id(callee), creation.label)))
    return out
