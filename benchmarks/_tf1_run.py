"""Baseline runner for TF1-style runtime fixtures: run SCRIPT as __main__ on the TF1 facade, nothing else.

A TF1 script (``tf.placeholder``, ``tf.Session``...) cannot run on TensorFlow 2 as plain ``python script.py``.
The fair baseline for the verifier is the same script on the same TF1 facade the verifier installs
(``pylint_rnn.verify.shim``), without the verifier's probes, child process and analysis.
"""
import os
import runpy
import sys

from pylint_rnn.verify import shim

if __name__ == "__main__":
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    sys.path[0] = os.path.dirname(os.path.abspath(script))  # as `python script.py` would have it
    shim.install()
    runpy.run_path(script, run_name="__main__")
