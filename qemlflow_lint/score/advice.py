"""The best next fixes: actions, not files, ranked by the points they regain.

A file's loss tells where points went; it does not tell what to do first. One deferred import
can end the QF101 chains of every module above it, so the advice is made of actions:

- **an import to defer**: the heavy imports of one module (its QF001 unit, and every QF101
  chain that ended there), or one import-time statement that imports another of the
  project's modules (an edge of the import graph, ``src/pkg/core/__init__.py:12 →
  pkg.core.models``), worth the QF101 units of every module whose chains it ends;
- **a package's typing or documentation work**: QF002 and QF003 grouped by the folder of
  their files, with a count;
- **everything else**, one file and one rule at a time, as the ledger counts it.

The import actions are chosen greedily over the project's import graph, with the closures
``fix`` plans its deferrals with (:mod:`qemlflow_lint.project.closure`): the first is the one
that regains the most; each later one is worth what it regains once those before it are done,
so the gains of a list add up to what doing all of it regains. A QF101 chain that no single
action ends is listed as its module's own work, with the heavy module it reaches. Where an
import was measured (``importtime MODULE --format json``), an action also shows the
milliseconds it takes off that import: the measured saving of each heavy module that would
leave the import's closure. The measurement is ``--importtime FILE``'s, or else the last one
``importtime`` kept for the project's top-level package (the CLI reads the store).
"""

from __future__ import annotations

import heapq
import math
import posixpath
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple

from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.model.heavy import match_heavy
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.model.words import noun_for, plural
from qemlflow_lint.project.closure import NO_CUT, Closures, Cut, EdgeKey, loaded, loads_too, whole_package
from qemlflow_lint.project.graph import ImportGraph
from qemlflow_lint.rules.registry import find_rule
from qemlflow_lint.score.compute import ScoreReport

QF001 = "QF001"
QF101 = "QF101"
#: The rules whose work is grouped by package: many small edits, best done a package at a time.
BY_PACKAGE = frozenset({"QF002", "QF003"})
#: How many of the chains an action ends its sentence names (the rest are counted).
NAMED_CHAINS = 3


class MeasurementError(ValueError):
    """An import-time result that cannot be read; the message names the field."""


#: Where a measurement came from: an ``importtime --format json`` file, or the store of
#: the last measurements ``importtime`` keeps.
FROM_FILE, FROM_STORE = "file", "store"


@dataclass(frozen=True)
class Measured:
    """A measured import (``importtime MODULE --format json``): the module, and for each
    heavy module it loads the milliseconds its import would save if that were not loaded."""

    module: str
    saving_ms: Mapping[str, float]
    #: :data:`FROM_FILE` or :data:`FROM_STORE`.
    source: str = FROM_FILE


@dataclass(frozen=True)
class Action:
    """One thing to do, and exactly how many points doing it regains."""

    #: The rule whose units it mostly fixes.
    code: str
    points: Fraction
    text: str
    #: Where to act: a file, or a package's folder (ending in ``/``).
    path: str
    #: The units of ``code`` it fixes.
    count: int
    #: How many files the work spans.
    files: int = 1
    #: The line of the import to defer (0 when the action is not one import).
    line: int = 0
    #: The project's module that import runs (for an edge of the import graph).
    target: str = ""
    #: The heavy modules it stops loading.
    heavy: tuple[str, ...] = ()
    #: The modules whose QF101 chains it ends.
    ends: tuple[str, ...] = ()
    #: The modules that would get a QF101 chain of their own (a heavy module they also reach
    #: through another module, once their own import of it is deferred).
    starts: tuple[str, ...] = ()
    #: The measured milliseconds it takes off :attr:`measured`'s import, when known.
    saves_ms: float | None = None
    measured: str = ""
    #: Where that measurement came from (:attr:`Measured.source`), or "".
    measured_source: str = ""


def measured_from(data: Any) -> Measured:
    """The savings in an ``importtime --format json`` result; :class:`MeasurementError` names
    the field that is missing or not a finite number."""
    if not isinstance(data, Mapping):
        raise MeasurementError("not an importtime result (expected a JSON object)")
    module = data.get("module")
    if not isinstance(module, str) or not module:
        raise MeasurementError("module: missing or not a string")
    items = data.get("attributions")
    if not isinstance(items, list):
        raise MeasurementError("attributions: missing or not a list")
    saving: dict[str, float] = {}
    for index, item in enumerate(items):
        where = f"attributions[{index}]."
        name = item.get("module") if isinstance(item, Mapping) else None
        if not isinstance(name, str):
            raise MeasurementError(f"{where}module: missing or not a string")
        value = item.get("saving_up_to_ms", item.get("cumulative_ms"))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise MeasurementError(f"{where}saving_up_to_ms: missing or not a number")
        if not math.isfinite(value) or value < 0 or value > 1e9:
            raise MeasurementError(f"{where}saving_up_to_ms: {value!r} is not a time in milliseconds")
        saving[name] = float(value)
    return Measured(module, saving)


def unit_worth(report: ScoreReport) -> dict[str, Fraction]:
    """The points one violating unit of each rule costs: 100·wᵣ/Σw / Oᵣ."""
    weights = {rule.code: Fraction(str(float(rule.weight))) for rule in report.rules}
    total = sum(weights.values(), Fraction(0))
    return {rule.code: 100 * weights[rule.code] / total / rule.units for rule in report.rules if rule.units}


def next_fixes(
    report: ScoreReport,
    results: Sequence[FileResult] = (),
    graphs: Sequence[ImportGraph] = (),
    settings: Mapping[str, Settings] | None = None,
    measured: Measured | None = None,
) -> list[Action]:
    """Every action that regains points, most first (see the module docstring).

    ``results`` and ``graphs`` (one per project) let the QF001 and QF101 work be ranked by
    root cause; without them each file's loss is its own action. ``settings`` (by path)
    supply each project's heavy list; ``measured`` adds the milliseconds.
    """
    worth = unit_worth(report)
    by_import = bool(graphs) and (QF001 in worth or QF101 in worth)
    actions: list[Action] = []
    if by_import:
        for graph in graphs:
            actions += _ImportAdvice(graph, results, worth, settings or {}, measured).actions()
    actions += _rule_actions(report, worth, skip={QF001, QF101} if by_import else set())
    actions.sort(key=lambda a: (-a.points, a.path, a.line, a.code))
    return [action for action in actions if action.points > 0]


def _rule_actions(report: ScoreReport, worth: Mapping[str, Fraction], skip: set[str]) -> list[Action]:
    """Per file, or per package for :data:`BY_PACKAGE`, from the ledger's losses."""
    groups: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for loss in report.losses:
        if loss.code in skip:
            continue
        where = _folder(loss.path) if loss.code in BY_PACKAGE else loss.path
        groups[(loss.code, where)].append((loss.path, loss.violating))
    actions = []
    for (code, where), files in groups.items():
        count = sum(n for _, n in files)
        rule = find_rule(code)
        if len(files) == 1:
            path = files[0][0]
            text = rule.fix_text(count, path) if rule else f"fix {code} in {path}"
        else:
            path = where
            place = f"{len(files)} files of {where}"
            unit = rule.unit if rule else "unit"
            text = rule.fix.format(n=count, units=noun_for(count, unit), path=place) if rule else ""
            text = text or f"fix {plural(count, code + ' finding')} in {place}"
        actions.append(Action(code, worth.get(code, Fraction(0)) * count, text, path, count, len(files)))
    return actions


def _folder(path: str) -> str:
    folder = posixpath.dirname(path.replace("\\", "/"))
    return f"{folder}/" if folder else "./"


class _Candidate(NamedTuple):
    """An import action being weighed: the edges it cuts. ``heavy`` names the heavy module
    an action defers everywhere (its edges span modules); ``line``, the one statement an
    edge action defers; neither, all of one module's heavy imports."""

    module: str
    line: int
    edges: frozenset[EdgeKey]
    target: str = ""
    heavy: str = ""


class _ImportAdvice:
    """The QF001 and QF101 actions of one project's import graph."""

    def __init__(
        self,
        graph: ImportGraph,
        results: Sequence[FileResult],
        worth: Mapping[str, Fraction],
        settings: Mapping[str, Settings],
        measured: Measured | None,
    ) -> None:
        self.graph = graph
        self.worth = worth
        self.measured = measured if measured is not None and measured.module in graph.modules else None
        heavy = {
            h
            for m in graph.modules.values()
            if m.path in settings
            for h in settings[m.path].all_heavy_modules
        }
        self.heavy = frozenset(heavy or Settings().all_heavy_modules)
        self.closures = Closures(graph, loads_too(self.heavy), whole_package)
        by_path = {r.path: r for r in results if r.library and r.ok}
        self.qf001: dict[str, set[int]] = {}
        self.qf101: set[str] = set()
        self.scored: set[str] = set()  # modules whose units are in the score
        for name, module in graph.modules.items():
            result = by_path.get(module.path)
            if result is None:
                continue
            self.scored.add(name)
            lines = {f.line for f in result.findings if f.code == QF001}
            if lines:
                self.qf001[name] = lines
            if any(f.code == QF101 for f in result.findings):
                self.qf101.add(name)
        # Only the modules whose QF101 verdict the graph reproduces are counted (a noqa
        # comment or an ignored rule makes the finding and the graph disagree).
        self.predicted = self._chains(NO_CUT)
        self.known = {
            name
            for name in self.scored
            if QF101 in worth and (name in self.qf101) == (name in self.predicted)
        }

    def _own(self, name: str, cut: Cut) -> set[str]:
        """The heavy modules ``name`` imports itself, as QF101 compares them."""
        return {
            self._entry(edge[3])
            for edge in self.closures.edges[name]
            if edge not in cut.edges and not self.closures.is_first_party(edge[3])
        }

    def _entry(self, heavy: str) -> str:
        return match_heavy(heavy, self.heavy) or heavy

    def _chains(self, cut: Cut) -> set[str]:
        """The modules that have a QF101 chain with ``cut`` made: they reach, through another
        of the project's modules, a heavy module they do not import themselves."""
        reached = self.closures.heavy_reached(cut)
        found = set()
        for name in self.scored:
            own = self._own(name, cut)
            for edge in self.closures.edges[name]:
                target = edge[3]
                if edge in cut.edges or target == name or not self.closures.is_first_party(target):
                    continue
                if any(self._entry(h) not in own for h in reached[target]):
                    found.add(name)
                    break
        return found

    def _candidates(self) -> list[_Candidate]:
        candidates = []
        for name, lines in sorted(self.qf001.items()):
            edges = frozenset(
                e
                for e in self.closures.edges[name]
                if e[1] in lines and not self.closures.is_first_party(e[3])
            )
            if edges:
                candidates.append(_Candidate(name, 0, edges))
        everywhere: dict[str, set[EdgeKey]] = defaultdict(set)
        for candidate in candidates:
            for edge in candidate.edges:
                everywhere[self._entry(edge[3])].add(edge)
        for heavy, cut in sorted(everywhere.items()):
            if len({e[0] for e in cut}) > 1:
                candidates.append(_Candidate("", 0, frozenset(cut), heavy=heavy))
        reached = self.closures.heavy_reached(NO_CUT)
        for name in sorted(self.scored):
            statements: dict[tuple[int, int], list[EdgeKey]] = defaultdict(list)
            for edge in self.closures.edges[name]:
                statements[edge[1:3]].append(edge)
            for (line, _), found in sorted(statements.items()):
                targets = [e[3] for e in found if self.closures.is_first_party(e[3]) and e[3] != name]
                if any(reached[t] for t in targets):
                    candidates.append(_Candidate(name, line, frozenset(found), targets[-1]))
        return candidates

    def _gain(self, cut: Cut) -> tuple[Fraction, set[str], set[str], set[str]]:
        """The points ``cut`` regains, the chains it ends and starts, the QF001 units it fixes."""
        chains = self._chains(cut)
        ended = {m for m in self.known if m in self.predicted and m not in chains}
        started = {m for m in self.known if m not in self.predicted and m in chains}
        fixed = {m for m, lines in self.qf001.items() if not any(e[1] in lines for e in self._uncut(m, cut))}
        points = self.worth.get(QF101, Fraction(0)) * (len(ended) - len(started))
        points += self.worth.get(QF001, Fraction(0)) * len(fixed)
        return points, ended, started, fixed

    def _uncut(self, name: str, cut: Cut) -> list[EdgeKey]:
        return [
            e
            for e in self.closures.edges[name]
            if e not in cut.edges and not self.closures.is_first_party(e[3])
        ]

    def actions(self) -> list[Action]:
        """The greedy sequence of import actions, then the chains none of them ends."""
        candidates = self._candidates()
        done: frozenset[EdgeKey] = frozenset()
        base = Fraction(0)
        ended_so_far: set[str] = set()
        started_so_far: set[str] = set()
        fixed_so_far: set[str] = set()
        heap = [(-self._gain(Cut(c.edges))[0], index) for index, c in enumerate(candidates)]
        heapq.heapify(heap)
        chosen: list[Action] = []
        while heap and -heap[0][0] > 0:
            _, index = heapq.heappop(heap)
            candidate = candidates[index]
            points, ended, started, fixed = self._gain(Cut(done | candidate.edges))
            fresh = points - base
            if heap and fresh < -heap[0][0]:
                heapq.heappush(heap, (-fresh, index))
                continue
            if fresh <= 0:
                continue
            chosen.append(
                self._action(
                    candidate,
                    done,
                    fresh,
                    ended - ended_so_far,
                    started - started_so_far,
                    fixed - fixed_so_far,
                )
            )
            done, base = done | candidate.edges, points
            ended_so_far, started_so_far, fixed_so_far = ended, started, fixed
        for name in sorted(self.known & self.predicted - ended_so_far):
            chosen.append(self._chain_action(name))
        return chosen

    def _action(
        self,
        candidate: _Candidate,
        done: frozenset[EdgeKey],
        points: Fraction,
        ended: set[str],
        started: set[str],
        fixed: set[str],
    ) -> Action:
        before = Cut(done)
        heavy = sorted({self._entry(h) for e in candidate.edges for h in self.closures.loaded_by(e, before)})
        ends = tuple(sorted(ended))
        saves = self._saves(before, Cut(done | candidate.edges))
        by = self._measured_by(saves)
        if candidate.heavy:
            modules = sorted({e[0] for e in candidate.edges})
            paths = sorted(self.graph.modules[m].path for m in modules)
            text = (
                f"defer every import-time import of {candidate.heavy} (in {plural(len(modules), 'module')}"
                f"{', such as ' + paths[0] if paths else ''}; {len(fixed)} then import no heavy module)"
            )
            if ends:
                text += f": {_ends(ends)}"
            return Action(
                QF001,
                points,
                text,
                _common_folder(paths),
                len(fixed),
                files=len(modules),
                heavy=(candidate.heavy,),
                ends=ends,
                starts=tuple(sorted(started)),
                saves_ms=saves,
                measured=by.module,
                measured_source=by.source,
            )
        module = self.graph.modules[candidate.module]
        if candidate.line:
            code = QF101
            head = f"defer {module.path}:{candidate.line} → {candidate.target}"
            loads = f" (loads {', '.join(heavy)})" if heavy else ""
            text = f"{head}{loads}: {_ends(ends)}"
        else:
            code = QF001
            text = f"defer the heavy imports of {module.path} ({', '.join(heavy)})"
            if ends:
                text += f": {_ends(ends)}"
        return Action(
            code,
            points,
            text,
            module.path,
            len(ends) if candidate.line else len(fixed & {candidate.module}),
            line=candidate.line,
            target=candidate.target,
            heavy=tuple(heavy),
            ends=ends,
            starts=tuple(sorted(started)),
            saves_ms=saves,
            measured=by.module,
            measured_source=by.source,
        )

    def _measured_by(self, saves: float | None) -> Measured:
        """The measurement an action saving ``saves`` names (no module when it names none)."""
        if self.measured is None or saves is None:
            return Measured("", {}, "")
        return self.measured

    def _saves(self, before: Cut, after: Cut) -> float | None:
        if self.measured is None:
            return None
        entry = self.measured.module
        loaded_before = self.closures.heavy(entry, before)
        loaded_after = self.closures.heavy(entry, after)
        return sum(
            ms
            for name, ms in self.measured.saving_ms.items()
            if loaded(name, loaded_before) and not loaded(name, loaded_after)
        )

    def _chain_action(self, name: str) -> Action:
        module = self.graph.modules[name]
        chain = self.graph.heavy_chain(name)
        heavy = chain[-1][1].heavy if chain else ""
        text = f"cut the import chains from {module.path} to {heavy or 'its heavy modules'}"
        if chain and len(chain) > 1:
            text += f" (first hop {module.path}:{chain[0][1].line} → {chain[1][0]})"
        return Action(
            QF101, self.worth[QF101], text, module.path, 1, heavy=(heavy,) if heavy else (), ends=(name,)
        )


def _common_folder(paths: Sequence[str]) -> str:
    """The deepest folder holding every one of ``paths`` (``./`` when they share none)."""
    if not paths:
        return "./"
    common = posixpath.commonpath([posixpath.dirname(p.replace("\\", "/")) or "." for p in paths])
    return f"{common}/" if common and common != "." else "./"


def _ends(ends: Iterable[str]) -> str:
    names = list(ends)
    if not names:
        return "ends no QF101 chain"
    shown = ", ".join(names[:NAMED_CHAINS])
    more = f", +{len(names) - NAMED_CHAINS} more" if len(names) > NAMED_CHAINS else ""
    return f"ends {plural(len(names), 'QF101 chain')} ({shown}{more})"
