import sys
from pathlib import Path

# The functional-fixture harness (tests/functional.py) is imported by several test modules.
sys.path.insert(0, str(Path(__file__).resolve().parent))

import os

# Internal errors in checkers surface in tests instead of being swallowed (see checkers/_guard.py).
os.environ.setdefault("PYLINT_RNN_DEBUG", "1")
