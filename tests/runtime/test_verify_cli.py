"""The verifier's command line: formats, --output, usage errors, isolation. (TF runs come from conftest.)"""
from __future__ import annotations

import json


from pylint_rnn.verify import report, shim
from pylint_rnn.verify.cli import main


def test_sarif_is_minimal_valid_210(results):
    r = results["sarif_seed002"]
    assert r["rc"] == 1
    sarif = json.loads(r["stdout"])
    assert sarif["version"] == "2.1.0"
    [run] = sarif["runs"]
    assert run["tool"]["driver"]["name"] == "pylint-rnn-verify"
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["rnn-layers-as-timesteps"]
    [res] = run["results"]
    assert res["ruleId"] == "rnn-layers-as-timesteps" and res["level"] in ("warning", "note")
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "fixtures/runtime/seed002_layers_as_timesteps_buggy.py"
    assert loc["region"]["startLine"] == 15


def test_text_report_to_output_file_and_nothing_written_into_user_tree(results, sandbox):
    tree, out_file = sandbox
    r = results["sandbox"]
    assert r["rc"] == 1
    assert r["stdout"] == ""
    out = out_file.read_text()
    assert out.index("Findings:") < out.index("Recurrent layers and calls")
    assert "model.py:29: rnn-untrained-initial-state (confirmed)" in out
    assert "model.py:19: rnn-no-gradient (confirmed)" in out
    table = out[out.index("Recurrent layers and calls"):].splitlines()
    assert table[1].split()[:3] == ["id", "where", "api"]
    assert table[3].startswith("R1 ") and "dynamic_rnn" in table[3] and "non-trainable" in table[3]
    assert sorted(p.name for p in tree.iterdir()) == ["model.py"]


def test_usage_errors_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["missing.py"]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["not a target"]) == 2
    assert main(["pkg.nothere:build"]) == 2
    assert "cannot find module" in capsys.readouterr().err
    assert main(["x.py:1bad"]) == 2


def test_argparse_usage_error_exit_2(capsys):
    try:
        main(["--format", "xml", "x.py"])
    except SystemExit as exc:
        assert exc.code == 2
    else:
        raise AssertionError("argparse accepted --format xml")


def test_tf1_detection():
    """TF1 mode is chosen from API only TF1 has, read from the installed TensorFlow's API files."""
    assert shim.looks_tf1("import tensorflow as tf\nx = tf.placeholder(tf.float32)")
    assert shim.looks_tf1("from tensorflow.contrib import rnn")
    assert shim.looks_tf1("import tensorflow as tf\ncell = tf.nn.rnn_cell.LSTMCell(3)")
    assert shim.looks_tf1("import tensorflow as tflow\nh = tflow.layers.dense(x, 3)")
    assert shim.looks_tf1("import tensorflow as tf\nopt = tf.train.AdamOptimizer(0.1)")
    assert not shim.looks_tf1("import tensorflow as tf\nm = tf.keras.Sequential([tf.keras.layers.LSTM(3)])")
    assert not shim.looks_tf1("import tensorflow.compat.v1 as tf\ntf.placeholder(tf.float32)")
    # API that TF2 has too says nothing: tf.name_scope, tf.nn.relu, tf.gradients, tf.train.Checkpoint
    assert not shim.looks_tf1("import tensorflow as tf\nwith tf.name_scope('a'):\n    y = tf.nn.relu(x)\n"
                              "g = tf.gradients(y, x)\nck = tf.train.Checkpoint()")
    assert not shim.looks_tf1("cell = tf.nn.rnn_cell.LSTMCell(3)")  # no TensorFlow import: not TensorFlow


def test_compare_static_verdicts():
    result = {"status": "ok", "findings": [
        {"symbol": "rnn-no-gradient", "path": "a.py", "line": 3},
        {"symbol": "rnn-placeholder-roundtrip", "path": "a.py", "line": 9}]}
    static = [
        {"symbol": "rnn-placeholder-roundtrip", "path": "a.py", "line": 9, "message": ""},
        {"symbol": "rnn-same-cell-stacked", "path": "a.py", "line": 4, "message": ""},
        {"symbol": "rnn-time-axis-reduction", "path": "a.py", "line": 5, "message": ""},
    ]
    out = report.compare_static(result, static)
    assert [v["verdict"] for v in out["findings"]] == [
        "confirmed", "not reproduced", "not checkable at run time"]
    assert out["runtime_only"] == [{"symbol": "rnn-no-gradient", "path": "a.py", "line": 3}]
    failed = report.compare_static(dict(result, status="target-failed", findings=[]), static[1:2])
    assert failed["findings"][0]["verdict"].startswith("not checkable")
