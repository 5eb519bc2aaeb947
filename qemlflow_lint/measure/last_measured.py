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
from typing import NamedTuple

from qemlflow_lint.measure.figures import ImportFigures, figures_dict, figures_from
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
