"""The last measurement of each module's import, kept in the project's cache folder
(``.qemlflow-lint-cache/importtime.sqlite3``, or ``--cache-dir``).

``importtime MODULE`` keeps what it measured, and ``fix`` keeps what it measured of the
tree as it is on disk (before a dry run's fix, after a written one), so that ``fix --diff``,
which measures nothing, can put the graph's projection next to the last real figures, and
``score`` can show what each best next fix saves (from ``importtime``'s figures, which blame
each heavy module's import line).

As for the result cache (the same :class:`~qemlflow_lint.run.database.CacheDatabase`): one
transaction per write, so an interrupted run leaves the old entry or the new one; a damaged
database is one warning and is rebuilt; an entry that cannot be read is ignored; a store
that cannot be used is one warning and the run goes on without it.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from qemlflow_lint.measure.figures import ImportFigures, figures_dict, figures_from, tree_digest
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.model.words import plural
from qemlflow_lint.project.graph import ImportGraph
from qemlflow_lint.run.database import CacheDatabase

DATABASE = "importtime.sqlite3"
SCHEMA_VERSION = "1"
#: The most modules kept (the least recently measured go first).
MAX_MODULES = 200

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS measurements (module TEXT PRIMARY KEY, measured REAL NOT NULL, "
    "payload TEXT NOT NULL)",
)


class Kept(NamedTuple):
    """The last figures kept for a module, and when they were measured (seconds since the epoch)."""

    figures: ImportFigures
    measured: float


class LastMeasured(CacheDatabase):
    """One run's connection to the store in ``directory`` (see the module docstring)."""

    DATABASE = DATABASE
    LOCK = "importtime.lock"
    SCHEMA = _SCHEMA
    SCHEMA_VERSION = SCHEMA_VERSION
    RESET = ("DROP TABLE measurements", *_SCHEMA[1:])
    LABEL = "the store of import-time measurements"
    DAMAGED = "was damaged"
    WITHOUT = "nothing measured is kept"

    def get(self, module: str) -> ImportFigures | None:
        """The last figures kept for ``module``; None when there are none or they cannot be read."""
        kept = self.kept(module)
        return None if kept is None else kept.figures

    def kept(self, module: str) -> Kept | None:
        """The last figures kept for ``module`` and when; None when there are none or they
        cannot be read."""
        row = self._row("SELECT payload, measured FROM measurements WHERE module = ?", (module,))
        return None if row is None else _read(row[0], row[1])

    def every(self) -> list[Kept]:
        """Every module's last figures kept, the most recently measured first (entries that
        cannot be read are left out)."""
        rows = self._rows("SELECT payload, measured FROM measurements ORDER BY measured DESC, module")
        read = (_read(payload, measured) for payload, measured in rows)
        return [kept for kept in read if kept is not None]

    def keep(self, figures: ImportFigures) -> None:
        """Keep ``figures`` as the last measurement of their module (one transaction)."""
        if self.connection is None:
            return
        payload = json.dumps(figures_dict(figures), separators=(",", ":"))
        with self._transaction() as connection:
            if connection is None:
                return  # the database is given up for this run
            connection.execute(
                "INSERT OR REPLACE INTO measurements VALUES (?, ?, ?)", (figures.module, time.time(), payload)
            )
            count = connection.execute("SELECT COUNT(*) FROM measurements").fetchone()[0]
            if count > MAX_MODULES:
                connection.execute(
                    "DELETE FROM measurements WHERE module IN "
                    "(SELECT module FROM measurements ORDER BY measured LIMIT ?)",
                    (count - MAX_MODULES,),
                )


def _read(payload: str, measured: float) -> Kept | None:
    """The kept figures of one row; None for a damaged entry (as if nothing were kept)."""
    try:
        return Kept(figures_from(json.loads(payload)), float(measured))
    except (ValueError, TypeError, KeyError):
        return None


def open_kept(directory: str) -> LastMeasured | None:
    """The store in ``directory`` when one exists, for reading: None (and nothing created)
    when nothing was ever kept there."""
    if not os.path.isfile(os.path.join(directory, DATABASE)):
        return None
    return LastMeasured(directory)


class KeptSaving(NamedTuple):
    """What the last measurement of a top-level package says each heavy module costs it."""

    module: str
    #: The milliseconds the import of ``module`` would save without each heavy module.
    saving_ms: dict[str, float]


def kept_saving(
    store: str, graphs: Sequence[ImportGraph], settings: Mapping[str, Settings], note: Callable[[str], None]
) -> KeptSaving | None:
    """The last measurement kept in ``store`` of a top-level package of ``graphs`` (the
    first, by name, that has one), when it was taken of the files and heavy list there are
    now. ``note`` is told how old it is, or why one is not used: kept by a version that did
    not record each heavy module's cost, or taken of other files or another heavy list."""
    kept = open_kept(store)
    if kept is None:
        return None
    try:
        for graph in graphs:
            for entry in sorted(name for name in graph.modules if "." not in name):
                last = kept.kept(entry)
                if last is None:
                    continue
                figures = last.figures
                heavy = settings.get(graph.modules[entry].path, Settings()).all_heavy_modules
                again = f"run `qemlflow-lint importtime {entry}` again to see what each fix saves"
                if figures.saving_us is None:
                    note(f"the last measurement of import {entry} has no time per heavy module; {again}")
                elif figures.tree != tree_digest(graph, entry, heavy):
                    note(
                        f"the last measurement of import {entry} is of other files or heavy modules; {again}"
                    )
                else:
                    note(
                        f"best next fixes: milliseconds from the last `importtime {entry}`, {_age(last.measured)}"
                    )
                    return KeptSaving(entry, {name: us / 1000 for name, us in figures.saving_us})
    finally:
        kept.close()
    return None


def _age(measured: float) -> str:
    """``measured 5 minutes ago`` (in the largest unit that is at least one)."""
    seconds = max(0, int(time.time() - measured))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            return f"measured {plural(seconds // size, unit)} ago"
    return "measured just now"
