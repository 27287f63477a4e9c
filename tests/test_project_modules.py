"""Which imports name the user's own project (core/project.py, core/importsearch.py): the answers read from
folder listings must be astroid's file-system search's, and that search is made only when the listings
cannot decide."""
from __future__ import annotations

import os
import sys
import zipfile

import pytest
from astroid import modutils

from pylint_rnn.core import importsearch, project


@pytest.fixture(name="searches")
def _searches(monkeypatch):
    """Count astroid's file-system searches; start each test with empty caches."""
    calls = []
    original = modutils.file_from_modpath

    def counting(parts, *args, **kwargs):
        calls.append(".".join(parts))
        return original(parts, *args, **kwargs)

    monkeypatch.setattr(importsearch.modutils, "file_from_modpath", counting)
    for cached in (project._module_file, importsearch._searched_path, importsearch._entry_names,
                   importsearch._path_places):
        cached.cache_clear()
    yield calls
    for cached in (project._module_file, importsearch._searched_path, importsearch._entry_names,
                   importsearch._path_places):
        cached.cache_clear()


def _write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_project_modules_are_found_from_listings(tmp_path, searches):
    _write(tmp_path, {"cells.py": "", "pkg/__init__.py": "", "pkg/layers.py": ""})
    folder = str(tmp_path)
    assert project.file_of_module("cells", folder) == str(tmp_path / "cells.py")
    assert project.file_of_module("pkg.layers", folder) == str(tmp_path / "pkg" / "layers.py")
    assert project.file_of_module("pkg", folder) == str(tmp_path / "pkg" / "__init__.py")
    assert searches == []


# Layouts where the order of astroid's finders matters; each name is asked from folder "app".
_LAYOUTS = {
    "app/both.py": "", "app/both/__init__.py": "",  # a package before a module of the same name
    "app/ext.py": "", "app/ext.abi3.so": "",  # an extension module before a source file
    "app/compiled.pyc": "",  # bytecode only
    "app/stub.pyi": "",
    "app/ns/inner.py": "", "app/ns/deep/leaf.py": "",  # folders without __init__: namespace packages
    "app/pkg/__init__.py": "", "app/pkg/mod.py": "", "app/pkg/sub/__init__.py": "", "app/pkg/sub/leaf.py": "",
    "app/utils.py": "def pad(x):\n    return x\n",
    "app/data.txt": "",
    "app/legacy/__init__.py": "__path__ = __import__('pkgutil').extend_path(__path__, __name__)\n",
    "app/legacy/old.py": "",
    "root1/shared/__init__.py": "", "root1/shared/a.py": "",  # two path entries: the first one's package wins
    "root2/shared/__init__.py": "", "root2/shared/b.py": "", "root2/only2.py": "",
    "root1/split/one.py": "", "root2/split/two.py": "",  # one namespace package in two path entries
}
_ASKED = ["both", "ext", "compiled", "stub", "ns", "ns.inner", "ns.deep.leaf", "ns.missing", "pkg", "pkg.mod",
          "pkg.sub", "pkg.sub.leaf", "pkg.nothing", "utils", "utils.pad", "data", "legacy.old", "shared",
          "shared.a", "shared.b", "only2", "split.one", "split.two", "split", "nowhere", "nowhere.deeper"]


@pytest.mark.parametrize("modname", _ASKED)
def test_listings_give_astroids_answer(tmp_path, monkeypatch, modname):
    """Package before module, extensions before sources, namespace packages across path entries, the
    linted folder before the path: the listings' answer is the search's, or they leave it undecided."""
    _write(tmp_path, _LAYOUTS)
    monkeypatch.setattr(sys, "path", [str(tmp_path / "root1"), str(tmp_path / "root2"), *sys.path])
    folder = str(tmp_path / "app")
    try:
        searched = modutils.file_from_modpath(modname.split("."), context_file=os.path.join(folder, "_"))
    except ImportError:
        searched = None
    listed = importsearch._listed_path(modname, folder)
    if modname.startswith("legacy."):
        assert listed is importsearch._UNDECIDED  # a pkgutil namespace: its parts may be anywhere on the path
    else:
        assert listed == searched


def test_missing_packages_functions_and_installed_roots_need_no_search(tmp_path, searches, monkeypatch):
    """Not installed anywhere, a function of a project module, an installed package: None, no search."""
    _write(tmp_path, {"app/utils.py": "def pad(x):\n    return x\n",
                      "env/site-packages/installed_pkg/__init__.py": ""})
    monkeypatch.setattr(sys, "path", [*sys.path, str(tmp_path / "env" / "site-packages")])
    folder = str(tmp_path / "app")
    assert project.file_of_module("surely_not_installed_pkg.sub", folder) is None
    assert project.file_of_module("utils.pad", folder) is None  # a module has no submodules
    assert project.file_of_module("installed_pkg", folder) is None
    assert project.file_of_module("json", folder) is None  # the standard library
    assert searches == []


def test_a_project_module_shadows_an_installed_one(tmp_path, searches):
    """The linted file's folder comes first: its own ``pytest.py`` is the project's."""
    _write(tmp_path, {"pytest.py": ""})
    assert project.file_of_module("pytest", str(tmp_path)) == str(tmp_path / "pytest.py")


def test_a_file_added_to_the_folder_later_is_seen(tmp_path, searches):
    folder = str(tmp_path)
    assert project.file_of_module("late", folder) is None
    project._module_file.cache_clear()  # the answer is cached per process; the listing is not stale
    _write(tmp_path, {"late.py": ""})
    stamp = os.stat(tmp_path)  # a new file changes the folder's time; make sure within a clock tick, too
    os.utime(tmp_path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 10**9))
    assert project.file_of_module("late", folder) == str(tmp_path / "late.py")


def test_an_archive_on_the_path_is_searched_for_real(tmp_path, searches, monkeypatch):
    archive = tmp_path / "deps.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("zipped_mod.py", "")
    monkeypatch.setattr(sys, "path", [str(archive), *sys.path])
    project.file_of_module("zipped_mod", str(tmp_path / "nowhere"))
    assert searches == ["zipped_mod"]


def test_text_may_define_names_that_may_stand_for_an_api(tmp_path):
    """Read once per file: classes with bases, aliases and re-exports may name an API and are parsed;
    functions and classes with no bases but ``object`` are not."""
    _write(tmp_path, {"cells.py": (
        "from .base import (Wrapped,\n    Other as Renamed)\n"
        "from x import Imported\n"
        "class Sub(tf.nn.rnn_cell.LSTMCell):\n    pass\n"
        "class Split(\n    Base):\n    pass\n"
        "Alias = tf.nn.rnn_cell.GRUCell\n"
        "Annotated: type = Base\n"
        "class Plain:\n    pass\n"
        "class PlainToo(object):\n    pass\n"
        "class Empty():\n    pass\n"
        "def helper():\n    return Alias\n"
        "if helper == 1:\n    pass\n")})
    path = str(tmp_path / "cells.py")
    for name in ("Wrapped", "Renamed", "Imported", "Sub", "Split", "Alias", "Annotated"):
        assert project.text_may_define(path, name), name
    for name in ("Plain", "PlainToo", "Empty", "helper", "missing"):
        assert not project.text_may_define(path, name), name


def test_text_may_define_a_class_of_object_when_the_file_rebinds_object(tmp_path):
    _write(tmp_path, {"odd.py": "from cells import Sub as object\nclass Cell(object):\n    pass\n",
                      "star.py": "from cells import *\n"})
    assert project.text_may_define(str(tmp_path / "odd.py"), "Cell")
    assert project.text_may_define(str(tmp_path / "star.py"), "anything")  # a star import binds any name
