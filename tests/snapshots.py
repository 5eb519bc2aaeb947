"""Every snapshot of the test suite, checked and rewritten by one command.

    python -m tests.snapshots --check            # write nothing; exit 1 naming each stale snapshot
    python -m tests.snapshots --check --diff     # ... and show how each one differs
    python -m tests.snapshots --update           # rewrite them all, then review with `git diff`
    python -m tests.snapshots --update fix       # only the families named
    python -m tests.snapshots --list             # the families, and where each one lives

A snapshot pins what a user sees (a finding's line, a fix's diff, a report) in a text file
beside the case it comes from. Snapshots come in families, one per kind of case, and the
registry below names each family's module. The module defines one function,
``snapshots() -> dict[Path, str | None]``: every snapshot file of the family with the text
the code gives now, or ``None`` for a file that must not exist (a silent fixture's, or one
whose case is gone). The first line of its docstring says what the family holds (``--list``
shows it). This command alone compares and writes; a family only says what its
snapshots should hold, so adding one is one line in :data:`FAMILIES`.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple, cast

from tests.frontends import REPO

#: Every family of snapshots: its name -> the module whose ``snapshots()`` gives them.
FAMILIES: dict[str, str] = {
    "rules": "tests.rules.expectations",
    "fix": "tests.fix.snapshots",
    "sample-project": "tests.fix.sample_project",
    "formats": "tests.report.format_snapshots",
    "api": "tests.api.signatures",
}

#: What a family's module defines: each snapshot file and its text now (``None``: no file).
Snapshots = Callable[[], "dict[Path, str | None]"]


class SnapshotError(Exception):
    """A family cannot say what its snapshots hold (its cases are broken); the message says why."""


class Stale(NamedTuple):
    """A snapshot file that differs from what the code gives now."""

    path: Path
    stored: str | None
    now: str | None

    def name(self) -> str:
        """The file's path from the repository root, with ``/`` on every system."""
        return self.path.relative_to(REPO).as_posix()

    def diff(self) -> str:
        """How the stored file differs from the text now, as a unified diff."""
        before, after = (self.stored or "").splitlines(True), (self.now or "").splitlines(True)
        return "".join(difflib.unified_diff(before, after, f"{self.name()} (stored)", f"{self.name()} (now)"))


def family_snapshots(name: str) -> Snapshots:
    """The ``snapshots`` function of the family ``name``."""
    module = importlib.import_module(FAMILIES[name])
    return cast(Snapshots, module.snapshots)


def describe(name: str) -> str:
    """What the family holds: the first line of its ``snapshots`` function's docstring."""
    doc = family_snapshots(name).__doc__ or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def stored_text(path: Path) -> str | None:
    """The text of a snapshot file as it is on disk (``None``: there is none)."""
    return path.read_text(encoding="utf-8") if path.is_file() else None


def stale_snapshots(name: str) -> list[Stale]:
    """The snapshots of the family ``name`` that differ from what the code gives now."""
    found = []
    for path, now in sorted(family_snapshots(name)().items()):
        stored = stored_text(path)
        if stored != now:
            found.append(Stale(path, stored, now))
    return found


def write(stale: Stale) -> None:
    """Bring one snapshot file up to date: write its text (``\\n`` endings on every system,
    so one snapshot serves all), or remove it."""
    if stale.now is None:
        stale.path.unlink()
    else:
        stale.path.write_bytes(stale.now.encode("utf-8"))


def main(argv: Sequence[str] | None = None) -> int:
    """Check, rewrite or list the snapshot families; the exit status says whether all were
    current (0), some were stale under ``--check`` (1) or a family could not run (2)."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.snapshots",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="write nothing; exit 1 when a snapshot is stale")
    mode.add_argument("--update", action="store_true", help="rewrite every stale snapshot")
    mode.add_argument("--list", action="store_true", help="list the families and their modules")
    parser.add_argument(
        "--diff", action="store_true", help="with --check: show how each stale snapshot differs"
    )
    parser.add_argument("families", nargs="*", metavar="FAMILY", help="only these families (default: all)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.families if name not in FAMILIES]
    if unknown:
        parser.error(f"no snapshot family {', '.join(unknown)} (the families: {', '.join(FAMILIES)})")
    names = args.families or list(FAMILIES)
    if args.list:
        width = max(len(FAMILIES[name]) for name in names)
        for name in names:
            print(f"{name:16} {FAMILIES[name]:{width}}  {describe(name)}")
        return 0

    total = 0
    for name in names:
        try:
            stale = stale_snapshots(name)
        except SnapshotError as error:
            print(f"{name}: {error}", file=sys.stderr)
            return 2
        for snapshot in stale:
            if args.update:
                write(snapshot)
                print(f"{'removed' if snapshot.now is None else 'written'}: {snapshot.name()}")
            else:
                print(f"stale: {snapshot.name()}")
                if args.diff:
                    sys.stdout.write(snapshot.diff())
        total += len(stale)
    state = "updated" if args.update else "stale"
    print(f"{len(names)} snapshot families, {total} snapshots {state}")
    if args.check and total:
        print("rewrite them with: python -m tests.snapshots --update (then review `git diff`)")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
