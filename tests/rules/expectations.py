"""What every front end must report for each fixture file, and the comparison with what it did.

Two layers, as in pylint's functional tests:

* the inline marker ``# expect: QF001`` on the reported line says, where the case is read,
  that the line is reported and by which rule (:func:`tests.frontends.expected_in`);
* the snapshot beside the fixture, ``<name>.txt``, pins what a user sees: one line per
  finding, ``line:col: CODE message``, the column 1-based as the CLI and flake8 print it
  (pylint's 0-based column is shifted once, when its output is read). A fixture without a
  snapshot must stay silent.

This module is the ``rules`` family of :mod:`tests.snapshots`: ``python -m tests.snapshots
--update rules`` rewrites the snapshots from the CLI, to be reviewed as a diff.
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from tests.frontends import FIXTURES, FRONT_ENDS, NOT_RULE_FIXTURES, REPO, Reported, case_name, fixture_files
from tests.snapshots import SnapshotError

SNAPSHOT_SUFFIX = ".txt"
_SNAPSHOT_LINE = re.compile(r"^(?P<line>\d+):(?P<col>\d+): (?P<code>QF\d{3}) (?P<message>.+)$")


class Pinned(NamedTuple):
    """One finding in full: where (``col`` 0-based, as in :class:`Reported`), which rule and
    the message after the code, exactly as every front end shows it."""

    path: str
    line: int
    col: int
    code: str
    message: str

    def shown(self) -> str:
        """The finding as the CLI and flake8 print it."""
        return f"{self.path}:{self.line}:{self.col + 1}: {self.code} {self.message}"


def snapshot_path(fixture: Path) -> Path:
    """The snapshot of a fixture file: beside it, ``.txt`` for ``.py``."""
    return fixture.with_suffix(SNAPSHOT_SUFFIX)


def stray_snapshots() -> list[Path]:
    """Snapshots beside no fixture file: their fixture was renamed or removed."""
    wanted = {snapshot_path(path) for path in fixture_files(too_new=True)}
    return sorted(
        path
        for path in FIXTURES.rglob(f"*{SNAPSHOT_SUFFIX}")
        if path not in wanted and not set(NOT_RULE_FIXTURES) & set(path.relative_to(FIXTURES).parts)
    )


def relative(fixture: Path) -> str:
    """The fixture's path as the front ends print it (they run from the repository root)."""
    return os.path.normpath(fixture.relative_to(REPO))


def pinned(rows: Iterable[Reported]) -> list[Pinned]:
    """Front-end output with its message kept (``Reported`` compares without it)."""
    return sorted(Pinned(r.path, r.line, r.col, r.code, r.message) for r in rows)


def report(front_end: str, fixtures: Iterable[Path]) -> list[Pinned]:
    """One run of a front end over the fixture files. The CLI runs without its result cache:
    the cache is keyed on the tool's version, so it would hide an engine change made since."""
    # flake8 on one core: starting its worker processes costs more than they save on these
    # small files (the adapters' slow test runs it with two).
    extra = {"cli": ("--no-cache",), "flake8": ("--jobs=1",)}.get(front_end, ())
    return pinned(FRONT_ENDS[front_end]([relative(path) for path in fixtures], *extra))


def render(rows: Iterable[Pinned]) -> str:
    """The snapshot text of one fixture's findings ("" when there are none)."""
    return "".join(f"{r.line}:{r.col + 1}: {r.code} {r.message}\n" for r in sorted(rows))


def read_snapshot(fixture: Path) -> list[Pinned]:
    """The findings a fixture's snapshot pins; none when it has no snapshot."""
    snapshot = snapshot_path(fixture)
    if not snapshot.is_file():
        return []
    rows = []
    for number, text in enumerate(snapshot.read_text(encoding="utf-8").splitlines(), start=1):
        match = _SNAPSHOT_LINE.match(text)
        if not match:
            raise ValueError(f"{snapshot}:{number}: not 'line:col: CODE message': {text!r}")
        col = int(match["col"]) - 1
        rows.append(Pinned(relative(fixture), int(match["line"]), col, match["code"], match["message"]))
    return sorted(rows)


def differences(expected: Iterable[Pinned], actual: Iterable[Pinned]) -> list[str]:
    """Every finding expected but not reported, or reported but not expected (counted as a
    multiset: a finding reported twice is one too many), each with its fixture case."""
    wanted, got = Counter(expected), Counter(actual)
    return [
        f"{side} {row.shown()}  [case: {case_name(REPO / row.path, row.line)}]"
        for side, rows in (("missing:   ", wanted - got), ("unexpected:", got - wanted))
        for row in sorted(rows.elements())
    ]


def snapshots() -> dict[Path, str | None]:
    """The rule fixtures' snapshots (``fixtures/<code>/``), as the CLI reports them now.

    One uncached run over all of them from the repository root, as the fixture test runs it
    (the project rules need the whole set); ``None`` for a silent fixture's snapshot and for
    one whose fixture is gone. Fixtures written for a newer Python than the running one are left out: regenerate them
    on that Python."""
    fixtures = fixture_files()
    found: dict[str, list[Pinned]] = defaultdict(list)
    for row in report("cli", fixtures):
        found[row.path].append(row)
    outside = sorted(set(found) - {relative(path) for path in fixtures})
    if outside:
        raise SnapshotError(f"findings in files that are not fixtures: {outside}")
    texts: dict[Path, str | None] = {
        snapshot_path(fixture): render(found[relative(fixture)]) or None for fixture in fixtures
    }
    texts.update(dict.fromkeys(stray_snapshots()))
    return texts
