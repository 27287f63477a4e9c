"""How many: the numbers code writes for a stack's depth, a loop's trip count or a sequence's length.

A :class:`Count` keeps both the value (when the code makes it known) and the words the user wrote
(``3``, ``num_layers``, ``FLAGS.num_steps``, ``params['max_len']``), so that messages can quote the user and
the name-based checks can read the names along the alias chain (``n = FLAGS.seq_len`` gives ``n`` and
``seq_len``; ``cfg["n_layers"]`` and ``cfg.get("n_layers")`` give ``n_layers``).

Counts usually come from configuration, so the chain also reads where configuration is written in the
module: the literal default of ``flags.DEFINE_integer("n", 2, ...)`` for ``FLAGS.n``, of
``parser.add_argument("--n", default=2)`` for ``args.n``, the keyword of ``HParams(n=2)`` /
``Namespace(n=2)`` / ``Config(n=2)`` for ``hparams.n``, the entry of a dict literal for ``params["n"]``,
a class attribute or the one ``self.n = ...`` for ``config.n`` / ``self.n``. A value found there is what
the code runs with today: a count that is 1 today is :meth:`Count.latent`.
"""
from __future__ import annotations

from typing import Dict, List, NamedTuple, Optional, Tuple

from astroid import nodes

from pylint_rnn.core import callargs, dataflow, tfapi, tree
from pylint_rnn.core.bindings import assigned_value, single_binding
from pylint_rnn.core.cache import module_cached

_MAX_ALIAS_DEPTH = 6
_RANGE_NAMES = ("range", "xrange")


class Count(NamedTuple):
    """A number as written: its value if known, its text, and the names it goes by."""

    value: Optional[int]
    text: str  # as the user wrote it: "3", "num_layers", "num_layers * 2"
    literal: bool = False  # written as a number
    names: Tuple[str, ...] = ()  # last components of the names along the alias chain
    spellings: Tuple[str, ...] = ()  # the dotted spellings along that chain

    @staticmethod
    def of(value: int) -> "Count":
        return Count(value, str(value), True)

    def more_than_one(self) -> bool:
        """Could it be more than one? (An unknown count could.)"""
        return self.value is None or self.value > 1

    def latent(self) -> bool:
        """A knob set to 1 today (``n_layers = 1``, ``FLAGS.num_layers`` defaulting to 1): not written as
        the number 1, so the code is meant to run with more."""
        return not self.literal and self.value == 1

    def shown(self) -> str:
        """The text, with the value in parentheses when a name stands for a known number."""
        if self.value is not None and self.text != str(self.value):
            return f"{self.text} ({self.value})"
        return self.text

    def __mul__(self, other: "Count") -> "Count":
        if self.literal and self.value == 1:
            return other
        if other.literal and other.value == 1:
            return self
        if self.literal and other.literal:
            return Count.of(self.value * other.value)
        value = self.value * other.value if self.value is not None and other.value is not None else None
        return Count(value, f"{_paren(self.text)} * {_paren(other.text)}")

    def __add__(self, other: "Count") -> "Count":
        if self.literal and other.literal:
            return Count.of(self.value + other.value)
        value = self.value + other.value if self.value is not None and other.value is not None else None
        return Count(value, f"{self.text} + {other.text}")


ONE = Count.of(1)


def _paren(text: str) -> str:
    return f"({text})" if (" + " in text or " - " in text) else text


def _int_literal(node: Optional[nodes.NodeNG]) -> Optional[int]:
    value = callargs.literal_value(node)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def count_of(expr: Optional[nodes.NodeNG]) -> Optional[Count]:
    """The count an expression stands for, or None when it cannot be one (a string, a list, ...).

    Literals give their value; names and attributes (also inside ``int(...)``) give their text, follow
    ``int(...)`` and single assignments (``n = FLAGS.seq_len``, ``k = 3``) for more names and a value;
    ``a if cond else b`` (both counts) may be either: the names of both, a value when both agree;
    other expressions (``len(sizes)``, ``2 * n``) give their text only.
    """
    if expr is None:
        return None
    literal = callargs.literal_value(expr)
    if literal is not callargs.UNKNOWN:
        value = _int_literal(expr)
        return Count.of(value) if value is not None else None
    if isinstance(expr, nodes.IfExp) and not _both_counts(expr):
        return None  # checked without following names: a = a if c else 1 must not loop
    if isinstance(expr, (nodes.Name, nodes.Attribute, nodes.IfExp)) or _is_int_call(expr) \
            or config_key(expr) is not None:
        names, spellings, value = _alias_chain(expr)
        return Count(value, expr.as_string(), False, names, spellings)
    if isinstance(expr, (nodes.Call, nodes.BinOp, nodes.Subscript)):
        return Count(None, expr.as_string())
    return None


def _is_int_call(expr: nodes.NodeNG) -> bool:
    """``int(x)``: the count of ``x``, as far as names and value go."""
    return isinstance(expr, nodes.Call) and isinstance(expr.func, nodes.Name) and expr.func.name == "int" \
        and len(expr.args) == 1 and not expr.keywords


def config_key(expr: nodes.NodeNG) -> Optional[Tuple[nodes.NodeNG, str]]:
    """(mapping, key) for ``params["n"]`` and ``params.get("n"[, default])``; None for anything else."""
    if isinstance(expr, nodes.Subscript):
        key = callargs.literal_value(expr.slice)
        return (expr.value, key) if isinstance(key, str) else None
    if isinstance(expr, nodes.Call) and isinstance(expr.func, nodes.Attribute) and expr.func.attrname == "get" \
            and 1 <= len(expr.args) <= 2 and not expr.keywords:
        key = callargs.literal_value(expr.args[0])
        return (expr.func.expr, key) if isinstance(key, str) else None
    return None


def _alias_chain(expr: nodes.NodeNG, depth: int = 0) -> Tuple[Tuple[str, ...], Tuple[str, ...], Optional[int]]:
    """(names, dotted spellings, value) along ``a = b = FLAGS.n = 3``-style single assignments; through
    ``steps = seq_len if decoding else 1`` into both branches."""
    names: List[str] = []
    spellings: List[str] = []
    current: Optional[nodes.NodeNG] = expr
    while current is not None and depth < _MAX_ALIAS_DEPTH:
        depth += 1
        if _is_int_call(current):
            current = current.args[0]
            continue
        value = _int_literal(current)
        if value is not None:
            return tuple(names), tuple(spellings), value
        if isinstance(current, nodes.IfExp):
            return _either_branch(current, names, spellings, depth)
        keyed = config_key(current)
        if isinstance(current, nodes.Name):
            names.append(current.name)
            spellings.append(current.name)
            binding = single_binding(current)
            if binding is not None:  # the same variable, wherever it is read
                spellings.append(f"bind:{id(binding)}")
            current = assigned_value(binding) if isinstance(binding, nodes.AssignName) else None
        elif isinstance(current, nodes.Attribute):
            names.append(current.attrname)
            dotted = tfapi.dotted_name(current)
            if dotted:
                spellings.append(dotted)
            current = configured_attribute(current)
        elif keyed is not None:
            mapping, key = keyed
            names.append(key)
            spellings.append(f"{mapping.as_string()}[{key!r}]")  # params.get('n') is spelled params['n']
            current = mapping_entry(mapping, key)
        else:
            break
    return tuple(names), tuple(spellings), None


def _both_counts(choice: nodes.IfExp) -> bool:
    """Can both branches be counts, as written (an int literal, a name, a call, ...; not a string)?"""
    return all(_may_count(branch) for branch in (choice.body, choice.orelse))


def _may_count(expr: nodes.NodeNG) -> bool:
    if callargs.literal_value(expr) is not callargs.UNKNOWN:
        return _int_literal(expr) is not None
    if isinstance(expr, nodes.IfExp):
        return _both_counts(expr)
    return isinstance(expr, (nodes.Name, nodes.Attribute, nodes.Call, nodes.BinOp, nodes.Subscript))


def _either_branch(choice: nodes.IfExp, names: List[str], spellings: List[str],
                   depth: int) -> Tuple[Tuple[str, ...], Tuple[str, ...], Optional[int]]:
    """The chain continued through ``a if cond else b``: the count is either branch, so it goes by the
    names of both (``seq_len if decoding else 1`` is a time-step count, ``n_layers if deep else 1`` a layer
    count); its value is known when both branches agree. Not when a branch is no count at all."""
    if not _both_counts(choice):
        return tuple(names), tuple(spellings), None
    values = []
    for branch in (choice.body, choice.orelse):
        more_names, more_spellings, value = _alias_chain(branch, depth)
        names.extend(more_names)
        spellings.extend(more_spellings)
        values.append(value)
    return tuple(names), tuple(spellings), values[0] if values[0] == values[1] else None


# --- where configuration is written ------------------------------------------------------------------


def configured_attribute(attr: nodes.Attribute) -> Optional[nodes.NodeNG]:
    """The expression ``FLAGS.n`` / ``args.n`` / ``hparams.n`` / ``config.n`` / ``self.n`` is set to, when
    the module writes it once; None when it does not say."""
    receiver = attr.expr
    if tree.last_name(receiver) == "FLAGS":
        return _flag_defaults(attr.root()).get(attr.attrname)
    if isinstance(receiver, nodes.Name):
        binding = single_binding(receiver)
        built = assigned_value(binding) if isinstance(binding, nodes.AssignName) else None
        if isinstance(built, nodes.Call):
            if tree.last_name(built.func) in _PARSE_ARGS:
                return _argparse_defaults(attr.root()).get(attr.attrname)
            keyword = callargs.call_argument(built, None, attr.attrname)
            if keyword is not None:  # HParams(n=2), Namespace(n=2), Config(n=2)
                return keyword
    found = dataflow.definitions(attr)
    if len(found) == 1 and not found[0].path:
        return found[0].value
    return None


def mapping_entry(mapping: nodes.NodeNG, key: str) -> Optional[nodes.NodeNG]:
    """The value a dict literal (or ``dict(...)``) bound once to ``mapping`` gives ``key``."""
    source = mapping
    if isinstance(mapping, (nodes.Name, nodes.Attribute)):
        found = dataflow.definitions(mapping)
        if len(found) != 1 or found[0].path:
            return None
        source = found[0].value
    entries = [value for entry_key, value in dataflow.dict_entries(source) if dataflow.key_text(entry_key) == key]
    return entries[-1] if entries else None


_PARSE_ARGS = ("parse_args", "parse_known_args", "parse_intermixed_args")
_INT_FLAGS = ("DEFINE_integer", "DEFINE_int", "DEFINE_bounded_integer")


def _flag_defaults(module: nodes.Module) -> Dict[str, nodes.NodeNG]:
    """flag name -> the default of ``*.DEFINE_integer("name", default, ...)`` calls in the module."""

    def compute() -> Dict[str, nodes.NodeNG]:
        found: Dict[str, nodes.NodeNG] = {}
        for call in tree.module_nodes(module, nodes.Call):
            if tree.last_name(call.func) not in _INT_FLAGS:
                continue
            name = callargs.literal_value(callargs.call_argument(call, 0, "name"))
            default = callargs.call_argument(call, 1, "default")
            if isinstance(name, str) and default is not None:
                found[name] = default
        return found

    return module_cached("flag-defaults", module, compute, {})


def _argparse_defaults(module: nodes.Module) -> Dict[str, nodes.NodeNG]:
    """dest -> the ``default=`` of ``*.add_argument("--dest", ...)`` calls in the module."""

    def compute() -> Dict[str, nodes.NodeNG]:
        found: Dict[str, nodes.NodeNG] = {}
        for call in tree.module_nodes(module, nodes.Call):
            if tree.last_name(call.func) != "add_argument":
                continue
            default = callargs.call_argument(call, None, "default")
            dest = _argument_dest(call)
            if default is not None and dest:
                found[dest] = default
        return found

    return module_cached("argparse-defaults", module, compute, {})


def _argument_dest(call: nodes.Call) -> Optional[str]:
    """argparse's dest: ``dest=``, else the first long option, else the first option, without dashes."""
    dest = callargs.literal_value(callargs.call_argument(call, None, "dest"))
    if isinstance(dest, str):
        return dest
    options = [callargs.literal_value(a) for a in call.args]
    options = [o for o in options if isinstance(o, str)]
    chosen = next((o for o in options if o.startswith("--")), options[0] if options else None)
    return chosen.lstrip("-").replace("-", "_") if chosen else None


def range_bound(iterable: Optional[nodes.NodeNG]) -> Optional[nodes.NodeNG]:
    """``range(d)`` / ``range(0, d)`` -> the expression ``d``; None for anything else."""
    if not (isinstance(iterable, nodes.Call) and isinstance(iterable.func, nodes.Name)
            and iterable.func.name in _RANGE_NAMES and not iterable.keywords):
        return None
    if any(isinstance(a, nodes.Starred) for a in iterable.args):
        return None
    if len(iterable.args) == 1:
        return iterable.args[0]
    if len(iterable.args) == 2 and _int_literal(iterable.args[0]) == 0:
        return iterable.args[1]
    return None


def loop_count(iterable: nodes.NodeNG) -> Optional[Count]:
    """How many times ``for _ in iterable`` runs, when the code says: ``range(...)`` or a literal list."""
    if isinstance(iterable, (nodes.List, nodes.Tuple)):
        if any(isinstance(e, nodes.Starred) for e in iterable.elts):
            return None
        return Count.of(len(iterable.elts))
    bound = range_bound(iterable)
    if bound is not None:
        return count_of(bound)
    if not (isinstance(iterable, nodes.Call) and isinstance(iterable.func, nodes.Name)
            and iterable.func.name in _RANGE_NAMES and len(iterable.args) == 2 and not iterable.keywords):
        return None
    low, high = iterable.args
    low_value, high_value = _int_literal(low), _int_literal(high)
    if low_value is not None and high_value is not None:
        return Count.of(max(high_value - low_value, 0))
    return Count(None, f"{high.as_string()} - {low.as_string()}")
