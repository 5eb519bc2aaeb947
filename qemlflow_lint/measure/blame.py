"""Which first-party import line loaded each heavy or costly module, from a measured log.

Every configured heavy module is blamed wherever it lives — installed, vendored, or a slow
module inside the project folder — and so is any third-party module that is costly: it
takes at least the ``costly`` time, or at least the ``costly_share`` of the whole import.
An import that failed (a missing optional dependency tried inside ``try/except
ImportError``) is still blamed, as a failed attempt with its cost.

:func:`only_checks_availability` reads the importer's file to tell an import that only
checks whether a module is installed (its name never used) from one that uses it.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field

from qemlflow_lint.analysis.at_import import TRY_TYPES, catches_import_error
from qemlflow_lint.analysis.names.usage import NameUsage
from qemlflow_lint.analysis.source import SourceError, parse, read_source
from qemlflow_lint.measure.importtime import (
    ImportRecord,
    Measurement,
    first_records,
    loaded_count,
    module_costs,
    walk,
)
from qemlflow_lint.model.heavy import match_heavy
from qemlflow_lint.project.graph import ImportGraph, Statement


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
    brings_in: tuple[str, ...] = ()
    #: True when its import failed (it was tried, caught, and is not loaded).
    failed: bool = False
    #: Its median cumulative time as a share of the median import time (0 to 1).
    share: float = 0.0
    #: True when that share is at least the ``costly_share`` threshold.
    large_share: bool = False


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
    measurement: Measurement,
    origins: Origins,
    heavy_modules: Sequence[str],
    costly_us: float,
    costly_share: float | None = None,
) -> list[Attribution]:
    """The heavy modules (wherever they live) and costly third-party modules the import
    loaded or tried to load, each with the nearest first-party module above it in the log.

    A third-party module is costly when its median cumulative time is at least
    ``costly_us``, or at least ``costly_share`` (a fraction, 0 to 1) of the median import
    time. Only the outermost such module on a path is reported (``seaborn``, not the
    ``scipy`` it imports, nor ``seaborn``'s own submodules): deferring it defers the rest,
    which :attr:`Attribution.brings_in` names. The tree is the first run's (imports happen
    in the same order every run); times are medians over every run.
    """
    if not measurement.runs:
        return []
    heavy_set = frozenset(heavy_modules)
    costs = {cost.name: cost for cost in module_costs(measurement)}
    total = measurement.median_us

    def share_of(name: str) -> float:
        return min(1.0, costs[name].cumulative_us / total) if total > 0 else 0.0

    def large(name: str) -> bool:
        return costly_share is not None and total > 0 and costs[name].cumulative_us >= costly_share * total

    def flagged(record: ImportRecord) -> bool:
        cost = costs.get(record.name)
        if cost is None or record.cached:
            return False
        if match_heavy(record.name, heavy_set) is not None:
            return True
        return origins.is_third_party(record.name) and (cost.cumulative_us >= costly_us or large(record.name))

    first_loads = first_records(measurement.runs[0])
    found: list[Attribution] = []
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
                share_of(record.name),
                large(record.name),
            )
        )
    return sorted(found, key=lambda a: (-a.cumulative_us, a.module))


# ---------------------------------------------------------------------------------------
# Imports that only test whether a module is installed


def _at(statement: ast.stmt, line: int, col: int) -> bool:
    """True when ``statement`` is the import (or the import call) at ``line:col``."""
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return (statement.lineno, statement.col_offset) == (line, col)
    if isinstance(statement, (ast.Expr, ast.Assign)):
        value = statement.value
        return isinstance(value, ast.Call) and (value.lineno, value.col_offset) == (line, col)
    return False


def _guarded(tree: ast.Module, line: int, col: int) -> ast.stmt | None:
    """The statement of the import at ``line:col`` when it runs in the body of a ``try``
    that catches ``ImportError``, else None."""
    for node in ast.walk(tree):
        if isinstance(node, TRY_TYPES) and catches_import_error(getattr(node, "handlers")):
            for inner in getattr(node, "body"):
                for candidate in ast.walk(inner):
                    if isinstance(candidate, ast.stmt) and _at(candidate, line, col):
                        return candidate
    return None


def _bound(statement: ast.stmt, top: str) -> tuple[str, ...] | None:
    """The names the import of ``top`` binds, or None when they cannot be told (``*``,
    a relative import, an assignment to something other than plain names)."""
    if isinstance(statement, ast.Import):
        names = tuple(
            alias.asname or alias.name.partition(".")[0]
            for alias in statement.names
            if alias.name.partition(".")[0] == top
        )
        return names or None
    if isinstance(statement, ast.ImportFrom):
        if statement.level or any(alias.name == "*" for alias in statement.names):
            return None
        return tuple(alias.asname or alias.name for alias in statement.names)
    if isinstance(statement, ast.Expr):
        return ()
    if isinstance(statement, ast.Assign) and all(isinstance(t, ast.Name) for t in statement.targets):
        return tuple(t.id for t in statement.targets if isinstance(t, ast.Name))
    return None


def _exported(tree: ast.Module, name: str) -> bool:
    """True when a literal ``__all__`` assignment lists ``name``."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and any(
                isinstance(part, ast.Constant) and part.value == name for part in ast.walk(node.value)
            ):
                return True
    return False


def _used(tree: ast.Module, usage: NameUsage, name: str, importer: str, graph: ImportGraph) -> bool:
    """True when the module reads ``name`` at run time (``del name`` aside), mentions it in
    an annotation, exports it, or another first-party module imports it from there."""
    if usage.in_annotations(name) or _exported(tree, name):
        return True
    if usage.at_runtime(name) and any(
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)
        for node in ast.walk(tree)
    ):
        return True
    imported_from_here = f"{importer}.{name}"
    return any(imported_from_here in s.runs for m in graph.modules.values() for s in m.statements)


def only_checks_availability(
    tree: ast.Module, statement: Statement, module: str, importer: str, graph: ImportGraph
) -> bool:
    """True when ``statement`` of ``importer`` (whose parsed file is ``tree``) imports
    ``module`` only to learn whether it is installed: it runs inside ``try: … except
    ImportError`` and no name it binds is used elsewhere in the module (setting a flag
    such as ``HAS_RDKIT = True`` in the same block is not a use)."""
    node = _guarded(tree, statement.line, statement.col)
    if node is None:
        return False
    names = _bound(node, module.partition(".")[0])
    if names is None:
        return False
    usage = NameUsage.of(tree)
    return not any(_used(tree, usage, name, importer, graph) for name in names)


def parse_file(path: str) -> ast.Module | None:
    """The parsed file at ``path``, or None when it cannot be read or parsed (any more)."""
    text = read_source(path)
    if isinstance(text, SourceError):
        return None
    tree = parse(text, path)
    return None if isinstance(tree, SourceError) else tree
