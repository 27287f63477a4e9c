"""Which of the module's own functions does a call run, and with which arguments?

Plain names bound to a def or a lambda (through aliases), ``self.method`` / ``cls.method`` of the enclosing
class and its bases in the module, and ``Model(...)`` for a module class (its ``__init__``). Everything is
read from the tree as written; an answer that would need inference is None.
"""
from __future__ import annotations

from typing import Dict, List, Optional

from astroid import nodes

from pylint_rnn.core import tfapi, tree
from pylint_rnn.core.bindings import assigned_value, is_builtin, method_class, module_bindings, single_binding
from pylint_rnn.core.cache import module_cached

_MAX_ALIAS_DEPTH = 4


def function_of_call(call: nodes.Call) -> Optional[nodes.NodeNG]:
    """The module's own FunctionDef or Lambda that ``call`` invokes, or None.

    Handles plain names (``build(x)``), names bound to lambdas or other functions, and methods called on
    ``self`` / ``cls`` (the first parameter of the enclosing method), looked up in the enclosing class and
    its bases defined in the same module.
    """
    if not isinstance(call, nodes.Call):
        return None
    return function_of_expression(call.func)


def function_of_expression(func: nodes.NodeNG, depth: int = 0) -> Optional[nodes.NodeNG]:
    """The function or lambda that ``func`` (a called expression) names: a name bound to a def or lambda
    (through aliases), or ``self.method`` / ``cls.method`` of the enclosing class; None otherwise."""
    if depth > _MAX_ALIAS_DEPTH:
        return None
    if isinstance(func, nodes.Lambda):
        return func
    if isinstance(func, nodes.Name):
        return _function_of_binding(_code_binding(func), depth)
    if isinstance(func, nodes.Attribute) and isinstance(func.expr, nodes.Name):
        klass = method_class(func.expr)
        if klass is not None:
            return method_of(klass, func.attrname)
    return None


def _code_binding(name: nodes.Name) -> Optional[nodes.NodeNG]:
    """single_binding, for a name that may run the module's code: one the module binds nowhere (``len``,
    ``print``) is Python's or unknown; a function or class the module defines once, used in a function
    (where it is looked up when it runs) or after it, is that definition. Neither needs astroid's lookup."""
    bound = module_bindings(name)
    if bound == []:
        return None
    if bound is not None and len(bound) == 1 and isinstance(bound[0], (nodes.FunctionDef, nodes.ClassDef)) \
            and (not isinstance(name.frame(), nodes.Module) or tree.source_before(bound[0], name)):
        return bound[0]
    return single_binding(name)


def _function_of_binding(binding: Optional[nodes.NodeNG], depth: int) -> Optional[nodes.NodeNG]:
    if isinstance(binding, nodes.FunctionDef):
        return None if is_builtin(binding) else binding  # len() runs none of the module's code
    if isinstance(binding, nodes.AssignName):
        value = assigned_value(binding)
        if value is not None:
            return function_of_expression(value, depth + 1)
    return None


def _constructor(call: nodes.Call, binding: Optional[nodes.NodeNG]) -> Optional[nodes.FunctionDef]:
    """``Model(...)`` for a class of the module that is not a TF / Keras class: its ``__init__``."""
    if not isinstance(binding, nodes.ClassDef) or is_builtin(binding) or tfapi.call_api(call) is not None:
        return None
    return method_of(binding, "__init__")


def called_function(call: nodes.Call) -> Optional[nodes.NodeNG]:
    """The module function, method or class ``__init__`` a call runs (``Model(...)`` of a module class that
    is no TF / Keras class), or None. A plain name is looked up once: this is asked of every call."""
    if isinstance(call.func, nodes.Name):
        binding = _code_binding(call.func)
        return _function_of_binding(binding, 0) or _constructor(call, binding)
    return function_of_call(call)


def functions_by_name(module: nodes.Module) -> Dict[str, List[nodes.FunctionDef]]:
    """name -> the module's functions and methods (nested and async ones included) of that name."""
    return tree.module_groups(module, nodes.FunctionDef, lambda function: function.name, "functions-by-name")


def may_run_a_method(call: nodes.Call, functions: Dict[str, list]) -> bool:
    """Cheap and exact: can ``called_function`` find a method for ``x.m(...)``? Only if the module defines
    a function named ``m`` (``sess.run``, ``np.zeros``, ``outputs.append`` run none). Other callees: True.
    ``functions``: :func:`functions_by_name` of the call's module."""
    func = call.func
    return not isinstance(func, nodes.Attribute) or func.attrname in functions


def method_of(klass: nodes.ClassDef, name: str, depth: int = 0) -> Optional[nodes.FunctionDef]:
    """The method ``name`` of a module class, looked up in the class and its bases of the same module."""
    if depth > _MAX_ALIAS_DEPTH:
        return None
    for candidate in klass.locals.get(name, ()):
        if isinstance(candidate, nodes.FunctionDef):
            return candidate
        return None  # an attribute or something else shadows any base-class method
    for base in klass.bases:
        if isinstance(base, nodes.Name):
            binding = single_binding(base)
            if isinstance(binding, nodes.ClassDef) and not is_builtin(binding):  # object's methods run no TF
                found = method_of(binding, name, depth + 1)
                if found is not None:
                    return found
    return None


def returns_new_cell(func: nodes.NodeNG) -> bool:
    """Does func build and return a new cell each call (``lambda: rnn.LSTMCell(n)``, a make_cell())?"""

    def compute() -> bool:
        values = [func.body] if isinstance(func, nodes.Lambda) else [
            r.value for r in tree.own_nodes(func, nodes.Return)]
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


def bind_arguments(call: nodes.Call, callee: nodes.NodeNG) -> Dict[str, nodes.NodeNG]:
    """Parameter name -> the argument expression (or the parameter's default) for this call."""
    args = callee.args
    if args is None or args.args is None:
        return {}
    positional = list(args.posonlyargs or []) + list(args.args or [])
    is_method = isinstance(callee, nodes.FunctionDef) and isinstance(callee.parent, nodes.ClassDef)
    called_bound = isinstance(call.func, nodes.Attribute) or getattr(callee, "name", "") == "__init__"
    if is_method and called_bound and positional and not _is_staticmethod(callee):
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
