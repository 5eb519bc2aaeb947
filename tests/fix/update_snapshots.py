"""Rewrite the ``fix`` fixtures' snapshots from what ``fix`` does now.

python -m tests.fix.update_snapshots          # write, then review with `git diff fixtures/fix`
python -m tests.fix.update_snapshots --check  # write nothing; exit 1 when one is stale
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from tests.fix.snapshots import (
    FIX_FIXTURES,
    cases,
    in_project_case,
    project_cases,
    render,
    render_project,
    snapshot_path,
)
from tests.frontends import REPO


def main(argv: Sequence[str] | None = None) -> int:
    """Bring every snapshot up to date (or, with ``--check``, list the stale ones)."""
    parser = argparse.ArgumentParser(prog="python -m tests.fix.update_snapshots", description=__doc__)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a snapshot is stale")
    check = parser.parse_args(argv).check
    stale = []
    rendered = [(case, render(case)) for case in cases()]
    rendered += [(project, render_project(project)) for project in project_cases()]
    for case, text in rendered:
        snapshot = snapshot_path(case)
        current = snapshot.read_text(encoding="utf-8") if snapshot.is_file() else ""
        if text != current:
            stale.append(snapshot)
            if not check:
                snapshot.write_bytes(text.encode("utf-8"))
    expected = {snapshot_path(case) for case, _ in rendered}
    texts = {path for path in FIX_FIXTURES.rglob("*.txt") if not in_project_case(path)}
    for orphan in sorted(texts - expected):
        stale.append(orphan)
        if not check:
            orphan.unlink()
    for snapshot in stale:
        print(f"{'stale' if check else 'updated'}: {snapshot.relative_to(REPO)}")
    print(f"{len(rendered)} fix fixtures, {len(stale)} snapshots {'stale' if check else 'updated'}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
