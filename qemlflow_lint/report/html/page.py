"""The report page as plain values: every number already formatted the way ``score``
formats it, every text still raw (the template escapes it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from qemlflow_lint import __version__
from qemlflow_lint.history.model import CommitScore, Drop, Trend
from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.model.words import plural
from qemlflow_lint.report.html.charts import TrendChart, short_commit, trend_chart
from qemlflow_lint.report.html.inputs import ImportTimePanel
from qemlflow_lint.score.advice import Action, next_fixes
from qemlflow_lint.score.compute import ScoreReport, apportion_tenths, round_tenths
from qemlflow_lint.score.gate import Gate
from qemlflow_lint.score.render import percent, points

#: The code of the findings the heavy-chains panel lists.
CHAIN_CODE = "QF101"
#: The words between a QF101 message's headline and its chain of ``path:line`` hops.
_CHAIN_SEPARATOR = " at import time: "
#: How many entries of each long list the page shows before its "show all": ledger rows,
#: drops, a drop's files, heavy chains and files that could not be analysed. The rest is
#: one click away, without a script.
LEDGER_SHOWN, DROPS_SHOWN, DROP_FILES_SHOWN, CHAINS_SHOWN, UNPARSEABLE_SHOWN = 10, 5, 3, 5, 5


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
    #: Shown before "show all": among the first rows, and not rounded to 0.0.
    first: bool = True


class FixRow(NamedTuple):
    """A best next fix and the points it regains."""

    gain: str
    text: str
    code: str
    #: The measured time it takes off an import (``"850 ms of import pkg"``), or "".
    saves: str = ""


class ChainRow(NamedTuple):
    """A QF101 finding: where it is reported and the hops of its chain."""

    path: str
    line: int
    headline: str
    hops: tuple[str, ...]


class Change(NamedTuple):
    """A number that moved, as shown, and which way: ``up`` (green, the score gains),
    ``down`` (red, it loses) or ``flat``."""

    text: str
    way: str


class Part(NamedTuple):
    """A rule or a file of a drop, and what it did to the score."""

    name: str
    change: Change


class DropRow(NamedTuple):
    """A flagged drop of the score, with the commit and what lost the points."""

    commit: str
    date: str
    subject: str
    author: str
    #: The score before and after, coloured by which way it went.
    change: Change
    #: The rules whose coverage moved by at least a tenth of a point.
    rules: tuple[Part, ...]
    #: The files that cost or regained at least a tenth of a point, most first; the first
    #: :data:`DROP_FILES_SHOWN` are shown, the rest behind "show all".
    files: tuple[Part, ...]
    #: What the files that are not listed (less than a tenth each) add up to, or "".
    rest: str


class TrendPanel(NamedTuple):
    """The trend chart and the list of drops under it, largest fall first."""

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
    chains: tuple[ChainRow, ...]
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
            index < LEDGER_SHOWN and shown > 0,
        )
        for index, (loss, shown) in enumerate(zip(losses, tenths))
    )


def _chains(results: Sequence[FileResult]) -> tuple[ChainRow, ...]:
    chains = []
    for result in results:
        for finding in result.findings:
            if finding.code != CHAIN_CODE:
                continue
            headline, separator, hops = finding.message.partition(_CHAIN_SEPARATOR)
            chains.append(
                ChainRow(result.path, finding.line, headline, tuple(hops.split(" → ")) if separator else ())
            )
    return tuple(sorted(chains, key=lambda chain: (chain.path, chain.line)))


def _way(value: float) -> str:
    """``up``, ``down`` or ``flat``: the way ``value`` goes once rounded to a tenth."""
    tenths = round(value * 10)
    return "up" if tenths > 0 else "down" if tenths < 0 else "flat"


def signed(value: float, unit: str = "") -> Change:
    """``value`` with its sign (a true minus) to a tenth, and the way it goes."""
    return Change(f"{value:+.1f}{unit}".replace("-", "−"), _way(value))


def drop_row(drop: Drop, point: CommitScore | None) -> DropRow:
    """One drop as the page lists it: its commit, the score's move, the rules that moved
    and the files that cost (or regained) a tenth of a point or more, most first."""
    rules = tuple(Part(code, signed(change, " pp")) for code, change in drop.rules if _way(change) != "flat")
    # A file's entry is the points it lost more than before; the page shows what that did
    # to the score, so that every number reads the same way: minus is down, and red.
    files = sorted(drop.files, key=lambda item: (-abs(item[1]), item[0]))
    listed = tuple(Part(path, signed(-lost)) for path, lost in files if _way(lost) != "flat")
    small = [lost for _, lost in files if _way(lost) == "flat"]
    rest = ""
    if small:
        rest = f"{plural(len(small), 'other file')}: less than 0.05 each"
    return DropRow(
        short_commit(drop.commit),
        point.date[:10] if point is not None else "",
        point.subject if point is not None else "",
        point.author if point is not None else "",
        Change(f"{drop.before:.1f} → {drop.after:.1f}", _way(drop.after - drop.before)),
        rules,
        listed,
        rest,
    )


def trend_panel(trend: Trend, fail_under: float | None) -> TrendPanel:
    """The trend's chart and its drops, the largest fall first, each named by its commit."""
    by_commit = {point.commit: point for point in trend.points}
    order = sorted(trend.drops, key=lambda drop: drop.after - drop.before)
    drops = tuple(drop_row(drop, by_commit.get(drop.commit)) for drop in order)
    return TrendPanel(trend_chart(trend, fail_under), len(trend.points), drops)


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
