"""Worker processes that last a whole command, and the trees each of them keeps.

``check`` parses a file once. ``fix`` reads a file in several passes (the analysis, the
project's callers, QF001's plan, the fixers), each on every core. Within
:func:`shared_workers`, those passes run on one set of processes, each file sent to the
process that parsed it first, which keeps the file's text and ``ast`` from the analysis
(:func:`remember`) and hands the tree to the later passes (:func:`parsed`) instead of
parsing the text again. A process that runs out of its own files takes another's: it
parses that file itself, so the answer never depends on where a file went.

The trees are only read (no pass changes a node), and only those of the analysed files
are kept, up to :data:`KEPT_TEXT` characters of source per process.
"""

from __future__ import annotations

import ast
import gc
import os
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from qemlflow_lint.analysis.source import SourceError, parse

if TYPE_CHECKING:
    import queue

Chunk = TypeVar("Chunk")
Result = TypeVar("Result")

#: The chunks a worker is sent ahead of the one it works on (it never waits for the parent).
IN_FLIGHT = 2
#: The source characters of the trees one process keeps (an ``ast`` takes some 25 times
#: the memory of its text: about 100 MB): past it, a file is parsed again where needed.
KEPT_TEXT = 4_000_000

#: The trees this process keeps, by absolute path: the text each was parsed from, and it.
_trees: dict[str, tuple[str, ast.Module]] = {}
#: Whether this process keeps trees (within :func:`shared_workers` only).
_keeping = False
#: The characters of source kept so far.
_kept = 0


def keeping() -> bool:
    """True within :func:`shared_workers`: the analysis keeps the trees it parses."""
    return _keeping


def _key(path: str) -> str:
    return os.path.abspath(path)


def remember(path: str, text: str, tree: ast.Module) -> None:
    """Keep ``tree``, parsed from ``text`` (the file at ``path``), for the later passes of
    this command; nothing outside :func:`shared_workers` or past :data:`KEPT_TEXT`."""
    global _kept
    if not _keeping or _kept + len(text) > KEPT_TEXT:
        return
    _trees[_key(path)] = (text, tree)
    _kept += len(text)


def parsed(text: str, path: str, data: bytes | None = None) -> ast.Module | SourceError:
    """The ``ast`` of ``text`` (the file at ``path``): the tree kept for that very text, or
    :func:`~qemlflow_lint.analysis.source.parse`'s."""
    kept = _trees.get(_key(path)) if _trees else None
    if kept is not None and kept[0] == text:
        return kept[1]
    return parse(text, path, data)


def parsed_and_kept(text: str, path: str, data: bytes | None = None) -> ast.Module | SourceError:
    """:func:`parsed`, the tree then kept (:func:`remember`)."""
    tree = parsed(text, path, data)
    if isinstance(tree, ast.Module):
        remember(path, text, tree)
    return tree


def _serve(connection: Any) -> None:
    """A worker's loop: run each ``(work, chunk)`` received, send back ``(True, result)`` or
    ``(False, error)``, until ``None`` comes."""
    import queue  # these three only workers need: a one-file check starts none
    import signal
    import threading

    global _keeping
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # What the worker keeps lives until it exits, and its parses make no cycles: the
    # collector would only scan the kept trees again and again.
    gc.freeze()
    gc.disable()
    _keeping = True
    # A thread takes the chunks in as they come, so that the parent, which sends the next
    # one before this one is done, never waits on a worker busy sending a result.
    inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
    threading.Thread(target=_receive, args=(connection, inbox), daemon=True).start()
    while True:
        message = inbox.get()
        if message is None:
            return
        work, chunk = message
        try:
            reply: tuple[bool, object] = (True, work(chunk))
        except Exception as error:  # sent to the parent, which raises it
            reply = (False, error)
        try:
            connection.send(reply)
        except Exception as error:  # a result or an error that does not pickle
            connection.send((False, RuntimeError(f"{type(error).__name__}: {error}")))


def _receive(connection: Any, inbox: queue.SimpleQueue[Any]) -> None:
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            message = None
        inbox.put(message)
        if message is None:
            return


class Workers:
    """A command's worker processes, started on the first :meth:`map`."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._connections: list[Any] = []
        self._processes: list[Any] = []
        #: The worker each key (a file's path) was first sent to.
        self._owner: dict[str, int] = {}

    @property
    def running(self) -> bool:
        """True once a pass has started the processes (they keep that pass's trees)."""
        return bool(self._processes)

    def owner(self, keys: Sequence[str]) -> int | None:
        """The worker that had the first of ``keys`` that one had, if any."""
        return next((self._owner[key] for key in keys if key in self._owner), None)

    def _start(self) -> None:
        import multiprocessing  # only a run on several cores needs it

        context = multiprocessing.get_context("fork")
        for _ in range(self.count):
            mine, theirs = context.Pipe()
            process = context.Process(target=_serve, args=(theirs,), daemon=True)
            process.start()
            theirs.close()
            self._connections.append(mine)
            self._processes.append(process)

    def map(
        self,
        work: Callable[[Chunk], list[Result]],
        chunks: Sequence[Chunk],
        keys: Sequence[Sequence[str]] | None = None,
    ) -> list[Result]:
        """``work`` applied to every chunk, the results in the chunks' order, concatenated.
        ``keys`` are each chunk's files: a chunk goes to the worker that had one of them
        before, when it is free, and its worker then keeps every one it did not have; a
        free worker with none of its own left takes a chunk nobody had, then the one
        another worker would take last."""
        from multiprocessing.connection import wait  # loaded with the workers

        if not self._processes:
            self._start()
        keyed = list(keys) if keys is not None else [()] * len(chunks)
        mine: list[deque[int]] = [deque() for _ in range(self.count)]
        free: deque[int] = deque()
        for index, files in enumerate(keyed):
            owner = self.owner(files)
            (mine[owner] if owner is not None else free).append(index)
        taken = [False] * len(chunks)
        results: list[list[Result] | None] = [None] * len(chunks)
        sent: list[deque[int]] = [deque() for _ in range(self.count)]
        left = len(chunks)

        def pick(worker: int) -> int | None:
            for waiting, end in ((mine[worker], "left"), (free, "left"), *((q, "right") for q in mine)):
                while waiting:
                    index = waiting.popleft() if end == "left" else waiting.pop()
                    if not taken[index]:
                        return index
            return None

        while left:
            for worker in range(self.count):
                while len(sent[worker]) < IN_FLIGHT:
                    chosen = pick(worker)
                    if chosen is None:
                        break
                    index = chosen
                    taken[index] = True
                    for key in keyed[index]:
                        self._owner.setdefault(key, worker)
                    self._connections[worker].send((work, chunks[index]))
                    sent[worker].append(index)
            ready = wait([self._connections[worker] for worker in range(self.count) if sent[worker]])
            for worker in range(self.count):
                if self._connections[worker] not in ready:
                    continue
                ok, value = self._connections[worker].recv()
                if not ok:
                    raise value
                results[sent[worker].popleft()] = value  # a worker answers in order
                left -= 1
        return [result for part in results for result in part or ()]

    def close(self) -> None:
        """Stop the workers (at once when ``map`` failed: they may be busy)."""
        for connection in self._connections:
            with suppress(OSError):
                connection.send(None)
        for process in self._processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join()
        for connection in self._connections:
            connection.close()

    def terminate(self) -> None:
        """Stop the workers now."""
        for process in self._processes:
            process.terminate()
        for process in self._processes:
            process.join()
        for connection in self._connections:
            connection.close()


def grouped(keys: Sequence[str], size: int) -> list[list[int]]:
    """The indices of ``keys`` (files) in chunks of at most ``size``, each a run of
    consecutive keys, so that the results come back in the keys' order: within
    :func:`shared_workers`, a chunk's files are kept by one worker, or by none yet."""
    chunks: list[list[int]] = []
    last: int | None = None
    for index, key in enumerate(keys):
        owner = _shared.owner((key,)) if _shared is not None else None
        if not chunks or owner != last or len(chunks[-1]) >= size:
            chunks.append([])
        chunks[-1].append(index)
        last = owner
    return chunks


#: The workers of the running :func:`shared_workers`, if any.
_shared: Workers | None = None


def current() -> Workers | None:
    """The workers of the running :func:`shared_workers`, or ``None``."""
    return _shared


@contextmanager
def shared_workers(count: int) -> Iterator[None]:
    """Within the block, the parallel passes run on the same ``count`` processes (started
    when a pass first needs them), and each keeps the trees of the files it analysed.
    Without ``fork`` (or with one core) this changes nothing but the trees this process
    keeps."""
    global _shared, _keeping, _kept
    import multiprocessing  # only here: the command runs on several cores

    if _shared is not None:  # nested: the outer block's workers serve
        yield
        return
    forks = "fork" in multiprocessing.get_all_start_methods()
    workers = Workers(count) if forks and count > 1 else None
    _shared, _keeping = workers, True
    failed = True
    try:
        yield
        failed = False
    finally:
        _shared, _keeping = None, False
        _trees.clear()
        _kept = 0
        if workers is not None:
            workers.terminate() if failed else workers.close()
