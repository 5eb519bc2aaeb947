"""The flake8 plugin (entry point ``QF``): ``flake8 --select QF``.

It takes flake8's own parsed ``tree`` and ``lines`` and never opens the file, so unsaved
editor buffers sent on stdin are checked as they are. ``# noqa`` is left to flake8. Only
the standard library and this package are imported: editors load it on every keystroke.
"""

from __future__ import annotations

import ast
from typing import Any, Iterator, Sequence, Tuple

from qemlflow_lint import __version__
from qemlflow_lint.config import Config
from qemlflow_lint.engine import analyse_tree, file_context
from qemlflow_lint.registry import enabled_rules

Flake8Result = Tuple[int, int, str, Any]


class Flake8Plugin:
    """flake8 AST plugin running every qemlflow-lint rule on one file."""

    name = "qemlflow-lint"
    version = __version__

    def __init__(self, tree: ast.AST, filename: str, lines: Sequence[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[Flake8Result]:
        """Yield ``(line, column, "QFnnn message", type)`` for every finding."""
        if not isinstance(self.tree, ast.Module):
            return
        config = Config()
        file = file_context(self.filename, self.lines, config, self.tree)
        try:
            findings, _ = analyse_tree(self.tree, file, enabled_rules(config))
        except RecursionError:  # flake8 reports code this deep itself; never crash its run
            return
        for finding in findings:
            yield finding.line, finding.col, finding.text, type(self)
