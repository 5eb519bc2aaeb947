"""The compliance score: one explainable number from 0 to 100.

For each rule *r* in the score: Oᵣ = units of the rule in the analysed files, Vᵣ =
distinct units with at least one unsuppressed finding, pᵣ = 1 − Vᵣ/Oᵣ (1 when Oᵣ = 0),
wᵣ = the rule's weight::

    score = 100 · Σ wᵣ·pᵣ / Σ wᵣ          (rounded to one decimal)

A file *f* loses 100·wᵣ/Σw · Vᵣ,f/Oᵣ points for rule *r*; these losses add up exactly
to 100 − score (the arithmetic is exact, with fractions), so every point can be traced
to a file and a rule, and repairing a file regains exactly what it lost. Rules with
weight 0, and rules no analysed file enables, are not part of the score.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from qemlflow_lint.model.findings import UNREADABLE_CODE, FileResult
from qemlflow_lint.rules.registry import find_rule
from qemlflow_lint.score.profile import ScoreProfile, default_profile


@dataclass(frozen=True)
class RuleScore:
    """One rule's part of the score."""

    code: str
    symbol: str
    unit: str
    units: int
    violating: int
    weight: float
    points_lost: Fraction

    @property
    def coverage(self) -> Fraction:
        """pᵣ: the share of units without a finding (1 when there are no units)."""
        return Fraction(1) if self.units == 0 else 1 - Fraction(self.violating, self.units)


@dataclass(frozen=True)
class FileLoss:
    """The points one file loses for one rule: it has ``violating`` of the rule's units."""

    path: str
    code: str
    violating: int
    units: int
    points: Fraction


@dataclass(frozen=True)
class ScoreReport:
    """Everything the score is made of; output formats are pure functions of it."""

    exact: Fraction
    profile: ScoreProfile
    rules: tuple[RuleScore, ...]
    losses: tuple[FileLoss, ...]
    files: int
    unparseable: tuple[tuple[str, str], ...]

    @property
    def score(self) -> float:
        """The score, rounded to one decimal (half up, so 99.95 is 100.0)."""
        return float(round_tenths(self.exact)) / 10

    def rule(self, code: str) -> RuleScore | None:
        """The part of one rule, if it is in the score."""
        return next((r for r in self.rules if r.code == code), None)

    def file_points(self) -> list[tuple[str, Fraction]]:
        """Points lost per file, most first (ties by path)."""
        totals: dict[str, Fraction] = defaultdict(Fraction)
        for loss in self.losses:
            totals[loss.path] += loss.points
        return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def round_tenths(value: Fraction) -> int:
    """``value`` in tenths, rounded half up (exact: no binary floating point)."""
    scaled = value * 10
    return int(scaled + Fraction(1, 2)) if scaled >= 0 else -int(-scaled + Fraction(1, 2))


def apportion_tenths(parts: Sequence[Fraction], total_tenths: int) -> list[int]:
    """Round ``parts`` to tenths so that they add up to ``total_tenths`` exactly
    (largest remainder), for ledgers whose rounded lines must sum to the rounded total."""
    floors = [int(part * 10) for part in parts]
    remainders = sorted(range(len(parts)), key=lambda i: (-(parts[i] * 10 - floors[i]), i))
    shortfall = total_tenths - sum(floors)
    for index in remainders[: max(shortfall, 0)]:
        floors[index] += 1
    return floors


def _exact(weight: float) -> Fraction:
    """A weight as the decimal its user wrote (0.1 is 1/10, not the nearest binary float)."""
    return Fraction(str(float(weight)))


def compute_score(
    results: Sequence[FileResult],
    weights: Mapping[str, float],
    profile: ScoreProfile | None = None,
) -> ScoreReport:
    """The score of ``results`` (the files of one run, in any order).

    Only library code counts: test files and scripts (examples, docs, ``setup.py``) are
    checked by the rules about their own code, but the score is the library's, so that it
    is the same at a repository's root as for its package alone. Files that could not be
    analysed are always listed. ``profile`` defaults to the named default profile.
    """
    results = [result for result in results if result.library or not result.ok]
    in_score = sorted({code for result in results for code in result.units if weights.get(code, 0) > 0})
    units: dict[str, int] = defaultdict(int)
    violating: dict[tuple[str, str], set[str]] = defaultdict(set)  # (code, path) → units
    for result in results:
        for code, count in result.units.items():
            units[code] += count
        for finding in result.findings:
            if finding.code != UNREADABLE_CODE:
                violating[(finding.code, result.path)].add(finding.unit)
    total_weight: Fraction = sum((_exact(weights[code]) for code in in_score), Fraction(0))
    rules: list[RuleScore] = []
    losses: list[FileLoss] = []
    kept = Fraction(0)
    for code in in_score:
        weight = _exact(weights[code])
        share = 100 * weight / total_weight
        rule_violating = 0
        for (loss_code, path), bad in sorted(violating.items()):
            if loss_code != code or not units[code]:
                continue
            rule_violating += len(bad)
            losses.append(
                FileLoss(path, code, len(bad), units[code], share * Fraction(len(bad), units[code]))
            )
        rule_class = find_rule(code)
        points = share * (Fraction(rule_violating, units[code]) if units[code] else Fraction(0))
        rules.append(
            RuleScore(
                code,
                rule_class.symbol if rule_class else code,
                rule_class.unit if rule_class else "unit",
                units[code],
                rule_violating,
                weights[code],
                points,
            )
        )
        kept += share - points
    exact = kept if total_weight else Fraction(100)
    unparseable = tuple(sorted((r.path, r.error or "") for r in results if not r.ok))
    chosen = profile if profile is not None else default_profile()
    return ScoreReport(exact, chosen, tuple(rules), tuple(losses), len(results), unparseable)
