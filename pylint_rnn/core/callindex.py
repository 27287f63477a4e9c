"""The calls of a module, found once and chosen by what they call: the name written or the TF API.

Every analysis starts from a few calls: the stacks and RNN functions, the session runs, the cells built in
loops. Letting pylint hand every call to every checker cost more than the analyses (six visits per call,
each through the crash guard and the module gate), so the checkers look at the module once and take their
candidates from here: the module's calls as pylint's walk met them (:func:`pylint_rnn.core.tree.module_nodes`)
and one API resolution per call (:func:`pylint_rnn.core.tfapi.call_api`), shared by all of them. Lists are
in source order, so each checker's messages come out in the order of the code.
"""
from __future__ import annotations

from typing import Callable, Collection, Dict, List, Optional

from astroid import nodes

from pylint_rnn.core import tfapi, tree
from pylint_rnn.core.cache import module_cached


def calls(module: nodes.Module) -> List[nodes.Call]:
    """Every call of the module (nested functions, classes and lambdas included), in source order."""
    return tree.module_nodes(module, nodes.Call)


def calls_named(module: nodes.Module, names: Collection[str]) -> List[nodes.Call]:
    """The calls whose callee is spelled ``names`` last (``run`` for ``sess.run(...)`` and ``run(...)``),
    in source order: a look at the spelling only, so that an analysis resolves nothing for the other calls."""
    by_name = _calls_by_last_name(module)
    chosen = [by_name[name] for name in names if name in by_name]
    if len(chosen) <= 1:
        return chosen[0] if chosen else []
    order = _call_positions(module)
    return sorted((call for group in chosen for call in group), key=lambda call: order[id(call)])


def _calls_by_last_name(module: nodes.Module) -> Dict[Optional[str], List[nodes.Call]]:
    """The module's calls by the last name of their callee (None: a call of a call, a subscript...), each in
    source order: one look at every call's spelling per module, whatever the analyses ask for."""

    def compute() -> Dict[Optional[str], List[nodes.Call]]:
        by_name: Dict[Optional[str], List[nodes.Call]] = {}
        for call in calls(module):
            by_name.setdefault(tree.last_name(call.func), []).append(call)
        return by_name

    return module_cached("calls-by-last-name", module, compute, {})


def _call_positions(module: nodes.Module) -> Dict[int, int]:
    return module_cached("call-positions", module, lambda: {id(call): i for i, call in enumerate(calls(module))}, {})


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

    return module_cached("apis", module, lambda: tfapi.callee_apis(module, calls(module)), {})
