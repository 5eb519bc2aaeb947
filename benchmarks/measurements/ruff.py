"""ruff with the rules equivalent to ours, on every corpus, and the warm check held to it."""

from __future__ import annotations

from benchmarks.plan import Setup, row
from benchmarks.results import Judges, Results, Target, judged
from benchmarks.timing import Command, accept_zero
from benchmarks.tools import Tool

#: ruff's equivalents of QF001 (TID253), QF002 (ANN), QF003 (D1), QF004 (E722), QF005 (F403).
RUFF_RULES = "TID253,ANN,D1,E722,F403"


def ruff_argv(ruff: Tool, setup: Setup, path: str) -> tuple[str, ...]:
    """ruff on ``path`` with the equivalent rules, no cache and no configuration of its own."""
    return (
        *ruff.argv,
        "check",
        "--no-cache",
        "--isolated",
        "--exit-zero",
        "--output-format",
        "concise",
        "--select",
        RUFF_RULES,
        "--config",
        setup.ruff_config,
        path,
    )


def rows(setup: Setup, notes: list[str]) -> list[Command]:
    """ruff on every corpus but the one-file folder (that row is the one-file module's)."""
    if not isinstance(setup.ruff, Tool):
        return []
    reference = "qf-cold-n" if isinstance(setup.qf, Tool) else None
    return [
        row(
            corpus,
            "ruff",
            f"ruff check `--select {RUFF_RULES}` (no cache)",
            ruff_argv(setup.ruff, setup, "."),
            accept_zero,
            reference,
        )
        for corpus in setup.corpora
        if corpus.key != "file"
    ]


def warm_vs_ruff(results: Results) -> list[Target]:
    """The warm check against ruff's cold run, on the large corpus."""
    return [
        judged(
            "warm ≤ ruff's cold run",
            [results.on("qf-warm"), results.on("ruff")],
            lambda w, r: w <= r,
            lambda w, r: f"warm {w:.3f} s, ruff {r:.3f} s ({w / r:.2f} ×)",
        )
    ]


TARGETS: Judges = (warm_vs_ruff,)
