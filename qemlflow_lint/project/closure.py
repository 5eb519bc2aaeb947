"""What importing a module loads at import time, with some of its import statements cut.

Shared by ``fix``, which plans deferrals over it
(:mod:`qemlflow_lint.fix.import_deferral.closure`), and by the score's best next fixes, which rank the same deferrals by the points and the milliseconds
they regain: both read the project's import graph (QF101's, see
:mod:`~qemlflow_lint.project.graph`) the same way.

- an *edge* is one thing an import-time statement loads: a heavy module, or a first-party
  module (whose own edges then run too);
- a *candidate* is a statement that could be deferred, with the edges deferring it cuts;
- the *closure* of a module is every module its import runs, following the edges that are
  not cut, and the heavy modules those load.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import NamedTuple

from qemlflow_lint.model.heavy import EAGER_PACKAGES, LOADS_TOO, match_heavy
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

    def heavy_reached(self, cut: Cut = NO_CUT) -> dict[str, frozenset[str]]:
        """The heavy modules (as the edges name them) that every module's own statements and
        the first-party modules they import load, following the uncut edges: for all modules
        at once, as QF101 follows a chain (a module's enclosing packages are not added)."""
        reached: dict[str, set[str]] = {name: set() for name in self.graph.modules}
        importers: dict[str, set[str]] = {name: set() for name in self.graph.modules}
        for name, edges in self.edges.items():
            for edge in edges:
                if edge in cut.edges:
                    continue
                what = edge[3]
                lazy = cut.lazy.get(what, {})
                for target in (what, *(t for n in self.names.get(edge, ()) for t in lazy.get(n, ()))):
                    if target in reached:
                        importers[target].add(name)
                    else:
                        reached[name].add(target)
        pending = deque(name for name, heavy in reached.items() if heavy)
        while pending:
            name = pending.popleft()
            for importer in importers[name]:
                if not reached[name] <= reached[importer]:
                    reached[importer] |= reached[name]
                    pending.append(importer)
        return {name: frozenset(heavy) for name, heavy in reached.items()}

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


def loads_too(heavy_modules: Collection[str]) -> Callable[[str], frozenset[str]]:
    """The configured heavy entries that importing a heavy entry loads too (``pandas``
    loads ``numpy`` when that is listed), from :data:`~qemlflow_lint.model.heavy.LOADS_TOO`."""
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
