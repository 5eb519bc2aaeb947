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
from collections.abc import Sequence
from typing import NamedTuple

from qemlflow_lint.analysis.at_import import catches_import_error
from qemlflow_lint.fix.import_uses import FunctionNode, ImportNode, NameUses, bound_name

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


def _place(statements: Sequence[ast.stmt], reads: set[int], flags: Sequence[str]) -> list[ast.stmt]:
    """The statements of a block to import the name before: the first that reads it, or,
    when every statement that reads it is an ``if`` on a flag that reads it only in the
    branch where the dependency is there, the places within those branches."""
    reading = [s for s in statements if any(id(node) in reads for node in ast.walk(s))]
    if not reading:
        return []
    branches: list[list[ast.stmt]] = []
    for statement in reading:
        test = _flag_test(statement.test, flags) if isinstance(statement, ast.If) else None
        if test is None:
            return [reading[0]]
        assert isinstance(statement, ast.If)
        inside, outside = (statement.body, statement.orelse) if test else (statement.orelse, statement.body)
        if any(id(node) in reads for node in ast.walk(statement.test)) or any(
            id(node) in reads for s in outside for node in ast.walk(s)
        ):
            return [reading[0]]
        branches.append(inside)
    return [place for branch in branches for place in _place(branch, reads, flags)]


def late_places(
    uses: NameUses, flags: Sequence[str], functions: Sequence[FunctionNode] | None = None
) -> tuple[tuple[FunctionNode, tuple[ast.stmt, ...]], ...]:
    """Where each def (of ``functions``, by default all that read the name) imports it:
    right before the first statement that reads it, so that the def's own checks run
    first (``if not HAS_X: return``, ``_require_x()``), and inside the branches its flag
    guards (``if HAS_X:``, the ``else`` of ``if not HAS_X:``), so that the fallback still
    runs without it."""
    found = []
    for function in uses.functions if functions is None else functions:
        reads = {id(read) for outer, read in uses.reads if outer is function}
        found.append((function, tuple(_place(function.body, reads, flags))))
    return tuple(found)
