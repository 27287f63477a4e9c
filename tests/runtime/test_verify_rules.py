"""Every finding the verifier emits names a rule of the registry (pylint_rnn/rules.py).

The first two tests read the verifier's sources (fast, no TensorFlow); the last checks the findings of the
runtime fixtures actually reported.
"""
from __future__ import annotations

import ast
from pathlib import Path

from pylint_rnn import rules

VERIFY_DIR = Path(rules.__file__).with_name("verify")


def _add_finding_calls():
    """(file name, call node) for every ``<recorder>.add_finding(...)`` in pylint_rnn/verify/."""
    for path in sorted(VERIFY_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "add_finding":
                yield path.name, node


def _emitted_symbols():
    symbols = {}
    for name, call in _add_finding_calls():
        first = call.args[0] if call.args else None
        assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
            f"{name}:{call.lineno}: add_finding's symbol must be a string literal, so this test can check it")
        symbols.setdefault(first.value, []).append(f"{name}:{call.lineno}")
    return symbols


def test_every_add_finding_symbol_is_a_rule():
    symbols = _emitted_symbols()
    assert symbols, "no add_finding call found: the scan is broken"
    for symbol, where in symbols.items():
        assert rules.is_rule(symbol), f"{symbol} ({', '.join(where)}) is not in pylint_rnn/rules.py"
        assert rules.rule(symbol).verifiable, f"{symbol} ({', '.join(where)}) is not marked verifiable"


def test_verifiable_rules_are_the_ones_the_verifier_emits():
    """``verifiable=True`` in the registry means: the verifier has a check that can report it."""
    verifiable = {r.symbol for r in rules.RULES if r.verifiable}
    assert set(_emitted_symbols()) == verifiable


def test_reported_findings_are_rules(results):
    reported = {f["symbol"] for res in results.values() if res["json"] for f in res["json"]["findings"]}
    assert reported, "the runtime fixtures reported nothing"
    assert all(rules.is_rule(symbol) for symbol in reported), sorted(reported)
