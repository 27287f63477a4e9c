"""Which variable names does a TF1 call create? The names ``tf.get_variable`` sees, modelled on TF's rules.

A collision ("Variable ... already exists") needs two creations of one *name*, so this module computes the
names instead of guessing from the API: each variable a call creates is a :data:`Leaf`, its path below the
variable scope the call runs in, and the object that owns it. The facts, each proved with TensorFlow 2.21
(``tf.compat.v1``) by tests/runtime/test_reuse_names_truth.py:

- An RNN function opens its scope *by name* (``scope=``, else ``RNN_SIGNATURES[api].default_scope``);
  bidirectional functions add ``fw/`` and ``bw/`` below it.
- Inside it a legacy cell creates its variables under its own scope: ``name=`` if given, else its class's
  base name (``lstm_cell``, ``basic_lstm_cell``, ``gru_cell``, ``basic_rnn_cell``). Because the RNN's scope
  was just entered by name, this base name is never uniquified: two fresh LSTMCells run in one scope both
  create ``rnn/lstm_cell/kernel`` (their objects' ``.name``, ``lstm_cell_1``, plays no part).
- ``MultiRNNCell`` adds ``multi_rnn_cell/cell_<k>/``; ``DropoutWrapper``, ``ResidualWrapper`` and
  ``DeviceWrapper`` add nothing.
- A cell builds its weights once, on its first run: running one object again, in any scope, shares them.
  ``reuse=True`` / ``tf.AUTO_REUSE`` given to a cell shares too. Keras cells never collide.
- ``tf.layers.<fn>(..., name='x')`` creates ``x/kernel`` and ``x/bias`` (dense and the convolutions alike),
  ``x/gamma``... for batch normalisation. Without ``name=`` the layer's scope is ``dense``, ``dense_1``, ...
  counted since its enclosing variable scope was last entered *by name*: only when that scope is entered
  again (a second ``with``, a loop, a second call of the function opening it) do two default names meet.
"""
from __future__ import annotations

from typing import FrozenSet, NamedTuple, Optional, Tuple

from astroid import nodes

from pylint_rnn.core import callargs, dataflow, scopes, tfapi, tree
from pylint_rnn.core.bindings import assigned_value, bindings_of
from pylint_rnn.core.calls import function_of_call, returns_new_cell

# (path below the creating call's variable scope, owner): the owner is the node that built the object
# owning the variable (a cell constructor, a factory call), None when the call itself creates it anew.
Leaf = Tuple[Tuple[str, ...], Optional[nodes.NodeNG]]

_MAX_DEPTH = 6
_MAX_LISTED_LAYERS = 8  # cell_0 ... cell_7 of a stack is plenty to find a shared name

# TF1 cells: their default scope and one variable each always creates there.
_CELLS = {
    "tf.nn.rnn_cell.LSTMCell": ("lstm_cell", ("kernel",)),
    "tf.nn.rnn_cell.BasicLSTMCell": ("basic_lstm_cell", ("kernel",)),
    "tf.nn.rnn_cell.BasicRNNCell": ("basic_rnn_cell", ("kernel",)),
    "tf.nn.rnn_cell.GRUCell": ("gru_cell", ("gates", "kernel")),
}
# Wrappers that run their inner cell in their own scope, adding no level and no variable.
_TRANSPARENT_WRAPPERS = frozenset({
    "tf.nn.rnn_cell.DropoutWrapper", "tf.nn.rnn_cell.ResidualWrapper", "tf.nn.rnn_cell.DeviceWrapper",
})
_MULTI_CELL = "tf.nn.rnn_cell.MultiRNNCell"
_STACK_BIDI_SCOPE = "bidirectional_rnn"  # the scope each layer of stack_bidirectional_* runs in
# tf.layers functions whose variables are kernel and bias: dense(name='x') and conv1d(name='x') collide.
_KERNEL_LAYERS = frozenset({
    "dense", "conv1d", "conv2d", "conv3d", "conv2d_transpose", "conv3d_transpose",
})


class CellNames(NamedTuple):
    """The variables a cell object creates when first run, below the scope it runs in."""

    paths: FrozenSet[Tuple[str, ...]]
    owner: nodes.NodeNG  # the node that built the object (running it again shares)


# --- cells ---------------------------------------------------------------------------------------------


def cell_names(expr: Optional[nodes.NodeNG], depth: int = 0) -> Optional[CellNames]:
    """The variables of the cell object expr denotes, or None when the tree does not say exactly.

    Follows cell constructors, MultiRNNCell, transparent wrappers, names bound in the module (every
    binding must agree), ``self.x`` assigned in the function before its use, and the module's factories
    (``make_cell()``, a lambda). A cell that is reused (``reuse=True``), a Keras cell, a user's own cell
    class or anything passed in from outside is None.
    """
    if expr is None or depth > _MAX_DEPTH:
        return None
    if isinstance(expr, nodes.Name):
        return _name_cell(expr, depth)
    if isinstance(expr, nodes.Attribute):
        return _attribute_cell(expr, depth)
    if not isinstance(expr, nodes.Call):
        return None
    api = tfapi.call_api(expr)
    if api is None:
        return _factory_cell(expr, depth)
    if not _library_class(expr.func):
        return None
    if api in _TRANSPARENT_WRAPPERS:
        return cell_names(callargs.call_argument(expr, 0, "cell"), depth + 1)
    if api == _MULTI_CELL:
        layers = layer_cells(callargs.call_argument(expr, 0, "cells"), depth + 1)
        if layers is None:
            return None
        paths = frozenset(("multi_rnn_cell", f"cell_{k}") + path
                          for k, layer in enumerate(layers) for path in layer.paths)
        return CellNames(paths, expr)
    return _constructed_cell(expr, api)


def _constructed_cell(call: nodes.Call, api: str) -> Optional[CellNames]:
    if not api.startswith(("tf.nn.rnn_cell.", "tf.contrib.")) or not tfapi.is_cell_class(api):
        return None  # Keras cells name their weights per graph: they never collide
    if scopes.reuse_of_expression(callargs.call_argument(call, None, "reuse"), call) != scopes.REUSE_NONE:
        return None  # reuse=True shares (or fails with "does not exist"), AUTO_REUSE shares
    default, variable = _CELLS.get(api, (None, (f"<{api}>",)))
    name_arg = callargs.call_argument(call, None, "name")
    if name_arg is not None:
        name = callargs.constant_value(name_arg)
        if not isinstance(name, str):
            return None
        scope = name
    else:
        # A cell outside the table: its default scope is its class's, the same for every instance.
        scope = default if default is not None else f"<{api}>"
    return CellNames(frozenset({(scope,) + variable}), call)


def _name_cell(name: nodes.Name, depth: int) -> Optional[CellNames]:
    """A name bound (once or on several lines that agree) to a cell built in the module."""
    return _agreed_cell([assigned_value(binding) if isinstance(binding, nodes.AssignName) else None
                         for binding in bindings_of(name)], depth)


def _attribute_cell(attribute: nodes.Attribute, depth: int) -> Optional[CellNames]:
    """``self.cell`` assigned in the function that uses it, once at least before the use, every assignment
    there building the same cell. One set only in another method or by a caller is not followed: which
    object it holds then depends on the order the methods run in."""
    definitions = dataflow.frame_attribute_definitions(attribute)
    if not any(tree.statement_before(definition.target, attribute) for definition in definitions):
        return None
    return _agreed_cell([None if definition.path else definition.value for definition in definitions], depth)


def _agreed_cell(values: list, depth: int) -> Optional[CellNames]:
    """The one cell that every value builds; None when there is none, or one value is unknown (None)."""
    answers = set()
    for value in values:
        answer = cell_names(value, depth + 1) if value is not None else None
        if answer is None:
            return None
        answers.add(answer)
    return answers.pop() if len(answers) == 1 else None


def _factory_cell(call: nodes.Call, depth: int) -> Optional[CellNames]:
    """``make_cell()``: a module function returning a new cell; each call builds a new object."""
    callee = function_of_call(call)
    if callee is None or not returns_new_cell(callee):
        return None
    answers = {cell_names(value, depth + 1) for value in tree.returned_values(callee)}
    if len(answers) != 1 or None in answers:
        return None
    paths = answers.pop().paths
    return CellNames(paths, call)


def layer_cells(expr: Optional[nodes.NodeNG], depth: int = 0) -> Optional[list]:
    """The cells of a stack's list, one CellNames per layer known for sure (cell_0 first), or None.

    ``[c1, c2]``; ``[make() for _ in range(n)]`` (every layer alike; n layers when n is a literal, else
    the first); ``[cell] * n`` (one object: its weights live in cell_0 only).
    """
    if expr is None or depth > _MAX_DEPTH:
        return None
    if isinstance(expr, nodes.Name):
        binding = bindings_of(expr)
        value = assigned_value(binding[0]) if len(binding) == 1 and isinstance(binding[0], nodes.AssignName) \
            else None
        return layer_cells(value, depth + 1) if value is not None else None
    if isinstance(expr, (nodes.List, nodes.Tuple)):
        layers = [cell_names(elt, depth + 1) for elt in expr.elts[:_MAX_LISTED_LAYERS]]
        return None if not layers or None in layers else layers
    if isinstance(expr, nodes.ListComp) and len(expr.generators) == 1 and not expr.generators[0].ifs:
        layer = cell_names(expr.elt, depth + 1)
        if layer is None:
            return None
        return [layer] * _comprehension_length(expr.generators[0].iter)
    if isinstance(expr, nodes.BinOp) and expr.op == "*":
        for seq in (expr.left, expr.right):
            if isinstance(seq, (nodes.List, nodes.Tuple)) and len(seq.elts) == 1:
                layer = cell_names(seq.elts[0], depth + 1)
                return [layer] if layer is not None else None
    return None


def _comprehension_length(iterable: nodes.NodeNG) -> int:
    if isinstance(iterable, nodes.Call) and tree.last_name(iterable.func) == "range" \
            and len(iterable.args) == 1:
        count = callargs.literal_value(iterable.args[0])
        if isinstance(count, int) and count > 0:
            return min(count, _MAX_LISTED_LAYERS)
    return 1


def _library_class(func: nodes.NodeNG) -> bool:
    """Is the called class TensorFlow's own, not a class of the user's project that subclasses one?"""
    root = func
    while isinstance(root, nodes.Attribute):
        root = root.expr
    if not isinstance(root, nodes.Name):
        return False
    for binding in bindings_of(root):
        if isinstance(binding, nodes.ClassDef):
            return False
        if isinstance(binding, nodes.ImportFrom) and (
                binding.level or binding.modname.split(".")[0] not in (tfapi.TF_ROOT,) + tfapi.KERAS_ROOTS):
            return False
    return True


# --- RNN functions -------------------------------------------------------------------------------------


def rnn_leaves(call: nodes.Call, api: str) -> Optional[FrozenSet[Leaf]]:
    """The variables an RNN function call creates below the scope it is called in, or None if unknown."""
    signature = tfapi.RNN_SIGNATURES[api]
    scope = _rnn_scope(call, signature.default_scope)
    if scope is None:
        return None
    cells = [callargs.call_argument(call, position, keyword) for position, keyword in signature.cells]
    directions = [("fw",), ("bw",)] if signature.bidirectional else [()]
    leaves = set()
    for cell, direction in zip(cells, directions):
        if signature.cell_lists:
            layers = layer_cells(cell)
            if layers is None:
                return None
            for k, layer in enumerate(layers):
                prefix = scope + (f"cell_{k}", _STACK_BIDI_SCOPE) + direction
                leaves.update((prefix + path, layer.owner) for path in layer.paths)
            continue
        names = cell_names(cell)
        if names is None:
            return None
        leaves.update((scope + direction + path, names.owner) for path in names.paths)
    return frozenset(leaves)


def _rnn_scope(call: nodes.Call, default: str) -> Optional[Tuple[str, ...]]:
    """The scope path the RNN function adds: ``('rnn',)``, the scope= name, or () for the ``as`` object of
    an enclosing variable scope (the RNN then creates its variables right in that scope)."""
    argument = callargs.call_argument(call, None, "scope")
    if argument is None:
        return (default,)
    value = callargs.constant_value(argument)
    if isinstance(value, str):
        return tuple(part for part in value.split("/") if part)
    if isinstance(argument, nodes.Name):
        aliases = {s.alias for s in scopes.variable_scope_chain(call) if s.alias}
        if argument.name in aliases:
            return ()
    return None


# --- tf.get_variable and tf.layers ---------------------------------------------------------------------


def get_variable_leaves(call: nodes.Call) -> Optional[FrozenSet[Leaf]]:
    name = callargs.constant_value(callargs.call_argument(call, 0, "name"))
    if not isinstance(name, str):
        return None
    return frozenset({(tuple(name.split("/")), None)})


def layer_leaves(call: nodes.Call, api: str) -> Optional[FrozenSet[Leaf]]:
    """``tf.layers.dense(..., name='fc')`` -> fc/kernel; a default-named layer -> dense_<k>/kernel when its
    position in the variable scope entered by name around it is known; contrib layers by ``scope=``."""
    function = api.rsplit(".", 1)[-1]
    variable = ("kernel",) if function in _KERNEL_LAYERS else (f"<{function}>",)
    if api.startswith("tf.contrib.layers."):
        name = callargs.constant_value(callargs.call_argument(call, None, "scope"))
        return frozenset({((name, f"<contrib.{function}>"), None)}) if isinstance(name, str) else None
    name_arg = callargs.call_argument(call, None, "name")
    if name_arg is not None:
        name = callargs.constant_value(name_arg)
        return frozenset({((name,) + variable, None)}) if isinstance(name, str) else None
    ordinal = default_layer_ordinal(call, api)
    if ordinal is None:
        return None
    scope = function if ordinal == 0 else f"{function}_{ordinal}"
    return frozenset({((scope,) + variable, None)})


def default_layer_ordinal(call: nodes.Call, api: str) -> Optional[int]:
    """How many layers of this function without ``name=`` ran before ``call`` since the innermost variable
    scope around it was entered by name: ``dense`` (0), ``dense_1`` (1), ...

    Known only when that scope is a ``with tf.variable_scope('<name>')`` of the same function, and neither
    ``call`` nor any of the earlier layers sits under a loop or a branch inside it.
    """
    chain = scopes.variable_scope_chain(call)
    if not chain or chain[-1].unique or (chain[-1].name is None and chain[-1].name_param is None):
        return None  # uniquified in a scope the caller opened: one open, distinct names
    with_node = chain[-1].node
    ordinal = 0
    for other in tree.own_nodes(with_node, nodes.Call):
        if tfapi.call_api(other) != api or callargs.call_argument(other, None, "name") is not None:
            continue
        other_chain = scopes.variable_scope_chain(other)
        if not other_chain or other_chain[-1].node is not with_node:
            continue
        if tree.conditional_between(other, with_node):
            return None
        if other is call:
            return ordinal
        ordinal += 1
    return None
