"""How a module names the types a docstring documents: through the imports and classes it
has, or through an import that ``fix`` adds under ``if TYPE_CHECKING:``.

A qualified name (``numpy.ndarray``, ``pkg.mod.Box``) is written with the module's own
binding of it (``from pkg.mod import Box`` → ``Box``) or of its module (``import numpy as
np`` → ``np.ndarray``). Imports in a module-level ``if TYPE_CHECKING:`` block count, but
they are not bound when the program runs: an annotation that uses one is quoted (unless
annotations are postponed). A type of numpy, pandas, ``datetime`` or
``collections.abc`` that the module does not import gets an import under
``if TYPE_CHECKING:`` (``import numpy as np``, ``import numpy.typing as npt``, ``import
pandas as pd`` …): it never runs, so it costs no import time and adds no QF001 finding, and
the annotations that use it are quoted. A class of the project itself is named only when
the module imports it or defines it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from typing import NamedTuple

import libcst as cst

from qemlflow_lint.analysis.at_import import is_type_checking
from qemlflow_lint.analysis.names.bindings import BUILTIN_NAMES, ModuleNames
from qemlflow_lint.fix.import_deferral.import_section import stdlib_modules
from qemlflow_lint.model.heavy import DEFAULT_HEAVY_MODULES, match_heavy

#: The imports ``fix`` may add, by the module whose types they name: the statement and the
#: name it binds (``None``: a ``from`` import of the type itself).
ADDABLE: dict[str, tuple[str, str | None]] = {
    "numpy": ("import numpy as np", "np"),
    "numpy.typing": ("import numpy.typing as npt", "npt"),
    "pandas": ("import pandas as pd", "pd"),
    "datetime": ("import datetime", "datetime"),
    "collections.abc": ("from collections.abc import {name}", None),
    "typing": ("from typing import {name}", None),
    "typing_extensions": ("from typing_extensions import {name}", None),
}


#: The modules QF001's fix may defer (its default list: a configured one may add others,
#: and then the proof of the fixed file says so).
_HEAVY = frozenset(DEFAULT_HEAVY_MODULES)


class Binding(NamedTuple):
    """A module-level name a type can be written through: how the module writes it
    (``prefix``: ``np``, ``numpy.typing``, ``Box``), what it is (``source``: ``numpy``,
    ``numpy.typing``, ``pkg.mod.Box``), and whether it is bound only under
    ``if TYPE_CHECKING:``."""

    prefix: str
    source: str
    type_only: bool = False
    #: A class the module defines, or a name imported from another module.
    is_class: bool = False


class Spelled(NamedTuple):
    """A qualified name as the module writes it, whether that needs quotes, and the import
    line to add for it ("" when the module has it)."""

    text: str
    type_only: bool = False
    added: str = ""
    #: The runtime import of a heavy module the name comes through (``import pandas as
    #: pd``): QF001's fix may defer it, so the annotation is quoted and the import repeated
    #: under ``if TYPE_CHECKING:`` when the module no longer binds the name.
    heavy: str = ""


def _package(module: str, is_package_init: bool, level: int) -> str:
    parts = module.split(".") if module else []
    if not is_package_init:
        parts = parts[:-1]
    return ".".join(parts[: len(parts) - (level - 1)] if level > 1 else parts)


def _module_level(body: Sequence[ast.stmt], type_only: bool = False) -> Iterator[tuple[ast.stmt, bool]]:
    """The statements that run at module level (blocks included, functions and classes
    not entered), each with whether it is under ``if TYPE_CHECKING:``."""
    for statement in body:
        yield statement, type_only
        if isinstance(statement, ast.If):
            yield from _module_level(statement.body, type_only or is_type_checking(statement.test))
            yield from _module_level(statement.orelse, type_only)
        elif isinstance(statement, (ast.Try, ast.With)) or type(statement).__name__ == "TryStar":
            for field in ("body", "orelse", "finalbody"):
                yield from _module_level(getattr(statement, field, []), type_only)
            for handler in getattr(statement, "handlers", []):
                yield from _module_level(handler.body, type_only)


def module_bindings(tree: ast.Module, module: str, is_package_init: bool) -> list[Binding]:
    """The imports and classes at module level of ``tree``, the module named ``module``."""
    found: list[Binding] = []
    for statement, type_only in _module_level(tree.body):
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.asname:
                    found.append(Binding(alias.asname, alias.name, type_only))
                else:
                    parts = alias.name.split(".")
                    found.extend(
                        Binding(".".join(parts[:n]), ".".join(parts[:n]), type_only)
                        for n in range(1, len(parts) + 1)
                    )
        elif isinstance(statement, ast.ImportFrom):
            base = statement.module or ""
            if statement.level:
                package = _package(module, is_package_init, statement.level)
                base = ".".join(part for part in (package, base) if part)
            for alias in statement.names:
                if alias.name != "*":
                    found.append(Binding(alias.asname or alias.name, f"{base}.{alias.name}", type_only, True))
        elif isinstance(statement, ast.ClassDef) and not type_only:
            found.append(Binding(statement.name, f"{module}.{statement.name}", False, True))
    return found


class TypeNames:
    """The names one module can write types with (see the module docstring)."""

    def __init__(self, bindings: Sequence[Binding], names: ModuleNames) -> None:
        self.bindings = bindings
        self.names = names
        #: The names bound at runtime, with the line of their first binding.
        self.bound = names.bound
        runtime = {b.prefix.split(".")[0] for b in bindings if not b.type_only}
        #: Names bound only under ``if TYPE_CHECKING:``.
        self.type_only = {b.prefix.split(".")[0] for b in bindings if b.type_only} - runtime

    def resolve(self, word: str) -> str | None:
        """The qualified name of the class a docstring names (``Box``, ``mod.Box``,
        ``pkg.mod.Box``), when the module defines or imports it; else ``None``."""
        first, _, rest = word.partition(".")
        for binding in self.bindings:
            if binding.prefix == word and binding.is_class:
                return binding.source
            if rest and binding.prefix == first:
                return f"{binding.source}.{rest}"
        return word if "." in word and self._existing(word) else None

    def _existing(self, qualified: str) -> Binding | None:
        """The binding that names ``qualified`` itself, else its module; runtime first."""
        parent = qualified.rpartition(".")[0]
        candidates = [b for b in self.bindings if b.source == qualified] or [
            b for b in self.bindings if parent and b.source == parent and not b.is_class
        ]
        candidates += [b for b in self.bindings if parent and b.source == parent and b.is_class]
        candidates.sort(key=lambda b: (b.type_only, b.source != qualified, len(b.prefix)))
        return candidates[0] if candidates else None

    def spelled(self, qualified: str) -> Spelled | None:
        """How the module writes ``qualified`` (a builtin as it is), or ``None`` when it
        cannot: neither imported nor addable, or the name an import would bind is taken."""
        if "." not in qualified:
            return Spelled(qualified)
        found = self._existing(qualified)
        if found is not None:
            text = (
                found.prefix
                if found.source == qualified
                else f"{found.prefix}.{qualified.rpartition('.')[2]}"
            )
            root = found.prefix.split(".")[0]
            if root in self.type_only:
                return Spelled(text, True)
            heavy = match_heavy(found.source, _HEAVY) is not None
            return Spelled(text, heavy, heavy=_import_line(found) if heavy else "")
        module, _, name = qualified.rpartition(".")
        if module not in ADDABLE:
            return None
        statement, alias = ADDABLE[module]
        bound = alias or name
        if bound in self.bound or bound in BUILTIN_NAMES or any(b.prefix == bound for b in self.bindings):
            return None
        return Spelled(f"{alias}.{name}" if alias else name, True, statement.format(name=name))


def _import_line(binding: Binding) -> str:
    """The import statement that makes ``binding``."""
    if binding.is_class:
        module, _, name = binding.source.rpartition(".")
        alias = f" as {binding.prefix}" if binding.prefix != name else ""
        return f"from {module} import {name}{alias}"
    if binding.prefix == binding.source:
        return f"import {binding.source}"
    return f"import {binding.source} as {binding.prefix}"


def runtime_names(module: cst.Module) -> set[str]:
    """The names a module's top-level import lines bind when it runs (not under
    ``if TYPE_CHECKING:``, which is not a top-level line)."""
    return set(_imported_names(module.body))


def type_checking_imports(module: cst.Module, lines: Sequence[str]) -> cst.Module:
    """``module`` with the import ``lines`` under its first module-level
    ``if TYPE_CHECKING:`` block, or a new block after its leading imports (with the
    ``from typing import TYPE_CHECKING`` it needs). Lines already there are not repeated."""
    body = list(module.body)
    for index, statement in enumerate(body):
        if isinstance(statement, cst.If) and _tests_type_checking(statement.test):
            block = statement.body
            existing = (
                [cst.SimpleStatementLine(block.body)] if isinstance(block, cst.SimpleStatementSuite) else []
            )
            present = {_code(line) for line in [*existing, *getattr(block, "body", [])]}
            new = [_line(text) for text in lines if text not in present]
            if not new:
                return module
            old = existing or list(getattr(block, "body", []))
            body[index] = statement.with_changes(body=cst.IndentedBlock(body=[*old, *new]))
            return module.with_changes(body=body)
    at = _after_leading_imports(body)
    added: list[cst.SimpleStatementLine | cst.BaseCompoundStatement] = []
    test = "TYPE_CHECKING"
    if not _binds(body, "TYPE_CHECKING"):
        if _binds(body, "typing"):
            test = "typing.TYPE_CHECKING"
        else:
            body, at = _with_typing_import(body, at)
    guarded = cst.If(
        test=cst.parse_expression(test),
        body=cst.IndentedBlock(body=[_line(text) for text in dict.fromkeys(lines)]),
        leading_lines=[cst.EmptyLine()] if at else [],
    )
    added.append(guarded)
    if at < len(body):
        following = body[at]
        leading = list(getattr(following, "leading_lines", []))
        if not (leading and leading[0].comment is None):
            body[at] = following.with_changes(leading_lines=[cst.EmptyLine(), *leading])
    body[at:at] = added
    return module.with_changes(body=body)


def _with_typing_import(
    body: list[cst.SimpleStatementLine | cst.BaseCompoundStatement], at: int
) -> tuple[list[cst.SimpleStatementLine | cst.BaseCompoundStatement], int]:
    """``body`` with ``from typing import TYPE_CHECKING`` among its leading imports: after
    the last standard-library import line (isort's first section), else as a section of
    its own before the first import; and ``at`` moved past it."""
    start = 1 if at and not _imports_of(body[0]) else 0
    stdlib = [i for i in range(start, at) if _imports_of(body[i]) and _imports_of(body[i]) <= _STDLIB]
    line = _line("from typing import TYPE_CHECKING")
    if stdlib:
        index = stdlib[-1] + 1
    else:
        index = start
        if index < at:  # a section of its own: a blank line between it and the imports
            following = body[index]
            body = [
                *body[:index],
                following.with_changes(leading_lines=[cst.EmptyLine()]),
                *body[index + 1 :],
            ]
            line = line.with_changes(leading_lines=following.leading_lines)
        elif index:
            line = line.with_changes(leading_lines=[cst.EmptyLine()])
    return [*body[:index], line, *body[index:]], at + 1


#: The standard library's top-level modules (listed by Python from 3.10).
_STDLIB = stdlib_modules() | {"__future__", "typing", "collections", "abc"}


def _imports_of(statement: cst.BaseStatement) -> frozenset[str]:
    """The top-level modules an import line imports from (empty for other statements)."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return frozenset()
    found = set()
    for small in statement.body:
        if isinstance(small, cst.ImportFrom):
            if small.relative or small.module is None:
                return frozenset({"."})
            found.add(_code(_root(small.module)))
        elif isinstance(small, cst.Import):
            found.update(_code(_root(alias.name)) for alias in small.names)
        else:
            return frozenset()
    return frozenset(found)


def _line(text: str) -> cst.SimpleStatementLine:
    statement = cst.parse_statement(text)
    assert isinstance(statement, cst.SimpleStatementLine)
    return statement


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node).strip()


def _tests_type_checking(test: cst.BaseExpression) -> bool:
    if isinstance(test, cst.Name):
        return test.value == "TYPE_CHECKING"
    return isinstance(test, cst.Attribute) and test.attr.value == "TYPE_CHECKING"


def _is_leading(statement: cst.BaseStatement, index: int) -> bool:
    """A docstring (first) or an import line."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    small = statement.body
    if index == 0 and len(small) == 1 and isinstance(small[0], cst.Expr):
        return isinstance(small[0].value, (cst.SimpleString, cst.ConcatenatedString))
    return all(isinstance(s, (cst.Import, cst.ImportFrom)) for s in small)


def _after_leading_imports(body: Sequence[cst.BaseStatement]) -> int:
    """The index after the module's docstring and leading import lines."""
    at = 0
    while at < len(body) and _is_leading(body[at], at):
        at += 1
    return at


def _binds(body: Sequence[cst.BaseStatement], name: str) -> bool:
    """True when a module-level import line binds ``name`` (``from typing import
    TYPE_CHECKING``, ``import typing``)."""
    return name in _imported_names(body)


def _imported_names(body: Sequence[cst.BaseStatement]) -> Iterator[str]:
    """The names the import lines of ``body`` bind (not ``*``), in order."""
    for statement in body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(
                small.names, cst.ImportStar
            ):
                for alias in small.names:
                    bound = alias.asname.name if alias.asname else _root(alias.name)
                    if isinstance(bound, cst.Name):
                        yield bound.value


def _root(name: cst.BaseExpression) -> cst.BaseExpression:
    while isinstance(name, cst.Attribute):
        name = name.value
    return name
