"""Which first-party import line loaded each heavy or costly module, from a measured log.

Every configured heavy module is blamed wherever it lives — installed, vendored, or a slow
module inside the project folder — and so is any third-party module that costs at least
the ``costly`` threshold. An import that failed (a missing optional dependency tried inside
``try/except ImportError``) is still blamed, as a failed attempt with its cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Sequence, Tuple

from qemlflow_lint.measure.importtime import (
    ImportRecord,
    Measurement,
    loaded,
    loaded_count,
    module_costs,
    walk,
)
from qemlflow_lint.model.heavy import match_heavy


@dataclass(frozen=True)
class Attribution:
    """A heavy or costly module, and the first-party import that loaded it."""

    module: str
    #: The configured heavy entry it matches, or "" when it is only costly.
    heavy: str
    #: Its median cumulative time (for a failed import: the time the attempt took).
    cumulative_us: float
    #: The nearest first-party module above it in the log, or "" when there is none.
    importer: str
    #: What ``importer`` imported on the way: the module itself, or a package that
    #: imported it. Deferring that import saves :attr:`saving_us`.
    via: str
    #: The median cumulative time of ``via``: everything first loaded through it.
    saving_us: float
    #: How many modules were first loaded through ``via`` (itself included).
    saving_modules: int
    #: Heavy entries loaded underneath it, other than its own.
    brings_in: Tuple[str, ...] = ()
    #: True when its import failed (it was tried, caught, and is not loaded).
    failed: bool = False


@dataclass(frozen=True)
class Origins:
    """Where modules come from, as :func:`attribute` needs to know it."""

    #: Top-level names of the target interpreter's standard library.
    stdlib: frozenset[str]
    #: First-party modules (the static import graph's).
    first_party: frozenset[str]
    #: Top-level packages with first-party submodules: their unanalysed modules are not
    #: third-party either.
    first_party_packages: frozenset[str] = field(default=frozenset())

    def is_third_party(self, name: str) -> bool:
        """Neither the standard library nor the project."""
        top = name.partition(".")[0]
        return not (top in self.stdlib or name in self.first_party or top in self.first_party_packages)


def attribute(
    measurement: Measurement, origins: Origins, heavy_modules: Sequence[str], costly_us: float
) -> List[Attribution]:
    """The heavy modules (wherever they live) and costly third-party modules the import
    loaded or tried to load, each with the nearest first-party module above it in the log.

    Only the outermost such module on a path is reported (``seaborn``, not the ``scipy``
    it imports, nor ``seaborn``'s own submodules): deferring it defers the rest, which
    :attr:`Attribution.brings_in` names. The tree is the first run's (imports happen in
    the same order every run); times are medians over every run.
    """
    if not measurement.runs:
        return []
    heavy_set = frozenset(heavy_modules)
    costs = {cost.name: cost for cost in module_costs(measurement)}

    def flagged(record: ImportRecord) -> bool:
        cost = costs.get(record.name)
        if cost is None or record.cached:
            return False
        if match_heavy(record.name, heavy_set) is not None:
            return True
        return origins.is_third_party(record.name) and cost.cumulative_us >= costly_us

    first_loads = loaded(measurement.runs[0])
    found: List[Attribution] = []
    for record, ancestors in walk(measurement.runs[0]):
        if first_loads.get(record.name) is not record or not flagged(record):
            continue
        importer_at = max((i for i, a in enumerate(ancestors) if a.name in origins.first_party), default=-1)
        if any(flagged(a) for a in ancestors[max(importer_at, 0) :]):
            continue  # reported with the outer module, which brings this one in
        between = ancestors[importer_at + 1 :]
        via = (*between, record)[0]
        heavy = match_heavy(record.name, heavy_set) or ""
        inside = (match_heavy(r.name, heavy_set) for r, _ in walk(record.children) if not r.cached)
        brings_in = tuple(dict.fromkeys(entry for entry in inside if entry and entry != heavy))
        found.append(
            Attribution(
                record.name,
                heavy,
                costs[record.name].cumulative_us,
                ancestors[importer_at].name if importer_at >= 0 else "",
                via.name,
                costs[via.name].cumulative_us if via.name in costs else float(via.cumulative_us),
                loaded_count(via),
                brings_in,
                measurement.failed(record.name),
            )
        )
    return sorted(found, key=lambda a: (-a.cumulative_us, a.module))
