"""Where a value comes from: definitions, aliases, and what a name or container holds at a point.

Graph-building TensorFlow code names tensors, stores them on ``self``, unpacks them from helpers' return
tuples, collects them in lists, dicts and namedtuples, and hands them to other functions. This module
answers, without executing anything and without astroid inference:

- :func:`definitions`: the assignments that give a name, ``self.x`` / ``cls.x`` (anywhere in the class and
  its module bases), ``obj.x`` on an instance of a module class, ``obj.x`` of the one module class that
  sets ``x``, or a ``@property`` its value; loop and comprehension targets are defined by the iterable
  they run over (path ``(EACH, ...)``).
- Following a value across functions, containers and records to what built it is
  :mod:`pylint_rnn.core.origins`' question (``origins``, ``elements``, ``alias_targets``), built on these.
- Containers within one function (flow-sensitive): :func:`reaching_bindings` lists the assignments that
  may give a name its value at a point and :func:`mutations` the statements that change an object in
  place; :func:`dict_entries` lists the ``key: value`` pairs of a dict built literally, with
  ``dict(...)``, ``{**base, k: v}``, a comprehension, ``d[k] = v`` or ``d.update(...)``;
  :func:`sequence_elements` the elements of a literal list or tuple a name holds.
- Where a value goes: :func:`result_uses` (the loads of the name it is assigned to) and
  :func:`unchanged_uses` (only those this assignment alone reaches, the object unchanged in between).

"Flow-insensitive but bounded", across functions: a name, attribute or parameter may hold the value of
any of its assignments (or arguments), in any order: the union of them all. Every chain is bounded
(:data:`MAX_DEPTH` steps; :mod:`~pylint_rnn.core.origins` and :mod:`~pylint_rnn.core.callsites` bound
their fan-out too) and memoised on the module's tree. Within one function, containers are read flow-sensitively:
"reaching" means the last assignment before the point in source order, or one later in a loop body that
encloses both (the next iteration sees it). Whether a value depends on trainable variables is
:mod:`pylint_rnn.core.trainable`'s question, built on these answers. Every question that cannot be
decided is answered "unknown" (``[]`` / ``None``): callers stay silent on unknowns.
"""
from __future__ import annotations

from typing import List, NamedTuple, Optional, Tuple

from astroid import nodes

from pylint_rnn.core import callargs, tfapi, tree
from pylint_rnn.core.bindings import bindings_of, is_builtin, method_class
from pylint_rnn.core.cache import module_cached

MAX_DEPTH = 12  # bound on every chain of definitions, aliases and containers followed


class _Each:
    """The path selector of a loop or comprehension target: any one element of what it iterates over."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "EACH"


EACH = _Each()


# --- graph-building definitions (flow-insensitive) ------------------------------------------------------


class Definition(NamedTuple):
    """An assignment that gives an expression its value.

    ``value`` is the right-hand side; ``path`` the position of the target inside a tuple target
    (``outputs, state = dynamic_rnn(...)`` gives ``state`` the path ``(1,)``), after :data:`EACH` for a
    loop or comprehension target (``for ph, v in zip(phs, vs)`` gives ``v`` the value ``zip(phs, vs)``
    and the path ``(EACH, 1)``); ``target`` the AssignName / AssignAttr.
    """

    value: nodes.NodeNG
    path: tuple
    target: nodes.NodeNG


def _target_path(target: nodes.NodeNG, stop: nodes.NodeNG) -> Optional[Tuple[int, ...]]:
    """Index path of target inside the (nested) tuple targets up to ``stop``; None for starred."""
    path = []
    current = target
    while current.parent is not None and current.parent is not stop:
        parent = current.parent
        if isinstance(parent, (nodes.Tuple, nodes.List)):
            if any(isinstance(e, nodes.Starred) for e in parent.elts):
                return None
            path.append(parent.elts.index(current))
        elif isinstance(parent, nodes.Starred):
            return None
        current = parent
    return tuple(reversed(path))


def binding_definition(binding: nodes.NodeNG) -> Optional[Definition]:
    """The Definition an AssignName / AssignAttr receives, or None (parameters, ``except ... as``, ...)."""
    current = binding
    while isinstance(current.parent, (nodes.Tuple, nodes.List, nodes.Starred)):
        current = current.parent
    stmt = current.parent
    if isinstance(stmt, nodes.Assign) and current in stmt.targets:
        path = _target_path(binding, stmt)
        return Definition(stmt.value, path, binding) if path is not None else None
    if isinstance(stmt, nodes.AnnAssign) and stmt.value is not None:
        return Definition(stmt.value, (), binding)
    if isinstance(stmt, nodes.NamedExpr):
        return Definition(stmt.value, (), binding)
    if isinstance(stmt, nodes.With):
        for item, alias in stmt.items:
            if alias is current:
                path = _target_path(binding, stmt)
                return Definition(item, path, binding) if path is not None else None
    if isinstance(stmt, (nodes.For, nodes.Comprehension)) and stmt.target is current:
        path = _target_path(binding, stmt)
        return Definition(stmt.iter, (EACH,) + path, binding) if path is not None else None
    return None


def _last_binding(name: nodes.Name) -> Optional[nodes.NodeNG]:
    found = bindings_of(name)
    return found[-1] if found else None


def _class_of_instance_receiver(receiver: nodes.NodeNG, depth: int) -> Optional[nodes.ClassDef]:
    """The module class whose attributes ``receiver.x`` names.

    ``self`` / ``cls`` (first parameter of a method) give the enclosing class; a name bound to
    ``MyModel(...)`` gives ``MyModel`` when it is a class of this module.
    """
    if not isinstance(receiver, nodes.Name):
        return None
    klass = method_class(receiver)
    if klass is not None:
        return klass
    for definition in _name_definitions(receiver, depth + 1):
        value = definition.value
        if isinstance(value, nodes.Call) and not definition.path and isinstance(value.func, nodes.Name):
            klass = _last_binding(value.func)
            if isinstance(klass, nodes.ClassDef):
                return klass
    return None


def _class_attribute_assignments(klass: nodes.ClassDef) -> dict:
    """attrname -> [Definition] for ``self.x = ...`` / ``cls.x = ...`` in any method, and class-level ``x = ...``."""

    def compute() -> dict:
        out: dict = {}
        for name, bindings in klass.locals.items():
            for binding in bindings:
                if isinstance(binding, nodes.AssignName):
                    definition = binding_definition(binding)
                    if definition is not None:
                        out.setdefault(name, []).append(definition)
        for method in klass.mymethods():
            positional = (method.args.posonlyargs or []) + (method.args.args or [])
            receivers = {positional[0].name} if positional else set()
            for target in tree.attribute_targets(method):
                if isinstance(target.expr, nodes.Name) and target.expr.name in receivers:
                    definition = binding_definition(target)
                    if definition is not None:
                        out.setdefault(target.attrname, []).append(definition)
        return out

    return module_cached("class-attrs", klass, compute, {})


def frame_attribute_definitions(expr: nodes.Attribute) -> List[Definition]:
    """The assignments ``recv.attr = ...`` written as ``expr`` is, in ``expr``'s own function, in source order
    (from the module's table: no walk of the function)."""
    dotted = tfapi.dotted_name(expr)
    if dotted is None:
        return []
    frame = expr.frame()
    return [d for d in _module_attribute_assignments(expr.root()).get(dotted, ()) if d.target.frame() is frame]


def _module_attribute_assignments(module: nodes.Module) -> dict:
    """'recv.attr' -> [Definition] for every ``recv.attr = ...`` in the module (receiver as written)."""

    def compute() -> dict:
        out: dict = {}
        for target in tree.module_nodes(module, nodes.AssignAttr):
            dotted = tfapi.dotted_name(target.expr)
            if dotted is None:
                continue
            definition = binding_definition(target)
            if definition is not None:
                out.setdefault(f"{dotted}.{target.attrname}", []).append(definition)
        return out

    return module_cached("module-attrs", module, compute, {})


def _name_definitions(name: nodes.Name, depth: int = 0) -> List[Definition]:
    if depth > MAX_DEPTH:
        return []
    out = []
    for binding in bindings_of(name):
        if isinstance(binding, nodes.AssignName):
            definition = binding_definition(binding)
            if definition is not None and not tree.contains(definition.value, name):
                out.append(definition)
    return out


def definitions(expr: nodes.NodeNG, depth: int = 0) -> List[Definition]:
    """Where a Name or ``recv.attr`` gets its value in graph-building code (all assignments, any order).

    A local name gives the assignments astroid's scope lookup returns; ``self.x`` / ``cls.x`` every
    assignment in the class; ``model.x`` those of ``model``'s class when it is built from a class of this
    module; other receivers every ``recv.x = ...`` written the same way in the module.
    """
    if depth > MAX_DEPTH:
        return []
    if isinstance(expr, nodes.Name):
        return _name_definitions(expr, depth)
    if not isinstance(expr, nodes.Attribute):
        return []
    klass = _class_of_instance_receiver(expr.expr, depth)
    if klass is not None:
        found = list(_class_attribute_assignments(klass).get(expr.attrname, ()))
        for base in klass.bases:  # attributes set by a base class of the module
            if isinstance(base, nodes.Name):
                base_class = _last_binding(base)
                if isinstance(base_class, nodes.ClassDef) and base_class is not klass and not is_builtin(base_class):
                    found.extend(_class_attribute_assignments(base_class).get(expr.attrname, ()))
        return found or _property_returns(klass, expr.attrname)
    dotted = tfapi.dotted_name(expr)
    if dotted is not None:
        found = list(_module_attribute_assignments(expr.root()).get(dotted, ()))
        if found:
            return found
    if isinstance(expr.expr, nodes.Name) and expr.expr.name not in ("self", "cls"):
        return _unique_class_attribute(expr.root(), expr.attrname)
    return []


def _unique_class_attribute(module: nodes.Module, attrname: str) -> List[Definition]:
    """``model.x`` with ``model`` unknown (a parameter): the class of the module that sets ``self.x``, if one only.

    ``def train(net, sess): sess.run(net.cnn_out)`` where only ``class Net`` assigns ``self.cnn_out``.
    """
    owners = module_cached("attribute-owners", module, lambda: _attribute_owners(module), {})
    classes = owners.get(attrname, ())
    if len(classes) != 1:
        return []
    return list(_class_attribute_assignments(classes[0]).get(attrname, ()))


def _attribute_owners(module: nodes.Module) -> dict:
    out: dict = {}
    for klass in tree.module_nodes(module, nodes.ClassDef):
        for attrname in _class_attribute_assignments(klass):
            out.setdefault(attrname, []).append(klass)
    return out


def _property_returns(klass: nodes.ClassDef, attrname: str) -> List[Definition]:
    """``@property def logits(self): return self._logits`` as a definition of ``obj.logits``."""
    for candidate in klass.locals.get(attrname, ()):
        if isinstance(candidate, nodes.FunctionDef) and candidate.decorators and any(
                isinstance(d, nodes.Name) and d.name in ("property", "cached_property")
                or isinstance(d, nodes.Attribute) and d.attrname == "cached_property"
                for d in candidate.decorators.nodes):
            return [Definition(r.value, (), r) for r in tree.own_nodes(candidate, nodes.Return)
                    if r.value is not None]
    return []


def select_element(value: nodes.NodeNG, path: tuple) -> Optional[nodes.NodeNG]:
    """The element of a literal tuple/list at path (``a, b = x, y``), or None when not literal."""
    for index in path:
        if isinstance(index, int) and isinstance(value, (nodes.Tuple, nodes.List)) and index < len(value.elts):
            value = value.elts[index]
        else:
            return None
    return value


# --- where a value goes ----------------------------------------------------------------------------------


def result_uses(expr: nodes.NodeNG) -> List[nodes.NodeNG]:
    """Where the value of an expression flows: the expression itself when used inline, else the loads of
    the name it is assigned to later in the same frame (or of ``self.attr`` anywhere in the class)."""
    parent = expr.parent
    if not (isinstance(parent, nodes.Assign) and len(parent.targets) == 1):
        return [expr]
    target = parent.targets[0]
    if isinstance(target, nodes.AssignName):
        return [n for n in tree.own_nodes(expr.frame(), nodes.Name)
                if n.name == target.name and (n.lineno or 0) >= (expr.lineno or 0)]
    if isinstance(target, nodes.AssignAttr) and isinstance(target.expr, nodes.Name) \
            and target.expr.name in ("self", "cls"):
        method = expr.frame()
        klass = method.parent if isinstance(method, nodes.FunctionDef) else None
        if not isinstance(klass, nodes.ClassDef):
            return []
        return [n for n in klass.nodes_of_class(nodes.Attribute) if n.attrname == target.attrname
                and isinstance(n.expr, nodes.Name) and n.expr.name == target.expr.name]
    return []


def unchanged_uses(expr: nodes.NodeNG) -> List[nodes.NodeNG]:
    """The places that read expr's value itself, as it was built: expr when used inline, else the loads of
    the one name it is assigned to that only this assignment reaches (flow-sensitive, in its function),
    when nothing changes the object in place there (``x[i] = v``, ``x.append(v)``: the slots are refilled)."""
    uses = result_uses(expr)
    if uses == [expr]:
        return uses
    target = expr.parent.targets[0]
    if not isinstance(target, nodes.AssignName) or mutations(expr.frame()).get(target.name):
        return []
    return [use for use in uses if reaching_bindings(use, use) == [target]]


# --- containers: where a name's value reaches, lists and dicts ------------------------------------------


def reaching_bindings(expr: nodes.NodeNG, at: nodes.NodeNG) -> List[nodes.NodeNG]:
    """Assignments of a name / ``self.x`` in ``at``'s function that may give it its value at ``at``.

    The last one before ``at`` in source order, plus, for each enclosing loop that has no assignment before
    ``at`` inside it, those after ``at`` in that loop (they reach ``at`` on the next iteration).
    """
    if expr is at:  # the value of a name where it is read: asked again by each container question about it
        return module_cached("reaching-bindings", expr, lambda: _reaching_bindings(expr, at), [])
    return _reaching_bindings(expr, at)


def _reaching_bindings(expr: nodes.NodeNG, at: nodes.NodeNG) -> List[nodes.NodeNG]:
    frame = at.frame()
    dotted = tfapi.dotted_name(expr)
    if dotted is None:
        return []
    candidates = _frame_bindings(frame).get(dotted, ())
    if not candidates:
        return []
    before = [b for b in candidates if tree.statement_before(b, at)]
    out = []
    if before:
        out.append(max(before, key=lambda b: tree.position(tree.statement_of(b))))
    for loop in tree.loops_between(at, frame):
        inside = [b for b in candidates if tree.contains(loop, b)]
        if any(tree.statement_before(b, at) for b in inside):
            break
        out.extend(b for b in inside if not tree.statement_before(b, at))
    return out


def _frame_bindings(frame: nodes.NodeNG) -> dict:
    """dotted name -> its AssignName / AssignAttr nodes in frame's parameters and own body."""

    def compute() -> dict:
        out: dict = {}
        for node in _parameters(frame) + list(tree.own_nodes(frame, (nodes.AssignName, nodes.AssignAttr))):
            if isinstance(node, nodes.AssignName):
                out.setdefault(node.name, []).append(node)
            else:
                dotted = tfapi.dotted_name(node.expr)
                if dotted is not None:
                    out.setdefault(f"{dotted}.{node.attrname}", []).append(node)
        return out

    return module_cached("frame-bindings", frame, compute, {})


def _parameters(frame: nodes.NodeNG) -> List[nodes.NodeNG]:
    """A function's parameters: bindings that precede its body (their value is unknown)."""
    arguments = getattr(frame, "args", None)
    if not isinstance(arguments, nodes.Arguments):
        return []
    return list(arguments.nodes_of_class(nodes.AssignName, skip_klass=tree.NESTED_SCOPES))


_MUTATING_METHODS = frozenset({
    "update", "setdefault", "pop", "clear", "fill", "sort", "resize", "put", "append", "extend", "insert",
})


def mutations(frame: nodes.NodeNG) -> dict:
    """dotted name -> statements that change the object in place: ``x[k] = v``, ``x += ...``, ``x.update()``."""

    def compute() -> dict:
        out: dict = {}
        for node in tree.own_nodes(frame):
            target = None
            if isinstance(node, nodes.Subscript) and isinstance(node.parent, (nodes.Assign, nodes.AugAssign,
                                                                              nodes.Delete)) \
                    and node is not getattr(node.parent, "value", None):
                target = node.value
            elif isinstance(node, nodes.AugAssign):
                target = node.target
            elif isinstance(node, nodes.Call) and isinstance(node.func, nodes.Attribute) \
                    and node.func.attrname in _MUTATING_METHODS:
                target = node.func.expr
            dotted = tfapi.dotted_name(target) if target is not None else None
            if dotted is not None:
                out.setdefault(dotted, []).append(node)
        return out

    return module_cached("frame-mutations", frame, compute, {})


def dict_entries(expr: Optional[nodes.NodeNG], at: Optional[nodes.NodeNG] = None,
                 depth: int = 0) -> List[Tuple[nodes.NodeNG, nodes.NodeNG]]:
    """The ``(key, value)`` pairs of a dict expression as seen at ``at`` (default: expr itself).

    Literal dicts (with ``**base``), ``dict(base, k=v)``, ``dict([(k, v)])``, ``dict(zip([...], [...]))``,
    comprehensions (one entry: the comprehension's key and value expressions), names bound to any of
    those, with the item assignments ``d[k] = v`` and ``d.update(...)`` made between the binding and ``at``.
    Entries that cannot be resolved are left out. The key of a keyword entry of ``dict(k=v)`` is the
    Keyword node itself (see :func:`key_text`).
    """
    if expr is None or depth > MAX_DEPTH:
        return []
    at = at if at is not None else expr
    if isinstance(expr, nodes.Dict):
        out = []
        for key, value in expr.items:
            if isinstance(key, nodes.DictUnpack):
                out.extend(dict_entries(value, expr, depth + 1))
            else:
                out.append((key, value))
        return out
    if isinstance(expr, nodes.DictComp):
        return [(expr.key, expr.value)]  # {ph: v for ph, v in zip(phs, vs)}: names defined by the loop
    if is_dict_call(expr):
        return _dict_call_entries(expr, depth)
    if not isinstance(expr, (nodes.Name, nodes.Attribute)):
        return []
    bindings = reaching_bindings(expr, at)
    changes = mutations(at.frame()).get(tfapi.dotted_name(expr), ()) if bindings else ()
    out = []
    for binding in bindings:
        definition = binding_definition(binding)
        if definition is None or definition.path:
            continue
        out.extend(dict_entries(definition.value, definition.value, depth + 1))
        for change in changes:
            if tree.statement_before(binding, change) and tree.statement_before(change, at):
                out.extend(_mutation_entries(change, depth))
    return out


def is_dict_call(expr: nodes.NodeNG) -> bool:
    """``dict(...)`` with the builtin ``dict`` (not a user's own ``dict``)."""
    if not (isinstance(expr, nodes.Call) and isinstance(expr.func, nodes.Name) and expr.func.name == "dict"):
        return False
    binding = _last_binding(expr.func)
    return binding is None or is_builtin(binding)


def _dict_call_entries(call: nodes.Call, depth: int) -> list:
    out = []
    for arg in call.args[:1]:
        if isinstance(arg, (nodes.List, nodes.Tuple)):
            for element in arg.elts:
                if isinstance(element, (nodes.Tuple, nodes.List)) and len(element.elts) == 2:
                    out.append((element.elts[0], element.elts[1]))
        elif isinstance(arg, nodes.Call) and isinstance(arg.func, nodes.Name) and arg.func.name == "zip" \
                and len(arg.args) == 2 and all(isinstance(a, (nodes.List, nodes.Tuple)) for a in arg.args):
            out.extend(zip(arg.args[0].elts, arg.args[1].elts))
        else:
            out.extend(dict_entries(arg, call, depth + 1))
    for keyword in call.keywords or ():
        if keyword.arg is None:
            out.extend(dict_entries(keyword.value, call, depth + 1))
        else:
            out.append((keyword, keyword.value))
    return out


def _mutation_entries(mutation: nodes.NodeNG, depth: int) -> list:
    if isinstance(mutation, nodes.Subscript) and isinstance(mutation.parent, nodes.Assign):
        return [(mutation.slice, mutation.parent.value)]
    if isinstance(mutation, nodes.Call) and mutation.func.attrname == "update":
        return _dict_call_entries(mutation, depth + 1)
    if isinstance(mutation, nodes.Call) and mutation.func.attrname == "setdefault" and len(mutation.args) == 2:
        return [(mutation.args[0], mutation.args[1])]
    return []


def key_text(key: nodes.NodeNG) -> Optional[object]:
    """The literal value of a dict key (a Keyword of ``dict(k=v)`` gives its name), else None."""
    if isinstance(key, nodes.Keyword):
        return key.arg
    value = callargs.literal_value(key)
    return None if value is callargs.UNKNOWN else value


def sequence_elements(expr: nodes.NodeNG, at: nodes.NodeNG, depth: int = 0) -> Optional[list]:
    """Elements of a literal list/tuple, or of a name bound to one and never changed (as seen at ``at``)."""
    if isinstance(expr, (nodes.List, nodes.Tuple)):
        if any(isinstance(e, nodes.Starred) for e in expr.elts):
            return None
        return list(expr.elts)
    if isinstance(expr, (nodes.Name, nodes.Attribute)) and depth < MAX_DEPTH:
        bindings = reaching_bindings(expr, at)
        if len(bindings) != 1:
            return None
        definition = binding_definition(bindings[0])
        if definition is None or definition.path:
            return None
        if mutations(at.frame()).get(tfapi.dotted_name(expr)):
            return None
        return sequence_elements(definition.value, definition.value, depth + 1)
    return None


def appended_values(expr: nodes.NodeNG, at: nodes.NodeNG) -> Optional[list]:
    """What a list holds at ``at`` when it is built empty and filled only by ``.append(v)`` / ``.extend([...])``
    in its function: the appended expressions (in a loop, each stands for every element it appends)."""
    if not isinstance(expr, (nodes.Name, nodes.Attribute)):
        return None
    bindings = reaching_bindings(expr, at)
    if len(bindings) != 1:
        return None
    definition = binding_definition(bindings[0])
    if definition is None or definition.path or not isinstance(definition.value, nodes.List) \
            or definition.value.elts:
        return None
    out = []
    for change in mutations(at.frame()).get(tfapi.dotted_name(expr), ()):
        method = change.func.attrname if isinstance(change, nodes.Call) else None
        if method == "append" and len(change.args) == 1:
            out.append(change.args[0])
        elif method == "extend" and len(change.args) == 1 and isinstance(change.args[0], (nodes.List, nodes.Tuple)):
            out.extend(change.args[0].elts)
        else:
            return None
    return out
