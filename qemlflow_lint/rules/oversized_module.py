"""QF008 oversized-module."""

from __future__ import annotations

import ast

from qemlflow_lint.model.settings import Option
from qemlflow_lint.rules.base import NONE, RuffEquivalent, Rule

#: The one option of QF008.
MAX_MODULE_LINES = Option(
    "max-module-lines", "positive-integer", 1000, "the most physical lines a module may have"
)


class OversizedModule(Rule):
    """A module longer than ``max-module-lines`` lines.

    ## What it does
    Reports, at line 1, a module with more physical lines than ``max-module-lines``
    (default 1000), with its line count.

    ## Why is this bad?
    Large modules collect unrelated code, so importing any part of them imports all of
    it; they are slow to read, review and test, and they are where merge conflicts live.

    ## Example
    A 2,400-line ``models.py`` holding featurizers, three model families and plotting.

    ```python
    # models.py: featurizers, GNNs, transformers and plots in one file
    ```

    ## Use instead
    ```python
    # models/featurizers.py, models/gnn.py, models/transformer.py, plots.py
    ```

    ## Options
    ``max-module-lines`` (integer, default 1000).
    """

    code = "QF008"
    symbol = "oversized-module"
    category = "design"
    summary = "module longer than `max-module-lines` lines (default 1000)"
    unit = "module"
    pylint_id = "C7708"
    no_fix = "splitting a module is a design decision."
    weight = 1.0
    weight_reason = "size is a smell, not a defect"
    fix = "split {path}"
    headline = "Oversized modules: {v} of {o} modules"
    options = (MAX_MODULE_LINES,)
    ruff = RuffEquivalent((), NONE, "ruff has no rule on the length of a module.")

    def begin(self, tree: ast.Module) -> None:
        """One unit per module; the count is the file's physical lines."""
        self.units = 1
        limit: int = self.option(MAX_MODULE_LINES)
        count = len(self.file.lines)
        if count > limit:
            self.report(
                tree,
                f"module has {count} lines, more than the limit of {limit}; split it into focused modules",
            )
