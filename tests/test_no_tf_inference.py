"""Our checks never make astroid load TensorFlow or Keras (slow, and often not installed where people lint).

astroid itself may load modules while it builds a tree (``from x import *``, its brain plugins); that cost
exists without this plugin. What must not happen is a request made *from our code*.
"""
from __future__ import annotations

import traceback

import astroid
from astroid.manager import AstroidManager

from functional import FIXTURES, lint_files

TF_ROOTS = ("tensorflow", "keras", "tf_keras")


def _record_requests(monkeypatch) -> list:
    """Patch astroid's module loader; return the list it appends (module name, called from pylint_rnn?)."""
    requested = []
    original = AstroidManager.ast_from_module_name

    def recording(self, modname, *args, **kwargs):
        if modname and modname.split(".")[0] in TF_ROOTS:
            from_us = any("pylint_rnn" in frame.filename and "/tests/" not in frame.filename
                          for frame in traceback.extract_stack())
            requested.append((modname, from_us))
        return original(self, modname, *args, **kwargs)

    monkeypatch.setattr(AstroidManager, "ast_from_module_name", recording)
    return requested


def test_linting_fixtures_loads_no_tensorflow_module_from_our_checks(monkeypatch):
    requested = _record_requests(monkeypatch)
    paths = sorted((FIXTURES / "checkers").rglob("*.py")) + sorted((FIXTURES / "seeds").rglob("*.py"))
    assert paths
    lint_files(paths)
    ours = sorted({name for name, from_us in requested if from_us})
    assert ours == [], f"our checks made astroid load {ours}"


def test_the_probe_would_see_inference_from_our_code(monkeypatch):
    """Guards the test above against being vacuous: a request made under pylint_rnn is recognised."""
    requested = _record_requests(monkeypatch)
    from pylint_rnn.core import cache

    node = astroid.extract_node("import tensorflow as tf\ntf.nn  #@\n")
    # Run an inference *through* a pylint_rnn frame, as a careless check would.
    cache.module_cached("probe", node, lambda: list(node.infer()))
    assert any(from_us for name, from_us in requested if name.split(".")[0] == "tensorflow")
