"""The figures of one import, as ``fix`` reports them and the store of measurements keeps
them: the median time with the bare interpreter's start-up subtracted and its spread, how many
modules the import loads, which of them a configured heavy module covers, what deferring each
heavy module's import line would save, and what was measured (a digest of the package's files
and the heavy list).

"Modules loaded" counts every module the import leaves in ``sys.modules`` that the bare
interpreter does not load by itself: the project's own, third-party and standard-library
ones alike (a heavy library's cost is also the standard library it pulls in). A module whose
import failed and was caught is not counted.
"""

from __future__ import annotations

import hashlib
import math
import statistics
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qemlflow_lint.measure.importtime import Log, Measurement, Progress, Spread, first_records, measure
from qemlflow_lint.model.heavy import match_heavy
from qemlflow_lint.project.graph import ImportGraph


@dataclass(frozen=True)
class Blamed:
    """A heavy or costly module ``importtime`` blamed on a first-party import line, as the
    store keeps it for the editor's import-cost hints."""

    module: str
    #: How many modules that line loads first (the module itself included).
    modules: int
    #: The configured heavy entries it loads besides its own.
    brings_in: tuple[str, ...] = ()
    #: The first-party module whose import line loads it ("" when none).
    importer: str = ""


@dataclass(frozen=True)
class ImportFigures:
    """What importing ``module`` costs, measured: see the module docstring."""

    module: str
    #: The median time over the runs, the bare interpreter's start-up subtracted.
    median_us: float
    #: How the runs vary (start-up subtracted).
    spread: Spread
    #: How many fresh interpreters were timed.
    runs: int
    #: The modules the import loads beyond start-up (the median over the runs).
    modules: int
    #: The modules it loads that a configured heavy module covers (``scipy.linalg`` and its
    #: submodules for ``scipy``), sorted.
    heavy: tuple[str, ...]
    #: The interpreter that measured it, and its version (empty when not known).
    python: str = ""
    version: str = ""
    #: Each heavy (or costly) module ``importtime`` blamed, with the median cumulative time of
    #: the import line that loads it: what deferring that line would save, in microseconds.
    #: None when the figures were kept without it (by an older version, or by ``fix``).
    saving_us: tuple[tuple[str, float], ...] | None = None
    #: What was measured: :func:`tree_digest` of the package's files and the heavy list
    #: ("" when not known).
    tree: str = ""
    #: What each blamed module's import line loads (empty when kept without it).
    blamed: tuple[Blamed, ...] = ()

    @property
    def median_ms(self) -> float:
        """:attr:`median_us` in milliseconds."""
        return self.median_us / 1000


def tree_digest(graph: ImportGraph, module: str, heavy_modules: Collection[str]) -> str:
    """A digest of what an import of ``module`` measures: the bytes of every file of its
    top-level package in ``graph``, and the configured heavy list. It changes when one of
    those files or the heavy list does, whichever paths were analysed around them."""
    top = module.partition(".")[0]
    digest = hashlib.sha256()
    for name in sorted(n for n in graph.modules if n == top or n.startswith(top + ".")):
        try:
            with open(graph.modules[name].path, "rb") as handle:
                content = hashlib.sha256(handle.read()).hexdigest()
        except OSError:
            content = "unreadable"
        digest.update(f"{name}\0{content}\n".encode())
    for heavy in sorted(set(heavy_modules)):
        digest.update(f"heavy\0{heavy}\n".encode())
    return digest.hexdigest()


def _loaded_beyond_startup(run: Log, startup: Collection[str], present: Collection[str] | None) -> set[str]:
    return {
        name for name in first_records(run) if name not in startup and (present is None or name in present)
    }


def figures_of(
    measurement: Measurement,
    heavy_modules: Collection[str],
    *,
    python: str = "",
    version: str = "",
    saving_us: Mapping[str, float] | None = None,
    tree: str = "",
    blamed: Sequence[Blamed] = (),
) -> ImportFigures:
    """The figures of a measurement; ``heavy_modules`` is the configured heavy list,
    ``saving_us`` what deferring each blamed module's import line saves, ``tree`` the
    :func:`tree_digest` of what was measured, ``blamed`` what each of those lines loads."""
    startup = measurement.startup_modules
    presents: list[Collection[str] | None] = list(measurement.present)
    if len(presents) != len(measurement.runs):  # not told for every run: count what was logged
        presents = [None] * len(measurement.runs)
    per_run = [
        _loaded_beyond_startup(run, startup, present) for run, present in zip(measurement.runs, presents)
    ]
    heavy = frozenset(heavy_modules)
    found = {name for names in per_run for name in names if match_heavy(name, heavy) is not None}
    return ImportFigures(
        measurement.module,
        measurement.median_us,
        measurement.spread,
        len(measurement.runs),
        round(statistics.median(len(names) for names in per_run)),
        tuple(sorted(found)),
        python,
        version,
        None if saving_us is None else tuple(sorted(saving_us.items())),
        tree,
        tuple(blamed),
    )


def measure_figures(
    python: str,
    module: str,
    runs: int,
    env: Mapping[str, str],
    timeout: float,
    heavy_modules: Collection[str],
    *,
    baseline: tuple[Log, ...] | None = None,
    cwd: str | None = None,
    progress: Progress | None = None,
    version: str = "",
) -> ImportFigures:
    """Measure ``import module`` (see :func:`~qemlflow_lint.measure.importtime.measure`,
    which raises :class:`~qemlflow_lint.measure.importtime.ImportFailure`) and return its
    figures."""
    measurement = measure(python, module, runs, env, timeout, baseline=baseline, progress=progress, cwd=cwd)
    return figures_of(measurement, heavy_modules, python=python, version=version)


def figures_dict(figures: ImportFigures) -> dict[str, Any]:
    """JSON-ready data of ``figures`` (times in microseconds, as measured)."""
    spread = figures.spread
    return {
        "module": figures.module,
        "median_us": figures.median_us,
        "spread_us": [spread.low, spread.first_quartile, spread.third_quartile, spread.high],
        "runs": figures.runs,
        "modules": figures.modules,
        "heavy": list(figures.heavy),
        "python": figures.python,
        "version": figures.version,
        "saving_us": None if figures.saving_us is None else dict(figures.saving_us),
        "tree": figures.tree,
        "blamed": [
            {"module": b.module, "modules": b.modules, "brings_in": list(b.brings_in), "importer": b.importer}
            for b in figures.blamed
        ],
    }


def _savings(data: Any) -> tuple[tuple[str, float], ...] | None:
    """``saving_us`` as :func:`figures_dict` wrote it; None when absent (an older entry)."""
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise TypeError("saving_us is not an object")
    found = []
    for name, value in data.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"saving_us.{name} is not a number")
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"saving_us.{name} is not a time")
        found.append((str(name), float(value)))
    return tuple(sorted(found))


def _blamed(data: Any) -> tuple[Blamed, ...]:
    """``blamed`` as :func:`figures_dict` wrote it; empty when absent (an older entry)."""
    if data is None:
        return ()
    if not isinstance(data, list):
        raise TypeError("blamed is not a list")
    found = []
    for item in data:
        brings_in = item["brings_in"]
        if not isinstance(brings_in, list) or not all(isinstance(name, str) for name in brings_in):
            raise TypeError("blamed.brings_in is not a list of names")
        modules = item["modules"]
        if isinstance(modules, bool) or not isinstance(modules, int) or modules < 0:
            raise ValueError("blamed.modules is not a count")
        found.append(Blamed(str(item["module"]), modules, tuple(brings_in), str(item.get("importer", ""))))
    return tuple(found)


def figures_from(data: Mapping[str, Any]) -> ImportFigures:
    """The figures :func:`figures_dict` wrote; raises ``ValueError``, ``TypeError`` or
    ``KeyError`` on data of another shape. Entries kept before ``saving_us`` and ``tree``
    existed (and ``blamed``) read as figures without them."""
    low, first, third, high = (float(value) for value in data["spread_us"])
    heavy = data["heavy"]
    if not isinstance(heavy, list) or not all(isinstance(name, str) for name in heavy):
        raise TypeError("heavy is not a list of names")
    figures = ImportFigures(
        str(data["module"]),
        float(data["median_us"]),
        Spread(low, first, third, high),
        int(data["runs"]),
        int(data["modules"]),
        tuple(heavy),
        str(data.get("python", "")),
        str(data.get("version", "")),
        _savings(data.get("saving_us")),
        str(data.get("tree", "")),
        _blamed(data.get("blamed")),
    )
    if figures.median_us < 0 or figures.runs < 1 or figures.modules < 0:
        raise ValueError("negative figures")
    return figures
