"""Every command, workflow and configuration shown in docs/ci.md and docs/editors.md, run on a small project.

Code blocks are read from the Markdown; `sh` lines are run as written, YAML workflows and pre-commit
configurations are parsed and their commands run (tests/test_precommit.py runs the pre-commit ones through
pre-commit itself), TOML/JSON settings are applied. `pip install` lines name the clone, never an index or a
URL; installing from a copy of the clone is run offline (no build isolation, no dependencies: they are in
this environment already).
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "cli_inputs"))
import mini_yaml  # noqa: E402
from cli_helpers import BIN, INPUTS, REPO, command, env, make_project, real_symbols, run  # noqa: E402
from sarif_check import check_sarif  # noqa: E402

from pylint_rnn import __version__  # noqa: E402

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = None

pytestmark = pytest.mark.skipif(
    "rnn-same-cell-stacked" not in real_symbols(), reason="the rnn-same-cell-stacked checker is not installed"
)
CI = REPO / "docs" / "ci.md"
EDITORS = REPO / "docs" / "editors.md"
FENCE = re.compile(r"^(?P<indent> *)```(?P<lang>\w*)\n(?P<body>.*?)^(?P=indent)```", re.S | re.M)


def blocks(path, lang):
    text = path.read_text(encoding="utf-8")
    return [textwrap.dedent(m.group("body")) for m in FENCE.finditer(text) if m.group("lang") == lang]


def sh_lines(path):
    return [line.strip() for block in blocks(path, "sh") for line in block.splitlines() if line.strip()]


@pytest.fixture
def project(tmp_path):
    root = make_project(tmp_path / "proj", probe=False)
    (root / "src").mkdir()
    (root / "src" / "model.py").write_text((INPUTS / "stacked.py").read_text(encoding="utf-8"), encoding="utf-8")
    (root / "src" / "clean.py").write_text((INPUTS / "clean.py").read_text(encoding="utf-8"), encoding="utf-8")
    return root


def run_line(line, cwd):
    """Run one documented shell line (a simple command, optionally with `< file`)."""
    words = shlex.split(line)
    stdin = None
    if "<" in words:
        i = words.index("<")
        stdin = (cwd / words[i + 1]).read_text(encoding="utf-8")
        words = words[:i] + words[i + 2 :]
    assert words[0] in ("pylint-rnn", "pylint"), f"undocumented kind of command: {line}"
    return subprocess.run(
        command(words[0]) + words[1:], cwd=cwd, env=env(cwd), input=stdin, capture_output=True, text=True, timeout=600
    )


INSTALL_TARGETS = {".", ".[runtime]", "./tools/pylint-rnn"}  # the clone, here or vendored in a project


def check_install_line(line):
    """A documented install names the clone (or a copy of it), never a package index or a URL."""
    words = shlex.split(line)
    assert words[:4] == ["python", "-m", "pip", "install"], line
    [target] = words[4:]
    assert target in INSTALL_TARGETS, target
    assert "://" not in line and "git+" not in line


def copy_of_the_clone(destination):
    """What `pip install .` needs of a clone: the packaging files, the package and the rule pages' sources."""
    destination.mkdir(parents=True)
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(REPO / name, destination / name)
    shutil.copytree(REPO / "pylint_rnn", destination / "pylint_rnn",
                    ignore=shutil.ignore_patterns("__pycache__", "pages"))
    shutil.copytree(REPO / "docs" / "messages", destination / "docs" / "messages")
    return destination


def expected_exit(words):
    if "--write-baseline" in words or "--baseline" in words:
        return 0  # the baseline written just before holds the finding
    if "--fail-on" in words and words[words.index("--fail-on") + 1] == "error":
        return 0  # rnn-same-cell-stacked is a warning
    return 1


def check_output_file(words, cwd):
    if "--output" not in words:
        return
    out = cwd / words[words.index("--output") + 1]
    text = out.read_text(encoding="utf-8")
    fmt = words[words.index("--format") + 1] if "--format" in words else "text"
    if fmt == "sarif":
        assert check_sarif(json.loads(text)) == []
    elif fmt == "json":
        assert isinstance(json.loads(text), list)


# ------------------------------------------------------------------------------------------------ ci.md
def test_install_from_a_clone_as_documented(tmp_path, project):
    documented = [line for line in sh_lines(CI) if "pip install" in line]
    assert documented == ["python -m pip install .", "python -m pip install '.[runtime]'"]
    clone = copy_of_the_clone(tmp_path / "clone")
    site = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", "--quiet",
         "--target", str(site), "."],
        cwd=clone, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    installed = dict(os.environ, PYTHONPATH=str(site), HOME=str(tmp_path))
    script = [sys.executable, str(site / "bin" / "pylint-rnn")]
    page = subprocess.run(script + ["rules", "rnn-same-cell-stacked"], cwd=tmp_path, env=installed,
                          capture_output=True, text=True, check=True).stdout
    assert page.startswith("# rnn-same-cell-stacked (W7905)") and "## Use instead" in page
    assert (site / "pylint_rnn" / "pages" / "rnn-same-cell-stacked.md").is_file()  # shipped, not read from a clone
    proc = subprocess.run(script + ["lint"], cwd=project, env=installed, capture_output=True, text=True)
    assert proc.returncode == 1 and "src/model.py:5:9: rnn-same-cell-stacked" in proc.stdout, proc.stderr
    # the runtime extra the second line installs
    metadata = next(site.glob("pylint_rnn-*.dist-info")) / "METADATA"
    assert 'Requires-Dist: tensorflow-cpu' in metadata.read_text(encoding="utf-8")


def test_ci_shell_commands(project):
    lines = sh_lines(CI)
    assert any(line.startswith("pylint-rnn lint") for line in lines)
    assert any(line.startswith("pylint --load-plugins=pylint_rnn") for line in lines)
    for line in lines:
        if "pip install" in line:
            check_install_line(line)
            continue
        proc = run_line(line, project)
        words = shlex.split(line)
        if words[0] == "pylint-rnn":
            assert proc.returncode == expected_exit(words), (line, proc.returncode, proc.stdout, proc.stderr)
            check_output_file(words, project)
            if "--output" not in words and expected_exit(words) == 1:
                assert "rnn-same-cell-stacked" in proc.stdout, line
        else:
            assert proc.returncode & 32 == 0, (line, proc.returncode, proc.stderr)
            assert "rnn-same-cell-stacked" in proc.stdout, (line, proc.stdout)
            if "--disable=all" in words:
                assert "missing-module-docstring" not in proc.stdout and "C0114" not in proc.stdout


def _workflows():
    return [doc for doc in map(mini_yaml.loads, blocks(CI, "yaml")) if isinstance(doc, dict) and "jobs" in doc]


def test_ci_github_workflow(project):
    [workflow] = _workflows()
    assert workflow["permissions"]["security-events"] == "write"
    assert "pull_request" in workflow["on"]
    [job] = workflow["jobs"].values()
    steps = job["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    [upload] = [s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")]
    assert upload["if"] == "always()"
    sarif_file = upload["with"]["sarif_file"]
    # the vendored copy of pylint-rnn the workflow installs from is kept out of the lint
    (project / "tools" / "pylint-rnn" / "fixtures").mkdir(parents=True)
    shutil.copy(INPUTS / "stacked.py", project / "tools" / "pylint-rnn" / "fixtures" / "stacked.py")
    ran = []
    for step in steps:
        for line in filter(None, (l.strip() for l in str(step.get("run", "")).splitlines())):
            if "pip install" in line:
                check_install_line(line)
                continue
            proc = run_line(line, project)
            ran.append(line)
            assert proc.returncode == 1, (line, proc.stdout, proc.stderr)  # the project has a finding
    assert ran == [f"pylint-rnn lint --exclude tools/pylint-rnn --format sarif --output {sarif_file} ."]
    log = json.loads((project / sarif_file).read_text(encoding="utf-8"))
    assert check_sarif(log) == []
    [result] = log["runs"][0]["results"]
    assert result["ruleId"] == "rnn-same-cell-stacked"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/model.py"


def test_ci_annotation_step(project):
    steps = [doc for doc in map(mini_yaml.loads, blocks(CI, "yaml")) if isinstance(doc, list)]
    [[step]] = steps
    assert "--exclude tools/pylint-rnn" in step["run"]
    proc = run_line(step["run"], project)
    assert proc.returncode == 1
    [line] = proc.stdout.splitlines()
    assert line.startswith("::warning file=src/model.py,line=5,col=9,")
    assert "title=rnn-same-cell-stacked::" in line


def precommit_configs():
    return [doc for doc in map(mini_yaml.loads, blocks(CI, "yaml")) if isinstance(doc, dict) and "repos" in doc]


def test_ci_pre_commit_configurations(project):
    hooks = {h["id"]: h for h in mini_yaml.loads((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    configs = precommit_configs()
    assert [config["repos"][0]["repo"] for config in configs] == ["local", "local", "../pylint-rnn"]
    subprocess.run(
        command("pylint-rnn") + ["lint", "--write-baseline", ".pylint-rnn-baseline.json", "src"],
        cwd=project, env=env(project), check=True, capture_output=True,
    )
    for config in configs:
        [repo] = config["repos"]
        if repo["repo"] != "local":
            assert repo["rev"] == f"v{__version__}"  # the tag the docs have you make in the clone
        for use in repo["hooks"]:
            hook = use if repo["repo"] == "local" else hooks[use["id"]]
            assert hook["entry"] == "pylint-rnn lint" and hook["types"] == ["python"]
            argv = shlex.split(hook["entry"]) + list(use.get("args", [])) + ["src/model.py", "src/clean.py"]
            proc = subprocess.run(
                command(argv[0]) + argv[1:], cwd=project, env=env(project), capture_output=True, text=True
            )
            assert proc.returncode == (0 if "--baseline" in argv else 1), (argv, proc.stdout, proc.stderr)
    text = CI.read_text(encoding="utf-8")
    for hook_id in re.findall(r"pre-commit run (\S+)", text):
        assert hook_id in hooks


@pytest.mark.skipif(tomllib is None, reason="needs tomllib")
@pytest.mark.parametrize("doc", [CI, EDITORS], ids=["ci", "editors"])
def test_pyproject_snippets(project, doc):
    [snippet] = [block for block in blocks(doc, "toml") if "load-plugins" in block]
    tomllib.loads(snippet)
    (project / "pyproject.toml").write_text(snippet, encoding="utf-8")
    proc = run(["pylint", "--score=n", "src/model.py"], project)
    assert "rnn-same-cell-stacked" in proc.stdout, proc.stdout
    assert "unrecognized-option" not in proc.stdout and "E0015" not in proc.stdout
    assert not proc.stderr.strip(), proc.stderr
    if "[tool.pylint.rnn]" in snippet:
        # the [rnn] options of the snippet reach the checker through `pylint-rnn lint` as well
        proc = run(["pylint-rnn", "lint", "src"], project)
        assert proc.returncode == 1 and not [l for l in proc.stderr.splitlines() if "unrecognized" in l]


@pytest.mark.skipif(tomllib is None, reason="needs tomllib")
def test_opt_in_snippet_enables_the_rule_in_the_gate(project):
    [snippet] = [block for block in blocks(CI, "toml") if "messages control" in block]
    assert tomllib.loads(snippet)["tool"]["pylint"]["messages control"]["enable"] == ["rnn-time-axis-reduction"]
    (project / "src" / "pool.py").write_text(
        (REPO / "docs" / "messages" / "rnn-time-axis-reduction" / "bad.py").read_text(encoding="utf-8"),
        encoding="utf-8")
    before = json.loads(run(["pylint-rnn", "lint", "-f", "json", "src/pool.py"], project).stdout)
    assert before == []  # off by default
    (project / "pyproject.toml").write_text(snippet, encoding="utf-8")
    after = json.loads(run(["pylint-rnn", "lint", "-f", "json", "src/pool.py"], project).stdout)
    assert [f["symbol"] for f in after] == ["rnn-time-axis-reduction"]


SUMMARY = re.compile(r"pylint-rnn: \d+ findings? in \d+ files?: \d+ (errors?|warnings?|notes?)(, \d+ (errors?|warnings?|notes?))*")
BELOW = re.compile(r"pylint-rnn: \d+ findings? below the --fail-on threshold \((warning|error)\): they do not fail the run")
CRASH = re.compile(r"pylint-rnn: warning: could not analyse (\S+): RecursionError: maximum recursion depth exceeded "
                   r"\(the file was not checked\)")


def test_documented_summary_and_crash_lines(project):
    """The lines docs/ci.md shows are the lines the command prints."""
    text = "\n".join(blocks(CI, "text"))
    assert SUMMARY.search(text) and BELOW.search(text) and CRASH.search(text), text
    (project / "src" / "gen").mkdir()
    (project / "src" / "gen" / "big.py").write_text("x = " + " + ".join(["a"] * 900) + "\n", encoding="utf-8")
    proc = run(["pylint-rnn", "lint", "--fail-on", "error", "src"], project)
    assert proc.returncode == 0, proc.stderr
    crash, summary, below = proc.stderr.splitlines()
    assert CRASH.fullmatch(crash).group(1) == "src/gen/big.py"
    assert SUMMARY.fullmatch(summary) and summary.startswith("pylint-rnn: 1 finding in 2 files: 1 warning")
    assert BELOW.fullmatch(below)


def test_ci_json_examples():
    from pylint_rnn.reporting import baseline

    finding_example, baseline_example = [json.loads(b) for b in blocks(CI, "json")]
    assert set(finding_example[0]) == {
        "symbol", "msgid", "message", "path", "line", "column", "end_line", "end_column", "severity"
    }
    counts = baseline.load_from_document(baseline_example)
    assert sum(counts.values()) == 1


def test_ci_baseline_code_example_is_what_we_write(project):
    run(["pylint-rnn", "lint", "--write-baseline", "b.json", "src"], project, check_rc=0)
    written = json.loads((project / "b.json").read_text(encoding="utf-8"))["findings"][0]
    _, documented = [json.loads(b) for b in blocks(CI, "json")]
    assert written["code"] == documented["findings"][0]["code"]
    assert written["symbol"] == documented["findings"][0]["symbol"]


def test_ci_options_table_matches_the_command(project):
    help_text = run(["pylint-rnn", "lint", "--help"], project, check_rc=0).stdout
    first_cells = [
        re.split(r"(?<!\\)\|", line)[1]
        for line in CI.read_text(encoding="utf-8").splitlines()
        if line.startswith("| `-")
    ]
    documented = {
        re.match(r"--?[a-z][a-z-]*", chunk).group(0)
        for cell in first_cells
        for chunk in re.findall(r"`([^`]*)`", cell)
    }
    offered = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", help_text)) - {"-h", "--help"}
    assert documented == offered


def test_verify_install_hint_is_documented():
    from pylint_rnn import cli
    from pylint_rnn.verify import INSTALL_HINT

    assert cli.RUNTIME_INSTALL_HINT == INSTALL_HINT  # one line for `pylint-rnn verify` and pylint-rnn-verify
    for page in (CI, CI.parent / "verify.md"):
        assert INSTALL_HINT in page.read_text(encoding="utf-8"), page


# ------------------------------------------------------------------------------------------- editors.md
def test_editors_shell_commands(project):
    lines = sh_lines(EDITORS)
    assert lines
    for line in lines:
        proc = run_line(line, project)
        words = shlex.split(line)
        if words[0] == "pylint" and "--load-plugins=pylint_rnn" not in words:
            # `pylint src/model.py` relies on the pyproject.toml shown above it
            (project / "pyproject.toml").write_text(blocks(EDITORS, "toml")[0], encoding="utf-8")
            proc = run_line(line, project)
        assert proc.returncode & 32 == 0 and proc.returncode != 2, (line, proc.returncode, proc.stderr)
        assert "rnn-same-cell-stacked" in proc.stdout, (line, proc.stdout, proc.stderr)


def test_vscode_settings(project):
    [settings] = [json.loads(b) for b in blocks(EDITORS, "json") if "pylint.args" in b]
    args = settings["pylint.args"]
    assert "--load-plugins=pylint_rnn" in args
    assert settings["pylint.importStrategy"] == "fromEnvironment"
    assert settings["pylint.lintOnChange"] is True  # unsaved text is linted only with it
    # roughly what the extension runs: its own options, the user's args, the file's contents on stdin
    proc = subprocess.run(
        command("pylint") + ["--reports=n", "--output-format=json", *args, "--from-stdin", "src/model.py"],
        cwd=project, env=env(project), input=(project / "src" / "model.py").read_text(encoding="utf-8"),
        capture_output=True, text=True,
    )
    symbols = [m["symbol"] for m in json.loads(proc.stdout)]
    assert "rnn-same-cell-stacked" in symbols
    narrow = re.search(r'`"pylint\.args": (\[.*?\])`', EDITORS.read_text(encoding="utf-8")).group(1)
    proc = run(["pylint", "--output-format=json", *json.loads(narrow), "src/model.py"], project)
    assert [m["symbol"] for m in json.loads(proc.stdout)] == ["rnn-same-cell-stacked"]


def test_pycharm_external_tool(project):
    text = EDITORS.read_text(encoding="utf-8")
    field = lambda name: re.search(rf"^\s*- {name}: `([^`]*)`", text, re.M).group(1)  # noqa: E731
    macros = {
        "$PyInterpreterDirectory$": str(BIN),
        "$FilePath$": str(project / "src" / "model.py"),
        "$ProjectFileDir$": str(project),
    }

    def expand(value):
        for macro, real in macros.items():
            value = value.replace(macro, real)
        return value

    program = Path(expand(field("Program")))
    assert program.exists(), f"{program} is not installed (pip install -e .)"
    proc = subprocess.run(
        [str(program), *shlex.split(expand(field("Arguments")))],
        cwd=expand(field("Working directory")), env=env(project), capture_output=True, text=True,
    )
    assert proc.returncode == 1, proc.stderr
    pattern = re.escape(field(r"Output filters \(Advanced options\)"))
    pattern = (
        pattern.replace(re.escape("$FILE_PATH$"), r"(?P<file>.+?)")
        .replace(re.escape("$LINE$"), r"(?P<line>\d+)")
        .replace(re.escape("$COLUMN$"), r"(?P<col>\d+)")
        .replace(re.escape(".*"), ".*")
    )
    match = re.fullmatch(pattern, proc.stdout.splitlines()[0])
    assert match, proc.stdout
    # relative paths are relative to the working directory, the project directory
    workdir = Path(expand(field("Working directory")))
    assert (workdir / match["file"]).resolve() == (project / "src" / "model.py").resolve()
    assert (match["line"], match["col"]) == ("5", "9")


def test_inline_disable_example(project):
    [example] = blocks(EDITORS, "python")
    (project / "src" / "tied.py").write_text(example, encoding="utf-8")
    assert run(["pylint-rnn", "lint", "src/tied.py"], project).returncode == 0
    proc = run(["pylint", "--load-plugins=pylint_rnn", "--score=n", "src/tied.py"], project)
    assert "rnn-same-cell-stacked" not in proc.stdout and "useless-suppression" not in proc.stdout
    # without its pragmas the example has two findings, so the pragmas are what silences them
    bare = re.sub(r"\s*# pylint: disable=\S+", "", example).replace("# pylint: disable-next=W7905\n", "")
    (project / "src" / "tied.py").write_text(bare, encoding="utf-8")
    proc = run(["pylint-rnn", "lint", "--format", "json", "src/tied.py"], project)
    assert [(f["symbol"], f["line"]) for f in json.loads(proc.stdout)] == [
        ("rnn-same-cell-stacked", 5), ("rnn-same-cell-stacked", 6)
    ]
