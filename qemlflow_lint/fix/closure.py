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

    ``rank`` orders the attempts to do without it (lower first, then the deepest modules
    first): a cut that another can replace is dropped before the one that replaces it. ``lazy`` holds the names a package
    then loads on first access (PEP 562), each with what loading it imports: a statement
    elsewhere that imports such a name at import time (``from pkg import name``) still runs it.
    """

    module: str
    line: int
    col: int
    edges: frozenset[EdgeKey]
    rank: int = 0
    lazy: frozenset[tuple[str, str]] = frozenset()


class Cut(NamedTuple):
    """The edges some candidates cut, and the names each package loads on first access."""

    edges: frozenset[EdgeKey] = frozenset()
    #: Package -> name -> the modules (first-party or heavy) asking for the name imports.
    lazy: Mapping[str, Mapping[str, frozenset[str]]] = {}

    @classmethod
    def of(cls, candidates: Iterable[Candidate]) -> Cut:
        """The cut the ``candidates`` make together."""
        edges: set[EdgeKey] = set()
        lazy: dict[str, dict[str, set[str]]] = {}
        for candidate in candidates:
            edges |= candidate.edges
            for name, target in candidate.lazy:
                lazy.setdefault(candidate.module, {}).setdefault(name, set()).add(target)
        frozen = {m: {n: frozenset(t) for n, t in names.items()} for m, names in lazy.items()}
        return cls(frozenset(edges), frozen)


#: Nothing cut.
NO_CUT = Cut()


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
        #: The names a ``from package import …`` edge asks its package for.
        self.names: dict[EdgeKey, frozenset[str]] = {}
        for name, module in graph.modules.items():
            found: list[EdgeKey] = []
            for statement in module.statements:
                for heavy in statement.heavy_names or ((statement.heavy,) if statement.heavy else ()):
                    found.append((name, statement.line, statement.col, whole(heavy)))
                for target in statement.targets:
                    edge = (name, statement.line, statement.col, target)
                    found.append(edge)
                    # ``from target import a, b`` asks the package for these names.
                    asked = {r.rpartition(".")[2] for r in statement.runs if r.rpartition(".")[0] == target}
                    if asked:
                        self.names[edge] = frozenset(asked)
            self.edges[name] = list(dict.fromkeys(found))

    def is_first_party(self, what: str) -> bool:
        """True when an edge's target is a module of the graph (else it is a heavy module)."""
        return what in self.graph.modules

    def _walk(self, entry: str, cut: Cut) -> tuple[set[str], dict[str, list[EdgeKey]]]:
        """The modules ``import entry`` runs, and the heavy modules their uncut edges load
        directly, each with those edges. A name a package loads on first access is loaded
        by every statement that imports it from the package (``from pkg import name``)."""
        modules = self.graph.modules
        seen: set[str] = set()
        heavy: dict[str, list[EdgeKey]] = {}
        queue = deque(p for p in _parents(entry) if p in modules)
        seen.update(queue)

        def reach(what: str, edge: EdgeKey) -> None:
            if what not in modules:
                heavy.setdefault(what, []).append(edge)
            elif what not in seen:
                seen.add(what)
                queue.append(what)

        while queue:
            for edge in self.edges[queue.popleft()]:
                if edge in cut.edges:
                    continue
                what = edge[3]
                reach(what, edge)
                lazy = cut.lazy.get(what)
                if lazy:
                    for name in self.names.get(edge, ()):
                        for target in lazy.get(name, ()):
                            reach(target, edge)
        return seen, heavy

    def modules(self, entry: str, cut: Cut = NO_CUT) -> set[str]:
        """The modules ``import entry`` runs, its enclosing packages first."""
        return self._walk(entry, cut)[0]

    def heavy(self, entry: str, cut: Cut = NO_CUT) -> dict[str, list[EdgeKey]]:
        """The heavy modules ``import entry`` loads, each with the uncut edges that load it
        (directly, or by loading another heavy module that loads it)."""
        direct = self._walk(entry, cut)[1]
        found = {heavy: sorted(edges) for heavy, edges in direct.items()}
        pending = list(direct)
        while pending:
            heavy = pending.pop()
            for other in self.loads_too(heavy):
                if other not in found:
                    found[other] = list(found[heavy])
                    pending.append(other)
        return found

    def loaded_by(self, edge: EdgeKey, cut: Cut) -> set[str]:
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
    #: What the kept candidates cut.
    cut: Cut = NO_CUT


def select(closures: Closures, entries: Sequence[str], candidates: Iterable[Candidate]) -> Selection:
    """The candidates some entry point needs to lose a heavy module (see the module docstring)."""
    # Within a rank, the deepest modules' candidates go first: a package made lazy near the
    # entry point saves more than a cut deep down the chain (everything below it, heavy or
    # not, stops loading), so it is the one kept when either would do.
    every = sorted(candidates, key=lambda c: (c.rank, -c.module.count("."), c.module, -c.line, -c.col))
    active = list(every)
    cut = Cut.of(active)
    before = {entry: frozenset(closures.heavy(entry)) for entry in entries}
    leaving = {entry: gone(before[entry], closures.heavy(entry, cut)) for entry in entries}
    runs = {entry: closures.modules(entry, cut) for entry in entries}
    for candidate in every:
        others = [c for c in active if c is not candidate]
        trial = Cut.of(others)
        affected = [e for e in entries if leaving[e] and candidate.module in runs[e]]
        if all(not (leaving[e] - gone(leaving[e], closures.heavy(e, trial))) for e in affected):
            active, cut = others, trial
            for entry in affected:
                runs[entry] = closures.modules(entry, cut)
    staying = {entry: closures.heavy(entry, cut) for entry in entries}
    closure = {entry: frozenset(closures.modules(entry, cut)) for entry in entries}
    return Selection(tuple(active), staying, before, closure, cut)
