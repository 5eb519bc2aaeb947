"""Baselines: today's findings recorded, so that only new ones count from now on.

A baseline holds a multiset of finding keys (code, path, enclosing qualified name,
normalised source line; see :mod:`qemlflow_lint.report.identity`): no line numbers, so lines may
move freely, and a count per key, so a second copy of a baselined line is still new.
Paths are posix paths relative to the baseline file's own folder, which makes a baseline
independent of the directory a command runs from.

The file is JSON, sorted, one entry per line, so that it reads and diffs well in the
repository it lives in::

    {
      "tool": "qemlflow-lint",
      "version": 1,
      "findings": [
        {"code": "QF001", "path": "pkg/model.py", "scope": "", "source": "import torch", "count": 1}
      ]
    }

Everything here is a function of its arguments, apart from resolving symbolic links in
folder names (:func:`relative_path`) and reading the file (:func:`load`). A baseline only
ever shrinks through :func:`shrink`; recording anew is the caller's explicit choice.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from qemlflow_lint.model.findings import UNREADABLE_CODE, FileResult, Finding
from qemlflow_lint.model.paths import posix_path
from qemlflow_lint.model.printable import json_safe
from qemlflow_lint.report.identity import FindingKey, finding_key

#: The ``tool`` field every baseline file carries.
TOOL = "qemlflow-lint"
#: The baseline's file name: what ``baseline`` writes without ``-o`` (in the working
#: directory) and what ``init`` records at the project root.
DEFAULT_FILE = ".qemlflow-baseline.json"
#: The file format version this module reads and writes.
FORMAT_VERSION = 1
_ENTRY_FIELDS = ("code", "path", "scope", "source")


class BaselineError(Exception):
    """A baseline file that cannot be read or is not a baseline; the message is one line."""


class Entry(NamedTuple):
    """One recorded key and how many findings have it."""

    key: FindingKey
    count: int  # type: ignore[assignment]  # the field shadows tuple.count on purpose


def _order(entry: Entry) -> tuple[str, str, str, str]:
    # By file first: the changes to one file stay together in a diff.
    key = entry.key
    return (key.path, key.code, key.scope, key.source)


class Baseline(NamedTuple):
    """A multiset of finding keys, as sorted entries with a positive count each."""

    entries: tuple[Entry, ...] = ()

    @classmethod
    def from_counts(cls, counts: Mapping[FindingKey, int]) -> Baseline:
        """The baseline of ``counts``, sorted, keys with no positive count left out."""
        entries = (Entry(key, count) for key, count in counts.items() if count > 0)
        return cls(tuple(sorted(entries, key=_order)))

    def counts(self) -> Counter[FindingKey]:
        """How many findings each key stands for (a new counter: callers may change it)."""
        counts: Counter[FindingKey] = Counter()
        for entry in self.entries:
            counts[entry.key] += entry.count
        return counts

    @property
    def total(self) -> int:
        """The number of findings recorded."""
        return sum(entry.count for entry in self.entries)


class Comparison(NamedTuple):
    """Findings measured against a baseline.

    ``new`` holds every file's result with only the findings the baseline does not
    account for (a recorded QF000 is accounted for: the file was unreadable already); units and everything else are unchanged, so the
    score and every output format take it as they take any results. ``vanished`` lists
    the recorded findings that no longer occur, with how many fewer there are now.
    ``matched`` is the number of findings the baseline accounted for.
    """

    new: tuple[FileResult, ...]
    vanished: tuple[Entry, ...]
    matched: int

    @property
    def new_count(self) -> int:
        """The number of findings that are not in the baseline."""
        return sum(len(result.findings) for result in self.new)


def relative_path(path: str, base_dir: str) -> str:
    """``path`` (as analysed: relative to the working directory, or absolute) as a posix
    path relative to ``base_dir``, the folder of the baseline file.

    Folders are resolved through symbolic links, so a baseline reached through a linked
    folder still names the same files; the file name itself is kept as it is.
    """
    folder, name = os.path.split(os.path.abspath(path))
    located = os.path.join(os.path.realpath(folder), name) if name else os.path.realpath(folder)
    try:
        relative = os.path.relpath(located, os.path.realpath(base_dir))
    except ValueError:  # on another drive (Windows): no relative path exists
        relative = located
    return posix_path(relative)


def baseline_key(path: str, finding: Finding) -> FindingKey:
    """The key a baseline records ``finding`` under. A file that cannot be read or parsed
    (QF000) is recorded as such, whatever the reason or the line: editing a file that was
    already broken does not make it new; a file that breaks does."""
    if finding.code == UNREADABLE_CODE:
        return FindingKey(UNREADABLE_CODE, posix_path(path), "", "")
    return finding_key(path, finding)


def record(results: Iterable[FileResult], base_dir: str) -> Baseline:
    """The baseline of every finding in ``results``, the files that cannot be read or
    parsed included (QF000), paths relative to ``base_dir``."""
    counts: Counter[FindingKey] = Counter()
    for result in results:
        path = relative_path(result.path, base_dir)
        counts.update(baseline_key(path, finding) for finding in result.findings)
    return Baseline.from_counts(counts)


def _covers(area: str, path: str) -> bool:
    """True when the file or folder ``area`` is ``path`` or holds it (both relative posix)."""
    if area == ".":
        return path != ".." and not path.startswith("../")
    return path == area or path.startswith(area.rstrip("/") + "/")


def compare(
    baseline: Baseline, results: Iterable[FileResult], base_dir: str, covered: Iterable[str] = ()
) -> Comparison:
    """Split the findings in ``results`` into those the baseline accounts for and new ones.

    Matching is by key, as a multiset, in line order within a file: with a count of one
    and two identical findings now, the second is new. A recorded entry counts as vanished
    only where it was looked for: its file was analysed with its rule enabled, or its file
    lies in one of the ``covered`` paths (the files and folders the user named, relative to
    the working directory) and was not found at all. Entries of files outside the run, of
    rules not run, or of files that could not be parsed are neither vanished nor removed;
    a recorded QF000 of a file that now parses has vanished.
    """
    remaining = baseline.counts()
    new: list[FileResult] = []
    matched = 0
    rules_run: dict[str, set[str]] = {}
    unparsed: set[str] = set()
    for result in results:
        path = relative_path(result.path, base_dir)
        if result.ok:
            rules_run.setdefault(path, set()).update(result.units)
        else:
            unparsed.add(path)
        kept = []
        for finding in sorted(result.findings):
            key = baseline_key(path, finding)
            if remaining[key] > 0:
                remaining[key] -= 1
                matched += 1
            else:
                kept.append(finding)
        new.append(result._replace(findings=tuple(kept)))
    areas = [relative_path(area, base_dir) for area in covered]

    def looked_for(key: FindingKey) -> bool:
        if key.path in rules_run:
            return key.code == UNREADABLE_CODE or key.code in rules_run[key.path]
        return key.path not in unparsed and any(_covers(area, key.path) for area in areas)

    vanished = Baseline.from_counts({key: n for key, n in remaining.items() if n > 0 and looked_for(key)})
    return Comparison(tuple(new), vanished.entries, matched)


def shrink(
    baseline: Baseline, results: Iterable[FileResult], base_dir: str, covered: Iterable[str] = ()
) -> Baseline:
    """``baseline`` without the findings that no longer occur: each key's count becomes
    the smaller of the recorded and the current count. Keys never grow and are never
    added; entries that were not looked for (see :func:`compare`) stay as they are."""
    counts = baseline.counts()
    vanished = compare(baseline, results, base_dir, covered).vanished
    counts.subtract({entry.key: entry.count for entry in vanished})
    return Baseline.from_counts(counts)


def dumps(baseline: Baseline) -> str:
    """The baseline file's text: a JSON header, then one sorted entry per line."""
    entries = sorted(baseline.entries, key=_order)
    rows = ",\n".join(
        "    " + json_safe(json.dumps(_entry_object(entry), ensure_ascii=False)) for entry in entries
    )
    findings = f"[\n{rows}\n  ]" if rows else "[]"
    return f'{{\n  "tool": "{TOOL}",\n  "version": {FORMAT_VERSION},\n  "findings": {findings}\n}}\n'


def _entry_object(entry: Entry) -> dict[str, Any]:
    return {**entry.key._asdict(), "count": entry.count}


def loads(text: str) -> Baseline:
    """Read a baseline file's text; :class:`BaselineError` says what is wrong with it."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise BaselineError(f"not valid JSON ({error})") from None
    except RecursionError:
        raise BaselineError("not valid JSON (nested too deeply)") from None
    if not isinstance(data, dict) or data.get("tool") != TOOL:
        raise BaselineError(f'not a {TOOL} baseline (no "tool": "{TOOL}" header)')
    version = data.get("version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise BaselineError(
            f"baseline format version {json.dumps(version)} is not supported "
            f"(this {TOOL} reads version {FORMAT_VERSION}; record it anew with --force)"
        )
    findings = data.get("findings")
    if not isinstance(findings, list):
        raise BaselineError('"findings" must be a list')
    counts: Counter[FindingKey] = Counter()
    for index, item in enumerate(findings):
        key, count = _entry(item, index)
        counts[key] += count  # a key listed twice (say, after a merge) counts twice
    return Baseline.from_counts(counts)


def _entry(item: object, index: int) -> tuple[FindingKey, int]:
    where = f"findings[{index}]"
    if not isinstance(item, dict):
        raise BaselineError(f"{where} must be an object")
    for name in _ENTRY_FIELDS:
        if not isinstance(item.get(name), str):
            raise BaselineError(f'{where} needs a string "{name}"')
    count = item.get("count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise BaselineError(f'{where} needs a positive integer "count"')
    code, path, scope, source = (item[name] for name in _ENTRY_FIELDS)
    return FindingKey(code, posix_path(path), scope, source), count


def load(path: str) -> Baseline:
    """Read the baseline file at ``path``; :class:`BaselineError` names the file and the
    problem in one line."""
    try:
        with open(path, encoding="utf-8") as stream:
            text = stream.read()
    except OSError as error:
        raise BaselineError(f"{path}: cannot read baseline: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise BaselineError(f"{path}: not a baseline: not UTF-8 text ({error.reason})") from None
    try:
        return loads(text)
    except BaselineError as error:
        raise BaselineError(f"{path}: {error}") from None
