"""The findings of a run in report order, each with its line-independent fingerprint.

Every CI format walks the same sequence: files in the order the run produced them,
findings in (line, column, code) order within a file. A finding's fingerprint hashes its
key (code, path, enclosing qualified name, normalised source line) and its occurrence
index among findings with the same key, so it survives unrelated lines moving and still
tells apart two identical findings in one function.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from qemlflow_lint.model.findings import FileResult, Finding
from qemlflow_lint.model.paths import posix_path
from qemlflow_lint.report.identity import FindingKey, fingerprint, keyed_findings


class ReportedFinding(NamedTuple):
    """One finding ready to render."""

    #: The file as the run shows it, with ``/`` separators.
    path: str
    finding: Finding
    key: FindingKey
    #: 0 for the first finding with this key in the report, 1 for the second, ...
    occurrence: int

    @property
    def fingerprint(self) -> str:
        """The finding's stable fingerprint (32 hex digits)."""
        return fingerprint(self.key, self.occurrence)


def entries(results: Sequence[FileResult]) -> list[ReportedFinding]:
    """Every finding of ``results`` in report order.

    Occurrences are counted over the whole report, not per file: they equal
    :func:`~qemlflow_lint.report.identity.keyed_findings`' indexes, and a file that was listed
    twice still gets fingerprints of its own.
    """
    seen: Counter[FindingKey] = Counter()
    found: list[ReportedFinding] = []
    for result, finding, key, _ in keyed_findings(results):
        found.append(ReportedFinding(posix_path(result.path), finding, key, seen[key]))
        seen[key] += 1
    return found
