"""`pylint-rnn lint` as a CI gate on a legacy repository, the way a new user first runs it.

The repository has what real legacy code has: stale pragmas that pylint 4 complains about
(`# pylint: disable=bad-continuation`, unknown message ids, misspelt pragmas, `skip-file`), an old
configuration with removed options, a classifier that mean-pools over time on purpose, a virtual
environment, a git-ignored build folder and tool folders full of code, and real RNN findings. The gate must
fail on the real findings only, fast, and say so plainly.
"""
import json
import os
import pty
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pylint_rnn import rules

sys.path.insert(0, str(Path(__file__).parent / "cli_inputs"))
from cli_helpers import INPUTS, REPO, command, env, make_project, real_symbols, run  # noqa: E402
from sarif_check import check_sarif  # noqa: E402

pytestmark = pytest.mark.skipif(
    "rnn-same-cell-stacked" not in real_symbols(), reason="the rnn-same-cell-stacked checker is not installed"
)

STACKED_MODEL = '''\
# pylint: disable=bad-continuation,no-self-use
"""Legacy model code: pragmas for messages pylint removed long ago."""
import tensorflow as tf  # pylint: disable=import-error


def build(x):  # pylint: disable=unused-argument,bad-whitespace
    cell = tf.nn.rnn_cell.LSTMCell(8)
    return tf.nn.rnn_cell.MultiRNNCell([cell] * 3)  # pylint: disable=W9999
'''
CLASSIFIER = '''\
"""Mean-pools an RNN's outputs over time, on purpose (a sequence classifier)."""
import tensorflow as tf

# pylint: disabel=unused-import
inputs = tf.placeholder(tf.float32, [None, 20, 8])
cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(32) for _ in range(2)])
outputs, _ = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
pooled = tf.reduce_mean(outputs, axis=1)  # pylint: disable=
'''
VENDORED = '''\
# pylint: skip-file
import tensorflow as tf
cell = tf.nn.rnn_cell.LSTMCell(8)
stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)
'''
OLD_PYLINTRC = """\
[MASTER]
load-plugins=
[MESSAGES CONTROL]
disable=bad-continuation,no-self-use,print-statement
enable=useless-suppression,locally-disabled,suppressed-message,bad-inline-option,file-ignored
[FORMAT]
no-space-check=trailing-comma
[EXCEPTIONS]
overgeneral-exceptions=Exception
"""
STACKED = (INPUTS / "stacked.py").read_text(encoding="utf-8")
FAST = ["--ignored-modules=tensorflow"]  # plain pylint's own checks would load TensorFlow's modules: 20 s
STALE = ("useless-option-value", "unknown-option-value", "unrecognized-inline-option", "bad-inline-option",
         "file-ignored", "locally-disabled", "suppressed-message", "useless-suppression", "unrecognized-option",
         "Traceback")


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def legacy(tmp_path):
    root = tmp_path / "legacy"
    root.mkdir()
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(root)], check=True, env=env(root))
    else:
        (root / ".git").mkdir()
    write(root / ".pylintrc", OLD_PYLINTRC)
    write(root / ".gitignore", "build/\n*.egg-info/\n")
    write(root / "src" / "models" / "__init__.py", "")
    write(root / "src" / "models" / "stacked.py", STACKED_MODEL)
    write(root / "src" / "models" / "classifier.py", CLASSIFIER)
    write(root / "src" / "third_party" / "vendored.py", VENDORED)
    # Code that is not the project's: each would be a finding (or a syntax error) if it were linted.
    write(root / ".venv" / "pyvenv.cfg", "home = /usr/bin\n")
    for i in range(40):
        write(root / ".venv" / "lib" / "python3.11" / "site-packages" / f"pkg{i}" / "model.py", STACKED)
    write(root / ".venv" / "lib" / "python3.11" / "site-packages" / "py2only.py", 'print "hello"\n')
    write(root / "build" / "lib" / "models" / "stacked.py", STACKED_MODEL)
    write(root / "pkg.egg-info" / "stale.py", STACKED)
    for folder in (".tox/py38/lib", "node_modules/pyodide", "src/models/__pycache__", ".nox/lint"):
        write(root / folder / "copy.py", STACKED)
    return root


def lint(root, *args, extra_env=None):
    environment = dict(env(root), **(extra_env or {}))
    return subprocess.run(command("pylint-rnn") + ["lint", *args], cwd=root, env=environment,
                          capture_output=True, text=True, timeout=600)


def findings_of(proc):
    return [(f["path"], f["line"], f["symbol"]) for f in json.loads(proc.stdout)]


# ------------------------------------------------------------------------------------ the legacy gate
def test_pylint_itself_trips_on_the_legacy_pragmas(legacy):
    """The premise: plain pylint with the plugin reports the stale pragmas (and the vendored copies)."""
    proc = run(["pylint", "--load-plugins=pylint_rnn", *FAST, "--score=n", "src"], legacy)
    for symbol in STALE[:-1]:
        assert symbol in proc.stdout, (symbol, proc.stdout)


@pytest.mark.parametrize("jobs", [[], ["-j", "2"]], ids=["j1", "j2"])
def test_legacy_repository_gates_on_its_real_findings_only(legacy, jobs):
    proc = lint(legacy, "--format", "json", *jobs)
    assert proc.returncode == 1, proc.stderr
    assert findings_of(proc) == [("src/models/stacked.py", 8, "rnn-same-cell-stacked")]
    assert proc.stderr.splitlines() == ["pylint-rnn: 1 finding in 4 files: 1 warning"], proc.stderr
    for word in STALE:
        assert word not in proc.stdout + proc.stderr


def test_legacy_repository_text_sarif_and_threshold(legacy):
    proc = lint(legacy)
    assert proc.stdout.startswith("src/models/stacked.py:8:12: rnn-same-cell-stacked: ")
    assert proc.stdout.count("\n") == 1
    proc = lint(legacy, "--format", "sarif", "--output", "out.sarif")
    log = json.loads((legacy / "out.sarif").read_text(encoding="utf-8"))
    assert check_sarif(log) == []
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["rnn-same-cell-stacked"]
    proc = lint(legacy, "--fail-on", "error")
    assert proc.returncode == 0
    assert proc.stderr.splitlines()[-1] == (
        "pylint-rnn: 1 finding below the --fail-on threshold (error): they do not fail the run")


def test_named_files_are_checked_even_when_ignored(legacy):
    proc = lint(legacy, "--format", "json", "build/lib/models/stacked.py", "src/third_party/vendored.py")
    assert findings_of(proc) == [("build/lib/models/stacked.py", 8, "rnn-same-cell-stacked")]  # skip-file honoured


# ------------------------------------------------------------------------------------- opt-in rules
OPT_IN_CONFIGS = {
    "pyproject": ("pyproject.toml", '[tool.pylint."messages control"]\nenable = ["rnn-time-axis-reduction"]\n'),
    "pyproject-disable-all": ("pyproject.toml", '[tool.pylint."messages control"]\ndisable = ["all"]\n'
                              'enable = ["rnn", "rnn-time-axis-reduction"]\n'),
    "pylintrc": (".pylintrc", "[MESSAGES CONTROL]\nenable=rnn-time-axis-reduction\n"),
    "pylintrc-by-id": (".pylintrc", "[MESSAGES CONTROL]\nenable=C7908\n"),
    "setup.cfg": ("setup.cfg", "[pylint.messages_control]\nenable=rnn-time-axis-reduction\n"),
}


@pytest.mark.parametrize("config", list(OPT_IN_CONFIGS), ids=list(OPT_IN_CONFIGS))
def test_opt_in_rule_runs_when_the_configuration_enables_it(legacy, config):
    name, text = OPT_IN_CONFIGS[config]
    (legacy / ".pylintrc").unlink()
    write(legacy / name, text)
    proc = lint(legacy, "--format", "json")
    found = json.loads(proc.stdout)
    assert [(f["path"], f["symbol"]) for f in found] == [
        ("src/models/classifier.py", "rnn-time-axis-reduction"), ("src/models/stacked.py", "rnn-same-cell-stacked")]
    assert "reduce_mean averages the outputs" in found[0]["message"]


def test_opt_in_rule_from_rcfile(legacy):
    write(legacy / "ci" / "gate.rc", "[MESSAGES CONTROL]\nenable=rnn-time-axis-reduction\n")
    proc = lint(legacy, "--format", "json", "--rcfile", "ci/gate.rc", "src/models/classifier.py")
    assert [f["symbol"] for f in json.loads(proc.stdout)] == ["rnn-time-axis-reduction"]


@pytest.mark.parametrize(
    "argv",
    [
        ["pylint-rnn", "lint", "src"],
        ["pylint", "--load-plugins=pylint_rnn", *FAST, "src"],
        ["pylint", "--load-plugins=pylint_rnn", "--disable=all", "--enable=rnn", "src"],
        ["pylint", "--load-plugins=pylint_rnn", *FAST, "--enable=rnn", "src"],
    ],
    ids=["gate", "plain", "only-rnn", "enable-rnn"],
)
def test_opt_in_rule_stays_off_everywhere_else(legacy, argv):
    proc = run(argv, legacy)
    assert "rnn-same-cell-stacked" in proc.stdout
    assert "rnn-time-axis-reduction" not in proc.stdout and "C7908" not in proc.stdout


# ----------------------------------------------------------------------------------------- crashes
def test_a_crash_is_one_line_and_leaves_no_crash_report(tmp_path):
    root = make_project(tmp_path / "p", probe=False)
    write(root / "gen" / "big.py", "x = " + " + ".join(["a"] * 900) + "\n")
    write(root / "model.py", STACKED)
    home, pylint_home, tmp = tmp_path / "home", tmp_path / "pylinthome", tmp_path / "tmp"
    for folder in (home, pylint_home, tmp):
        folder.mkdir()
    private = {"HOME": str(home), "PYLINTHOME": str(pylint_home), "TMPDIR": str(tmp),
               "XDG_CACHE_HOME": str(home / ".cache")}
    for jobs in ("1", "2"):
        proc = lint(root, "-j", jobs, extra_env=private)
        assert proc.returncode == 1, proc.stderr
        assert proc.stdout.startswith("model.py:5:9: rnn-same-cell-stacked:")
        assert proc.stderr.splitlines() == [
            "pylint-rnn: warning: could not analyse gen/big.py: RecursionError: maximum recursion depth exceeded"
            " (the file was not checked)",
            "pylint-rnn: 1 finding in 1 file: 1 warning",
        ]
    for folder in (home, pylint_home, tmp):
        assert not list(folder.rglob("*")), (folder, list(folder.rglob("*")))
    proc = lint(root, "-f", "sarif", "gen/big.py", extra_env=private)
    log = json.loads(proc.stdout)
    assert proc.returncode == 0 and check_sarif(log) == [] and log["runs"][0]["results"] == []
    [note] = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "gen/big.py"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_crashing_checker_of_another_plugin_costs_one_file(tmp_path, jobs):
    root = make_project(tmp_path / "p", probe=False)
    write(root / "pylintrc", "[MAIN]\nload-plugins=crashing_plugin\n")
    write(root / "boom.py", "explode()\n")
    write(root / "model.py", STACKED)
    proc = lint(root, "-j", jobs)
    assert proc.returncode == 1 and proc.stdout.startswith("model.py:5:9: rnn-same-cell-stacked:"), proc.stderr
    assert proc.stderr.splitlines()[0] == ("pylint-rnn: warning: could not analyse boom.py: RuntimeError: the "
                                           "checker blew up (the file was not checked)")


def test_reason_of_a_crash_report_written_by_pylint(tmp_path):
    from types import SimpleNamespace

    from pylint_rnn.reporting import runner

    report = write(tmp_path / "crash.txt", "Issue title:\n```python\nTraceback (most recent call last):\n"
                   '  File "x.py", line 1\nRecursionError: too deep\n\nThe above exception was the direct cause'
                   " of the following exception:\n\nastroid.AstroidBuildingError: building failed\n```\n")
    message = SimpleNamespace(msg=f"Fatal error while checking 'a.py'. Please open an issue ... in '{report}'.",
                              path="a.py", abspath=str(tmp_path / "a.py"), msg_id="F0002", symbol="astroid-error")
    assert runner.sort_messages([message], set())[1][0].reason == "RecursionError: too deep"


# ------------------------------------------------------------------------------------------- paths
@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_broken_symlink_named_on_the_command_line(legacy):
    os.symlink("src/models/gone.py", legacy / "model_link.py")
    proc = lint(legacy, "model_link.py")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == ("pylint-rnn: error: model_link.py: broken symbolic link (it points to "
                           "src/models/gone.py, which does not exist)\n")


def test_a_path_without_python_files_warns(legacy):
    write(legacy / "docs" / "index.md", "# docs\n")
    proc = lint(legacy, "docs")
    assert (proc.returncode, proc.stdout) == (0, "")
    assert proc.stderr.splitlines() == ["pylint-rnn: warning: no Python files found in docs",
                                        "pylint-rnn: 0 findings in 0 files"]
    log = json.loads(lint(legacy, "-f", "sarif", "docs").stdout)
    assert check_sarif(log) == [] and log["runs"][0]["results"] == []


def test_paths_are_printed_as_named(legacy):
    cwd = legacy / "src" / "third_party"
    absolute = str(legacy / "src" / "models")
    for named, shown in (("../models", "../models/stacked.py"), (absolute, f"{absolute}/stacked.py"),
                         ("../models/stacked.py", "../models/stacked.py")):
        proc = subprocess.run(command("pylint-rnn") + ["lint", named], cwd=cwd, env=env(legacy),
                              capture_output=True, text=True)
        assert proc.stdout.startswith(f"{shown}:8:12: rnn-same-cell-stacked: "), (named, proc.stdout)


# ------------------------------------------------------------------------------------------ colour
def run_in_terminal(argv, cwd, extra_env=None):
    """Run with stdout and stderr on a pseudo-terminal, as in an interactive shell; return what it printed."""
    primary, secondary = pty.openpty()
    environment = dict(env(cwd), TERM="xterm-256color", **(extra_env or {}))
    environment.pop("NO_COLOR", None)
    if extra_env and "NO_COLOR" in extra_env:
        environment["NO_COLOR"] = extra_env["NO_COLOR"]
    proc = subprocess.Popen(command(argv[0]) + argv[1:], cwd=cwd, env=environment, stdout=secondary,
                            stderr=secondary, stdin=subprocess.DEVNULL)
    os.close(secondary)
    chunks = []
    while True:
        ready, _, _ = select.select([primary], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(primary, 4096)
        except OSError:  # the terminal closed
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(primary)
    return b"".join(chunks).decode("utf-8", "replace")


def test_colour_on_a_terminal_only(legacy):
    coloured = run_in_terminal(["pylint-rnn", "lint", "src/models"], legacy)
    assert "\x1b[1msrc/models/stacked.py\x1b[0m:8:12: \x1b[33mrnn-same-cell-stacked\x1b[0m: " in coloured
    assert "\x1b[33m1 warning\x1b[0m" in coloured
    for plain in (run_in_terminal(["pylint-rnn", "lint", "src/models"], legacy, {"NO_COLOR": "1"}),
                  run_in_terminal(["pylint-rnn", "lint", "--color", "never", "src/models"], legacy)):
        assert "\x1b[" not in plain and "stacked.py:8:12: rnn-same-cell-stacked" in plain
    piped = lint(legacy, "src/models")
    assert "\x1b[" not in piped.stdout + piped.stderr
    forced = lint(legacy, "--color", "always", "src/models")
    assert "\x1b[33mrnn-same-cell-stacked\x1b[0m" in forced.stdout


def test_summary_counts_each_severity(tmp_path):
    root = make_project(tmp_path / "p")
    write(root / "probe.py", (INPUTS / "probe.py").read_text(encoding="utf-8"))
    proc = lint(root, "probe.py", "--fail-on", "error")
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "pylint-rnn: 3 findings in 1 file: 1 error, 1 warning, 1 note",
        "pylint-rnn: 2 findings below the --fail-on threshold (error): they do not fail the run",
    ]


# ----------------------------------------------------------------------------------- our own pragmas
def test_the_command_has_no_stale_pragma_of_its_own():
    """pylint-rnn's own CLI and reporting code pass pylint's pragma checks under the project's configuration
    (cli.py carried `# pylint: disable=broad-except`, useless where the configuration disables it)."""
    proc = run(["pylint", f"--rcfile={REPO / 'pyproject.toml'}", "--enable=useless-suppression", "--score=n",
                "pylint_rnn/cli.py", "pylint_rnn/reporting"], REPO)
    assert not [line for line in proc.stdout.splitlines() if any(symbol in line for symbol in STALE)], proc.stdout


def test_opt_in_messages_sit_under_their_own_checker_name():
    """`--enable=rnn` names the default-on checker only; the opt-in one is listed apart, disabled."""
    proc = subprocess.run([sys.executable, "-m", "pylint", "--load-plugins=pylint_rnn", "--list-msgs-enabled"],
                          capture_output=True, text=True, check=False)
    disabled = proc.stdout.split("Disabled messages:", 1)[1].split("Non-emittable messages", 1)[0]
    assert "rnn-time-axis-reduction (C7908)" in disabled
    assert rules.OPT_IN_CHECKER_NAME == "rnn-opt-in"
    assert all(r.checker_name == "rnn-opt-in" for r in rules.RULES if not r.default_enabled)
