"""One small module checked on its own, as an editor or a pre-commit hook does, next to the
bare interpreter's start-up; each row the median of many runs after an untimed warm-up run
(which, for the warm row, fills the default cache at the folder's root)."""

from __future__ import annotations

import sys
from typing import Any

from benchmarks.base import MANY_RUNS
from benchmarks.measurements.ruff import RUFF_RULES, ruff_argv
from benchmarks.plan import Setup, row
from benchmarks.results import Judges, Results, Target, judged
from benchmarks.timing import Command, accept_linter, accept_zero
from benchmarks.tools import Tool

ONE_FILE_LIMIT = 0.060  # seconds of wall time for ``qemlflow-lint check FILE``

#: Imports ``module`` in a fresh interpreter with ``root`` first on ``sys.path`` (the
#: working directory dropped, as in ``LAUNCHER``): the one-file rows' ``import qemlflow_lint.cli``.
IMPORTER = (
    "import os, sys; here = os.getcwd(); "
    "sys.path[:] = [{root!r}] + [p for p in sys.path if p and os.path.abspath(p) != here]; "
    "import {module}"
)


def rows(setup: Setup, notes: list[str]) -> list[Command]:
    """The bare start-ups, the import of the CLI, the check cold and warm, and ruff."""
    corpus = next((corpus for corpus in setup.corpora if corpus.key == "file"), None)
    if corpus is None:
        return []
    name = corpus.title.split(": ", 1)[1]
    many: dict[str, Any] = {"runs": MANY_RUNS, "prepare": True}
    found = [
        row(
            corpus,
            "bare",
            "bare interpreter start-up: `python -c pass`",
            (sys.executable, "-c", "pass"),
            accept_zero,
            **many,
        ),
        row(
            corpus,
            "bare-no-site",
            "the same without `site`: `python -S -c pass` (for reference)",
            (sys.executable, "-S", "-c", "pass"),
            accept_zero,
            "bare",
            versus="difference",
            **many,
        ),
        row(
            corpus,
            "import-cli",
            '`python -c "import qemlflow_lint.cli"` (this checkout)',
            (sys.executable, "-c", IMPORTER.format(root=str(setup.code), module="qemlflow_lint.cli")),
            accept_zero,
            "bare",
            versus="difference",
            **many,
        ),
    ]
    if isinstance(setup.qf, Tool):
        found += [
            row(
                corpus,
                "qf-file-cold",
                f"qemlflow-lint check {name}, `--no-cache`",
                (*setup.qf.argv, "check", "--no-cache", name),
                accept_linter,
                "bare",
                versus="difference",
                **many,
            ),
            row(
                corpus,
                "qf-file-warm",
                f"qemlflow-lint check {name}, default cache warm",
                (*setup.qf.argv, "check", name),
                accept_linter,
                "bare",
                versus="difference",
                **many,
            ),
        ]
    if isinstance(setup.ruff, Tool):
        found.append(
            row(
                corpus,
                "ruff-file",
                f"ruff check {name} `--select {RUFF_RULES}` (no cache)",
                ruff_argv(setup.ruff, setup, name),
                accept_zero,
                "qf-file-cold" if isinstance(setup.qf, Tool) else None,
                **many,
            )
        )
    return found


def _one_file(results: Results, key: str, what: str) -> Target:
    bare = results.on("bare", "file")
    return judged(
        f"`check FILE` of one small file ≤ {ONE_FILE_LIMIT * 1000:.0f} ms wall, {what}",
        [results.on(key, "file"), bare],
        lambda t, b: t <= ONE_FILE_LIMIT,
        lambda t, b: (
            f"{t * 1000:.0f} ms wall (median of {MANY_RUNS}); {(t - b) * 1000:.0f} ms above "
            f"the bare start-up of {b * 1000:.0f} ms"
        ),
    )


def one_file_cold(results: Results) -> list[Target]:
    """One small file checked with ``--no-cache``, in wall time."""
    return [_one_file(results, "qf-file-cold", "`--no-cache`")]


def one_file_warm(results: Results) -> list[Target]:
    """One small file checked with the default cache warm, in wall time."""
    return [_one_file(results, "qf-file-warm", "default cache warm")]


TARGETS: Judges = (one_file_cold, one_file_warm)
