"""QF001's fix planned over the whole project: defer only what takes a heavy module out of an
entry point's import, and say what keeps the rest.

1. For every module with a QF001 finding, or with an import-time import of one of the
   project's modules whose import loads a heavy module (an edge of a QF101 chain), the
   per-file planner (:mod:`~qemlflow_lint.fix.import_plans`) says which statements it could
   defer, and why it must leave the others.
2. The deferrable statements are candidates for :func:`~qemlflow_lint.fix.closure.select`,
   over the project's import graph, from its entry points: the top-level packages (and
   modules), plus the modules the user names.
3. Each module gets its :class:`~qemlflow_lint.fix.model.Choice`: the statements to defer,
   and for each other one the reason ("pandas stays in `import pkg`").

The entry points' outcomes (what each loads before and after) are part of the plan, with
the statements that keep each heavy module that stays.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import NamedTuple

from qemlflow_lint.fix.closure import (
    Blocker,
    Candidate,
    Closures,
    EdgeKey,
    EntryOutcome,
    Selection,
    loaded,
    select,
)
from qemlflow_lint.fix.import_plans import (
    EAGER_PACKAGES,
    LOADS_TOO,
    NOT_NEEDED,
    StatementPlan,
    absolute_module,
    first_party_targets,
    module_facts,
    plan_fixes,
    qf001_targets,
)
from qemlflow_lint.fix.model import Choice, Left, ModulePlan
from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.model.heavy import match_heavy
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.project.graph import ImportGraph

#: The rule whose findings the plan fixes.
QF001 = "QF001"
#: Why a statement in a module no entry point imports stays.
NOT_IMPORTED = "no entry point imports this module at import time"
#: Why a deferrable statement stays while its heavy module stays (``{heavy}``, ``{entry}``).
STAYS_ANYWAY = "saves nothing: {heavy} stays in `import {entry}`"
#: A blocker the plan knows no reason for (a ``# noqa`` line, an ignored rule, a test file).
NOT_REPORTED = "not reported as QF001 (an ignored rule, or a noqa comment)"
#: The order in which :func:`~qemlflow_lint.fix.closure.select` tries to do without a
#: candidate: the project's own imports first, then unsafe deferrals, then safe ones.
_RANK_FIRST_PARTY, _RANK_UNSAFE, _RANK_SAFE = 0, 1, 2


class Decided(NamedTuple):
    """The per-file planner's answer for one module, before the project-wide choice."""

    path: str
    plan: ModulePlan
    plans: tuple[StatementPlan, ...]
    left: tuple[Left, ...]


class ProjectPlan(NamedTuple):
    """The plan of every module QF001's fix may edit (by path), and each entry point's outcome."""

    modules: Mapping[str, ModulePlan]
    outcomes: tuple[EntryOutcome, ...] = ()


def loads_too(heavy_modules: Collection[str]) -> Callable[[str], frozenset[str]]:
    """The configured heavy entries that importing a heavy entry loads too (``pandas``
    loads ``numpy`` when that is listed), from :data:`~qemlflow_lint.fix.import_plans.LOADS_TOO`."""
    configured = frozenset(heavy_modules)

    def also(heavy: str) -> frozenset[str]:
        found = (match_heavy(other, configured) for other in LOADS_TOO.get(heavy.split(".", 1)[0], ()))
        return frozenset(entry for entry in found if entry and entry != heavy)

    return also


def whole_package(name: str) -> str:
    """A heavy module by what importing it loads: the whole package for one that imports all
    of itself (``torch`` for ``torch.nn``), else the module itself."""
    top = name.split(".", 1)[0]
    return top if top in EAGER_PACKAGES else name


def entry_points(graph: ImportGraph, named: Iterable[str] = ()) -> list[str]:
    """The modules whose import the plan protects: every library module whose package is
    not part of the project (its top-level packages and modules), and the ``named`` ones."""
    found = [
        name
        for name, module in graph.modules.items()
        if module.checked and name.rpartition(".")[0] not in graph.modules
    ]
    found += [name for name in named if name in graph.modules]
    return sorted(dict.fromkeys(found))


def import_root(graph: ImportGraph, entry: str) -> str:
    """The folder ``import entry`` starts from: above the module's top-level package."""
    path = os.path.abspath(graph.modules[entry].path)
    depth = entry.count(".") + (1 if os.path.basename(path) == "__init__.py" else 0)
    folder = os.path.dirname(path)
    for _ in range(depth):
        folder = os.path.dirname(folder)
    return folder


def _package_of(name: str, path: str) -> str:
    return name if os.path.basename(path) == "__init__.py" else name.rpartition(".")[0]


def module_plans(graph: ImportGraph, closures: Closures) -> dict[str, ModulePlan]:
    """Every module's :class:`ModulePlan` without a choice, by path."""
    reach = frozenset(name for name in graph.modules if closures.heavy(name, ()))
    every = frozenset(graph.modules)
    plans: dict[str, ModulePlan] = {}
    for name, module in graph.modules.items():
        positions = frozenset(
            (s.line, s.col) for s in module.statements if any(t in reach for t in s.targets)
        )
        plans[module.path] = ModulePlan(name, _package_of(name, module.path), every, reach, positions)
    return plans


def decide(
    path: str, text: str, result: FileResult, plan: ModulePlan, unsafe: bool, target: tuple[int, int] | None
) -> Decided | None:
    """What the per-file planner could defer in one module, and why it leaves the rest
    (``None`` when the text no longer parses)."""
    try:
        tree = ast.parse(text, path)
    except (SyntaxError, ValueError):
        return None
    is_init = os.path.basename(path) == "__init__.py"
    facts = module_facts(tree, is_init, target, text, plan.package, plan.first_party)
    targets = qf001_targets([f for f in result.findings if f.code == QF001])
    targets += first_party_targets(
        tree, plan.first_party_imports, plan.module, plan.package, plan.reaches_heavy
    )
    plans, left = plan_fixes(facts, targets, unsafe)
    return Decided(path, plan, tuple(plans), tuple(left))


def _cut_edges(closures: Closures, module: ModulePlan, plan: StatementPlan) -> frozenset[EdgeKey]:
    """The edges of the graph that deferring ``plan``'s statement cuts: all of the
    statement's, unless some of its names stay (``import a.b, c`` keeps running ``c``;
    ``from pkg import core, light`` keeps running ``pkg``: only ``pkg.core`` is cut)."""
    line, col = plan.finding.line, plan.finding.col
    here = [edge for edge in closures.edges.get(module.module, ()) if edge[1:3] == (line, col)]
    if not plan.light:
        return frozenset(here)
    statement = plan.statement
    if isinstance(statement, ast.Import):
        kept = {parent for alias in plan.light for parent in _parents(alias.name)}
        return frozenset(edge for edge in here if edge[3] not in kept)
    absolute = absolute_module(statement, module.package)
    moved = {f"{absolute}.{heavy.alias.name}" for heavy in plan.heavy}
    return frozenset(edge for edge in here if not closures.is_first_party(edge[3]) or edge[3] in moved)


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


class _Planner:
    """The choice over one project (see the module docstring)."""

    def __init__(self, graph: ImportGraph, closures: Closures, decided: Sequence[Decided]) -> None:
        self.graph = graph
        self.closures = closures
        self.decided = decided
        self.by_module = {d.plan.module: d for d in decided}
        self.reasons: dict[tuple[str, int, int], str] = {}
        for item in decided:
            for left in item.left:
                self.reasons.setdefault((item.plan.module, left.finding.line, left.finding.col), left.reason)

    def candidates(self) -> list[Candidate]:
        found = []
        for item in self.decided:
            for plan in item.plans:
                edges = _cut_edges(self.closures, item.plan, plan)
                if not edges:
                    continue
                first_party = plan.finding.code != QF001
                rank = _RANK_FIRST_PARTY if first_party else _RANK_UNSAFE if plan.unsafe else _RANK_SAFE
                finding = plan.finding
                found.append(Candidate(item.plan.module, finding.line, finding.col, edges, rank))
        return found

    def blockers(
        self, heavy: str, edges: Sequence[EdgeKey], movable: set[tuple[str, int, int]]
    ) -> list[Blocker]:
        found = []
        for module, line, col, _ in edges:
            if (module, line, col) in movable:
                continue
            reason = self.reasons.get((module, line, col), NOT_REPORTED)
            found.append(Blocker(heavy, self.graph.modules[module].path, line, reason))
        return sorted(set(found), key=lambda b: (b.path, b.line))

    def choose(self, entries: Sequence[str]) -> tuple[dict[str, Choice], list[EntryOutcome]]:
        candidates = self.candidates()
        selection = select(self.closures, entries, candidates)
        kept = {(c.module, c.line, c.col) for c in selection.kept}
        movable = {(c.module, c.line, c.col) for c in candidates}
        outcomes = [self.outcome(entry, selection, movable) for entry in entries]
        choices: dict[str, Choice] = {}
        for item in self.decided:
            module = item.plan.module
            chosen = frozenset((line, col) for m, line, col in kept if m == module)
            reasons = {
                (p.finding.line, p.finding.col): self.drop_reason(module, p, selection, entries)
                for p in item.plans
                if (p.finding.line, p.finding.col) not in chosen
            }
            choices[item.path] = Choice(chosen, reasons)
        return choices, outcomes

    def outcome(self, entry: str, selection: Selection, movable: set[tuple[str, int, int]]) -> EntryOutcome:
        staying = selection.staying[entry]
        blockers: list[Blocker] = []
        for heavy in sorted(staying):
            blockers += self.blockers(heavy, staying[heavy], movable)
        return EntryOutcome(
            entry,
            import_root(self.graph, entry),
            tuple(sorted(selection.before[entry])),
            tuple(sorted(staying)),
            tuple(blockers),
        )

    def drop_reason(
        self, module: str, plan: StatementPlan, selection: Selection, entries: Sequence[str]
    ) -> str:
        """Why a statement the per-file planner could defer stays."""
        runs = [entry for entry in entries if module in selection.closure[entry]]
        if not runs:
            return NOT_IMPORTED
        edges = _cut_edges(self.closures, self.by_module[module].plan, plan)
        cut_now: set[EdgeKey] = set()  # the edges still cut: only the kept candidates'
        for candidate in selection.kept:
            cut_now |= candidate.edges
        loads: set[str] = set()
        for edge in edges:
            loads |= self.closures.loaded_by(edge, cut_now)
        for entry in runs:
            for heavy in sorted(loads):
                if loaded(heavy, selection.staying[entry]):
                    return STAYS_ANYWAY.format(heavy=heavy, entry=entry)
        return NOT_NEEDED


def plan_project(
    results: Sequence[FileResult],
    configs: Mapping[str, Settings],
    read: Callable[[str], str | None],
    *,
    unsafe: bool,
    target: tuple[int, int] | None,
    named_entries: Sequence[str] = (),
    graphs: Sequence[ImportGraph],
) -> ProjectPlan:
    """The plan of QF001's fix over every project of ``results`` (one import graph each,
    ``graphs``): the modules' choices and the entry points' outcomes. ``read`` gives a
    file's text (``None`` when it cannot be read)."""
    by_path = {result.path: result for result in results}
    modules: dict[str, ModulePlan] = {}
    outcomes: list[EntryOutcome] = []
    for graph in graphs:
        heavy = {
            h for m in graph.modules.values() if m.path in configs for h in configs[m.path].all_heavy_modules
        }
        closures = Closures(graph, loads_too(heavy), whole_package)
        plans = module_plans(graph, closures)
        decided: list[Decided] = []
        for path, plan in plans.items():
            result = by_path.get(path)
            if result is None or not result.ok:
                continue
            wanted = plan.first_party_imports or any(f.code == QF001 for f in result.findings)
            text = read(path) if wanted else None
            if text is None:
                continue
            found = decide(path, text, result, plan, unsafe, target)
            if found is not None:
                decided.append(found)
        entries = entry_points(graph, named_entries)
        choices, entry_outcomes = _Planner(graph, closures, decided).choose(entries)
        outcomes += entry_outcomes
        for item in decided:
            modules[item.path] = item.plan._replace(choice=choices[item.path])
    return ProjectPlan(modules, tuple(outcomes))
