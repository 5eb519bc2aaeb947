"""The report page as plain values: every number already formatted the way ``score``
formats it, every text still raw (the template escapes it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from qemlflow_lint import __version__
from qemlflow_lint.history.model import Trend
from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.report.html.charts import TrendChart, commit_label, short_commit, trend_chart
from qemlflow_lint.report.html.inputs import ImportTimePanel
from qemlflow_lint.score.advice import Action, next_fixes
from qemlflow_lint.score.compute import ScoreReport, apportion_tenths, round_tenths
from qemlflow_lint.score.gate import Gate
from qemlflow_lint.score.render import percent, points

#: The code of the findings the heavy-chains panel lists.
CHAIN_CODE = "QF101"
#: The words between a QF101 message's headline and its chain of ``path:line`` hops.
_CHAIN_SEPARATOR = " at import time: "


class RuleRow(NamedTuple):
    """One rule's part of the score, for its coverage bar."""

    code: str
    symbol: str
    unit: str
    units: int
    violating: int
    weight: str
    coverage: str
    #: The coverage as a float in [0, 1], exactly as ``score --format json`` writes it.
    coverage_value: float
    points_lost: str


class LedgerRow(NamedTuple):
    """The points one file loses for one rule."""

    path: str
    code: str
    symbol: str
    violating: int
    units: int
    points: str
    #: The points as ``score --format json`` writes them (``best_next_fixes[].points``).
    exact: float


class FixRow(NamedTuple):
    """A best next fix and the points it regains."""

    gain: str
    text: str
    code: str
    #: The measured time it takes off an import (``"850 ms of import pkg"``), or "".
    saves: str = ""


class Chain(NamedTuple):
    """A QF101 finding: where it is reported and the hops of its chain."""

    path: str
    line: int
    headline: str
    hops: tuple[str, ...]


class DropRow(NamedTuple):
    """A flagged drop of the score, with the commit and what lost the points."""

    commit: str
    label: str
    change: str
    rules: tuple[str, ...]
    files: tuple[str, ...]


class TrendPanel(NamedTuple):
    """The trend chart and the list of drops under it."""

    chart: TrendChart | None
    commits: int
    drops: tuple[DropRow, ...]


class ReportPage(NamedTuple):
    """Everything the template shows."""

    title: str
    version: str
    profile: str
    config_hash: str
    score: str
    files: int
    gate_checked: bool
    gate_passed: bool
    verdict: str
    rules: tuple[RuleRow, ...]
    ledger: tuple[LedgerRow, ...]
    lost: str
    fixes: tuple[FixRow, ...]
    chains: tuple[Chain, ...]
    unparseable: tuple[tuple[str, str], ...]
    trend: TrendPanel | None
    importtime: ImportTimePanel | None


def _ledger(report: ScoreReport) -> tuple[LedgerRow, ...]:
    """Every (file, rule) loss, most first, rounded so that the rows add up to 100 minus
    the score as shown (largest remainder, as ``score`` rounds its ledger)."""
    symbols = {rule.code: rule.symbol for rule in report.rules}
    losses = sorted(report.losses, key=lambda loss: (-loss.points, loss.path, loss.code))
    tenths = apportion_tenths([loss.points for loss in losses], 1000 - round_tenths(report.exact))
    return tuple(
        LedgerRow(
            loss.path,
            loss.code,
            symbols.get(loss.code, loss.code),
            loss.violating,
            loss.units,
            f"{shown / 10:.1f}",
            float(loss.points),
        )
        for loss, shown in zip(losses, tenths)
    )


def _chains(results: Sequence[FileResult]) -> tuple[Chain, ...]:
    chains = []
    for result in results:
        for finding in result.findings:
            if finding.code != CHAIN_CODE:
                continue
            headline, separator, hops = finding.message.partition(_CHAIN_SEPARATOR)
            chains.append(
                Chain(result.path, finding.line, headline, tuple(hops.split(" → ")) if separator else ())
            )
    return tuple(sorted(chains, key=lambda chain: (chain.path, chain.line)))


def _signed(value: float, unit: str = "") -> str:
    return f"{value:+.1f}{unit}".replace("-", "−")


def trend_panel(trend: Trend, fail_under: float | None) -> TrendPanel:
    """The trend's chart and its drops, each drop named by its commit."""
    by_commit = {point.commit: point for point in trend.points}
    drops = []
    for drop in trend.drops:
        point = by_commit.get(drop.commit)
        drops.append(
            DropRow(
                short_commit(drop.commit),
                commit_label(point) if point is not None else short_commit(drop.commit),
                f"{drop.before:.1f} → {drop.after:.1f}",
                tuple(f"{code} {_signed(change, ' pp')}" for code, change in drop.rules),
                tuple(f"{path} {_signed(lost)}" for path, lost in drop.files),
            )
        )
    return TrendPanel(trend_chart(trend, fail_under), len(trend.points), tuple(drops))


def _saves(fix: Action) -> str:
    return f"{fix.saves_ms:.0f} ms of import {fix.measured}" if fix.saves_ms else ""


def build_page(
    report: ScoreReport,
    gate: Gate,
    results: Sequence[FileResult],
    *,
    title: str,
    config_hash: str,
    top: int = 10,
    trend: Trend | None = None,
    importtime: ImportTimePanel | None = None,
    fixes: Sequence[Action] | None = None,
) -> ReportPage:
    """The page of one run: the score and ``gate`` (as ``score`` computed them), the
    QF101 findings of ``results``, the best next ``fixes`` (as ``score`` ranks them), and
    the trend and import time when there are some."""
    rules = tuple(
        RuleRow(
            rule.code,
            rule.symbol,
            rule.unit,
            rule.units,
            rule.violating,
            f"{rule.weight:g}",
            percent(rule.coverage),
            float(rule.coverage),
            points(rule.points_lost),
        )
        for rule in report.rules
    )
    if gate.checked:
        verdict = gate.verdict(report.score)
    else:
        verdict = "No gate is set: --fail-under N, or fail-under in [tool.qemlflow-lint.score], makes one."
    shown = list(next_fixes(report) if fixes is None else fixes)[:top]
    rows = tuple(FixRow(points(fix.points), fix.text, fix.code, _saves(fix)) for fix in shown)
    return ReportPage(
        title=title,
        version=__version__,
        profile=f"{report.profile.name} v{report.profile.version}",
        config_hash=config_hash,
        score=f"{report.score:.1f}",
        files=report.files,
        gate_checked=gate.checked,
        gate_passed=gate.passed,
        verdict=verdict,
        rules=rules,
        ledger=_ledger(report),
        # 100 minus the score as shown, which the ledger's rows add up to (as in ``score``).
        lost=f"{(1000 - round_tenths(report.exact)) / 10:.1f}",
        fixes=rows,
        chains=_chains(results),
        unparseable=report.unparseable,
        trend=trend_panel(trend, gate.fail_under) if trend is not None and trend.points else None,
        importtime=importtime,
    )
