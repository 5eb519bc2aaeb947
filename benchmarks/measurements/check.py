"""``qemlflow-lint check`` (cold on one core and on all, warm) and ``fix``'s dry run on every
corpus, and the targets that hold them to the parse floor, to each other and to memory."""

from __future__ import annotations

from benchmarks.plan import Setup, row
from benchmarks.results import Judges, Results, Target, judged
from benchmarks.timing import Command, accept_linter
from benchmarks.tools import Tool

COLD_VS_FLOOR = 1.5  # cold ``--jobs 1`` over the gc-paused parse floor (the specification's)
CORES_SPEEDUP = 1.6  # cold on all cores over ``--jobs 1``
PEAK_MIB = 150  # the largest single process of a CLI run
COLD_VS_GC_FLOOR = 1.4  # cold ``--jobs 1`` over the gc-on parse floor, on stdlib-lib
FIX_VS_COLD = 5.0  # ``fix --diff --unsafe-fixes`` over the cold check, on a library's code


def rows(setup: Setup, notes: list[str]) -> list[Command]:
    """The four CLI rows on every corpus but the one-file folder (none when the CLI cannot run)."""
    if not isinstance(setup.qf, Tool):
        return []
    check = (*setup.qf.argv, "check")
    found = []
    cores = setup.cores
    for corpus in setup.corpora:
        if corpus.key == "file":
            continue
        found += [
            row(
                corpus,
                "qf-cold-1",
                "qemlflow-lint check, cold, `--jobs 1 --no-cache`",
                (*check, "--jobs", "1", "--no-cache", "."),
                accept_linter,
                "floor",
            ),
            row(
                corpus,
                "qf-cold-n",
                f"qemlflow-lint check, cold, `--no-cache` (all {cores} cores)",
                (*check, "--no-cache", "."),
                accept_linter,
                "qf-cold-1",
            ),
            row(
                corpus,
                "qf-warm",
                f"qemlflow-lint check, warm cache (all {cores} cores)",
                (*check, "--cache-dir", str(setup.work / f"cache-{corpus.key}"), "."),
                accept_linter,
                "ruff" if isinstance(setup.ruff, Tool) else "qf-cold-n",
                prepare=True,
            ),
            row(
                corpus,
                "qf-fix",
                f"qemlflow-lint fix `--diff --unsafe-fixes --no-cache` (dry run, all {cores} cores)",
                (*setup.qf.argv, "fix", "--diff", "--unsafe-fixes", "--no-cache", "."),
                accept_linter,
                "qf-cold-n",
            ),
        ]
    return found


def cold_vs_floor(results: Results) -> list[Target]:
    """Cold ``--jobs 1`` against the gc-paused parse floor, on the large corpus."""
    return [
        judged(
            f"cold `--jobs 1` ≤ {COLD_VS_FLOOR} × the parse floor",
            [results.on("qf-cold-1"), results.on("floor"), results.on("floor-gc")],
            lambda c, f, g: c <= COLD_VS_FLOOR * f,
            lambda c, f, g: (
                f"{c:.2f} s = {c / f:.2f} × floor {f:.2f} s (gc paused; {c / g:.2f} × the gc-on floor)"
            ),
        )
    ]


def all_cores(results: Results) -> list[Target]:
    """All cores against one, cold, on the large corpus."""
    return [
        judged(
            f"cold on all cores ≥ {CORES_SPEEDUP} × faster than `--jobs 1`",
            [results.on("qf-cold-1"), results.on("qf-cold-n")],
            lambda a, b: a / b >= CORES_SPEEDUP,
            lambda a, b: f"{a:.2f} s / {b:.2f} s = {a / b:.2f} ×",
        )
    ]


def peak_memory(results: Results) -> list[Target]:
    """The largest single process over the CLI rows of the large corpus."""
    keys = [f"{results.large}:{key}" for key in ("qf-cold-1", "qf-cold-n", "qf-warm")]
    peaks = [results.by_key[key].peak_mib for key in keys if key in results.by_key]
    known = [p for p in peaks if p is not None]
    return [
        judged(
            f"CLI peak memory ≤ {PEAK_MIB} MB per process",
            [max(known) if known else None],
            lambda p: p <= PEAK_MIB,
            lambda p: f"{p:.0f} MB (largest single process over the CLI runs)",
        )
    ]


def cold_vs_gc_floor(results: Results) -> list[Target]:
    """Cold ``--jobs 1`` against the gc-on floor on stdlib-lib (the small corpus in a
    ``--quick`` run, where the figure is only indicative); the full stdlib's ratio beside it."""
    library = "stdlib-lib" if "stdlib-lib:floor-gc" in results.by_key else results.large
    full = ""
    c2, g2 = results.on("qf-cold-1", "stdlib"), results.on("floor-gc", "stdlib")
    if library != "stdlib" and c2 is not None and g2 is not None:
        full = f"; full {results.titles['stdlib']}: {c2:.2f} s / {g2:.2f} s = {c2 / g2:.2f} ×"
    return [
        judged(
            f"cold `--jobs 1` ≤ {COLD_VS_GC_FLOOR} × the parse floor with the gc on (stdlib without tests)",
            [results.on("qf-cold-1", library), results.on("floor-gc", library)],
            lambda c, g: c <= COLD_VS_GC_FLOOR * g,
            lambda c, g: (
                f"{c:.2f} s = {c / g:.2f} × gc-on floor {g:.2f} s on {results.titles[library]}{full}"
            ),
        )
    ]


def fix_vs_cold(results: Results) -> list[Target]:
    """``fix``'s dry run against the cold check on the same corpus.

    It is judged on the ``--corpus`` folders (a library's code), else on the large corpus; the
    other corpora's ratios follow for information (the standard library is the unflattering
    yardstick: thousands of QF002 findings, most of them left)."""
    titles = results.titles
    fix_corpora = [
        corpus
        for corpus in titles
        if results.on("qf-fix", corpus) is not None and results.on("qf-cold-n", corpus) is not None
    ]
    judged_on = [corpus for corpus in fix_corpora if corpus.startswith("folder-")] or [results.large]

    def ratio(corpus: str) -> str:
        fix_s, cold_s = results.on("qf-fix", corpus), results.on("qf-cold-n", corpus)
        assert fix_s is not None and cold_s is not None
        return f"{titles[corpus]}: {fix_s:.2f} s / {cold_s:.2f} s = {fix_s / cold_s:.1f} ×"

    others = [ratio(corpus) for corpus in fix_corpora if corpus not in judged_on]
    aside = f" (for information: {'; '.join(others)})" if others else ""
    return [
        judged(
            f"`fix --diff --unsafe-fixes` ≤ {FIX_VS_COLD:g} × the cold check (all cores, no cache), "
            f"{titles.get(corpus, corpus)}",
            [results.on("qf-fix", corpus), results.on("qf-cold-n", corpus)],
            lambda f, c: f <= FIX_VS_COLD * c,
            lambda f, c: f"{f:.2f} s = {f / c:.1f} × cold {c:.2f} s{aside}",
        )
        for corpus in judged_on
    ]


TARGETS: Judges = (cold_vs_floor, all_cores, peak_memory, cold_vs_gc_floor, fix_vs_cold)
