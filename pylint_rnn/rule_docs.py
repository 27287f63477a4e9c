"""Renders each rule's documentation page from the registry and the rule's folder of examples.

A page is built from :mod:`pylint_rnn.rules` (id, symbol, summary, description, family, default state,
confidences, whether the verifier confirms it), from ``docs/messages/<symbol>/`` (``details.md``: the
prose in depth; ``bad.py`` with its pinned pylint output ``bad.txt``; ``good.py``) and from the options the
family's checkers declare. Its sections follow ruff's rule pages: title, summary, links, What it does, the
details, Example, Use instead, Options, Known gaps, Confirmed at run time, Fix safety (from the registry's
``fix_safety`` and the ``## Fix safety`` section of ``details.md``).

The rendered pages are committed as ``docs/messages/<symbol>.md`` (what README links and SARIF ``helpUri``
point at); ``python -m pylint_rnn.rule_docs --write`` regenerates them and ``--check`` fails on a stale one.
The examples are linted by the functional tests, so an example that stops firing breaks the build.
"""
from __future__ import annotations

import argparse
import csv
import importlib
import re
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from pylint_rnn import rules
from pylint_rnn.rules import Rule

PACKAGE_DIR = Path(__file__).resolve().parent
UP = "../../"  # from docs/messages/<symbol>.md back to the repository root
# Sections of details.md shown in a fixed place of the page rather than where details.md has them.
_MOVED_SECTIONS = ("Options", "Known gaps", "Fix safety")
_PLACEHOLDER = re.compile(r"%(\([^)]*\))?[-#0 +]*\d*(\.\d+)?[sdrifgex]")


def published_page(rule: Rule) -> str:
    """The rule's page as users get it: shipped in the wheel (pylint_rnn/pages/, see setup.py), rendered
    from the sources in a checkout, or, failing both, the registry's own text."""
    shipped = PACKAGE_DIR / "pages" / f"{rule.symbol}.md"
    if shipped.exists():
        return shipped.read_text(encoding="utf-8")
    if rule.docs_dir.is_dir():
        return page_markdown(rule)
    return f"# {rule.symbol} ({_title_note(rule)})\n\n**{rule.summary}**\n\n{rule.description}\n"


def page_markdown(rule: Rule) -> str:
    """The Markdown page of one rule (static or runtime-only)."""
    details, moved = _split_details(_read(rule.docs_dir / "details.md"))
    parts = [
        f"# {rule.symbol} ({_title_note(rule)})",
        f"**{rule.summary}**",
        _links(rule),
        "## What it does",
        rule.description,
        details,
        *_example_sections(rule),
        "## Options",
        _options_text(rule, moved["Options"]),
        "## Known gaps" if moved["Known gaps"] else "",
        moved["Known gaps"],
        "## Confirmed at run time",
        _runtime_text(rule),
        "## Fix safety",
        _fix_text(rule, moved["Fix safety"]),
    ]
    return "\n\n".join(part.strip() for part in parts if part.strip()) + "\n"


def _title_note(rule: Rule) -> str:
    if rule.runtime_only:
        return "runtime only"
    return rule.msgid if rule.default_enabled else f"{rule.msgid}, off by default"


def _links(rule: Rule) -> str:
    if rule.runtime_only:
        return f"Examples: {_link(_rel(rule.docs_dir) + '/')}"
    code = [_link(f"pylint_rnn/{kind}/{rule.family}.py") for kind in ("checkers", "analyses")
            if (PACKAGE_DIR / kind / f"{rule.family}.py").exists()]
    confidences = ", ".join(confidence.name for confidence in rule.confidences)
    return " ·\n".join([
        f"Code: {', '.join(code)}",
        f"fixtures: {_link(f'fixtures/checkers/{rule.symbol}/')}",
        f"examples: {_link(_rel(rule.docs_dir) + '/')}",
        f"confidence: {confidences}",
    ])


def _link(path: str) -> str:
    return f"[`{path}`]({UP}{path})"


def _rel(path: Path) -> str:
    return path.resolve().relative_to(PACKAGE_DIR.parent).as_posix()


def _example_sections(rule: Rule) -> List[str]:
    bad, good = rule.docs_dir / "bad.py", rule.docs_dir / "good.py"
    sections = []
    if bad.exists():
        sections += ["## Example", _code_block(_read(bad), "python"), _reported(rule)]
    if good.exists():
        sections += ["## Use instead", _code_block(_read(good), "python")]
    return sections


def _reported(rule: Rule) -> str:
    if rule.runtime_only:
        return (f"`pylint-rnn-verify` reports `{rule.symbol}` for this script at run time "
                "(pylint never reports this rule).")
    lines = [f"bad.py:{line}:{column}: {rule.msgid}: {message} ({symbol})"
             for symbol, line, column, message in pinned_messages(rule.docs_dir / "bad.txt")]
    enabled = "" if rule.default_enabled else f" with `--enable={rule.symbol}`"
    return f"pylint{enabled} reports (pinned in `bad.txt`):\n\n" + _code_block("\n".join(lines), "text")


def pinned_messages(path: Path) -> List[Tuple[str, str, str, str]]:
    """(symbol, line, column, message) of each row of a pinned pylint output (``<module>.txt``)."""
    with open(path, encoding="utf-8", newline="") as stream:
        return [(row[0], row[1], row[2], row[6]) for row in csv.reader(stream, delimiter=":")]


def _options_text(rule: Rule, prose: str) -> str:
    entries = [f"- `{name}` (default: `{default}`): {text}" for name, default, text in rule_options(rule)]
    if not rule.runtime_only and not entries:
        entries = ["No options change what this rule reports."]
    if not rule.runtime_only:
        entries.append(f"- Per line: `# pylint: disable={rule.symbol}`.")
    return "\n".join(entries) + ("\n\n" + prose if prose else "")


def rule_options(rule: Rule) -> List[Tuple[str, str, str]]:
    """(name, default, help) of the checker options that affect a rule.

    An option whose help names rules of its family affects those rules; one that names none affects every
    rule of the family.
    """
    if rule.runtime_only:
        return []
    family_symbols = [r.symbol for r in rules.family_rules(rule.family)]
    module = importlib.import_module(f"pylint_rnn.checkers.{rule.family}")
    found = []
    for checker in module.CHECKERS:
        for name, definition in checker.options:
            text = " ".join(definition.get("help", "").split())
            named = [symbol for symbol in family_symbols if symbol in text]
            if rule.symbol in named or not named:
                found.append((name, _default_text(definition.get("default")), text))
    return found


def _default_text(default: object) -> str:
    if isinstance(default, (list, tuple)):
        return ",".join(getattr(item, "pattern", str(item)) for item in default) or "(none)"
    return getattr(default, "pattern", str(default)) if default not in (None, "") else "(none)"


def _runtime_text(rule: Rule) -> str:
    verify = "[`pylint-rnn-verify`](../verify.md)"
    if rule.runtime_only:
        return f"Found at run time only: {verify} reports it after building the graph; pylint never does."
    if rule.verifiable:
        return (f"Yes: {verify} builds the graph with TensorFlow and marks this finding confirmed when the "
                "graph shows the problem.")
    return f"No: {verify} does not check this rule; the finding is static only."


def _fix_text(rule: Rule, prose: str) -> str:
    """Whether `pylint-rnn lint --fix` fixes the rule (the registry's fix_safety), then details.md's why."""
    if rule.fix_safety == rules.FIX_SAFE:
        head = ("**Safe fix.** `pylint-rnn lint --fix` applies it; `pylint-rnn lint --diff` shows it first "
                "(see [Fixes](../ci.md#fixes)).")
    elif rule.fix_safety == rules.FIX_UNSAFE:
        head = ("**Unsafe fix.** `pylint-rnn lint --diff` shows it; only `pylint-rnn lint --fix --unsafe-fixes` "
                "applies it, because it is usually but not always what the code meant (see "
                "[Fixes](../ci.md#fixes)).")
    else:
        fix = _PLACEHOLDER.sub("…", rule.fix)
        if rule.runtime_only or not re.search(r"\w", fix):  # the whole fix text is filled in per finding
            head = "**No automatic fix.** The message says what to do in each case."
        else:
            head = f"**No automatic fix.** The message says what to do: *{fix}*."
    return head + ("\n\n" + prose if prose else "")


def _split_details(text: str) -> Tuple[str, Dict[str, str]]:
    """details.md without the sections the page shows elsewhere, and those sections' bodies by heading."""
    moved = {}
    for heading in _MOVED_SECTIONS:
        match = re.search(rf"^## {heading}[ \t]*\n(?P<body>.*?)(?=^## |\Z)", text, re.M | re.S)
        moved[heading] = match.group("body").strip() if match else ""
        if match:
            text = text[:match.start()] + text[match.end():]
    return text.strip(), moved


def _code_block(text: str, language: str) -> str:
    return f"```{language}\n{text.rstrip()}\n```"


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


# --- the committed pages ------------------------------------------------------------------------------------


def page_path(rule: Rule, root: Path) -> Path:
    return root / rule.docs_page


def stale_pages(root: Path, selected: Iterable[Rule] = rules.RULES) -> List[Path]:
    """The committed pages under root that differ from their rendering (or are missing)."""
    return [page_path(rule, root) for rule in selected
            if _read(page_path(rule, root)) != page_markdown(rule)]


def write_pages(root: Path, selected: Iterable[Rule] = rules.RULES) -> List[Path]:
    """Write every rule's page under root; returns the pages that changed."""
    changed = []
    for rule in selected:
        path = page_path(rule, root)
        text = page_markdown(rule)
        if _read(path) != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m pylint_rnn.rule_docs [--write | --check] [--root DIR] [SYMBOL ...]``; the exit status."""
    parser = argparse.ArgumentParser(prog="python -m pylint_rnn.rule_docs",
                                     description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("symbols", nargs="*", help="print these rules' pages (default: every rule)")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="write the pages to <root>/docs/messages/")
    action.add_argument("--check", action="store_true", help="exit 1 if a committed page is stale")
    parser.add_argument("--root", type=Path, default=Path("."), help="repository root (default: .)")
    args = parser.parse_args(argv)
    selected = [rules.rule(symbol) for symbol in args.symbols] or list(rules.RULES)
    if args.write:
        for path in write_pages(args.root, selected):
            print(f"wrote {path}")
        return 0
    if args.check:
        stale = stale_pages(args.root, selected)
        for path in stale:
            print(f"stale: {path} (run: python -m pylint_rnn.rule_docs --write)", file=sys.stderr)
        return 1 if stale else 0
    sys.stdout.write("\n".join(page_markdown(rule) for rule in selected))
    return 0


if __name__ == "__main__":
    sys.exit(main())
