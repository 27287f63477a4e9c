"""What a call was given, as written: the argument passed for a parameter, and literal values.

Shared by every question about a call's arguments (a cell's ``reuse=``, ``dynamic_rnn``'s ``time_major``,
a ``tf.Variable``'s ``trainable=False``): positional or keyword, never through ``*args``; a value is known only
when the tree spells it (a literal, or a name bound once to one). Nothing here knows which API is called:
that is :mod:`pylint_rnn.core.tfapi`.
"""
from __future__ import annotations

from typing import Optional

from astroid import nodes

from pylint_rnn.core.bindings import assigned_value, bindings_of


def call_argument(call: nodes.Call, position: Optional[int], keyword: str) -> Optional[nodes.NodeNG]:
    """The argument passed for a parameter, by keyword or by position; None if not passed (or via *args)."""
    for kw in call.keywords or ():
        if kw.arg == keyword:
            return kw.value
    if position is not None and position < len(call.args):
        arg = call.args[position]
        if isinstance(arg, nodes.Starred):
            return None
        if any(isinstance(a, nodes.Starred) for a in call.args[:position]):
            return None
        return arg
    return None


def literal_value(node: Optional[nodes.NodeNG]):
    """The Python value of a literal constant node, else a sentinel ``UNKNOWN``."""
    if isinstance(node, nodes.Const):
        return node.value
    if isinstance(node, nodes.UnaryOp) and node.op == "-" and isinstance(node.operand, nodes.Const):
        if isinstance(node.operand.value, (int, float)):
            return -node.operand.value
    return UNKNOWN


def constant_value(node: Optional[nodes.NodeNG], _depth: int = 0):
    """Like literal_value, but also follows a name bound exactly once to a literal (``SCOPE = "enc"``)."""
    value = literal_value(node)
    if value is not UNKNOWN or not isinstance(node, nodes.Name) or _depth > 3:
        return value
    bindings = bindings_of(node)
    if len(bindings) != 1 or not isinstance(bindings[0], nodes.AssignName):
        return UNKNOWN
    assigned = assigned_value(bindings[0])
    if assigned is None or isinstance(bindings[0].parent, nodes.AugAssign):
        return UNKNOWN
    return constant_value(assigned, _depth + 1)


class _Unknown:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False


UNKNOWN = _Unknown()
