"""Records a builder returns: which argument of ``Endpoints(enc=..., loss=...)`` does ``ep.enc`` read?

Graph builders hand their endpoints back in a record: a ``collections.namedtuple``, a ``typing.NamedTuple``
or a ``@dataclass`` of the module. Its fields are known from the tree (the namedtuple's field list, the
class's annotated assignments, in order), so an attribute (``ep.enc``) or an index (``ep[1]``, tuple
unpacking) of a constructed record selects one argument of the constructor call. Plain classes are not
records here: their ``__init__`` may store anything under any name (``self.x`` assignments answer those).
"""
from __future__ import annotations

from typing import List, Optional, Union

from astroid import nodes

from pylint_rnn.core import callargs, tfapi, tree
from pylint_rnn.core.bindings import assigned_value, single_binding
from pylint_rnn.core.cache import module_cached

_NAMEDTUPLE_FACTORIES = frozenset({"collections.namedtuple", "typing.NamedTuple", "typing_extensions.NamedTuple"})
_NAMEDTUPLE_BASES = frozenset({"typing.NamedTuple", "typing_extensions.NamedTuple"})
_DATACLASS_DECORATORS = frozenset({"dataclasses.dataclass", "attr.s", "attr.dataclass", "attrs.define",
                                   "attrs.frozen", "attr.attrs"})


def record_fields(call: nodes.Call) -> Optional[List[str]]:
    """The field names, in order, of the record type ``call`` constructs; None when it is not one."""
    if not isinstance(call, nodes.Call) or not isinstance(call.func, nodes.Name):
        return None
    binding = single_binding(call.func)
    if isinstance(binding, nodes.ClassDef):
        return module_cached("record-fields", binding, lambda: _class_fields(binding))
    if isinstance(binding, nodes.AssignName):
        value = assigned_value(binding)
        return _factory_fields(value) if isinstance(value, nodes.Call) else None
    return None


def record_argument(call: nodes.Call, field: Union[str, int]) -> Optional[nodes.NodeNG]:
    """The argument ``call`` (a record constructor) passes for a field, by name (``ep.enc``) or by position
    (``ep[1]``, unpacking); None when it is not a record, the field is unknown, or the argument not passed."""
    fields = record_fields(call)
    if fields is None:
        return None
    if isinstance(field, str):
        name = field
    elif isinstance(field, int) and not isinstance(field, bool) and -len(fields) <= field < len(fields):
        name = fields[field]
    else:
        return None
    if name not in fields:
        return None
    return callargs.call_argument(call, fields.index(name), name)


def field_arguments(module: nodes.Module, field: str) -> List[nodes.NodeNG]:
    """``ep.enc`` where nothing says what ``ep`` is (a parameter no call in the module passes): the
    arguments every construction in the module passes for ``enc``, when exactly one record type of the
    module has that field; [] otherwise."""
    by_type: dict = {}
    for call, fields in _constructions(module):
        if field in fields:
            by_type.setdefault(id(single_binding(call.func)), []).append(call)
    if len(by_type) != 1:
        return []
    calls = next(iter(by_type.values()))
    return [argument for call in calls for argument in [record_argument(call, field)] if argument is not None]


def _constructions(module: nodes.Module) -> list:
    """(call, fields) of every call of a module-level record type in the module."""

    def compute() -> list:
        names = {statement.name for statement in module.body if isinstance(statement, nodes.ClassDef)}
        names |= {target.name for statement in module.body if isinstance(statement, nodes.Assign)
                  and isinstance(statement.value, nodes.Call) for target in statement.targets
                  if isinstance(target, nodes.AssignName)}
        out = []
        for call in tree.module_nodes(module, nodes.Call):
            if isinstance(call.func, nodes.Name) and call.func.name in names:
                fields = record_fields(call)
                if fields is not None:
                    out.append((call, fields))
        return out

    return module_cached("record-constructions", module, compute, [])


def _factory_fields(call: nodes.Call) -> Optional[List[str]]:
    """``namedtuple("E", ["a", "b"])`` / ``namedtuple("E", "a b")`` / ``NamedTuple("E", [("a", T)])``."""
    if tfapi.qualified_path(call.func) not in _NAMEDTUPLE_FACTORIES:
        return None
    spec = callargs.call_argument(call, 1, "field_names")
    if spec is None:
        spec = callargs.call_argument(call, 1, "fields")
    if isinstance(spec, nodes.Const) and isinstance(spec.value, str):
        return spec.value.replace(",", " ").split()
    if not isinstance(spec, (nodes.List, nodes.Tuple)):
        return None
    names = []
    for element in spec.elts:
        if isinstance(element, (nodes.Tuple, nodes.List)) and element.elts:
            element = element.elts[0]
        value = callargs.literal_value(element)
        if not isinstance(value, str):
            return None
        names.append(value)
    return names


def _class_fields(klass: nodes.ClassDef) -> Optional[List[str]]:
    """A ``typing.NamedTuple`` or ``@dataclass`` class's annotated fields; a namedtuple base's fields."""
    for base in klass.bases:
        if isinstance(base, nodes.Call):
            fields = _factory_fields(base)
            if fields is not None:
                return fields
        elif tfapi.qualified_path(base) in _NAMEDTUPLE_BASES:
            return _annotated_fields(klass)
    for decorator in klass.decorators.nodes if klass.decorators else ():
        target = decorator.func if isinstance(decorator, nodes.Call) else decorator
        if tfapi.qualified_path(target) in _DATACLASS_DECORATORS:
            return _annotated_fields(klass)
    return None


def _annotated_fields(klass: nodes.ClassDef) -> List[str]:
    return [statement.target.name for statement in klass.body
            if isinstance(statement, nodes.AnnAssign) and isinstance(statement.target, nodes.AssignName)]
