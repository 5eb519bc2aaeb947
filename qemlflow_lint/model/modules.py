"""Where a file sits in its project: the module name Python imports it by, and whether it
is a test file or a script.

A module's name is its path below the first ancestor folder that is not a package, as ruff
and mypy name modules: a folder is a package when it has an ``__init__.py`` or lies in one of
the configured ``namespace-packages`` (PEP 420 packages, which have no marker file). So
``src/`` layouts need no special case, and the name never depends on the working directory
or on how the path is spelled. Only package markers are read, never the file itself, so the
name of an unsaved editor buffer is known too.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from fnmatch import fnmatchcase
from typing import Callable

from qemlflow_lint.model.paths import relative_below

#: File names of test files (exempt from QF001, QF002 and QF003 by default).
TEST_FILE_PATTERNS: tuple[str, ...] = ("test_*.py", "*_test.py", "tests.py", "conftest.py")
#: Folder names whose files are test files.
TEST_DIRECTORY_NAMES: frozenset[str] = frozenset({"test", "tests"})


def has_init_file(directory: str) -> bool:
    """True when ``directory`` holds an ``__init__.py``."""
    return os.path.isfile(os.path.join(directory, "__init__.py"))


class PackageFolders:
    """Which folders are packages, each asked once: one instance serves a whole run.

    ``namespace_packages`` are absolute folders treated as packages, together with every
    folder below them, although they have no ``__init__.py``.
    """

    def __init__(self, namespace_packages: Sequence[str] = ()) -> None:
        self.namespace_packages = tuple(os.path.normpath(path) for path in namespace_packages)
        self._known: dict[str, bool] = {}

    def __call__(self, directory: str) -> bool:
        """True when ``directory`` is a package."""
        known = self._known.get(directory)
        if known is None:
            known = has_init_file(directory) or any(
                directory == folder or directory.startswith(folder + os.sep)
                for folder in self.namespace_packages
            )
            self._known[directory] = known
        return known


def module_name(path: str, is_package: Callable[[str], bool] = has_init_file) -> str:
    """The dotted module name of the file at ``path`` (see the module docstring).

    A package's ``__init__.py`` is named after its folder, even before the file is saved.
    A file outside any package is a top-level module named after its stem.
    """
    directory, filename = os.path.split(os.path.abspath(path))
    stem = filename[:-3] if filename.endswith(".py") else os.path.splitext(filename)[0]
    parts = [stem]
    if stem == "__init__":
        directory, package = os.path.split(directory)
        parts = [package] if package else []
    while is_package(directory):
        directory, package = os.path.split(directory)
        if not package:
            break
        parts.append(package)
    return ".".join(reversed(parts)) or stem


def is_main_file(path: str) -> bool:
    """True for a package's ``__main__.py``: a script, not imported API."""
    return path.replace("\\", "/").rsplit("/", 1)[-1] == "__main__.py"


def is_test_path(path: str, root: str) -> bool:
    """True for test files: ``test_*.py``, ``*_test.py``, ``tests.py``, ``conftest.py``, or a
    file in a ``test``/``tests`` folder below ``root``, the project root.

    Folders above the project root are ignored, so a checkout that happens to live under a
    folder named ``tests`` is not all test code, and the answer is the same from any working
    directory.
    """
    name = os.path.basename(path)
    if any(fnmatchcase(name, pattern) for pattern in TEST_FILE_PATTERNS):
        return True
    relative = relative_below(path, root)
    if relative is None:
        return False
    return any(part in TEST_DIRECTORY_NAMES for part in relative.split("/")[:-1])


#: Folder names that hold a project's examples, documentation, benchmarks, tooling or
#: vendored third-party code rather than its library (when ``packages`` does not say which
#: are library): a file with one of them in its path below the project root is not library
#: code, nor is a top-level package of one of these names.
NON_LIBRARY_PACKAGES: frozenset[str] = frozenset(
    {
        "examples",
        "example",
        "docs",
        "doc",
        "benchmarks",
        "benchmark",
        "scripts",
        "tutorials",
        "notebooks",
        "subprojects",
        "vendor",
        "vendored",
        "_vendor",
        "third_party",
        "thirdparty",
        "extern",
        "externals",
    }
)
#: Files at a project's root that are run, never imported.
SCRIPT_FILE_NAMES: frozenset[str] = frozenset(
    {"setup.py", "noxfile.py", "fabfile.py", "manage.py", "dodo.py"}
)


def is_library_file(path: str, module: str, root: str, packages: Sequence[str] = ()) -> bool:
    """True for importable library code; false for scripts: examples, documentation,
    ``setup.py``, benchmarks, loose files that nothing imports.

    With ``packages`` (the project's importable top-level packages and modules), a file is
    library code when its module belongs to one of them. Without, every package counts
    (a folder with ``__init__.py``, or a configured namespace package) except the
    conventional homes of examples, docs and benchmarks, and a module outside any package
    counts when it sits where imports start: the project root or its ``src/`` folder. Files
    below a folder of examples, docs, benchmarks or vendored code never count. A
    file whose folder does not exist (standard input, an editor's new buffer) counts: there
    is nothing to tell otherwise. Whether it is a test file is a separate question
    (:func:`is_test_path`).
    """
    top = module.partition(".")[0]
    if packages:
        return top in packages
    if top in NON_LIBRARY_PACKAGES:
        return False
    below = relative_below(path, root)
    if below is not None and any(part in NON_LIBRARY_PACKAGES for part in below.split("/")[:-1]):
        return False  # examples/…, docs/…, subprojects/…: not the library, packages or not
    directory, name = os.path.split(os.path.abspath(path))
    if "." in module or name == "__init__.py":
        return True
    if name in SCRIPT_FILE_NAMES:
        return False
    return directory in (root, os.path.join(root, "src")) or not os.path.isdir(directory)


def _sorted_entries(folder: str) -> list[os.DirEntry[str]]:
    """The entries of ``folder`` by name; none when it is missing or unreadable."""
    try:
        return sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return []


def find_packages(root: str) -> tuple[str, ...]:
    """The importable top-level packages and modules of the project in ``root``: what
    ``init`` writes as ``packages`` (the same choice :func:`is_library_file` makes without
    it): the packages and modules at the root and in ``src/``, but not tests, examples,
    docs, benchmarks, hidden or build folders, nor scripts such as ``setup.py``."""
    found: set[str] = set()
    for folder in (root, os.path.join(root, "src")):
        for entry in _sorted_entries(folder):
            name, stem = entry.name, entry.name[:-3]
            if entry.is_dir():
                if (
                    has_init_file(entry.path)
                    and name.isidentifier()
                    and name not in NON_LIBRARY_PACKAGES
                    and name not in TEST_DIRECTORY_NAMES
                ):
                    found.add(name)
            elif (
                entry.is_file()
                and name.endswith(".py")
                and stem.isidentifier()
                and name not in SCRIPT_FILE_NAMES
                and not any(fnmatchcase(name, pattern) for pattern in TEST_FILE_PATTERNS)
            ):
                found.add(stem)
    return tuple(sorted(found))
