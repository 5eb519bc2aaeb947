"""The files to fix go to the workers with the most findings first, and come back in
the order they were asked for."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from qemlflow_lint.fix import on_disk
from qemlflow_lint.fix.apply import FileFix, FixOptions
from qemlflow_lint.model.findings import FileResult, Finding
from qemlflow_lint.model.settings import Settings


def _result(path: str, count: int) -> FileResult:
    findings = tuple(Finding(line, 0, "QF002", "untyped") for line in range(1, count + 1))
    return FileResult(path, findings, {"QF002": count})


def test_the_most_findings_go_first_and_the_results_keep_the_task_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counts = [1, 9, 0, 4, 12, 3, 7, 2, 5, 8]
    tasks: list[on_disk.Task] = [
        (f"m{i}.py", Settings(), FixOptions(), None, _result(f"m{i}.py", n), False)
        for i, n in enumerate(counts)
    ]
    sent: list[str] = []

    def serial(
        work: Callable[[Sequence[on_disk.Task]], list[on_disk.Fixed]],
        chunks: Sequence[Sequence[on_disk.Task]],
        _jobs: int,
        _keys: Sequence[str],
    ) -> list[on_disk.Fixed]:
        sent.extend(task[0] for chunk in chunks for task in chunk)
        return [on_disk.Fixed(FileFix(task[0], "", "")) for chunk in chunks for task in chunk]

    monkeypatch.setattr(on_disk, "map_in_processes", serial)
    fixed = on_disk._fix_all(tasks, 2)
    assert sent == [f"m{i}.py" for i in sorted(range(len(counts)), key=lambda i: -counts[i])]
    assert [item.fix.path for item in fixed] == [task[0] for task in tasks]
