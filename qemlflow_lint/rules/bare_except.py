"""QF004 bare-except."""

from __future__ import annotations

import ast

from qemlflow_lint.analysis.context import Where
from qemlflow_lint.analysis.nodes import child_nodes
from qemlflow_lint.model.fixes import UNSAFE, AutoFix
from qemlflow_lint.rules.base import MORE, RuffEquivalent, Rule

#: A ``raise`` in a nested function runs later, if ever, and a nested class is a scope of
#: its own: neither is the handler re-raising.
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
#: The nodes that hold statements: statements, ``except`` handlers and ``match`` cases
#: (``match``, 3.10+, exists only on newer Pythons).
_BLOCKS: tuple[type, ...] = (
    ast.stmt,
    ast.excepthandler,
    *tuple(t for t in (getattr(ast, "match_case", None),) if isinstance(t, type)),
)


def _reraises(body: list[ast.stmt]) -> bool:
    """True when a bare ``raise`` is among ``body``'s statements or in their blocks
    (``if``, ``try``, ``with``, loops, ``match``), not counting nested defs and classes."""
    pending: list[ast.AST] = list(body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Raise):
            if node.exc is None:
                return True
        elif not isinstance(node, _DEFINITIONS):
            pending.extend(child for child in child_nodes(node) if isinstance(child, _BLOCKS))
    return False


class BareExcept(Rule):
    """``except:`` with no exception type.

    ## What it does
    Reports every ``except:`` clause that names no exception type, anywhere in the file,
    unless its body re-raises with a bare ``raise`` (also inside an ``if``, ``try`` or
    ``with`` block of the body; not inside a nested ``def`` or ``class``): a handler that
    cleans up and re-raises hides nothing, and must catch ``KeyboardInterrupt`` too, or
    the resource leaks on Ctrl-C.

    ## Why is this bad?
    A bare ``except:`` also catches ``KeyboardInterrupt`` and ``SystemExit``: Ctrl-C stops
    working and ``sys.exit()`` is ignored, and genuine bugs (``NameError``, ``TypeError``)
    are handled as if they were expected failures.

    ## Example
    ```python
    try:
        mol = parse_smiles(text)
    except:
        mol = None
    ```

    ## Use instead
    ```python
    try:
        mol = parse_smiles(text)
    except ValueError:
        mol = None
    ```
    Use ``except Exception:`` when any error really must be handled, and log it. Cleanup
    that must run whatever happened, then re-raise, is not reported:
    ```python
    try:
        write_frames(handle)
    except:
        os.remove(handle.name)
        raise
    ```

    ## Options
    ``noqa-equivalents`` (default true): ``# noqa: E722`` (the equivalent pycodestyle and
    ruff code) on the reported line also silences QF004.
    """

    code = "QF004"
    symbol = "bare-except"
    category = "errors"
    summary = "`except:` with no exception type"
    unit = "except handler"
    weight = 2.0
    weight_reason = "a bare except hides Ctrl-C, SystemExit and real bugs"
    fix = "name the exceptions of {n} bare {units} in {path}"
    headline = "Bare excepts: {v} of {o} except handlers"
    ruff = RuffEquivalent(
        ("E722",),
        MORE,
        "E722 skips a bare `except:` only when a bare `raise` is one of its body's own statements; "
        "QF004 also skips one whose `raise` is in an `if`, `try`, `with`, loop or `match` block "
        "of the body.",
    )
    noqa_aliases = ("E722",)
    # pylint has its own "bare-except" message, and pylint symbols are global.
    pylint_symbol = "qf-bare-except"
    pylint_id = "W7704"
    fixes = (
        AutoFix("`except:` becomes `except Exception:`, which no longer catches KeyboardInterrupt", UNSAFE),
    )

    def visit_ExceptHandler(self, node: ast.ExceptHandler, where: Where) -> None:
        """Every handler is a unit; an untyped one that does not re-raise is a finding."""
        self.units += 1
        if node.type is None and not _reraises(node.body):
            self.report(
                node,
                "bare `except:` also catches KeyboardInterrupt and SystemExit; "
                "name the exceptions you expect (or `except Exception:`)",
                unit=f"except:{node.lineno}:{node.col_offset}",
            )
