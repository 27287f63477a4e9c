"""Fixes for cells: one cell object in several layers or directions (safe), a stack as deep as the
sequence (unsafe).

rnn-same-cell-stacked is fixed by building a new cell wherever the list (or the backward direction)
receives the shared one, repeating the cell's construction (:mod:`pylint_rnn.fixes.construction`):

- ``[cell] * n`` / ``n * [cell]``  ->  ``[LSTMCell(k) for _ in range(n)]``
- ``[cell, cell, cell]``           ->  ``[LSTMCell(k) for _ in range(3)]``
- ``[cell, alias]``, ``cells.append(cell)`` after ``cells = [cell]``  ->  the first occurrence keeps the
  object, each later one gets a new cell
- ``[cell for _ in range(n)]``, ``cells.append(cell)`` in a loop, ``[DropoutWrapper(cell) ...]``  ->  the
  construction replaces the name inside the element, so every evaluation builds a new cell
- ``bidirectional_dynamic_rnn(cell, cell, ...)``  ->  the backward argument is a new construction
- ``stack_bidirectional_dynamic_rnn(cells, cells, ...)``  ->  the backward list is built again
- Keras ``Bidirectional(layer, backward_layer=layer)``  ->  ``backward_layer`` is left out, so Keras
  builds the backward copy itself (with ``go_backwards`` flipped)

The findings come from :mod:`pylint_rnn.analyses.stacking`, the lists' contents from
:mod:`pylint_rnn.core.celllists`; this module finds *where* each shared object enters the list.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from astroid import nodes

from pylint_rnn.analyses import Finding, stacking
from pylint_rnn.core import callargs, celllists, tfapi, tree
from pylint_rnn.core.bindings import assigned_value, bindings_of, method_class
from pylint_rnn.fixes.construction import (Constructions, NotRepeatable, Rebuilt, check_reads, comprehension_text,
                                           other_uses)
from pylint_rnn.fixes.edits import SAFE, UNSAFE, Edit, Fix, NoFix, Outcome, guarded
from pylint_rnn.fixes.source import SourceFile, has_comment

MAX_DEPTH = 6
_LAYER_TITLE = "build a new cell for each layer"
_DIRECTION_TITLE = "build a separate cell for the backward direction"
_APPENDERS = ("append", "insert")


@dataclass(frozen=True)
class Site:
    """Where one expression puts a cell in a list."""

    node: nodes.NodeNG  # the expression that evaluates to the cell
    literal: Optional[nodes.NodeNG] = None  # the List/Tuple it is an element of
    repeat: Optional[nodes.BinOp] = None  # ``literal * n``: the repetition of that literal
    many: bool = False  # evaluated more than once (a comprehension's element, a loop's body)


class CellFixer:
    """Fixes for the cell findings of one file."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.build = Constructions(source)

    # --- rnn-same-cell-stacked -----------------------------------------------------------------------------

    def same_cell(self, call: nodes.Call) -> List[Tuple[Finding, Outcome]]:
        """Every same-cell finding of ``call`` (as the analysis reports them) with its fix or the reason."""
        api = tfapi.call_api(call)
        if not api:
            return []
        where = tfapi.short_name(api)
        if tfapi.is_cell_stack(api) or api == tfapi.KERAS_RNN:
            return self._layers(call, tfapi.stacked_cells_argument(call, api), where)
        signature = tfapi.RNN_SIGNATURES.get(api)
        if signature is not None and signature.bidirectional:
            forward, backward = (callargs.call_argument(call, p, k) for p, k in signature.cells)
            if signature.cell_lists:
                return self._stacked_directions(call, forward, backward, where)
            found = stacking.direction_findings(call, forward, backward, where)
            return [(finding, self._direction(call, forward, backward)) for finding in found]
        if api == tfapi.KERAS_BIDIRECTIONAL:
            return [(finding, self._keras_backward(call)) for finding in stacking.keras_bidirectional_findings(call)]
        return []

    def _layers(self, call: nodes.Call, argument: Optional[nodes.NodeNG], where: str) -> List[Tuple[Finding, Outcome]]:
        cells = celllists.cell_list(argument, call)
        findings = stacking.layer_findings(call, cells, where)
        duplicates = celllists.duplicated(cells) if cells is not None else []
        out: List[Tuple[Finding, Outcome]] = []
        for finding, duplicate in zip(findings, duplicates):
            if duplicate.label not in str(finding.args[0]):
                out.append((finding, NoFix("the fix could not tell which cell this finding is about")))
                continue
            out.append((finding, guarded(lambda d=duplicate: self._new_cell_per_layer(call, argument, d))))
        return out

    def _stacked_directions(self, call: nodes.Call, forward: Optional[nodes.NodeNG],
                            backward: Optional[nodes.NodeNG], where: str) -> List[Tuple[Finding, Outcome]]:
        out = self._layers(call, forward, where) + self._layers(call, backward, where)
        found = stacking.stacked_direction_findings(call, forward, backward, where)
        for finding in found[len(out):]:  # the one about both directions, after the per-list ones
            if str(finding.args[1]) == "both directions":
                outcome = guarded(lambda: self._replace(backward, self.build.fresh_list(backward), call,
                                                              _DIRECTION_TITLE))
            else:
                outcome = guarded(lambda: self._backward_list_cells(call, forward, backward))
            out.append((finding, outcome))
        return out

    def _new_cell_per_layer(self, call: nodes.Call, argument: nodes.NodeNG, duplicate: celllists.Duplicate) -> Fix:
        key = duplicate.element.key
        matched = [site for site in sites(argument, call) if celllists.element(site.node).key == key]
        if not matched:
            raise NotRepeatable("the fix cannot see where the cell is put in the list")
        elsewhere = self._used_elsewhere(matched)
        literal = matched[0].literal
        if _whole_literal(matched, literal) and not elsewhere:
            texts = {_squeezed(self._fresh_at(site.node, literal, new_scope=True).text) for site in matched}
            if len(texts) == 1:  # [cell, cell, cell]: the same construction for every layer
                text = self._fresh_at(matched[0].node, literal, new_scope=True).text
                count = str(len(literal.elts))
                return self._fix(_LAYER_TITLE, [(literal, comprehension_text(text, count, _is_tuple(literal)))])
        kept = matched[0] if not (matched[0].repeat or matched[0].many) else None
        edits = []
        for site in matched:
            if site is kept:
                continue
            if site.repeat is not None:
                edits.append((site.repeat, self._repeat_as_comprehension(site)))
            else:
                edits.append((site.node, self._fresh_at(site.node, site.node).text))
        if kept is None and elsewhere:
            line = elsewhere[0].lineno
            return self._fix(f"{_LAYER_TITLE} (the cell is also used at line {line}, which then no longer shares "
                             "weights with these layers)", edits, UNSAFE)
        return self._fix(_LAYER_TITLE, edits)

    def _used_elsewhere(self, matched: List[Site]) -> list:
        """Uses of the shared cell outside the list (another RNN running it): they keep sharing its weights
        only with an occurrence the fix keeps."""
        chains = [self.build.fresh(site.node) for site in matched]
        whole = Rebuilt(chains[0].text, [], [binding for chain in chains for binding in chain.followed])
        return other_uses(whole, [site.node for site in matched])

    def _repeat_as_comprehension(self, site: Site) -> str:
        if site.literal is None:
            raise NotRepeatable(f"'{tree.short_text(site.repeat)}' repeats a named list; build the list with a "
                                "new cell per layer instead")
        if len(site.literal.elts) != 1:
            raise NotRepeatable(f"'{tree.short_text(site.repeat)}' repeats several cells at once")
        times = site.repeat.right if site.repeat.left is site.literal else site.repeat.left
        element = self._fresh_at(site.node, site.repeat, new_scope=True).text
        return comprehension_text(element, self.source.segment(times), _is_tuple(site.literal))

    def _fresh_at(self, node: nodes.NodeNG, site: nodes.NodeNG, new_scope: bool = False):
        """The text of a new cell like ``node``'s, valid at ``site``: a name becomes its construction; a
        call (a wrapper, a constructor) keeps its text with the cell it wraps rebuilt."""
        rebuilt = self.build.fresh(node)
        check_reads(rebuilt, site, new_scope)
        return rebuilt

    # --- directions ----------------------------------------------------------------------------------------

    def _direction(self, call: nodes.Call, forward: Optional[nodes.NodeNG],
                   backward: Optional[nodes.NodeNG]) -> Outcome:
        if forward is None or backward is None:
            return NoFix("the two directions are not passed plainly")
        target = backward
        # An inline wrapper keeps its text; only the cell inside it is built again.
        while isinstance(target, nodes.Call) and tfapi.is_cell_wrapper(tfapi.call_api(target)):
            inner = callargs.call_argument(target, 0, "cell")
            if inner is None:
                break
            target = inner
        return guarded(lambda: self._replace(target, self._fresh_at(target, call), call, _DIRECTION_TITLE))

    def _backward_list_cells(self, call: nodes.Call, forward: nodes.NodeNG, backward: nodes.NodeNG) -> Fix:
        forward_keys = {site_key(s) for s in sites(forward, call)}
        edits = [(site.node, self._fresh_at(site.node, site.node).text)
                 for site in sites(backward, call) if site_key(site) in forward_keys]
        if not edits:
            raise NotRepeatable("the fix cannot see where the shared cell is put in the backward list")
        return self._fix(_DIRECTION_TITLE, edits)

    def _keras_backward(self, call: nodes.Call) -> Outcome:
        keyword = next((k for k in call.keywords or () if k.arg == "backward_layer"), None)
        if keyword is None:
            return NoFix("backward_layer is passed by position")
        try:
            edit = delete_keyword(self.source, call, keyword)
        except NotRepeatable as exc:
            return NoFix(str(exc))
        return Fix("leave out backward_layer: Keras builds the backward layer from the forward one", SAFE, (edit,))

    # --- rnn-layers-as-timesteps (unsafe) ------------------------------------------------------------------

    def one_cell(self, call: nodes.Call) -> Outcome:
        """A stack of identical cells as deep as the sequence -> one such cell (the RNN unrolls it)."""
        api = tfapi.call_api(call)
        if not (tfapi.is_cell_stack(api) or api == tfapi.KERAS_RNN):
            return NoFix("only a MultiRNNCell / StackedRNNCells / RNN([...]) stack can be replaced by one cell")
        argument = tfapi.stacked_cells_argument(call, api)
        return guarded(lambda: self._one_cell(call, api, argument))

    def _one_cell(self, call: nodes.Call, api: str, argument: Optional[nodes.NodeNG]) -> Fix:
        texts = {}
        for site in sites(argument, call):
            text = self._fresh_at(site.node, call).text
            texts[_squeezed(text)] = text
        if len(texts) != 1:
            raise NotRepeatable("the layers are not all built the same way")
        text = next(iter(texts.values()))
        target = call if tfapi.is_cell_stack(api) else argument
        return self._fix("use one cell: the RNN already unrolls it over the time steps", [(target, text)], UNSAFE)

    # --- helpers -------------------------------------------------------------------------------------------

    def _replace(self, node: nodes.NodeNG, rebuilt, site: nodes.NodeNG, title: str) -> Fix:
        check_reads(rebuilt, site)
        return self._fix(title, [(node, rebuilt.text)])

    def _fix(self, title: str, replacements: Sequence[Tuple[nodes.NodeNG, str]], safety: str = SAFE) -> Fix:
        edits = []
        for node, text in replacements:
            start, end = self.source.span(node)
            if self.source.text[start:end] == text:
                continue
            if has_comment(self.source.text[start:end]) and not has_comment(text):
                raise NotRepeatable("the rewrite would drop a comment inside the code it replaces")
            edits.append(Edit(start, end, text))
        if not edits:
            raise NotRepeatable("the rewrite changes nothing")
        return Fix(title, safety, tuple(edits))


# --- where cells enter a list ---------------------------------------------------------------------------------


def site_key(site: Site) -> tuple:
    return celllists.element(site.node).key


def sites(expr: Optional[nodes.NodeNG], at: nodes.NodeNG, depth: int = 0, many: bool = False) -> List[Site]:
    """The expressions that put cells in the list ``expr`` before ``at`` runs (the forms celllists follows)."""
    if expr is None or depth > MAX_DEPTH:
        return []
    if isinstance(expr, (nodes.List, nodes.Tuple)):
        found = []
        for elt in expr.elts:
            if isinstance(elt, nodes.Starred):
                found += sites(elt.value, at, depth + 1, many)
            else:
                found.append(Site(elt, literal=expr, many=many))
        return found
    if isinstance(expr, nodes.BinOp) and expr.op == "+":
        return sites(expr.left, at, depth + 1, many) + sites(expr.right, at, depth + 1, many)
    if isinstance(expr, nodes.BinOp) and expr.op == "*":
        return _repeated_sites(expr, at, depth, many)
    if isinstance(expr, (nodes.ListComp, nodes.GeneratorExp)):
        return [Site(expr.elt, many=True)]
    if isinstance(expr, nodes.Call) and isinstance(expr.func, nodes.Name) and expr.func.name in ("list", "tuple") \
            and len(expr.args) == 1:
        return sites(expr.args[0], at, depth + 1, many)
    if isinstance(expr, nodes.Name):
        return _named_list_sites(expr, at, depth, many)
    if isinstance(expr, nodes.Attribute):
        return _attribute_list_sites(expr, at, depth, many)
    return []


def _repeated_sites(binop: nodes.BinOp, at: nodes.NodeNG, depth: int, many: bool) -> List[Site]:
    for sequence in (binop.left, binop.right):
        if isinstance(sequence, (nodes.List, nodes.Tuple)):
            return [Site(s.node, sequence, binop, many) for s in sites(sequence, at, depth + 1, many)]
    # A named list repeated (``cells * 2``): each of its cells is repeated; no literal to rewrite.
    return [Site(s.node, None, binop, True) for s in sites(binop.left, at, depth + 1, many)]


def _named_list_sites(name: nodes.Name, at: nodes.NodeNG, depth: int, many: bool) -> List[Site]:
    bindings = [b for b in bindings_of(name) if not isinstance(b.parent, nodes.AugAssign)]
    if len(bindings) != 1 or not isinstance(bindings[0], nodes.AssignName):
        return []
    binding = bindings[0]
    value = assigned_value(binding)
    found = sites(value, at, depth + 1, many)

    def is_the_list(node: nodes.NodeNG) -> bool:
        return isinstance(node, (nodes.Name, nodes.AssignName)) and node.name == name.name

    return found + _mutation_sites(binding, is_the_list, at, depth, many)


def _attribute_list_sites(attr: nodes.Attribute, at: nodes.NodeNG, depth: int, many: bool) -> List[Site]:
    klass = method_class(attr.expr)
    if klass is None:
        return []
    assigns = [node for method in klass.mymethods() for node in method.nodes_of_class(nodes.AssignAttr)
               if node.attrname == attr.attrname and method_class(node.expr) is klass]
    if len(assigns) != 1 or assigned_value(assigns[0]) is None:
        return []

    def is_the_list(node: nodes.NodeNG) -> bool:
        return isinstance(node, (nodes.Attribute, nodes.AssignAttr)) and node.attrname == attr.attrname \
            and method_class(node.expr) is klass

    binding = assigns[0]
    return sites(assigned_value(binding), at, depth + 1, many) + _mutation_sites(binding, is_the_list, at, depth, many)


def _mutation_sites(binding: nodes.NodeNG, is_the_list, at: nodes.NodeNG, depth: int, many: bool) -> List[Site]:
    """Cells added by ``append`` / ``insert`` / ``extend`` / ``+=`` in the frame that binds the list."""
    frame = binding.frame()
    statement = binding.statement()
    found: List[Site] = []
    for node in tree.own_nodes(frame, (nodes.Call, nodes.AugAssign)):
        if at.frame() is frame and not tree.statement_before(node, at):
            continue
        repeated = many or any(isinstance(loop, tree.LOOPS) and not tree.contains(loop, statement)
                               for loop in tree.ancestors_below(node, frame))
        if isinstance(node, nodes.AugAssign):
            if node.op == "+=" and is_the_list(node.target):
                found += sites(node.value, at, depth + 1, repeated)
            continue
        func = node.func
        if not (isinstance(func, nodes.Attribute) and is_the_list(func.expr)) or node.keywords:
            continue
        if func.attrname in _APPENDERS and node.args:
            found.append(Site(node.args[-1], many=repeated))
        elif func.attrname == "extend" and len(node.args) == 1:
            found += sites(node.args[0], at, depth + 1, repeated)
    return found


def _whole_literal(matched: List[Site], literal: Optional[nodes.NodeNG]) -> bool:
    """Are the matched sites every element of one list literal, written out (``[c, c, c]``)?"""
    return isinstance(literal, (nodes.List, nodes.Tuple)) and len(literal.elts) >= 2 \
        and len(matched) == len(literal.elts) \
        and all(site.literal is literal and site.repeat is None and not site.many for site in matched)


def _squeezed(text: str) -> str:
    """Source text without whitespace: two constructions written alike compare equal."""
    return re.sub(r"\s+", "", text)


def _is_tuple(literal: Optional[nodes.NodeNG]) -> bool:
    return isinstance(literal, nodes.Tuple)


def delete_keyword(source: SourceFile, call: nodes.Call, keyword: nodes.Keyword) -> Edit:
    """An edit that removes ``keyword`` and the comma before it (or after it, when it comes first)."""
    arguments = sorted(list(call.args) + list(call.keywords or ()), key=source.span)
    index = arguments.index(keyword)
    start, end = source.span(keyword)
    if index > 0:
        start = source.span(arguments[index - 1])[1]
    elif index + 1 < len(arguments):
        end = source.span(arguments[index + 1])[0]
    else:
        call_end = source.span(call)[1]
        after = source.text[end:call_end]
        end += len(after) - len(after.lstrip(" ,\t"))
    removed = source.text[start:end]
    if has_comment(removed):
        raise NotRepeatable("removing backward_layer would drop a comment")
    return Edit(start, end, "")
