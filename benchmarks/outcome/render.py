"""The Markdown report: a table per library, the details of each mode, the verdict."""

from __future__ import annotations

import argparse
import datetime
import os
import platform
from collections.abc import Mapping, Sequence
from pathlib import Path

from benchmarks.outcome.environment import run
from benchmarks.outcome.libraries import COUNTED_RULES, LISTED, SPEED_TARGET
from benchmarks.outcome.library import LibraryReport
from benchmarks.outcome.results import ImportFigures, SuiteRun
from benchmarks.outcome.verdict import flaky_tests


def _cell_findings(findings: Mapping[str, int] | None, base: Mapping[str, int] | None) -> str:
    if findings is None:
        return "—"
    parts = []
    for code in COUNTED_RULES:
        if base is None or base.get(code) == findings[code]:
            parts.append(f"{code} {findings[code]:,}")
        else:
            parts.append(f"{code} {base[code]:,} → {findings[code]:,}")
    return ", ".join(parts)


def _cell_cpu(figures: ImportFigures, base: ImportFigures) -> str:
    cpu, base_cpu = figures.median_cpu_ms, base.median_cpu_ms
    if cpu is None or base_cpu is None:
        return "—"
    return f"{cpu:,.0f} ({base_cpu / cpu:.2f} ×)" if cpu > 0 else f"{cpu:,.0f}"


def _cell_tests(runs: Sequence[SuiteRun]) -> str:
    first = runs[0]
    text = f"{first.count('passed'):,} / {first.count('failed', 'error'):,} / {first.count('skipped', 'xfailed'):,}"
    return text if first.exit_code in (0, 1) else f"{text} (pytest exit {first.exit_code})"


def render_library(report: LibraryReport, runs: int, baseline_rounds: int) -> tuple[str, list[str], bool]:
    """The Markdown of one library, its targets' lines, and whether every mode kept it whole."""
    library, results = report.library, report.results
    base = results[0]
    versions = ", ".join(f"{root} {version}" for root, version in sorted(base.api.versions.items()))
    lines = [
        f"### {library.requirement} — `import {library.module}`",
        "",
        f"Why: {library.why}. Source: `{report.sdist}`; tests: `python -m pytest "
        f"{' '.join(library.test_paths)}` ({', '.join(library.test_requirements)}); Python {report.python}; "
        f"{report.tool}; heavy packages its modules load: {versions or 'none'}.",
        "",
        f"| mode | `import {library.module}` median ms (min–max) | × faster | CPU ms (× faster) "
        "| modules | heavy modules loaded "
        "| tests passed / failed / skipped | tests changed | modules broken / own names lost "
        "| findings | .py files changed |",
        "|---|--:|--:|--:|--:|---|--:|--:|--:|---|--:|",
    ]
    whole = True
    targets: list[str] = []
    for result in results:
        figures = result.importing
        faster = base.importing.median_ms / figures.median_ms if figures.median_ms > 0 else float("inf")
        comparison = report.comparisons.get(result.mode.key)
        if comparison is None:
            changed, broken = "—", "—"
        else:
            changed = f"{len(comparison.changed_tests):,}"
            broken = f"{len(comparison.broken_modules)} / {len(comparison.own_names_lost)}"
            whole = whole and comparison.whole
        lines.append(
            f"| {result.mode.label} | {figures.median_ms:,.0f} ({min(figures.runs_ms):,.0f}–"
            f"{max(figures.runs_ms):,.0f}) | {faster:.2f} × | {_cell_cpu(figures, base.importing)} | "
            f"{figures.modules:,} | "
            f"{', '.join(figures.heavy) or 'none'} | {_cell_tests(result.tests)} | {changed} | {broken} | "
            f"{_cell_findings(result.findings, base.findings if result is not base else None)} | "
            f"{result.files_changed:,} |"
        )
        if result.mode.key == "unsafe":
            verdict = "**PASS**" if faster >= SPEED_TARGET else "**FAIL**"
            targets.append(
                f"| {library.key}: `fix --unsafe-fixes` makes `import {library.module}` ≥ {SPEED_TARGET:g} × "
                f"faster | {base.importing.median_ms:,.0f} ms → {figures.median_ms:,.0f} ms = {faster:.2f} × "
                f"| {verdict} |"
            )
        if comparison is not None:
            verdict = "**PASS**" if comparison.whole else "**FAIL**"
            what = (
                f"{len(comparison.changed_tests)} tests changed, {len(comparison.broken_modules)} modules "
                f"broken, {len(comparison.own_names_lost)} own names lost"
            )
            targets.append(
                f"| {library.key}: {result.mode.label} keeps the library whole | {what} | {verdict} |"
            )
    lines.append("")
    lines += _details(report, runs, baseline_rounds)
    return "\n".join(lines) + "\n", targets, whole


def _listed(items: Sequence[str]) -> list[str]:
    shown = [f"  - {item}" for item in items[:LISTED]]
    if len(items) > LISTED:
        shown.append(f"  - … and {len(items) - LISTED} more")
    return shown


def _details(report: LibraryReport, runs: int, baseline_rounds: int) -> list[str]:
    base = report.results[0]
    flaky = sorted(flaky_tests([run.outcomes for run in base.tests]))
    lines = [
        f"- Import: the cumulative time of `{report.library.module}`'s own line in `python -X importtime "
        f'-c "import {report.library.module}"`, median of {runs} fresh interpreters after a warm-up '
        "round, the modes taking turns; CPU: the process's user + system time less a bare "
        "interpreter's (median); modules: the rows of that import (the package included).",
        f"- Tests of the untouched source: {', '.join(f'{run.seconds:.0f} s' for run in base.tests)} "
        f"({baseline_rounds} run(s)); "
        + (f"{len(flaky)} flaky (left out of the comparison):" if flaky else "none flaky."),
    ]
    lines += _listed(flaky)
    for result in report.results[1:]:
        comparison = report.comparisons[result.mode.key]
        took = f"{result.fix_seconds:.1f} s" if result.fix_seconds is not None else "—"
        lines.append(
            f"- {result.mode.label}: exit {result.fix_exit}, {took}; {result.fix_summary or 'no summary'}"
        )
        for note in result.notes:
            lines.append(f"  - note: {note}")
        if comparison.changed_tests:
            lines.append(f"  - tests whose outcome changed ({len(comparison.changed_tests)}):")
            lines += [
                "  " + item for item in _listed([f"`{t}`: {a} → {b}" for t, a, b in comparison.changed_tests])
            ]
        if comparison.broken_modules:
            lines.append(f"  - modules that no longer import ({len(comparison.broken_modules)}):")
            lines += ["  " + item for item in _listed([f"`{m}`: {e}" for m, e in comparison.broken_modules])]
        if comparison.own_names_lost:
            lines.append(
                f"  - public names of the library no longer readable ({len(comparison.own_names_lost)}):"
            )
            lines += ["  " + item for item in _listed([f"`{n}`: {e}" for n, e in comparison.own_names_lost])]
        if comparison.imported_names_gone:
            lines.append(
                f"  - imported names no longer in a module's namespace: {comparison.imported_names_gone} "
                "(deferred imports; not counted as breakage)"
            )
    return [*lines, ""]


def render_report(
    reports: Sequence[LibraryReport], args: argparse.Namespace, repo: Path, load: float | None
) -> tuple[str, bool]:
    """The whole Markdown report, and whether every library stayed whole in every mode."""
    commit = run(["git", "-C", repo, "describe", "--always", "--dirty"], repo).stdout.strip() or "unknown"
    extra = " ".join(args.fix_arg)
    header = [
        "## `fix` judged by its outcome",
        "",
        f"**Date:** {datetime.date.today().isoformat()}. **qemlflow-lint:** checkout at {commit}. "
        f"**Machine:** {platform.machine()}, {os.cpu_count()} cores, {platform.system()}. "
        f"**Import runs:** {args.runs} (median). "
        + (f"**Load average at the start:** {load:.2f}. " if load is not None else "")
        + (f"**Extra fix options:** `{extra}`. " if extra else ""),
        "",
        "",
    ]
    body: list[str] = []
    targets: list[str] = []
    whole = True
    for report in reports:
        text, lines, kept = render_library(report, args.runs, args.baseline_test_runs)
        body.append(text)
        targets += lines
        whole = whole and kept
    table = ["| target | measured | result |", "|---|---|---|", *targets, ""] if targets else []
    return "\n".join(header) + "\n".join(body) + "\n".join(table), whole
