"""QF102 import-cycle."""

from __future__ import annotations

from typing import Dict, List

from qemlflow_lint.model.findings import Finding
from qemlflow_lint.project.graph import ImportGraph
from qemlflow_lint.rules.base import NONE, Rule, RuffEquivalent


class ImportCycle(Rule):
    """First-party modules that import each other when they are imported.

    ## What it does
    Finds cycles in the project's import graph (imports that run at import time, as for
    QF001; a module's own enclosing packages do not count, since Python has already
    started them) and reports every module of a cycle once, at its import that leads
    into the cycle, with the cycle spelled out: ``import cycle at import time: pkg.a →
    pkg.b → pkg.a``.

    This is a project rule: only ``qemlflow-lint check`` and ``score`` report it.

    ## Why is this bad?
    Whether a cycle works depends on which module is imported first: the other sees a
    half-initialised module, and an innocent reordering gives ``ImportError: cannot
    import name`` or ``AttributeError: partially initialized module``. Cycles also make
    it impossible to import, test or defer one module without the others.

    ## Example
    ```python
    # pkg/a.py
    from pkg.b import helper

    # pkg/b.py
    from pkg.a import CONSTANT
    ```

    ## Use instead
    ```python
    # pkg/constants.py holds CONSTANT; pkg/a.py and pkg/b.py both import it
    from pkg.constants import CONSTANT
    ```

    ## Options
    None.
    """

    code = "QF102"
    symbol = "import-cycle"
    category = "import-time"
    summary = "first-party modules that import each other at import time"
    unit = "module"
    pylint_id = "W7752"
    weight = 2.0
    weight_reason = "import cycles break on reordering and block deferring any of their modules"
    fix = "break the import cycle through {path}"
    ruff = RuffEquivalent((), NONE, "ruff checks one file at a time: it reports no import cycles.")
    project = True

    @classmethod
    def check(cls, graph: ImportGraph) -> Dict[str, List[Finding]]:
        """Findings by module name: one per checked member of every cycle."""
        found: Dict[str, List[Finding]] = {}
        for component in graph.cycles():
            for name in sorted(component):
                if not graph.modules[name].checked:
                    continue
                statement, first = next((s, t) for s, t in graph.edges(name) if t in component)
                cycle = " → ".join(graph.shortest_cycle(name, first, component))
                message = f"import cycle at import time: {cycle}"
                found[name] = [Finding(statement.line, statement.col, cls.code, message)]
        return found
