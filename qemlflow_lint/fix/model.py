"""What a fixer takes and gives back: the file as the analysis saw it, the fixes it made,
and the findings it left with the reason.

ruff's convention: a *safe* fix keeps what the code does, and applies by default; an
*unsafe* fix may change behaviour a caller could notice (what an exception handler catches,
when an import's side effects run) and applies only with ``--unsafe-fixes``.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from qemlflow_lint.analysis.names.attribute_reads import Readers
from qemlflow_lint.fix.edit import Edit
from qemlflow_lint.model.findings import Finding
from qemlflow_lint.model.fixes import SAFE, UNSAFE

__all__ = [
    "NEEDS_UNSAFE",
    "SAFE",
    "UNSAFE",
    "Applied",
    "Choice",
    "FixSource",
    "InferredSignature",
    "Left",
    "ModulePlan",
    "Plan",
]

#: Why an unsafe fix was not applied: the reason every fixer gives for it.
NEEDS_UNSAFE = "needs --unsafe-fixes"


class InferredSignature(NamedTuple):
    """mypy's suggestion for one def's missing annotations (``fix --infer``), as the module
    can spell them: each missing parameter's type by the name QF002 gives it (``x``,
    ``*args``, ``**kwargs``) and the return type ("" when the return is annotated), or
    why the suggestion was refused (``refused``; then nothing else is set)."""

    params: tuple[tuple[str, str], ...] = ()
    returns: str = ""
    refused: str = ""


class Choice(NamedTuple):
    """The project-wide decision for one module's import statements (see
    :mod:`~qemlflow_lint.fix.import_deferral.closure`): the positions (line, column) of the
    statements to defer, and why each other one stays."""

    chosen: frozenset[tuple[int, int]]
    reasons: Mapping[tuple[int, int], str]
    #: For a package made lazy: the submodules importing it loaded. Each was an attribute of
    #: the package (every submodule imported becomes one), so ``from package import *``
    #: still gives them ...
    submodules: frozenset[str] = frozenset()
    #: ... and the ones it no longer loads are loaded on first access.
    lazy_submodules: frozenset[str] = frozenset()


class ModulePlan(NamedTuple):
    """What QF001's fix knows of one module from the whole project: its name, the package
    its relative imports start from, every module of the project, the ones whose import
    loads a heavy module, the positions of its statements that import those, and the
    project-wide choice (``None`` while the candidates are being collected)."""

    module: str
    package: str
    first_party: frozenset[str]
    reaches_heavy: frozenset[str]
    first_party_imports: frozenset[tuple[int, int]]
    choice: Choice | None = None
    #: A package's ``__init__.py``: every import of the project's modules is a candidate,
    #: so that a package made lazy is made lazy whole.
    every_first_party: bool = False
    #: The names the package's own modules import from it while importing it runs them
    #: (``from .. import __url__``): the package is still initialising then, before its
    #: ``__getattr__`` exists, so these stay bound eagerly.
    needed_early: frozenset[str] = frozenset()

    @property
    def targets(self) -> frozenset[str]:
        """The project's modules whose imports here may be deferred."""
        return self.first_party if self.every_first_party else self.reaches_heavy


class FixSource(NamedTuple):
    """One file to fix: its text, its ``ast``, and its findings of the rule being fixed
    (unsuppressed: a ``# noqa`` line is never touched).

    ``target_version`` is the oldest Python the code must run on (``--target-version``,
    or ``requires-python``); ``None`` when unknown. ``inferred`` holds mypy's suggestions
    (``fix --infer``) by the qualified name of the def (its finding's unit, less the line:
    names survive the lines QF001's fix moves); ``None`` without ``--infer``.
    ``line_length`` is the longest line a fixer may write (``None``: no limit).
    """

    path: str
    text: str
    tree: ast.Module
    findings: tuple[Finding, ...]
    is_package_init: bool = False
    target_version: tuple[int, int] | None = None
    inferred: Mapping[str, InferredSignature] | None = None
    line_length: int | None = None
    #: QF001's project-wide plan for this module; ``None`` to fix each finding on its own.
    project: ModulePlan | None = None
    #: Who else in the project reads the module's names (QF001 keeps what they read).
    readers: Readers | None = None


class Applied(NamedTuple):
    """A finding a fixer fixed, how (``what``: "moved into 2 functions"), and whether
    the fix was safe or unsafe."""

    finding: Finding
    applicability: str
    what: str
    #: False when the finding stays, smaller (a def that still has parameters to annotate).
    complete: bool = True


class Left(NamedTuple):
    """A finding a fixer left alone, and why, in a short phrase that groups well
    ("used at module level", "re-exported through `__all__`"); a reason whose cause lies
    in another file ends with where it is ("read from another module (tests/test_a.py:12)")."""

    finding: Finding
    reason: str


class Plan(NamedTuple):
    """What a fixer decided for one file, from its ``ast`` alone: the edits to make (by the
    ``ast`` node they apply to, see :mod:`~qemlflow_lint.fix.edit`), the findings they fix
    and the findings left. libcst parses the file only when some plan has an edit."""

    edits: Mapping[ast.AST, Sequence[Edit]]
    applied: tuple[Applied, ...] = ()
    left: tuple[Left, ...] = ()
