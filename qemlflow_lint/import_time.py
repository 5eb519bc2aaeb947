"""What "runs when the module is imported" means, in one place for every rule that asks.

The walk in :mod:`qemlflow_lint.engine` uses these predicates to decide which blocks are
exempt; rules use :func:`literal_import_calls` and :func:`is_lazy_import` so that QF001,
QF006 and the import graph agree on every edge case.
"""

from __future__ import annotations

import ast
import sys
from typing import Iterator

#: Exception names whose handlers make a ``try`` an optional-dependency guard.
IMPORT_ERRORS: frozenset[str] = frozenset({"ImportError", "ModuleNotFoundError"})

#: True where the running ``ast`` exposes PEP 810 lazy imports (Python 3.15+).
SUPPORTS_LAZY_IMPORTS: bool = sys.version_info >= (3, 15)


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def is_type_checking(test: ast.expr) -> bool:
    """True for ``TYPE_CHECKING`` and ``typing.TYPE_CHECKING`` (any ``x.TYPE_CHECKING``)."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def is_not_type_checking(test: ast.expr) -> bool:
    """True for ``not TYPE_CHECKING``, whose ``else`` branch is the exempt one."""
    return (
        isinstance(test, ast.UnaryOp)
        and isinstance(test.op, ast.Not)
        and is_type_checking(test.operand)
    )


def is_main_guard(test: ast.expr) -> bool:
    """True for ``__name__ == "__main__"`` (either operand order)."""
    if not (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Eq)
    ):
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
        candidates = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
        for candidate in candidates:
            if candidate is None:
                continue
            name = _dotted(candidate)
            if name is not None and name.rsplit(".", 1)[-1] in IMPORT_ERRORS:
                return True
    return False


def is_lazy_import(node: ast.Import | ast.ImportFrom) -> bool:
    """True for a PEP 810 ``lazy import`` (only the running Python's ``ast`` can tell)."""
    return bool(getattr(node, "is_lazy", False))


def lazy_module_names(tree: ast.Module) -> frozenset[str]:
    """Module names listed in a literal module-level ``__lazy_modules__`` (Python 3.15+)."""
    if not SUPPORTS_LAZY_IMPORTS:
        return frozenset()
    names: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets = [statement.target]
        else:
            continue
        value = statement.value
        if any(isinstance(t, ast.Name) and t.id == "__lazy_modules__" for t in targets):
            if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
                names.update(
                    e.value
                    for e in value.elts
                    if isinstance(e, ast.Constant) and isinstance(e.value, str)
                )
    return frozenset(names)


_IMPORT_FUNCTIONS = frozenset({"importlib.import_module", "import_module", "__import__"})


def literal_import_calls(statement: ast.stmt) -> Iterator[tuple[ast.Call, str]]:
    """``importlib.import_module("x")`` / ``__import__("x")`` calls in one statement.

    Only the statement's own expressions are searched (not nested statement bodies) and
    lambdas are skipped, because their bodies do not run at import. Relative names
    (``".x"``) are skipped: they never name a third-party module.
    """
    pending: list[ast.AST] = [
        child for child in ast.iter_child_nodes(statement) if isinstance(child, ast.expr)
    ]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Call) and node.args:
            function = _dotted(node.func)
            first = node.args[0]
            if (
                function in _IMPORT_FUNCTIONS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and first.value
                and not first.value.startswith(".")
            ):
                yield node, first.value
        pending.extend(ast.iter_child_nodes(node))
