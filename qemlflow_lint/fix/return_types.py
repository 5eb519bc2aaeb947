"""The return annotation a def's body makes certain, and how safe writing it is.

Only the def's own body counts: a ``return`` or ``yield`` in a nested def, lambda or class
belongs to that scope. In order:

* a generator (``yield`` anywhere in the body) is left;
* a dunder whose return type Python itself fixes (``len()`` raises unless ``__len__``
  returns an ``int``) gets that type;
* a body with no ``return <value>`` (a bare ``return`` and ``return None`` are fine) gets
  ``-> None``; but a stub (only a docstring, ``pass`` or ``...``) or a body that only raises
  is abstract-style, its overrides return values, so that is unsafe — except for the dunders
  whose result Python ignores (``__setitem__``, ``__init__`` …);
* a body whose every ``return`` returns a literal bool, int, float, str or bytes of one type
  and that cannot end without one gets that type.

A method that is abstract-style by declaration (``@abstractmethod``, or in a ``Protocol``
class) gets its annotation only as an unsafe fix: its overrides decide the type.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from qemlflow_lint.analysis.at_import import TRY_TYPES
from qemlflow_lint.analysis.defs import AnyDef
from qemlflow_lint.fix.scopes import BLOCK_PARTS
from qemlflow_lint.model.fixes import SAFE, UNSAFE

#: Dunders whose return type the interpreter checks (or, for ``__contains__``, converts to).
CONVENTIONAL_RETURNS = {
    **dict.fromkeys(("__len__", "__hash__", "__index__", "__int__", "__sizeof__", "__length_hint__"), "int"),
    **dict.fromkeys(("__bool__", "__contains__"), "bool"),
    **dict.fromkeys(("__str__", "__repr__", "__format__"), "str"),
    "__bytes__": "bytes",
    "__float__": "float",
    "__complex__": "complex",
}
#: Dunders whose result the interpreter ignores (``__init__``'s must be ``None``).
RETURNS_NOTHING = frozenset(
    {
        "__init__",
        "__setattr__",
        "__delattr__",
        "__setitem__",
        "__delitem__",
        "__set__",
        "__delete__",
        "__set_name__",
        "__init_subclass__",
        "__del__",
    }
)
#: The literal types a scalar return may have.
_SCALARS = (bool, int, float, str, bytes)

#: Why no return annotation is certain.
GENERATOR = "a generator"
UNKNOWN_VALUE = "returns a value of unknown type"
MIXED_LITERALS = "returns literals of different types"
MAY_RETURN_NONE = "may also return None"
EXIT_FALSE = "an __exit__ that returns only False"


class ReturnType(NamedTuple):
    """The return annotation a body makes certain and its applicability, or why there is none."""

    annotation: str = ""
    applicability: str = SAFE
    reason: str = ""


def literal_type(node: ast.expr | None) -> str | None:
    """The type of a literal scalar (``-1`` and f-strings included), or ``None``."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = node.operand
        if isinstance(inner, ast.Constant) and type(inner.value) in (int, float):
            return type(inner.value).__name__
        return None
    if isinstance(node, ast.Constant) and type(node.value) in _SCALARS:
        return type(node.value).__name__
    return "str" if isinstance(node, ast.JoinedStr) else None


def _own_nodes(body: Sequence[ast.stmt]) -> Iterator[ast.AST]:
    """Every node of a def's own scope: nested defs, lambdas and classes contribute only
    what runs in this scope (decorators, defaults, bases)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            arguments = node.args
            stack.extend(arguments.defaults)
            stack.extend(d for d in arguments.kw_defaults if d is not None)
            if not isinstance(node, ast.Lambda):
                stack.extend(node.decorator_list)
        elif isinstance(node, ast.ClassDef):
            stack.extend([*node.decorator_list, *node.bases, *(k.value for k in node.keywords)])
        else:
            stack.extend(ast.iter_child_nodes(node))


def _is_docstring_or_placeholder(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Pass):
        return True
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and (statement.value.value is Ellipsis or isinstance(statement.value.value, str))
    )


def is_abstract_style(body: Sequence[ast.stmt]) -> bool:
    """True for a stub (docstring, ``pass``, ``...``) or a body that only raises."""
    return all(_is_docstring_or_placeholder(s) or isinstance(s, ast.Raise) for s in body)


def _ends(statement: ast.stmt) -> bool:
    """True when control never passes ``statement`` to the next one."""
    if isinstance(statement, (ast.Return, ast.Raise)):
        return True
    if isinstance(statement, ast.If):
        return bool(statement.orelse) and not can_fall_through(statement.body, statement.orelse)
    if isinstance(statement, ast.While):
        forever = isinstance(statement.test, ast.Constant) and bool(statement.test.value)
        return forever and not _breaks(statement.body)
    if isinstance(statement, TRY_TYPES):
        # ast.Try and, from 3.11, ast.TryStar: the same fields.
        handlers: list[ast.ExceptHandler] = getattr(statement, "handlers")
        finalbody: list[ast.stmt] = getattr(statement, "finalbody")
        if finalbody and not can_fall_through(finalbody):
            return True
        body, orelse = getattr(statement, "body"), getattr(statement, "orelse")
        after_body = can_fall_through(body) and (not orelse or can_fall_through(orelse))
        return not after_body and not any(can_fall_through(h.body) for h in handlers)
    return False


def _breaks(body: Sequence[ast.stmt]) -> bool:
    """True when a ``break`` in ``body`` leaves the loop whose body it is (one in a nested
    loop leaves that loop, unless it is in the nested loop's ``else``)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Break):
            return True
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            stack.extend(node.orelse)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stack.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, BLOCK_PARTS))
    return False


def can_fall_through(*bodies: Sequence[ast.stmt]) -> bool:
    """True when the end of any of the statement lists may be reached (conservatively)."""
    return any(not any(_ends(statement) for statement in body) for body in bodies)


def return_type(node: AnyDef, declared_abstract: bool) -> ReturnType:
    """The return annotation ``node``'s body makes certain (see the module docstring)."""
    own = list(_own_nodes(node.body))
    if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in own):
        return ReturnType(reason=GENERATOR)
    downgraded = UNSAFE if declared_abstract else SAFE
    if node.name in CONVENTIONAL_RETURNS:
        return ReturnType(CONVENTIONAL_RETURNS[node.name])
    returns = [n for n in own if isinstance(n, ast.Return)]
    valued = [r for r in returns if r.value is not None and not _none(r.value)]
    if not valued:
        if node.name in RETURNS_NOTHING:
            return ReturnType("None")
        return ReturnType("None", UNSAFE if is_abstract_style(node.body) else downgraded)
    types = {literal_type(r.value) for r in valued}
    if None in types:
        return ReturnType(reason=UNKNOWN_VALUE)
    if len(types) > 1:
        return ReturnType(reason=MIXED_LITERALS)
    if len(valued) < len(returns) or can_fall_through(node.body):
        return ReturnType(reason=MAY_RETURN_NONE)
    scalar = types.pop() or ""
    if node.name in ("__exit__", "__aexit__") and not any(_true(r.value) for r in valued):
        return ReturnType(reason=EXIT_FALSE)
    return ReturnType(scalar, downgraded)


def _none(value: ast.expr | None) -> bool:
    return isinstance(value, ast.Constant) and value.value is None


def _true(value: ast.expr | None) -> bool:
    return isinstance(value, ast.Constant) and value.value is True
