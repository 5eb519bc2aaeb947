"""QF001 heavy-top-level-import."""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

from qemlflow_lint.analysis.names.usage import NameUsage
from qemlflow_lint.model.findings import RawImport
from qemlflow_lint.model.fixes import SAFE, UNSAFE, AutoFix
from qemlflow_lint.model.settings import EXTEND_HEAVY_MODULES, HEAVY_MODULES
from qemlflow_lint.rules.base import MAIN_FILES, PART, SCRIPTS, TEST_FILES, RuffEquivalent, Rule

#: What follows the quoted module names in a message (see :func:`reported_modules`).
_IMPORTED_AT = " imported at module import time; "
_QUOTED = re.compile(r"'([^']+)'")


def reported_modules(message: str) -> tuple[str, ...]:
    """The heavy modules a QF001 message names (``'torch.nn'`` for ``import torch.nn``), in
    its order: ``fix`` reads them back to tell a statement's heavy names from its light ones."""
    return tuple(_QUOTED.findall(message.split(_IMPORTED_AT, 1)[0]))


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
    ``noqa-equivalents`` (default true): ``# noqa: TID253`` (the equivalent
    flake8-tidy-imports and ruff code) on the reported line also silences QF001.
    """

    code = "QF001"
    symbol = "heavy-top-level-import"
    category = "import-time"
    summary = "import of a heavy module that runs when the module is imported"
    unit = "module"
    pylint_id = "W7701"
    fixes = (
        AutoFix(
            "moves the import into the functions that use it, splitting a `from` import by function", SAFE
        ),
        AutoFix("moves an import that only postponed annotations use under `if TYPE_CHECKING:`", SAFE),
        AutoFix("adds `lazy` (PEP 810) when the target version is Python 3.15 or newer", SAFE),
        AutoFix(
            "adds `from __future__ import annotations` first, when annotations evaluated at runtime use the name",
            UNSAFE,
        ),
        AutoFix(
            "loads the re-exports of an `__init__.py` on first access, with a PEP 562 `__getattr__`", UNSAFE
        ),
        AutoFix(
            "defers a `try: import … except ImportError:` optional dependency; its availability flag "
            "uses `importlib.util.find_spec`",
            UNSAFE,
        ),
        AutoFix("removes an unused heavy import (importing it may have side effects)", UNSAFE),
    )
    weight = 3.0
    weight_reason = "import time is the first goal: one heavy import costs every user seconds"
    fix = "defer the heavy imports of {path}"
    headline = "Import violations: {v} of {o} modules import heavy modules at import time"
    exempt_files = frozenset({TEST_FILES, MAIN_FILES, SCRIPTS})
    options = (HEAVY_MODULES, EXTEND_HEAVY_MODULES)
    noqa_aliases = ("TID253",)
    ruff = RuffEquivalent(
        ("TID253",),
        PART,
        "TID253 reports the heavy modules in import statements at the top level of a module only. It "
        "misses imports in module-level if/elif/else, try/except/else/finally (`try: import torch / "
        "except ImportError:` included), with, for, while and match blocks and in class bodies - also "
        "where QF001 does not exempt them: the `else` of `if TYPE_CHECKING:`, `if not TYPE_CHECKING:`, "
        "the `else` of a main guard - and literal `importlib.import_module(...)`/`__import__(...)` "
        "calls. It reports what QF001 exempts: the heavy package's own modules, and PEP 810 `lazy` "
        "imports and modules listed in `__lazy_modules__` (Python 3.15).",
        companions=(
            (
                "PLC0415",
                "imports inside functions, except of the TID253-banned (heavy) modules: ruff's pairing with "
                "TID253, which keeps light imports at the top. Stricter than QF, which never reports a "
                "deferred import; leave it out if you defer light imports too.",
            ),
        ),
    )

    def begin(self, tree: ast.Module) -> None:
        """Count the file as one unit unless it is exempt."""
        self.units = 0 if self.exempt else 1
        self.tree = tree
        self._usage: NameUsage | None = None
        #: The heavy entries an import statement needs at run time, with its line.
        self._kept: dict[str, int] = {}

    def imports_found(self, imports: Sequence[RawImport]) -> None:
        """Report every import statement (or literal import call) that runs a heavy module
        at import time: one finding per statement, naming all its heavy modules."""
        if self.exempt:
            return
        statements: dict[tuple[int, int], list[RawImport]] = {}
        for record in imports:
            if record.heavy_names:
                statements.setdefault((record.line, record.col), []).append(record)
        self._kept = self._kept_at_runtime(statements)
        for (line, col), records in statements.items():
            modules = [name for record in records for name in record.heavy_names]
            bound = [name for record in records for name in record.bound]
            quoted = ", ".join(f"'{m}'" for m in modules)
            noun = "heavy modules" if len(modules) > 1 else "heavy module"
            fix = self._fix(records, bound)
            self.report_at(line, col, f"{noun} {quoted}{_IMPORTED_AT}{fix}")

    def _kept_at_runtime(self, statements: dict[tuple[int, int], list[RawImport]]) -> dict[str, int]:
        """The heavy entries that some import statement needs at run time (a name it binds
        is read outside annotations, or it binds none: an import call), each with the first
        such line."""
        kept: dict[str, int] = {}
        for (line, _), records in sorted(statements.items()):
            bound = [name for record in records for name in record.bound]
            if bound and not any(self._name_usage().at_runtime(name) for name in bound):
                continue
            for record in records:
                kept.setdefault(record.heavy, line)
        return kept

    def _fix(self, records: list[RawImport], bound: list[str]) -> str:
        """The fix that fits how the import is used."""
        if records[0].optional:
            return (
                "an optional dependency still imports eagerly: import it inside the "
                "function that needs it and raise a helpful ImportError there"
            )
        if bound:
            usage = self._name_usage()
            if not any(usage.at_runtime(name) for name in bound):
                if any(usage.in_annotations(name) for name in bound):
                    future = (
                        "" if usage.postponed_annotations else " with `from __future__ import annotations`"
                    )
                    elsewhere = [(self._kept[r.heavy], r.heavy) for r in records if r.heavy in self._kept]
                    if elsewhere:
                        # Moving this import alone saves nothing: the package still loads.
                        line, heavy = min(elsewhere)
                        return (
                            f"only annotations use it, but line {line} imports '{heavy}' for run-time "
                            "use: defer that import, then move this one under `if TYPE_CHECKING:`"
                            f"{future}"
                        )
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
