"""What a fix is: span edits on one file, a title, and whether it is safe to apply without review.

A *safe* fix keeps the program's meaning apart from the mistake it repairs, so ``--fix`` applies it. An
*unsafe* fix is usually right but may change behaviour the user wanted (a variable scope that now needs
reuse, a checkpoint name that changes, a model that gets fewer layers): ``--diff`` shows it and
``--fix --unsafe-fixes`` applies it, as ruff names them. Where no correct rewrite can be derived from the
code, the finding carries a :class:`NoFix` with the reason instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, List, Sequence, Tuple, Union

SAFE = "safe"
UNSAFE = "unsafe"


@dataclass(frozen=True)
class Edit:
    """Replace the text between two offsets of the decoded file (an insertion when they are equal)."""

    start: int
    end: int
    text: str

    def overlaps(self, other: "Edit") -> bool:
        if self == other:
            return False  # the same edit proposed twice is applied once
        if self.start == self.end == other.start == other.end:
            return True  # two insertions at one point: their order would matter
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Fix:
    """A repair of one finding: all its edits are applied together, or none."""

    title: str  # what it does, in a few words ("build a new cell per layer")
    safety: str  # SAFE or UNSAFE
    edits: Tuple[Edit, ...]

    @property
    def safe(self) -> bool:
        return self.safety == SAFE


@dataclass(frozen=True)
class NoFix:
    """Why a finding gets no automatic fix; the user reads ``reason`` after "no automatic fix: "."""

    reason: str


Outcome = Union[Fix, NoFix]


class NotRepeatable(Exception):
    """Raised by a fixer that cannot derive a correct fix; ``str(exc)`` tells the user why."""


def guarded(make: Callable[[], Fix]) -> Outcome:
    """``make()``'s fix, or the reason it gave up (a fixer raises NotRepeatable with the user's reason)."""
    try:
        return make()
    except NotRepeatable as exc:
        return NoFix(str(exc))


def select(fixes: Sequence[Fix]) -> Tuple[List[Fix], List[Fix]]:
    """(fixes to apply now, fixes skipped because they overlap one taken earlier), in the given order.

    Overlapping fixes are never merged: the skipped ones are computed again on the fixed text.
    """
    taken: List[Fix] = []
    skipped: List[Fix] = []
    accepted: List[Edit] = []
    for fix in fixes:
        if any(edit.overlaps(other) for edit in fix.edits for other in accepted):
            skipped.append(fix)
            continue
        taken.append(fix)
        accepted.extend(edit for edit in fix.edits if edit not in accepted)
    return taken, skipped


def distinct_edits(fixes: Iterable[Fix]) -> List[Tuple[int, int, str]]:
    """The edits of non-overlapping fixes, each once, as (start, end, text) in file order."""
    out: List[Tuple[int, int, str]] = []
    for fix in fixes:
        for edit in fix.edits:
            item = (edit.start, edit.end, edit.text)
            if item not in out:
                out.append(item)
    return sorted(out)
