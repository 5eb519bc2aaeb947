"""What one mode of one library measured, and how a mode compares with the untouched source."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from benchmarks.outcome.libraries import Mode


@dataclass(frozen=True)
class ImportSample:
    """One ``python -X importtime -c "import PKG"`` run."""

    cumulative_ms: float  # the package's own line: its cumulative time
    modules: tuple[str, ...]  # every module that ``import PKG`` loaded, itself included


@dataclass
class ImportFigures:
    """``import PKG`` over several fresh interpreters."""

    runs_ms: list[float]
    modules: int
    heavy: list[str]  # heavy-list entries with a module loaded (in any run)
    #: CPU time (user + system) of each whole process less the median of a bare interpreter's
    #: (``python -c pass``): less sensitive than wall time to other work on the machine.
    cpu_ms: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        """The median of the runs."""
        return statistics.median(self.runs_ms)

    @property
    def median_cpu_ms(self) -> float | None:
        """The median CPU time of the import, when the platform reports it."""
        return statistics.median(self.cpu_ms) if self.cpu_ms else None


@dataclass
class SuiteRun:
    """The library's tests, once: each test id's outcome."""

    outcomes: dict[str, str]
    exit_code: int
    seconds: float

    def count(self, *kinds: str) -> int:
        """How many tests ended in one of ``kinds``."""
        return sum(1 for outcome in self.outcomes.values() if outcome in kinds)


@dataclass
class ApiProbe:
    """Every module of the package imported, and the owner of each public name read from it.

    ``modules`` maps a module to ``{"error": text}`` when it did not import, else to
    ``{"names": {name: owner}}``: the owner is the module that defines the value (for a module
    object its own name), ``""`` when that cannot be told, or ``"!"`` + the error when reading
    the name failed.
    """

    modules: dict[str, dict[str, object]]
    versions: dict[str, str]  # the heavy packages loaded, and their __version__


@dataclass
class ModeResult:
    """Everything measured for one mode of one library."""

    mode: Mode
    importing: ImportFigures
    tests: list[SuiteRun]  # the untouched mode may run them more than once (flaky tests)
    findings: dict[str, int] | None
    api: ApiProbe
    fix_summary: str = ""
    fix_exit: int | None = None
    fix_seconds: float | None = None
    files_changed: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class Comparison:
    """A mode against the untouched source."""

    changed_tests: list[tuple[str, str, str]]  # id, before, after
    broken_modules: list[tuple[str, str]]  # module, error
    own_names_lost: list[tuple[str, str]]  # module.name, what reading it gives now
    imported_names_gone: int  # imports moved out of the module namespace: expected of a deferral

    @property
    def whole(self) -> bool:
        """Nothing a test or a caller could see has changed."""
        return not (self.changed_tests or self.broken_modules or self.own_names_lost)
