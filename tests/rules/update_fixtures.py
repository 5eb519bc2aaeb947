"""Rewrite the fixtures' snapshots from what the CLI reports now.

    python -m tests.rules.update_fixtures          # write, then review with `git diff fixtures/`
    python -m tests.rules.update_fixtures --check  # write nothing; exit 1 when one is stale

The CLI runs once over every fixture, from the repository root, as the fixture test runs it
(the project rules need the whole set). A fixture that is now silent loses its snapshot, and
so does a snapshot whose fixture is gone. Fixtures written for a newer Python than the
running one are left as they are: regenerate them on that Python.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from tests.frontends import REPO, fixture_files
from tests.rules.expectations import Pinned, relative, render, report, snapshot_path, stray_snapshots


def main(argv: Sequence[str] | None = None) -> int:
    """Bring every snapshot up to date (or, with ``--check``, list the stale ones)."""
    parser = argparse.ArgumentParser(prog="python -m tests.rules.update_fixtures", description=__doc__)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a snapshot is stale")
    check = parser.parse_args(argv).check

    fixtures = fixture_files()
    found: dict[str, list[Pinned]] = defaultdict(list)
    for row in report("cli", fixtures):
        found[row.path].append(row)
    outside = sorted(set(found) - {relative(path) for path in fixtures})
    if outside:
        print(f"findings in files that are not fixtures: {outside}", file=sys.stderr)
        return 2

    stale = []
    for fixture in fixtures:
        snapshot, text = snapshot_path(fixture), render(found[relative(fixture)])
        current = snapshot.read_text(encoding="utf-8") if snapshot.is_file() else ""
        if text != current:
            stale.append(snapshot)
            if not check:
                _write_or_remove(snapshot, text)
    for orphan in stray_snapshots():
        stale.append(orphan)
        if not check:
            orphan.unlink()

    for snapshot in stale:
        state = "stale" if check else ("written" if snapshot.is_file() else "removed")
        print(f"{state}: {snapshot.relative_to(REPO)}")
    too_new = sorted(set(fixture_files(too_new=True)) - set(fixtures))
    for fixture in too_new:
        print(f"left as it is (needs a newer Python): {snapshot_path(fixture).relative_to(REPO)}")
    total = sum(len(rows) for rows in found.values())
    print(
        f"{len(fixtures)} fixtures, {total} findings, {len(stale)} snapshots {'stale' if check else 'updated'}"
    )
    return 1 if check and stale else 0


def _write_or_remove(snapshot: Path, text: str) -> None:
    if text:
        snapshot.write_bytes(text.encode("utf-8"))  # "\n" on every system: one snapshot for all
    else:
        snapshot.unlink()


if __name__ == "__main__":
    raise SystemExit(main())
