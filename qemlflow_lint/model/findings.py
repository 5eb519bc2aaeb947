"""What one analysis produces: findings and the per-rule unit counts behind the score."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping, Tuple

if TYPE_CHECKING:
    from qemlflow_lint.analysis.imports import RawImport

#: The code of the pseudo-rule for a file that could not be read or parsed.
UNREADABLE_CODE = "QF000"
#: The ``source`` of a finding about the module as a whole (no docstring, too long): it has
#: no line of its own, so lines added at the top of the file must not change its identity.
WHOLE_MODULE = "<module>"


@dataclass(frozen=True, order=True)
class Finding:
    """One violation of a rule at a position in a file.

    ``line`` is 1-based and ``col`` 0-based, as in :mod:`ast`; front ends render them
    their own way (flake8 and the CLI print ``col + 1``). ``unit`` names the counted thing
    the finding belongs to (``"<module>"``, or a def's qualified name), so the score can
    count distinct violating units.
    """

    line: int
    col: int
    code: str
    message: str = field(compare=False)
    unit: str = field(default="<module>", compare=False)
    #: Qualified name of the innermost def or class around the finding ("" at module level).
    scope: str = field(default="", compare=False)
    #: The finding's source line, whitespace-normalised.
    source: str = field(default="", compare=False)

    @property
    def text(self) -> str:
        """The message as every front end shows it: the code, a space, the message."""
        return f"{self.code} {self.message}"


@dataclass(frozen=True)
class FileResult:
    """Everything the engine learnt from one file.

    ``units`` maps each rule code to the number of units of that rule in the file (the
    score's Oᵣ). ``error`` is set, and ``findings`` holds a single QF000 finding, when
    the file could not be read or parsed. ``suppressed`` counts findings dropped by
    ``# noqa`` comments. ``scope`` and ``source`` of each finding identify it without its
    line number (see :mod:`qemlflow_lint.report.identity`).
    """

    path: str
    findings: tuple[Finding, ...]
    units: Mapping[str, int]
    error: str | None = None
    suppressed: int = 0
    #: The file's import-time imports (:class:`qemlflow_lint.analysis.imports.RawImport`), collected
    #: when a project rule is enabled; the import graph is built from them.
    imports: Tuple[RawImport, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the file was read and parsed."""
        return self.error is None
