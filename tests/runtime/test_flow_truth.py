"""The labels of the fixtures whose values travel across functions and containers are true of TensorFlow.

Each case of flow_cases.py builds one fixture of fixtures/checkers/<symbol>/ with real TensorFlow 2.21 and
observes the pitfall (see flow_cases.py for the evidence per rule). A marker ``# [<symbol>]`` must match an
observed event on its line; a fixture without markers must show none. The probes run in one child process
(flow_runner.py, TF1 graph mode: the Keras fixtures build their layers in the same graph).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CHECKERS = HERE.parents[1] / "fixtures" / "checkers"
MARKER = re.compile(r"#\s*\[([a-z0-9\-, ]+)\]\s*$")

sys.path.insert(0, str(HERE))


def expected_locations(key: str):
    symbol = key.split("/")[0]
    path = CHECKERS / key
    return [f"{key}:{lineno}" for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if (match := MARKER.search(line)) and symbol in [s.strip() for s in match.group(1).split(",")]]


def case_keys():
    import flow_cases

    return sorted(flow_cases.CASES)


@pytest.fixture(scope="module")
def observations(tmp_path_factory):
    out = tmp_path_factory.mktemp("flow_truth") / "tf1.json"
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="2", PYTHONHASHSEED="0")
    proc = subprocess.run([sys.executable, str(HERE / "flow_runner.py"), "tf1", str(out)], capture_output=True,
                          text=True, env=env, timeout=600, check=False)
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"flow_runner failed ({proc.returncode}):\n{proc.stderr[-6000:]}")
    return json.loads(out.read_text())["results"]


def test_every_case_names_an_existing_fixture():
    assert all((CHECKERS / key).exists() for key in case_keys())


@pytest.mark.parametrize("key", case_keys())
def test_label_is_true_of_tensorflow(key, observations):
    obs = observations.get(key)
    assert obs is not None and obs["kind"] != "error", f"{key}: the probe failed:\n{obs and obs['detail']}"
    expected = set(expected_locations(key))
    events = obs["value"]
    detail = f"\nexpected markers: {sorted(expected)}\nobserved: {events}\n{obs['detail']}"
    assert len(events) == len(expected), f"{key}: {len(events)} events for {len(expected)} markers{detail}"
    unmatched = set(expected)
    for event in sorted(events, key=len):
        hit = next((loc for loc in event if loc in unmatched), None)
        assert hit is not None, f"{key}: event {event} is on no marked line{detail}"
        unmatched.discard(hit)
