"""How a finding is recognised without its line number.

A finding's key is (code, path, enclosing qualified name, normalised source line): adding
or removing unrelated lines above it leaves the key unchanged. The path is the file's path
below its project root, so the key is the same from any working directory. Identical keys in one file
(the same line copied twice in one function) are told apart by their occurrence index,
in line order. Baselines count keys as a multiset; CI formats turn key and occurrence
into a stable fingerprint.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from qemlflow_lint.model.findings import FileResult, Finding
from qemlflow_lint.model.paths import posix_path


class FindingKey(NamedTuple):
    """The line-independent identity of a finding."""

    code: str
    path: str
    scope: str
    source: str


def finding_key(path: str, finding: Finding) -> FindingKey:
    """The key of ``finding`` in the file shown as ``path``."""
    return FindingKey(finding.code, posix_path(path), finding.scope, finding.source)


def keyed_findings(results: Iterable[FileResult]) -> Iterator[tuple[FileResult, Finding, FindingKey, int]]:
    """Every finding with its key and occurrence index (0 for the first of its key)."""
    for result in results:
        seen: Counter[FindingKey] = Counter()
        path = result.project_path or result.path
        for finding in sorted(result.findings):
            key = finding_key(path, finding)
            yield result, finding, key, seen[key]
            seen[key] += 1


def fingerprint(key: FindingKey, occurrence: int) -> str:
    """A stable hex fingerprint of a finding (32 hex digits)."""
    import hashlib  # only the CI formats fingerprint findings: a plain check need not load it

    text = "\0".join((*key, str(occurrence)))
    # A file name that is not UTF-8 hashes as the bytes it has on disk.
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32]
