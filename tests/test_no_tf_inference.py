"""Our checks never make astroid load TensorFlow or Keras (slow, and often not installed where people lint)."""
from __future__ import annotations

from astroid.manager import AstroidManager

from functional import FIXTURES, lint_files

TF_ROOTS = ("tensorflow", "keras", "tf_keras")


def test_linting_fixtures_loads_no_tensorflow_module(monkeypatch):
    requested = []
    original = AstroidManager.ast_from_module_name

    def recording(self, modname, *args, **kwargs):
        requested.append(modname)
        return original(self, modname, *args, **kwargs)

    monkeypatch.setattr(AstroidManager, "ast_from_module_name", recording)
    paths = sorted((FIXTURES / "checkers").rglob("*.py")) + sorted((FIXTURES / "seeds").rglob("*.py"))
    lint_files(paths)
    assert paths
    loaded = sorted({m for m in requested if m and m.split(".")[0] in TF_ROOTS})
    assert loaded == [], f"astroid was asked for {loaded}"


def test_the_probe_would_see_inference_into_tensorflow(monkeypatch):
    """Guards the test above against being vacuous: inference does go through the recorded entry point."""
    import astroid

    requested = []
    original = AstroidManager.ast_from_module_name

    def recording(self, modname, *args, **kwargs):
        requested.append(modname)
        return original(self, modname, *args, **kwargs)

    monkeypatch.setattr(AstroidManager, "ast_from_module_name", recording)
    node = astroid.extract_node("import tensorflow as tf\ntf.nn  #@\n")
    try:
        node.inferred()
    except Exception:  # pylint: disable=broad-exception-caught
        pass
    assert any(m.split(".")[0] == "tensorflow" for m in requested if m)
