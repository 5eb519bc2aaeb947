"""The per-file result cache: an unchanged file is never analysed twice.

Results live in one SQLite database (``.qemlflow-lint-cache/cache.sqlite3`` at the project
root by default). An entry's key hashes everything a result depends on: the file's content
digest, its path, module name and test-ness, the tool version, the effective configuration
and the Python version — so an edit, an upgrade or a configuration change can never serve
stale findings.

To make an unchanged tree cost little more than listing it, the cache also remembers each
file's ``(size, mtime, inode, ctime)`` and content digest, and trusts the digest while those
are unchanged — except for files modified in the last two seconds, which are never
remembered so (the "racy" window of coarse file-system clocks: an edit within the same tick
would keep the stamp). A file is remembered whenever it is read and out of that window,
whether its result was analysed or found in the cache, so that a file first checked right
after it was saved (an editor, pre-commit) is read only once more.

Safety: SQLite transactions make an interrupted run leave the cache as it was; WAL mode
and a busy timeout let two runs share it; a database that is unreadable, truncated or
garbage is deleted and rebuilt with one warning; a cache that cannot be written disables
itself with one warning. The number of entries is bounded.

:mod:`sqlite3` is imported only when the database is opened: a run without the cache
(``--no-cache``, or fewer files than :data:`~qemlflow_lint.run.api.CACHE_THRESHOLD`, as a
one-file check from an editor or pre-commit) never loads it.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Sequence
from typing import Any

from qemlflow_lint import __version__
from qemlflow_lint.model.digest import digest, text_digest
from qemlflow_lint.model.findings import FileResult, Finding, RawImport
from qemlflow_lint.run.database import CacheDatabase

#: Default folder name, created at the project root.
CACHE_DIRNAME = ".qemlflow-lint-cache"
DATABASE = "cache.sqlite3"
SCHEMA_VERSION = "5"
#: The most result entries kept (least recently used go first).
MAX_ENTRIES = 50_000
#: Files modified this recently are re-read even when their stat information matches.
RACY_SECONDS = 2.0

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, payload TEXT NOT NULL, used REAL NOT NULL)",
    "CREATE TABLE IF NOT EXISTS files (path BLOB PRIMARY KEY, stamp TEXT NOT NULL, digest TEXT NOT NULL)",
)


def path_key(path: str) -> bytes:
    """How the ``files`` table names a file: its absolute path as the bytes the system
    knows it by. A name that is not UTF-8 (carried with surrogate escapes, as :mod:`os`
    does) is a key like any other, and two names never share one."""
    return os.fsencode(os.path.abspath(path))


def digest_of(data: bytes) -> str:
    """The content digest of a file's bytes."""
    return digest(data)


def stamp_of(stat: os.stat_result) -> str:
    """What must not change for a remembered digest to be trusted."""
    return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}:{stat.st_ctime_ns}"


def _stamps(files: Iterable[tuple[str, os.stat_result, str]], now: float) -> list[tuple[bytes, str, str]]:
    """``files`` rows (:func:`path_key`, stamp, digest) for each ``(path, stat, digest)`` whose
    modification time is older than the racy window (the stat taken before the file was read)."""
    return [
        (path_key(path), stamp_of(stat), content_digest)
        for path, stat, content_digest in files
        if now - stat.st_mtime > RACY_SECONDS
    ]


def tool_fingerprint() -> str:
    """The version of this tool, down to its own source files: the version number plus the
    size and modification time of every module of the package, so a development checkout
    whose rules change without a version bump never reads results of the old rules."""
    package = os.path.dirname(os.path.abspath(__file__))
    parts = [__version__, sys.version]
    for directory, subdirectories, files in os.walk(package):
        subdirectories.sort()
        for name in sorted(files):
            if name.endswith(".py"):
                stat = os.stat(os.path.join(directory, name))
                parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return text_digest("\0".join(parts), 32)


def result_key(digest: str, identity: str, settings: str) -> str:
    """The key of one file's result: content, where it is, and how it was analysed
    (``settings`` includes the configuration and :func:`tool_fingerprint`)."""
    text = "\0".join((digest, identity, settings))
    return text_digest(text, 32)


def encode_result(result: FileResult) -> str:
    """A result as compact JSON (never pickle: a cache file must not be able to run code)."""
    import json  # as sqlite3: loaded only by a run that uses the cache

    findings = [[f.line, f.col, f.code, f.message, f.unit, f.scope, f.source] for f in result.findings]
    imports = [list(raw) for raw in result.imports]
    return json.dumps(
        [
            findings,
            dict(result.units),
            result.error,
            result.suppressed,
            imports,
            result.module,
            result.test,
            result.library,
            result.project_path,
            result.bare_noqa,
        ],
        separators=(",", ":"),
    )


def decode_result(path: str, payload: str) -> FileResult:
    """The inverse of :func:`encode_result`, for the file shown as ``path``."""
    import json

    findings, units, error, suppressed, imports, module, test, library, project_path, bare = json.loads(
        payload
    )
    return FileResult(
        path,
        tuple(
            Finding(line, col, code, message, unit, scope, source)
            for line, col, code, message, unit, scope, source in findings
        ),
        units,
        error,
        suppressed,
        tuple(
            RawImport(
                line, col, level, name, tuple(names), heavy, text, tuple(heavy_names), tuple(bound), optional
            )
            for line, col, level, name, names, heavy, text, heavy_names, bound, optional in imports
        ),
        module,
        test,
        library,
        project_path,
        bare,
    )


class ResultCache(CacheDatabase):
    """One run's connection to the cache database (see the module docstring)."""

    DATABASE = DATABASE
    LOCK = "lock"
    SCHEMA = _SCHEMA
    SCHEMA_VERSION = SCHEMA_VERSION
    RESET = ("DELETE FROM results", "DELETE FROM files")
    LABEL = "the cache"

    def known_digests(self, files: Sequence[tuple[str, os.stat_result]]) -> list[str | None]:
        """For each ``(path, stat)``: the remembered content digest when the file's stat
        information is unchanged since it was remembered, else None."""
        import sqlite3

        if self.connection is None:
            return [None] * len(files)
        try:
            stamps = self._fetch(
                "SELECT path, stamp, digest FROM files WHERE path IN ({})",
                [path_key(path) for path, _ in files],
            )
        except sqlite3.Error as error:
            self._failed(error)
            return [None] * len(files)
        digests: list[str | None] = []
        for path, stat in files:
            known = stamps.get(path_key(path))
            digests.append(known[1] if known and known[0] == stamp_of(stat) else None)
        return digests

    def results(self, wanted: Sequence[tuple[str, str]]) -> list[FileResult | None]:
        """For each ``(key, path)``: the cached result, or None."""
        import sqlite3

        if self.connection is None:
            return [None] * len(wanted)
        try:
            payloads = self._fetch(
                "SELECT key, payload FROM results WHERE key IN ({})", [k for k, _ in wanted]
            )
        except sqlite3.Error as error:
            self._failed(error)
            return [None] * len(wanted)
        found: list[FileResult | None] = []
        for key, path in wanted:
            payload = payloads.get(key)
            try:
                found.append(decode_result(path, payload[0]) if payload else None)
            except (ValueError, TypeError):
                found.append(None)  # a damaged entry is analysed again and overwritten
        return found

    def _fetch(self, query: str, values: Sequence[Any]) -> dict[Any, tuple[Any, ...]]:
        assert self.connection is not None
        rows: dict[Any, tuple[Any, ...]] = {}
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            cursor = self.connection.execute(query.format(",".join("?" * len(chunk))), chunk)
            rows.update((row[0], tuple(row[1:])) for row in cursor)
        return rows

    def store(self, entries: Iterable[tuple[str, str, str, os.stat_result, str, FileResult]]) -> None:
        """Remember ``(path, identity, settings, stat, digest, result)`` for each analysed
        file, in one transaction, then keep the cache within its bound."""

        if self.connection is None:
            return
        now = time.time()
        results = []
        read = []
        for path, identity, settings, stat, content_digest, result in entries:
            results.append((result_key(content_digest, identity, settings), encode_result(result), now))
            read.append((path, stat, content_digest))
        files = _stamps(read, now)
        with self._transaction() as connection:
            if connection is None:
                return  # the database is given up for this run
            connection.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?)", results)
            connection.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", files)
            self._bound(MAX_ENTRIES)

    def _bound(self, limit: int) -> None:
        assert self.connection is not None
        for table, order in (("results", "used"), ("files", "rowid")):
            count = self.connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            if count > limit:
                self.connection.execute(
                    f"DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM {table} ORDER BY {order} LIMIT ?)",
                    (count - limit,),
                )

    def touch(self, keys: Sequence[str], read: Sequence[tuple[str, os.stat_result, str]] = ()) -> None:
        """Mark cached results as used by this run (so the bound removes others first) and,
        in the same transaction, remember the stamp of each ``(path, stat, digest)`` that
        was read to find its result, so that the next run need not read it."""

        now = time.time()
        files = _stamps(read, now)
        if self.connection is None or not (keys or files):
            return
        with self._transaction() as connection:
            if connection is None:
                return  # the database is given up for this run
            connection.executemany("UPDATE results SET used = ? WHERE key = ?", [(now, k) for k in keys])
            connection.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", files)
            if files:
                self._bound(MAX_ENTRIES)
