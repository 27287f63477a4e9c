"""Runs the probes of flow_cases.py (fixtures/checkers/, values that travel across functions and containers)
with accuracy_runner's worlds: ``python flow_runner.py GROUP OUT.json [ONLY...]``."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import accuracy_runner  # noqa: E402 - after the path: the runner shares REC with the cases
import flow_cases  # noqa: E402

CHECKERS = HERE.parents[1] / "fixtures" / "checkers"


def main(argv):
    group, out = argv[0], argv[1]
    accuracy_runner.ACC = CHECKERS  # fixture paths, frames and markers are relative to fixtures/checkers
    started = time.perf_counter()
    results = accuracy_runner.run_group(group, argv[2:] or None, cases=flow_cases)
    Path(out).write_text(json.dumps({"group": group, "seconds": round(time.perf_counter() - started, 2),
                                     "results": results}, indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
