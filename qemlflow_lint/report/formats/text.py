"""The default output: one flake8-style ``path:line:col: CODE message`` line per finding."""

from __future__ import annotations

from collections.abc import Sequence

from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.model.printable import printable


def render(results: Sequence[FileResult]) -> str:
    """Every finding as a flake8-style line, with a 1-based column, in the run's order; a
    file name that is not UTF-8 or holds control characters is shown escaped (``caf\\xe9.py``)."""
    return "".join(
        printable(f"{result.path}:{finding.line}:{finding.col + 1}: {finding.text}") + "\n"
        for result in results
        for finding in result.findings
    )
