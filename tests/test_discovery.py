"""File discovery of `pylint-rnn lint` (pylint_rnn.reporting.discovery and .gitignore).

The gitignore matcher is checked against git itself: for fixed tricky cases and for random trees and
patterns (hypothesis), the files our walk keeps are exactly those `git ls-files --others --exclude-standard`
lists in a fresh repository.
"""
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pylint_rnn.reporting import discovery, gitignore

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")


def write(root, relpath, text="x = 1\n"):
    path = Path(root) / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def git_kept(root):
    """What git lists as untracked and not ignored, relative to root (no global excludes of the user)."""
    env = dict(os.environ, HOME=str(root), XDG_CONFIG_HOME=str(root), GIT_CONFIG_NOSYSTEM="1")
    out = subprocess.run(
        [GIT, "-c", "core.excludesFile=", "ls-files", "--others", "--exclude-standard", "-z"],
        cwd=root, env=env, capture_output=True, check=True,
    ).stdout.decode("utf-8", "surrogateescape")
    return sorted(p for p in out.split("\0") if p)


def our_kept(root):
    root = str(root)
    return sorted(os.path.relpath(p, root).replace(os.sep, "/")
                  for p in discovery.walk_files(root, discovery.ignore_stack_for(root)))


def git_init(root):
    subprocess.run([GIT, "init", "-q", str(root)], check=True, env=dict(os.environ, HOME=str(root)))


# ---------------------------------------------------------------------------------- gitignore vs git
TRICKY_FILES = [
    "top.py", "a/x.py", "a/b/y.py", "a/b/c/z.py", "a/b/keep.log", "a/debug.log", "build/q.py",
    "src/build/w.py", "src/m.py", "docs/x/d.py", "docs/readme.txt", ".hidden/h.py", "sp ace/s.py", "#lit.py",
    "!bang.py", "tr ", "doc/frotz/f.py", "x/doc/frotz/g.py", "foo/bar/baz.py", "foo/baz.py", "abc/def/g.py",
    "q1.py", "qq.py", "Q.py", "[x].py", "deep/a/b/c/d/e.py", "deep/a/e.py",
]
TRICKY_ROOT_IGNORE = """\
# a comment, then a blank line

/build/
*.log
!a/b/keep.log
docs/**/d.py
\\#lit.py
\\!bang.py
a/**/z.py
.hidden
doc/frotz/
foo/**/baz.py
abc/**
q[0-9].py
[[:upper:]].py
\\[x\\].py
deep/**/e.py
!deep/a/e.py
trailing.py   \n"""


@needs_git
def test_tricky_patterns_match_git(tmp_path):
    git_init(tmp_path)
    for name in TRICKY_FILES:
        write(tmp_path, name)
    write(tmp_path, ".gitignore", TRICKY_ROOT_IGNORE)
    write(tmp_path, "src/build/.gitignore", "w.py\n!../m.py\n")
    write(tmp_path, "a/b/.gitignore", "*.py\n!y.py\n")
    write(tmp_path, "x/.gitignore", "/doc/\n")
    (tmp_path / ".git" / "info").mkdir(exist_ok=True)
    write(tmp_path, ".git/info/exclude", "qq.py\n")
    assert our_kept(tmp_path) == git_kept(tmp_path)
    assert "q1.py" not in our_kept(tmp_path) and "deep/a/e.py" in our_kept(tmp_path)


NAMES = ["a", "b", "c d", "x.py", "y.txt", "z.py", ".h"]
PATTERN_PARTS = ["a", "b", "*", "?", "**", "x.py", "*.py", "[xy].py", "[!x]*", "z*", "c d", "\\*", "[a-c]"]


@st.composite
def trees_and_patterns(draw):
    files = draw(st.lists(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4).map("/".join),
                          min_size=1, max_size=12, unique=True))
    files = [f for f in files if not any(f.startswith(g + "/") for g in files)]  # no file is also a folder
    patterns = draw(st.lists(
        st.tuples(st.booleans(), st.booleans(), st.lists(st.sampled_from(PATTERN_PARTS), min_size=1, max_size=3),
                  st.booleans()).map(lambda t: ("!" if t[0] else "") + ("/" if t[1] else "") + "/".join(t[2])
                                     + ("/" if t[3] else "")),
        min_size=1, max_size=6))
    where = draw(st.sampled_from(["", "a/", "b/"]))
    return files, patterns, where


@needs_git
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=trees_and_patterns())
def test_random_patterns_match_git(tmp_path_factory, case):
    files, patterns, where = case
    root = tmp_path_factory.mktemp("repo")
    git_init(root)
    for name in files:
        write(root, name)
    if where and not (root / where).is_dir():
        where = ""
    write(root, where + ".gitignore", "\n".join(patterns) + "\n")
    assert our_kept(root) == git_kept(root), (patterns, where)


@pytest.mark.parametrize(
    "line, path, is_dir, expected",
    [
        ("*.py", "a/b/c.py", False, True),
        ("/c.py", "a/c.py", False, False),
        ("a/*.py", "a/b/c.py", False, False),
        ("a/**/c.py", "a/c.py", False, True),
        ("build/", "build", False, False),
        ("build/", "build", True, True),
        ("**/build", "x/y/build", True, True),
        ("x/**", "x", True, False),
        ("x/**", "x/y", False, True),
        ("[!a]*.py", "b.py", False, True),
        ("[!a]*.py", "a.py", False, False),
        ("\\#x", "#x", False, True),
        ("foo\\ ", "foo ", False, True),
        ("foo  ", "foo", False, True),
        ("a[", "a[", False, False),  # an unclosed class matches nothing, as in git
    ],
)
def test_pattern_semantics(line, path, is_dir, expected):
    [pattern] = gitignore.parse(line)
    assert pattern.matches(path, is_dir) is expected


def test_comments_blank_lines_and_bom():
    assert gitignore.parse("\ufeff# c\n\n   \n!\nx\r\n") == gitignore.parse("x")


# ---------------------------------------------------------------------------------------- discovery
@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    write(tmp_path, "src/model.py")
    write(tmp_path, "src/pkg/__init__.py")
    write(tmp_path, "src/pkg/layers.py")
    write(tmp_path, "scripts/train")  # no .py: only checked when named
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_environments_and_tool_folders_are_skipped(project):
    write(project, "env-3.11/pyvenv.cfg", "home = /usr/bin\n")  # a venv by its pyvenv.cfg, any name
    write(project, "env-3.11/lib/python3.11/site-packages/tf/x.py")
    write(project, "miniconda/conda-meta/history", "")
    write(project, "miniconda/lib/y.py")
    for folder in (".tox", ".nox", "node_modules", "__pycache__", "lib/site-packages", ".git", ".mypy_cache"):
        write(project, f"{folder}/skipped.py")
    assert discovery.discover([]).files == ["src/model.py", "src/pkg/__init__.py", "src/pkg/layers.py"]


def test_gitignore_nested_negated_and_from_a_subdirectory(project, monkeypatch):
    write(project, ".gitignore", "build/\n*_pb2.py\n")
    write(project, "build/lib/src/model.py")
    write(project, "src/model_pb2.py")
    write(project, "src/gen/.gitignore", "*.py\n!keep.py\n")
    write(project, "src/gen/drop.py")
    write(project, "src/gen/keep.py")
    assert discovery.discover(["."]).files == [
        "src/gen/keep.py", "src/model.py", "src/pkg/__init__.py", "src/pkg/layers.py"]
    monkeypatch.chdir(project / "src")
    # the root's .gitignore applies below it, whatever the working directory
    assert discovery.discover([]).files == ["gen/keep.py", "model.py", "pkg/__init__.py", "pkg/layers.py"]


def test_explicit_files_are_always_checked(project):
    write(project, ".gitignore", "build/\n")
    write(project, "build/gen.py")
    write(project, ".venv/pyvenv.cfg", "")
    write(project, ".venv/lib/mod.py")
    named = ["build/gen.py", ".venv/lib/mod.py", "scripts/train", "./src/model.py"]
    assert discovery.discover(named).files == named


def test_exclude_patterns(project):
    write(project, "tests/data/big.py")
    write(project, "tests/test_a.py")
    found = discovery.discover(["."], excludes=["tests/data/", "layers.py,__init__.py"])
    assert found.files == ["src/model.py", "tests/test_a.py"]
    assert discovery.discover(["src/pkg/layers.py"], excludes=["layers.py"]).files == ["src/pkg/layers.py"]


def test_names_as_the_user_gave_them(project, monkeypatch):
    assert discovery.discover(["./src/pkg"]).files == ["src/pkg/__init__.py", "src/pkg/layers.py"]
    assert discovery.discover([str(project / "src" / "pkg")]).files == [
        str(project / "src" / "pkg" / "__init__.py"), str(project / "src" / "pkg" / "layers.py")]
    monkeypatch.chdir(project / "scripts")
    assert discovery.discover(["../src/pkg"]).files == ["../src/pkg/__init__.py", "../src/pkg/layers.py"]


def test_a_file_is_checked_once(project):
    assert discovery.discover(["src/model.py", "src", "./src/model.py"]).files == [
        "src/model.py", "src/pkg/__init__.py", "src/pkg/layers.py"]


def test_no_python_files_is_a_warning(project):
    write(project, "docs/index.md", "# docs\n")
    found = discovery.discover(["docs", "src/model.py"])
    assert found.files == ["src/model.py"]
    assert found.warnings == ["no Python files found in docs"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_symbolic_links(project):
    os.symlink("missing.py", project / "dangling.py")
    os.symlink(project / "src", project / "src-link")  # a directory link is not followed
    os.symlink(project / "scripts" / "train", project / "src" / "train_link.py")  # a file link is a file
    assert discovery.discover([]).files == [
        "src/model.py", "src/pkg/__init__.py", "src/pkg/layers.py", "src/train_link.py"]
    with pytest.raises(discovery.DiscoveryError, match=r"dangling\.py: broken symbolic link .*missing\.py"):
        discovery.discover(["dangling.py"])


def test_missing_path_and_globs(project):
    with pytest.raises(discovery.DiscoveryError, match="no such file or directory: nope"):
        discovery.discover(["nope"])
    assert discovery.discover(["src/*.py"]).files == ["src/model.py"]
