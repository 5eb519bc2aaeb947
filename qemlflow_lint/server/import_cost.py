"""What each heavy import of a buffer costs, for the editor: the label of an inlay hint (and of
a code lens) at the end of the import's line.

The figures come from the last ``importtime`` measurements the project keeps in its cache
folder (:mod:`qemlflow_lint.measure.last_measured`): for each heavy or costly module that
``importtime`` blamed on a first-party import line, the milliseconds that line costs (what
deferring it saves) and how many modules it loads. Nothing is measured here: an import of a
heavy module that no kept measurement blamed reads "heavy (not measured)", and the server's
``qemlflow-lint.measureImportTime`` command measures on demand, in a child process.

Only the imports that run when the module is imported get a label (the records QF001,
QF101 and ``importtime``'s blame share): an import inside a function costs nothing until the
function runs. Everything here is a pure function of the buffer's path and text, its
settings, and the figures read once per measurement, so the server and the tests call the
same code.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import NamedTuple

from qemlflow_lint.analysis.source import split_lines
from qemlflow_lint.measure.figures import ImportFigures
from qemlflow_lint.measure.last_measured import DATABASE, Kept, open_kept
from qemlflow_lint.model.findings import RawImport
from qemlflow_lint.model.modules import find_packages
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.model.words import plural
from qemlflow_lint.run.cache import CACHE_DIRNAME
from qemlflow_lint.run.file import analyse_source

#: What an import of a heavy module that no kept measurement blames reads.
NOT_MEASURED = "heavy (not measured)"
#: The most heavy modules a label names after the count of modules loaded.
NAMED_AT_MOST = 3


class LineCost(NamedTuple):
    """What one import line that ``importtime`` blamed costs, as measured."""

    #: The heavy or costly module the line loads first (``pandas``).
    module: str
    #: Milliseconds: the median cumulative time of the import line (what deferring it saves).
    ms: float
    #: How many modules the line loads (the module itself included); None when not kept.
    modules: int | None
    #: The configured heavy entries it loads besides its own.
    brings_in: tuple[str, ...]
    #: The measured import (``importtime MODULE``) and when (seconds since the epoch).
    measured_import: str
    measured_at: float


class KeptCosts(NamedTuple):
    """The project's kept measurements, read once: the costliest line blamed per module."""

    costs: tuple[LineCost, ...] = ()

    def cost_of(self, module: str) -> LineCost | None:
        """The cost measured for an import of ``module``: the blamed module itself, else the
        package it belongs to (``sklearn`` for ``sklearn.linear_model``), else the blamed
        submodule of it that costs the most; None when nothing kept names it."""
        by_name = {cost.module: cost for cost in self.costs}
        parts = module.split(".")
        for end in range(len(parts), 0, -1):
            found = by_name.get(".".join(parts[:end]))
            if found is not None:
                return found
        inside = [cost for cost in self.costs if cost.module.startswith(module + ".")]
        return max(inside, key=lambda cost: cost.ms, default=None)


class ImportCost(NamedTuple):
    """The label of one heavy import of a buffer, and where it goes (0-based, as LSP counts)."""

    line: int
    #: The end of the import's first line: an inlay hint goes after the code.
    character: int
    #: The heavy module imported, as written (``torch.nn``).
    module: str
    label: str
    #: The longer text of the hint's tooltip (what was measured, when, how to measure again).
    tooltip: str
    #: The measured milliseconds; None when not measured.
    ms: float | None


def _costs_of(kept: Kept) -> list[LineCost]:
    figures: ImportFigures = kept.figures
    if figures.saving_us is None:
        return []
    blamed = {entry.module: entry for entry in figures.blamed}
    costs = []
    for module, saving_us in figures.saving_us:
        entry = blamed.get(module)
        costs.append(
            LineCost(
                module,
                saving_us / 1000,
                None if entry is None else entry.modules,
                () if entry is None else entry.brings_in,
                figures.module,
                kept.measured,
            )
        )
    return costs


def read_kept_costs(cache_dir: str) -> KeptCosts:
    """Every kept measurement in ``cache_dir`` (nothing when none was ever kept there): for
    each blamed module, its most recent figures."""
    store = open_kept(cache_dir)
    if store is None:
        return KeptCosts()
    try:
        kept = store.every()
    finally:
        store.close()
    chosen: dict[str, LineCost] = {}
    for entry in kept:  # the most recent first: an older measurement never replaces it
        for cost in _costs_of(entry):
            chosen.setdefault(cost.module, cost)
    return KeptCosts(tuple(sorted(chosen.values())))


def _age(seconds_ago: float) -> str:
    seconds = max(0, int(seconds_ago))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            return f"{plural(seconds // size, unit)} ago"
    return "just now"


def cost_label(cost: LineCost) -> str:
    """``312 ms · 540 modules (numpy, pytz)``: the milliseconds, the modules the line loads and
    the heavy ones among them."""
    label = f"{cost.ms:.0f} ms" if cost.ms >= 1 else f"{cost.ms:.1f} ms"
    if cost.modules is not None:
        label += f" · {plural(cost.modules, 'module')}"
    if cost.brings_in:
        named = ", ".join(cost.brings_in[:NAMED_AT_MOST])
        more = len(cost.brings_in) - NAMED_AT_MOST
        label += f" ({named}{f', +{more}' if more > 0 else ''})"
    return label


def _tooltip(cost: LineCost | None, module: str, now: float) -> str:
    if cost is None:
        return (
            f"{module} is a configured heavy module, and no kept measurement says what it costs: "
            "run `qemlflow-lint importtime PACKAGE` (or the editor's measure command) to measure it"
        )
    loads = f", loading {plural(cost.modules, 'module')}" if cost.modules is not None else ""
    return (
        f"Importing {cost.module} costs {cost.ms:.1f} ms{loads}: what deferring this line saves, "
        f"measured by `qemlflow-lint importtime {cost.measured_import}` {_age(now - cost.measured_at)}"
    )


def _heavy_modules(record: RawImport) -> tuple[str, ...]:
    return record.heavy_names or ((record.module,) if record.module else ())


def import_costs(
    path: str, text: str, settings: Settings, measured: KeptCosts, *, now: float | None = None
) -> list[ImportCost]:
    """The label of each heavy import of ``text`` (the buffer of ``path``, with its
    ``settings``) that runs at import time, from ``measured``; a buffer that does not parse
    has none."""
    result = analyse_source(text, path, settings)
    if result.error is not None:
        return []
    when = time.time() if now is None else now
    lines = [line.rstrip("\r\n") for line in split_lines(text)]
    found: list[ImportCost] = []
    for record in result.imports:
        if not record.heavy:
            continue
        for module in _heavy_modules(record):
            cost = measured.cost_of(module)
            line = record.line - 1
            found.append(
                ImportCost(
                    line,
                    _utf16_length(lines[line]) if line < len(lines) else 0,
                    module,
                    f"{module}: {cost_label(cost)}" if cost is not None else f"{module}: {NOT_MEASURED}",
                    _tooltip(cost, module, when),
                    None if cost is None else cost.ms,
                )
            )
    return _one_per_line(found)


def _one_per_line(costs: Sequence[ImportCost]) -> list[ImportCost]:
    """One label per line (``import numpy, pandas`` reads ``numpy: … | pandas: …``)."""
    merged: dict[int, ImportCost] = {}
    for cost in costs:
        before = merged.get(cost.line)
        if before is None:
            merged[cost.line] = cost
            continue
        ms = None if before.ms is None and cost.ms is None else (before.ms or 0) + (cost.ms or 0)
        merged[cost.line] = before._replace(
            label=f"{before.label} | {cost.label}", tooltip=f"{before.tooltip}\n{cost.tooltip}", ms=ms
        )
    return [merged[line] for line in sorted(merged)]


def _utf16_length(text: str) -> int:
    """The length of ``text`` in UTF-16 code units, as LSP positions count by default."""
    return len(text.encode("utf-16-le")) // 2


#: The command that measures on demand (``workspace/executeCommand``).
MEASURE_COMMAND = "qemlflow-lint.measureImportTime"


def measure_commands(python: str, root: str) -> list[list[str]]:
    """The child processes that measure the project in ``root``: ``importtime`` of each of
    its top-level packages, which keeps what it measured where :func:`read_kept_costs` looks."""
    return [[python, "-m", "qemlflow_lint", "importtime", package] for package in find_packages(root)]


def kept_version(cache_dir: str) -> tuple[int, ...]:
    """What changes when the store in ``cache_dir`` does (its files' times and sizes, its
    write-ahead log's included; empty when there is none): a measurement taken outside the
    editor shows without a restart."""
    version: list[int] = []
    for suffix in ("", "-wal"):
        status = _status(os.path.join(cache_dir, DATABASE + suffix))
        if status is not None:
            version += [status.st_mtime_ns, status.st_size]
    return tuple(version)


def _status(path: str) -> os.stat_result | None:
    """The file's status; None when there is no such file (or it cannot be read)."""
    try:
        return os.stat(path)
    except OSError:
        return None


def cache_dir_of(settings: Settings) -> str:
    """The cache folder where ``importtime`` keeps its measurements for the project of
    ``settings`` (``.qemlflow-lint-cache`` at its root)."""
    return os.path.join(settings.project_root, CACHE_DIRNAME)
