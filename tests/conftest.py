import sys
from pathlib import Path

# The functional-fixture harness (tests/functional.py) is imported by several test modules.
sys.path.insert(0, str(Path(__file__).resolve().parent))
