"""The import statements of a file that run when it is imported: the edges of the
project's import graph.

The collector joins the engine's one walk and uses the same definition of "runs when the
module is imported" as QF001 (module level, module-level blocks and class bodies; not
function bodies, ``if TYPE_CHECKING:``, the ``__main__`` guard or PEP 810 lazy imports).
Each statement is recorded as written; resolving relative imports and deciding which
targets are first-party is the graph's job (:mod:`qemlflow_lint.project.graph`).
"""

from __future__ import annotations

import ast
from typing import List, NamedTuple, Tuple

from qemlflow_lint.analysis.context import Where
from qemlflow_lint.model.heavy import heavy_set_for, match_heavy
from qemlflow_lint.analysis.at_import import may_call_import_functions, is_lazy_import, lazy_modules, literal_import_calls
from qemlflow_lint.rules.base import Visitor, outside_functions


class RawImport(NamedTuple):
    """One import-time import, as written in the file."""

    line: int
    col: int
    #: 0 for an absolute import, the number of leading dots for a relative one.
    level: int
    #: ``a.b`` in ``import a.b`` and ``from a.b import x``; "" in ``from . import x``.
    module: str
    #: The names of ``from … import names``; empty for ``import a.b``.
    names: Tuple[str, ...]
    #: The heavy module this statement imports (per the file's configuration), or "".
    heavy: str
    #: The statement's first physical line, for ``# noqa`` comments.
    text: str


class ImportCollector(Visitor):
    """Records every import-time import of one file (see the module docstring)."""

    def begin(self, tree: ast.Module) -> None:
        """Prepare the heavy list (without the file's own package) and PEP 810 state."""
        file = self.file
        self.imports: List[RawImport] = []
        self.heavy = heavy_set_for(file.module_name, file.config.all_heavy_modules)
        self.lazy = lazy_modules(tree)
        # Only literal import_module/__import__ calls matter here: skip the expression
        # walk in the (almost all) files that never mention them.
        self.scan_calls = may_call_import_functions(file.text)

    def _text(self, line: int) -> str:
        lines = self.file.lines
        return lines[line - 1].rstrip("\r\n") if 0 < line <= len(lines) else ""

    @outside_functions
    def visit_Import(self, node: ast.Import, where: Where) -> None:
        """``import a.b`` runs ``a`` and ``a.b``."""
        if not where.at_import or is_lazy_import(node):
            return
        at_module = where.scope.kind == "module"
        for alias in node.names:
            if self.lazy.makes_lazy(alias.name, node, at_module_scope=at_module):
                continue
            heavy = match_heavy(alias.name, self.heavy) or ""
            self.imports.append(
                RawImport(node.lineno, node.col_offset, 0, alias.name, (), heavy, self._text(node.lineno))
            )

    @outside_functions
    def visit_ImportFrom(self, node: ast.ImportFrom, where: Where) -> None:
        """``from a import b`` runs ``a`` (and ``a.b`` when it is a module)."""
        if not where.at_import or is_lazy_import(node):
            return
        module = node.module or ""
        if not node.level and self.lazy.makes_lazy(module, node, at_module_scope=where.scope.kind == "module"):
            return
        heavy = ""
        if not node.level and module:
            heavy = match_heavy(module, self.heavy) or next(
                (f"{module}.{a.name}" for a in node.names if match_heavy(f"{module}.{a.name}", self.heavy)), ""
            )
        names = tuple(alias.name for alias in node.names)
        self.imports.append(
            RawImport(node.lineno, node.col_offset, node.level, module, names, heavy, self._text(node.lineno))
        )

    def _calls(self, node: ast.stmt, where: Where) -> None:
        if not (self.scan_calls and where.at_import):
            return
        for call, module in literal_import_calls(node):
            heavy = match_heavy(module, self.heavy) or ""
            self.imports.append(RawImport(call.lineno, call.col_offset, 0, module, (), heavy, self._text(call.lineno)))

    @outside_functions
    def visit_Expr(self, node: ast.Expr, where: Where) -> None:
        """``importlib.import_module("x")``."""
        self._calls(node, where)

    @outside_functions
    def visit_Assign(self, node: ast.Assign, where: Where) -> None:
        """``x = importlib.import_module("x")``."""
        self._calls(node, where)

    @outside_functions
    def visit_AnnAssign(self, node: ast.AnnAssign, where: Where) -> None:
        """``x: T = importlib.import_module("x")``."""
        self._calls(node, where)
