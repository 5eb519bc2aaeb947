"""The geometry of the report's SVG charts, computed here so that the template only draws.

Charts are hand-written SVG: a bar is a rectangle whose width is a percentage of its track
(the template scales it with ``preserveAspectRatio="none"``), and the trend is a polyline in
a fixed ``viewBox`` that the page scales to its width. Every label stays a string for the
template to escape.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

from qemlflow_lint.history.model import CommitScore, Trend

#: The trend chart's drawing area, in ``viewBox`` units.
WIDTH, HEIGHT = 720.0, 240.0
LEFT, RIGHT, TOP, BOTTOM = 60.0, 20.0, 20.0, 40.0
#: The steps between the y axis's grid lines, smallest first: the smallest that needs at
#: most :data:`MAX_TICKS` intervals to span the scores is used.
STEPS = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 25.0)
MAX_TICKS = 5
#: How far (in points) a ``fail-under`` gate may lie outside the scores and still be
#: drawn: further, it would squeeze the line into a band.
GATE_REACH = 10.0
#: How many dates the x axis names at most; on a phone every other one is dropped.
DATE_LABELS = 5


class TrendDot(NamedTuple):
    """One scored commit on the chart; ``label`` is its tooltip."""

    x: float
    y: float
    commit: str
    score: str
    label: str
    drop: bool


class DateLabel(NamedTuple):
    """A date under the x axis: where it stands, how it is anchored, and whether a phone
    keeps it (``minor`` labels are dropped there so that the rest do not overlap)."""

    x: float
    anchor: str
    text: str
    minor: bool


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
    dates: tuple[DateLabel, ...]
    #: The y of the ``fail-under`` line, when a gate is set and within the chart.
    gate_y: float | None
    #: The radius of a commit's dot: smaller when the commits are many.
    dot_radius: float


def short_commit(commit: str) -> str:
    """A commit as people write it: its first eight characters."""
    return commit[:8]


def isolated(text: str) -> str:
    """``text`` between the Unicode isolates (FSI … PDI): in a tooltip, where no ``<bdi>``
    can go, a right-to-left override inside it cannot reorder what follows."""
    return f"\u2068{text}\u2069"


def commit_label(point: CommitScore) -> str:
    """The tooltip of a commit: hash, date, score, subject and author."""
    score = "no Python files" if point.score is None else f"{point.score:.1f}"
    return (
        f"{short_commit(point.commit)} {point.date[:10]}: {score}: "
        f"{isolated(point.subject)} ({isolated(point.author)})"
    )


def axis_range(values: Sequence[float]) -> tuple[float, float, float]:
    """The bottom, top and step of a y axis that fits ``values`` (scores from 0 to 100):
    round numbers a step or less beyond the lowest and highest, at most
    :data:`MAX_TICKS` steps apart."""
    low, high = min(values), max(values)
    for step in STEPS:
        bottom = math.floor(low / step) * step
        top = math.ceil(high / step) * step
        if top == bottom:
            bottom, top = bottom - step, top + step
        if (top - bottom) / step <= MAX_TICKS:
            break
    bottom, top = max(0.0, bottom), min(100.0, top)
    return round(bottom, 6), round(top, 6), step


def _dates(trend: Trend, x_of: Callable[[int], float]) -> tuple[DateLabel, ...]:
    count = len(trend.points)
    wanted = min(DATE_LABELS, count)
    if wanted == 1:
        return (DateLabel(x_of(0), "middle", trend.points[0].date[:10], False),)
    indexes = sorted({round(slot * (count - 1) / (wanted - 1)) for slot in range(wanted)})
    labels: list[DateLabel] = []
    last = ""
    for order, index in enumerate(indexes):
        text = trend.points[index].date[:10]
        if text == last:
            continue
        last = text
        anchor = "start" if index == 0 else "end" if index == count - 1 else "middle"
        labels.append(DateLabel(x_of(index), anchor, text, order % 2 == 1 and index != count - 1))
    return tuple(labels)


def trend_chart(trend: Trend, fail_under: float | None = None) -> TrendChart | None:
    """The chart of ``trend``; None when no commit has a score to draw. The y axis fits the
    scores (and the gate when it is near them); a commit is marked as a drop only when the
    history flagged it and its score fell."""
    scores = [point.score for point in trend.points if point.score is not None]
    if not scores:
        return None
    near = fail_under is not None and min(scores) - GATE_REACH <= fail_under <= max(scores) + GATE_REACH
    bottom, top, step = axis_range([*scores, *([fail_under] if near and fail_under is not None else [])])
    span_x = WIDTH - LEFT - RIGHT
    span_y = HEIGHT - TOP - BOTTOM
    count = len(trend.points)

    def x_of(index: int) -> float:
        return round(LEFT + (span_x / 2 if count == 1 else span_x * index / (count - 1)), 2)

    def y_of(score: float) -> float:
        return round(TOP + span_y * (top - score) / (top - bottom), 2)

    fell = {drop.commit for drop in trend.drops if drop.after < drop.before}
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
        dots.append(TrendDot(x, y, point.commit, f"{point.score:.1f}", label, point.commit in fell))
    if run:
        lines.append(" ".join(run))
    steps = round((top - bottom) / step)
    ticks = tuple((y_of(bottom + step * index), f"{bottom + step * index:g}") for index in range(steps + 1))
    gate_y = y_of(fail_under) if near and fail_under is not None and bottom <= fail_under <= top else None
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
        _dates(trend, x_of),
        gate_y,
        round(max(1.5, min(3.5, span_x / count / 3)), 2),
    )


def bar_width(value: float, largest: float) -> float:
    """``value`` as a percentage of ``largest`` (0 when ``largest`` is 0), for a bar's width."""
    if largest <= 0:
        return 0.0
    return round(max(0.0, min(100.0, 100 * value / largest)), 2)
