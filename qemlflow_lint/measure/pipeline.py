"""One measured import, from the child interpreters to the report: measure ``import MODULE``,
blame the first-party lines that load heavy or costly modules, keep the figures for ``fix``
and ``score``, and return ``importtime --format json``'s data. ``importtime`` and
``report --measure`` both run it."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from qemlflow_lint.measure.blame import Origins, attribute
from qemlflow_lint.measure.figures import Blamed, figures_of, tree_digest
from qemlflow_lint.measure.importtime import (
    ImportFailure,
    Interpreter,
    measure,
    measure_baseline,
    module_costs,
)
from qemlflow_lint.measure.last_measured import LastMeasured
from qemlflow_lint.measure.progress import TerminalProgress
from qemlflow_lint.measure.report import importtime_report
from qemlflow_lint.project.graph import ImportGraph


class MeasurementSetup(NamedTuple):
    """How to measure: the interpreter (and what it said about itself), its environment,
    how many fresh runs, and how long each may take."""

    python: str
    interpreter: Interpreter
    env: Mapping[str, str]
    runs: int
    timeout: float


class Costly(NamedTuple):
    """What counts as costly: milliseconds, or a share of the import time in percent."""

    ms: float
    share: float


def measured_report(
    how: MeasurementSetup,
    module: str,
    graphs: Mapping[str, ImportGraph],
    heavy: Sequence[str],
    costly: Costly,
    *,
    top: int = 10,
    cumulative: bool = False,
    budget: float | None = None,
    kept: LastMeasured | None = None,
) -> dict[str, Any]:
    """Measure ``module``'s import and blame the first-party lines: ``importtime --format
    json``'s data (``report --measure`` shows the same). The figures go to ``kept`` too.
    Progress shows on standard error when it is a terminal; :class:`ImportFailure` says
    why the module cannot be imported with ``how.python``."""
    progress = TerminalProgress(sys.stderr)
    try:
        measurement = measure(how.python, module, how.runs, how.env, how.timeout, progress=progress.show)
    except ImportFailure as error:
        raise ImportFailure(f"cannot import {module} with {how.python}: {error}") from None
    finally:
        progress.clear()
    packages = frozenset(name.partition(".")[0] for name in graphs if "." in name)
    origins = Origins(how.interpreter.stdlib, frozenset(graphs), packages)
    costs = module_costs(measurement)
    if cumulative:
        costs = sorted(costs, key=lambda cost: (-cost.cumulative_us, -cost.self_us, cost.name))
    attributions = attribute(measurement, origins, heavy, costly.ms * 1000, costly.share / 100)
    if kept is not None:  # with what the JSON's saving_up_to_ms says, for `score`'s best next fixes
        kept.keep(
            figures_of(
                measurement,
                heavy,
                python=how.python,
                version=how.interpreter.version,
                saving_us={a.module: a.saving_us for a in attributions},
                tree=tree_digest(graphs[module], module, heavy) if module in graphs else "",
                blamed=[Blamed(a.module, a.saving_modules, a.brings_in, a.importer) for a in attributions],
            )
        )
    return importtime_report(
        measurement,
        how.interpreter,
        costs[: max(top, 0)],
        attributions,
        graphs,
        python=how.python,
        costly_ms=costly.ms,
        costly_share=costly.share,
        budget=budget,
    )


class Calibration(NamedTuple):
    """What ``calibrate`` timed: each module's median import time in microseconds, start-up
    subtracted, and why each module that could not be imported failed."""

    times_us: dict[str, float]
    failed: dict[str, str]


def calibration(
    python: str, modules: Sequence[str], runs: int, env: Mapping[str, str], timeout: float
) -> Calibration:
    """Time the import of each of ``modules`` in fresh interpreters, against one measured
    start-up; progress shows on standard error when it is a terminal. :class:`ImportFailure`
    when the interpreter itself cannot run."""
    progress = TerminalProgress(sys.stderr)
    timed = Calibration({}, {})
    try:
        baseline = measure_baseline(python, runs, env, timeout, progress.show)
        for number, module in enumerate(modules, 1):
            try:
                measurement = measure(
                    python,
                    module,
                    runs,
                    env,
                    timeout,
                    baseline=baseline,
                    progress=progress.prefixed(f"{number}/{len(modules)} "),
                )
            except ImportFailure as error:
                timed.failed[module] = str(error)
                continue
            timed.times_us[module] = measurement.median_us
    except ImportFailure as error:
        raise ImportFailure(f"cannot measure with {python}: {error}") from None
    finally:
        progress.clear()
    return timed


__all__ = ["Calibration", "Costly", "MeasurementSetup", "calibration", "measured_report"]
