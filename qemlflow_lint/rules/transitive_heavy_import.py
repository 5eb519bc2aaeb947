"""QF101 transitive-heavy-import."""

from __future__ import annotations

from qemlflow_lint.model.findings import Finding
from qemlflow_lint.model.settings import EXTEND_HEAVY_MODULES, HEAVY_MODULES
from qemlflow_lint.project.graph import ImportGraph
from qemlflow_lint.rules.base import NONE, RuffEquivalent, Rule


class TransitiveHeavyImport(Rule):
    """First-party modules that pull in a heavy module through other first-party modules.

    ## What it does
    Follows the project's import graph (only imports that run when a module is imported,
    exactly as for QF001) and reports a module whose imports reach a heavy module through
    at least one other first-party module. It is reported once per module, at the first
    hop, with the shortest chain and ``file:line`` for every hop, e.g.
    ``importing pkg.core pulls in torch at import time: pkg/core/__init__.py:3 →
    pkg/core/models.py:12 → torch``. The module that writes the heavy import gets QF001.

    This is a project rule: it needs the whole project, so only ``qemlflow-lint check``
    and ``score`` report it (flake8 and pylint see one file at a time).

    ## Why is this bad?
    ``import mypackage.api`` should not take seconds because ``api`` imports ``utils``,
    which imports ``plotting``, which imports ``matplotlib``. QF001 on ``plotting`` names
    the line to fix; QF101 shows every module whose users pay for it, and through which
    line.

    ## Example
    ```python
    # pkg/api.py
    from pkg.plotting import draw   # plotting.py: import matplotlib.pyplot as plt
    ```

    ## Use instead
    ```python
    # pkg/api.py
    def draw(*args):
        from pkg.plotting import draw
        return draw(*args)
    ```
    or make ``pkg/plotting.py`` import matplotlib inside the functions that use it.

    ## Options
    ``heavy-modules`` and ``extend-heavy-modules``, as for QF001.
    """

    code = "QF101"
    symbol = "transitive-heavy-import"
    category = "import-time"
    summary = "module that pulls in a heavy module through other first-party modules"
    unit = "module"
    pylint_id = "W7751"
    no_fix = "fix the QF001 findings along the chain: `fix` names the chains each of its fixes removes."
    weight = 3.0
    weight_reason = "a heavy import reached through your own modules costs every importer"
    fix = "cut the import chain from {path} to its heavy module"
    options = (HEAVY_MODULES, EXTEND_HEAVY_MODULES)
    ruff = RuffEquivalent((), NONE, "ruff checks one file at a time: it has no first-party import graph.")
    project = True

    @classmethod
    def check(cls, graph: ImportGraph) -> dict[str, list[Finding]]:
        """Findings by module name: the shortest heavy chain of every checked module."""
        found: dict[str, list[Finding]] = {}
        for name in sorted(graph.modules):
            module = graph.modules[name]
            if not module.checked:
                continue
            chain = graph.heavy_chain(name)
            if chain is None:
                continue
            hops = " → ".join(f"{graph.modules[m].path}:{s.line}" for m, s in chain)
            heavy = chain[-1][1].heavy
            first = chain[0][1]
            message = f"importing {name} pulls in {heavy} at import time: {hops} → {heavy}"
            found[name] = [Finding(first.line, first.col, cls.code, message)]
        return found
