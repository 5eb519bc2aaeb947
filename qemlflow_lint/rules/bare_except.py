"""QF004 bare-except."""

from __future__ import annotations

import ast

from qemlflow_lint.analysis.context import Where
from qemlflow_lint.rules.base import MOST, Rule, RuffEquivalent


class BareExcept(Rule):
    """``except:`` with no exception type.

    ## What it does
    Reports every ``except:`` clause that names no exception type, anywhere in the file.

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
    Use ``except Exception:`` when any error really must be handled, and log it.

    ## Options
    None.
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
    ruff = RuffEquivalent(("E722",), MOST, "E722 does not report a bare `except:` whose body re-raises.")
    # pylint has its own "bare-except" message, and pylint symbols are global.
    pylint_symbol = "qf-bare-except"
    pylint_id = "W7704"

    def visit_ExceptHandler(self, node: ast.ExceptHandler, where: Where) -> None:
        """Every handler is a unit; an untyped one is a finding."""
        self.units += 1
        if node.type is None:
            self.report(
                node,
                "bare `except:` also catches KeyboardInterrupt and SystemExit; "
                "name the exceptions you expect (or `except Exception:`)",
                unit=f"except:{node.lineno}:{node.col_offset}",
            )
