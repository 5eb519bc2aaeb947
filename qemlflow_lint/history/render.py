"""``trend``'s output formats, each a pure function of the :class:`Trend`: a table with a
sparkline and the drops explained (text, Markdown), every field (JSON, what the HTML report
reads too), one row per commit (CSV)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from qemlflow_lint import __version__
from qemlflow_lint.history.drops import coverage_changes
from qemlflow_lint.history.encode import trend_dict
from qemlflow_lint.history.model import CommitScore, Drop, Trend
from qemlflow_lint.score.profile import default_profile

#: The sparkline's levels, lowest to highest score of the trend.
BARS = "▁▂▃▄▅▆▇█"
#: How a commit without a score shows in the table and the sparkline.
NO_SCORE, GAP = "—", "·"
#: Files and (file, rule) pairs named per drop in the text and Markdown formats.
SHOWN = 5


def sparkline(scores: Sequence[float | None]) -> str:
    """One bar per score, from ▁ (the lowest of them) to █ (the highest); ``·`` for a
    commit without a score."""
    values = [score for score in scores if score is not None]
    if not values:
        return GAP * len(scores)
    low, high = min(values), max(values)
    bars = []
    for score in scores:
        if score is None:
            bars.append(GAP)
        else:
            level = 3 if high == low else round((score - low) / (high - low) * (len(BARS) - 1))
            bars.append(BARS[level])
    return "".join(bars)


def _signed(value: float) -> str:
    return f"{value:+.1f}"


def changes(points: Sequence[CommitScore]) -> list[tuple[float | None, list[tuple[str, float]]]]:
    """For each point: the change of the score and of each rule's coverage since the
    scored point before it (None and nothing for the first, or one without a score)."""
    found: list[tuple[float | None, list[tuple[str, float]]]] = []
    previous: CommitScore | None = None
    for point in points:
        if point.score is None or previous is None or previous.score is None:
            found.append((None, []))
        else:
            found.append((round(point.score - previous.score, 1), coverage_changes(previous, point)))
        if point.score is not None:
            previous = point
    return found


def _day(date: str) -> str:
    return date[:10]


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _score(point: CommitScore) -> str:
    return NO_SCORE if point.score is None else f"{point.score:.1f}"


def _coverage_text(rules: Sequence[tuple[str, float]]) -> str:
    return ", ".join(f"{code} {_signed(change)}" for code, change in rules)


def _summary(trend: Trend) -> str:
    scored = [point for point in trend.points if point.score is not None]
    where = ", ".join(trend.paths) or "."
    head = f"Score over {len(trend.points)} commit(s) of {where} ({trend.config})"
    if not scored:
        return head + ": no commit has a Python file to score"
    first, last = scored[0].score or 0.0, scored[-1].score or 0.0
    low = min(point.score or 0.0 for point in scored)
    high = max(point.score or 0.0 for point in scored)
    return f"{head}: {first:.1f} → {last:.1f} ({_signed(last - first)}), lowest {low:.1f}, highest {high:.1f}"


def _drop_lines(drop: Drop, point: CommitScore | None) -> list[str]:
    subject = f' "{_short(point.subject, 50)}"' if point is not None else ""
    who = f" {_day(point.date)} {point.author}" if point is not None else ""
    lines = [
        f"  {drop.commit[:10]}{who}{subject}: {drop.before:.1f} → {drop.after:.1f} ({_signed(drop.after - drop.before)})"
    ]
    if drop.rules:
        lines.append(f"    coverage fell: {_coverage_text(drop.rules)} (percentage points)")
    for path, more in drop.files[:SHOWN]:
        rules = ", ".join(f"{code} +{lost:.1f}" for where, code, lost in drop.losses if where == path)
        lines.append(f"    +{more:5.1f}  {path}" + (f" ({rules})" if rules else ""))
    if len(drop.files) > SHOWN:
        lines.append(f"    … and {len(drop.files) - SHOWN} more file(s)")
    return lines


def render_text(trend: Trend) -> str:
    """The table, the sparkline and the drops, for a terminal."""
    if not trend.points:
        return "No commit to score (the range is empty).\n"
    out = [_summary(trend), sparkline([point.score for point in trend.points]), ""]
    rows = [("commit", "date", "author", "score", "change", "coverage changes")]
    for point, (change, rules) in zip(trend.points, changes(trend.points)):
        rows.append(
            (
                point.commit[:10],
                _day(point.date),
                _short(point.author, 20),
                _score(point),
                "" if change is None else _signed(change),
                _coverage_text(rules),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1]), row[2].ljust(widths[2])]
        cells += [row[3].rjust(widths[3]), row[4].rjust(widths[4]), row[5]]
        out.append("  ".join(cells).rstrip())
    failed = [point for point in trend.points if point.error]
    if failed:
        out += ["", f"Not scored ({len(failed)}):"]
        out += [f"  {point.commit[:10]}: {point.error}" for point in failed]
    by_commit = {point.commit: point for point in trend.points}
    out.append("")
    if trend.drops:
        out.append(
            f"Drops ({len(trend.drops)}): a fall of {trend.threshold:g} points or more, or a rule's coverage falling"
        )
        for drop in trend.drops:
            out += _drop_lines(drop, by_commit.get(drop.commit))
    else:
        out.append(f"No drop (a fall of {trend.threshold:g} points or more, or a rule's coverage falling).")
    return "\n".join(out) + "\n"


def render_json(trend: Trend) -> str:
    """Every field of the trend, with the tool and the profile, as JSON: one line per
    commit and per drop (a long history stays quick to write and to read)."""
    profile = default_profile()
    payload = {
        "tool": {"name": "qemlflow-lint", "version": __version__},
        "profile": {"name": profile.name, "version": profile.version},
        "sparkline": sparkline([point.score for point in trend.points]),
        **trend_dict(trend),
    }
    lines = []
    for key, value in payload.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            items = ",\n".join(f"    {json.dumps(item, ensure_ascii=False)}" for item in value)
            lines.append(f"  {json.dumps(key)}: [\n{items}\n  ]")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def render_csv(trend: Trend) -> str:
    """One row per commit, oldest first: its score, the change, whether it is a drop,
    and each rule's coverage."""
    codes = sorted({code for point in trend.points for code in point.coverage})
    dropped = {drop.commit for drop in trend.drops}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["commit", "date", "author", "subject", "score", "change", "drop", "files", "unparseable", "error"]
        + [f"coverage {code}" for code in codes]
    )
    for point, (change, _) in zip(trend.points, changes(trend.points)):
        writer.writerow(
            [
                point.commit,
                point.date,
                point.author,
                point.subject,
                "" if point.score is None else f"{point.score:.1f}",
                "" if change is None else f"{change:.1f}",
                "yes" if point.commit in dropped else "",
                point.files,
                point.unparseable,
                point.error,
            ]
            + [f"{point.coverage[code]:.2f}" if code in point.coverage else "" for code in codes]
        )
    return buffer.getvalue()


def _cell(text: str) -> str:
    """Text safe in a Markdown table cell: no pipe, no line break, no HTML."""
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("`", "'")
        .replace("\n", " ")
    )


def render_markdown(trend: Trend) -> str:
    """The table and the drops as Markdown (a job summary, a pull-request comment)."""
    out = ["## Score trend", ""]
    if not trend.points:
        return "\n".join([*out, "No commit to score (the range is empty).", ""])
    out += [_cell(_summary(trend)), "", f"`{sparkline([point.score for point in trend.points])}`", ""]
    out += ["| commit | date | author | score | change | coverage changes |", "|---|---|---|--:|--:|---|"]
    for point, (change, rules) in zip(trend.points, changes(trend.points)):
        out.append(
            f"| `{point.commit[:10]}` | {_day(point.date)} | {_cell(point.author)} | {_score(point)} | "
            f"{'' if change is None else _signed(change)} | {_coverage_text(rules)} |"
        )
    by_commit = {point.commit: point for point in trend.points}
    out += ["", f"### Drops ({len(trend.drops)})", ""]
    if not trend.drops:
        out.append(f"No fall of {trend.threshold:g} points or more, and no rule's coverage fell.")
    for drop in trend.drops:
        dropped = by_commit.get(drop.commit)
        subject = f" {_cell(dropped.subject)}" if dropped is not None else ""
        line = f"- `{drop.commit[:10]}`{subject}: {drop.before:.1f} → {drop.after:.1f} ({_signed(drop.after - drop.before)})"
        if drop.rules:
            line += f"; coverage fell: {_coverage_text(drop.rules)}"
        files = ", ".join(f"`{_cell(path)}` +{more:.1f}" for path, more in drop.files[:SHOWN])
        if files:
            line += f"; points lost: {files}"
        out.append(line)
    return "\n".join(out) + "\n"


RENDERERS = {"text": render_text, "json": render_json, "csv": render_csv, "markdown": render_markdown}
