"""The default output: one flake8-style ``path:line:col: CODE message`` line per finding."""

from __future__ import annotations

from collections.abc import Sequence

from qemlflow_lint.model.findings import FileResult


def render(results: Sequence[FileResult]) -> str:
    """Every finding as a flake8-style line, with a 1-based column, in the run's order."""
    return "".join(
        f"{result.path}:{finding.line}:{finding.col + 1}: {finding.text}\n"
        for result in results
        for finding in result.findings
    )
