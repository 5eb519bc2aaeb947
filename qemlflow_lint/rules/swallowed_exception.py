"""QF007 swallowed-exception."""

from __future__ import annotations

import ast

from qemlflow_lint.analysis.context import Where
from qemlflow_lint.rules.base import PART, Rule, RuffEquivalent


def _does_nothing(statement: ast.stmt) -> bool:
    if isinstance(statement, (ast.Pass, ast.Continue)):
        return True
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and (statement.value.value is Ellipsis or isinstance(statement.value.value, str))
    )


class SwallowedException(Rule):
    """An ``except`` clause whose body does nothing.

    ## What it does
    Reports an ``except`` clause whose body only contains ``pass``, ``...``, ``continue``
    or string literals (a comment-like docstring counts as doing nothing).

    ## Why is this bad?
    The error disappears without a trace: the program goes on in a state nobody checked,
    and the failure shows up later, somewhere else, with no clue to its cause.

    ## Example
    ```python
    for path in paths:
        try:
            frames.append(load(path))
        except OSError:
            continue
    ```

    ## Use instead
    ```python
    for path in paths:
        try:
            frames.append(load(path))
        except OSError as error:
            logger.warning("skipping %s: %s", path, error)
    ```
    When ignoring really is right, say so with ``contextlib.suppress(OSError)``, which
    states the intent and the exact exception.

    ## Options
    None.
    """

    code = "QF007"
    symbol = "swallowed-exception"
    category = "errors"
    summary = "`except` whose body only passes (`pass`, `...`, `continue`)"
    unit = "except handler"
    pylint_id = "W7707"
    weight = 2.0
    weight_reason = "a swallowed exception hides failures until they surface elsewhere"
    fix = "handle or log the exceptions of {n} {units} in {path}"
    headline = "Swallowed exceptions: {v} of {o} except handlers"
    ruff = RuffEquivalent(
        ("S110", "S112"),
        PART,
        "S110/S112 (with check-typed-exception) report a handler whose body is only `pass` or only "
        "`continue`; a body of `...` or string literals, or of several do-nothing statements "
        "(`pass` then `continue`), is not reported.",
    )

    def visit_ExceptHandler(self, node: ast.ExceptHandler, where: Where) -> None:
        """Every handler is a unit; one that does nothing is a finding."""
        self.units += 1
        if all(_does_nothing(statement) for statement in node.body):
            caught = "every exception" if node.type is None else f"`{ast.unparse(node.type)}`"
            self.report(
                node,
                f"{caught} is swallowed: the handler does nothing; "
                "handle, log or re-raise it (or use contextlib.suppress to say it is intended)",
                unit=f"except:{node.lineno}:{node.col_offset}",
            )
