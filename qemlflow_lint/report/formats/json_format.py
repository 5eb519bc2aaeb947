"""``--format json``: a list of findings, one object each, for scripts and dashboards.

Each object has ``path`` (``/`` separators), ``line`` and ``column`` (both 1-based),
``code``, ``symbol``, ``message`` (without the code), ``scope`` (the enclosing qualified
name, ``""`` at module level) and ``fingerprint``. The engine records where a finding
starts only, so there is no ``end``. Files keep the run's order; findings within a file
are ordered by line, column and code.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.report.formats.entries import entries
from qemlflow_lint.report.rule_docs import docs_by_code


def render(results: Sequence[FileResult]) -> str:
    """The findings of ``results`` as a JSON list."""
    found = entries(results)
    docs = docs_by_code(entry.finding.code for entry in found)
    rows: list[dict[str, Any]] = [
        {
            "path": entry.path,
            "line": entry.finding.line,
            "column": entry.finding.col + 1,
            "code": entry.finding.code,
            "symbol": docs[entry.finding.code].symbol,
            "message": entry.finding.message,
            "scope": entry.finding.scope,
            "fingerprint": entry.fingerprint,
        }
        for entry in found
    ]
    return json.dumps(rows, indent=2) + "\n"
