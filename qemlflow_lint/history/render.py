"""``trend``'s output formats, each a pure function of the :class:`Trend`: a table with a
sparkline and the drops explained (text, Markdown), every field (JSON, what the HTML report
reads too), one row per commit (CSV)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence

from qemlflow_lint import __version__
from qemlflow_lint.history.drops import coverage_changes
from qemlflow_lint.history.encode import trend_dict
from qemlflow_lint.history.model import NOTED, CommitScore, Drop, Trend
from qemlflow_lint.model.printable import code_span, json_safe, printable
from qemlflow_lint.model.words import plural
from qemlflow_lint.score.profile import default_profile

#: The sparkline's levels, lowest to highest score of the trend.
BARS = "▁▂▃▄▅▆▇█"
#: How a commit without a score shows in the table and the sparkline.
NO_SCORE, GAP = "—", "·"
#: Files named per drop in the text and Markdown formats (the others in one line).
SHOWN = 5
#: The widths of the author and subject columns (and of the subject of a drop).
AUTHOR_WIDTH, SUBJECT_WIDTH = 24, 60


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


def author_name(name: str, width: int = AUTHOR_WIDTH) -> str:
    """An author as the table shows them: the whole name when it fits in ``width``;
    else the given names as initials before the last (``S. R. Dodlapati``), so that the
    person stays recognisable; only a name still too long is cut."""
    name = printable(name)
    words = name.split()
    if len(name) <= width or len(words) < 2:
        return _short(name, width)
    initials = " ".join(word[0] + "." for word in words[:-1])
    return _short(f"{initials} {words[-1]}", width)


def _subject(point: CommitScore) -> str:
    return _short(printable(point.subject), SUBJECT_WIDTH)


def _score(point: CommitScore) -> str:
    return NO_SCORE if point.score is None else f"{point.score:.1f}"


def _summary(trend: Trend) -> str:
    scored = [point for point in trend.points if point.score is not None]
    where = ", ".join(printable(path) for path in trend.paths) or "."
    head = f"Score over {len(trend.points)} commit(s) of {where} ({printable(trend.config)})"
    if not scored:
        return head + ": no commit has a Python file to score"
    first, last = scored[0].score or 0.0, scored[-1].score or 0.0
    low = min(point.score or 0.0 for point in scored)
    high = max(point.score or 0.0 for point in scored)
    return f"{head}: {first:.1f} → {last:.1f} ({_signed(last - first)}), lowest {low:.1f}, highest {high:.1f}"


def definition(trend: Trend) -> str:
    """What counts as a drop, in the trend's thresholds."""
    return (
        f"a fall of {_points(trend.threshold)} or more, or one rule losing "
        f"{_points(trend.rule_threshold)} or more while the score does not rise"
    )


def _points(points: float) -> str:
    return f"{points:g} point" + ("" if points == 1 else "s")


def _new(count: int) -> str:
    return f"{count} new"


def _rule_parts(drop: Drop) -> str:
    return ", ".join(
        f"{code} {-points:+.1f}" + (f" ({plural(new, 'new finding')})" if new else "")
        for code, points, new in drop.rule_losses
    )


def _rest_text(count: int, points: float) -> str:
    lost = f"{-points:+.1f}" if points >= NOTED else "less than 0.1 point"
    return f"and {plural(count, 'more file')}, {lost}"


def _file_counts(drop: Drop, before: CommitScore | None, after: CommitScore | None) -> str | None:
    """The files scored before and after, when they changed and no file has new
    findings: the points then moved because files came or went."""
    if before is None or after is None or before.files == after.files or drop.files:
        return None
    return (
        f"no file has new findings: {before.files} → {after.files} files scored, "
        "and each rule's remaining files weigh more"
    )


def _file_rules(drop: Drop, path: str) -> str:
    return ", ".join(
        f"{code} {-points:+.1f}" + (f" ({_new(new)})" if new else "")
        for where, code, points, new in drop.losses
        if where == path
    )


def _more_files(drop: Drop) -> tuple[int, float] | None:
    """The files not named under a drop: how many, and the points they lose."""
    count = max(len(drop.files) - SHOWN, 0) + drop.rest[0]
    points = sum(more for _, more in drop.files[SHOWN:]) + drop.rest[1]
    return (count, points) if count else None


def _drop_change(drop: Drop) -> str:
    """A drop's scores before and after it, and the change: ``91.0 → 88.5 (-2.5)``."""
    return f"{drop.before:.1f} → {drop.after:.1f} ({_signed(drop.after - drop.before)})"


def _drop_head(drop: Drop, point: CommitScore | None) -> str:
    change = _drop_change(drop)
    if point is None:
        return f"{drop.commit[:10]}: {change}"
    return f'{drop.commit[:10]} {_day(point.date)} {author_name(point.author)} "{_subject(point)}": {change}'


def _drop_details(
    drop: Drop, point: CommitScore | None, before: CommitScore | None, file_head: Callable[[str, float], str]
) -> list[str]:
    """What is said under a drop's head, each line without its indent or bullet: the rules
    that lost points, the file counts, the files named (each begun by ``file_head(path,
    points lost)``) and the files not named."""
    details = []
    if drop.rule_losses:
        details.append(f"rules: {_rule_parts(drop)}")
    counts = _file_counts(drop, before, point)
    if counts is not None:
        details.append(counts)
    details += [f"{file_head(path, more)}: {_file_rules(drop, path)}" for path, more in drop.files[:SHOWN]]
    rest = _more_files(drop)
    if rest is not None:
        details.append(_rest_text(*rest))
    return details


def _drop_lines(drop: Drop, point: CommitScore | None, before: CommitScore | None) -> list[str]:
    details = _drop_details(drop, point, before, lambda path, more: f"{-more:+5.1f}  {printable(path)}")
    return [f"  {_drop_head(drop, point)}", *(f"    {detail}" for detail in details)]


def _scored_before(trend: Trend) -> dict[str, CommitScore]:
    """Each scored commit's previous scored commit (what its drop compares it with)."""
    found = {}
    previous: CommitScore | None = None
    for point in trend.points:
        if point.score is None:
            continue
        if previous is not None:
            found[point.commit] = previous
        previous = point
    return found


def render_text(trend: Trend) -> str:
    """The table, the sparkline and the drops, for a terminal."""
    if not trend.points:
        return "No commit to score (the range is empty).\n"
    out = [_summary(trend), sparkline([point.score for point in trend.points]), ""]
    rows = [("commit", "date", "author", "score", "change", "subject")]
    for point, (change, _) in zip(trend.points, changes(trend.points)):
        rows.append(
            (
                point.commit[:10],
                _day(point.date),
                author_name(point.author),
                _score(point),
                "" if change is None else _signed(change),
                _subject(point),
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
        out += [f"  {point.commit[:10]}: {printable(point.error)}" for point in failed]
    by_commit, before = {point.commit: point for point in trend.points}, _scored_before(trend)
    out.append("")
    if trend.drops:
        out.append(f"Drops ({len(trend.drops)}): {definition(trend)}")
        for drop in trend.drops:
            out += _drop_lines(drop, by_commit.get(drop.commit), before.get(drop.commit))
    else:
        out.append(f"No drop ({definition(trend)}).")
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
            items = ",\n".join(f"    {_json(item)}" for item in value)
            lines.append(f"  {json.dumps(key)}: [\n{items}\n  ]")
        else:
            lines.append(f"  {json.dumps(key)}: {_json(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _json(value: object) -> str:
    """One value on one line: readable text as it is, what could act on a terminal or
    is not UTF-8 (an undecodable file name) as ``\\u`` escapes."""
    return json_safe(json.dumps(value, ensure_ascii=False))


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
                printable(point.author),
                printable(point.subject),
                "" if point.score is None else f"{point.score:.1f}",
                "" if change is None else f"{change:.1f}",
                "yes" if point.commit in dropped else "",
                point.files,
                point.unparseable,
                printable(point.error),
            ]
            + [f"{point.coverage[code]:.2f}" if code in point.coverage else "" for code in codes]
        )
    return buffer.getvalue()


def _cell(text: str) -> str:
    """Text safe in Markdown, a table cell included: escaped as :func:`printable`
    escapes it, no pipe, no HTML, no code span."""
    return (
        printable(text)
        .replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("`", "\\`")
    )


def _drop_markdown(drop: Drop, point: CommitScore | None, before: CommitScore | None) -> list[str]:
    change = _drop_change(drop)
    head = f"- `{drop.commit[:10]}`"
    if point is not None:
        head += f" {_cell(author_name(point.author))}, {_cell(_subject(point))}"
    details = _drop_details(drop, point, before, lambda path, more: f"{-more:+.1f} {code_span(path)}")
    return [f"{head}: {change}", *(f"  - {detail}" for detail in details)]


def render_markdown(trend: Trend) -> str:
    """The table and the drops as Markdown (a job summary, a pull-request comment)."""
    out = ["## Score trend", ""]
    if not trend.points:
        return "\n".join([*out, "No commit to score (the range is empty).", ""])
    out += [_cell(_summary(trend)), "", code_span(sparkline([point.score for point in trend.points])), ""]
    out += ["| commit | date | author | score | change | subject |", "|---|---|---|--:|--:|---|"]
    for point, (change, _) in zip(trend.points, changes(trend.points)):
        out.append(
            f"| `{point.commit[:10]}` | {_day(point.date)} | {_cell(author_name(point.author))} | {_score(point)} | "
            f"{'' if change is None else _signed(change)} | {_cell(_subject(point))} |"
        )
    by_commit, before = {point.commit: point for point in trend.points}, _scored_before(trend)
    out += ["", f"### Drops ({len(trend.drops)})", "", f"A drop is {definition(trend)}.", ""]
    if not trend.drops:
        out.append("No drop.")
    for drop in trend.drops:
        out += _drop_markdown(drop, by_commit.get(drop.commit), before.get(drop.commit))
    return "\n".join(out) + "\n"
