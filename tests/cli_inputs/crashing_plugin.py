"""Test-only pylint plugin whose checker (named ``rnn``, so the gate runs it) raises on ``explode()`` calls:
a crash of some plugin's checker on one file must not take the run down (see tests/test_cli_gate.py)."""
from pylint.checkers import BaseChecker


class CrashingChecker(BaseChecker):
    name = "rnn"
    msgs = {"W7989": ("Never emitted %s", "rnn-cli-crash-probe", "Only here to give the checker a message.")}

    def visit_call(self, node):
        if getattr(node.func, "name", None) == "explode":
            raise RuntimeError("the checker blew up")


def register(linter):
    linter.register_checker(CrashingChecker(linter))
