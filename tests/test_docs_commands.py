"""Every command, workflow and configuration shown in docs/ci.md and docs/editors.md, run on a small project.

Code blocks are read from the Markdown; `sh` lines are run as written (only `pip install` lines are checked
rather than run: the tests do not download), YAML workflows and pre-commit configurations are parsed and
their commands run, TOML/JSON settings are applied.
"""
import json
import re
import shlex
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


def check_install_line(line):
    """This version of the package: from an index (pylint-rnn==X) or a repository's tag (pylint-rnn @ git+URL@vX)."""
    words = shlex.split(line)
    assert words[:4] == ["python", "-m", "pip", "install"], line
    [requirement] = words[4:]
    version = re.escape(__version__)
    assert re.fullmatch(rf"pylint-rnn(=={version}| @ git\+\S+@v{version})", requirement), requirement


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
    ran = []
    for step in steps:
        for line in filter(None, (l.strip() for l in str(step.get("run", "")).splitlines())):
            if "pip install" in line:
                check_install_line(line)
                continue
            proc = run_line(line, project)
            ran.append(line)
            assert proc.returncode == 1, (line, proc.stdout, proc.stderr)  # the project has a finding
    assert ran == [f"pylint-rnn lint --format sarif --output {sarif_file} ."]
    log = json.loads((project / sarif_file).read_text(encoding="utf-8"))
    assert check_sarif(log) == []
    [result] = log["runs"][0]["results"]
    assert result["ruleId"] == "rnn-same-cell-stacked"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/model.py"


def test_ci_annotation_step(project):
    steps = [doc for doc in map(mini_yaml.loads, blocks(CI, "yaml")) if isinstance(doc, list)]
    [[step]] = steps
    proc = run_line(step["run"], project)
    assert proc.returncode == 1
    [line] = proc.stdout.splitlines()
    assert line.startswith("::warning file=src/model.py,line=5,col=9,")
    assert "title=rnn-same-cell-stacked::" in line


def test_ci_pre_commit_configurations(project):
    hooks = {h["id"]: h for h in mini_yaml.loads((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    configs = [doc for doc in map(mini_yaml.loads, blocks(CI, "yaml")) if isinstance(doc, dict) and "repos" in doc]
    assert len(configs) == 2
    subprocess.run(
        command("pylint-rnn") + ["lint", "--write-baseline", ".pylint-rnn-baseline.json", "src"],
        cwd=project, env=env(project), check=True, capture_output=True,
    )
    for config in configs:
        [repo] = config["repos"]
        assert isinstance(repo["repo"], str) and repo["repo"]
        assert repo["rev"] == f"v{__version__}"
        for use in repo["hooks"]:
            hook = hooks[use["id"]]
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
    [snippet] = blocks(doc, "toml")
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

    assert cli.RUNTIME_INSTALL_HINT in CI.read_text(encoding="utf-8")


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
    [settings] = [json.loads(b) for b in blocks(EDITORS, "json")]
    args = settings["pylint.args"]
    assert "--load-plugins=pylint_rnn" in args
    assert settings["pylint.importStrategy"] == "fromEnvironment"
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
