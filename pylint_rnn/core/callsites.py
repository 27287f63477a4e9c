"""Where the module calls its own functions, and what each parameter receives there.

Values cross function boundaries: ``train_step(sess, codes)`` hands the codes one run fetched to the
function that feeds them to the next; ``def pool(outputs): return tf.reduce_sum(outputs, 1)`` receives an
RNN's outputs from its caller. Following a parameter means reading the argument at every call site of its
function in the module: flow-insensitive (every call, in any order) and bounded (at most
:data:`MAX_CALL_SITES` sites; a function called more often, or through ``*args``, leaves the parameter
unknown). Calls from other modules are not seen: a parameter of a function only they call stays unknown.
"""
from __future__ import annotations

from typing import List, Optional

from astroid import nodes

from pylint_rnn.core import callindex, effects
from pylint_rnn.core.cache import module_cached
from pylint_rnn.core.calls import functions_by_name

MAX_CALL_SITES = 16


def call_sites(function: nodes.NodeNG, name: Optional[str] = None) -> List[nodes.Call]:
    """The module's calls of ``function`` (a def, or a lambda bound to ``name``): by name, as
    ``self.m(...)`` / ``cls.m(...)`` in its class, or as ``obj.m(...)`` on any receiver when no other
    function of the module is named ``m``."""
    name = name or getattr(function, "name", None)
    if not isinstance(function, (nodes.FunctionDef, nodes.Lambda)) or not name:
        return []

    def compute() -> list:
        module = function.root()
        unique_name = len(functions_by_name(module).get(name, ())) == 1
        is_method = isinstance(function.parent, nodes.ClassDef)
        found = []
        for call in callindex.calls_named(module, (name,)):
            if effects.function_of_call(call) is function:
                found.append(call)
            elif is_method and unique_name and isinstance(call.func, nodes.Attribute):
                found.append(call)
        return found

    return module_cached("call-sites", function, compute, [])


def parameter_values(parameter: nodes.AssignName) -> List[nodes.NodeNG]:
    """The argument (or the default) the parameter receives at each call site of its function; [] when
    unknown: not a parameter of a module function, ``*args`` / ``**kwargs``, no visible call, or more than
    :data:`MAX_CALL_SITES` sites. The first parameter of a method (``self``) receives nothing here."""
    arguments = parameter.parent
    function = arguments.parent if isinstance(arguments, nodes.Arguments) else None
    if not isinstance(function, nodes.FunctionDef) or parameter.name in (arguments.vararg, arguments.kwarg):
        return []
    sites = call_sites(function)
    if not sites or len(sites) > MAX_CALL_SITES:
        return []
    values = []
    for call in sites:
        value = effects.bind_arguments(call, function).get(parameter.name)
        if value is None:
            return []  # passed through *args / **kwargs: unknown
        values.append(value)
    return values
