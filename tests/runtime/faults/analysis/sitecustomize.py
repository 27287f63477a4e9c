"""Fault injection for the tests: the verifier's analysis raises (imported at start-up of every process)."""
from pylint_rnn.verify import analysis


def _broken_analysis(rec):
    raise RuntimeError("injected fault in the analysis")


analysis.run_all = _broken_analysis
