"""Unsafe fixes for reuse: a graph call repeated by ``*``, ``tf.Variable`` under reuse, two RNN calls in one
variable scope.

All three are usually what the code meant and not always, so ``--fix`` applies them only with
``--unsafe-fixes``:

- rnn-repeated-graph-call: ``[build(x)] * n`` -> ``[build(x) for _ in range(n)]``. Each call now builds its
  own subgraph; when ``build`` creates variables in one variable scope without reuse, the second call fails
  with "Variable ... already exists" until the scope is reused (the plugin then reports that).
- rnn-variable-not-shared: ``w = tf.Variable(tf.random_normal([n, 1]), name='proj')`` ->
  ``w = tf.get_variable('proj', shape=[n, 1], initializer=tf.random_normal_initializer())``. Shared
  under reuse, as meant; but the variable's name (checkpoints) changes, and a first call under reuse=True
  fails with "Variable ... does not exist".
- rnn-duplicate-variables (RNN functions only): the second ``dynamic_rnn`` in a scope gets its own
  ``scope='rnn_2'``. Separate weights, as two fresh cells suggest; wrong if sharing was meant.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple

from astroid import nodes

from pylint_rnn.analyses import Finding, reuse
from pylint_rnn.core import effects as fx
from pylint_rnn.core import callargs, tfapi, tree
from pylint_rnn.core.bindings import assigned_value, bindings_of
from pylint_rnn.fixes.construction import NotRepeatable, comprehension_text
from pylint_rnn.fixes.edits import UNSAFE, Edit, Fix, NoFix, Outcome, guarded
from pylint_rnn.fixes.source import SourceFile, has_comment

MAX_DEPTH = 6
# tf.Variable's parameters that tf.get_variable takes under the same name.
_SAME_KEYWORDS = ("trainable", "collections", "validate_shape", "caching_device", "dtype", "constraint",
                  "use_resource", "synchronization", "aggregation")
_VARIABLE_POSITIONS = ("initial_value", "trainable", "collections", "validate_shape", "caching_device", "name",
                       "variable_def", "dtype")
# Tensor generators whose tf.get_variable form is a shape and an initializer: canonical name ->
# (initializer, parameters after the shape, the ones the initializer takes).
_NORMAL = (("mean", "stddev", "dtype", "seed", "name"), ("mean", "stddev", "seed"))
_UNIFORM = (("minval", "maxval", "dtype", "seed", "name"), ("minval", "maxval", "seed"))
_FILLED = (("dtype", "name"), ())
_GENERATORS: Dict[str, Tuple[str, Tuple[str, ...], Tuple[str, ...]]] = {
    api: (initializer, *parameters)
    for apis, initializer, parameters in (
        (("tf.zeros",), "zeros_initializer", _FILLED),
        (("tf.ones",), "ones_initializer", _FILLED),
        (("tf.random_normal", "tf.random.normal"), "random_normal_initializer", _NORMAL),
        (("tf.truncated_normal", "tf.random.truncated_normal"), "truncated_normal_initializer", _NORMAL),
        (("tf.random_uniform", "tf.random.uniform"), "random_uniform_initializer", _UNIFORM),
    )
    for api in apis
}
_SCOPE_APIS = (tfapi.GET_VARIABLE, tfapi.VARIABLE_SCOPE, tfapi.GET_VARIABLE_SCOPE)
_TF_NAME = re.compile(r"[A-Za-z0-9.][A-Za-z0-9_.\-/]*\Z")


class VariableFixer:
    """Fixes for the reuse findings of one file."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source

    # --- rnn-repeated-graph-call ---------------------------------------------------------------------------

    def repeated_call(self, binop: nodes.BinOp) -> List[Tuple[Finding, Outcome]]:
        """The finding at ``[call] * n`` and its fix: a comprehension that calls once per item."""
        finding = reuse.repeated_graph_call(binop)
        if finding is None:
            return []
        for sequence, count in ((binop.left, binop.right), (binop.right, binop.left)):
            if isinstance(sequence, (nodes.List, nodes.Tuple)) and len(sequence.elts) == 1:
                element = self.source.segment(sequence.elts[0])
                text = comprehension_text(element, self.source.segment(count), isinstance(sequence, nodes.Tuple))
                start, end = self.source.span(binop)
                if has_comment(self.source.text[start:end]):
                    return [(finding, NoFix("the rewrite would drop a comment inside the expression"))]
                fix = Fix("call it once per tower (each call builds its own subgraph)", UNSAFE,
                          (Edit(start, end, text),))
                return [(finding, fix)]
        return [(finding, NoFix("the repeated list is not written as [call] * n"))]

    # --- rnn-variable-not-shared ---------------------------------------------------------------------------

    def not_shared(self, call: nodes.Call) -> List[Tuple[Finding, Outcome]]:
        """The tf.Variable-under-reuse findings at ``call``, each with its tf.get_variable fix."""
        return [(f, guarded(lambda f=f: self._get_variable_fix(f))) for f in _frame_findings(call, reuse.NOT_SHARED)]

    def _get_variable_fix(self, finding: Finding) -> Fix:
        labels = set(re.findall(r"'([^']*)'", str(finding.args[0])))
        variables = [v for v in _variable_calls(finding.node) if fx.variable_label(v) in labels]
        if not variables:
            raise NotRepeatable("the fix cannot find the tf.Variable call this finding is about")
        edits = []
        for variable in dict.fromkeys(variables):
            start, end = self.source.span(variable)
            edits.append(Edit(start, end, self._get_variable_text(variable)))
        return Fix("create it with tf.get_variable, which honours reuse", UNSAFE, tuple(edits))

    def _get_variable_text(self, call: nodes.Call) -> str:
        prefix = _get_variable_prefix(call)
        arguments = _variable_arguments(call)
        name = _variable_name(call, arguments)
        initial = arguments.pop("initial_value", None)
        if initial is None:
            raise NotRepeatable("tf.Variable is given no initial value")
        parts = [repr(name)] + self._initializer_parts(initial, prefix)
        for keyword in _SAME_KEYWORDS:
            if keyword in arguments and not any(p.startswith(f"{keyword}=") for p in parts):
                parts.append(f"{keyword}={self.source.segment(arguments[keyword])}")
        unknown = sorted(set(arguments) - set(_SAME_KEYWORDS) - {"name"})
        if unknown:
            raise NotRepeatable(f"tf.get_variable has no equivalent of tf.Variable's {', '.join(unknown)}")
        text = f"{prefix}get_variable({', '.join(parts)})"
        if has_comment(self.source.segment(call)):
            raise NotRepeatable("the rewrite would drop a comment inside the tf.Variable call")
        return text

    def _initializer_parts(self, initial: nodes.NodeNG, prefix: str) -> List[str]:
        """``shape=..., initializer=...`` for a known tensor generator; else the tensor as initializer."""
        api = tfapi.call_api(initial)
        generator = _GENERATORS.get(api or "")
        if generator is None or not isinstance(initial, nodes.Call) or _unpacks(initial):
            return [f"initializer={self.source.segment(initial)}"]
        initializer, parameters, passed_on = generator
        shape = callargs.call_argument(initial, 0, "shape")
        if shape is None:
            return [f"initializer={self.source.segment(initial)}"]
        given = {}
        for position, parameter in enumerate(parameters, start=1):
            value = callargs.call_argument(initial, position, parameter)
            if value is not None:
                given[parameter] = self.source.segment(value)
        if len(initial.args) + len(initial.keywords or ()) != 1 + len(given):
            return [f"initializer={self.source.segment(initial)}"]
        arguments = ", ".join(f"{p}={given[p]}" for p in passed_on if p in given)
        parts = [f"shape={self.source.segment(shape)}", f"initializer={prefix}{initializer}({arguments})"]
        if "dtype" in given:
            parts.append(f"dtype={given['dtype']}")
        return parts

    # --- rnn-duplicate-variables ---------------------------------------------------------------------------

    def duplicate(self, call: nodes.Call) -> List[Tuple[Finding, Outcome]]:
        """The duplicate-variables findings at ``call``, each with its own-scope fix."""
        return [(f, guarded(lambda f=f: self._own_scope(f))) for f in _frame_findings(call, reuse.DUPLICATE)]

    def _own_scope(self, finding: Finding) -> Fix:
        call = finding.node
        signature = tfapi.rnn_signature(call)
        if signature is None:
            raise NotRepeatable("only an RNN function call can be given its own scope= automatically")
        if str(finding.args[2]).startswith("the previous iteration"):
            raise NotRepeatable("the call repeats in a loop: give each iteration its own scope, e.g. from the "
                                "loop variable")
        if callargs.call_argument(call, None, "scope") is not None:
            raise NotRepeatable("the call already passes scope=")
        if not _same_cell_class_earlier(call, signature.default_scope):
            raise NotRepeatable("no earlier call in this scope builds the same class of cell, so the variable "
                                "names may well differ; check the collision by hand")
        name = _unused_scope_name(call, signature.default_scope)
        last = max(list(call.args) + list(call.keywords or ()), key=lambda n: self.source.span(n)[1], default=None)
        if last is None or _unpacks(call):
            raise NotRepeatable("the call's arguments are not all written out")
        end = self.source.span(last)[1]
        return Fix(f"give it its own variable scope '{name}'", UNSAFE, (Edit(end, end, f", scope={name!r}"),))


def _frame_findings(call: nodes.Call, symbol: str) -> List[Finding]:
    """The findings of ``symbol`` the reuse analysis reports at ``call`` (it analyses whole frames)."""
    frame = call.frame()
    if not isinstance(frame, (nodes.Module, nodes.FunctionDef, nodes.AsyncFunctionDef)):
        return []
    return [f for f in reuse.frame_findings(frame) if f.symbol == symbol and f.node is call]


def _variable_calls(call: nodes.Call, depth: int = 0) -> List[nodes.Call]:
    """The tf.Variable calls that run when ``call`` runs: itself, or those of the functions it calls."""
    if tfapi.call_api(call) == tfapi.VARIABLE:
        return [call]
    callee = fx.function_of_call(call)
    if callee is None or depth > MAX_DEPTH:
        return []
    found: List[nodes.Call] = []
    for creation in fx.effects(callee).plain:
        found += _variable_calls(creation.node, depth + 1)
    return found


def _unpacks(call: nodes.Call) -> bool:
    """Does the call pass ``*args`` or ``**kwargs`` (arguments the fix cannot see)?"""
    return any(isinstance(a, nodes.Starred) for a in call.args) or any(k.arg is None for k in call.keywords or ())


def _variable_arguments(call: nodes.Call) -> Dict[str, nodes.NodeNG]:
    if _unpacks(call):
        raise NotRepeatable("tf.Variable is called with *args or **kwargs")
    if len(call.args) > len(_VARIABLE_POSITIONS):
        raise NotRepeatable("tf.Variable is called with more positional arguments than the fix knows")
    arguments = dict(zip(_VARIABLE_POSITIONS, call.args))
    arguments.update({k.arg: k.value for k in call.keywords or ()})
    return arguments


def _variable_name(call: nodes.Call, arguments: Dict[str, nodes.NodeNG]) -> str:
    """The get_variable name: tf.Variable's name=, else the name it is assigned to."""
    given = arguments.get("name")
    if given is not None:
        value = callargs.literal_value(given)
        if not isinstance(value, str):
            raise NotRepeatable("the variable's name= is not a string literal")
        return value
    parent = call.parent
    if not (isinstance(parent, nodes.Assign) and len(parent.targets) == 1):
        raise NotRepeatable("the variable has no name= and is not assigned to one name")
    target = parent.targets[0]
    name = target.name if isinstance(target, nodes.AssignName) else getattr(target, "attrname", None)
    name = (name or "").lstrip("_")
    if not _TF_NAME.match(name):
        raise NotRepeatable("the variable has no name= and its target is not a usable variable name")
    clashes = [v for v in tree.own_nodes(call.frame(), nodes.Call)
               if v is not call and tfapi.call_api(v) == tfapi.VARIABLE and fx.variable_label(v).split(".")[-1]
               .lstrip("_") == name]
    if clashes:
        raise NotRepeatable(f"another tf.Variable in this function would get the name '{name}' too")
    return name


def _get_variable_prefix(call: nodes.Call) -> str:
    """How this module spells the module that holds get_variable: ``tf.``, ``tf.compat.v1.``, ``tf1.``."""
    own = tfapi.dotted_name(call.func.expr) if isinstance(call.func, nodes.Attribute) else None
    spellings = []
    for node in call.root().nodes_of_class(nodes.Attribute):
        if tfapi.api_name(node) in _SCOPE_APIS:
            spellings.append(tfapi.dotted_name(node.expr))
    if own is not None and (own in spellings or not spellings):
        return own + "."
    for spelling in spellings:
        if spelling:
            return spelling + "."
    raise NotRepeatable("the module spells no TensorFlow module that has get_variable")


def _same_cell_class_earlier(call: nodes.Call, default: str) -> bool:
    """Does an earlier RNN call of this frame, with the same default scope and no scope=, run a cell built by
    the same constructors (so that TensorFlow gives both the same variable names)?"""
    mine = _cell_classes(call)
    if mine is None:
        return False
    for other in tree.own_nodes(call.frame(), nodes.Call):
        signature = tfapi.rnn_signature(other)
        if other is call or signature is None or signature.default_scope != default \
                or not tree.source_before(other, call) or callargs.call_argument(other, None, "scope") is not None:
            continue
        if _cell_classes(other) == mine:
            return True
    return False


def _cell_classes(rnn_call: nodes.Call) -> Optional[Tuple[str, ...]]:
    """The constructors (wrappers, then the cell) of the cell an RNN call runs, when the code shows them."""
    signature = tfapi.rnn_signature(rnn_call)
    found: List[str] = []
    for position, keyword in signature.cells:
        cell = callargs.call_argument(rnn_call, position, keyword)
        for _ in range(MAX_DEPTH):
            if isinstance(cell, nodes.Name):
                bindings = bindings_of(cell)
                cell = assigned_value(bindings[0]) if len(bindings) == 1 else None
            if not isinstance(cell, nodes.Call):
                return None
            api = tfapi.call_api(cell)
            if api is None:
                return None
            found.append(api)
            if not tfapi.is_cell_wrapper(api):
                break
            cell = callargs.call_argument(cell, 0, "cell")
    return tuple(found)


def _unused_scope_name(call: nodes.Call, default: str) -> str:
    """``<default>_<k>`` where k counts the RNN calls of this default scope in the frame up to this one,
    and no string in the module already spells it."""
    frame = call.frame()
    same = [c for c in tree.own_nodes(frame, nodes.Call)
            if (tfapi.rnn_signature(c) or None) is not None and tfapi.rnn_signature(c).default_scope == default
            and tree.source_before(c, call)]
    name = f"{default}_{len(same) + 1}"
    used = {c.value for c in call.root().nodes_of_class(nodes.Const) if isinstance(c.value, str)}
    if name in used:
        raise NotRepeatable(f"scope name '{name}' is already used in this module")
    return name
