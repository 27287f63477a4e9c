"""Which variables an expression may hold: the value tracker behind :mod:`pylint_rnn.analyses.initial_state`.

A feed such as ``initial_state=LSTMStateTuple(self.state_c, h)`` or ``initial_state=state[0]`` names the
variables the RNN starts from only through names, ``self.`` attributes, tuples, ``LSTMStateTuple(c, h)``,
``state[0]`` / ``state.c`` and value-preserving ops (``tf.identity``, ``tf.tile`` ...).
:class:`VariableTracker` follows those, module-local and flow-insensitive, to the creation calls
(``tf.Variable``, ``tf.get_variable``, ``self.add_weight``) and tells, for each, whether it is trainable and
whether its first dimension is the batch size. It never infers: what the tree does not say is unknown.
"""
from __future__ import annotations

from typing import Dict, FrozenSet, Iterable, List, NamedTuple, Optional, Tuple

from astroid import nodes

from pylint_rnn.core import callargs, counts, dataflow, tfapi, tree
from pylint_rnn.core.bindings import assigned_value, bindings_of, method_class

_MAX_DEPTH = 12
_COMPREHENSION_SPAN = 16

# Last names of the calls that create a variable, looked at before resolving the API.
CREATION_NAMES = frozenset({"Variable", "get_variable", "add_weight", "add_variable", "variable"})
_LAYER_WEIGHT_METHODS = ("add_weight", "add_variable")
_LIST_FILLERS = ("append", "insert", "extend")


class _Parameters(NamedTuple):
    """Where a variable creation takes trainable, its shape and its initial value (None: it has none)."""

    trainable: Optional[int]
    shape: Optional[int]
    value_keyword: Optional[str]
    value: Optional[int]


_CREATION_APIS = {
    tfapi.VARIABLE: _Parameters(1, None, "initial_value", 0),
    tfapi.GET_VARIABLE: _Parameters(5, 1, "initializer", 3),
    "tf.keras.backend.variable": _Parameters(None, None, "value", 0),
}
# A Keras layer's own self.add_weight(name, shape, dtype, initializer, regularizer, trainable, ...).
_LAYER_WEIGHT = _Parameters(5, 1, None, None)
# Values that pass a variable through unchanged ...
_IDENTITY_APIS = frozenset({"tf.identity", "tf.convert_to_tensor", "tf.cast", "tf.stop_gradient"})
# ... and values that reshape it (a tiled [1, units] variable is the idiom, not a batch-sized one).
_RESHAPING_APIS = frozenset({
    "tf.tile", "tf.reshape", "tf.expand_dims", "tf.broadcast_to", "tf.squeeze", "tf.repeat",
    "tf.keras.backend.tile", "tf.keras.backend.repeat_elements", "tf.keras.backend.reshape",
})
_PASS_THROUGH_APIS = _IDENTITY_APIS | _RESHAPING_APIS
# Values shaped like their first argument (tf.zeros_like(zero_state), np.ones_like(...)).
_SHAPE_OF_ARGUMENT = frozenset({"zeros_like", "ones_like", "random_normal_like", "full_like", "empty_like"})
_STATE_FIELDS = {"c": 0, "h": 1}
# Tensor factories whose first argument (or shape=) is the shape.
_SHAPED_FACTORIES = frozenset({
    "zeros", "ones", "fill", "random_uniform", "random_normal", "truncated_normal", "uniform", "normal",
    "glorot_uniform", "empty", "rand", "randn", "constant", "full",
})


class Variable:
    """A variable creation site: ``tf.Variable(...)``, ``tf.get_variable(...)``, ``self.add_weight(...)``."""

    __slots__ = ("call", "label", "named", "trainable", "batch_dim", "from_zero_state")

    def __init__(self, call: nodes.Call, trainable: Optional[bool], batch_dim: Optional[str],
                 from_zero_state: bool) -> None:
        self.call = call
        self.label, self.named = _label(call)
        self.trainable = trainable  # True, False, or None (cannot tell)
        self.batch_dim = batch_dim  # source text of a batch-size first dimension, or None
        self.from_zero_state = from_zero_state  # batch_dim is the batch size given to cell.zero_state


class VariableTracker:
    """Which variables an expression may hold, for one module (memoised per creation call and class)."""

    def __init__(self, batch_names: FrozenSet[str]) -> None:
        self.batch_names = batch_names
        self._vars: Dict[int, Optional[Variable]] = {}
        self._class_attrs: Dict[int, Dict[str, list]] = {}

    def resolve(self, expr: Optional[nodes.NodeNG], depth: int = 0) -> List[Tuple[Variable, bool]]:
        """The variables an expression may evaluate to (or pack), each with 'was reshaped on the way'."""
        if expr is None or depth > _MAX_DEPTH:
            return []
        if isinstance(expr, nodes.Call):
            return self._resolve_call(expr, depth)
        if isinstance(expr, nodes.Attribute) and expr.attrname in _STATE_FIELDS \
                and self._self_attribute_values(expr) is None:
            return self._component(expr.expr, _STATE_FIELDS[expr.attrname], depth + 1)
        if isinstance(expr, nodes.Subscript):
            index = callargs.literal_value(expr.slice)
            if isinstance(index, int) and not isinstance(index, bool):
                return self._component(expr.value, index, depth + 1)
        return [item for value in self._held(expr) for item in self.resolve(value, depth + 1)]

    def _held(self, expr: nodes.NodeNG) -> list:
        """The expressions a container, name, ``self.`` attribute or subscript may hold."""
        if isinstance(expr, (nodes.Tuple, nodes.List)):
            return list(expr.elts)
        if isinstance(expr, (nodes.ListComp, nodes.GeneratorExp)):
            return [expr.elt]
        if isinstance(expr, nodes.Dict):  # {"fw": init_fw, "bw": init_bw}
            return [value for _, value in expr.items]
        if isinstance(expr, nodes.DictComp):
            return [expr.value]
        if isinstance(expr, nodes.Name):
            # bound values, what is appended to a list, what is stored in a dict (states["fw"] = ...)
            values = _bound_values(expr)
            if any(isinstance(v, nodes.Dict) or dataflow.is_dict_call(v) for v in values):
                values += [value for _, value in dataflow.dict_entries(expr, expr)
                           if not isinstance(value, nodes.Dict)]
            return values + _appended_values(expr)
        if isinstance(expr, nodes.Attribute):
            return self._self_attribute_values(expr) or []
        if isinstance(expr, nodes.Subscript):
            return [expr.value]
        return []

    def _resolve_call(self, call: nodes.Call, depth: int) -> List[Tuple[Variable, bool]]:
        func = call.func
        if isinstance(func, nodes.Attribute) and func.attrname in CREATION_NAMES:
            var = self.variable(call)
            return [(var, False)] if var is not None else []
        if isinstance(func, nodes.Attribute) and func.attrname in ("read_value", "value") and not call.args:
            return self.resolve(func.expr, depth + 1)
        if isinstance(func, nodes.Name) and func.name in ("tuple", "list") and len(call.args) == 1:
            return self.resolve(call.args[0], depth + 1)
        api = tfapi.call_api(call)
        if api in _CREATION_APIS:
            var = self.variable(call)
            return [(var, False)] if var is not None else []
        if api == tfapi.STATE_TUPLE:
            return [item for part in _tuple_parts(call) for item in self.resolve(part, depth + 1)]
        if api in _IDENTITY_APIS and call.args:
            return self.resolve(call.args[0], depth + 1)
        if api in _RESHAPING_APIS and call.args:
            return [(var, True) for var, _ in self.resolve(call.args[0], depth + 1)]
        return []

    def _component(self, base: nodes.NodeNG, index: int, depth: int) -> List[Tuple[Variable, bool]]:
        """``base[index]`` / ``base.c``: the matching part when base is a known composition."""
        out: List[Tuple[Variable, bool]] = []
        whole = False
        for composed in self._compositions(base, depth):
            if composed is None:
                whole = True
            elif -len(composed) <= index < len(composed):
                out.extend(self.resolve(composed[index], depth + 1))
        if whole:
            # Not a tuple we know: state[0] of a single variable is a slice of that variable.
            out.extend(self.resolve(base, depth + 1))
        return out

    def _compositions(self, base: nodes.NodeNG, depth: int) -> Iterable[Optional[list]]:
        """The part lists base is built from (one per binding), or a None entry if it is not a tuple."""
        if depth > _MAX_DEPTH:
            yield None
        elif isinstance(base, (nodes.Tuple, nodes.List)):
            yield list(base.elts)
        elif isinstance(base, (nodes.ListComp, nodes.GeneratorExp)):
            yield [base.elt] * _COMPREHENSION_SPAN  # [make() for _ in range(n)]: every item is elt
        elif isinstance(base, nodes.Call):
            yield _tuple_parts(base) if tfapi.call_api(base) == tfapi.STATE_TUPLE else None
        elif isinstance(base, nodes.Subscript):
            yield from self._subscript_compositions(base, depth)
        else:
            values = None
            if isinstance(base, nodes.Name):
                values = _bound_values(base)
            elif isinstance(base, nodes.Attribute):
                values = self._self_attribute_values(base)
            if not values:
                yield None
            for value in values or ():
                yield from self._compositions(value, depth + 1)

    def _subscript_compositions(self, base: nodes.Subscript, depth: int) -> Iterable[Optional[list]]:
        """``states[1]`` of a known nested tuple: the parts of that element."""
        index = callargs.literal_value(base.slice)
        if not isinstance(index, int) or isinstance(index, bool):
            yield None
            return
        for outer in self._compositions(base.value, depth + 1):
            if outer is None or not -len(outer) <= index < len(outer):
                yield None
            else:
                yield from self._compositions(outer[index], depth + 1)

    def _self_attribute_values(self, expr: nodes.Attribute) -> Optional[list]:
        """Values assigned to ``self.<attr>`` anywhere in the class, when expr is such an attribute."""
        klass = method_class(expr.expr)
        if klass is None:
            return None
        table = self._class_attrs.get(id(klass))
        if table is None:
            table = self._class_attrs[id(klass)] = _self_attribute_table(klass)
        return table.get(expr.attrname, [])

    # --- variables ---------------------------------------------------------------------------------------

    def variable(self, call: nodes.Call) -> Optional[Variable]:
        key = id(call)
        if key not in self._vars:
            self._vars[key] = None  # breaks cycles
            self._vars[key] = self._make_variable(call)
        return self._vars[key]

    def _make_variable(self, call: nodes.Call) -> Optional[Variable]:
        api = tfapi.call_api(call)
        if api in _CREATION_APIS:
            parameters = _CREATION_APIS[api]
        elif api is None and tree.last_name(call.func) in _LAYER_WEIGHT_METHODS \
                and isinstance(call.func, nodes.Attribute):
            parameters = _LAYER_WEIGHT
        else:
            return None
        batch_dim, zero_state = None, False
        if parameters.shape is not None:
            batch_dim = self._first_dim(callargs.call_argument(call, parameters.shape, "shape"), 0)
        if batch_dim is None and parameters.value_keyword is not None:
            value = callargs.call_argument(call, parameters.value, parameters.value_keyword)
            if value is not None:
                batch_dim, zero_state = self._batch_dim_of_value(value, 0)
        return Variable(call, _trainable(call, parameters), batch_dim, zero_state)

    def _batch_dim_of_value(self, value: nodes.NodeNG, depth: int) -> Tuple[Optional[str], bool]:
        """(batch-size text, made from zero_state) for an initial value, when its first dim is the batch."""
        if depth > _MAX_DEPTH:
            return None, False
        if isinstance(value, nodes.Call):
            last = tree.last_name(value.func)
            if last in ("zero_state", "get_initial_state"):
                batch = callargs.call_argument(value, 0 if last == "zero_state" else 1, "batch_size")
                return (batch.as_string(), True) if batch is not None else (None, False)
            if last in _SHAPED_FACTORIES:
                return self._batch_dim_of_factory(value, last), False
        for part in _value_sources(value):
            found = self._batch_dim_of_value(part, depth + 1)
            if found[0]:
                return found
        return None, False

    def _batch_dim_of_factory(self, value: nodes.Call, last: str) -> Optional[str]:
        """``tf.zeros([batch_size, units])``, ``np.random.rand(batch_size, units)`` ..."""
        path = tfapi.qualified_path(value.func) or ""
        if not path.startswith(("tensorflow", "keras", "numpy", "tf_keras")):
            return None
        if last in ("rand", "randn"):  # numpy.random.rand(d0, d1, ...)
            return self._dim_text(value.args[0]) if len(value.args) >= 2 else None
        shape = callargs.call_argument(value, None, "shape")
        if shape is None and last != "constant":
            shape = value.args[0] if value.args else None
        return self._first_dim(shape, 0)

    def _first_dim(self, shape: Optional[nodes.NodeNG], depth: int) -> Optional[str]:
        """The batch-size text of a shape's first dimension: a literal shape, a name bound to one, or a
        shape kept in configuration (``shapes["c"]``, ``cfg.state_shape``)."""
        if shape is None or depth > 3:
            return None
        if isinstance(shape, (nodes.List, nodes.Tuple)):
            return self._dim_text(shape.elts[0]) if len(shape.elts) >= 2 else None
        bound: list = []
        if isinstance(shape, nodes.Name):
            bound = _bound_values(shape)
        elif isinstance(shape, nodes.Attribute):
            bound = [counts.configured_attribute(shape)]
        elif counts.config_key(shape) is not None:
            bound = [counts.mapping_entry(*counts.config_key(shape))]
        for value in bound:
            found = self._first_dim(value, depth + 1)
            if found:
                return found
        return None

    def _dim_text(self, dim: nodes.NodeNG) -> Optional[str]:
        """The dimension's text when it names the batch size: ``batch_size``, ``FLAGS.batch_size``,
        ``params["batch_size"]``, or a name bound to one of those."""
        count = counts.count_of(dim)
        if count is not None and not count.literal and any(n.lower() in self.batch_names for n in count.names):
            return dim.as_string()
        return None


# --- small tree helpers -----------------------------------------------------------------------------------


def _self_attribute_table(klass: nodes.ClassDef) -> Dict[str, list]:
    """attribute name -> the values its methods assign to ``self.<name>``."""
    table: Dict[str, list] = {}
    for member in klass.body:
        if not isinstance(member, nodes.FunctionDef):
            continue
        params = (member.args.posonlyargs or []) + (member.args.args or [])
        if not params:
            continue
        for target in tree.attribute_targets(member):
            if isinstance(target.expr, nodes.Name) and target.expr.name == params[0].name:
                value = _target_value(target)
                if value is not None:
                    table.setdefault(target.attrname, []).append(value)
    return table


def _bound_values(name: nodes.Name) -> list:
    """The values a name may hold here: right-hand sides of its assignments (element-wise for tuples)."""
    targets = (binding for binding in bindings_of(name) if isinstance(binding, nodes.AssignName))
    return [value for value in map(_target_value, targets) if value is not None]


def _appended_values(name: nodes.Name) -> list:
    """What ``states.append(v)`` / ``.insert(i, v)`` / ``.extend(vs)`` put in a list bound to ``name``."""
    out = []
    for binding in bindings_of(name):
        value = assigned_value(binding) if isinstance(binding, nodes.AssignName) else None
        if not isinstance(value, (nodes.List, nodes.Tuple)):
            continue
        for call in tree.own_nodes(binding.frame(), nodes.Call):
            func = call.func
            if isinstance(func, nodes.Attribute) and func.attrname in _LIST_FILLERS and call.args \
                    and isinstance(func.expr, nodes.Name) and func.expr.name == name.name:
                out.append(call.args[-1])
    return out


def _trainable(call: nodes.Call, parameters: _Parameters) -> Optional[bool]:
    """``trainable=``: True when not passed, the literal when passed one, None (unknown) otherwise."""
    argument = callargs.call_argument(call, parameters.trainable, "trainable")
    if argument is None:
        return True
    literal = callargs.literal_value(argument)
    return literal if isinstance(literal, bool) else None


def _value_sources(value: nodes.NodeNG) -> list:
    """Where an initial value's first dimension comes from: a name's values (a loop or comprehension
    variable holds an item of what it iterates: a zero_state's parts), the tuple of ``.c`` / ``[0]``, the
    element of a comprehension, the argument of ``tuple(...)`` or of an op that keeps the shape."""
    if isinstance(value, nodes.Name):
        return _bound_values(value) + _iterated_values(value)
    if isinstance(value, nodes.Attribute):
        return [value.expr]
    if isinstance(value, nodes.Subscript):
        return [value.value]
    if isinstance(value, (nodes.ListComp, nodes.GeneratorExp)):
        return [value.elt]
    if isinstance(value, nodes.Call) and value.args and _keeps_shape(value):
        return [value.args[0]]
    return []


def _keeps_shape(call: nodes.Call) -> bool:
    """Is the call's first dimension its first argument's? (identity, tiling, zeros_like, tuple(...))"""
    if isinstance(call.func, nodes.Name) and call.func.name in ("tuple", "list"):
        return True
    return tree.last_name(call.func) in _SHAPE_OF_ARGUMENT or tfapi.call_api(call) in _PASS_THROUGH_APIS


def _iterated_values(name: nodes.Name) -> list:
    """What a loop or comprehension variable iterates (``for s in zero``, ``for i, s in enumerate(zero)``,
    ``(... for c, h in states)``): the sequence whose items it holds."""
    out = []
    for binding in bindings_of(name):
        if not isinstance(binding, nodes.AssignName):
            continue
        holder, target = binding.parent, binding
        if isinstance(holder, nodes.Tuple):
            holder, target = holder.parent, holder
        if not (isinstance(holder, (nodes.Comprehension, nodes.For)) and holder.target is target):
            continue
        iterable = holder.iter
        if target is not binding and isinstance(iterable, nodes.Call) and isinstance(iterable.func, nodes.Name) \
                and iterable.func.name in ("enumerate", "zip"):
            position = target.elts.index(binding) - (1 if iterable.func.name == "enumerate" else 0)
            iterable = iterable.args[position] if 0 <= position < len(iterable.args) else None
        if iterable is not None:
            out.append(iterable)
    return out


def _target_value(target: nodes.NodeNG) -> Optional[nodes.NodeNG]:
    """Right-hand side for an assignment target, following ``a, b = x, y`` element-wise."""
    value = assigned_value(target)
    if value is not None:
        return value
    parent = target.parent
    if isinstance(parent, (nodes.Tuple, nodes.List)) and isinstance(parent.parent, nodes.Assign):
        value = parent.parent.value
        if isinstance(value, (nodes.Tuple, nodes.List)) and len(value.elts) == len(parent.elts) \
                and not any(isinstance(e, nodes.Starred) for e in parent.elts):
            return value.elts[parent.elts.index(target)]
    return None


def _tuple_parts(call: nodes.Call) -> list:
    """The (c, h) an ``LSTMStateTuple(...)`` call is built from, positional or by keyword."""
    parts = list(call.args[:2])
    for keyword in call.keywords or ():
        if keyword.arg in _STATE_FIELDS:
            index = _STATE_FIELDS[keyword.arg]
            while len(parts) <= index:
                parts.append(None)
            parts[index] = keyword.value
    return [p for p in parts if p is not None] if None in parts else parts


def _label(call: nodes.Call) -> Tuple[str, bool]:
    """(name the user gives a variable in code, is it a name): its assignment target, else name=, else
    the call itself."""
    parent = call.parent
    target = None
    if isinstance(parent, (nodes.Assign, nodes.AnnAssign)):
        target = parent.targets[0] if isinstance(parent, nodes.Assign) else parent.target
    elif isinstance(parent, (nodes.Tuple, nodes.List)) and isinstance(parent.parent, nodes.Assign):
        targets = parent.parent.targets[0]
        if isinstance(targets, (nodes.Tuple, nodes.List)) and len(targets.elts) == len(parent.elts):
            target = targets.elts[parent.elts.index(call)]
    if isinstance(target, nodes.AssignName):
        return target.name, True
    if isinstance(target, (nodes.AssignAttr, nodes.Subscript)):  # self.h0 = ..., states["fw"] = ...
        return target.as_string(), True
    name = callargs.literal_value(callargs.call_argument(call, None, "name"))
    if not isinstance(name, str) and call.args:  # tf.get_variable("h0", ...), self.add_weight("h0", ...)
        name = callargs.literal_value(call.args[0])
    if isinstance(name, str) and name.isidentifier():
        return name, True
    return tree.short_text(call), False
