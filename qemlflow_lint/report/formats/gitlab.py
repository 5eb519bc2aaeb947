"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``).

A JSON list with one issue per finding: ``description`` (code and message),
``check_name`` (the code), ``fingerprint``, ``severity`` and ``location`` (path and first
line). GitLab compares fingerprints between the merge request and its target branch, so
they are line-independent and unique across the report: the hash of the finding's key
and its occurrence index. Severities: ``critical`` for QF000 (nothing could be checked),
``major`` for warning rules, ``minor`` for convention rules.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.report.formats.entries import entries
from qemlflow_lint.report.rule_docs import Level, docs_by_code

#: The Code Quality severity for each level.
SEVERITIES: Mapping[Level, str] = MappingProxyType({"error": "critical", "warning": "major", "note": "minor"})


def render(results: Sequence[FileResult]) -> str:
    """The Code Quality report of ``results`` as JSON text."""
    found = entries(results)
    docs = docs_by_code(entry.finding.code for entry in found)
    issues: list[dict[str, Any]] = [
        {
            "description": entry.finding.text,
            "check_name": entry.finding.code,
            "fingerprint": entry.fingerprint,
            "severity": SEVERITIES[docs[entry.finding.code].level],
            "location": {"path": entry.path, "lines": {"begin": max(entry.finding.line, 1)}},
        }
        for entry in found
    ]
    return json.dumps(issues, indent=2) + "\n"
