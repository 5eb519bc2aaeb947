"""The history store: every scored commit kept, so that no commit is ever scored twice.

One SQLite database in the project's cache folder (``.qemlflow-lint-cache/history.sqlite3``).
A commit's score is kept under its id, the configuration key of the run (a hash of
everything that decides the score besides the commit: whose configuration, the paths, the
flags) and the tool's fingerprint, so a rerun reads it back and an upgrade or another
configuration scores afresh. The last trend of each configuration is kept too, for
:func:`load_trend` (the HTML report), which needs no git.

As for the result cache: transactions keep an interrupted run from leaving half a write,
WAL mode and a busy timeout let two runs share the store, a damaged database is a warning
and is rebuilt, a store that cannot be written is a warning and the run goes on without it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Sequence
from urllib.parse import quote

from qemlflow_lint.history.encode import point_dict, point_from, trend_dict, trend_from
from qemlflow_lint.history.model import CommitScore, Trend
from qemlflow_lint.run.cache import CACHE_DIRNAME
from qemlflow_lint.run.database import CacheDatabase, warn

DATABASE = "history.sqlite3"
SCHEMA_VERSION = "2"
#: The most scored commits kept (the oldest written go first), and trends kept.
MAX_SCORES = 200_000
MAX_TRENDS = 50

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS scores (commit_id TEXT NOT NULL, config TEXT NOT NULL, tool TEXT NOT NULL, "
    "payload TEXT NOT NULL, PRIMARY KEY (commit_id, config, tool))",
    "CREATE TABLE IF NOT EXISTS trends (config TEXT PRIMARY KEY, made REAL NOT NULL, identity TEXT NOT NULL, "
    "payload TEXT NOT NULL)",
)


class TrendStore(CacheDatabase):
    """One run's connection to the store in ``directory`` (see the module docstring)."""

    DATABASE = DATABASE
    LOCK = "history.lock"
    SCHEMA = _SCHEMA
    SCHEMA_VERSION = SCHEMA_VERSION
    RESET = ("DROP TABLE scores", "DROP TABLE trends", *_SCHEMA[1:])
    LABEL = "the history store"
    DAMAGED = "was damaged"
    WITHOUT = "every commit is scored afresh"

    def scores(self, commits: Sequence[str], config: str, tool: str) -> dict[str, CommitScore]:
        """The stored scores of ``commits`` under ``config`` and ``tool``, by commit id."""
        if self.connection is None:
            return {}
        found: dict[str, CommitScore] = {}
        try:
            for start in range(0, len(commits), 500):
                chunk = list(commits[start : start + 500])
                rows = self.connection.execute(
                    "SELECT commit_id, payload FROM scores WHERE config = ? AND tool = ? "
                    f"AND commit_id IN ({','.join('?' * len(chunk))})",
                    [config, tool, *chunk],
                )
                for commit, payload in rows:
                    with contextlib.suppress(ValueError, TypeError, KeyError, AttributeError):
                        found[commit] = point_from(json.loads(payload))  # a bad entry is scored again
        except sqlite3.Error as error:
            self._failed(error)
            return {}
        return found

    def add(self, points: Sequence[CommitScore], config: str, tool: str) -> None:
        """Keep the scores of ``points`` (one transaction)."""
        if self.connection is None or not points:
            return
        rows = [(p.commit, config, tool, json.dumps(point_dict(p), separators=(",", ":"))) for p in points]
        with self._transaction() as connection:
            if connection is None:
                return  # the database is given up for this run
            connection.executemany("INSERT OR REPLACE INTO scores VALUES (?, ?, ?, ?)", rows)
            self._bound("scores", MAX_SCORES)

    def trend(self, config: str, identity: str) -> Trend | None:
        """The kept trend of ``config`` when it was made of ``identity`` (see
        :meth:`keep_trend`), marked as the latest; else None."""
        row = self._row("SELECT payload FROM trends WHERE config = ? AND identity = ?", (config, identity))
        if row is None:
            return None
        with self._transaction() as connection:
            if connection is not None:
                connection.execute("UPDATE trends SET made = ? WHERE config = ?", (time.time(), config))
        if self.connection is None:
            return None  # not marked: the store is given up for this run, the trend made again
        try:
            return trend_from(json.loads(row[0]))
        except (ValueError, TypeError, KeyError, AttributeError):
            return None  # a damaged entry: the trend is made again

    def keep_trend(self, trend: Trend, config: str, identity: str) -> None:
        """Keep ``trend`` as the latest of its configuration (for :func:`load_trend`).
        ``identity`` names what it was made of (its commits, the tool, the options): the
        same trend again is only marked as the latest, not written again."""
        if self.connection is None:
            return
        with self._transaction() as connection:
            if connection is None:
                return  # the database is given up for this run
            row = connection.execute("SELECT identity FROM trends WHERE config = ?", (config,)).fetchone()
            if row is not None and row[0] == identity:
                connection.execute("UPDATE trends SET made = ? WHERE config = ?", (time.time(), config))
                return
            payload = json.dumps(trend_dict(trend), separators=(",", ":"))
            connection.execute(
                "INSERT OR REPLACE INTO trends VALUES (?, ?, ?, ?)", (config, time.time(), identity, payload)
            )
            self._bound("trends", MAX_TRENDS)

    def _bound(self, table: str, limit: int) -> None:
        assert self.connection is not None
        count = self.connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        if count > limit:
            self.connection.execute(
                f"DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM {table} ORDER BY rowid LIMIT ?)",
                (count - limit,),
            )


def load_trend(project_root: str) -> Trend | None:
    """The most recent trend stored for the project at ``project_root`` (by ``trend`` run
    with the cache folder there), or None when there is none. Reads the store only: no git
    call. A damaged store is a warning and None."""
    database = os.path.join(project_root, CACHE_DIRNAME, DATABASE)
    if not os.path.isfile(database):
        return None
    try:  # mode=rw: never create a database that vanished meanwhile
        connection = sqlite3.connect(f"file:{quote(database)}?mode=rw", timeout=30, uri=True)
    except sqlite3.Error as error:
        warn(f"cannot read the history store {database} ({error})")
        return None
    try:
        schema = connection.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
        if schema is None or schema[0] != SCHEMA_VERSION:
            return None
        row = connection.execute("SELECT payload FROM trends ORDER BY made DESC LIMIT 1").fetchone()
        return None if row is None else trend_from(json.loads(row[0]))
    except (sqlite3.Error, ValueError, TypeError, KeyError, AttributeError) as error:
        warn(f"cannot read the history store {database} ({error}); run `qemlflow-lint trend` to rebuild it")
        return None
    finally:
        connection.close()
