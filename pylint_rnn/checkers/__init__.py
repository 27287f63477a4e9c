"""The checkers: one module per family of pitfalls, each defining its messages beside its code.

Every module here that defines ``CHECKERS = (SomeChecker, ...)`` is registered; adding a family means
adding a module, nothing else. All checkers share the pylint checker name ``rnn`` (as pylint's own
refactoring checkers share theirs), so ``--enable=rnn`` / ``--disable=rnn`` switch the whole plugin and
the options live in one ``[rnn]`` section.
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

CHECKER_NAME = "rnn"


@lru_cache(maxsize=None)
def all_checker_classes() -> tuple:
    classes = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        classes.extend(getattr(module, "CHECKERS", ()))
    return tuple(classes)
