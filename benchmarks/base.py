"""The few names every benchmark module shares: where the checkout is and how it is copied
for installing, the error that stops a run, progress on standard error, and how often the
short rows run."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_VENV_DIR = REPO / "benchmarks" / ".venvs"
#: Timed runs of every one-file and adapter-import row, after one untimed warm-up run,
#: whatever ``--repeat`` says: they are short and noisy, so their median needs many runs.
MANY_RUNS = 21
#: The project's files that ``pip install`` needs (copied, so the checkout gets no build/).
PROJECT_FILES = ("pyproject.toml", "README.md", "qemlflow_lint")


class BenchmarkError(Exception):
    """Something the benchmark cannot work around; the message says what."""


def progress(text: str) -> None:
    """One line of progress on standard error (the report goes to standard output)."""
    print(text, file=sys.stderr, flush=True)


def copy_project(repo: Path, copy: Path) -> None:
    """Copy the :data:`PROJECT_FILES` of the checkout ``repo`` into the folder ``copy``
    (bytecode left out)."""
    for name in PROJECT_FILES:
        path = repo / name
        if not path.exists():
            raise BenchmarkError(f"{repo} is not a qemlflow-lint checkout: {name} is missing")
        if path.is_dir():
            shutil.copytree(path, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            copy.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy / name)
