"""The score's gates: ``--fail-under`` (or ``fail-under`` in the configuration file),
``--no-regress`` and files that could not be analysed."""

from __future__ import annotations

from dataclasses import dataclass

from qemlflow_lint.model.paths import display_path
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.score.compute import ScoreReport


@dataclass(frozen=True)
class Gate:
    """The verdict of ``--fail-under``, ``--no-regress`` and unparseable files."""

    passed: bool
    reasons: tuple[str, ...]
    fail_under: float | None = None
    recorded: float | None = None
    #: Where ``fail_under`` came from, as the verdict names it: ``--fail-under``, or
    #: ``fail-under in pyproject.toml`` (the configuration file's path as shown to the user).
    fail_under_source: str = "--fail-under"

    @property
    def checked(self) -> bool:
        """True when some gate was asked for (unparseable files always count)."""
        return self.fail_under is not None or self.recorded is not None or not self.passed

    def verdict(self, score: float) -> str:
        """One line: PASS or FAIL and why."""
        if not self.passed:
            return "FAIL: " + "; ".join(self.reasons)
        checks = []
        if self.fail_under is not None:
            checks.append(f"at least {self.fail_under:g} ({self.fail_under_source})")
        if self.recorded is not None:
            checks.append(f"not below the recorded {self.recorded:.1f} (--no-regress)")
        return f"PASS: score {score:.1f} is " + " and ".join(checks)


def gate_for(
    report: ScoreReport,
    fail_under: float | None,
    recorded: float | None,
    fail_under_source: str = "--fail-under",
    accepted: frozenset[str] = frozenset(),
) -> Gate:
    """Apply ``--fail-under``, ``--no-regress`` and the unparseable-files rule;
    ``fail_under_source`` names where the ``fail_under`` gate came from in the verdict;
    ``accepted``: the paths of unparseable files a baseline records (they do not fail)."""
    reasons: list[str] = []
    failing = [path for path, _ in report.unparseable if path not in accepted]
    if failing:
        reasons.append(f"{len(failing)} file(s) could not be analysed")
    if fail_under is not None and report.score < fail_under:
        reasons.append(f"score {report.score:.1f} is below {fail_under:g} ({fail_under_source})")
    if recorded is not None and report.score < recorded:
        reasons.append(f"score {report.score:.1f} is below the recorded {recorded:.1f} (--no-regress)")
    return Gate(not reasons, tuple(reasons), fail_under, recorded, fail_under_source)


def configured_fail_under(flag: float | None, config: Settings) -> tuple[float | None, str]:
    """The ``fail_under`` gate and how its verdict names it: ``--fail-under`` when given,
    else the configuration file's ``fail-under``."""
    if flag is not None or config.fail_under is None:
        return flag, "--fail-under"
    return config.fail_under, f"fail-under in {display_path(config.file)}" if config.file else "fail-under"
