"""The PEP 562 code that loads a package's heavy re-exports on first access.

As scientific-python's ``lazy_loader`` does, without the dependency: a table of the names,
a module ``__getattr__`` that imports a name the first time it is asked for and keeps it as
a module global (so the next access costs nothing), and a ``__dir__`` that lists the names
before they are loaded. The imports themselves move under ``if TYPE_CHECKING:`` so type
checkers and IDEs still see them. The generated code is typed and documented (it passes
the project's own rules) and pyflakes-clean.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import NamedTuple

import libcst as cst

from qemlflow_lint.analysis.at_import import is_main_guard, is_type_checking

#: The table's name in the fixed module.
TABLE = "_LAZY_IMPORTS"


class Export(NamedTuple):
    """One name loaded on first access: ``import_module(module)``, then its ``attribute``
    ("" for the module itself), as ``from module import attribute`` does."""

    name: str
    module: str
    attribute: str

    @classmethod
    def of(
        cls, statement: ast.Import | ast.ImportFrom, alias: ast.alias, name: str, submodule: str = ""
    ) -> Export:
        """The export of one alias of an import statement (``import a.b`` without ``as``
        binds a package through its submodule: the planner leaves those). ``submodule``:
        the module the alias binds, when it is one of the project's (``.core`` for ``from .
        import core``): it is imported itself, never looked up on the package, whose own
        ``__getattr__`` is the one being written."""
        if submodule:
            return cls(name, submodule, "")
        if isinstance(statement, ast.Import):
            return cls(name, alias.name, "")
        return cls(name, "." * statement.level + (statement.module or ""), alias.name)


_GETATTR = '''
def __getattr__(name: str) -> object:
    """Import a name on first access (PEP 562), then keep it as a module global."""
    if name not in {table}:
        raise AttributeError(f"module {{__name__!r}} has no attribute {{name!r}}")
    module_name, attribute = {table}[name]
    value: object = importlib.import_module(module_name{package})
    if attribute:
        try:
            value = getattr(value, attribute)
        except AttributeError:
            value = importlib.import_module(f"{{module_name}}.{{attribute}}"{package})
    globals()[name] = value
    return value
'''

_DIR = '''
def __dir__() -> {returns}:
    """The module's names, the ones loaded on first access included."""
    return sorted(set(globals()) | set({table}))
'''


def _bound_at_module_level(tree: ast.Module) -> list[str]:
    """The names the module's statements bind when it is imported (``if TYPE_CHECKING:``
    blocks and the ``__main__`` guard aside), in order."""
    names: list[str] = []
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        statement = pending.pop(0)
        if isinstance(statement, ast.If) and (
            is_type_checking(statement.test) or is_main_guard(statement.test)
        ):
            pending[:0] = statement.orelse
            continue
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(statement.name)
            continue
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            names += [
                a.asname or (a.name.split(".", 1)[0] if isinstance(statement, ast.Import) else a.name)
                for a in statement.names
                if a.name != "*"
            ]
            continue
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.append(node.id)
        nested = [
            child
            for field in ("body", "orelse", "finalbody", "handlers")
            for child in getattr(statement, field, [])
            if isinstance(statement, (ast.If, ast.Try, ast.With, ast.For, ast.While))
        ]
        pending[:0] = [s for c in nested for s in ([c] if isinstance(c, ast.stmt) else c.body)]
    return names


def star_names(tree: ast.Module) -> tuple[str, ...] | None:
    """What ``from package import *`` gives, for a module that does not say (no ``__all__``):
    every public name it binds when imported, sorted; ``None`` when it has ``__all__``."""
    bound = _bound_at_module_level(tree)
    if "__all__" in bound:
        return None
    return tuple(sorted({name for name in bound if not name.startswith("_")}))


def export_code(
    exports: Sequence[Export], with_dir: bool, old_python: bool = False, star: Sequence[str] | None = None
) -> list[cst.BaseStatement]:
    """The table, ``__getattr__`` and (``with_dir``) ``__dir__``, each after two blank lines;
    ``old_python``: the code must run on Python 3.8, where ``list[str]`` in a signature fails.
    ``star``: the names ``from package import *`` must keep giving, for a module without
    ``__all__`` (a name loaded on first access is not in the module's namespace until then,
    and a star import without ``__all__`` takes only what is)."""
    rows = "".join(f'    "{e.name}": ("{e.module}", "{e.attribute}"),\n' for e in exports)
    table = (
        "#: The names this module loads on first access (PEP 562): name -> (module, attribute).\n"
        f"{TABLE} = {{\n{rows}}}\n"
    )
    parts: list[str] = []
    if star is not None:
        listed = "".join(f'    "{name}",\n' for name in star)
        parts.append(
            "#: What `from package import *` gives: every public name, the ones loaded on first access.\n"
            f"__all__ = [\n{listed}]\n"
        )
    # A relative module (``.core``) is imported from the package the module is.
    package = ", __name__" if any(e.module.startswith(".") for e in exports) else ""
    parts += [table, _GETATTR.format(table=TABLE, package=package)]
    if with_dir:
        parts.append(_DIR.format(table=TABLE, returns='"list[str]"' if old_python else "list[str]"))
    statements: list[cst.BaseStatement] = []
    blank = [cst.EmptyLine(indent=False), cst.EmptyLine(indent=False)]
    for part in parts:
        parsed = cst.parse_module(part.lstrip("\n"))
        first = parsed.body[0]
        comments = [line for line in parsed.header if line.comment is not None]
        statements.append(first.with_changes(leading_lines=[*blank, *comments, *first.leading_lines]))
    return statements
