"""The checkers: one module per family of pitfalls, each defining its messages beside its code.

Every module here that defines ``CHECKERS = (SomeChecker, ...)`` is registered; adding a family means
adding a module, nothing else. The checkers of default-on messages share the pylint checker name ``rnn``
(as pylint's own refactoring checkers share theirs), so ``--disable=rnn`` switches them off and the options
live in one ``[rnn]`` section; opt-in messages belong to ``rnn-opt-in`` and stay off until enabled by name
(both names: :mod:`pylint_rnn.rules`).
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache


@lru_cache(maxsize=None)
def all_checker_classes() -> tuple:
    classes = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        classes.extend(getattr(module, "CHECKERS", ()))
    return tuple(classes)
