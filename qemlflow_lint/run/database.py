"""A SQLite database in the cache folder, shared by the runs that use it: the result cache
and the history store are both one.

Opening and rebuilding are serialised between runs by an advisory lock, so one run never
deletes a database another is setting up; WAL mode and a busy timeout let runs share it; a
database that is unreadable, truncated or garbage is deleted and rebuilt with one warning;
one that cannot be used at all is one warning, and the run goes on without it. A schema of
another version is reset in one transaction.

:mod:`sqlite3` is imported when a database is opened, not with this module: a run that uses
no cache (``--no-cache``, or a single file, see :data:`~qemlflow_lint.run.api.CACHE_THRESHOLD`)
does not pay for it at start-up.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from qemlflow_lint.atomic import write_text_atomic

if TYPE_CHECKING:
    import sqlite3

_CORRUPTION = ("not a database", "malformed", "file is encrypted", "corrupt")


def warn(message: str) -> None:
    """One warning line on standard error; the run goes on."""
    print(f"qemlflow-lint: warning: {message}", file=sys.stderr)


def is_corruption(error: sqlite3.Error) -> bool:
    """True when the database file itself is damaged (as opposed to busy or unwritable)."""
    name = getattr(error, "sqlite_errorname", "")
    return name in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or any(word in str(error) for word in _CORRUPTION)


#: The files that mark the cache folder: git ignores it, backup tools skip it.
_MARKERS = (
    (".gitignore", "# Created by qemlflow-lint: nothing here belongs in version control.\n*\n"),
    (
        "CACHEDIR.TAG",
        "Signature: 8a477f597d28d172789f06886806bc55\n# This folder is a cache made by qemlflow-lint.\n",
    ),
)


def prepare_cache_directory(directory: str) -> None:
    """Create the cache folder, marked as a cache that version control ignores. A marker
    that is missing or empty (a disk that filled up while it was written) is written again,
    each one atomically."""
    os.makedirs(directory, exist_ok=True)
    for name, text in _MARKERS:
        marker = os.path.join(directory, name)
        try:
            intact = os.path.getsize(marker) > 0
        except OSError:
            intact = False
        if not intact:
            write_text_atomic(marker, text)


class CacheDatabase:
    """One run's connection to a database in a cache folder; ``connection`` is ``None``
    when it cannot be used. Subclasses declare the file, its schema and their words."""

    #: The database's file name in the folder, and its lock file's.
    DATABASE: ClassVar[str]
    LOCK: ClassVar[str]
    #: ``CREATE TABLE IF NOT EXISTS`` statements, the ``meta`` table first.
    SCHEMA: ClassVar[Sequence[str]]
    SCHEMA_VERSION: ClassVar[str]
    #: What turns a database of another schema version into this one (in a transaction).
    RESET: ClassVar[Sequence[str]]
    #: How warnings name it ("the cache"), say it was found damaged when opened, and say
    #: what a run does without it.
    LABEL: ClassVar[str]
    DAMAGED: ClassVar[str] = "was unreadable"
    WITHOUT: ClassVar[str] = "running without it"

    def __init__(self, directory: str) -> None:
        import sqlite3  # here, not at the top: only a run that opens a database pays for it

        self.directory = directory
        self.database = os.path.join(directory, self.DATABASE)
        self.connection: sqlite3.Connection | None = None
        try:
            prepare_cache_directory(directory)
            with self._lock():
                try:
                    self.connection = self._connect()
                except sqlite3.DatabaseError as error:
                    if not is_corruption(error):
                        raise
                    warn(f"{self.LABEL} {self.database} {self.DAMAGED} ({error}); it is rebuilt")
                    self._delete()
                    self.connection = self._connect()
        except (sqlite3.Error, OSError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            warn(f"cannot use {self.LABEL} in {directory} ({reason}); {self.WITHOUT}")
            self.connection = None

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """Serialise opening (and rebuilding) between runs that share the database."""
        with open(os.path.join(self.directory, self.LOCK), "a+b") as handle:
            try:
                import fcntl
            except ImportError:  # no advisory locks here (Windows): SQLite's own locking still applies
                yield
                return
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection | None]:
        """One write transaction on the open connection: committed when the block ends, rolled
        back on a database error, which stops the run's use of the database (see
        :meth:`_failed`) and is not raised: the statements after the block run either way.
        The block is given ``None`` when the transaction cannot begin (another run holds the
        database for writing longer than the busy timeout): it writes nothing then."""
        import sqlite3

        assert self.connection is not None
        began = False
        try:
            with self.connection:
                self.connection.execute("BEGIN IMMEDIATE")
                began = True
                yield self.connection
        except sqlite3.Error as error:
            self._failed(error)
            if not began:
                yield None

    def _row(self, query: str, values: Sequence[object]) -> tuple[Any, ...] | None:
        """The first row ``query`` finds (a query by key finds one at most), or None: see
        :meth:`_rows`."""
        rows = self._rows(query, values)
        return rows[0] if rows else None

    def _rows(self, query: str, values: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """The rows ``query`` finds; none when the database is not in use or the query fails
        (which stops the run's use of it, see :meth:`_failed`)."""
        import sqlite3

        if self.connection is None:
            return []
        try:
            rows: list[tuple[Any, ...]] = self.connection.execute(query, values).fetchall()
        except sqlite3.Error as error:
            self._failed(error)
            return []
        return rows

    def close(self) -> None:
        """Close the database (what it holds stays)."""
        import sqlite3

        if self.connection is not None:
            with contextlib.suppress(sqlite3.Error):
                self.connection.close()
            self.connection = None

    def _connect(self) -> sqlite3.Connection:
        import sqlite3

        connection = sqlite3.connect(self.database, timeout=30, isolation_level=None)
        try:
            connection.execute("PRAGMA busy_timeout = 30000")
            if connection.execute("PRAGMA journal_mode = WAL").fetchone() is None:
                raise sqlite3.DatabaseError("no journal mode")
            connection.execute("PRAGMA synchronous = NORMAL")
            check = connection.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise sqlite3.DatabaseError(f"database disk image is malformed: {check}")
            for statement in self.SCHEMA:
                connection.execute(statement)
            row = connection.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
            if row is None or row[0] != self.SCHEMA_VERSION:
                with connection:
                    connection.execute("BEGIN IMMEDIATE")
                    for statement in self.RESET:
                        connection.execute(statement)
                    connection.execute(
                        "INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (self.SCHEMA_VERSION,)
                    )
        except BaseException:
            connection.close()
            raise
        return connection

    def _delete(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.database + suffix)

    def _failed(self, error: Exception) -> None:
        """A database error in the middle of a run: stop using it for this run (and remove
        it when it is damaged, so the next run rebuilds it)."""
        import sqlite3

        if self.connection is not None:
            with contextlib.suppress(sqlite3.Error):
                self.connection.close()
        self.connection = None
        if isinstance(error, sqlite3.DatabaseError) and is_corruption(error):
            warn(f"{self.LABEL} {self.database} is damaged ({error}); it will be rebuilt next run")
            with contextlib.suppress(OSError), self._lock():
                self._delete()
        else:
            warn(f"{self.LABEL} {self.database} failed ({error}); this run goes on without it")
