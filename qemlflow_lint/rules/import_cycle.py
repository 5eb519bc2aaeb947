"""QF102 import-cycle."""

from __future__ import annotations

import os

from qemlflow_lint.model.findings import Finding
from qemlflow_lint.project.graph import ImportGraph
from qemlflow_lint.rules.base import NONE, RuffEquivalent, Rule


class ImportCycle(Rule):
    """First-party modules that import each other when they are imported.

    ## What it does
    Finds cycles in the project's import graph (imports that run at import time, as for
    QF001; a module's own enclosing packages do not count, since Python has already
    started them) and reports every module of a cycle once, at its import that leads
    into the cycle, with the cycle spelled out: ``import cycle at import time: pkg.a →
    pkg.b → pkg.a``.

    It also reports the cycle through a package's own ``__init__.py`` whose success
    depends on the order of statements: a submodule does ``from pkg import Name`` (or
    ``from . import Name``) for a name that is not a module, while importing ``pkg`` runs
    ``pkg/__init__.py``, which imports that submodule. It works only while ``__init__.py``
    binds ``Name`` before the line that imports the submodule; moving one line gives
    ``ImportError: cannot import name``. Importing the package itself (``import pkg``) or
    its submodules (``from . import sibling``) is not reported: Python handles those.

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

    ```python
    # pkg/__init__.py
    from pkg.minimizer import Minimizer
    from pkg.model import Model

    # pkg/model.py
    from pkg import Minimizer  # works only because __init__.py imports it first
    ```

    ## Use instead
    ```python
    # pkg/constants.py holds CONSTANT; pkg/a.py and pkg/b.py both import it
    from pkg.constants import CONSTANT

    # pkg/model.py: import the name from the module that defines it
    from pkg.minimizer import Minimizer
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
    no_fix = "breaking a cycle is a design decision (move the shared code, or import inside a function)."
    weight = 2.0
    weight_reason = "import cycles break on reordering and block deferring any of their modules"
    fix = "break the import cycle through {path}"
    ruff = RuffEquivalent((), NONE, "ruff checks one file at a time: it reports no import cycles.")
    project = True

    @classmethod
    def check(cls, graph: ImportGraph) -> dict[str, list[Finding]]:
        """Findings by module name: one per checked member of every cycle."""
        found: dict[str, list[Finding]] = {}
        for component in graph.cycles():
            for name in sorted(component):
                if not graph.modules[name].checked:
                    continue
                statement, first = next((s, t) for s, t in graph.edges(name) if t in component)
                cycle = " → ".join(graph.shortest_cycle(name, first, component))
                message = f"import cycle at import time: {cycle}"
                found[name] = [Finding(statement.line, statement.col, cls.code, message)]
        for name, module in sorted(graph.modules.items()):
            if module.checked:
                found.setdefault(name, []).extend(cls._through_own_package(graph, name))
        return {name: findings for name, findings in found.items() if findings}

    @classmethod
    def _through_own_package(cls, graph: ImportGraph, name: str) -> list[Finding]:
        """``from pkg import Name`` in a submodule that importing ``pkg`` runs itself."""
        findings = []
        for statement in graph.modules[name].statements:
            package, names = statement.from_own_package
            if not package or package not in graph.modules or statement.optional:
                continue  # an optional import names a module that may be missing, not a name
            # Only names the package's __init__.py imports explicitly: a name it does not bind
            # is a submodule (perhaps a compiled one), which Python imports in any order.
            bound = graph.modules[package].imported_names
            folder = os.path.dirname(graph.modules[package].path)
            names = tuple(n for n in names if n in bound and not _module_beside(folder, n))
            if not names:
                continue
            chain = graph.path(package, name)
            if chain is None:
                continue
            listed = ", ".join(names)
            path = graph.modules[package].path.replace("\\", "/")
            message = (
                f"import cycle through {path}: {name} imports {listed} from {package}, whose import "
                f"runs {' → '.join(chain)}; it works only while {path} binds {listed} before that "
                f"import (import from the module that defines it)"
            )
            findings.append(Finding(statement.line, statement.col, cls.code, message))
        return findings


#: Files that make a name importable as a module though the graph has no Python source for
#: it: compiled extensions and their sources, stubs.
_MODULE_SUFFIXES = (".py", ".pyi", ".pyx", ".pxd", ".c", ".cpp", ".so", ".pyd")


def _module_beside(folder: str, name: str) -> bool:
    """True when ``folder`` holds a module or package called ``name`` that is not Python
    source the graph knows: a compiled extension (``_vq.pyx``, ``_vq.cpython-311.so``), a
    stub, or a folder."""
    if os.path.isdir(os.path.join(folder, name)):
        return True
    try:
        entries = os.listdir(folder)
    except OSError:
        return False
    return any(
        entry.startswith(name + ".") and entry.endswith(_MODULE_SUFFIXES) and entry.split(".", 1)[0] == name
        for entry in entries
    )
