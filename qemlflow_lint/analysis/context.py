"""What a rule knows while it looks at a node: the file, the enclosing scope, import time.

:class:`FileContext` describes one analysed file; :class:`Where` describes the block a
statement sits in. Both are frozen: a new :class:`Where` is made only when the walk enters
a def, a class or an exempt block, and is shared by every statement inside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from qemlflow_lint.model.modules import is_main_file
from qemlflow_lint.model.settings import Settings


def name_is_public(name: str) -> bool:
    """Public by name: no leading underscore, except dunders such as ``__call__``."""
    if not name.startswith("_"):
        return True
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


class FileContext(NamedTuple):
    """One analysed file as the rules see it.

    ``path`` is the path as displayed (what the user or the host tool gave);
    ``all_names`` is the literal ``__all__`` of the module, or ``None`` when it has none
    (or one that cannot be read without running code). ``is_test`` is true for test files
    (see :func:`qemlflow_lint.model.modules.is_test_path`). ``text`` is the whole source,
    the ``lines`` joined. (A named tuple, like every value class editors import: cheap to
    define.)
    """

    path: str
    module_name: str
    lines: Sequence[str]
    settings: Settings
    text: str
    all_names: frozenset[str] | None = None
    is_test: bool = False
    #: True for scripts: examples, docs, ``setup.py``, loose files nothing imports (see
    #: :func:`qemlflow_lint.model.modules.is_library_file`); test files are not scripts.
    is_script: bool = False
    #: The private module-level names that a name in ``__all__`` is an alias of
    #: (``_Impl`` for ``Public = _Impl``): public API under their exported name.
    exported_aliases: frozenset[str] = frozenset()

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
        return is_main_file(self.path)

    @property
    def module_public(self) -> bool:
        """False when a part of the module name other than ``__main__`` starts with ``_``."""
        return all(not part.startswith("_") or part == "__main__" for part in self.module_name.split("."))


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
    if container.kind == "function" or not container.public:
        return False
    if container.kind == "module" and name in file.exported_aliases:
        return True
    if not name_is_public(name):
        return False
    if container.kind == "module" and file.all_names is not None:
        return name in file.all_names
    return True
