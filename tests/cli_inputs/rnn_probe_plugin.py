"""Test-only pylint plugin: a checker named ``rnn`` with one message per severity.

The CLI tests load it through a pylint configuration file (``load-plugins=rnn_probe_plugin``), as a user's
project would load any plugin, so the command's machinery (formats, exit codes, ``--fail-on``, baselines,
``-j``, configuration handling) is tested independently of what the real checkers flag. Its ids (W7990,
E7991, C7992) are outside the plugin's range (W7901-W7911).
"""
from pylint.checkers import BaseChecker


class RnnProbeChecker(BaseChecker):
    name = "rnn"
    msgs = {
        "W7990": (
            "Probe warning on a call to %s()",
            "rnn-cli-probe-warning",
            "Emitted by the CLI tests' probe plugin on every call to probe_warning().",
        ),
        "E7991": (
            "Probe error on a call to %s()",
            "rnn-cli-probe-error",
            "Emitted by the CLI tests' probe plugin on every call to probe_error().",
        ),
        "C7992": (
            "Probe note on a call to %s()",
            "rnn-cli-probe-note",
            "Emitted by the CLI tests' probe plugin on every call to probe_note().",
        ),
    }

    options = (
        (
            "rnn-probe-extra-warning-names",
            {
                "default": (),
                "type": "csv",
                "metavar": "<names>",
                "help": "More function names the probe warns about (tests that [rnn] options are honoured).",
            },
        ),
    )

    _SYMBOLS = {
        "probe_warning": "rnn-cli-probe-warning",
        "probe_error": "rnn-cli-probe-error",
        "probe_note": "rnn-cli-probe-note",
    }

    def visit_call(self, node):
        name = getattr(node.func, "name", None)
        if name in self._SYMBOLS:
            self.add_message(self._SYMBOLS[name], node=node, args=(name,))
        elif name and name in self.linter.config.rnn_probe_extra_warning_names:
            self.add_message("rnn-cli-probe-warning", node=node, args=(name,))


def register(linter):
    linter.register_checker(RnnProbeChecker(linter))
