"""The protocol of everything that joins the engine's one walk.

A :class:`Visitor` has ``visit_<NodeType>(node, where)`` hooks, which the engine calls for
every statement (and ``except`` handler and ``match`` case) of that type: in source order
outside functions, in no particular order inside them.
A :class:`Check` is a visitor that reports findings and counts units (the score's
denominator): the rules are checks. The engine knows only this protocol, never a rule.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Callable, ClassVar, TypeVar

from qemlflow_lint.analysis.at_import import EVALUATING_STATEMENTS
from qemlflow_lint.analysis.context import FileContext
from qemlflow_lint.model.findings import WHOLE_MODULE, Finding, RawImport

HookMethod = TypeVar("HookMethod", bound=Callable[..., None])


def outside_functions(hook: HookMethod) -> HookMethod:
    """Mark a hook that can never report inside a function body (nothing there runs at
    import, and nothing there is public), so the walk skips it there. This keeps the one
    walk cheap: most statements of a project are in function bodies."""
    setattr(hook, "outside_functions", True)
    return hook


#: The hooks that one method serves for several statement types: ``(name, node types)``.
_SHARED_HOOKS: tuple[tuple[str, tuple[type, ...]], ...] = (
    ("visit_statement", EVALUATING_STATEMENTS),
    ("visit_def", (ast.FunctionDef, ast.AsyncFunctionDef)),
)


class Visitor:
    """Anything that joins the engine's one walk: checks, and collectors of facts such as
    the file's import records.

    Besides ``visit_<NodeType>`` hooks, a visitor may define ``visit_statement``: it is
    called for every statement that evaluates expressions of its own when it runs
    (:data:`~qemlflow_lint.analysis.at_import.EVALUATING_STATEMENTS`), which is how the
    import records and QF006 agree on what runs code at import time. ``visit_def`` is
    called for every ``def`` and ``async def`` alike, which the rules of public defs treat
    the same.
    """

    #: ``(node type, method name, also inside functions)`` of every ``visit_<NodeType>``
    #: hook, found once per class. :meth:`begin` may set it to ``()`` on the instance when
    #: nothing in its file needs a look: the engine reads it after ``begin``.
    hooks: tuple[tuple[type[ast.AST], str, bool], ...] = ()

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        found = []
        for name in dir(cls):
            node_type = getattr(ast, name[len("visit_") :], None) if name.startswith("visit_") else None
            if isinstance(node_type, type) and issubclass(node_type, ast.AST):
                inside = not getattr(getattr(cls, name), "outside_functions", False)
                found.append((node_type, name, inside))
        for name, node_types in _SHARED_HOOKS:
            hook = getattr(cls, name, None)
            if hook is not None:
                inside = not getattr(hook, "outside_functions", False)
                found.extend((node_type, name, inside) for node_type in node_types)
        cls.hooks = tuple(found)

    def __init__(self, file: FileContext) -> None:
        self.file = file

    def begin(self, tree: ast.Module) -> None:
        """Called once before the walk."""

    def finish(self) -> None:
        """Called once after the walk; override for decisions that need the whole file."""


class Check(Visitor):
    """A visitor that reports findings of one code and counts that code's units."""

    code: ClassVar[str]
    #: True for checks of the whole project (the import graph), which the walk skips.
    project: ClassVar[bool] = False

    def __init__(self, file: FileContext) -> None:
        super().__init__(file)
        self.findings: list[Finding] = []
        self.units = 0

    def imports_found(self, imports: Sequence[RawImport]) -> None:
        """Called after the walk, before :meth:`finish`, with every import record of the
        file (see :mod:`qemlflow_lint.analysis.imports`); override to report on them."""

    def report(self, node: ast.AST, message: str, unit: str = "<module>") -> None:
        """Record a finding at ``node``'s position."""
        self.report_at(
            getattr(node, "lineno", 1),
            getattr(node, "col_offset", 0),
            message,
            unit,
            whole_module=isinstance(node, ast.Module),
        )

    def report_at(
        self, line: int, col: int, message: str, unit: str = "<module>", *, whole_module: bool = False
    ) -> None:
        """Record a finding at a line and a 0-based column."""
        source = WHOLE_MODULE if whole_module else ""
        self.findings.append(Finding(line, col, self.code, message, unit, source=source))
