"""Optional dependencies: the ``try: import x … except ImportError: x = None`` blocks
QF001's fix can defer, and where each def then imports the dependency.

A block can be deferred when its ``try`` only imports and sets availability flags
(``HAS_RDKIT = True``, in the ``try`` or its ``else``), its handlers only set fallbacks
(``x = None``, ``HAS_RDKIT = False``, ``pass``) and it has no ``finally``. Its flags then
keep their meaning without importing, through ``importlib.util.find_spec``; each def
imports the dependency right before the first statement that reads it, and inside the
branches its flag guards, so the def's own availability checks and fallbacks still run.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from typing import NamedTuple

from qemlflow_lint.analysis.at_import import catches_import_error
from qemlflow_lint.analysis.names.bindings import ImportNode, bound_name
from qemlflow_lint.analysis.names.scopes import FunctionNode, NameUses

# Why an optional-dependency block cannot be deferred (stable phrases: the summary groups by them).
TRY_DOES_MORE = "the `try` block does more than import and set flags"  # its `else` too
HANDLER_DOES_MORE = "the handler does more than set fallbacks"
TRY_FINALLY = "the `try` has a `finally` block"
TRY_KEEPS_IMPORT = "its `try` block has an import that stays"


class OptionalBlock(NamedTuple):
    """A module-level ``try: import x … except ImportError: x = None`` block."""

    node: ast.stmt
    #: The availability flags it sets (``HAS_RDKIT``), in order.
    flags: tuple[str, ...]
    #: The top-level packages its imports need (what ``find_spec`` looks for).
    packages: tuple[str, ...]
    #: The import statements in its body.
    imports: tuple[ImportNode, ...]
    #: The ``x = None`` / ``FLAG = False`` statements of its handlers.
    fallbacks: frozenset[int]


def optional_block(node: ast.Try, findings: set[int]) -> OptionalBlock | str:
    """The optional-dependency block ``node`` is, or why it cannot be deferred."""
    if node.finalbody:
        return TRY_FINALLY
    if not all(_flag_assignment(s, True) for s in node.orelse):
        return TRY_DOES_MORE
    imports: list[ImportNode] = []
    # ``try: import x / except ImportError: HAS_X = False / else: HAS_X = True`` too.
    flags: list[str] = [name for statement in node.orelse for name in _assigned_names(statement)]
    for statement in node.body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            if any(alias.name == "*" for alias in statement.names):
                return TRY_DOES_MORE
            imports.append(statement)
        elif _flag_assignment(statement, True):
            flags.extend(_assigned_names(statement))
        else:
            return TRY_DOES_MORE
    if any(id(statement) not in findings for statement in imports):
        return TRY_KEEPS_IMPORT
    bound = {name for statement in imports for name in (bound_name(a, statement) for a in statement.names)}
    fallbacks: set[int] = set()
    for handler in node.handlers:
        if not catches_import_error([handler]):
            return HANDLER_DOES_MORE
        for statement in handler.body:
            if isinstance(statement, ast.Pass) or (
                isinstance(statement, ast.Expr)
                and isinstance(statement.value, ast.Constant)
                and statement.value.value is Ellipsis
            ):
                continue
            if (_flag_assignment(statement, None) and set(_assigned_names(statement)) <= bound) or (
                _flag_assignment(statement, False) and set(_assigned_names(statement)) <= set(flags)
            ):
                # The module-level bindings are the assignment's targets.
                fallbacks.update(id(target) for target in getattr(statement, "targets"))
            else:
                return HANDLER_DOES_MORE
    packages: list[str] = []
    for statement in imports:
        modules = (
            [a.name for a in statement.names]
            if isinstance(statement, ast.Import)
            else [statement.module or ""]
        )
        for module in modules:
            top = module.split(".", 1)[0]
            if top not in packages:
                packages.append(top)
    return OptionalBlock(node, tuple(flags), tuple(packages), tuple(imports), frozenset(fallbacks))


def _flag_assignment(statement: ast.stmt, value: object) -> bool:
    """``NAME = value`` (``a = b = value`` too) with a constant ``True``/``False``/``None``."""
    return (
        isinstance(statement, ast.Assign)
        and all(isinstance(t, ast.Name) for t in statement.targets)
        and isinstance(statement.value, ast.Constant)
        and statement.value.value is value
    )


def _assigned_names(statement: ast.stmt) -> list[str]:
    assert isinstance(statement, ast.Assign)
    return [t.id for t in statement.targets if isinstance(t, ast.Name)]


def _flag_test(test: ast.expr, flags: Sequence[str]) -> bool | None:
    """True for ``if HAS_X:`` / ``if HAS_X and …:``, False for ``if not HAS_X:``, on one of
    ``flags``; ``None`` for any other test."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return False if _flag_test(test.operand, flags) else None
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return True if any(_flag_test(value, flags) for value in test.values) else None
    return True if isinstance(test, ast.Name) and test.id in flags else None


#: A call that stops a def when a dependency is missing (``_require_rdkit()``, ``check_installed("x")``).
_GUARD_CALL = re.compile(r"require|check|ensure|assert", re.IGNORECASE)


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _stops(body: Sequence[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[-1], (ast.Return, ast.Raise))


def _is_guard(statement: ast.stmt, reads: set[int], flags: Sequence[str]) -> bool:
    """A statement that returns or raises when the dependency is missing, and does not read
    it: ``if not HAS_X: raise …``, ``if x is None: return``, ``_require_x()``."""
    if any(id(node) in reads for node in ast.walk(statement)):
        return False
    if isinstance(statement, ast.If) and not statement.orelse and _stops(statement.body):
        test = statement.test
        none_test = (
            isinstance(test, ast.Compare)
            and isinstance(test.ops[0], ast.Is)
            and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value is None
        )
        return _flag_test(test, flags) is False or none_test
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        func = statement.value.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        return bool(_GUARD_CALL.search(name))
    return False


def _top(statements: Sequence[ast.stmt], reads: set[int], flags: Sequence[str]) -> int:
    """Where a block's imports go: after its docstring and the guards that open it."""
    index = 1 if statements and _is_docstring(statements[0]) else 0
    while index < len(statements) - 1 and _is_guard(statements[index], reads, flags):
        index += 1
    return index


def _place(statements: Sequence[ast.stmt], reads: set[int], flags: Sequence[str]) -> list[ast.stmt]:
    """The statements of a def's body to import the name before: the first after its
    docstring and its opening guards; or, when every statement that reads the name is an
    ``if`` on a flag that reads it only in the branch where the dependency is there, the
    first statement of each such branch. Never a statement in the middle of a block."""
    start = _top(statements, reads, flags)
    body = statements[start:]
    reading = [s for s in body if any(id(node) in reads for node in ast.walk(s))]
    if not reading:
        return []
    branches: list[ast.stmt] = []
    for statement in reading:
        test = _flag_test(statement.test, flags) if isinstance(statement, ast.If) else None
        if test is None:
            return [body[0]]
        assert isinstance(statement, ast.If)
        inside, outside = (statement.body, statement.orelse) if test else (statement.orelse, statement.body)
        if any(id(node) in reads for node in ast.walk(statement.test)) or any(
            id(node) in reads for s in outside for node in ast.walk(s)
        ):
            return [body[0]]
        branches.append(inside[_top(inside, reads, flags)])
    return branches


def late_places(
    uses: NameUses, flags: Sequence[str], functions: Sequence[FunctionNode] | None = None
) -> tuple[tuple[FunctionNode, tuple[ast.stmt, ...]], ...]:
    """Where each def (of ``functions``, by default all that read the name) imports it: at
    the top of its body, after its docstring and the guards that open it (``if not HAS_X:
    return``, ``_require_x()``), so that they still run first; or at the top of the branches
    its flag guards (``if HAS_X:``, the ``else`` of ``if not HAS_X:``), so that the fallback
    still runs without it."""
    found = []
    for function in uses.functions if functions is None else functions:
        reads = {id(read) for outer, read in uses.reads if outer is function}
        found.append((function, tuple(_place(function.body, reads, flags))))
    return tuple(found)
