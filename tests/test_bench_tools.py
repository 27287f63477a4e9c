"""The benchmark's own tools: the generated corpus is deterministic and valid, and the real-code scorer counts
what it says it counts. (Quick: no pylint run, no TensorFlow.)"""
from __future__ import annotations

import ast
import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


corpus = _load("corpus")
realcode = _load("realcode")


def test_generated_corpus_is_deterministic_and_parses(tmp_path):
    first = corpus.generate(tmp_path / "a", count=30, seed=5)
    second = corpus.generate(tmp_path / "b", count=30, seed=5)
    assert first == second
    for name in first:
        text = (tmp_path / "a" / name).read_text(encoding="utf-8")
        assert text == (tmp_path / "b" / name).read_text(encoding="utf-8")
        ast.parse(text)
        assert "#@" not in text and "$" not in text  # no template syntax left behind
        assert 120 <= text.count("\n") <= 600


def test_generated_corpus_covers_every_style_and_records_pitfall_lines(tmp_path):
    expected = corpus.generate(tmp_path, count=len(corpus.STYLES) * 4, seed=1)
    styles = {name.split("_", 1)[1].rsplit("_", 1)[0] for name in expected}
    assert styles == set(corpus.STYLES)
    pitfalls = [(name, line, symbol) for name, found in expected.items() for line, symbol in found]
    assert pitfalls and len(pitfalls) <= len(expected) // 10
    for name, line, symbol in pitfalls:
        assert symbol in corpus.SYMBOL_OF_FLAG.values()
        assert (tmp_path / name).read_text(encoding="utf-8").splitlines()[line - 1].strip()
    assert json.loads((tmp_path / "expected.json").read_text(encoding="utf-8")) == \
        {k: [list(x) for x in v] for k, v in expected.items()}


def test_template_conditions_nest():
    text = "a\n#@ if x\nb\n#@ if !y\nc\n#@ else\nd\n#@ end\n#@ else\ne\n#@ end\nf\n"
    assert corpus.preprocess(text, {"x": True, "y": False}) == "a\nb\nc\nf\n"
    assert corpus.preprocess(text, {"x": True, "y": True}) == "a\nb\nd\nf\n"
    assert corpus.preprocess(text, {}) == "a\ne\nf\n"


def _label(line, symbol="rnn-same-cell-stacked", verdict="pitfall", **extra):
    """A label on m.py of a made-up snapshot."""
    return {"repo": "o/r", "commit": "c" * 40, "path": "m.py", "line": line, "symbol": symbol,
            "verdict": verdict, "reason": "r", **extra}


def _finding(line, symbol="rnn-same-cell-stacked"):
    """A message on m.py."""
    return {"path": "m.py", "line": line, "symbol": symbol, "message": "msg"}


def test_scoring_counts_found_missed_false_and_unlabelled():
    """Tolerance, end_line, accept, not-pitfall and unlabelled messages, and the totals they give."""
    snap = {"repo": "o/r", "commit": "c" * 40, "files": ["m.py"]}
    labels = [_label(10), _label(20, end_line=22), _label(40), _label(50, verdict="not-pitfall"),
              _label(60, symbol="rnn-cell-per-timestep", accept=["rnn-layers-as-timesteps"])]
    findings = [_finding(11), _finding(22), _finding(50), _finding(70),
                _finding(60, "rnn-layers-as-timesteps"), _finding(10, "rnn-duplicate-variables")]
    result = realcode.score_snapshot(snap, labels, findings)
    assert [lab["line"] for lab in result["found"]] == [10, 20, 60]
    assert [lab["line"] for lab in result["missed"]] == [40]
    assert [f["line"] for f, _ in result["false_msgs"]] == [50]
    assert sorted(f["line"] for f in result["unlabelled"]) == [10, 70]  # wrong message on a pitfall line too
    overall, per = realcode.totals([result])
    assert (overall["pitfalls"], overall["found"], overall["messages"], overall["true"]) == (4, 3, 6, 3)
    assert per["rnn-cell-per-timestep"]["found"] == 1


def test_labels_in_unparseable_files_are_out_of_reach(tmp_path):
    (tmp_path / "m.py").write_text("print 'python 2'\n", encoding="utf-8")
    snap = {"repo": "o/r", "commit": "c" * 40, "files": ["m.py"]}
    result = realcode.score_snapshot(snap, [_label(1)], [], realcode.unparseable(tmp_path, ["m.py"]))
    assert not result["missed"] and len(result["unreachable"]) == 1


@pytest.mark.parametrize("field", ["repo", "commit", "path", "line", "symbol", "verdict", "reason"])
def test_manifest_labels_are_complete_and_point_at_listed_files(field):
    manifest = realcode.load_manifest()
    files = {(s["repo"], s["commit"]): set(s["files"]) for s in manifest["snapshots"]}
    for label in manifest["labels"]:
        assert label.get(field) not in (None, ""), label
        assert label["verdict"] in ("pitfall", "not-pitfall")
        assert label["path"] in files[(label["repo"], label["commit"])]
