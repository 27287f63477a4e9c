"""Which files ``pylint-rnn lint`` checks: the project's Python files, found the way ruff finds them.

- A file named on the command line is always checked, whatever its name or location (pre-commit passes
  scripts without a ``.py`` suffix).
- A directory is walked for ``*.py`` files, top-down and in name order. Skipped on the way down: virtual
  environments (a folder holding ``pyvenv.cfg``, or a conda environment's ``conda-meta/``), version-control
  and tool folders (:data:`SKIPPED_DIR_NAMES`: ``.git``, ``.tox``, ``.nox``, ``node_modules``,
  ``__pycache__``, ``site-packages``, ...), whatever the project's ignore files ignore (every ``.gitignore``
  from the repository root down, and ``.git/info/exclude``; see :mod:`.gitignore`), and what ``--exclude``
  patterns (gitignore syntax, relative to the working directory) match. The directory named on the command
  line is itself never skipped. Symbolic links to directories are not followed; broken links are skipped.
- With no path at all, the current directory is walked.

A missing path or a broken symbolic link named on the command line is a :class:`DiscoveryError` (the
command exits 2); a directory with no Python files left is a warning.
"""
from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Sequence

from pylint_rnn.reporting.gitignore import IgnoreFile, IgnoreStack, parse, read_ignore_file

# Never linted below a walked directory: version control, tool caches and environments, build isolation.
SKIPPED_DIR_NAMES = frozenset({
    ".git", ".hg", ".svn", ".bzr", ".tox", ".nox", ".eggs", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", ".ipynb_checkpoints", "__pycache__", "__pypackages__", "node_modules", "site-packages",
})
PYTHON_SUFFIX = ".py"


class DiscoveryError(Exception):
    """A path on the command line that cannot be checked (the command exits 2)."""


@dataclass
class Discovery:
    """The files to check, each under the name to print for it, and warnings for the user."""

    files: List[str] = field(default_factory=list)  # as the user named them (relative paths stay relative)
    warnings: List[str] = field(default_factory=list)
    _seen: Dict[str, str] = field(default_factory=dict, repr=False)

    def add(self, path: str) -> bool:
        """Add ``path`` unless the same file is already there; whether it was added."""
        key = os.path.normcase(os.path.abspath(path))
        if key in self._seen:
            return False
        self._seen[key] = path
        self.files.append(path)
        return True


def is_virtualenv(path: str) -> bool:
    """A virtual environment (venv, virtualenv, uv, tox, nox: ``pyvenv.cfg``) or a conda environment."""
    return os.path.isfile(os.path.join(path, "pyvenv.cfg")) or os.path.isdir(os.path.join(path, "conda-meta"))


def repository_root(path: str) -> Optional[str]:
    """The nearest directory at or above ``path`` that holds ``.git`` (a folder, or a worktree's file)."""
    current = os.path.abspath(path)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def ignore_stack_for(directory: str) -> IgnoreStack:
    """The ignore files that apply inside ``directory``: .git/info/exclude, then every .gitignore from the
    repository root down to ``directory`` itself (deeper ones take precedence)."""
    directory = os.path.abspath(directory)
    root = repository_root(directory)
    files: List[IgnoreFile] = []
    chain = [directory]
    if root is not None:
        info_exclude = read_ignore_file(os.path.join(root, ".git", "info", "exclude"), base=root)
        if info_exclude is not None:
            files.append(info_exclude)
        while chain[-1] != root:
            chain.append(os.path.dirname(chain[-1]))
    for folder in reversed(chain):
        found = read_ignore_file(os.path.join(folder, ".gitignore"))
        if found is not None:
            files.append(found)
    return IgnoreStack(files)


def _skipped(path: str, is_dir: bool, stack: IgnoreStack, excludes: Optional[IgnoreFile]) -> bool:
    """Whether a walked ``path`` is ignored; ``--exclude`` patterns decide first, as git's command-line
    excludes do."""
    decision = excludes.decide(path, is_dir) if excludes is not None else None
    return stack.ignored(path, is_dir) if decision is None else decision


def walk_files(top: str, stack: IgnoreStack, excludes: Optional[IgnoreFile] = None,
               absolute_top: Optional[str] = None) -> Iterator[str]:
    """Every file below ``top`` that is not skipped, as ``top`` joined with its relative path, in name order.

    ``stack`` holds the ignore files that apply in ``top``; each subdirectory adds its own ``.gitignore``.
    Ignore patterns are matched against absolute paths, computed once per directory.
    """
    absolute_top = absolute_top or os.path.abspath(top)
    try:
        with os.scandir(top) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        path, absolute = os.path.join(top, entry.name), os.path.join(absolute_top, entry.name)
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = entry.is_file(follow_symlinks=True)  # a link to a file is a file; a broken one is not
        except OSError:
            continue
        if is_dir:
            if entry.name in SKIPPED_DIR_NAMES or is_virtualenv(path) or _skipped(absolute, True, stack, excludes):
                continue
            below = stack.pushed(read_ignore_file(os.path.join(path, ".gitignore")))
            yield from walk_files(path, below, excludes, absolute)
        elif is_file and not _skipped(absolute, False, stack, excludes):
            yield path


def python_files(top: str, excludes: Optional[IgnoreFile] = None) -> Iterator[str]:
    """The ``*.py`` files below the directory ``top`` that are not skipped (see the module docstring)."""
    for path in walk_files(top, ignore_stack_for(top), excludes):
        if path.endswith(PYTHON_SUFFIX):
            yield path


def exclude_patterns(patterns: Sequence[str], cwd: Optional[str] = None) -> Optional[IgnoreFile]:
    """``--exclude`` values (gitignore syntax, comma-separated or repeated) relative to ``cwd``."""
    lines = [part.strip() for value in patterns for part in value.split(",") if part.strip()]
    parsed = tuple(parse("\n".join(lines)))
    return IgnoreFile(os.path.abspath(cwd or os.getcwd()), parsed) if parsed else None


def _expand(path: str) -> List[str]:
    """``path`` itself, or the matches of a glob (for shells that do not expand them); else an error."""
    if os.path.islink(path) and not os.path.exists(path):
        raise DiscoveryError(f"{path}: broken symbolic link (it points to {os.readlink(path)}, which does not exist)")
    if os.path.exists(path):
        return [path]
    matches = sorted(glob.glob(path, recursive=True))
    if not matches:
        raise DiscoveryError(f"no such file or directory: {path}")
    return matches


def discover(paths: Sequence[str], excludes: Sequence[str] = ()) -> Discovery:
    """The files to check for the command-line ``paths`` (the current directory when there are none)."""
    found = Discovery()
    patterns = exclude_patterns(excludes)
    for named in paths or ["."]:
        for path in _expand(named):
            if os.path.isdir(path):
                before = len(found.files)
                for file_path in python_files(path, patterns):
                    found.add(os.path.normpath(file_path))  # below the directory as named, no ./
                if len(found.files) == before:
                    found.warnings.append(f"no Python files found in {path}")
            elif os.path.isfile(path):
                found.add(path)  # named explicitly: always checked
            else:
                raise DiscoveryError(f"{path}: not a file or a directory")
    return found
