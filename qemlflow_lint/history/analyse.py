"""Analysing the files of many commits: each distinct blob, at each place and with each
settings, once — from the result cache when it is there, otherwise on every core.

A file's result depends on its content, on where it is (its module name and test-ness come
from its path and the packages around it) and on its settings. The result cache keys
results by exactly that (:func:`~qemlflow_lint.run.cache.result_key`), with the blob id as
the content digest, so a blob that stays at one place through a hundred commits is
analysed once, and a moved one again (its module name may have changed).

A blob over the size limit (:data:`MAX_FILE_SIZE` by default) is not analysed: it is read
past, never whole in memory, and scored as a file that cannot be read, with the reason.
Parsing a Python file takes about 230 times its size in memory (a 2 MiB module about
480 MB), so one generated module must not decide how much memory a run needs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Callable, NamedTuple, Optional, Union

from qemlflow_lint.analysis.source import SourceError, decode
from qemlflow_lint.history.git import Oversized
from qemlflow_lint.history.places import Places
from qemlflow_lint.history.snapshot import Source
from qemlflow_lint.history.tree import Tree, join, parent
from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.model.modules import is_test_path, module_name
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.run.cache import ResultCache, result_key, tool_fingerprint
from qemlflow_lint.run.database import warn
from qemlflow_lint.run.file import analyse_source
from qemlflow_lint.run.runner import PARALLEL_THRESHOLD, chunk_size, map_in_processes, paused_gc

#: A result never stored with a stat stamp: a blob has no file whose stat could be trusted.
_NO_STAMP = os.stat_result((0,) * 8 + (float("inf"), 0))
#: The largest blob analysed by default, in bytes (``trend --max-file-size``).
MAX_FILE_SIZE = 1 << 20
#: Reads the blobs of the ids given, those over the limit (bytes, or None) as their size.
ReadBlobs = Callable[[Sequence[str], Optional[int]], list[Union[bytes, Oversized]]]


def _shown(path: str) -> str:
    """``path`` with what a terminal would act on (control characters, broken bytes) escaped."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in path)


def too_large(size: int, limit: int) -> SourceError:
    """Why a blob of ``size`` bytes is not analysed under the limit ``limit``."""
    return SourceError(
        f"too large to analyse: {size:,} bytes, over the limit of {limit:,} (trend --max-file-size)"
    )


class Unit(NamedTuple):
    """One analysis: a blob at a place with settings. ``packages`` are the folders above
    the place that are packages (what its module name is made of)."""

    key: str
    place: str
    oid: str
    settings: Settings
    identity: str
    packages: frozenset[str]


#: What a worker is sent: ``(place, settings index, bytes, packages)`` per file, the settings
#: and whether suppression comments apply.
Chunk = tuple[Sequence[tuple[str, int, bytes, frozenset[str]]], Sequence[Settings], bool]


def _work(chunk: Chunk) -> list[FileResult]:
    items, configs, noqa = chunk
    with paused_gc():
        return [
            analyse_source(
                decode(data), place, configs[index], noqa=noqa, is_package=packages.__contains__, data=data
            )
            for place, index, data, packages in items
        ]


class Analyser:
    """The analyses of one ``trend`` run: the units of every commit, then their results.

    ``cache`` is the result cache (or None); ``workers`` the processes to use; ``max_size``
    the largest blob analysed, in bytes (None: no limit).
    """

    def __init__(
        self,
        places: Places,
        cache: ResultCache | None,
        *,
        noqa: bool,
        workers: int,
        max_size: int | None = MAX_FILE_SIZE,
    ) -> None:
        self.places = places
        self.cache = cache
        self.noqa = noqa
        self.workers = workers
        self.max_size = max_size
        self.analysed = 0
        self._tool = tool_fingerprint()
        self._settings_text: dict[int, tuple[Settings, str]] = {}
        self._units: dict[tuple[object, ...], Unit] = {}

    def _text(self, settings: Settings) -> str:
        known = self._settings_text.get(id(settings))
        if known is None:
            # The limit is part of every key: a result made under another limit is not this run's.
            text = f"{settings.fingerprint()}\0noqa={self.noqa}\0max={self.max_size}\0{self._tool}"
            known = (settings, text)
            self._settings_text[id(settings)] = known  # the settings are kept alive with it
        return known[1]

    def _is_package(self, tree: Tree, settings: Settings) -> Callable[[str], bool]:
        namespaces = settings.namespace_folders

        def is_package(directory: str) -> bool:
            folder = self.places.tree_path(directory)
            return join(folder, "__init__.py") in tree.files or any(
                directory == namespace or directory.startswith(namespace + os.sep) for namespace in namespaces
            )

        return is_package

    def unit(self, source: Source, tree: Tree) -> Unit:
        """The analysis ``source`` needs in the commit whose tree is ``tree``. A file whose
        blob, settings and packages around it did not change since an earlier commit has
        the same unit (most files of most commits)."""
        folders = []
        folder = parent(source.path)
        while folder:
            folders.append(join(folder, "__init__.py") in tree.files)
            folder = parent(folder)
        memo = (source.path, source.oid, id(source.settings), *folders, "__init__.py" in tree.files)
        known = self._units.get(memo)
        if known is not None:
            return known
        asked: set[str] = set()
        is_package = self._is_package(tree, source.settings)

        def recording(directory: str) -> bool:
            answer = is_package(directory)
            if answer:
                asked.add(directory)
            return answer

        settings = source.settings
        name = module_name(source.place, recording)
        root = settings.project_root
        identity = f"{os.path.abspath(source.place)}\0{name}\0{is_test_path(source.place, root)}\0{root}"
        key = result_key(source.oid, identity, self._text(settings))
        unit = self._units[memo] = Unit(key, source.place, source.oid, settings, identity, frozenset(asked))
        return unit

    def results(self, units: Sequence[Unit], read: ReadBlobs) -> dict[str, FileResult]:
        """The result of every unit, by key: cached ones from the cache, the others
        analysed (on every core when there are many) and stored; ``read(oids, limit)``
        reads blobs, giving those over the limit as their size."""
        distinct = list({unit.key: unit for unit in units}.values())
        found: dict[str, FileResult] = {}
        if self.cache is not None:
            cached = self.cache.results([(unit.key, unit.place) for unit in distinct])
            found = {unit.key: result for unit, result in zip(distinct, cached) if result is not None}
            self.cache.touch(list(found))
        missing = [unit for unit in distinct if unit.key not in found]
        configs: list[Settings] = []
        index_of: dict[int, int] = {}
        items = []
        readable = []
        for unit, data in zip(missing, read([unit.oid for unit in missing], self.max_size)):
            if isinstance(data, Oversized):
                error = too_large(data.size, self.max_size or 0)
                warn(f"{_shown(self.places.tree_path(unit.place))} (blob {unit.oid[:10]}): {error.reason}")
                found[unit.key] = analyse_source(error, unit.place, unit.settings, noqa=self.noqa)
                continue
            if id(unit.settings) not in index_of:
                index_of[id(unit.settings)] = len(configs)
                configs.append(unit.settings)
            items.append((unit.place, index_of[id(unit.settings)], data, unit.packages))
            readable.append(unit)
        if self.workers > 1 and len(items) >= PARALLEL_THRESHOLD:
            size = chunk_size(len(items), self.workers)
            chunks = [(items[i : i + size], configs, self.noqa) for i in range(0, len(items), size)]
            analysed = map_in_processes(_work, chunks, self.workers)
        else:
            analysed = _work((items, configs, self.noqa))
        self.analysed += len(analysed)
        for unit, result in zip(readable, analysed):
            found[unit.key] = result
        if self.cache is not None and missing:
            self.cache.store(
                (unit.place, unit.identity, self._text(unit.settings), _NO_STAMP, unit.oid, found[unit.key])
                for unit in missing
            )
        return found
