"""The fix engine's text arithmetic and edit selection, on their own."""
from __future__ import annotations

import astroid
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pylint_rnn.fixes.edits import SAFE, Edit, Fix, select
from pylint_rnn.fixes.source import SourceFile, has_comment, unified_diff


def _source(text: str, encoding: str = "utf-8") -> SourceFile:
    return SourceFile.from_bytes(text.encode(encoding), "m.py")


def test_astroid_positions_map_to_text_offsets_through_non_ascii():
    text = "x = 'ünï'; y = [c] * 2\r\nz = 1\n"
    source = _source(text)
    binop = next(astroid.parse(text).nodes_of_class(astroid.nodes.BinOp))
    assert source.segment(binop) == "[c] * 2"
    assert source.position(text.index("z")) == (2, 0)


def test_edits_are_applied_to_the_bytes_outside_untouched():
    raw = "# -*- coding: latin-1 -*-\r\nname = 'café'; cells = [c] * 2\r\n".encode("latin-1")
    source = SourceFile.from_bytes(raw, "m.py")
    start = source.text.index("[c] * 2")
    text, new_raw = source.replaced([(start, start + len("[c] * 2"), "[f() for _ in range(2)]")])
    assert new_raw == raw.replace(b"[c] * 2", b"[f() for _ in range(2)]")
    assert text == new_raw.decode("latin-1")


def test_a_bom_stays_and_is_not_part_of_the_text():
    source = SourceFile.from_bytes(b"\xef\xbb\xbfa = 1\n", "m.py")
    assert source.text == "a = 1\n" and source.encoding == "utf-8-sig"
    _, raw = source.replaced([(4, 5, "2")])
    assert raw == b"\xef\xbb\xbfa = 2\n"


def test_overlapping_edits_are_refused():
    with pytest.raises(ValueError):
        _source("abcdef").replaced([(0, 3, "x"), (2, 4, "y")])


def test_select_takes_non_overlapping_fixes_in_order_and_dedupes_identical_edits():
    first = Fix("a", SAFE, (Edit(0, 5, "x"),))
    same = Fix("b", SAFE, (Edit(0, 5, "x"),))
    overlapping = Fix("c", SAFE, (Edit(3, 8, "y"),))
    later = Fix("d", SAFE, (Edit(8, 9, "z"),))
    insertions = Fix("e", SAFE, (Edit(9, 9, "p"),)), Fix("f", SAFE, (Edit(9, 9, "q"),))
    taken, skipped = select([first, same, overlapping, later, *insertions])
    assert taken == [first, same, later, insertions[0]]
    assert skipped == [overlapping, insertions[1]]


def test_unified_diff_keeps_crlf_in_the_lines():
    before = _source("a = 1\r\nb = 2\r\n")
    after = before.with_bytes(b"a = 1\r\nb = 3\r\n")
    diff = unified_diff(before, after, "m.py")
    assert diff.splitlines(keepends=True)[:2] == ["--- a/m.py\n", "+++ b/m.py\n"]
    assert "-b = 2\r\n" in diff and "+b = 3\r\n" in diff


def test_has_comment_ignores_hashes_in_strings():
    assert has_comment("[c] *  # two\n 2")
    assert not has_comment("f('#not a comment')")


@given(st.text(alphabet=st.sampled_from(list("ab é\t\r\n#'")), max_size=40),
       st.integers(0, 40), st.integers(0, 40), st.text(alphabet="xyé\n", max_size=5))
def test_one_edit_changes_exactly_its_span(text, start, length, new):
    source = _source(text)
    start = min(start, len(source.text))
    end = min(start + length, len(source.text))
    new_text, raw = source.replaced([(start, end, new)])
    assert new_text == source.text[:start] + new + source.text[end:]
    assert raw == new_text.encode("utf-8")
