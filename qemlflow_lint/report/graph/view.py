"""What ``qemlflow-lint graph`` draws: the part of the import graph asked for, with the
chains QF101 reported and the cycles QF102 reported.

The graph is the one the project rules ran on (:func:`~qemlflow_lint.run.project_rules.project_graphs`
over the same analysis), so configuration, excludes and the library scope are those of
``check``. A chain or a cycle is marked only where its finding reached the results: a rule
switched off, a ``per-file-ignores`` entry or a ``# noqa`` comment hides it here as in ``check``.

Which modules are shown:

- by default, the library modules (what the rules report on: not tests, scripts or
  ``__main__.py``) and every module they import at import time;
- with ``everything``, every analysed module;
- with ``module``, that module and what it imports at import time, transitively;
- with ``heavy_only``, of those, only the paths to heavy modules: each module's shortest
  import chain through other first-party modules to a heavy module it does not import itself
  (QF101's chain, reported or not), and the heavy module at its end; with ``module``, that
  module's own imports of heavy modules too;
- with ``depth`` N, every first-party module below depth N (``a.b.c`` is at depth 3) drawn
  as the one node of its package at depth N, the imports between them merged.

Paths are relative to the project root, ``/``-separated, and every list is sorted, so the
output is the same from any working directory.
"""

from __future__ import annotations

import difflib
import posixpath
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from qemlflow_lint.model.findings import FileResult, Finding
from qemlflow_lint.model.paths import posix_path
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.project.graph import ImportGraph, Module
from qemlflow_lint.run.project_rules import project_graphs

#: Edge kinds: an import of a first-party module, of a heavy module, and the ``from pkg
#: import Name`` of a submodule whose package's ``__init__.py`` imports it (QF102).
FIRST_PARTY, HEAVY, OWN_PACKAGE = "first-party", "heavy", "own-package"
#: Node kinds.
LIBRARY, SCRIPT, THIRD_PARTY = "library", "script", "third-party"
#: Cycle kinds: modules that import each other, and a package whose ``__init__.py`` runs a
#: submodule that imports a name from the package.
IMPORT_CYCLE = "import"

_CHAIN_CODE, _CYCLE_CODE = "QF101", "QF102"


class Node(NamedTuple):
    """A module drawn: first-party (with its path) or a heavy module the project imports."""

    name: str
    #: The file below the project root; "" for a module that is not first-party.
    path: str
    #: :data:`LIBRARY`, :data:`SCRIPT` (tests, scripts, ``__main__.py``) or :data:`THIRD_PARTY`.
    kind: str
    heavy: bool
    in_cycle: bool
    on_heavy_chain: bool
    #: The modules ``depth`` drew as this one node (its package and every module below it,
    #: sorted); () for a node that is one module.
    modules: tuple[str, ...] = ()

    @property
    def package(self) -> str:
        """The first-party package the node is drawn in ("" for a top-level module and for
        a module that is not first-party)."""
        return self.name.rpartition(".")[0] if self.path else ""

    @property
    def short_name(self) -> str:
        """The last part of the name, which its package does not already say
        (a third-party module keeps its whole name)."""
        return self.name.rpartition(".")[2] if self.path else self.name


class Edge(NamedTuple):
    """``source`` imports ``target`` at import time, first on ``line`` of ``source``."""

    source: str
    target: str
    line: int
    #: :data:`FIRST_PARTY`, :data:`HEAVY` or :data:`OWN_PACKAGE`.
    kind: str
    on_heavy_chain: bool
    in_cycle: bool
    #: The file of ``line``, below the project root.
    file: str = ""
    #: How many imports of one module by another the edge stands for: more than one where
    #: ``depth`` merged modules.
    imports: int = 1


class Hop(NamedTuple):
    """One step of a heavy chain: ``module`` (in ``path``) imports the next on ``line``."""

    module: str
    path: str
    line: int


class HeavyChain(NamedTuple):
    """The shortest heavy chain QF101 reported for ``module``."""

    module: str
    heavy: str
    hops: tuple[Hop, ...]


class Cycle(NamedTuple):
    """An import cycle QF102 reported: its modules (sorted) and one way round it."""

    #: :data:`IMPORT_CYCLE` or :data:`OWN_PACKAGE`.
    kind: str
    modules: tuple[str, ...]
    #: The modules in import order, the first one repeated at the end.
    cycle: tuple[str, ...]


class GraphView(NamedTuple):
    """Everything a graph format draws, sorted."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    chains: tuple[HeavyChain, ...]
    cycles: tuple[Cycle, ...]
    #: The module ``--module`` asked for, or "".
    module: str = ""
    heavy_only: bool = False
    #: The ``depth`` below which packages are drawn as one node; 0 for none.
    depth: int = 0


def packages_of(nodes: Iterable[Node]) -> dict[str, list[Node]]:
    """The first-party packages the nodes are drawn in, with their enclosing packages, each
    with the nodes drawn directly in it (in node order)."""
    packages: dict[str, list[Node]] = {}
    for node in nodes:
        parts = node.package.split(".") if node.package else []
        for end in range(1, len(parts) + 1):
            packages.setdefault(".".join(parts[:end]), [])
        if node.package:
            packages[node.package].append(node)
    return packages


class UnknownModule(Exception):
    """``--module`` names no module of the graph; the message lists the closest names."""


def _reported(results: Iterable[FileResult]) -> dict[tuple[str, str], list[Finding]]:
    """The project rules' findings that reached the results, by (path, code)."""
    found: dict[tuple[str, str], list[Finding]] = {}
    for result in results:
        for finding in result.findings:
            if finding.code in (_CHAIN_CODE, _CYCLE_CODE):
                found.setdefault((result.path, finding.code), []).append(finding)
    return found


class _Project(NamedTuple):
    """The merged graphs and what the rules reported on them."""

    modules: dict[str, Module]
    paths: dict[str, str]
    chains: dict[str, HeavyChain]
    cycles: list[Cycle]
    #: Own-package cycles' closing edges: (submodule, package) → line.
    closing: dict[tuple[str, str], int]
    #: Every module's shortest heavy chain, reported or not (filled only for ``heavy_only``).
    paths_to_heavy: dict[str, HeavyChain]


def _chain(graph: ImportGraph, name: str, paths: Mapping[str, str]) -> HeavyChain | None:
    chain = graph.heavy_chain(name)
    if chain is None:
        return None
    hops = tuple(Hop(module, paths[module], statement.line) for module, statement in chain)
    return HeavyChain(name, chain[-1][1].heavy, hops)


def _entry(graph: ImportGraph, name: str, component: set[str]) -> tuple[int, int]:
    """Where QF102 reports ``name``'s plain cycle: its first import into its component."""
    statement = next(s for s, t in graph.edges(name) if t in component)
    return (statement.line, statement.col)


def _positions(
    graph: ImportGraph, name: str, reported: Mapping[tuple[str, str], list[Finding]]
) -> list[tuple[int, int]]:
    return [(f.line, f.col) for f in reported.get((graph.modules[name].path, _CYCLE_CODE), [])]


def _cycles(graph: ImportGraph, reported: Mapping[tuple[str, str], list[Finding]]) -> list[tuple[Cycle, int]]:
    """The cycles QF102 reported, each with the line of its closing ``from package import
    …`` (0 for a plain cycle).

    A plain cycle (a strongly connected component) counts when QF102's finding on one of
    its members reached the results, at the member's first import into the cycle. A cycle
    through a package's ``__init__.py`` counts when QF102 reported the submodule's
    ``from package import …``: one finding more at that statement than the plain cycle
    accounts for (``# noqa`` and ``per-file-ignores`` hide both findings of a line alike).
    """
    found: list[tuple[Cycle, int]] = []
    entries: dict[str, tuple[int, int]] = {}
    for component in graph.cycles():
        members = {name: _entry(graph, name, component) for name in component if graph.modules[name].checked}
        entries.update(members)
        if any(members[name] in _positions(graph, name, reported) for name in members):
            start = min(component)
            first = next(t for _, t in graph.edges(start) if t in component)
            way = graph.shortest_cycle(start, first, component)
            found.append((Cycle(IMPORT_CYCLE, tuple(sorted(component)), tuple(way)), 0))
    for name, module in sorted(graph.modules.items()):
        positions = _positions(graph, name, reported)
        for statement in module.statements if positions else ():
            package = statement.from_own_package[0]
            position = (statement.line, statement.col)
            if not package or positions.count(position) <= (entries.get(name) == position):
                continue
            runs = graph.path(package, name)
            if runs is not None:
                found.append((Cycle(OWN_PACKAGE, tuple(sorted(runs)), (*runs, package)), statement.line))
    return found


def _project(results: Sequence[FileResult], configs: Mapping[str, Settings], every_chain: bool) -> _Project:
    """The project graphs merged by module name (the first project of a name wins, as for
    ``importtime``), with the chains and cycles the rules reported, and with ``every_chain``
    the heavy chain of every module."""
    reported = _reported(results)
    project_paths = {result.path: result.project_path or posix_path(result.path) for result in results}
    modules: dict[str, Module] = {}
    chains: dict[str, HeavyChain] = {}
    cycles: list[Cycle] = []
    closing: dict[tuple[str, str], int] = {}
    paths_to_heavy: dict[str, HeavyChain] = {}
    for graph in project_graphs(results, configs):
        own = {name: m for name, m in graph.modules.items() if name not in modules}
        modules.update(own)
        paths = {name: project_paths[m.path] for name, m in graph.modules.items()}
        for name, module in own.items():
            reported_chain = (module.path, _CHAIN_CODE) in reported
            chain = _chain(graph, name, paths) if reported_chain or every_chain else None
            if chain is not None and reported_chain:
                chains[name] = chain
            if chain is not None and every_chain:
                paths_to_heavy[name] = chain
        for cycle, line in _cycles(graph, reported):
            if set(cycle.modules) <= set(own):
                cycles.append(cycle)
                if line:
                    closing.setdefault((cycle.cycle[-2], cycle.cycle[-1]), line)
    paths = {name: project_paths[module.path] for name, module in modules.items()}
    return _Project(modules, paths, chains, sorted(set(cycles)), closing, paths_to_heavy)


def _imports(project: _Project, name: str) -> dict[str, tuple[int, str]]:
    """What module ``name`` imports at import time: target → (first line, edge kind)."""
    found: dict[str, tuple[int, str]] = {}
    for statement in project.modules[name].statements:
        for target in statement.targets:
            found.setdefault(target, (statement.line, FIRST_PARTY))
        if statement.heavy:
            kind = FIRST_PARTY if statement.heavy in project.modules else HEAVY
            found.setdefault(statement.heavy, (statement.line, kind))
    return found


#: What each first-party module imports at import time: target → (first line, edge kind).
_Imports = Mapping[str, Mapping[str, tuple[int, str]]]


def _reachable(imports: Mapping[str, Iterable[str]], starts: Iterable[str]) -> set[str]:
    """``starts`` and every module they lead to."""
    seen = set(starts)
    queue = deque(sorted(seen))
    while queue:
        for target in imports.get(queue.popleft(), {}):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def unknown_module_message(name: str, known: Iterable[str]) -> str:
    """One line: ``name`` is not a module of the graph, and the closest names that are."""
    names = sorted(known)
    close = difflib.get_close_matches(name, names, n=5, cutoff=0.6)
    if close:
        return f"no first-party module {name!r} in the graph; did you mean {', '.join(close)}?"
    if not names:
        return f"no first-party module {name!r}: the graph has no modules"
    listed = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
    return f"no first-party module {name!r} in the graph (its modules: {listed})"


def _shown(project: _Project, imports: _Imports, module: str, everything: bool) -> set[str]:
    """The modules the options ask for, before ``heavy_only``."""
    if module:
        if module not in project.modules:
            raise UnknownModule(unknown_module_message(module, project.modules))
        return _reachable(imports, [module])
    starts = [name for name, m in project.modules.items() if everything or m.checked]
    return _reachable(imports, starts)


def _paths_to_heavy(
    project: _Project, imports: _Imports, shown: set[str], module: str
) -> set[tuple[str, str]]:
    """The edges of the shown modules' heavy chains, and ``module``'s own heavy imports."""
    edges: set[tuple[str, str]] = set()
    for name in sorted(shown):
        chain = project.paths_to_heavy.get(name)
        if chain is not None:
            names = [hop.module for hop in chain.hops] + [chain.heavy]
            edges |= set(zip(names, names[1:]))
    if module:
        own = {s.heavy for s in project.modules[module].statements if s.heavy}
        edges |= {(module, target) for target in imports[module] if target in own}
    return edges


def graph_view(
    results: Sequence[FileResult],
    configs: Mapping[str, Settings],
    *,
    module: str = "",
    heavy_only: bool = False,
    everything: bool = False,
    depth: int = 0,
) -> GraphView:
    """The view of one analysis (``configs``: each analysed file's settings, as
    :class:`~qemlflow_lint.run.api.Analysis` holds them) that the options ask for.

    Raises :class:`UnknownModule` when ``module`` is not a module of the graph.
    """
    project = _project(results, configs, every_chain=heavy_only)
    imports = {name: _imports(project, name) for name in project.modules}
    shown = _shown(project, imports, module, everything)
    drawn: set[tuple[str, str]] | None = None
    if heavy_only:
        drawn = _paths_to_heavy(project, imports, shown, module)
        shown = {name for edge in drawn for name in edge}
    heavy = {s.heavy for m in project.modules.values() for s in m.statements if s.heavy} & shown
    chains = [chain for name, chain in sorted(project.chains.items()) if name in shown]
    cycles = [cycle for cycle in project.cycles if set(cycle.modules) <= shown]
    view = _assemble(project, imports, (shown, heavy), chains, cycles, drawn)
    if depth:
        view = collapse(view, depth)
    return view._replace(module=module, heavy_only=heavy_only, depth=depth)


def _assemble(
    project: _Project,
    imports: _Imports,
    nodes: tuple[set[str], set[str]],
    chains: list[HeavyChain],
    cycles: list[Cycle],
    drawn: set[tuple[str, str]] | None,
) -> GraphView:
    """The nodes and edges among ``nodes`` (the shown modules, and which of them are
    heavy; only the edges ``drawn`` when given), marked with the chains and cycles."""
    shown, heavy = nodes
    chain_edges = set()
    for chain in chains:
        names = [hop.module for hop in chain.hops] + [chain.heavy]
        chain_edges |= set(zip(names, names[1:]))
    cycle_edges = set()
    for cycle in cycles:
        if cycle.kind == IMPORT_CYCLE:
            members = set(cycle.modules)
            cycle_edges |= {(s, t) for s in members for t in imports[s] if t in members}
        else:
            cycle_edges |= set(zip(cycle.cycle, cycle.cycle[1:]))
    in_cycle = {name for cycle in cycles for name in cycle.modules}
    on_chain = {name for edge in chain_edges for name in edge}

    def edge(source: str, target: str, line: int, kind: str) -> Edge:
        marks = ((source, target) in chain_edges, (source, target) in cycle_edges)
        return Edge(source, target, line, kind, *marks, project.paths[source])

    edges = [
        edge(source, target, line, kind)
        for source in shown
        if source in imports
        for target, (line, kind) in imports[source].items()
        if target in shown and (drawn is None or (source, target) in drawn)
    ]
    edges += [
        edge(source, target, line, OWN_PACKAGE)
        for (source, target), line in project.closing.items()
        if (source, target) in cycle_edges and target not in imports[source] and drawn is None
    ]
    nodes_drawn = []
    for name in shown:
        first_party = project.modules.get(name)
        kind = THIRD_PARTY if first_party is None else LIBRARY if first_party.checked else SCRIPT
        path = "" if first_party is None else project.paths[name]
        nodes_drawn.append(Node(name, path, kind, name in heavy, name in in_cycle, name in on_chain))
    return GraphView(
        tuple(sorted(nodes_drawn)),
        tuple(sorted(edges, key=lambda e: (e.source, e.target))),
        tuple(chains),
        tuple(cycles),
    )


def _at_depth(node: Node, depth: int) -> str:
    """The name ``node`` is drawn under at ``depth``: a first-party module below it is its
    package's there."""
    return ".".join(node.name.split(".")[:depth]) if node.path else node.name


def _folder(name: str, members: Sequence[Node]) -> str:
    """The folder of package ``name``, ``/`` at the end: its ``__init__.py``'s, else the one
    its modules share."""
    own = next((node.path for node in members if node.name == name), "")
    if own.endswith("/__init__.py"):
        return own[: -len("__init__.py")]
    return posixpath.commonpath([posixpath.dirname(node.path) for node in members]) + "/"


def collapse(view: GraphView, depth: int) -> GraphView:
    """``view`` with every first-party module below ``depth`` drawn as its package at
    ``depth``: one node with the package's folder as its path and the modules it stands for,
    the imports between two such nodes merged into one edge (from the first, counted), the
    imports inside one dropped. A node keeps a mark any of its modules has."""
    groups: dict[str, list[Node]] = {}
    for node in view.nodes:
        groups.setdefault(_at_depth(node, depth), []).append(node)
    nodes = []
    for name, members in groups.items():
        if len(members) == 1 and members[0].name == name:
            nodes.append(members[0])
            continue
        kind = LIBRARY if any(node.kind == LIBRARY for node in members) else members[0].kind
        heavy = any(node.heavy for node in members)
        in_cycle, on_chain = (
            any(node.in_cycle for node in members),
            any(node.on_heavy_chain for node in members),
        )
        modules = tuple(node.name for node in members)
        nodes.append(Node(name, _folder(name, members), kind, heavy, in_cycle, on_chain, modules))
    drawn_as = {node.name: _at_depth(node, depth) for node in view.nodes}
    merged: dict[tuple[str, str], list[Edge]] = {}
    for edge in view.edges:
        ends = (drawn_as[edge.source], drawn_as[edge.target])
        if ends[0] != ends[1]:
            merged.setdefault(ends, []).append(edge)
    edges = []
    for (source, target), parts in merged.items():
        first = parts[0]
        kind = HEAVY if any(e.kind == HEAVY for e in parts) else first.kind
        chain, cycle = any(e.on_heavy_chain for e in parts), any(e.in_cycle for e in parts)
        edges.append(
            Edge(source, target, first.line, kind, chain, cycle, first.file, sum(e.imports for e in parts))
        )
    return view._replace(
        nodes=tuple(sorted(nodes)), edges=tuple(sorted(edges, key=lambda e: (e.source, e.target)))
    )
