"""Analysing many files: cached results first, then the rest on every core.

The output never depends on the number of jobs: results come back in the order of the
files given. Parsing makes many short-lived objects but no reference cycles, so the cyclic
garbage collector is paused while files are analysed (it would otherwise spend a third of
the run scanning objects that reference counting already frees).
"""

from __future__ import annotations

import ast
import gc
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Callable, NamedTuple, Optional, TypeVar

from qemlflow_lint.analysis.source import decode, read_error
from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.model.modules import PackageFolders, is_test_path, module_name
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.run.cache import ResultCache, digest_of, result_key, tool_fingerprint
from qemlflow_lint.run.file import analyse_source
from qemlflow_lint.run.workers import current, grouped, keeping, parsed_and_kept

Chunk = TypeVar("Chunk")
Result = TypeVar("Result")

#: Below this many files to analyse, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 48


class Job(NamedTuple):
    """One file to analyse, with the configuration that applies to it."""

    path: str
    settings: Settings


#: What a worker sends back: the content digest (None when unreadable), the stat taken
#: before reading, and the result.
Outcome = tuple[Optional[str], Optional[os.stat_result], FileResult]


def default_jobs() -> int:
    """The cores this process may use."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for the duration (see the module docstring)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Packages:
    """One :class:`PackageFolders` per set of namespace packages, for one run (or one chunk
    of it in a worker): each folder is asked once whether it is a package."""

    def __init__(self) -> None:
        self._by_namespaces: dict[tuple[str, ...], PackageFolders] = {}

    def for_settings(self, settings: Settings) -> PackageFolders:
        """The package folders as ``settings`` see them."""
        key = settings.namespace_folders
        if key not in self._by_namespaces:
            self._by_namespaces[key] = PackageFolders(key)
        return self._by_namespaces[key]


def analyse_file(path: str, settings: Settings, noqa: bool, packages: Packages | None = None) -> Outcome:
    """Stat, read, digest and analyse one file; never raises for bad input."""
    folders = (packages or Packages()).for_settings(settings)
    try:
        stat: os.stat_result | None = os.stat(path)
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        return None, None, analyse_source(read_error(error), path, settings, noqa=noqa, is_package=folders)
    text = decode(data)
    tree = parsed_and_kept(text, path, data) if keeping() and isinstance(text, str) else None
    return (
        digest_of(data),
        stat,
        analyse_source(
            text,
            path,
            settings,
            noqa=noqa,
            is_package=folders,
            data=data,
            tree=tree if isinstance(tree, ast.Module) else None,
        ),
    )


def _work(chunk: tuple[Sequence[tuple[str, int]], Sequence[Settings], bool]) -> list[Outcome]:
    files, configs, noqa = chunk
    packages = Packages()
    with paused_gc():
        return [analyse_file(path, configs[index], noqa, packages) for path, index in files]


def _init_worker() -> None:
    # Ctrl-C is the parent's to handle: it stops the pool and reports once.
    import signal  # only pool workers need it

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The objects a forked worker inherits are never garbage: the collector leaves them
    # out (scanning them cost ``fix`` a quarter of its workers' time).
    gc.freeze()


def _context() -> Any:
    """The process pool's context. multiprocessing is imported only when a pool is needed:
    a run of a few files (an editor, pre-commit) never starts one."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else methods[0])


def map_in_processes(
    work: Callable[[Chunk], list[Result]],
    chunks: Sequence[Chunk],
    workers: int,
    keys: Sequence[Sequence[str]] | None = None,
) -> list[Result]:
    """``work`` applied to every chunk in a pool of ``workers`` processes, the results in
    the chunks' order, concatenated. Ctrl-C stops the pool (the workers ignore it).

    Within :func:`~qemlflow_lint.run.workers.shared_workers`, the command's workers run
    it instead, each chunk preferably where its keys (the paths of its files) went before."""
    shared = current()
    if shared is not None:
        return shared.map(work, chunks, keys)
    pool = _context().Pool(processes=workers, initializer=_init_worker)
    try:
        results = [result for part in pool.imap(work, chunks) for result in part]
    except BaseException:
        pool.terminate()
        pool.join()
        raise
    pool.close()
    pool.join()
    return results


def on_workers(count: int, workers: int, threshold: int = PARALLEL_THRESHOLD) -> bool:
    """Whether ``count`` items go to worker processes: within
    :func:`~qemlflow_lint.run.workers.shared_workers` whose processes run, always (they keep
    the trees the items need, and cost nothing more to start); otherwise on several cores,
    from ``threshold`` items on (fewer cost less than starting a pool)."""
    shared = current()
    if shared is not None and shared.running:
        return count > 0
    return workers > 1 and count >= threshold


def chunk_size(count: int, workers: int) -> int:
    """How many items a worker takes at a time: about four chunks per worker, at most 64;
    within :func:`~qemlflow_lint.run.workers.shared_workers`, about eight per worker and at
    most :data:`SHARED_CHUNK` (each chunk goes where its files' trees are kept, and the
    passes after the analysis are short: a chunk's round trip costs the same at any size)."""
    if current() is not None:
        return max(1, min(SHARED_CHUNK, count // (workers * 8)))
    return max(1, min(64, count // (workers * 4)))


#: The most items of a chunk sent to the command's shared workers.
SHARED_CHUNK = 4


def _analyse_all(jobs: Sequence[Job], noqa: bool, workers: int) -> list[Outcome]:
    if not on_workers(len(jobs), workers):
        packages = Packages()
        with paused_gc():
            return [analyse_file(job.path, job.settings, noqa, packages) for job in jobs]
    configs: list[Settings] = []
    index_of: dict[int, int] = {}
    files = []
    for job in jobs:
        if id(job.settings) not in index_of:
            index_of[id(job.settings)] = len(configs)
            configs.append(job.settings)
        files.append((job.path, index_of[id(job.settings)]))
    paths = [path for path, _ in files]
    groups = grouped(paths, chunk_size(len(files), workers))
    chunks = [([files[i] for i in group], configs, noqa) for group in groups]
    return map_in_processes(_work, chunks, workers, [[paths[i] for i in group] for group in groups])


class _Identities:
    """Where each file is, as far as its findings can tell: its absolute path, module name
    (which the packages around it decide), test-ness and project root. Folders are asked
    once per run, since most files share them."""

    def __init__(self) -> None:
        self.packages = Packages()

    def of(self, path: str, settings: Settings) -> str:
        """The identity of ``path`` (part of its cache key)."""
        name = module_name(path, self.packages.for_settings(settings))
        return f"{os.path.abspath(path)}\0{name}\0{is_test_path(path, settings.project_root)}\0{settings.project_root}"


def _from_cache(
    jobs: Sequence[Job],
    cache: ResultCache,
    settings: dict[int, str],
    results: list[FileResult | None],
    identities: _Identities,
) -> list[int]:
    """Fill ``results`` from the cache; return the indices of the jobs still to analyse.

    A file whose stat information is unchanged uses its remembered digest; any other file
    is read and hashed (cheap next to parsing) and looked up by that digest."""
    stats: list[tuple[int, os.stat_result]] = []
    pending: list[int] = []
    for index, job in enumerate(jobs):
        try:
            stats.append((index, os.stat(job.path)))
        except OSError:
            pending.append(index)  # analysing it reports why it cannot be read
    known = cache.known_digests([(jobs[i].path, stat) for i, stat in stats])
    wanted: list[tuple[int, str]] = []
    read: dict[int, tuple[str, os.stat_result, str]] = {}
    for (index, stat), digest in zip(stats, known):
        if digest is None:
            try:
                with open(jobs[index].path, "rb") as handle:
                    digest = digest_of(handle.read())
            except OSError:
                pending.append(index)
                continue
            read[index] = (jobs[index].path, stat, digest)
        job = jobs[index]
        wanted.append(
            (index, result_key(digest, identities.of(job.path, job.settings), settings[id(job.settings)]))
        )
    found = cache.results([(key, jobs[index].path) for index, key in wanted])
    hits = []
    stamps = []
    for (index, key), result in zip(wanted, found):
        if result is None:
            pending.append(index)
        else:
            results[index] = result
            hits.append(key)
            if index in read:  # read to find its result: remember its stamp for the next run
                stamps.append(read[index])
    cache.touch(hits, stamps)
    return sorted(pending)


def run_jobs(
    jobs: Sequence[Job], *, noqa: bool = True, workers: int = 1, cache: ResultCache | None = None
) -> list[FileResult]:
    """Every job's result, in job order: from the cache when the file is unchanged,
    otherwise analysed (on ``workers`` processes) and stored in the cache."""
    settings: dict[int, str] = {}
    tool = tool_fingerprint() if cache is not None else ""
    for job in jobs:
        if id(job.settings) not in settings:
            settings[id(job.settings)] = f"{job.settings.fingerprint()}\0noqa={noqa}\0{tool}"
    results: list[FileResult | None] = [None] * len(jobs)
    pending: list[int] = []
    identities = _Identities()
    if cache is not None:
        pending = _from_cache(jobs, cache, settings, results, identities)
    else:
        pending = list(range(len(jobs)))
    outcomes = _analyse_all([jobs[i] for i in pending], noqa, workers)
    stored = []
    for index, (digest, stat, result) in zip(pending, outcomes):
        results[index] = result
        if cache is not None and digest is not None and stat is not None:
            job = jobs[index]
            stored.append(
                (
                    job.path,
                    identities.of(job.path, job.settings),
                    settings[id(job.settings)],
                    stat,
                    digest,
                    result,
                )
            )
    if cache is not None:
        cache.store(stored)
    return [result for result in results if result is not None]
