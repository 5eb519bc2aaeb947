"""The Markdown report: machine, tools, corpora, the table of every row, the targets, notes."""

from __future__ import annotations

import contextlib
import datetime
import platform
import re
import site
from collections.abc import Sequence
from pathlib import Path

from benchmarks.base import MANY_RUNS
from benchmarks.corpora import Corpus
from benchmarks.measurements.adapters import ADAPTERS, REFERENCE_COMMIT
from benchmarks.plan import Plan
from benchmarks.results import Target
from benchmarks.timing import Command, Outcome

#: qemlflow-lint's summary on standard error: ``N findings in M files``.
SUMMARY_LINE = re.compile(r"(\d+) findings? in (\d+) files?")
#: The first line of ``fix``'s summary in a dry run: ``Would fix N findings in M files``.
FIX_SUMMARY_LINE = re.compile(r"Would fix (\d+) findings? in (\d+) files?")

#: A one-minute load average above this share of the cores at the start gets a warning.
BUSY_LOAD = 0.25


def _seconds(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def machine_line(cores: int) -> str:
    """CPU model, cores, operating system and Python."""
    model = platform.processor() or platform.machine()
    # No /proc/cpuinfo: keep what platform says.
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.lower().startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{model or 'unknown CPU'}, {cores} cores, {platform.system()}, {python}"


def render_table(outcomes: Sequence[Outcome]) -> list[str]:
    """The Markdown table of every measured command."""
    by_key = {outcome.command.key: outcome for outcome in outcomes}
    lines = [
        "| tool / configuration | corpus | files | median s | min–max s | vs reference | peak MB "
        "| findings |",
        "|---|---|--:|--:|--:|---|--:|--:|",
    ]
    for outcome in outcomes:
        command = outcome.command
        if command.kind != "wall":
            continue
        corpus = f"{command.corpus.title}"
        if not outcome.ok:
            reason = outcome.failure or "not measured"
            lines.append(
                f"| {command.label} | {corpus} | {command.corpus.files} | — | — | failed: {reason} | — | — |"
            )
            continue
        seconds = [sample.seconds for sample in outcome.samples]
        spread = f"{_seconds(min(seconds))}–{_seconds(max(seconds))}" if len(seconds) > 1 else "—"
        reference = by_key.get(command.reference) if command.reference else None
        if reference is not None and reference.ok and command.versus == "difference":
            versus = f"{(outcome.median - reference.median) * 1000:+.0f} ms vs {_short(reference.command)}"
        elif reference is not None and reference.ok:
            versus = f"{outcome.median / reference.median:.2f} × {_short(reference.command)}"
        elif command.reference is None:
            versus = "reference"
        else:
            versus = "—"
        peak = outcome.peak_mib
        is_floor = command.key.endswith((":floor", ":floor-gc", ":bare", ":bare-no-site", ":import-cli"))
        findings = "—" if is_floor else f"{outcome.samples[-1].findings:,}"
        if command.key.endswith(":qf-fix"):
            fixes = FIX_SUMMARY_LINE.search(outcome.samples[-1].stderr)
            findings = f"{int(fixes.group(1)):,} fixes in {int(fixes.group(2)):,} files" if fixes else "—"
        lines.append(
            f"| {command.label} | {corpus} | {command.corpus.files:,} | {_seconds(outcome.median)} "
            f"| {spread} "
            f"| {versus} | {'—' if peak is None else f'{peak:.0f}'} | {findings} |"
        )
    return lines


_SHORT_NAMES = {
    "floor": "parse floor",
    "qf-cold-1": "qemlflow-lint `--jobs 1`",
    "qf-cold-n": "qemlflow-lint cold",
    "ruff": "ruff",
    "flake8": "plain flake8",
    "pylint": "pylint",
    "bare": "bare start-up",
    "qf-file-cold": "qemlflow-lint `--no-cache`",
}


def render_import_table(outcomes: Sequence[Outcome]) -> list[str]:
    """The Markdown table of the adapter import rows (empty when there are none)."""
    adapters = {adapter.key: adapter for adapter in ADAPTERS}
    rows = [outcome for outcome in outcomes if outcome.command.kind == "import"]
    if not rows:
        return []
    lines = [
        "| adapter import (fresh interpreter, timed in-process) | on top of | median ms | min–max ms "
        f"| runs | modules added | before the restructuring ({REFERENCE_COMMIT}) |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for outcome in rows:
        adapter = adapters[outcome.command.key.split(":", 1)[1]]
        reference = f"{adapter.reference_ms:.2f} ms" if adapter.reference_ms > 0 else "not recorded"
        if not outcome.ok:
            lines.append(
                f"| {outcome.command.label} | `import {adapter.host}` | — | — | — | — "
                f"| failed: {outcome.failure or 'not measured'} |"
            )
            continue
        times = [sample.seconds * 1000 for sample in outcome.samples]
        modules = outcome.samples[-1].modules
        lines.append(
            f"| {outcome.command.label} | `import {adapter.host}` | {outcome.median * 1000:.2f} "
            f"| {min(times):.2f}–{max(times):.2f} | {len(times)} "
            f"| {'—' if modules is None else modules} | {reference} |"
        )
    return lines


def _short(command: Command) -> str:
    return _SHORT_NAMES.get(command.key.split(":", 1)[1], command.label)


def render_report(
    outcomes: Sequence[Outcome],
    targets: Sequence[Target],
    run_plan: Plan,
    corpora: Sequence[Corpus],
    cores: int,
    repeat: int,
    quick: bool,
    load: float | None,
) -> str:
    """The whole Markdown report: machine, versions, table, targets, notes."""
    today = datetime.date.today().isoformat()
    lines = [f"**Machine:** {machine_line(cores)}. **Date:** {today}. **Repetitions:** {repeat} (median)."]
    if run_plan.versions:
        lines.append("**Tools:** " + "; ".join(run_plan.versions) + ".")
    corpus_text = "; ".join(
        f"{c.title}: {c.files:,} file{'s' if c.files != 1 else ''}, {c.lines:,} lines"
        + (f" (left out as the library's tests and IDE: {', '.join(c.excluded)})" if c.excluded else "")
        + (f" (left out, skipped by some tool by default: {', '.join(c.left_out)})" if c.left_out else "")
        for c in corpora
    )
    lines += [f"**Corpora:** {corpus_text}.", ""]
    lines += render_table(outcomes)
    lines.append("")
    startup = start_up_note(outcomes)
    if startup:
        lines += [startup, ""]
    imports = render_import_table(outcomes)
    if imports:
        lines += [*imports, ""]
    if quick:
        lines += [
            "Targets from a `--quick` run: the corpus targets are measured on the small corpus, where",
            "start-up dominates; only a full run on the standard library says whether they are met",
            "(the one-file and adapter-import targets are measured as in a full run).",
            "",
        ]
    lines += ["| target | measured | result |", "|---|---|---|"]
    for target in targets:
        verdict = "SKIP" if target.passed is None else ("PASS" if target.passed else "FAIL")
        lines.append(f"| {target.text} | {target.measured} | **{verdict}** |")
    notes = list(run_plan.notes)
    if load is not None and load > BUSY_LOAD * cores:
        notes.insert(
            0,
            f"the machine was busy when the run started (load average {load:.2f} on "
            f"{cores} cores): other work competes for the cores and the figures are "
            "noisier than on an idle machine",
        )
    for outcome in outcomes:
        if outcome.ok and outcome.command.key.endswith(":qf-cold-1"):
            match = SUMMARY_LINE.search(outcome.samples[-1].stderr)
            if match and int(match.group(2)) != outcome.command.corpus.files:
                corpus = outcome.command.corpus
                notes.append(
                    f"qemlflow-lint analysed {match.group(2)} files of {corpus.title}, not {corpus.files}"
                )
        if outcome.ok and outcome.command.key.endswith(":ruff"):
            skipped = len(re.findall(r"Failed to lint", outcome.samples[-1].stderr))
            if skipped:
                notes.append(
                    f"ruff could not read {skipped} file(s) of {outcome.command.corpus.title} "
                    "(it reads UTF-8 only; these declare another encoding)"
                )
    if notes:
        lines += [""] + [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


def start_up_note(outcomes: Sequence[Outcome]) -> str:
    """The paragraph under the table that explains the bare start-up figure, if measured."""
    found = {o.command.key: o.median for o in outcomes if o.ok and o.command.corpus.key == "file"}
    if "file:bare" not in found:
        return ""
    folders = [Path(p) for p in getattr(site, "getsitepackages", lambda: [])()]
    pth = sorted({path.name for folder in folders if folder.is_dir() for path in folder.glob("*.pth")})
    no_site = found.get("file:bare-no-site")
    return (
        f"The bare start-up (`python -c pass`, the interpreter running this script, a fresh process) "
        f"takes {found['file:bare'] * 1000:.0f} ms here"
        + (f", {no_site * 1000:.0f} ms of it the interpreter itself (`python -S`)" if no_site else "")
        + ": the rest is `site`, which sets up site-packages and runs the `import` lines of its "
        f"`.pth` files ({len(pth)} here) "
        "at every start. That cost is part of the wall time of every Python tool. The one-file "
        'target is judged on wall time, as specified; the "vs reference" column shows each row\'s '
        f"time above the bare start-up, the part the tool itself costs. Each one-file row is the "
        f"median of {MANY_RUNS} runs, after one untimed warm-up run."
    )
