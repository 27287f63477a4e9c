"""Names bound in another project file, resolved with the standard library's ast (core/project_source.py):
the same answers astroid's module would give, without astroid ever building that module."""
from __future__ import annotations

from astroid.manager import AstroidManager

from pylint_rnn.core import tfapi

CELLS = '''
import tensorflow as tf
from tensorflow.contrib import rnn as contrib_rnn
try:
    from tensorflow.nn.rnn_cell import GRUCell as Gru
except ImportError:
    from tensorflow.nn.rnn_cell import GRUCell as Gru

class Base(tf.nn.rnn_cell.LSTMCell):
    pass

class Derived(Base):
    pass

class Loop(Loop2):
    pass

class Loop2(Loop):
    pass

class Plain(object):
    pass

Alias = contrib_rnn.MultiRNNCell
Rebound = tf.nn.rnn_cell.GRUCell
Rebound = object
Unpacked, Other = tf.nn.rnn_cell.GRUCell, 1

def factory():
    return tf.nn.rnn_cell.LSTMCell(3)

class Snippet(rnn_cell.BasicLSTMCell):
    pass
'''


def _calls(tmp_path, monkeypatch, files, user):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    manager = AstroidManager()
    module = manager.ast_from_file(str(tmp_path / user), user[:-3].replace("/", "."), source=True)
    calls = [statement.value for statement in module.body if statement.__class__.__name__ == "Expr"]
    apis = [tfapi.call_api(call) for call in calls]
    return apis, [name for name in manager.astroid_cache  # the project modules astroid built, the user's aside
                  if name.split(".")[0] in ("app", "lib") and name != module.name]


def test_classes_aliases_and_rebindings_in_another_file(tmp_path, monkeypatch):
    """Subclasses, aliases through the file's imports, try/except imports; loops and rebindings are unknown."""
    apis, requested = _calls(tmp_path, monkeypatch, {
        "app/__init__.py": "",
        "app/cells.py": CELLS,
        "app/train.py": "from .cells import Base, Derived, Loop, Plain, Alias, Rebound, Unpacked, Gru\n"
                        "from app.cells import factory, Snippet\n"
                        "Base(1)\nDerived(1)\nLoop(1)\nPlain()\nAlias([])\nRebound(1)\nUnpacked(1)\nGru(1)\n"
                        "factory()\nSnippet(1)\n",
    }, "app/train.py")
    assert apis == [
        "tf.nn.rnn_cell.LSTMCell", "tf.nn.rnn_cell.LSTMCell",  # a subclass of a subclass
        None, None,  # a hierarchy that loops; a class that derives from no API
        "tf.nn.rnn_cell.MultiRNNCell",  # an alias through the other file's own import
        None, None,  # rebound to something else; bound by unpacking
        "tf.nn.rnn_cell.GRUCell",  # one import on both branches of a try
        None,  # a function, not a class
        "tf.nn.rnn_cell.BasicLSTMCell",  # a snippet's unbound rnn_cell
    ]
    assert not [name for name in requested if name.startswith("app")]


def test_star_imports_and_re_exports_across_packages(tmp_path, monkeypatch):
    """A project's star import and re-export are followed; a library's star import binds nothing."""
    apis, requested = _calls(tmp_path, monkeypatch, {
        "lib/__init__.py": "from .layers import *\n",
        "lib/layers/__init__.py": "from .cells import Stack as PublicStack\nfrom tensorflow.contrib.rnn import *\n",
        "lib/layers/cells.py": "from tensorflow.compat.v1.nn import rnn_cell\n"
                               "class Stack(rnn_cell.MultiRNNCell):\n    pass\n",
        "main.py": "from lib import PublicStack, Unknown\nimport lib.layers.cells as c\n"
                   "PublicStack([])\nUnknown(1)\nc.Stack([])\n",
    }, "main.py")
    # A library's star import binds nothing we can know without importing the library.
    assert apis == ["tf.nn.rnn_cell.MultiRNNCell", None, "tf.nn.rnn_cell.MultiRNNCell"]
    assert not [name for name in requested if name.startswith("lib")]
