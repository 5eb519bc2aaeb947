"""Placeholder while the fixer is written."""

from __future__ import annotations

import libcst as cst

from qemlflow_lint.fix.model import FixerResult, FixSource, Left

CODE = "QF001"


def fix(source: FixSource, module: cst.Module, unsafe: bool) -> FixerResult:
    """Leave everything."""
    return FixerResult(module, left=tuple(Left(finding, "no automatic fix yet") for finding in source.findings))
