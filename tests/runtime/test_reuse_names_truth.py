"""The reuse family's fixtures are true of TensorFlow 2.21: every marker is where TF fails or copies, and
every silent function builds cleanly.

reuse_names_runner.py builds each fixture in a child process (module body, then every function that needs
no argument, each in a fresh graph) and records, per run: the fixture lines of a ValueError "... already
exists" (rnn-duplicate-variables), of every trainable tf.Variable created under reuse next to a variable of
the same name (rnn-variable-not-shared), and whether a returned list names one object n times while the
graph has variables (rnn-repeated-graph-call). This test pairs those observations with the markers.
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
ROOT = HERE.parents[1]
CHECKERS = ROOT / "fixtures" / "checkers"
DUPLICATE, NOT_SHARED, REPEATED = "rnn-duplicate-variables", "rnn-variable-not-shared", "rnn-repeated-graph-call"
MARKER = re.compile(r"#\s*\[([a-z0-9\-, ]+)\]\s*$")

# Fixtures whose code runs as written. Markers at module level must be the first collision of the module
# (the run stops there); every other marker is in, or reached from, a function that needs no argument.
FIXTURES = [
    f"{DUPLICATE}/cell_names_silent.py",
    f"{DUPLICATE}/names_collide.py",
    f"{DUPLICATE}/methods_modes_graphs.py",
    f"{DUPLICATE}/tower_loops.py",
    f"{DUPLICATE}/shared_or_separate_silent.py",
    f"{DUPLICATE}/reuse_by_argument_silent.py",
    f"{DUPLICATE}/two_dynamic_rnn_one_scope.py",
    f"{DUPLICATE}/cell_on_self.py",
    f"{NOT_SHARED}/tower_loops.py",
    f"{REPEATED}/keras_builders.py",
]
# Module-level markers the runner cannot reach because an earlier line of the module already failed.
UNREACHED = {f"{DUPLICATE}/two_dynamic_rnn_one_scope.py": {16}}


def markers(path: Path) -> dict:
    """symbol -> marker lines of the fixture."""
    out = {DUPLICATE: set(), NOT_SHARED: set(), REPEATED: set()}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            for symbol in (s.strip() for s in match.group(1).split(",")):
                if symbol in out:
                    out[symbol].add(lineno)
    return out


@pytest.fixture(scope="module")
def observations(tmp_path_factory):
    out = tmp_path_factory.mktemp("reuse_names") / "runs.json"
    env = dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="2", PYTHONHASHSEED="0")
    paths = [str(CHECKERS / f) for f in FIXTURES]
    proc = subprocess.run([sys.executable, str(HERE / "reuse_names_runner.py"), str(out), *paths],
                          capture_output=True, text=True, env=env, timeout=900, check=False)
    assert proc.returncode == 0 and out.exists(), proc.stderr[-6000:]
    data = json.loads(out.read_text())
    return {str(Path(path).relative_to(CHECKERS).as_posix()): runs for path, runs in data.items()}


def _range(label: str):
    if label == "<module>":
        return None
    start, end = label.rsplit(":", 1)[1].split("-")
    return int(start), int(end)


@pytest.mark.parametrize("fixture", FIXTURES)
def test_markers_are_where_tensorflow_fails_or_copies(fixture, observations):
    expected = markers(CHECKERS / fixture)
    runs = observations[fixture]
    seen = {DUPLICATE: set(), NOT_SHARED: set(), REPEATED: set()}
    for label, run in runs.items():
        assert run["error"] is None, f"{fixture} {label} does not build:\n{run['error']}"
        if run["duplicate"] is not None:
            hit = set(run["duplicate"]) & expected[DUPLICATE]
            assert hit, f"{fixture} {label}: 'already exists' at lines {run['duplicate']}, no marker there"
            seen[DUPLICATE] |= hit
        for lines in run["not_shared"]:
            hit = set(lines) & expected[NOT_SHARED]
            assert hit, f"{fixture} {label}: tf.Variable copied under reuse at {lines}, no marker there"
            seen[NOT_SHARED] |= hit
        span = _range(label)
        if span is not None:
            inside = {line for line in expected[REPEATED] if span[0] <= line <= span[1]}
            assert bool(run["aliases"]) == bool(inside), \
                f"{fixture} {label}: one object named n times = {run['aliases']}, markers {sorted(inside)}"
            seen[REPEATED] |= inside if run["aliases"] else set()
    for symbol in (DUPLICATE, NOT_SHARED, REPEATED):
        missing = expected[symbol] - seen[symbol] - UNREACHED.get(fixture, set())
        if symbol == REPEATED:  # only lists returned by a function are observed
            missing = {m for m in missing if any(_inside(m, label) for label in runs)}
        assert not missing, f"{fixture}: {symbol} markers TensorFlow does not confirm: {sorted(missing)}"


def _inside(line: int, label: str) -> bool:
    span = _range(label)
    return span is not None and span[0] <= line <= span[1]
