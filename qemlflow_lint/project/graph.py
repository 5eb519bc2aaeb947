"""The first-party import graph: which of the project's modules import which, at import time.

Nodes are the analysed files, named as Python imports them (see
:mod:`qemlflow_lint.model.modules`: the path below the first folder that is not a package).
Edges come from :class:`~qemlflow_lint.model.findings.RawImport` records, the same records
QF001 reports from:

- ``import a.b.c`` runs ``a``, ``a.b`` and ``a.b.c`` (each that is first-party);
- ``from x import n`` runs ``x`` and, when ``x.n`` is a first-party module, ``x.n``;
- relative imports are resolved against the importing module's package;
- a module's own enclosing packages are never targets: Python has already started them.

Heavy imports are kept on the statements that write them, so project rules can follow a
chain from any module to the heavy module at its end.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from typing import NamedTuple

from qemlflow_lint.model.findings import FileResult, RawImport
from qemlflow_lint.model.modules import is_main_file


class Statement(NamedTuple):
    """One import-time import statement of a module, resolved."""

    line: int
    col: int
    #: First-party modules it runs, in order.
    targets: tuple[str, ...]
    #: Every module it may run, first-party or not (absolute names, parents first).
    runs: tuple[str, ...]
    #: The heavy module it imports, or "".
    heavy: str
    text: str
    #: ``(package, names)`` when it is ``from package import names`` with ``package`` an
    #: enclosing package of the importing module and some of the names not modules: names
    #: the package's ``__init__.py`` must have bound already when this module runs.
    from_own_package: tuple[str, tuple[str, ...]] = ("", ())
    #: True inside a ``try`` that catches ``ImportError``: an optional import.
    optional: bool = False
    #: The heavy modules it imports as QF001 names them (``scipy.linalg``, ``torch.nn``).
    heavy_names: tuple[str, ...] = ()


class Module(NamedTuple):
    """A first-party module: its name, file and import-time imports."""

    name: str
    path: str
    statements: tuple[Statement, ...]
    #: True for library code: not a test file, not a script (decided with the file's
    #: settings when it was analysed).
    library: bool = True
    #: The names its ``from … import names`` statements bind at import time.
    imported_names: frozenset[str] = frozenset()

    @property
    def checked(self) -> bool:
        """Only library code is imported API: test files, scripts and ``__main__.py`` are
        nodes of the graph but not reported."""
        return self.library and not is_main_file(self.path)


def _package_of(name: str, path: str) -> str:
    return name if os.path.basename(path) == "__init__.py" else name.rpartition(".")[0]


def _resolve(raw: RawImport, name: str, path: str) -> str | None:
    if not raw.level:
        return raw.module
    parts = _package_of(name, path).split(".") if _package_of(name, path) else []
    if raw.level - 1 > len(parts):
        return None  # beyond the top-level package: Python raises ImportError
    base = parts[: len(parts) - (raw.level - 1)]
    return ".".join([*base, raw.module] if raw.module else base) or None


def _prefixes(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


class ImportGraph(NamedTuple):
    """The project's first-party modules and their import-time edges (named tuples here:
    the rules' base module imports this one, and editors import the rules)."""

    modules: Mapping[str, Module]

    @classmethod
    def build(cls, results: Iterable[FileResult]) -> ImportGraph:
        """The graph of the analysed files of one project (each module once: the first
        file of a name wins, as the first folder on ``sys.path`` would)."""
        named: dict[str, FileResult] = {}
        for result in results:
            if result.ok and result.module:
                named.setdefault(result.module, result)
        modules: dict[str, Module] = {}
        for name, result in named.items():
            ancestors = set(_prefixes(name)[:-1]) | {name}
            if os.path.basename(result.path) == "__init__.py":
                ancestors.add(name)
            statements = []
            for raw in result.imports:
                absolute = _resolve(raw, name, result.path)
                if absolute is None:
                    continue
                candidates = _prefixes(absolute)
                candidates += [f"{absolute}.{n}" for n in raw.names if n != "*"]
                runs = tuple(dict.fromkeys(candidates))
                targets = tuple(c for c in runs if c in named and c not in ancestors)
                own: tuple[str, tuple[str, ...]] = ("", ())
                if raw.names and absolute in ancestors and absolute != name:
                    bound = tuple(n for n in raw.names if f"{absolute}.{n}" not in named)
                    own = (absolute, bound) if bound else own
                statements.append(
                    Statement(
                        raw.line,
                        raw.col,
                        targets,
                        runs,
                        raw.heavy,
                        raw.text,
                        own,
                        raw.optional,
                        raw.heavy_names,
                    )
                )
            ordered = tuple(sorted(statements, key=lambda s: (s.line, s.col)))
            imported = frozenset(n for raw in result.imports for n in raw.names if n != "*")
            modules[name] = Module(name, result.path, ordered, result.library, imported)
        return cls(modules)

    def edges(self, name: str) -> Iterator[tuple[Statement, str]]:
        """``(statement, target)`` for every first-party module ``name`` imports."""
        for statement in self.modules[name].statements:
            for target in statement.targets:
                yield statement, target

    def statement_importing(self, name: str, target: str) -> Statement | None:
        """The first import-time statement of module ``name`` that runs ``target``
        (first-party or not), or None when no statement does (e.g. it runs in a function)."""
        module = self.modules.get(name)
        if module is None:
            return None
        return next((s for s in module.statements if target in s.runs), None)

    def heavy_chain(self, start: str) -> list[tuple[str, Statement]] | None:
        """The shortest chain of ``(module, statement)`` hops from ``start`` through at
        least one other first-party module to a statement that imports a heavy module that
        ``start`` does not import itself (that import is reported where it is written:
        counting it again through a chain would charge the module twice)."""
        own = {statement.heavy for statement in self.modules[start].statements if statement.heavy}
        previous: dict[str, tuple[str, Statement]] = {}
        queue: deque[str] = deque()
        for statement, target in self.edges(start):
            if target != start and target not in previous:
                previous[target] = (start, statement)
                queue.append(target)
        while queue:
            current = queue.popleft()
            heavy = next(
                (s for s in self.modules[current].statements if s.heavy and s.heavy not in own), None
            )
            if heavy is not None:
                chain = [(current, heavy)]
                node = current
                while node != start:
                    parent, statement = previous[node]
                    chain.append((parent, statement))
                    node = parent
                return list(reversed(chain))
            for statement, target in self.edges(current):
                if target != start and target not in previous:
                    previous[target] = (current, statement)
                    queue.append(target)
        return None

    def path(self, start: str, end: str) -> list[str] | None:
        """The shortest chain of import-time imports from module ``start`` to ``end``
        (both included), or ``None`` when importing ``start`` never imports ``end``."""
        previous: dict[str, str | None] = {start: None}
        queue: deque[str] = deque([start])
        while queue:
            current = queue.popleft()
            if current == end:
                chain: list[str] = []
                node: str | None = current
                while node is not None:
                    chain.append(node)
                    node = previous[node]
                return list(reversed(chain))
            for _, target in self.edges(current):
                if target not in previous:
                    previous[target] = current
                    queue.append(target)
        return None

    def cycles(self) -> list[set[str]]:
        """The strongly connected components with a cycle (two or more modules, or one
        that imports itself), found with an iterative Tarjan walk in name order."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        on_stack: set[str] = set()
        stack: list[str] = []
        found: list[set[str]] = []
        counter = 0
        for root in sorted(self.modules):
            if root in index:
                continue
            work: list[tuple[str, Iterator[tuple[Statement, str]]]] = [(root, self.edges(root))]
            index[root] = low[root] = counter
            counter += 1
            stack.append(root)
            on_stack.add(root)
            while work:
                node, successors = work[-1]
                advanced = False
                for _, target in successors:
                    if target not in index:
                        index[target] = low[target] = counter
                        counter += 1
                        stack.append(target)
                        on_stack.add(target)
                        work.append((target, self.edges(target)))
                        advanced = True
                        break
                    if target in on_stack:
                        low[node] = min(low[node], index[target])
                if advanced:
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    self_loop = any(t == node for _, t in self.edges(node))
                    if len(component) > 1 or self_loop:
                        found.append(component)
        return found

    def shortest_cycle(self, start: str, first: str, within: set[str]) -> list[str]:
        """The shortest cycle ``start → first → … → start`` inside a component."""
        previous: dict[str, str | None] = {first: None}
        queue: deque[str] = deque([first])
        while queue:
            current = queue.popleft()
            if current == start:
                break
            for _, target in self.edges(current):
                if target in within and target not in previous:
                    previous[target] = current
                    queue.append(target)
        path: list[str] = []
        node: str | None = start
        while node is not None:
            path.append(node)
            node = previous.get(node)
        return [start, *reversed(path)]
