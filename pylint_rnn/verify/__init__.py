"""pylint-rnn-verify: the runtime verifier.

The parent side (``cli``, ``report``, ``supervisor``) never imports TensorFlow; the worker (``child``, ``shim``,
``tfmode``, the ``probes_*`` modules, the analyses) runs the user's code with TensorFlow in a separate process.
See docs/verify.md.
"""
from __future__ import annotations

import importlib.util
import sys

# pylint-rnn has no release on a package index: the runtime extra is installed from a clone, whether pylint-rnn
# itself was installed from that clone or runs from it. One line, also quoted by docs/ci.md and docs/verify.md.
INSTALL_HINT = ("Install the runtime extra from a clone of pylint-rnn (it is not on a package index yet): "
                "pip install '.[runtime]' in the clone, or pip install '<path to the clone>[runtime]'")


def tensorflow_available() -> bool:
    """Whether TensorFlow can be imported, found without importing it."""
    try:
        return importlib.util.find_spec("tensorflow") is not None
    except (ImportError, ValueError):
        return False


def runtime_missing_message(command: str) -> str:
    """What a command that needs TensorFlow says when it is not installed."""
    return (f"{command} needs TensorFlow, which is not installed in this Python ({sys.executable}).\n"
            f"{INSTALL_HINT}")
