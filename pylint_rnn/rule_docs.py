"""The documentation page of one rule, as Markdown: what SARIF carries as a rule's ``help.markdown``.

A stub until the generated docs pages land: for now a page is the rule's summary and description.
Callers depend only on :func:`page_markdown` and its signature.
"""
from __future__ import annotations

from pylint_rnn.rules import Rule


def page_markdown(rule: Rule) -> str:
    """The Markdown page of ``rule``."""
    return f"{rule.summary}\n\n{rule.description}\n"
