"""The workers a command shares between its passes: results in order, each file back where
its tree is kept, and a worker's error raised in the parent."""

from __future__ import annotations

import ast
import os

import pytest

from qemlflow_lint.run import workers
from qemlflow_lint.run.runner import map_in_processes
from qemlflow_lint.run.workers import parsed, parsed_and_kept, shared_workers


def _parse_and_keep(chunk: list[tuple[str, str]]) -> list[tuple[str, int]]:
    """Parse each file (keeping its tree) and say which process did."""
    found = []
    for path, text in chunk:
        assert isinstance(parsed_and_kept(text, path), ast.Module)
        found.append((path, os.getpid()))
    return found


def _who_kept(chunk: list[tuple[str, str]]) -> list[tuple[str, int, bool]]:
    """Which process sees each file, and whether it kept that file's tree."""
    found = []
    for path, text in chunk:
        kept = workers._trees.get(os.path.abspath(path))
        found.append((path, os.getpid(), kept is not None and parsed(text, path) is kept[1]))
    return found


def _fails(chunk: list[int]) -> list[int]:
    raise ValueError(f"bad chunk {chunk}")


pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="shared workers fork")


def test_each_file_goes_back_to_the_worker_that_kept_its_tree() -> None:
    files = [(f"m{i}.py", f"x = {i}\n") for i in range(12)]
    keys = [path for path, _ in files]
    chunk_keys = [[path] for path in keys]
    with shared_workers(2):
        first = map_in_processes(_parse_and_keep, [[f] for f in files], 2, chunk_keys)
        again = map_in_processes(_who_kept, [[f] for f in files], 2, chunk_keys)
    assert [path for path, _ in first] == keys  # in the chunks' order
    assert len({pid for _, pid in first}) == 2  # both workers took files
    where = dict(first)
    for path, pid, reused in again:
        assert reused == (pid == where[path])
    assert any(reused for *_, reused in again)


def test_a_text_that_changed_is_parsed_again() -> None:
    with shared_workers(1):
        kept = parsed_and_kept("x = 1\n", "a.py")
        assert parsed("x = 1\n", "a.py") is kept
        other = parsed("x = 2\n", "a.py")
        assert isinstance(other, ast.Module) and other is not kept
    assert parsed("x = 1\n", "a.py") is not kept  # forgotten once the block ends


def test_a_worker_error_is_raised_in_the_parent() -> None:
    with pytest.raises(ValueError, match="bad chunk"), shared_workers(2):
        map_in_processes(_fails, [[1], [2], [3]], 2)


def test_chunks_are_runs_of_one_workers_files_in_their_order() -> None:
    files = [(f"m{i}.py", f"x = {i}\n") for i in range(12)]
    keys = [path for path, _ in files]
    with shared_workers(2):
        first = map_in_processes(_parse_and_keep, [[f] for f in files], 2, [[path] for path in keys])
        groups = workers.grouped(keys, 4)
        again = map_in_processes(
            _who_kept,
            [[files[i] for i in group] for group in groups],
            2,
            [[keys[i] for i in group] for group in groups],
        )
    assert [index for group in groups for index in group] == list(range(12))
    where = dict(first)
    for group in groups:
        assert 1 <= len(group) <= 4 and len({where[keys[i]] for i in group}) == 1
    assert [path for path, *_ in again] == keys
    for path, pid, reused in again:  # a chunk that went where its files are kept reuses their trees
        assert reused == (pid == where[path])
    assert any(reused for *_, reused in again)
