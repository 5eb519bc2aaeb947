"""What the report reads besides the analysis: ``importtime --format json`` output and a
score trend as JSON (the fields of :class:`~qemlflow_lint.history.model.Trend`).

Both come from files a user names, so every value is checked: a wrong shape is an
:class:`InputError` that says which field, never a traceback or a half-drawn panel.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from qemlflow_lint.history.model import CommitScore, Drop, Trend
from qemlflow_lint.model.words import plural
from qemlflow_lint.report.html.charts import bar_width


class InputError(ValueError):
    """A JSON input that does not have the expected shape; the message names the field."""


class ModuleBar(NamedTuple):
    """One of the costliest modules: its median times and the widths of its bars."""

    module: str
    self_ms: str
    cumulative_ms: str
    self_width: float
    cumulative_width: float
    failed: bool


class Blame(NamedTuple):
    """A heavy or costly module and the first-party line that pulled it in."""

    module: str
    why: str
    cost: str
    #: ``path:line`` of the import statement, or None when no statement was found.
    where: str | None
    statement: str | None
    #: Why no statement is named, or what else to know (``via``, the availability check).
    notes: tuple[str, ...]


class ImportTimePanel(NamedTuple):
    """The import-time panel: the measured module, its costliest modules and the blame."""

    module: str
    median_ms: str
    headline: str
    modules: tuple[ModuleBar, ...]
    blames: tuple[Blame, ...]
    verdict: str | None
    passed: bool | None


#: What JSON numbers read as.
_NUMBER = (int, float)
#: The largest size a number read may have. Python's JSON reader accepts ``NaN``,
#: ``Infinity`` and ``1e308``; none of them is a measurement or a score, and the last would
#: be shown as a number of 309 digits.
LARGEST = 1e9


def _get(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = data.get(key) if isinstance(data, Mapping) else None
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _kinds(kind)):
        raise InputError(f"{where}{key}: missing or not {_kind_name(kind)}")
    if _is(value, _NUMBER):
        _finite(value, f"{where}{key}")
    return value


def _finite(value: Any, where: str) -> float:
    """``value`` as a float, when it is finite and at most :data:`LARGEST` in size."""
    try:
        number = float(value)
    except OverflowError:  # a whole number too large for a float
        number = math.inf
    if not math.isfinite(number) or abs(number) > LARGEST:
        shown = f"{number:g}" if math.isfinite(number) or isinstance(value, float) else "a huge number"
        raise InputError(f"{where}: {shown} is not a finite number of a sensible size (at most {LARGEST:g})")
    return number


def _number(data: Mapping[str, Any], key: str, where: str) -> float:
    """The number at ``key``: required, finite and of a sensible size."""
    return float(_get(data, key, _NUMBER, where))


def _optional_number(data: Mapping[str, Any], key: str, where: str) -> float | None:
    """The number at ``key`` when there is one (anything else is ignored, as before); a
    number that is not finite is refused all the same."""
    value = data.get(key)
    if not _is(value, _NUMBER):
        return None
    return _finite(value, f"{where}{key}")


def _kinds(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "a number", float: "a number", bool: "true or false"}
    names.update({list: "a list", dict: "an object", type(None): "null"})
    return " or ".join(dict.fromkeys(names.get(k, k.__name__) for k in _kinds(kind)))


def _blame(item: Mapping[str, Any], where: str) -> Blame:
    module = _get(item, "module", str, where)
    cumulative = _number(item, "cumulative_ms", where)
    share = _optional_number(item, "share_percent", where)
    saving = _optional_number(item, "saving_up_to_ms", where)
    if item.get("heavy"):
        why = f"heavy ({item['heavy']})"
    elif item.get("large_share"):
        why = f"costly ({share or 0:.0f}% of the import)"
    else:
        why = "costly"
    cost = f"{cumulative:.1f} ms cumulative"
    if item.get("failed"):
        cost = f"its import failed (tried and caught: not installed?); the attempt took {cumulative:.1f} ms"
    found = item.get("statement")
    statement: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    notes: list[str] = []
    via = item.get("via")
    if isinstance(via, str) and via and via != module:
        notes.append(f"imports {via}, which loads {module}")
    place = None
    if statement.get("path") and isinstance(statement.get("line"), int):
        place = f"{statement['path']}:{statement['line']}"
        if not item.get("failed") and saving is not None:
            count = item.get("modules_loaded_through_it")
            notes.append(
                f"deferring that line would save up to {saving:.1f} ms"
                + (f" ({plural(count, 'module')} first loaded through it)" if isinstance(count, int) else "")
            )
    elif statement.get("note"):
        notes.append(str(statement["note"]))
    check = item.get("availability_check")
    if isinstance(check, Mapping) and check.get("use_instead"):
        notes.append(f"it only tests whether a module is installed: use {check['use_instead']}")
    text = statement.get("text")
    return Blame(module, why, cost, place, text if isinstance(text, str) else None, tuple(notes))


def importtime_panel(data: Any) -> ImportTimePanel:
    """The panel of an ``importtime --format json`` result (or of a measurement made for
    the report, which has the same shape)."""
    if not isinstance(data, Mapping):
        raise InputError("not an importtime result (expected a JSON object)")
    module = _get(data, "module", str, "")
    median = _number(data, "median_ms", "")
    runs = data.get("runs")
    headline = f"{module}: {median:.1f} ms to import"
    spread = data.get("spread_ms")
    if isinstance(runs, int) and isinstance(spread, Mapping):
        low = _optional_number(spread, "min", "spread_ms.")
        high = _optional_number(spread, "max", "spread_ms.")
        if low is not None and high is not None:
            headline += f" (median of {plural(runs, 'run')}; min–max {low:.1f}–{high:.1f} ms)"
    modules = _get(data, "top_modules", list, "")
    largest = max(
        (_number(m, "cumulative_ms", f"top_modules[{index}].") for index, m in enumerate(modules)),
        default=0.0,
    )
    bars = []
    for index, entry in enumerate(modules):
        where = f"top_modules[{index}]."
        own = _number(entry, "self_ms", where)
        total = _number(entry, "cumulative_ms", where)
        name = _get(entry, "module", str, where)
        bars.append(
            ModuleBar(
                name,
                f"{own:.1f}",
                f"{total:.1f}",
                bar_width(own, largest),
                bar_width(total, largest),
                bool(entry.get("failed")),
            )
        )
    blames = tuple(
        _blame(item, f"attributions[{index}].")
        for index, item in enumerate(_get(data, "attributions", list, ""))
    )
    budget = data.get("budget")
    verdict = budget.get("verdict") if isinstance(budget, Mapping) else None
    passed = budget.get("passed") if isinstance(budget, Mapping) else None
    return ImportTimePanel(
        module,
        f"{median:.1f}",
        headline,
        tuple(bars),
        blames,
        verdict if isinstance(verdict, str) else None,
        passed if isinstance(passed, bool) else None,
    )


def _record(item: Any, fields: Sequence[str], where: str) -> dict[str, Any]:
    """A named tuple written as a JSON object, or as a list in field order."""
    if isinstance(item, list) and len(item) <= len(fields):
        return dict(zip(fields, item))
    if isinstance(item, Mapping):
        return dict(item)
    raise InputError(f"{where}: expected an object with {', '.join(fields)}")


def _is(value: Any, kind: type | tuple[type, ...]) -> bool:
    return isinstance(value, kind) and not isinstance(value, bool)


def _rows(value: Any, where: str, kinds: Sequence[type | tuple[type, ...]]) -> tuple[tuple[Any, ...], ...]:
    """A list of tuples such as ``[path, code, points]``, each item of the kind given."""
    if not isinstance(value, list) or not all(
        isinstance(row, list) and len(row) == len(kinds) and all(map(_is, row, kinds)) for row in value
    ):
        shape = ", ".join(_kind_name(kind).split(" or ")[0] for kind in kinds)
        raise InputError(f"{where}: expected a list of [{shape}] lists")
    return tuple(
        tuple(
            _finite(item, f"{where}[{number}][{column}]") if kind is _NUMBER else item
            for column, (item, kind) in enumerate(zip(row, kinds))
        )
        for number, row in enumerate(value)
    )


def _count(data: Mapping[str, Any], key: str, where: str) -> int:
    value = data.get(key, 0)
    if not _is(value, int):
        raise InputError(f"{where}.{key}: not a whole number")
    return int(value)


def _commit(item: Any, index: int) -> CommitScore:
    where = f"points[{index}]"
    data = _record(item, CommitScore._fields, where)
    for key in ("commit", "date", "author", "subject"):
        _get(data, key, str, f"{where}.")
    score = data.get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, _NUMBER)):
        raise InputError(f"{where}.score: not a number or null")
    coverage = data.get("coverage", {})
    if not isinstance(coverage, Mapping) or not all(_is(value, _NUMBER) for value in coverage.values()):
        raise InputError(f"{where}.coverage: not an object of numbers")
    return CommitScore(
        data["commit"],
        data["date"],
        data["author"],
        data["subject"],
        None if score is None else _finite(score, f"{where}.score"),
        {str(code): _finite(value, f"{where}.coverage.{code}") for code, value in coverage.items()},
        _rows(data.get("losses", []), f"{where}.losses", (str, str, _NUMBER)),
        _count(data, "files", where),
        _count(data, "unparseable", where),
    )


def _drop(item: Any, index: int) -> Drop:
    where = f"drops[{index}]"
    data = _record(item, Drop._fields, where)
    return Drop(
        _get(data, "commit", str, f"{where}."),
        _number(data, "before", f"{where}."),
        _number(data, "after", f"{where}."),
        _rows(data.get("rules", []), f"{where}.rules", (str, _NUMBER)),
        _rows(data.get("files", []), f"{where}.files", (str, _NUMBER)),
    )


def trend_from_json(data: Any) -> Trend:
    """A :class:`Trend` from JSON: an object with ``points`` (the scored commits, oldest
    first) and ``drops``, each item an object with the named tuple's fields or a list of
    them in order."""
    if not isinstance(data, Mapping) or not isinstance(data.get("points"), list):
        raise InputError("not a trend (expected a JSON object with a 'points' list)")
    drops = data.get("drops", [])
    if not isinstance(drops, list):
        raise InputError("drops: not a list")
    return Trend(
        tuple(_commit(item, index) for index, item in enumerate(data["points"])),
        tuple(_drop(item, index) for index, item in enumerate(drops)),
    )
