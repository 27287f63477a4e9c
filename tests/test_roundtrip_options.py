"""rnn-placeholder-roundtrip's options change what it reports."""
from __future__ import annotations


from functional import FIXTURES, lint_files

SEED = FIXTURES / "seeds" / "seed000_question.py"
KERAS = FIXTURES / "checkers" / "rnn-placeholder-roundtrip" / "keras_layers_eval_op_run.py"
SYMBOL = "rnn-placeholder-roundtrip"


def _count(paths, options=()):
    found, _ = lint_files(paths, options)
    return sum(n for counter in found.values() for (_, symbol), n in counter.items() if symbol == SYMBOL)


def test_defaults_report_seed_and_fixture():
    assert _count([SEED, KERAS]) == 3


def test_training_op_names_option():
    # cls.optimizer is a visible minimize(): still a training op whatever the names option says.
    assert _count([SEED], ("--training-op-names=nothing",)) == 1


def test_ignore_names_option():
    assert _count([SEED], ("--roundtrip-ignore-names=.*input_place.*",)) == 0


def test_state_names_option():
    assert _count([KERAS], ("--state-names=seq_in",)) == 0


def test_session_names_option():
    # the seed's session is a parameter called sess: only its name says it is a session
    assert _count([SEED], ("--session-names=nomatch",)) == 0
