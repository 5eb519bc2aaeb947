"""QF001 heavy-top-level-import."""

from __future__ import annotations

import ast
from typing import Iterable

from qemlflow_lint.analysis.context import Where
from qemlflow_lint.model.heavy import heavy_set_for, match_heavy
from qemlflow_lint.analysis.at_import import may_call_import_functions, is_lazy_import, lazy_modules, literal_import_calls
from qemlflow_lint.rules.base import Rule, RuleOption, outside_functions
from qemlflow_lint.analysis.names import NameUsage



class HeavyTopLevelImport(Rule):
    """Imports of heavy modules that run when the module is imported.

    ## What it does
    Reports an import of a configured heavy module (``torch``, ``pandas``, ``rdkit`` ...)
    that runs when the module is imported: at module level, or in a module-level ``if``,
    ``try``, ``with``, ``for``, ``while`` or ``match`` block, or in a class body. Imports
    inside functions, under ``if TYPE_CHECKING:``, under ``if __name__ == "__main__":``
    and PEP 810 ``lazy`` imports are not reported. A literal
    ``importlib.import_module("torch")`` or ``__import__("torch")`` counts as an import.
    An entry matches its submodules too: ``torch`` matches ``from torch.nn import functional``.

    ## Why is this bad?
    Every user of the module pays the heavy import, whether or not they use the code that
    needs it: ``import mypackage`` takes seconds instead of milliseconds, and command-line
    tools, tests and editors wait for it. Wrapping it in ``try/except ImportError`` makes
    the dependency optional, not cheap: the import still runs eagerly.

    ## Example
    ```python
    import torch

    def train(model):
        return torch.compile(model)
    ```

    ## Use instead
    ```python
    def train(model):
        import torch

        return torch.compile(model)
    ```
    When only annotations use the module, import it under ``if TYPE_CHECKING:`` (with
    ``from __future__ import annotations``); for a package's re-exports, use a PEP 562
    module ``__getattr__`` or ``lazy_loader``; on Python 3.15+, ``lazy import torch``.

    ## Options
    ``heavy-modules`` replaces the default list; ``extend-heavy-modules`` adds to it.
    Test files, ``__main__.py`` and the modules of the heavy package itself are not checked.
    """

    code = "QF001"
    symbol = "heavy-top-level-import"
    category = "import-time"
    summary = "import of a heavy module that runs when the module is imported"
    unit = "module"
    fix = "defer the heavy imports of {path}"
    pylint_id = "W7701"
    options = (
        RuleOption("heavy-modules", "list of module names", "the documented default list",
                   "modules whose import-time import is reported (replaces the default)"),
        RuleOption("extend-heavy-modules", "list of module names", "[]",
                   "modules added to the heavy list"),
    )

    def begin(self, tree: ast.Module) -> None:
        """Decide whether this file is checked at all, and count it as one unit if so."""
        file = self.file
        self.checked = not (file.is_test or file.is_main)
        self.units = 1 if self.checked else 0
        self.tree = tree
        self.heavy = heavy_set_for(file.module_name, file.config.all_heavy_modules)
        self.lazy_modules = lazy_modules(tree)
        self.scan_calls = self.checked and may_call_import_functions(file.text)
        self._usage: NameUsage | None = None

    @outside_functions
    def visit_Import(self, node: ast.Import, where: Where) -> None:
        """``import a.b`` binds ``a`` (or the ``as`` name) and runs ``a`` and ``a.b``."""
        if not self._eager(node, where):
            return
        heavy: list[str] = []
        bound: list[str] = []
        for alias in node.names:
            entry = match_heavy(alias.name, self.heavy)
            if entry and not self._listed_lazy(alias.name, node, where):
                heavy.append(alias.name)
                bound.append(alias.asname or alias.name.split(".", 1)[0])
        if heavy:
            self._report(node, where, heavy, bound)

    @outside_functions
    def visit_ImportFrom(self, node: ast.ImportFrom, where: Where) -> None:
        """``from a import b`` matches an entry for ``a`` or for ``a.b``."""
        if node.level or not node.module or not self._eager(node, where):
            return
        if self._listed_lazy(node.module, node, where):
            return
        heavy: list[str] = []
        bound: list[str] = []
        for alias in node.names:
            full = f"{node.module}.{alias.name}"
            if match_heavy(node.module, self.heavy) or match_heavy(full, self.heavy):
                heavy.append(node.module if alias.name == "*" else full)
                bound.append(alias.asname or alias.name)
        if heavy:
            names = sorted({node.module} if match_heavy(node.module, self.heavy) else set(heavy))
            self._report(node, where, names, bound)

    @outside_functions
    def visit_Expr(self, node: ast.Expr, where: Where) -> None:
        """A literal ``importlib.import_module("x")`` call on its own."""
        self._import_calls(node, where)

    @outside_functions
    def visit_Assign(self, node: ast.Assign, where: Where) -> None:
        """``x = importlib.import_module("x")`` and similar."""
        self._import_calls(node, where)

    @outside_functions
    def visit_AnnAssign(self, node: ast.AnnAssign, where: Where) -> None:
        """``x: ModuleType = importlib.import_module("x")``."""
        self._import_calls(node, where)

    @outside_functions
    def visit_AugAssign(self, node: ast.AugAssign, where: Where) -> None:
        """``modules += [importlib.import_module("x")]``."""
        self._import_calls(node, where)

    # A statement that opens a block also evaluates expressions of its own when it runs,
    # and at module level that is at import time: an ``if``/``while`` test, a ``for``
    # iterable, a ``with`` context manager, a ``class``'s bases and decorators, a
    # ``def``'s decorators and default values.

    @outside_functions
    def visit_If(self, node: ast.If, where: Where) -> None:
        """``if importlib.import_module("x").cuda.is_available():``."""
        self._import_calls(node, where)

    @outside_functions
    def visit_While(self, node: ast.While, where: Where) -> None:
        """An import call in a ``while`` test."""
        self._import_calls(node, where)

    @outside_functions
    def visit_For(self, node: ast.For, where: Where) -> None:
        """An import call in a ``for`` target or iterable."""
        self._import_calls(node, where)

    @outside_functions
    def visit_With(self, node: ast.With, where: Where) -> None:
        """``with importlib.import_module("x").no_grad():``."""
        self._import_calls(node, where)

    @outside_functions
    def visit_ClassDef(self, node: ast.ClassDef, where: Where) -> None:
        """``class Net(importlib.import_module("x").nn.Module):``."""
        self._import_calls(node, where)

    @outside_functions
    def visit_FunctionDef(self, node: ast.FunctionDef, where: Where) -> None:
        """An import call in a decorator or a default value of a ``def``."""
        self._import_calls(node, where)

    @outside_functions
    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, where: Where) -> None:
        """Same as ``def``."""
        self._import_calls(node, where)

    def _eager(self, node: ast.Import | ast.ImportFrom, where: Where) -> bool:
        return self.checked and where.at_import and not is_lazy_import(node)

    def _listed_lazy(self, module: str, node: ast.Import | ast.ImportFrom, where: Where) -> bool:
        """PEP 810 ``__lazy_modules__`` makes this import statement lazy (Python 3.15+)."""
        return self.lazy_modules.makes_lazy(module, node, at_module_scope=where.scope.kind == "module")

    def _import_calls(self, node: ast.stmt, where: Where) -> None:
        if not (self.scan_calls and where.at_import):
            return
        # ``__lazy_modules__`` is not consulted: it applies to import statements only,
        # and an ``importlib.import_module`` / ``__import__`` call always imports eagerly.
        for call, module in literal_import_calls(node):
            if match_heavy(module, self.heavy):
                self._report(call, where, [module], [])

    def _report(self, node: ast.AST, where: Where, modules: Iterable[str], bound: list[str]) -> None:
        quoted = ", ".join(f"'{m}'" for m in modules)
        noun = "heavy modules" if "," in quoted else "heavy module"
        self.report(node, f"{noun} {quoted} imported at module import time; {self._fix(where, bound)}")

    def _fix(self, where: Where, bound: list[str]) -> str:
        """The fix that fits how the import is used."""
        if where.optional_import:
            return (
                "an optional dependency still imports eagerly: import it inside the "
                "function that needs it and raise a helpful ImportError there"
            )
        if bound:
            usage = self._name_usage()
            if not any(usage.at_runtime(name) for name in bound):
                if any(usage.in_annotations(name) for name in bound):
                    future = "" if usage.postponed_annotations else " with `from __future__ import annotations`"
                    return f"only annotations use it: import it under `if TYPE_CHECKING:`{future}"
                if self.file.is_package_init or self._exported(bound):
                    return (
                        "it is re-exported: load it on first access with a module "
                        "`__getattr__` (PEP 562) or lazy_loader"
                    )
        return "move the import into the functions that use it (or use `lazy import` on Python 3.15+)"

    def _exported(self, bound: list[str]) -> bool:
        names = self.file.all_names
        return names is not None and any(name in names for name in bound)

    def _name_usage(self) -> NameUsage:
        if self._usage is None:
            self._usage = NameUsage.of(self.tree)
        return self._usage
