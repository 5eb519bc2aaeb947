"""QF001's fix: a heavy import moves to where it is needed, or stops running at import.

The ``ast`` decides what is safe (:mod:`~qemlflow_lint.fix.import_deferral.import_plans`,
from where each name is used: :mod:`~qemlflow_lint.analysis.names.scopes`); libcst writes
it (:mod:`~qemlflow_lint.fix.import_deferral.import_edits`). By how the module uses the
imported names:

- only inside functions or methods: into each function that uses them (safe);
- only in annotations that are never evaluated: under ``if TYPE_CHECKING:`` (safe);
- in annotations evaluated at runtime too: the same, after adding
  ``from __future__ import annotations`` (unsafe);
- re-exported by an ``__init__.py``: loaded on first access by a PEP 562 ``__getattr__``
  (unsafe);
- in a ``try: import x / except ImportError: x = None`` block: deferred, the availability
  flag set through ``importlib.util.find_spec`` (unsafe);
- not at all: removed (unsafe: importing may have side effects);
- with Python 3.15 or newer as the target, and nothing at import time reading them:
  ``lazy import`` (safe).

Everything else is left, with the reason. libcst parses the module only when some import
is to be fixed.
"""

from __future__ import annotations

from typing import cast

import libcst as cst

from qemlflow_lint.config.line_length import DEFAULT_LINE_LENGTH
from qemlflow_lint.fix.edit import OutlinedEdit
from qemlflow_lint.fix.import_deferral.import_edits import apply_edits, collect_edits, edited_lines
from qemlflow_lint.fix.import_deferral.import_plans import (
    NOT_NEEDED,
    first_party_targets,
    module_facts,
    plan_fixes,
    qf001_targets,
)
from qemlflow_lint.fix.model import SAFE, UNSAFE, Applied, FixSource, Left, Plan

CODE = "QF001"


def plan(source: FixSource, unsafe: bool) -> Plan:
    """Plan the fix of every reported heavy import that can be fixed (unsafe fixes too
    with ``unsafe``). The edit is made on the whole module, after the other fixers' edits,
    which stay within lines: the positions of the analysis still hold."""
    project = source.project
    if project is not None and project.choice is not None and not project.choice.chosen:
        # Nothing to defer here: every finding keeps the reason the project-wide plan gave.
        reasons = project.choice.reasons
        return Plan(
            {}, left=tuple(Left(f, reasons.get((f.line, f.col), NOT_NEEDED)) for f in source.findings)
        )
    targets = qf001_targets(source.findings)
    if project is None:
        facts = module_facts(
            source.tree, source.is_package_init, source.target_version, source.text, readers=source.readers
        )
        plans, left = plan_fixes(facts, targets, unsafe)
    else:
        facts = module_facts(
            source.tree,
            source.is_package_init,
            source.target_version,
            source.text,
            project.package,
            project.first_party,
            project.needed_early,
            source.readers,
        )
        targets += first_party_targets(
            source.tree, project.first_party_imports, project.module, project.package, project.targets
        )
        plans, left = plan_fixes(facts, targets, unsafe, project.choice)
        # A first-party import is not a finding: it is shown when it is deferred, and the
        # ones that stay are told in the entry points' outcome.
        left = [item for item in left if item.finding.code == CODE]
    order = {target.finding: index for index, target in enumerate(targets)}
    left.sort(key=lambda item: order[item.finding])
    if not plans:
        return Plan({}, left=tuple(left))

    edits = collect_edits(
        plans,
        source.text,
        source.line_length or DEFAULT_LINE_LENGTH,
        package_init=source.is_package_init,
        submodules=sorted(project.choice.submodules) if project and project.choice else (),
        lazy_submodules=sorted(project.choice.lazy_submodules) if project and project.choice else (),
    )

    def edit(module: cst.CSTNode) -> cst.CSTNode:
        return apply_edits(cast(cst.Module, module), edits, source.text, source.tree, source.target_version)

    applied = sorted(
        (Applied(plan.finding, UNSAFE if plan.unsafe else SAFE, plan.what) for plan in plans),
        key=lambda item: order[item.finding],
    )
    return Plan({source.tree: [OutlinedEdit(edit, edited_lines(edits))]}, tuple(applied), tuple(left))
