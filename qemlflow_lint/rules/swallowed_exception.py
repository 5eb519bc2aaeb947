"""QF007 swallowed-exception."""

from __future__ import annotations

import ast

from qemlflow_lint.analysis.context import Where
from qemlflow_lint.rules.base import PART, RuffEquivalent, Rule


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
    or string literals (a comment-like docstring counts as doing nothing), unless its
    ``try`` statement has an ``else`` block: the handler then chooses which code runs
    next (``try: import rdkit / except ImportError: pass / else: register(rdkit)``, or a
    test that expects an error and fails in the ``else``), which ``contextlib.suppress``
    cannot say. A handler that passes in a ``try`` without ``else`` is reported, in tests
    too: ``try: f(bad) / except TypeError: pass`` is a test that can never fail.

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
    ```python
    def test_rejects_bad_smiles():
        try:
            parse_smiles("C1CC")
        except ValueError:
            pass
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
    states the intent and the exact exception. A test says what it expects, and fails
    without it:
    ```python
    def test_rejects_bad_smiles():
        with pytest.raises(ValueError):
            parse_smiles("C1CC")
    ```
    A handler that only selects a branch is fine as it is:
    ```python
    try:
        import rdkit
    except ImportError:
        pass
    else:
        register(rdkit)
    ```

    ## Options
    ``noqa-equivalents`` (default true): ``# noqa: S110`` or ``# noqa: S112`` (the
    equivalent flake8-bandit and ruff codes) on the reported line also silences QF007.
    """

    code = "QF007"
    symbol = "swallowed-exception"
    category = "errors"
    summary = "`except` whose body only passes (`pass`, `...`, `continue`)"
    unit = "except handler"
    pylint_id = "W7707"
    no_fix = "only the author knows which errors a handler should let through, log or re-raise."
    weight = 2.0
    weight_reason = "a swallowed exception hides failures until they surface elsewhere"
    fix = "handle or log the exceptions of {n} {units} in {path}"
    headline = "Swallowed exceptions: {v} of {o} except handlers"
    ruff = RuffEquivalent(
        ("S110", "S112"),
        PART,
        "S110/S112 (with check-typed-exception) report a handler whose body is only `pass` or only "
        "`continue`; a body of `...` or string literals, or of several do-nothing statements "
        "(`pass` then `continue`), is not reported. They also report a handler of a `try` with an "
        "`else` block, which QF007 leaves alone.",
    )
    noqa_aliases = ("S110", "S112")

    def visit_Try(self, node: ast.Try, where: Where) -> None:
        """Every handler is a unit; one that does nothing is a finding, unless the ``try``
        has an ``else`` block (then the handler selects a branch)."""
        for handler in node.handlers:
            self.units += 1
            if not node.orelse and all(_does_nothing(statement) for statement in handler.body):
                self._report(handler)

    # ``try/except*`` (Python 3.11+) has the same fields; the hook is skipped where ``ast``
    # has no ``TryStar``.
    visit_TryStar = visit_Try

    def _report(self, handler: ast.ExceptHandler) -> None:
        caught = "every exception" if handler.type is None else f"`{ast.unparse(handler.type)}`"
        self.report(
            handler,
            f"{caught} is swallowed: the handler does nothing; "
            "handle, log or re-raise it (or use contextlib.suppress to say it is intended)",
            unit=f"except:{handler.lineno}:{handler.col_offset}",
        )
