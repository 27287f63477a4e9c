"""The module index built from pylint's walk (recorded by the first checker) answers exactly as our own walk.

Checkers take every whole-module list (``tree.module_nodes``) and each frame's own calls (``tree.own_nodes``)
from the index; when pylint runs them, it is built from the nodes pylint's walker met (no walk of ours).
"""
from __future__ import annotations

from pathlib import Path

import astroid
import pytest
from astroid import nodes
from pylint.lint import PyLinter
from pylint.utils.ast_walker import ASTWalker

from pylint_rnn.core import tree

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "fixtures" / "checkers").rglob("*.py"))[::7] + sorted((ROOT / "fixtures" / "seeds").glob("*.py"))
KINDS = [nodes.Call, nodes.BinOp, (nodes.FunctionDef, nodes.AsyncFunctionDef), nodes.FunctionDef, nodes.ClassDef,
         (nodes.Import, nodes.ImportFrom, nodes.Call, nodes.ClassDef), nodes.Attribute, nodes.AssignAttr,
         (nodes.For, nodes.While), nodes.For, nodes.Return]


class _Recorder:  # what checkers/_base.py makes of the first checker: a list's append per class as visit methods
    def __init__(self) -> None:
        self.records: dict = {kind: [] for kind in tree.RECORDED_KINDS}
        for kind, met in self.records.items():
            setattr(self, f"visit_{kind.__name__.lower()}", met.append)


def _recorded(path: Path):
    module = astroid.parse(path.read_text(encoding="utf-8"), module_name=path.stem, path=str(path))
    recorder = _Recorder()
    walker = ASTWalker(PyLinter())
    walker.add_checker(recorder)
    walker.walk(module)
    return module, {kind: met for kind, met in recorder.records.items() if met}


def _start(node):
    return (node.lineno or 0, node.col_offset or 0)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_recorded_index_equals_own_walk(path):
    module, records = _recorded(path)
    own = tree._ModuleIndex(module)  # pylint: disable=protected-access
    recorded = tree._RecordedIndex(module, records)  # pylint: disable=protected-access
    for kinds in KINDS:
        assert recorded.nodes_of(kinds) == own.nodes_of(kinds), kinds
        if not isinstance(kinds, type):  # several classes: by where each node starts (a decorator's call first)
            assert own.nodes_of(kinds) == sorted(own.nodes_of(kinds), key=_start), kinds
    frames = [module, *tree.module_nodes(module, (nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.Lambda))]
    for frame in frames:
        for kind in (nodes.Call, nodes.Return):
            assert recorded.own(kind).get(id(frame), []) == own.own(kind).get(id(frame), []), (frame, kind)
            assert recorded.own(kind).get(id(frame), []) == list(tree._own_nodes(frame, kind)), (frame, kind)
    assert recorded.nodes_of(nodes.Name) == own.nodes_of(nodes.Name)  # not recorded: asks a walk of ours


def test_adopted_walk_serves_module_nodes():
    module, records = _recorded(SAMPLES[0])
    calls = records[nodes.Call][:]
    tree.adopt_walk(module, records)
    assert tree.module_nodes(module, nodes.Call) == calls
    assert not any(records.values())  # emptied for the next module's walk


@pytest.mark.parametrize("enabled", ["rnn,rnn-time-axis-reduction", "rnn-variable-not-shared", "rnn-cell-per-timestep"])
def test_pylint_runs_build_no_index_of_their_own(enabled, monkeypatch):
    """Whichever checkers run, the first one pylint opens records the walk: no module is walked twice."""
    from pylint.lint import Run

    own_walks = []
    original = tree._ModuleIndex.__init__  # pylint: disable=protected-access

    def counting(self, module):
        own_walks.append(module.name)
        original(self, module)

    monkeypatch.setattr(tree._ModuleIndex, "__init__", counting)  # pylint: disable=protected-access
    paths = [str(path) for path in SAMPLES[:6]]
    Run(["--disable=all", f"--enable={enabled}", "--load-plugins=pylint_rnn", "--persistent=n", *paths], exit=False)
    Run(["--disable=all", f"--enable={enabled}", "--load-plugins=pylint_rnn", "--persistent=n", *paths], exit=False)
    assert own_walks == []


@pytest.mark.parametrize("kinds", [tree.NESTED_SCOPES, tree.LOOPS + tree.COMPREHENSIONS + (nodes.Comprehension,),
                                   (nodes.For, nodes.While), nodes.FunctionDef])
def test_class_sets_answer_as_isinstance(kinds):
    """Climbs test ``node.__class__ in tree.classes_of(K)`` for isinstance(node, K): same answer for every
    node of the samples (subclasses such as AsyncFor and AsyncFunctionDef included)."""
    classes = tree.classes_of(kinds)
    for path in SAMPLES[:8]:
        module, _ = _recorded(path)
        for node in module.nodes_of_class(nodes.NodeNG):
            assert (node.__class__ in classes) == isinstance(node, kinds), (node, kinds)
    assert all(issubclass(cls, kinds) for cls in classes)
