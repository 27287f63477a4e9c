"""pylint-rnn-verify: the runtime verifier.

The parent side (``cli``, ``report``) never imports TensorFlow; the child side (``child``, ``shim``,
``probes``, ``analysis``, ``keras_checks``) runs the user's code with TensorFlow in a separate process.
See docs/verify.md.
"""
