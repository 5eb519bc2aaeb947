"""What ``import ENTRY`` loads at import time, and which deferrals take a heavy module out of it.

``fix`` is judged by its outcome: a heavy module that an entry point still loads through one
import nobody can move costs every importer just as much as before, however many other imports
of it were moved. So QF001's fix plans over the project's import graph (QF101's, see
:mod:`~qemlflow_lint.project.graph`), per heavy module and entry point:

- an *edge* is one thing an import-time statement loads: a heavy module, or a first-party
  module (whose own edges then run too);
- a *candidate* is a statement the per-file planner could defer (move into functions, under
  ``if TYPE_CHECKING:``, or load on first access), with the edges it cuts;
- the *closure* of an entry point is every module its import runs, following the edges that
  are not cut, and the heavy modules those load.

A heavy module can leave an entry point's closure when cutting every candidate does take it
out. The candidates are then dropped one by one, as long as every heavy module that could
leave still does: what remains is a set of deferrals each of which some entry point needs.
What stays is explained by its *blockers*: the statements that load it and cannot move.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import NamedTuple

from qemlflow_lint.project.graph import ImportGraph

#: One thing a statement loads: (importing module, line, column, what) where ``what`` is a
#: heavy module (``"pandas"``, ``"scipy.linalg"``) or a first-party module (``"pkg.core"``).
EdgeKey = tuple[str, int, int, str]


class Candidate(NamedTuple):
    """A statement the per-file planner can defer, and the edges deferring it cuts.

    ``rank`` orders the attempts to do without it (lower first): a cut that another can
    replace is dropped before the one that replaces it.
    """

    module: str
    line: int
    col: int
    edges: frozenset[EdgeKey]
    rank: int = 0


class Blocker(NamedTuple):
    """A statement that keeps a heavy module in an entry point's closure, and why it stays."""

    heavy: str
    path: str
    line: int
    reason: str


class EntryOutcome(NamedTuple):
    """What ``import ENTRY`` loads before and after the planned (or applied) deferrals."""

    #: The module name: ``import entry``.
    entry: str
    #: The folder that must come first on ``sys.path`` for ``import entry`` to find the project's copy.
    root: str
    #: The heavy modules its import loads today, sorted.
    before: tuple[str, ...]
    #: The heavy modules it still loads afterwards, sorted.
    after: tuple[str, ...]
    #: Why each heavy module of ``after`` stays: the statements that load it and cannot move.
    blockers: tuple[Blocker, ...] = ()

    @property
    def gone(self) -> tuple[str, ...]:
        """The heavy modules it no longer loads."""
        return tuple(heavy for heavy in self.before if not loaded(heavy, self.after))


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


class Closures:
    """The import-time closures of a graph's modules, with some edges cut.

    ``loads_too`` names the heavy modules another one loads when it is imported (pandas loads
    numpy): a heavy module stays while one that loads it stays. ``whole`` names a heavy
    module by the package that loads with it (``torch`` for ``torch.nn``: torch imports all
    of itself), or keeps its name (``scipy.linalg``: ``scipy.special`` does not load it).
    """

    def __init__(
        self,
        graph: ImportGraph,
        loads_too: Callable[[str], Collection[str]],
        whole: Callable[[str], str] = lambda name: name,
    ) -> None:
        self.graph = graph
        self.loads_too = loads_too
        self.edges: dict[str, list[EdgeKey]] = {}
        for name, module in graph.modules.items():
            found: list[EdgeKey] = []
            for statement in module.statements:
                for heavy in statement.heavy_names or ((statement.heavy,) if statement.heavy else ()):
                    found.append((name, statement.line, statement.col, whole(heavy)))
                found.extend((name, statement.line, statement.col, t) for t in statement.targets)
            self.edges[name] = list(dict.fromkeys(found))

    def is_first_party(self, what: str) -> bool:
        """True when an edge's target is a module of the graph (else it is a heavy module)."""
        return what in self.graph.modules

    def modules(self, entry: str, cut: Collection[EdgeKey]) -> set[str]:
        """The modules ``import entry`` runs, its enclosing packages first."""
        seen: set[str] = set()
        queue = deque(p for p in _parents(entry) if p in self.graph.modules)
        seen.update(queue)
        while queue:
            for edge in self.edges[queue.popleft()]:
                what = edge[3]
                if what in self.graph.modules and what not in seen and edge not in cut:
                    seen.add(what)
                    queue.append(what)
        return seen

    def heavy(self, entry: str, cut: Collection[EdgeKey]) -> dict[str, list[EdgeKey]]:
        """The heavy modules ``import entry`` loads, each with the uncut edges that load it
        (directly, or by loading another heavy module that loads it)."""
        direct: dict[str, list[EdgeKey]] = {}
        for name in sorted(self.modules(entry, cut)):
            for edge in self.edges[name]:
                if edge not in cut and edge[3] not in self.graph.modules:
                    direct.setdefault(edge[3], []).append(edge)
        found = {heavy: list(edges) for heavy, edges in direct.items()}
        pending = list(direct)
        while pending:
            heavy = pending.pop()
            for other in self.loads_too(heavy):
                if other not in found:
                    found[other] = list(found[heavy])
                    pending.append(other)
        return found

    def loaded_by(self, edge: EdgeKey, cut: Collection[EdgeKey]) -> set[str]:
        """The heavy modules one edge loads, through the first-party modules it runs."""
        what = edge[3]
        if what not in self.graph.modules:
            return {what, *self.loads_too(what)}
        return set(self.heavy(what, cut))


def loaded(name: str, names: Collection[str]) -> bool:
    """True when importing ``names`` loads heavy module ``name``: it is one of them, or the
    package of one (``scipy.special`` loads ``scipy``)."""
    return any(other == name or other.startswith(name + ".") for other in names)


def gone(before: Collection[str], after: Collection[str]) -> frozenset[str]:
    """The heavy modules of ``before`` that importing ``after`` no longer loads."""
    return frozenset(name for name in before if not loaded(name, after))


class Selection(NamedTuple):
    """The candidates kept, and what each entry point loads before and after them."""

    kept: tuple[Candidate, ...]
    #: Entry point -> heavy module -> the uncut edges that load it afterwards.
    staying: Mapping[str, Mapping[str, Sequence[EdgeKey]]]
    #: Entry point -> the heavy modules it loads today.
    before: Mapping[str, frozenset[str]]
    #: Entry point -> the modules it runs afterwards.
    closure: Mapping[str, frozenset[str]]


def select(closures: Closures, entries: Sequence[str], candidates: Iterable[Candidate]) -> Selection:
    """The candidates some entry point needs to lose a heavy module (see the module docstring)."""
    every = sorted(candidates, key=lambda c: (c.rank, c.module, -c.line, -c.col))
    cut: set[EdgeKey] = {edge for candidate in every for edge in candidate.edges}
    before = {entry: frozenset(closures.heavy(entry, ())) for entry in entries}
    leaving = {entry: gone(before[entry], closures.heavy(entry, cut)) for entry in entries}
    runs = {entry: closures.modules(entry, cut) for entry in entries}
    kept: list[Candidate] = []
    for candidate in every:
        trial = cut - candidate.edges
        affected = [e for e in entries if leaving[e] and candidate.module in runs[e]]
        if all(not (leaving[e] - gone(leaving[e], closures.heavy(e, trial))) for e in affected):
            cut = trial
            for entry in affected:
                runs[entry] = closures.modules(entry, cut)
        else:
            kept.append(candidate)
    staying = {entry: closures.heavy(entry, cut) for entry in entries}
    closure = {entry: frozenset(closures.modules(entry, cut)) for entry in entries}
    return Selection(tuple(kept), staying, before, closure)
