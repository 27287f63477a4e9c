"""The calls of a module, found once and chosen by what they call: the name written or the TF API.

Every analysis starts from a few calls: the stacks and RNN functions, the session runs, the cells built in
loops. Letting pylint hand every call to every checker cost more than the analyses (six visits per call,
each through the crash guard and the module gate), so the checkers look at the module once and take their
candidates from here: the module's calls as pylint's walk met them (:func:`pylint_rnn.core.tree.module_nodes`)
and one API resolution per call (:func:`pylint_rnn.core.tfapi.call_api`), shared by all of them. Lists are
in source order, so each checker's messages come out in the order of the code.
"""
from __future__ import annotations

from typing import Callable, Collection, Dict, List

from astroid import nodes

from pylint_rnn.core import tfapi, tree
from pylint_rnn.core.cache import module_cached


def calls(module: nodes.Module) -> List[nodes.Call]:
    """Every call of the module (nested functions, classes and lambdas included), in source order."""
    return tree.module_nodes(module, nodes.Call)


def calls_named(module: nodes.Module, names: Collection[str]) -> List[nodes.Call]:
    """The calls whose callee is spelled ``names`` last (``run`` for ``sess.run(...)`` and ``run(...)``):
    a look at the spelling only, so that an analysis resolves nothing for the other calls."""
    return module_cached("calls-named:" + ",".join(sorted(names)), module, lambda: [
        call for call in calls(module) if tree.last_name(call.func) in names], [])


def api_calls(module: nodes.Module) -> List[nodes.Call]:
    """The calls of a TF or Keras API (a project class deriving from one included), in source order."""

    def compute() -> List[nodes.Call]:
        table = apis(module)
        return [call for call in calls(module) if id(call) in table]

    return module_cached("api-calls", module, compute, [])


def api_calls_of(module: nodes.Module, wanted: Callable[[str], bool]) -> List[nodes.Call]:
    """The API calls whose API a check looks at (``wanted(api)``: the analysis' own predicate), in order."""
    table = apis(module)
    return [call for call in api_calls(module) if wanted(table[id(call)])]


def apis(module: nodes.Module) -> Dict[int, str]:
    """id(call) -> the API it calls (``tfapi.call_api``), for the module's API calls: a loop over many calls
    of one module reads this table instead of asking each call (each ask climbs to the call's module)."""

    def compute() -> Dict[int, str]:
        table = {}
        for call in calls(module):
            api = tfapi.api_name(call.func, module)
            if api is not None:
                table[id(call)] = api
        return table

    return module_cached("apis", module, compute, {})
