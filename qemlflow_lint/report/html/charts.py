"""The geometry of the report's SVG charts, computed here so that the template only draws.

Charts are hand-written SVG: a bar is a rectangle whose width is a percentage of its track
(the template scales it with ``preserveAspectRatio="none"``), and the trend is a polyline in
a fixed ``viewBox`` that the page scales to its width. Every label stays a string for the
template to escape.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from qemlflow_lint.history.model import CommitScore, Trend

#: The trend chart's drawing area, in ``viewBox`` units.
WIDTH, HEIGHT = 720.0, 240.0
LEFT, RIGHT, TOP, BOTTOM = 60.0, 20.0, 20.0, 40.0


class TrendDot(NamedTuple):
    """One scored commit on the chart; ``label`` is its tooltip."""

    x: float
    y: float
    commit: str
    score: str
    label: str
    drop: bool


class TrendChart(NamedTuple):
    """A line chart of the score over the commits, oldest left, drops marked."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    #: One ``points`` attribute per run of consecutive scored commits (a commit without
    #: a Python file breaks the line).
    lines: tuple[str, ...]
    dots: tuple[TrendDot, ...]
    #: ``(y, label)`` of each horizontal grid line.
    ticks: tuple[tuple[float, str], ...]
    first_date: str
    last_date: str
    #: The y of the ``fail-under`` line, when a gate is set and within the chart.
    gate_y: float | None


def short_commit(commit: str) -> str:
    """A commit as people write it: its first eight characters."""
    return commit[:8]


def commit_label(point: CommitScore) -> str:
    """The tooltip of a commit: hash, date, score, subject and author."""
    score = "no Python files" if point.score is None else f"{point.score:.1f}"
    return f"{short_commit(point.commit)} {point.date[:10]}: {score}: {point.subject} ({point.author})"


def _floor_of(scores: Sequence[float]) -> float:
    """The bottom of the y axis: a multiple of ten at least five points below every score."""
    return float(max(0, math.floor((min(scores) - 5) / 10) * 10))


def trend_chart(trend: Trend, fail_under: float | None = None) -> TrendChart | None:
    """The chart of ``trend``; None when no commit has a score to draw."""
    scores = [point.score for point in trend.points if point.score is not None]
    if not scores:
        return None
    floor = _floor_of([*scores, *([fail_under] if fail_under is not None else [])])
    span_x = WIDTH - LEFT - RIGHT
    span_y = HEIGHT - TOP - BOTTOM
    count = len(trend.points)

    def x_of(index: int) -> float:
        return round(LEFT + (span_x / 2 if count == 1 else span_x * index / (count - 1)), 2)

    def y_of(score: float) -> float:
        return round(TOP + span_y * (100 - score) / (100 - floor), 2)

    dropped = {drop.commit for drop in trend.drops}
    dots: list[TrendDot] = []
    lines: list[str] = []
    run: list[str] = []
    for index, point in enumerate(trend.points):
        if point.score is None:
            if run:
                lines.append(" ".join(run))
            run = []
            continue
        x, y = x_of(index), y_of(point.score)
        run.append(f"{x:g},{y:g}")
        label = commit_label(point)
        dots.append(TrendDot(x, y, point.commit, f"{point.score:.1f}", label, point.commit in dropped))
    if run:
        lines.append(" ".join(run))
    middle = (floor + 100) / 2
    ticks = tuple((y_of(value), f"{value:g}") for value in (100.0, middle, floor))
    gate_y = y_of(fail_under) if fail_under is not None and fail_under >= floor else None
    return TrendChart(
        WIDTH,
        HEIGHT,
        LEFT,
        WIDTH - RIGHT,
        TOP,
        HEIGHT - BOTTOM,
        tuple(lines),
        tuple(dots),
        ticks,
        trend.points[0].date[:10],
        trend.points[-1].date[:10],
        gate_y,
    )


def bar_width(value: float, largest: float) -> float:
    """``value`` as a percentage of ``largest`` (0 when ``largest`` is 0), for a bar's width."""
    if largest <= 0:
        return 0.0
    return round(max(0.0, min(100.0, 100 * value / largest)), 2)
