"""QF005 wildcard-import."""

from __future__ import annotations

import ast

from qemlflow_lint.analysis.context import Where
from qemlflow_lint.rules.base import PACKAGE_INITS, SAME, RuffEquivalent, Rule


class WildcardImport(Rule):
    """``from module import *`` outside a package's ``__init__.py``.

    ## What it does
    Reports ``from x import *`` in any module other than ``__init__.py`` (where a star
    import is the usual way to re-export a submodule's ``__all__``).

    ## Why is this bad?
    Readers, editors and linters cannot tell where a name comes from; a new name in the
    imported module can silently shadow a local one; and everything the imported module
    pulls in becomes part of this module's import cost.

    ## Example
    ```python
    from rdkit.Chem import *
    ```

    ## Use instead
    ```python
    from rdkit.Chem import MolFromSmiles, MolToSmiles
    ```

    ## Options
    ``noqa-equivalents`` (default true): ``# noqa: F403`` (the equivalent pyflakes and ruff
    code) on the reported line also silences QF005.
    """

    code = "QF005"
    symbol = "wildcard-import"
    category = "import-time"
    summary = "`from x import *` outside `__init__.py`"
    unit = "module"
    weight = 1.0
    weight_reason = "star imports obscure names but are easy to spot and fix"
    fix = "replace the star imports of {path}"
    headline = "Star imports: {v} of {o} modules"
    exempt_files = frozenset({PACKAGE_INITS})
    ruff = RuffEquivalent(
        ("F403",), SAME, "None, with `__init__.py` exempt through the per-file ignore; both check test files."
    )
    noqa_aliases = ("F403",)
    # pylint has its own "wildcard-import" message, and pylint symbols are global.
    pylint_symbol = "qf-wildcard-import"
    pylint_id = "W7705"
    no_fix = "naming what a `*` import uses needs the other module's names (ruff's F403 has no fix either)."

    def begin(self, tree: ast.Module) -> None:
        """Every module but ``__init__.py`` is a unit."""
        self.checked = not self.exempt
        self.units = 1 if self.checked else 0

    def visit_ImportFrom(self, node: ast.ImportFrom, where: Where) -> None:
        """A star import."""
        if self.checked and any(alias.name == "*" for alias in node.names):
            source = "." * node.level + (node.module or "")
            self.report(
                node, f"`from {source} import *` hides where names come from; import the names you use"
            )
