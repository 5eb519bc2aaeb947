"""Where a def sits and which names its annotations can use there.

A def's annotations are evaluated where the def is: in the class body that holds it, then
the module (unless ``from __future__ import annotations`` postpones them). So a builtin
such as ``int`` can be written only where neither the module nor an enclosing class binds
that name (a method named ``int``, ``from numpy import *``), and a module-level name only
once the statement that binds it has run; otherwise the annotation is quoted.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterator, Mapping
from typing import NamedTuple, Union

from qemlflow_lint.analysis.defs import AnyDef
from qemlflow_lint.analysis.names.usage import postpones_annotations
from qemlflow_lint.analysis.nodes import child_nodes, every_node, every_statement

#: Every name the builtins module has.
BUILTIN_NAMES = frozenset(dir(builtins))
#: A star import may bind any name: this stands for all of them.
ANY_NAME = "*"


def _ast_types(*names: str) -> tuple[type, ...]:
    """The ``ast`` classes of these names that the running Python has (``match``: 3.10+)."""
    return tuple(t for t in (getattr(ast, name, None) for name in names) if isinstance(t, type))


#: The nodes that hold statements: statements, ``except`` handlers and ``match`` cases.
BLOCK_PARTS: tuple[type, ...] = (ast.stmt, ast.excepthandler, *_ast_types("match_case"))
#: The nodes that bind the name in their ``name`` field.
_NAMED = (ast.ExceptHandler, *_ast_types("MatchAs", "MatchStar"))
_MAPPING_PATTERNS = _ast_types("MatchMapping")
ImportNode = Union[ast.Import, ast.ImportFrom]


def bound_name(alias: ast.alias, statement: ImportNode) -> str:
    """The name an alias of an import statement binds (``np`` for ``import numpy as np``,
    ``scipy`` for ``import scipy.stats``)."""
    if alias.asname:
        return alias.asname
    return alias.name.split(".", 1)[0] if isinstance(statement, ast.Import) else alias.name


def captured_names(node: ast.AST) -> list[str]:
    """The names an ``except … as name`` handler or a ``match`` pattern binds by itself
    (``case Point(x=px)``, ``case [*rest]``, ``case {**rest}``)."""
    names: list[str] = []
    if isinstance(node, _NAMED) and getattr(node, "name", None):
        names.append(getattr(node, "name"))
    elif isinstance(node, _MAPPING_PATTERNS) and getattr(node, "rest", None):
        names.append(getattr(node, "rest"))
    return names


def binds_anywhere(tree: ast.Module, name: str) -> bool:
    """True when some scope of ``tree`` may bind ``name``: an assignment or ``del``, a
    parameter, a def or class, an import (a star import may bind any name), ``global`` or
    ``nonlocal``, a handler's ``as`` or a pattern's name."""
    for node in every_node(tree):
        if isinstance(node, ast.Name):
            if node.id == name and not isinstance(node.ctx, ast.Load):
                return True
        elif isinstance(node, ast.arg):
            if node.arg == name:
                return True
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name == name:
                return True
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            if any(alias.name == "*" or bound_name(alias, node) == name for alias in node.names):
                return True
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            if name in node.names:
                return True
        elif isinstance(node, (*_NAMED, *_MAPPING_PATTERNS)) and name in captured_names(node):
            return True
    return False


class DefSite(NamedTuple):
    """A def that is not nested in a function, and the classes around it, outermost first."""

    node: AnyDef
    classes: tuple[ast.ClassDef, ...]

    @property
    def in_class(self) -> bool:
        """True for a method (the def's own scope is a class body)."""
        return bool(self.classes)

    @property
    def first_line(self) -> int:
        """The line the def statement starts on: its first decorator, or ``def``."""
        return min([self.node.lineno, *(d.lineno for d in self.node.decorator_list)])


def def_sites(tree: ast.Module) -> dict[int, DefSite]:
    """The defs outside functions by the line of their ``def`` (one def starts per line)."""
    sites: dict[int, DefSite] = {}
    stack: list[tuple[ast.AST, tuple[ast.ClassDef, ...]]] = [(tree, ())]
    while stack:
        node, classes = stack.pop()
        for child in child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                sites[child.lineno] = DefSite(child, classes)
            elif isinstance(child, ast.ClassDef):
                stack.append((child, (*classes, child)))
            elif isinstance(child, BLOCK_PARTS):
                stack.append((child, classes))
    return sites


def _bound_by(statement: ast.stmt) -> Iterator[str]:
    """The names one statement binds in its own scope (blocks included, nested scopes not:
    a def or class binds its name only)."""
    stack: list[ast.AST] = [statement]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name
            continue
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            # ``from builtins import str`` binds the builtin itself (a Python 2 idiom).
            same = isinstance(node, ast.ImportFrom) and node.module == "builtins" and not node.level
            for alias in node.names:
                if not (same and alias.asname in (None, alias.name) and alias.name != "*"):
                    yield ANY_NAME if alias.name == "*" else bound_name(alias, node)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            yield node.id
        else:
            yield from captured_names(node)
        stack.extend(child_nodes(node))


class ModuleNames(NamedTuple):
    """The names a module binds, each with the line where its first binding has run."""

    bound: Mapping[str, int]
    #: True under ``from __future__ import annotations``: no annotation is evaluated.
    postponed: bool

    @classmethod
    def of(cls, tree: ast.Module) -> ModuleNames:
        """Collect the module-level bindings of ``tree`` (``global`` names in functions too)."""
        bound: dict[str, int] = {}
        for statement in tree.body:
            end = statement.end_lineno or statement.lineno
            for name in _bound_by(statement):
                bound[name] = min(bound.get(name, end), end)
        for node in every_statement(tree):
            if isinstance(node, ast.Global):
                for name in node.names:
                    bound[name] = min(bound.get(name, node.lineno), node.lineno)
        return cls(bound, postpones_annotations(tree))


def class_names(node: ast.ClassDef) -> frozenset[str]:
    """The names a class body binds."""
    return frozenset(name for statement in node.body for name in _bound_by(statement))


def _needs_quotes(expression: ast.expr, oldest: tuple[int, int]) -> bool:
    """True when evaluating ``expression`` fails on the oldest Python: ``X | Y`` before 3.10,
    ``list[int]`` before 3.9."""
    for node in ast.walk(expression):
        if isinstance(node, ast.BinOp) and oldest < (3, 10):
            return True
        if isinstance(node, ast.Subscript) and oldest < (3, 9):
            value = node.value
            if isinstance(value, ast.Name) and value.id in BUILTIN_NAMES:
                return True
    return False


#: Why a type cannot be written where the def is.
REBOUND = "a builtin type name is rebound here"
STAR_IMPORT = "a star import may rebind a builtin type name"
NOT_IMPORTED = "mypy's suggestion names a type the module does not import"


class Spelling(NamedTuple):
    """An annotation as it can be written on a def (``text``), or why it cannot (``problem``)."""

    text: str = ""
    problem: str = ""


def spelling(annotation: str, site: DefSite, names: ModuleNames, oldest: tuple[int, int]) -> Spelling:
    """How to write ``annotation`` (a type expression) on the def at ``site``: as it is, or
    quoted when it cannot be evaluated when the def runs; or why not at all (a builtin the
    module or a class rebinds, a name the module does not bind)."""
    expression = ast.parse(annotation, mode="eval").body
    shadowing = {name for cls in site.classes for name in class_names(cls)}
    quote = False
    for node in ast.walk(expression):
        if not isinstance(node, ast.Name):
            continue
        if node.id in BUILTIN_NAMES:
            if node.id in shadowing or node.id in names.bound:
                return Spelling(problem=REBOUND)
            if ANY_NAME in names.bound:
                return Spelling(problem=STAR_IMPORT)
            continue
        line = names.bound.get(node.id)
        if line is None or node.id in shadowing:
            return Spelling(problem=NOT_IMPORTED)
        quote = quote or line >= site.first_line
    quote = quote or _needs_quotes(expression, oldest)
    if not quote or names.postponed:
        return Spelling(annotation)
    return Spelling(problem=NOT_IMPORTED) if '"' in annotation else Spelling(f'"{annotation}"')
