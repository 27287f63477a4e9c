"""docs/editors.md's python-lsp-server set-ups, applied to a real `pylsp` driven over stdio as an editor does.

Each test starts pylsp (installed by the `test` extra; nothing is installed here), sends initialize, the
settings of docs/editors.md as workspace/didChangeConfiguration, opens a file with an rnn finding and reads
the textDocument/publishDiagnostics it answers with. The pitfalls the page warns about are shown too: the
pylint plugin is off by default; with `executable`, a plugin loaded only from pyproject.toml is not loaded
(pylsp runs pylint in its own working directory); without `executable`, unsaved text is not linted.
"""
import contextlib
import copy
import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "cli_inputs"))
from cli_helpers import BIN, INPUTS, REPO, env  # noqa: E402
from lsp_client import LspClient  # noqa: E402

EDITORS = REPO / "docs" / "editors.md"
PYLSP = BIN / "pylsp"
STACKED = (INPUTS / "stacked.py").read_text(encoding="utf-8")  # rnn-same-cell-stacked on line 5
EDITED = STACKED + "again = tf.nn.rnn_cell.MultiRNNCell([cell, cell])\n"  # a second one on line 6
PYPROJECT = '[tool.pylint.main]\nload-plugins = ["pylint_rnn"]\n'


def documented_settings():
    """The pylsp settings blocks of docs/editors.md: (open/save set-up, executable set-up)."""
    text = EDITORS.read_text(encoding="utf-8")
    found = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, re.S)]
    pylsp = [block for block in found if "pylsp" in block]
    assert len(pylsp) == 2, pylsp
    plain, with_executable = pylsp
    assert plain["pylsp"]["plugins"]["pylint"]["enabled"] is True
    assert "executable" not in plain["pylsp"]["plugins"]["pylint"]
    assert with_executable["pylsp"]["plugins"]["pylint"]["executable"].endswith("/bin/pylint")
    return plain, with_executable


def pylint_settings(settings):
    return settings["pylsp"]["plugins"]["pylint"]


def with_our_executable(settings):
    """The documented placeholder path replaced by the pylint of this environment."""
    settings = copy.deepcopy(settings)
    pylint_settings(settings)["executable"] = str(BIN / "pylint")
    return settings


def rnn_lines(diagnostics):
    """0-based lines of pylint's rnn-same-cell-stacked diagnostics."""
    return sorted(d["range"]["start"]["line"] for d in diagnostics
                  if d.get("source") == "pylint" and d.get("code") == "W7905")


@pytest.fixture
def project(tmp_path):
    assert PYLSP.exists(), "python-lsp-server is not installed: python -m pip install -e '.[test]'"
    root = tmp_path / "project"
    root.mkdir()
    (root / "model.py").write_text(STACKED, encoding="utf-8")
    return root


@contextlib.contextmanager
def session(project, settings, cwd=None):
    """pylsp started in ``cwd`` (default: the project folder, as most editors start it), with ``settings``."""
    client = LspClient([str(PYLSP)], cwd or project, env(project))
    try:
        client.start(project, settings)
        yield client
    finally:
        client.close()


def test_nothing_shows_until_the_pylint_plugin_is_enabled(project):
    (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    with session(project, {"pylsp": {}}) as client:
        client.open(project / "model.py", STACKED)
        diagnostics = client.diagnostics(project / "model.py")
        assert not [d for d in diagnostics if d.get("source") == "pylint"]


def test_open_and_save_setup(project):
    plain, _ = documented_settings()
    model = project / "model.py"
    with session(project, plain) as client:
        client.open(model, STACKED)
        assert rnn_lines(client.diagnostics(model)) == [4]
        # unsaved edits: pylsp keeps the findings of the last save
        client.change(model, EDITED, 2)
        assert rnn_lines(client.diagnostics(model)) == [4]
        model.write_text(EDITED, encoding="utf-8")
        client.save(model)
        assert rnn_lines(client.diagnostics(model)) == [4, 5]


def test_open_and_save_setup_honours_the_project_pyproject(project):
    (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    plain, _ = documented_settings()
    settings = copy.deepcopy(plain)
    pylint_settings(settings)["args"] = []
    with session(project, settings, cwd=project.parent) as client:  # pylint runs in the workspace root anyway
        client.open(project / "model.py", STACKED)
        assert rnn_lines(client.diagnostics(project / "model.py")) == [4]


def test_executable_setup_lints_unsaved_text(project):
    _, documented = documented_settings()
    model = project / "model.py"
    with session(project, with_our_executable(documented), cwd=project.parent) as client:
        client.open(model, STACKED)
        assert rnn_lines(client.diagnostics(model)) == [4]
        client.change(model, EDITED, 2)  # not saved
        assert rnn_lines(client.diagnostics(model)) == [4, 5]


def test_executable_does_not_load_a_plugin_named_only_in_pyproject(project):
    (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    _, documented = documented_settings()
    settings = with_our_executable(documented)
    pylint_settings(settings)["args"] = []
    with session(project, settings, cwd=project.parent) as client:  # an editor that starts pylsp elsewhere
        client.open(project / "model.py", STACKED)
        diagnostics = client.diagnostics(project / "model.py")
        assert [d for d in diagnostics if d.get("source") == "pylint"], "pylint itself ran"
        assert rnn_lines(diagnostics) == []
