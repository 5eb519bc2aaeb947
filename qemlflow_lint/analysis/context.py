"""What a rule knows while it looks at a node: the file, the enclosing scope, import time.

:class:`FileContext` describes one analysed file; :class:`Where` describes the block a
statement sits in. Both are frozen: a new :class:`Where` is made only when the walk enters
a def, a class or an exempt block, and is shared by every statement inside it.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import NamedTuple, Sequence

from qemlflow_lint.config.loading import Config

#: File names treated as test files (exempt from QF001 and QF002 by default).
TEST_FILE_PATTERNS: tuple[str, ...] = ("test_*.py", "*_test.py", "tests.py", "conftest.py")
#: Directory names whose files are test files.
TEST_DIRECTORY_NAMES: frozenset[str] = frozenset({"test", "tests"})


def module_name_for(path: str) -> str:
    """The dotted module name of ``path``, found by walking up through ``__init__.py`` files.

    Only the file system's package markers are read, never the analysed file itself, so
    this works for unsaved editor buffers given a display name. A file outside any package
    is a top-level module named after its stem.
    """
    directory, filename = os.path.split(os.path.abspath(path))
    stem = filename[:-3] if filename.endswith(".py") else os.path.splitext(filename)[0]
    parts = [stem]
    if stem == "__init__":  # the folder is the package, even before the file is saved
        directory, package = os.path.split(directory)
        parts = [package] if package else []
    while os.path.isfile(os.path.join(directory, "__init__.py")):
        directory, package = os.path.split(directory)
        if not package:
            break
        parts.append(package)
    return ".".join(reversed(parts)) or stem


def is_test_path(path: str) -> bool:
    """True for test files: ``test_*.py``, ``*_test.py``, ``tests.py``, ``conftest.py``,
    or a file under a ``test``/``tests`` directory below the working directory.

    Directories above the working directory are ignored, so a checkout that happens to
    live under a folder named ``tests`` is not all test code; every front end run from
    the same directory agrees.
    """
    name = os.path.basename(path)
    if any(fnmatchcase(name, pattern) for pattern in TEST_FILE_PATTERNS):
        return True
    relative = os.path.relpath(os.path.abspath(path), os.getcwd())
    parts = relative.replace("\\", "/").split("/")[:-1]
    if parts and parts[0] == "..":
        return False
    return any(part in TEST_DIRECTORY_NAMES for part in parts)


def name_is_public(name: str) -> bool:
    """Public by name: no leading underscore, except dunders such as ``__call__``."""
    if not name.startswith("_"):
        return True
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


@dataclass(frozen=True)
class FileContext:
    """One analysed file as the rules see it.

    ``path`` is the path as displayed (what the user or the host tool gave);
    ``all_names`` is the literal ``__all__`` of the module, or ``None`` when it has none
    (or one that cannot be read without running code).
    """

    path: str
    module_name: str
    lines: Sequence[str]
    config: Config
    all_names: frozenset[str] | None = None

    @property
    def filename(self) -> str:
        """The last path component."""
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]

    @property
    def is_package_init(self) -> bool:
        """True for a package's ``__init__.py``."""
        return self.filename == "__init__.py"

    @property
    def is_main(self) -> bool:
        """True for a package's ``__main__.py``."""
        return self.filename == "__main__.py"

    @functools.cached_property
    def is_test(self) -> bool:
        """True for test files (see :func:`is_test_path`)."""
        return is_test_path(self.path)

    @property
    def module_public(self) -> bool:
        """False when a part of the module name other than ``__main__`` starts with ``_``."""
        return all(
            not part.startswith("_") or part == "__main__" for part in self.module_name.split(".")
        )

    @functools.cached_property
    def text(self) -> str:
        """The whole source text."""
        return "".join(self.lines)


class Scope(NamedTuple):
    """The def, class or module that directly contains a statement."""

    kind: str
    qualname: str
    public: bool

    def child(self, kind: str, name: str, public: bool) -> Scope:
        """The scope of a def or class named ``name`` defined directly in this scope."""
        if self.kind == "module":
            qualname = name
        elif self.kind == "function":
            qualname = f"{self.qualname}.<locals>.{name}"
        else:
            qualname = f"{self.qualname}.{name}"
        return Scope(kind, qualname, public)


class Where(NamedTuple):
    """The block a statement sits in.

    ``at_import`` is true when the statement runs when the module is imported (SPEC:
    module scope and nested blocks and class bodies, outside ``if TYPE_CHECKING:`` and
    ``if __name__ == "__main__":`` bodies). ``optional_import`` is true inside a ``try``
    whose handlers catch ``ImportError`` or ``ModuleNotFoundError``. ``in_function`` is
    true anywhere inside a function body (a class defined in a function included).
    (Named tuples, not dataclasses: the walk makes many, and they are cheap to import.)
    """

    scope: Scope
    at_import: bool = True
    optional_import: bool = False
    in_function: bool = False


def module_where(file: FileContext) -> Where:
    """The block of a module's top-level statements."""
    return Where(scope=Scope("module", "", file.module_public))


def def_is_public(name: str, container: Scope, file: FileContext) -> bool:
    """SPEC "public" for a def or class named ``name`` defined directly in ``container``."""
    if container.kind == "function" or not container.public or not name_is_public(name):
        return False
    if container.kind == "module" and file.all_names is not None:
        return name in file.all_names
    return True
