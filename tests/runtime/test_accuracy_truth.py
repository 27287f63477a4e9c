"""Every label of fixtures/accuracy is true of TensorFlow 2.21.

Each fixture under fixtures/accuracy/<symbol>/ is a case: a marker ``# [<symbol>]`` says the pitfall is there
(on that line), no marker says the code is correct. accuracy_cases.py holds one probe per case, which builds
the fixture (or, where TF 2.21 cannot run its code, a runnable equivalent) with real TensorFlow and observes
the pitfall: a ValueError "already exists", fewer weight sets than layers, a variable without gradient, ...
The probes run in two child processes (TF1 graph code; Keras), see accuracy_runner.py.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ACC = ROOT / "fixtures" / "accuracy"
MARKER = re.compile(r"#\s*\[([a-z0-9\-, ]+)\]\s*$")
GROUPS = ("tf1", "keras")

sys.path.insert(0, str(HERE))


def markers(path: Path, symbol: str):
    out = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            for sym in match.group(1).split(","):
                if sym.strip() == symbol:
                    out.append(f"{path.relative_to(ACC).as_posix()}:{lineno}")
    return out


def expected_locations(key: str):
    """Markers of the case's rule in the case file and, for a package, in the package's other modules."""
    path = ACC / key
    symbol = key.split("/")[0]
    files = [path]
    if (path.parent / "__init__.py").exists():
        files = sorted(path.parent.glob("*.py"))
    return [loc for f in files for loc in markers(f, symbol)]


def case_files():
    """Every fixture that is a case: all modules except the other modules of a package."""
    import accuracy_cases

    keys = set(accuracy_cases.CASES)
    files = []
    for path in sorted(ACC.rglob("*.py")):
        key = path.relative_to(ACC).as_posix()
        in_package = (path.parent / "__init__.py").exists()
        if not in_package or key in keys:
            files.append(key)
    return files


def _run_group(group, out_dir):
    out = out_dir / f"{group}.json"
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="2", PYTHONHASHSEED="0")
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, str(HERE / "accuracy_runner.py"), group, str(out)],
                          capture_output=True, text=True, env=env, timeout=600, check=False)
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"runner {group} failed ({proc.returncode}):\n{proc.stderr[-6000:]}")
    data = json.loads(out.read_text())
    data["wall"] = time.perf_counter() - started
    return data


@pytest.fixture(scope="module")
def observations(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("accuracy_truth")
    with ThreadPoolExecutor(max_workers=len(GROUPS)) as pool:
        runs = list(pool.map(lambda g: _run_group(g, out_dir), GROUPS))
    results = {}
    for run in runs:
        results.update(run["results"])
    return results


def test_every_fixture_has_a_probe():
    import accuracy_cases

    files = case_files()
    missing = [f for f in files if f not in accuracy_cases.CASES]
    stale = [k for k in accuracy_cases.CASES if not (ACC / k).exists()]
    assert not missing, f"fixtures without a probe in accuracy_cases.py: {missing}"
    assert not stale, f"probes without a fixture: {stale}"


def test_markers_name_the_rules_of_the_corpus():
    """Every marker names one of the rules (the folders of fixtures/accuracy): no stray '# [...]' comments."""
    rules = {p.name for p in ACC.iterdir() if p.is_dir()}
    stray = []
    for path in sorted(ACC.rglob("*.py")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = MARKER.search(line)
            if match:
                stray += [f"{path.relative_to(ACC)}:{lineno}: {s.strip()}" for s in match.group(1).split(",")
                          if s.strip() not in rules]
    assert not stray, stray


def _match(events, expected):
    """A pairing of every event with a distinct expected location it lists (augmenting paths)."""
    owner = {}

    def assign(i, seen):
        for loc in events[i]:
            if loc in expected and loc not in seen:
                seen.add(loc)
                if loc not in owner or assign(owner[loc], seen):
                    owner[loc] = i
                    return True
        return False

    return all(assign(i, set()) for i in range(len(events)))


@pytest.mark.parametrize("key", case_files())
def test_label_is_true_of_tensorflow(key, observations):
    obs = observations.get(key)
    assert obs is not None, f"{key}: the runner produced no observation"
    assert obs["kind"] != "error", f"{key}: the probe failed:\n{obs['detail']}"
    expected = expected_locations(key)
    detail = f"\nexpected markers: {expected}\nobserved: {obs['value']}\n{obs['detail']}"
    if obs["kind"] == "bool":
        assert obs["value"] == bool(expected), f"{key}: pitfall manifests={obs['value']}{detail}"
    elif obs["kind"] == "count":
        assert obs["value"] == len(expected), f"{key}: {obs['value']} occurrences{detail}"
    else:
        events = obs["value"]
        assert len(events) == len(expected), f"{key}: {len(events)} events for {len(expected)} markers{detail}"
        assert _match(events, set(expected)), f"{key}: events are not on the marked lines{detail}"


def test_truth_runtime_is_bounded(observations):
    slow = {k: v["seconds"] for k, v in observations.items() if v.get("seconds", 0) > 20}
    assert not slow, f"cases slower than 20 s: {slow}"
