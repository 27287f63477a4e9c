"""rnn-same-cell-stacked: one cell object used for several layers, or for both directions.

``MultiRNNCell([cell] * 3)`` does not build three layers: it builds one cell object three times over. A cell
creates its weights the first time it is called and keeps them, so every layer runs on that one weight set
(or, when the input width differs from the cell width, the second layer's matrix multiply fails). The same
holds for ``StackedRNNCells``, Keras ``RNN([...])``, the per-layer lists of ``stack_bidirectional_*``, one
cell passed as both the forward and the backward cell of a bidirectional RNN, and one Keras layer passed as
both layers of ``Bidirectional``.

Which objects a list of cells holds, and how often, comes from :mod:`pylint_rnn.core.celllists`; this module
decides which of them a stack or a bidirectional call shares, and words the findings.
"""
from __future__ import annotations

import re
from typing import Dict, List, NamedTuple, Optional, Tuple

from astroid import nodes

from pylint_rnn.analyses import Finding
from pylint_rnn.core import callargs, cellidentity, celllists, tfapi, tree
from pylint_rnn.core.bindings import assigned_value, single_binding

SAME_CELL = "rnn-same-cell-stacked"

_SUGGESTION_MAX = 50
_BOTH_DIRECTIONS = "both directions"
_LAYERS_SHARE = "the layers share one set of weights"
_LATENT_SHARE = ("latent: the moment {times} is more than 1 the layers share one set of weights (or the stack "
                 "fails to build when the input width differs)")
_DIRECTIONS_SHARE = "the directions share one set of weights"
_CELL_PER_DIRECTION = "a separate cell for each direction"
_LIST_PER_DIRECTION = "a separate list of cells for each direction"
_KERAS_REJECTS = "Keras copies the forward layer, then rejects the pair with a ValueError (same go_backwards)"
_KERAS_FIX = "a separate backward layer with go_backwards=True, or leave out backward_layer"
# Every API this rule checks has one of these in its last name; so does a project class subclassing one.
_LOOKS_LIKE_OURS = re.compile(r"RNN|Rnn|rnn|Stack|Bidirectional|Cell")


def may_stack_cells(call: nodes.Call) -> bool:
    """Could this call be one the rule checks, by the callee's spelling? (An attribute must be spelled like
    the APIs the rule checks: ``tf.nn.rnn_cell.MultiRNNCell``, not ``self.build``.)"""
    func = call.func
    if isinstance(func, nodes.Attribute):
        return bool(_LOOKS_LIKE_OURS.search(func.attrname))
    return isinstance(func, nodes.Name)


def checks(api: Optional[str]) -> bool:
    """Is ``api`` one the rule looks at: a stack of cells, a bidirectional RNN function, Keras Bidirectional?"""
    if not api:
        return False
    signature = tfapi.RNN_SIGNATURES.get(api)
    return tfapi.is_cell_stack(api) or api in (tfapi.KERAS_RNN, tfapi.KERAS_BIDIRECTIONAL) \
        or (signature is not None and signature.bidirectional)


def same_cell_findings(call: nodes.Call) -> List[Finding]:
    """The findings for one call: a stack of cells, a bidirectional RNN function or Keras Bidirectional."""
    api = tfapi.call_api(call)
    if not api:
        return []
    if tfapi.is_cell_stack(api) or api == tfapi.KERAS_RNN:
        cells = celllists.cell_list(tfapi.stacked_cells_argument(call, api), call)
        return layer_findings(call, cells, _short_api(api))
    signature = tfapi.RNN_SIGNATURES.get(api)
    if signature is not None and signature.bidirectional:
        forward, backward = (callargs.call_argument(call, position, keyword) for position, keyword in signature.cells)
        if signature.cell_lists:
            return stacked_direction_findings(call, forward, backward, _short_api(api))
        return direction_findings(call, forward, backward, _short_api(api))
    if api == tfapi.KERAS_BIDIRECTIONAL:
        return keras_bidirectional_findings(call)
    return []


def layer_findings(call: nodes.Call, cells: Optional[celllists.CellList], where: str) -> List[Finding]:
    """One finding per cell object that the list of a stack holds more than once."""
    if cells is None:
        return []
    found = []
    for duplicate in celllists.duplicated(cells):
        count = duplicate.count
        times = count.text
        fix = f"one cell per layer, e.g. [{_suggestion(duplicate.element)} for _ in range({times})]"
        layers, share = f"{times} layers", _LAYERS_SHARE
        if count.latent():
            # One layer today, but the count is a knob: the stack shares (or breaks) once it is turned up.
            layers, share = f"{times} layers (1 today)", _LATENT_SHARE.format(times=times)
        found.append(Finding(SAME_CELL, call, (f"cell {duplicate.label}", layers, where, share), (fix,)))
    return found


def direction_findings(call: nodes.Call, forward: Optional[nodes.NodeNG], backward: Optional[nodes.NodeNG],
                       where: str) -> List[Finding]:
    """bidirectional_dynamic_rnn / static_bidirectional_rnn whose two cells share an object: one cell, or
    the cells of one list stacked for each direction."""
    forward_keys = direction_keys(forward)
    backward_keys = direction_keys(backward)
    shared = next((key for key in forward_keys if key in backward_keys), None)
    if shared is None:
        return []
    used = forward_keys[shared]
    if used.list_label:
        what = f"list '{used.list_label}'"
    else:
        what = "cell " + cellidentity.display_label(list(used.elements + backward_keys[shared].elements))
    return [Finding(SAME_CELL, call, (what, _BOTH_DIRECTIONS, where, _DIRECTIONS_SHARE), (_CELL_PER_DIRECTION,))]


def stacked_direction_findings(call: nodes.Call, forward: Optional[nodes.NodeNG],
                               backward: Optional[nodes.NodeNG], where: str) -> List[Finding]:
    """stack_bidirectional_*: a cell repeated within one direction's list, one list for both directions,
    or one cell in both lists."""
    forward_cells = celllists.cell_list(forward, call)
    backward_cells = celllists.cell_list(backward, call)
    found = layer_findings(call, forward_cells, where) + layer_findings(call, backward_cells, where)
    if forward is None or backward is None:
        return found
    if celllists.same_list_object(forward, backward, forward_cells, backward_cells):
        args = (f"list '{tree.short_text(forward)}'", _BOTH_DIRECTIONS, where, _DIRECTIONS_SHARE)
        return found + [Finding(SAME_CELL, call, args, (_LIST_PER_DIRECTION,))]
    if forward_cells is None or backward_cells is None:
        return found
    backward_keys = {e.element.key for e in backward_cells.entries if e.element.names_one_object}
    for entry in forward_cells.entries:
        if entry.element.names_one_object and entry.element.key in backward_keys:
            args = (f"cell '{entry.element.label}'", "a forward and a backward layer", where, _DIRECTIONS_SHARE)
            return found + [Finding(SAME_CELL, call, args, (_CELL_PER_DIRECTION,))]
    return found


def keras_bidirectional_findings(call: nodes.Call) -> List[Finding]:
    """``Bidirectional(layer, backward_layer=layer)``: one layer object as both directions."""
    layer = callargs.call_argument(call, 0, "layer")
    backward = callargs.call_argument(call, 3, "backward_layer")
    if not (isinstance(layer, (nodes.Name, nodes.Attribute)) and isinstance(backward, (nodes.Name, nodes.Attribute))):
        return []
    first = cellidentity.element(layer)
    if first.key != cellidentity.element(backward).key:
        return []
    args = (f"layer '{first.label}'", _BOTH_DIRECTIONS, "Bidirectional", _KERAS_REJECTS)
    return [Finding(SAME_CELL, call, args, (_KERAS_FIX,))]


# --- what one direction of a bidirectional RNN uses ----------------------------------------------------


class Used(NamedTuple):
    """An object whose weights a direction uses: a cell (the elements naming it) or a list a stack holds."""

    elements: Tuple[cellidentity.Element, ...] = ()
    list_label: str = ""  # the list's source text, when the object is a list of cells


def direction_keys(expr: Optional[nodes.NodeNG], depth: int = 0) -> Dict[tuple, Used]:
    """{key: Used} of the objects whose weights a bidirectional argument uses, in the order met: the cell
    passed (through aliases and wrappers), and for a stack the list it holds, then the cells in it."""
    if expr is None or depth > celllists.MAX_DEPTH:
        return {}
    keys: Dict[tuple, Used] = {}
    value = expr
    if isinstance(expr, (nodes.Name, nodes.Attribute, nodes.Subscript)):
        found = cellidentity.element(expr)
        keys[found.key] = Used((found,))
        if isinstance(expr, nodes.Name):
            binding = single_binding(expr)
            value = assigned_value(binding) if isinstance(binding, nodes.AssignName) else None
    if not isinstance(value, nodes.Call):
        return keys
    api = tfapi.call_api(value)
    if tfapi.is_cell_wrapper(api):
        for key, used in direction_keys(cellidentity.wrapped_cell(value), depth + 1).items():
            keys.setdefault(key, used)
        return keys
    argument = tfapi.stacked_cells_argument(value, api)
    cells = celllists.cell_list(argument, value)
    if cells is not None:
        keys.update({key: Used(list_label=tree.short_text(argument)) for key in cells.identities})
        for entry in cells.entries:
            if entry.element.names_one_object:
                keys.setdefault(entry.element.key, Used((entry.element,)))
    return keys


def _suggestion(element: cellidentity.Element) -> str:
    """The constructor to call once per layer: the one that built the cell, when it is short."""
    if element.ctor is not None:
        text = element.ctor.as_string()
        if len(text) <= _SUGGESTION_MAX:
            return text
    return "make_cell()"


def _short_api(api: str) -> str:
    return api.rsplit(".", 1)[-1]
