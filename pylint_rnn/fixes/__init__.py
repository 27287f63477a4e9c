"""Fixes: ``pylint-rnn lint --diff`` / ``--fix`` / ``--unsafe-fixes``.

A fix is a set of span edits on one file (:mod:`~pylint_rnn.fixes.edits`), applied to the file's bytes so
that every other character, comment, encoding declaration, byte-order mark and line ending stays as it was
(:mod:`~pylint_rnn.fixes.source`). Each rule that has fixes has a fixer that derives them from the
analysis that reported the finding (:mod:`~pylint_rnn.fixes.cells`, :mod:`~pylint_rnn.fixes.variables`),
repeating a construction only where that is provably the same program
(:mod:`~pylint_rnn.fixes.construction`); :mod:`~pylint_rnn.fixes.engine` finds each reported finding's
code again and applies what may be applied; :mod:`~pylint_rnn.fixes.command` is the command line.

Whether a rule's fixes are safe, unsafe, or do not exist is written in the registry
(:attr:`pylint_rnn.rules.Rule.fix_safety`) and on each rule's page.
"""
