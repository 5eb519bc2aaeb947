"""The imports of a file that run when it is imported: one record per imported module.

This collector joins the engine's one walk and uses the one definition of "runs when the
module is imported" (module level, module-level blocks and class bodies; not function
bodies, ``if TYPE_CHECKING:``, the ``__main__`` guard, PEP 810 lazy imports or modules a
literal ``__lazy_modules__`` makes lazy). It is the only reader of import statements and
literal import calls: QF001 reports the heavy records, the project's import graph is built
from all of them, and ``importtime`` blames lines through that graph, so the three always
agree. Each record is kept as written; resolving relative imports and deciding which
targets are first-party is the graph's job (:mod:`qemlflow_lint.project.graph`).
"""

from __future__ import annotations

import ast

from qemlflow_lint.analysis.at_import import (
    is_lazy_import,
    lazy_modules,
    literal_import_calls,
    may_call_import_functions,
)
from qemlflow_lint.analysis.context import Where
from qemlflow_lint.analysis.visitor import Visitor, outside_functions
from qemlflow_lint.model.findings import RawImport
from qemlflow_lint.model.heavy import heavy_set_for, match_heavy


class ImportCollector(Visitor):
    """Records every import-time import of one file (see the module docstring)."""

    def begin(self, tree: ast.Module) -> None:
        """Prepare the heavy list (without the file's own package) and PEP 810 state."""
        file = self.file
        self.imports: list[RawImport] = []
        self.heavy = heavy_set_for(file.module_name, file.settings.all_heavy_modules)
        self.allowed = frozenset(file.settings.allowed_heavy_modules)
        self.lazy = lazy_modules(tree)
        # Only literal import_module/__import__ calls matter here: skip the expression
        # walk in the (almost all) files that never mention them.
        self.scan_calls = may_call_import_functions(file.text)

    def _heavy(self, module: str) -> str | None:
        """The heavy entry ``module`` matches, unless the project allows it
        (``allowed-heavy-modules``: a pandas extension imports pandas on purpose)."""
        entry = match_heavy(module, self.heavy)
        if entry is None or (self.allowed and match_heavy(module, self.allowed)):
            return None
        return entry

    def _text(self, line: int) -> str:
        lines = self.file.lines
        return lines[line - 1].rstrip("\r\n") if 0 < line <= len(lines) else ""

    @outside_functions
    def visit_Import(self, node: ast.Import, where: Where) -> None:
        """``import a.b`` runs ``a`` and ``a.b`` and binds ``a`` (or the ``as`` name)."""
        if not where.at_import or is_lazy_import(node):
            return
        at_module = where.scope.kind == "module"
        for alias in node.names:
            if self.lazy.makes_lazy(alias.name, node, at_module_scope=at_module):
                continue
            heavy = self._heavy(alias.name) or ""
            bound = alias.asname or alias.name.split(".", 1)[0]
            self.imports.append(
                RawImport(
                    node.lineno,
                    node.col_offset,
                    0,
                    alias.name,
                    (),
                    heavy,
                    self._text(node.lineno),
                    (alias.name,) if heavy else (),
                    (bound,) if heavy else (),
                    where.optional_import,
                )
            )

    @outside_functions
    def visit_ImportFrom(self, node: ast.ImportFrom, where: Where) -> None:
        """``from a import b`` runs ``a`` (and ``a.b`` when it is a module); a heavy entry
        for ``a`` or for ``a.b`` matches."""
        if not where.at_import or is_lazy_import(node):
            return
        module = node.module or ""
        if not node.level and self.lazy.makes_lazy(
            module, node, at_module_scope=where.scope.kind == "module"
        ):
            return
        heavy = ""
        names: list[str] = []
        bound: list[str] = []
        if not node.level and module:
            whole = self._heavy(module)
            for alias in node.names:
                full = f"{module}.{alias.name}"
                entry = whole or self._heavy(full)
                if entry:
                    heavy = heavy or entry
                    names.append(module if alias.name == "*" else full)
                    bound.append(alias.asname or alias.name)
            if whole:
                names = [module]
        self.imports.append(
            RawImport(
                node.lineno,
                node.col_offset,
                node.level,
                module,
                tuple(alias.name for alias in node.names),
                heavy,
                self._text(node.lineno),
                tuple(sorted(set(names))),
                tuple(bound),
                where.optional_import,
            )
        )

    def _calls(self, node: ast.stmt, where: Where) -> None:
        """Record the literal import calls ``node`` makes when it runs."""
        # ``__lazy_modules__`` is not consulted: it applies to import statements only, and
        # an ``importlib.import_module`` / ``__import__`` call always imports eagerly.
        if not (self.scan_calls and where.at_import):
            return
        for call, module in literal_import_calls(node):
            heavy = self._heavy(module) or ""
            self.imports.append(
                RawImport(
                    call.lineno,
                    call.col_offset,
                    0,
                    module,
                    (),
                    heavy,
                    self._text(call.lineno),
                    (module,) if heavy else (),
                    (),
                    where.optional_import,
                )
            )

    @outside_functions
    def visit_statement(self, node: ast.stmt, where: Where) -> None:
        """Literal import calls in what a statement evaluates when it runs at import:
        ``x = importlib.import_module("x")``, ``if importlib.import_module("x"):``, a
        decorator or default value, ``+=``, ``assert`` …"""
        self._calls(node, where)
