"""What "runs when the module is imported" means, in one place for every rule that asks.

The walk in :mod:`qemlflow_lint.analysis.engine` uses these predicates to decide which blocks are
exempt; rules use :func:`literal_import_calls` and :func:`is_lazy_import` so that QF001,
QF006 and the import graph agree on every edge case.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from typing import NamedTuple

from qemlflow_lint.analysis.nodes import child_nodes

#: Exception names whose handlers make a ``try`` an optional-dependency guard.
IMPORT_ERRORS: frozenset[str] = frozenset({"ImportError", "ModuleNotFoundError"})


def may_call_import_functions(text: str) -> bool:
    """False when ``text`` cannot hold a literal ``importlib.import_module(...)`` or
    ``__import__(...)`` call: such files need no expression walk to find them (two
    substring searches, much faster than a regular expression over the whole file)."""
    return "import_module" in text or "__import__" in text


#: True where the running Python honours PEP 810 lazy imports (3.15+): its ``ast`` marks a
#: ``lazy import`` with ``is_lazy`` (``Import(alias* names, int? is_lazy)`` in
#: ``Parser/Python.asdl``), and its import statements consult ``__lazy_modules__``.
SUPPORTS_LAZY_IMPORTS: bool = sys.version_info >= (3, 15)

#: ``try`` statements: ``try/except*`` (3.11+) exists only on newer Pythons.
TRY_TYPES: tuple[type, ...] = tuple(
    t for t in (ast.Try, getattr(ast, "TryStar", None)) if isinstance(t, type)
)

#: The statements that evaluate expressions of their own when they run, which at module
#: level is at import time: an expression statement or assignment, an ``if``/``while``
#: test, a ``for`` iterable, a ``with`` context manager, a ``class``'s bases and
#: decorators, a ``def``'s decorators and default values, ``assert``, ``raise``, ``del``
#: and a ``match`` subject (their blocks are walked on their own; see
#: :func:`import_time_calls` for which expressions count).
EVALUATING_STATEMENTS: tuple[type, ...] = tuple(
    t
    for t in (
        ast.Expr,
        ast.Assign,
        ast.AnnAssign,
        ast.AugAssign,
        ast.If,
        ast.While,
        ast.For,
        ast.With,
        ast.ClassDef,
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.Assert,
        ast.Raise,
        ast.Delete,
        getattr(ast, "Match", None),
    )
    if isinstance(t, type)
)


def dotted_name(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of names and attributes, else ``None``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted_name(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def is_type_checking(test: ast.expr) -> bool:
    """True for ``TYPE_CHECKING`` and ``typing.TYPE_CHECKING`` (any ``x.TYPE_CHECKING``)."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def is_not_type_checking(test: ast.expr) -> bool:
    """True for ``not TYPE_CHECKING``, whose ``else`` branch is the exempt one."""
    return isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and is_type_checking(test.operand)


def is_main_guard(test: ast.expr) -> bool:
    """True for ``__name__ == "__main__"`` (either operand order)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    left, right = test.left, test.comparators[0]
    for name, value in ((left, right), (right, left)):
        if (
            isinstance(name, ast.Name)
            and name.id == "__name__"
            and isinstance(value, ast.Constant)
            and value.value == "__main__"
        ):
            return True
    return False


def catches_import_error(handlers: list[ast.ExceptHandler]) -> bool:
    """True when one of the handlers catches ``ImportError`` or ``ModuleNotFoundError``."""
    for handler in handlers:
        kinds = handler.type
        if kinds is None:  # a bare ``except:``
            continue
        candidates = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
        for candidate in candidates:
            name = dotted_name(candidate)
            if name is not None and name.rsplit(".", 1)[-1] in IMPORT_ERRORS:
                return True
    return False


def is_lazy_import(node: ast.Import | ast.ImportFrom) -> bool:
    """True for a PEP 810 ``lazy import`` / ``lazy from``: the running Python's ``ast`` sets
    ``is_lazy`` to 1 on them (0, or None on a node built without it, for an eager import;
    absent before 3.15, where no source can hold one)."""
    return bool(getattr(node, "is_lazy", 0))


class LazyModules(NamedTuple):
    """A literal module-level ``__lazy_modules__`` (PEP 810, Python 3.15+).

    Python checks it when an ``import`` statement runs, and only for statements that
    could be written ``lazy``: an import is made lazy only when it runs after the
    assignment, at module scope (not in a class body or a function), outside any
    ``try``/``except``/``finally`` block and not as ``from a import *``.
    ``importlib.import_module`` and ``__import__`` calls are never affected.
    ``import a.b`` is lazy only when ``a.b`` itself is listed; ``from a import b`` when
    ``a`` is.
    """

    names: frozenset[str] = frozenset()
    #: Line of the first literal assignment: imports above it run before the list exists.
    line: int = 0
    #: ``(line, column)`` of every import statement inside a module-level ``try`` block.
    in_try: frozenset[tuple[int, int]] = frozenset()

    def makes_lazy(self, module: str, statement: ast.Import | ast.ImportFrom, at_module_scope: bool) -> bool:
        """True when ``__lazy_modules__`` makes this import of ``module`` lazy."""
        return (
            module in self.names
            and at_module_scope
            and statement.lineno > self.line
            and (statement.lineno, statement.col_offset) not in self.in_try
            and not any(alias.name == "*" for alias in statement.names)
        )


def lazy_modules(tree: ast.Module) -> LazyModules:
    """The literal module-level ``__lazy_modules__`` (empty before Python 3.15)."""
    if not SUPPORTS_LAZY_IMPORTS:
        return LazyModules()
    names: set[str] = set()
    first_line = 0
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets = [statement.target]
        else:
            continue
        value = statement.value
        if isinstance(value, (ast.List, ast.Tuple, ast.Set)) and any(
            isinstance(t, ast.Name) and t.id == "__lazy_modules__" for t in targets
        ):
            names.update(
                e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
            )
            first_line = first_line or statement.lineno
    if not names:
        return LazyModules()
    return LazyModules(frozenset(names), first_line, _imports_in_try_blocks(tree))


def _imports_in_try_blocks(tree: ast.Module) -> frozenset[tuple[int, int]]:
    """Positions of the import statements nested in a module-level ``try`` block.

    Class and function bodies are not entered: their imports are never lazy anyway.
    """
    found: set[tuple[int, int]] = set()
    pending: list[tuple[list[ast.stmt], bool]] = [(tree.body, False)]
    while pending:
        body, in_try = pending.pop()
        for statement in body:
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                if in_try:
                    found.add((statement.lineno, statement.col_offset))
            elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            elif isinstance(statement, TRY_TYPES):
                handlers: list[ast.ExceptHandler] = getattr(statement, "handlers")
                pending.append((getattr(statement, "body"), True))
                pending.extend((handler.body, True) for handler in handlers)
                pending.append((getattr(statement, "orelse"), in_try))
                pending.append((getattr(statement, "finalbody"), True))
            else:
                pending.append((getattr(statement, "body", []), in_try))
                pending.append((getattr(statement, "orelse", []), in_try))
                pending.extend((case.body, in_try) for case in getattr(statement, "cases", []))
    return frozenset(found)


_IMPORT_FUNCTIONS = frozenset({"importlib.import_module", "import_module", "__import__"})


def _evaluated_expressions(statement: ast.stmt) -> list[ast.expr]:
    """The expressions a statement evaluates itself when it runs, not its nested blocks.

    A ``def`` evaluates its decorators and default values (its body runs later, and its
    annotations may be deferred); a ``class`` its decorators, bases and keyword
    arguments; a ``with`` its context managers; any other statement its direct
    expressions (an ``if``'s test, a ``for``'s iterable, an assignment's value ...).
    """
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        arguments = statement.args
        defaults = [d for d in arguments.kw_defaults if d is not None]
        return [*statement.decorator_list, *arguments.defaults, *defaults]
    if isinstance(statement, ast.ClassDef):
        keywords = [k.value for k in statement.keywords]
        return [*statement.decorator_list, *statement.bases, *keywords]
    if isinstance(statement, (ast.With, ast.AsyncWith)):
        return [item.context_expr for item in statement.items]
    return [child for child in child_nodes(statement) if isinstance(child, ast.expr)]


def _module_argument(call: ast.Call) -> ast.expr | None:
    """The module name passed to an import function: first positional, or ``name=``."""
    if call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg == "name"), None)


def import_time_calls(statement: ast.stmt) -> Iterator[ast.Call]:
    """Every call a statement makes itself when it runs.

    Only the expressions the statement evaluates itself are searched (see
    :func:`_evaluated_expressions`), and lambdas are skipped, because their bodies do not
    run when the statement does.
    """
    pending: list[ast.AST] = list(_evaluated_expressions(statement))
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Call):
            yield node
        pending.extend(child_nodes(node))


def literal_import_calls(statement: ast.stmt) -> Iterator[tuple[ast.Call, str]]:
    """``importlib.import_module("x")`` / ``__import__("x")`` calls in one statement.

    Relative names (``".x"``) are skipped: they never name a third-party module.
    """
    for call in import_time_calls(statement):
        if dotted_name(call.func) in _IMPORT_FUNCTIONS:
            name = _module_argument(call)
            if (
                isinstance(name, ast.Constant)
                and isinstance(name.value, str)
                and name.value
                and not name.value.startswith(".")
            ):
                yield call, name.value
