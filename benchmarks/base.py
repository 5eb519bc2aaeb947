"""The few names every benchmark module shares: where the checkout is, the error that stops a
run, progress on standard error, and how often the short rows run."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_VENV_DIR = REPO / "benchmarks" / ".venvs"
#: Timed runs of every one-file and adapter-import row, after one untimed warm-up run,
#: whatever ``--repeat`` says: they are short and noisy, so their median needs many runs.
MANY_RUNS = 21


class BenchmarkError(Exception):
    """Something the benchmark cannot work around; the message says what."""


def progress(text: str) -> None:
    """One line of progress on standard error (the report goes to standard output)."""
    print(text, file=sys.stderr, flush=True)
