"""Small facts about ``def`` and ``class`` nodes that several rules need."""

from __future__ import annotations

import ast
from typing import Union

AnyDef = Union[ast.FunctionDef, ast.AsyncFunctionDef]


_NONE: frozenset[str] = frozenset()


def decorator_names(node: AnyDef | ast.ClassDef) -> frozenset[str]:
    """The last dotted part of each decorator: ``@typing.overload`` → ``overload``."""
    if not node.decorator_list:
        return _NONE  # most defs: asked several times per def, so answered at once
    names = set()
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Name):
            names.add(target.id)
        elif isinstance(target, ast.Attribute):
            names.add(target.attr)
    return frozenset(names)


def is_dunder(name: str) -> bool:
    """True for ``__name__``-style names."""
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def every_parameter(arguments: ast.arguments) -> list[ast.arg]:
    """Every parameter of a def or lambda, in order: positional-only, positional,
    keyword-only, then ``*args`` and ``**kwargs``."""
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    every.extend(a for a in (arguments.vararg, arguments.kwarg) if a is not None)
    return every
