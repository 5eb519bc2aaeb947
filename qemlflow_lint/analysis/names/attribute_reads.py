"""What a file reads of the names of other modules, and what a project reads of each module.

A module's name is read from outside when another file (a module, a test, a doctest, a
documentation page) does any of:

- ``from pkg.a import name`` (relative imports included);
- ``pkg.a.name``, through ``import pkg.a``, ``import pkg.a as m`` (``m.name``) or
  ``from pkg import a`` (``a.name``): read, assigned or deleted;
- names it as a string: ``mock.patch("pkg.a.name")`` (as a decorator, a context manager or a
  call), ``mocker.patch(...)``, ``monkeypatch.setattr("pkg.a.name", ...)``;
- names it as an attribute of the module object: ``mock.patch.object(a, "name")``,
  ``mocker.spy(a, "name")``, ``monkeypatch.setattr(a, "name", ...)``, ``getattr(a, "name")``;
- ``from pkg.a import *``, and then reads ``name`` without binding it itself.

A file may also take a module from ``sys.modules["pandas"]`` while it is imported, which
works only while some import that ran before loaded it.

QF001's fix uses this to keep what a caller can tell: moving ``import pandas as pd`` into
the functions of ``pkg.a`` removes ``pkg.a.pd``. The answer is plain data: per file
(:class:`FileReads`, from its ``ast``, or from a documentation page's text), and per module
once a project's files are put together (:class:`ProjectReads`). Only the modules of the
packages asked about are recorded, so a file that does not mention one of them needs no
parse at all (:func:`mentions`). Nothing here imports or runs the analysed code.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import NamedTuple, cast

from qemlflow_lint.analysis.at_import import dotted_name, is_main_guard, is_type_checking
from qemlflow_lint.analysis.names.bindings import ANY_NAME, ModuleNames, bound_name
from qemlflow_lint.analysis.nodes import child_nodes, every_node

#: The calls whose first argument names a module's attribute as a dotted string, by the
#: last part of the callee (``mock.patch``, ``mocker.patch``, ``monkeypatch.setattr``).
_STRING_TARGETS = frozenset({"patch", "setattr", "delattr"})
#: The calls whose arguments are a module object and the name of its attribute, by the
#: callee's last parts (``mock.patch.object(a, "name")``, ``mocker.spy(a, "name")``).
_OBJECT_TARGETS = frozenset({"object", "spy", "setattr", "delattr", "getattr", "hasattr", "multiple"})
#: A dotted name in text (a documentation page, a doctest).
_DOTTED = re.compile(r"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
#: ``from pkg.a import name, other`` in text, one line or parenthesised.
_FROM_IMPORT = re.compile(r"\bfrom\s+([A-Za-z_][\w.]*)\s+import\s+(\([^)]*\)|[^\n#;]*)")
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
#: A doctest prompt at the start of a continued line.
_PROMPT = re.compile(r"^\s*(?:>>>|\.\.\.)", re.MULTILINE)


class AttributeRead(NamedTuple):
    """A file reads ``name`` of ``module`` at ``line``; ``star`` when the name reaches it
    through ``from module import *``."""

    module: str
    name: str
    line: int
    star: bool = False


class FileReads(NamedTuple):
    """What one file reads of the modules of some packages (see the module docstring)."""

    attributes: tuple[AttributeRead, ...] = ()
    #: ``(module, line)``: ``from module import *`` (it passes the module's names on).
    star_imports: tuple[tuple[str, int], ...] = ()
    #: ``(module, line)``: ``sys.modules["module"]`` read while the file is imported.
    loaded: tuple[tuple[str, int], ...] = ()


class ReadSite(NamedTuple):
    """Where a read is: a path (as the walk found it) and a line."""

    path: str
    line: int

    def text(self) -> str:
        """``path:line`` with ``/`` separators."""
        path = self.path.replace("\\", "/")
        return f"{path}:{self.line}"


def mentions(text: str, packages: Collection[str]) -> bool:
    """False when ``text`` cannot read a module of ``packages`` by name: a file that never
    spells a package's name needs no parse (unless it is in the package: relative imports)."""
    return any(package in text for package in packages)


def _in_packages(module: str, packages: Collection[str]) -> bool:
    return module.partition(".")[0] in packages


def _splits(dotted: str) -> Iterator[tuple[str, str]]:
    """Every ``(module, name)`` a dotted path may read: ``a.b.c`` reads ``b`` of ``a`` and
    ``c`` of ``a.b`` (which prefix is a module is not known, and it does not matter)."""
    parts = dotted.split(".")
    for index in range(1, len(parts)):
        yield ".".join(parts[:index]), parts[index]


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str | None:
    """The module a ``from`` import names, relative ones resolved against ``module``."""
    if not node.level:
        return node.module
    base = module.split(".") if is_package else module.split(".")[:-1]
    if node.level - 1 > len(base) or (node.level - 1 == len(base) and not node.module):
        return None
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])]) or None


class _Reader:
    """One file's walk: the modules its names stand for, then the reads of their names."""

    def __init__(self, tree: ast.Module, module: str, is_package: bool, packages: Collection[str]) -> None:
        self.tree = tree
        self.module = module
        self.is_package = is_package
        self.packages = packages
        #: Local name → the dotted modules (or module attributes) it may stand for.
        self.aliases: dict[str, set[str]] = {}
        self.reads: list[AttributeRead] = []
        self.stars: list[tuple[str, int]] = []

    def record(self, module: str, name: str, line: int, star: bool = False) -> None:
        if _in_packages(module, self.packages) and module != self.module:
            self.reads.append(AttributeRead(module, name, line, star))

    def record_dotted(self, dotted: str, line: int) -> None:
        for module, name in _splits(dotted):
            self.record(module, name, line)

    def imports(self, nodes: Iterable[ast.AST]) -> None:
        """Bind the aliases of every import (in any scope) and record ``from`` imports. Only
        the aliases of the packages asked about are bound: a chain on any other module
        (``np.testing.assert_allclose``) reads nothing that is recorded."""
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if not _in_packages(alias.name, self.packages):
                        continue
                    target = alias.name if alias.asname else alias.name.partition(".")[0]
                    self.aliases.setdefault(bound_name(alias, node), set()).add(target)
                    self.record_dotted(alias.name, node.lineno)
            elif isinstance(node, ast.ImportFrom):
                source = _absolute(node, self.module, self.is_package)
                if source is None or not _in_packages(source, self.packages):
                    continue
                for alias in node.names:
                    if alias.name == "*":
                        self.stars.append((source, node.lineno))
                        continue
                    self.aliases.setdefault(bound_name(alias, node), set()).add(f"{source}.{alias.name}")
                    self.record_dotted(f"{source}.{alias.name}", node.lineno)

    def resolve(self, node: ast.expr) -> set[str]:
        """The dotted modules (or attributes) an expression may stand for."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id, set())
        if isinstance(node, ast.Attribute):
            return {f"{base}.{node.attr}" for base in self.resolve(node.value)}
        return set()

    def expressions(self, nodes: Iterable[ast.AST]) -> None:
        """Record attribute chains on modules, and the targets of patches and ``getattr``."""
        for node in nodes:
            if isinstance(node, ast.Attribute):
                for base in self.resolve(node.value):
                    self.record(base, node.attr, node.lineno)
            elif isinstance(node, ast.Call):
                self.call(node)

    def call(self, node: ast.Call) -> None:
        """The targets of the patch family and of ``getattr``: a dotted string, or a module
        and a name. A name computed when the code runs (``"pkg.a." + method``,
        ``getattr(a, name)``) may be any: it reads :data:`ANY_NAME`."""
        callee = (dotted_name(node.func) or "").split(".")
        first = node.args[0] if node.args else _keyword(node, "target")
        if first is None:
            return
        prefix = _string_prefix(first)
        if callee[-1] in _STRING_TARGETS and prefix is not None:
            text, whole = prefix
            if whole:
                self.record_dotted(text, node.lineno)
            elif "." in text:
                module = text.rpartition(".")[0]
                self.record_dotted(module, node.lineno)
                self.record(module, ANY_NAME, node.lineno)
            return
        if callee[-1] not in _OBJECT_TARGETS or (
            callee[-1] in ("object", "multiple") and callee[-2:-1] != ["patch"]
        ):
            return
        if callee[-1] == "multiple":
            names = [k.arg for k in node.keywords if k.arg and k.arg != "target"]
        else:
            second = node.args[1] if len(node.args) > 1 else _keyword(node, "attribute", "name")
            name = _text(second)
            names = [] if second is None else [ANY_NAME if name is None else name]
        targets = {prefix[0]} if prefix is not None and prefix[1] else self.resolve(first)
        for target in targets:
            for name in names:
                self.record(target, name, node.lineno)

    def star_reads(self) -> Iterator[AttributeRead]:
        """For each star import, every name the file reads without binding it itself."""
        if not self.stars:
            return
        bound = ModuleNames.of(self.tree).bound
        first: dict[str, int] = {}
        for node in every_node(self.tree):
            if (
                isinstance(node, ast.Name)
                and isinstance(node.ctx, ast.Load)
                and node.id not in bound
                and not node.id.startswith("_")
            ):
                first[node.id] = min(first.get(node.id, node.lineno), node.lineno)
        for module, _line in self.stars:
            for name, line in sorted(first.items()):
                yield AttributeRead(module, name, line, star=True)


def _keyword(call: ast.Call, *names: str) -> ast.expr | None:
    """The value of the first keyword argument of ``call`` named one of ``names``."""
    return next((k.value for k in call.keywords if k.arg in names), None)


def _string_prefix(node: ast.AST) -> tuple[str, bool] | None:
    """What a string expression is known to start with, and whether that is all of it:
    ``("pkg.a.x", True)`` for ``"pkg.a.x"``; ``("pkg.a.", False)`` for ``"pkg.a." + name``
    or ``f"pkg.a.{name}"``; ``None`` when it starts with something computed."""
    text = _text(node)
    if text is not None:
        return text, True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _string_prefix(node.left)
        return None if left is None else (left[0], False)
    if isinstance(node, ast.JoinedStr) and node.values:
        head = _text(node.values[0])
        if head is not None:
            return head, len(node.values) == 1
    return None


def _text(node: ast.AST | None) -> str | None:
    """The value of a string literal; ``None`` for anything else."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _runs_at_import(tree: ast.Module) -> Iterator[ast.AST]:
    """The expression nodes that run when the module is imported: module level and class
    bodies, blocks included, but not defs, lambdas, ``if TYPE_CHECKING:`` bodies or
    ``if __name__ == "__main__":`` bodies."""
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(node, ast.If) and (is_type_checking(node.test) or is_main_guard(node.test)):
            pending.append(node.test)
            pending.extend(node.orelse)
            continue
        if isinstance(node, ast.expr):
            yield node
        pending.extend(child_nodes(node))


#: How a module reads the table of loaded modules (``from sys import modules`` included).
_MODULES = ("sys.modules", "modules")


def _loaded_modules(tree: ast.Module) -> Iterator[tuple[str, int]]:
    """``sys.modules["x"]`` (or ``modules["x"]`` after ``from sys import modules``) read at
    import time."""
    for node in _runs_at_import(tree):
        if not (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load)):
            continue
        key = _text(node.slice)
        if key is not None and dotted_name(node.value) in _MODULES:
            yield key, node.lineno


def file_reads(tree: ast.Module, module: str, is_package: bool, packages: Collection[str]) -> FileReads:
    """What the file ``tree`` (the module ``module``; ``is_package`` for an ``__init__.py``)
    reads of the modules of ``packages`` (top-level names), and the modules it takes from
    ``sys.modules`` at import time (of any package)."""
    reader = _Reader(tree, module, is_package, packages)
    imports: list[ast.AST] = []
    expressions: list[ast.AST] = []
    documented: list[ast.AST] = []
    modules_lookup = False
    for node in every_node(tree):  # sorted once by kind: most nodes are none of these
        kind = type(node)
        if kind is ast.Attribute or kind is ast.Call:
            expressions.append(node)
        elif kind is ast.Import or kind is ast.ImportFrom:
            imports.append(node)
        elif kind in _DOCUMENTED:
            documented.append(node)
        elif kind is ast.Subscript and not modules_lookup:
            modules_lookup = dotted_name(cast(ast.Subscript, node).value) in _MODULES
    reader.imports(imports)
    reader.expressions(expressions)
    for node in documented:
        docstring = _docstring_of(node)
        text = _text(docstring)
        if docstring is not None and text is not None and ">>>" in text:
            for read in text_reads(text, packages).attributes:
                reader.record(read.module, read.name, docstring.lineno + read.line - 1)
    attributes = [*reader.reads, *reader.star_reads()]
    # Where no ``sys.modules[...]`` is written at all, the walk of what runs at import is spared.
    loaded = sorted(_loaded_modules(tree), key=lambda item: (item[1], item[0])) if modules_lookup else []
    return FileReads(tuple(attributes), tuple(reader.stars), tuple(loaded))


#: The nodes that may have a docstring.
_DOCUMENTED = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def _docstring_of(node: ast.AST) -> ast.Constant | None:
    """The docstring node of a module, class or def (doctests read module attributes too)."""
    if not isinstance(node, _DOCUMENTED):
        return None
    first = node.body[0] if node.body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        return first.value
    return None


def text_reads(text: str, packages: Collection[str]) -> FileReads:
    """What a documentation page (or a doctest) reads of the modules of ``packages``: its
    dotted names (``pkg.a.name``: doctest lines, code blocks, ``autofunction`` targets and
    cross-references alike) and its ``from pkg.a import name`` lines."""
    reads: list[AttributeRead] = []
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for match in _FROM_IMPORT.finditer(text):
        module = match.group(1)
        if not _in_packages(module, packages):
            continue
        line = bisect.bisect_right(starts, match.start())
        names = _PROMPT.sub("", match.group(2)).strip("() \t")
        for part in names.split(","):
            name = _IDENTIFIER.match(part.strip())
            if name and name.group(0) != "as":
                reads.append(AttributeRead(module, name.group(0), line))
    for match in _DOTTED.finditer(text):
        dotted = match.group(0)
        if _in_packages(dotted, packages):
            line = bisect.bisect_right(starts, match.start())
            reads.extend(AttributeRead(module, name, line) for module, name in _splits(dotted))
    return FileReads(tuple(reads))


#: No reads (never changed: shared by every empty :class:`Readers`, which pickles, unlike a
#: ``MappingProxyType``, to reach the worker processes).
_NOTHING: Mapping[str, tuple[ReadSite, ...]] = {}


class Readers(NamedTuple):
    """Who outside one module reads its names: each name's readers, through attributes or
    ``from`` imports (``names``) and through star imports (``star``), and where the project
    takes a module from ``sys.modules`` at import time (``loaded``, by the module's name).
    Each ``where`` list is in path and line order."""

    names: Mapping[str, tuple[ReadSite, ...]] = _NOTHING
    star: Mapping[str, tuple[ReadSite, ...]] = _NOTHING
    loaded: Mapping[str, tuple[ReadSite, ...]] = _NOTHING


class ProjectReads(NamedTuple):
    """Every read the files of a project make, by the module read (see :meth:`of`)."""

    #: module → name → where, through attributes or ``from`` imports.
    names: Mapping[str, Mapping[str, tuple[ReadSite, ...]]]
    #: module → name → where, through a star import (of the module, or of one that passes
    #: its names on with its own star import).
    star: Mapping[str, Mapping[str, tuple[ReadSite, ...]]]
    #: module → where ``sys.modules[module]`` is read at import time.
    loaded: Mapping[str, tuple[ReadSite, ...]]

    @classmethod
    def of(cls, files: Iterable[tuple[str, str, FileReads]]) -> ProjectReads:
        """Put together the reads of ``(path, module, reads)`` files. A star import passes
        names on: when ``pkg`` does ``from pkg.a import *``, a reader of ``pkg.name``
        (however it reads it) reads ``pkg.a.name`` too."""
        names: dict[str, dict[str, set[ReadSite]]] = {}
        star: dict[str, dict[str, set[ReadSite]]] = {}
        loaded: dict[str, set[ReadSite]] = {}
        passes_on: dict[str, set[str]] = {}
        for path, module, reads in files:
            for read in reads.attributes:
                into = star if read.star else names
                into.setdefault(read.module, {}).setdefault(read.name, set()).add(ReadSite(path, read.line))
            for source, _line in reads.star_imports:
                passes_on.setdefault(module, set()).add(source)
            for key, line in reads.loaded:
                loaded.setdefault(key, set()).add(ReadSite(path, line))
        changed = True
        while changed:  # until every chain of star imports is followed
            changed = False
            for module, sources in passes_on.items():
                reached = {**names.get(module, {})}
                for name, where in star.get(module, {}).items():
                    reached[name] = reached.get(name, set()) | where
                for source in sources:
                    target = star.setdefault(source, {})
                    for name, where in reached.items():
                        before = target.setdefault(name, set())
                        if not where <= before:
                            before |= where
                            changed = True
        return cls(_frozen(names), _frozen(star), {k: tuple(sorted(v)) for k, v in sorted(loaded.items())})

    def readers(self, module: str, path: str) -> Readers:
        """Who, other than the file at ``path`` itself, reads the names of ``module``."""

        def others(reads: Mapping[str, tuple[ReadSite, ...]]) -> Mapping[str, tuple[ReadSite, ...]]:
            kept = {name: tuple(w for w in where if w.path != path) for name, where in reads.items()}
            return {name: where for name, where in kept.items() if where}

        return Readers(others(self.names.get(module, {})), others(self.star.get(module, {})), self.loaded)


def _frozen(reads: Mapping[str, Mapping[str, set[ReadSite]]]) -> dict[str, dict[str, tuple[ReadSite, ...]]]:
    return {
        module: {name: tuple(sorted(where)) for name, where in sorted(by_name.items())}
        for module, by_name in sorted(reads.items())
    }
