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
    from importlib import import_module

    module_name, attribute = {table}[name]
    value: object = import_module(module_name{package})
    if attribute:
        try:
            value = getattr(value, attribute)
        except AttributeError:
            value = import_module(f"{{module_name}}.{{attribute}}"{package})
    globals()[name] = value
    return value
'''

_DIR = '''
def __dir__() -> {returns}:
    """The module's names, the ones loaded on first access included."""
    return sorted(set(globals()) | set({table}))
'''


def _bound(statements: Sequence[ast.stmt]) -> set[str]:
    """The names ``statements`` certainly bind when they run: a name bound in one branch of
    an ``if`` or ``try`` only counts when every branch binds it; ``del`` unbinds."""
    names: set[str] = set()
    for statement in statements:
        if isinstance(statement, ast.If):
            if is_type_checking(statement.test) or is_main_guard(statement.test):
                names |= _bound(statement.orelse) if statement.orelse else set()
                continue
            names |= _bound(statement.body) & _bound(statement.orelse)
        elif isinstance(statement, ast.Try) or type(statement).__name__ == "TryStar":
            tried = _bound(getattr(statement, "body")) | _bound(getattr(statement, "orelse"))
            for handler in getattr(statement, "handlers"):
                tried &= _bound(handler.body)
            names |= tried | _bound(getattr(statement, "finalbody"))
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            names |= _bound(statement.body)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(statement.name)
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            names |= {
                a.asname or (a.name.split(".", 1)[0] if isinstance(statement, ast.Import) else a.name)
                for a in statement.names
                if a.name != "*"
            }
        elif isinstance(statement, ast.Delete):
            names -= {target.id for target in statement.targets if isinstance(target, ast.Name)}
        elif isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if not (isinstance(statement, ast.AnnAssign) and statement.value is None):
                names |= {
                    node.id
                    for target in targets
                    for node in ast.walk(target)
                    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
                }
    return names


def star_names(tree: ast.Module) -> tuple[str, ...] | None:
    """What ``from package import *`` gives, for a module that does not say (no ``__all__``):
    every public name it certainly binds when imported, sorted; ``None`` when it has
    ``__all__``."""
    if any(
        isinstance(node, ast.Name) and node.id == "__all__" and isinstance(node.ctx, ast.Store)
        for statement in tree.body
        for node in ast.walk(statement)
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    ):
        return None
    return tuple(sorted(name for name in _bound(tree.body) if not name.startswith("_")))


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
    package = ", __package__" if any(e.module.startswith(".") for e in exports) else ""
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
