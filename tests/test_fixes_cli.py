"""`pylint-rnn lint --diff / --fix / --unsafe-fixes` as a user runs them: output, exit status, what is
written, encodings and line endings, overlapping fixes, and the fixes carried by SARIF results."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from fixes_harness import FIX_CASES, findings, no_fix_notes, run_cli, workspace

from pylint_rnn.fixes.command import UNSAFE_HEADER

STACKED = b'''import tensorflow as tf


def model(x, depth):
    cell = tf.nn.rnn_cell.LSTMCell(32)  # one cell ...
    stack = tf.nn.rnn_cell.MultiRNNCell([cell] * depth)  # ... for every layer
    return tf.nn.dynamic_rnn(stack, x, dtype=tf.float32)
'''
STACKED_FIXED = STACKED.replace(b"[cell] * depth", b"[tf.nn.rnn_cell.LSTMCell(32) for _ in range(depth)]")
CORRECT = b'''import tensorflow as tf


def model(x, depth):
    cells = [tf.nn.rnn_cell.LSTMCell(32) for _ in range(depth)]
    return tf.nn.dynamic_rnn(tf.nn.rnn_cell.MultiRNNCell(cells), x, dtype=tf.float32)
'''
NOT_SHARED = (FIX_CASES / "rnn-variable-not-shared" / "reuse_styles.py").read_bytes()


# --- --diff ------------------------------------------------------------------------------------------------


def test_diff_prints_the_fix_writes_nothing_and_exits_1(tmp_path):
    root = workspace(tmp_path, {"model.py": STACKED, "clean.py": CORRECT})
    code, out, err = run_cli(["lint", "--diff", "."], root)
    assert code == 1
    assert out.startswith("--- a/model.py\n+++ b/model.py\n@@ ")
    assert "-    stack = tf.nn.rnn_cell.MultiRNNCell([cell] * depth)  # ... for every layer\n" in out
    assert "+    stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(32) for _ in range(depth)])" in out
    assert "clean.py" not in out
    assert (root / "model.py").read_bytes() == STACKED and (root / "clean.py").read_bytes() == CORRECT
    assert "1 fix shown" in err


def test_diff_of_correct_code_is_empty_and_exits_0(tmp_path):
    root = workspace(tmp_path, {"clean.py": CORRECT})
    assert run_cli(["lint", "--diff", "."], root)[:2] == (0, "")


def test_diff_applies_with_patch_and_gives_what_fix_writes(tmp_path):
    files = {"model.py": STACKED, "styles.py": (FIX_CASES / "rnn-same-cell-stacked" / "tf1_repeat.py").read_bytes()}
    root = workspace(tmp_path, files)
    _, diff, _ = run_cli(["lint", "--diff", "."], root)
    subprocess.run(["patch", "-p1", "-s"], input=diff.encode(), cwd=root, check=True)
    patched = {name: (root / name).read_bytes() for name in files}
    root = workspace(tmp_path, files)
    run_cli(["lint", "--fix", "."], root)
    assert patched == {name: (root / name).read_bytes() for name in files}


def test_unsafe_fixes_are_shown_apart_and_only_applied_on_request(tmp_path):
    root = workspace(tmp_path, {"gan.py": NOT_SHARED})
    code, out, err = run_cli(["lint", "--diff", "."], root)
    assert code == 1 and out.startswith(UNSAFE_HEADER)
    assert "+        kernel = tf.get_variable('kernel', shape=[784, 1]" in out
    assert "unsafe fix available (--unsafe-fixes)" in err
    code, out, _ = run_cli(["lint", "--diff", "--unsafe-fixes", "."], root)
    assert code == 1 and UNSAFE_HEADER not in out and out.startswith("--- a/gan.py")
    run_cli(["lint", "--fix", "."], root)
    assert (root / "gan.py").read_bytes() == NOT_SHARED
    run_cli(["lint", "--fix", "--unsafe-fixes", "."], root)
    assert b"tf.Variable(" not in (root / "gan.py").read_bytes()


def test_findings_without_a_fix_say_why(tmp_path):
    root = workspace(tmp_path, {"nofix.py": (FIX_CASES / "rnn-same-cell-stacked" / "no_fix.py").read_bytes()})
    code, out, err = run_cli(["lint", "--diff", "."], root)
    assert (code, out) == (0, "")  # nothing to fix
    notes = no_fix_notes(err)
    assert len(notes) == 6
    assert any("'size' does not mean the same where the cell is used" in note for note in notes)
    assert any("is not assigned a construction here" in note for note in notes)
    assert any("would drop a comment" in note for note in notes)


def test_diff_to_an_output_file(tmp_path):
    root = workspace(tmp_path, {"model.py": STACKED})
    code, out, _ = run_cli(["lint", "--diff", "--output", "fixes.diff", "."], root)
    assert (code, out) == (1, "")
    assert (root / "fixes.diff").read_text().startswith("--- a/model.py")


# --- --fix -------------------------------------------------------------------------------------------------


def test_fix_applies_then_reports_what_remains(tmp_path):
    no_fix = (FIX_CASES / "rnn-same-cell-stacked" / "no_fix.py").read_bytes()
    root = workspace(tmp_path, {"model.py": STACKED, "nofix.py": no_fix, "clean.py": CORRECT})
    code, out, err = run_cli(["lint", "--fix", "."], root)
    assert code == 1  # the findings without a fix remain
    assert (root / "model.py").read_bytes() == STACKED_FIXED
    assert (root / "nofix.py").read_bytes() == no_fix and (root / "clean.py").read_bytes() == CORRECT
    assert "fixed 1 finding in 1 file" in err
    assert [line.split(":")[0] for line in out.splitlines()] == ["nofix.py"] * 6
    assert [(path, symbol) for path, symbol, _ in findings(root)] == [("nofix.py", "rnn-same-cell-stacked")] * 6


def test_fix_everything_exits_0_and_the_plugin_is_silent(tmp_path):
    root = workspace(tmp_path, {"model.py": STACKED})
    code, out, err = run_cli(["lint", "--fix", "--format", "json", "."], root)
    assert code == 0 and json.loads(out) == []
    assert "fixed 1 finding in 1 file" in err
    assert findings(root) == []


def test_a_second_fix_changes_nothing(tmp_path):
    root = workspace(tmp_path, {"model.py": STACKED})
    run_cli(["lint", "--fix", "."], root)
    code, _, err = run_cli(["lint", "--fix", "."], root)
    assert code == 0 and "fixed 0 findings in 0 files" in err
    assert (root / "model.py").read_bytes() == STACKED_FIXED


def test_a_file_that_does_not_parse_is_left_alone(tmp_path):
    broken = b"import tensorflow as tf\ncell = tf.nn.rnn_cell.LSTMCell(4\n"
    root = workspace(tmp_path, {"broken.py": broken})
    code, _, err = run_cli(["lint", "--fix", "."], root)
    assert code in (0, 1) and "Traceback" not in err
    assert (root / "broken.py").read_bytes() == broken


# --- bytes: encodings, BOM, line endings ---------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["crlf", "bom", "latin-1", "cr"])
def test_fix_keeps_encoding_bom_and_line_endings(tmp_path, variant):
    def encode(text: bytes) -> bytes:
        if variant == "crlf":
            return text.replace(b"\n", b"\r\n")
        if variant == "cr":
            return text.replace(b"\n", b"\r")
        if variant == "bom":
            return b"\xef\xbb\xbf" + text.replace(b"# one cell", "# één cell".encode("utf-8"))
        header = b"# -*- coding: latin-1 -*-\n"
        return header + text.replace(b"# one cell", "# één cell".encode("latin-1"))

    root = workspace(tmp_path, {"model.py": encode(STACKED)})
    run_cli(["lint", "--fix", "."], root)
    assert (root / "model.py").read_bytes() == encode(STACKED_FIXED)


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
def test_non_ascii_before_the_edit_on_the_same_line(tmp_path, encoding):
    header = "# -*- coding: latin-1 -*-\n" if encoding == "latin-1" else ""
    text = (header + "import tensorflow as tf\ncell = tf.nn.rnn_cell.GRUCell(4)\n"
            "note, stack = 'é→', tf.nn.rnn_cell.MultiRNNCell([cell] * 2)  # ü\n")
    if encoding == "latin-1":
        text = text.replace("→", "")
    root = workspace(tmp_path, {"m.py": text.encode(encoding)})
    run_cli(["lint", "--fix", "."], root)
    expected = text.replace("[cell] * 2", "[tf.nn.rnn_cell.GRUCell(4) for _ in range(2)]")
    assert (root / "m.py").read_bytes() == expected.encode(encoding)


def test_crlf_diff_applies_to_the_crlf_file(tmp_path):
    crlf = STACKED.replace(b"\n", b"\r\n")
    root = workspace(tmp_path, {"model.py": crlf})
    _, diff, _ = run_cli(["lint", "--diff", "."], root)
    assert "\r\n" in diff
    subprocess.run(["patch", "-p1", "-s", "--binary"], input=diff.encode(), cwd=root, check=True)
    assert (root / "model.py").read_bytes() == STACKED_FIXED.replace(b"\n", b"\r\n")


# --- overlapping fixes -------------------------------------------------------------------------------------

OVERLAP = b'''import tensorflow as tf


def birnn(x):
    cell = tf.nn.rnn_cell.GRUCell(8)
    # The backward stack repeats the forward cell, and repeats it twice: two findings, one span.
    return tf.nn.bidirectional_dynamic_rnn(cell, tf.nn.rnn_cell.MultiRNNCell([cell] * 2), x, dtype=tf.float32)
'''


def test_overlapping_fixes_are_redone_on_the_fixed_text(tmp_path):
    root = workspace(tmp_path, {"birnn.py": OVERLAP})
    assert len(findings(root)) == 2
    _, diff, _ = run_cli(["lint", "--diff", "."], root)
    code, _, err = run_cli(["lint", "--fix", "."], root)
    assert code == 0 and findings(root) == []
    fixed = (root / "birnn.py").read_bytes()
    assert b"tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(8) for _ in range(2)])" in fixed
    root = workspace(tmp_path, {"birnn.py": OVERLAP})
    subprocess.run(["patch", "-p1", "-s"], input=diff.encode(), cwd=root, check=True)
    assert (root / "birnn.py").read_bytes() == fixed  # --diff shows what --fix does, rounds included


# --- SARIF -------------------------------------------------------------------------------------------------


def test_sarif_results_carry_their_fixes(tmp_path):
    root = workspace(tmp_path, {"model.py": STACKED, "gan.py": NOT_SHARED})
    code, out, _ = run_cli(["lint", "--format", "sarif", "."], root)
    assert code == 1
    results = json.loads(out)["runs"][0]["results"]
    with_fixes = [r for r in results if r.get("fixes")]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in with_fixes} == {
        "model.py", "gan.py"}
    descriptions = sorted(r["fixes"][0]["description"]["text"] for r in with_fixes)
    assert any(text.endswith("(safe fix)") for text in descriptions)
    assert any(text.endswith("(unsafe fix)") for text in descriptions)
    # Applying the SARIF replacements of the safe fix gives what --fix writes.
    [safe] = [r for r in with_fixes if r["fixes"][0]["description"]["text"].endswith("(safe fix)")]
    change = safe["fixes"][0]["artifactChanges"][0]
    assert change["artifactLocation"] == {"uri": "model.py", "uriBaseId": "%SRCROOT%"}
    assert _apply_sarif(STACKED.decode(), change["replacements"]) == STACKED_FIXED.decode()


def _apply_sarif(text: str, replacements: list) -> str:
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1

    for replacement in sorted(replacements, key=lambda r: (r["deletedRegion"]["startLine"],
                                                           r["deletedRegion"]["startColumn"]), reverse=True):
        region = replacement["deletedRegion"]
        start = offset(region["startLine"], region["startColumn"])
        end = offset(region["endLine"], region["endColumn"])
        text = text[:start] + replacement["insertedContent"]["text"] + text[end:]
    return text


def test_git_apply_accepts_the_diff(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    files = {"model.py": STACKED, "gan.py": NOT_SHARED}
    root = workspace(tmp_path, files)
    _, diff, _ = run_cli(["lint", "--diff", "--unsafe-fixes", "."], root)
    (root / ".git").rmdir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "apply", "-"], input=diff.encode(), cwd=root, check=True)
    assert (root / "model.py").read_bytes() == STACKED_FIXED
