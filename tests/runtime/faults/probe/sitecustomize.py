"""Fault injection for the tests: the variable-creation probe raises (imported at start-up of every process)."""
from pylint_rnn.verify import probes_graph


def _broken_probe(self, var):
    raise KeyError("injected fault in a probe")


probes_graph.GraphProbes.on_variable = _broken_probe
