"""What ``fix`` tells the user: one line per fixed, partly fixed or left finding, a summary
that counts only the findings fixed completely and groups what was left by its reason
("left 12: used at module level (5), …"), and the measured import of each entry point the
fix changes ("import pkg: 1,390 ms → 104 ms …")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from qemlflow_lint.fix.annotation_types.return_types import NOT_MAPPED
from qemlflow_lint.fix.apply import FileFix
from qemlflow_lint.fix.import_deferral.callers import reason_phrase
from qemlflow_lint.fix.import_deferral.closure import EntryOutcome
from qemlflow_lint.fix.import_deferral.project_plan import STAYS_ANYWAY
from qemlflow_lint.fix.model import SAFE, Applied, Left
from qemlflow_lint.fix.on_disk import FixRun, file_diff
from qemlflow_lint.fix.speedup import Projection, Speedup, Unmeasured
from qemlflow_lint.measure.figures import ImportFigures
from qemlflow_lint.model.paths import display_path
from qemlflow_lint.model.printable import printable
from qemlflow_lint.model.words import plural
from qemlflow_lint.run.workers import current

#: Two medians closer than this ratio are "about the same": runs vary by that much.
SAME_TIME = 1.1
#: The separator of a QF101 message's hops (``a.py:3 → b.py:5 → torch``).
_HOP = " → "


def chains_by_fix(chains: Iterable[tuple[str, str]]) -> dict[tuple[str, int], list[tuple[str, str]]]:
    """The QF101 findings ``(path, message)`` that disappear, by the statement whose fix cut
    them: the chain's last hop before the heavy module (``path``, ``line``)."""
    cut: dict[tuple[str, int], list[tuple[str, str]]] = {}
    for path, message in chains:
        hops = message.rsplit(": ", 1)[-1].split(_HOP)
        where, _, line = hops[-2].rpartition(":") if len(hops) > 1 else ("", "", "")
        if line.isdigit():
            cut.setdefault((where, int(line)), []).append((path, message))
    return cut


def finding_lines(fixes: Iterable[FileFix], chains: Iterable[tuple[str, str]] = ()) -> str:
    """``path:line:col: CODE fixed (safe): what`` and ``… CODE left: why`` lines, by
    file and position; a QF001 fix names the QF101 ``chains`` it removes."""
    removed = chains_by_fix(chains)
    lines = []
    for fix in fixes:
        path = display_path(fix.path)
        rows = [
            (
                a.finding,
                f"{'fixed' if a.complete else 'partly fixed'} ({a.applicability}): "
                f"{a.what}{_removes(removed, fix.path, a)}",
            )
            for a in fix.applied
        ]
        rows += [(left.finding, f"left: {left.reason}") for left in fix.left]
        for finding, text in sorted(rows, key=lambda row: (row[0].line, row[0].col, row[0].code)):
            lines.append(f"{printable(path)}:{finding.line}:{finding.col + 1}: {finding.code} {text}\n")
    return "".join(lines)


def _removes(removed: dict[tuple[str, int], list[tuple[str, str]]], path: str, fix: Applied) -> str:
    count = len(removed.get((path, fix.finding.line), ())) if fix.finding.code == "QF001" else 0
    return f"; removes {plural(count, 'QF101 chain')}" if count else ""


def unified_diff(fixes: Iterable[FileFix]) -> str:
    """The changes as one unified diff, file by file (``a/``/``b/`` paths, as git shows); a
    line ended by a lone ``\\r`` keeps it. A fix made with
    :attr:`~qemlflow_lint.fix.apply.FixOptions.diff` brings its diff; the others are
    compared here, on the command's worker processes within
    :func:`~qemlflow_lint.run.workers.shared_workers` (a diff costs less than starting a
    pool for it)."""
    changed = [fix for fix in fixes if fix.changed]
    missing = [(fix.path, fix.original, fix.fixed) for fix in changed if not fix.diff]
    workers = current()
    if workers is None or len(missing) < 2:
        made = _file_diffs(missing)
    else:
        made = workers.map(_file_diffs, [[item] for item in missing], [[path] for path, _, _ in missing])
    compared = iter(made)
    return "".join(fix.diff or next(compared) for fix in changed)


def _file_diffs(changed: Sequence[tuple[str, str, str]]) -> list[str]:
    """The diff of each ``(path, original, fixed)``."""
    return [file_diff(path, original, fixed) for path, original, fixed in changed]


#: How many of a rule's reasons the summary names; the rest are counted together.
SHOWN_REASONS = 8
#: How many of the documented types the fix does not map the summary names.
SHOWN_WORDS = 3


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _not_mapped(counts: Counter[str]) -> str:
    """The documented types the fix does not map, as one reason with its count: the
    commonest named."""
    words = _ranked(counts)
    named = ", ".join(f"{text} {count}" for text, count in words[:SHOWN_WORDS])
    rest = len(words) - SHOWN_WORDS
    more = f" and {rest} more" if rest > 0 else ""
    return f"documented as a type the fix does not map ({sum(counts.values())}: {named}{more})"


def grouped_reasons(reasons: Sequence[str]) -> str:
    """The reasons of one rule by how often they are given, commonest first: the documented
    types the fix does not map make one reason, and past :data:`SHOWN_REASONS` the rest
    are counted together."""
    counts: Counter[str] = Counter()
    unmapped: Counter[str] = Counter()
    for reason in map(reason_phrase, reasons):
        if reason.startswith("documented as `") and reason.endswith(NOT_MAPPED):
            unmapped[reason[len("documented as ") : -len(NOT_MAPPED)]] += 1
        else:
            counts[reason] += 1
    ranked = [(f"{reason} ({count})", count) for reason, count in _ranked(counts)]
    if unmapped:
        ranked.append((_not_mapped(unmapped), sum(unmapped.values())))
        ranked.sort(key=lambda item: -item[1])
    shown = [text for text, _ in ranked[:SHOWN_REASONS]]
    rest = ranked[SHOWN_REASONS:]
    if rest:
        shown.append(f"{plural(len(rest), 'other reason')} ({sum(count for _, count in rest)})")
    return ", ".join(shown)


def packages(gone: Sequence[str], staying: Sequence[str]) -> list[str]:
    """Heavy modules as a reader wants them: ``scipy`` rather than its eight submodules when
    none of scipy stays, the submodules when some of it does."""
    by_package: dict[str, list[str]] = {}
    for name in gone:
        by_package.setdefault(name.split(".", 1)[0], []).append(name)
    shown: list[str] = []
    for package, names in sorted(by_package.items()):
        if any(other == package or other.startswith(package + ".") for other in staying):
            shown.extend(sorted(names))
        else:
            shown.append(package)
    return shown


def outcome_lines(outcomes: Sequence[EntryOutcome], left: Sequence[Left]) -> list[str]:
    """What each entry point's import loads no longer, and what keeps the heavy modules
    that stay: ``import pkg: pandas, scipy no longer loaded``, ``numpy stays in `import
    pkg`: pkg/tools.py:10 (used at module level) and 2 more; deferring the other 195 imports
    would save nothing``."""
    lines: list[str] = []
    for outcome in outcomes:
        if not outcome.before:
            continue
        if outcome.gone:
            lines.append(
                f"import {outcome.entry}: {', '.join(packages(outcome.gone, outcome.after))} no longer loaded."
            )
        for heavy in outcome.after:
            blockers = [b for b in outcome.blockers if b.heavy == heavy]
            reason = STAYS_ANYWAY.format(heavy=heavy, entry=outcome.entry)
            idle = sum(1 for item in left if item.reason == reason)
            where = ", ".join(f"{display_path(b.path)}:{b.line} ({b.reason})" for b in blockers[:1])
            more = f" and {len(blockers) - 1} more" if len(blockers) > 1 else ""
            text = f"{heavy} stays in `import {outcome.entry}`"
            text += f": {where}{more}" if where else ""
            if idle:
                text += f"; deferring the other {plural(idle, 'import')} would save nothing"
            lines.append(text + ".")
    return lines


def summary(run: FixRun, *, dry_run: bool) -> str:
    """The lines for standard error: what was (or would be) fixed, what was left and why,
    grouped by rule and reason, the files not written or whose fix failed its proof, and
    the QF101 chains that disappear."""
    applied = [fix for file in run.files if file.changed for fix in file.applied if fix.complete]
    # A partial edit (a def that still misses annotations) leaves its finding reported: it
    # is counted apart, never as fixed.
    partly = sum(1 for file in run.files if file.changed for fix in file.applied if not fix.complete)
    changed = [file for file in run.files if file.changed]
    verb = "Would fix" if dry_run else "Fixed"
    safe = sum(1 for fix in applied if fix.applicability == SAFE)
    split = f"{safe} safe, {len(applied) - safe} unsafe"
    # Fixes and findings differ when a fix leaves its finding smaller, or one fix removes
    # several findings (a QF001 fix takes QF101 chains with it).
    fixes = (
        f" ({split})" if len(applied) == run.fixed else f" ({plural(len(applied), 'fix', 'fixes')}: {split})"
    )
    lines = [
        f"{verb} {plural(run.fixed, 'finding')} in {plural(len(changed), 'file')}"
        + (fixes if applied else "")
        + "."
    ]
    if partly:
        lines.append(
            f"{'Would partly fix' if dry_run else 'Partly fixed'} {plural(partly, 'more finding')}, "
            "still reported: annotations added, the rest left (below)."
        )
    left = [left for file in run.files for left in file.left]
    if left:
        lines.append(f"Left {len(left)}:")
        for code in sorted({item.finding.code for item in left}):
            reasons = [item.reason for item in left if item.finding.code == code]
            lines.append(f"  {code} ({len(reasons)}): {grouped_reasons(reasons)}")
    if run.more_unsafe:
        lines.append(f"{plural(run.more_unsafe, 'more fix', 'more fixes')} available with --unsafe-fixes.")
    for file in run.files:
        if file.refused:
            lines.append(f"Not fixed: {display_path(file.path)}: {file.refused}")
    lines.extend(f"Not written: {display_path(u.path)}: {u.reason}" for u in run.unwritten)
    if run.unreadable:
        lines.append(f"Skipped {plural(len(run.unreadable), 'file')} that cannot be parsed (QF000).")
    lines.extend(outcome_lines(run.outcomes, left))
    if run.chains_gone:
        lines.append(f"QF101 chains that disappear ({len(run.chains_gone)}):")
        for (where, line), chains in sorted(chains_by_fix(run.chains_gone).items()):
            lines.append(f"  with the fix of {display_path(where)}:{line}:")
            lines.extend(f"    {display_path(path)}: {message}" for path, message in chains)
    return "".join(line + "\n" for line in lines)


def milliseconds(microseconds: float) -> str:
    """A time for the report line: whole milliseconds with thousands separators from 100 ms
    (``1,390 ms``), one decimal below (``4.3 ms``)."""
    ms = microseconds / 1000
    return f"{ms:,.0f} ms" if ms >= 100 else f"{ms:.1f} ms"


def _factor(before: ImportFigures, after: ImportFigures) -> str:
    """How much faster the import got; a time at or below zero is one the bare
    interpreter's start-up (subtracted) hides, and has no ratio."""
    if after.median_us <= 0:
        return "now within the start-up noise"
    if before.median_us <= 0:
        return "within the start-up noise before too"
    ratio = before.median_us / after.median_us
    if 1 / SAME_TIME < ratio < SAME_TIME:
        return "about the same"
    return f"{ratio:,.1f}× faster" if ratio > 1 else f"{1 / ratio:,.1f}× slower"


def _files(paths: Sequence[str]) -> str:
    shown = ", ".join(display_path(path) for path in paths[:5])
    return shown + (f" and {len(paths) - 5} more" if len(paths) > 5 else "") if paths else "no file"


def _modules(names: Sequence[str]) -> str:
    """``names`` without the submodules of a package that is listed too: ``pandas, scipy``
    rather than ``pandas, scipy, scipy.linalg, scipy.special``."""
    return ", ".join(n for n in names if not any(n.startswith(other + ".") for other in names))


def speedup_lines(found: Sequence[Speedup], *, dry_run: bool) -> list[str]:
    """One line per measured entry point: ``import pkg: 1,390 ms → 104 ms (13.4× faster),
    1,302 → 139 modules; pandas, scipy no longer loaded``; why it was not measured; or, loudly,
    that the fix breaks it."""
    lines: list[str] = []
    for speedup in found:
        entry, before, after = speedup.outcome.entry, speedup.before, speedup.after
        if isinstance(before, Unmeasured):
            why = f"it does not import here ({before.reason})" if before.import_failed else before.reason
            lines.append(f"import {entry}: not measured: {why}")
        elif speedup.broken and isinstance(after, Unmeasured):
            if dry_run:
                lines.append(
                    f"qemlflow-lint: error: `import {entry}` works now and would fail after the fix "
                    f"({after.reason}); the fix would change {_files(speedup.files)}: keep the import "
                    "that is needed while the package is imported with `# noqa: QF001`"
                )
            else:
                lines.append(
                    f"qemlflow-lint: error: `import {entry}` worked before the fix and failed after it "
                    f"({after.reason}); the fix changed {_files(speedup.files)}: keep the import "
                    "that is needed while the package is imported with `# noqa: QF001`"
                )
        elif not isinstance(after, ImportFigures):
            why = after.reason if after is not None else "nothing to compare with"
            took = milliseconds(before.median_us)
            lines.append(f"import {entry}: {took} before the fix; after it not measured: {why}")
        else:
            text = (
                f"import {entry}: {milliseconds(before.median_us)} → {milliseconds(after.median_us)} "
                f"({_factor(before, after)}), {before.modules:,} → {after.modules:,} modules"
            )
            if speedup.no_longer_loaded:
                text += f"; {_modules(speedup.no_longer_loaded)} no longer loaded"
            if speedup.still_loaded:
                text += f"; {_modules(speedup.still_loaded)} still loaded (the import graph does not show what loads it)"
            lines.append(text)
    return lines


def projection_lines(found: Sequence[Projection]) -> list[str]:
    """``--diff``'s projection, for the entry points with figures kept: ``import pkg:
    1,390 ms and 1,302 modules by the last measurement; pandas, scipy would no longer load``
    (the others have the summary's line from the graph alone)."""
    return [
        f"import {p.outcome.entry}: {milliseconds(p.last.median_us)} and {p.last.modules:,} modules by the "
        f"last measurement; {_modules(p.outcome.gone)} would no longer load"
        for p in found
        if p.last is not None
    ]
