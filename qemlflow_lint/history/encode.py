"""The history's values as JSON-ready data and back: what ``trend --format json`` prints,
what the store keeps, and what the HTML report reads (an object per named tuple, its
fields by name; ledgers as ``[path, code, points]`` lists)."""

from __future__ import annotations

from collections.abc import Mapping
from operator import itemgetter
from types import MappingProxyType
from typing import Any

from qemlflow_lint.history.model import CommitScore, Drop, Trend


def point_dict(point: CommitScore) -> dict[str, Any]:
    """A scored commit as JSON-ready data."""
    return {
        "commit": point.commit,
        "date": point.date,
        "author": point.author,
        "subject": point.subject,
        "score": point.score,
        "coverage": dict(point.coverage),
        "losses": [list(loss) for loss in point.losses],
        "files": point.files,
        "unparseable": point.unparseable,
        "units": {code: list(counts) for code, counts in point.units.items()},
        "config_hash": point.config_hash,
        "error": point.error,
    }


def drop_dict(drop: Drop) -> dict[str, Any]:
    """A drop as JSON-ready data."""
    return {
        "commit": drop.commit,
        "before": drop.before,
        "after": drop.after,
        "rules": [list(rule) for rule in drop.rules],
        "files": [list(file) for file in drop.files],
        "losses": [list(loss) for loss in drop.losses],
        "rule_losses": [list(rule) for rule in drop.rule_losses],
        "rest": list(drop.rest),
    }


def trend_dict(trend: Trend) -> dict[str, Any]:
    """A trend as JSON-ready data."""
    return {
        "paths": list(trend.paths),
        "config": trend.config,
        "threshold": trend.threshold,
        "rule_threshold": trend.rule_threshold,
        "points": [point_dict(point) for point in trend.points],
        "drops": [drop_dict(drop) for drop in trend.drops],
    }


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"not a number: {value!r}")
    return float(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"not a string: {value!r}")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"not a whole number: {value!r}")
    return value


def _frozen(values: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(values))


def _ledger(rows: Any) -> tuple[tuple[str, str, float], ...]:
    """``[path, code, points]`` rows. The ledger is most of a stored trend: it is read
    and checked without a call per field."""
    ledger = tuple(map(tuple, rows))
    if set(map(len, ledger)) - {3}:
        raise ValueError("a ledger row is not [path, code, points]")
    kinds = [set(map(type, map(itemgetter(column), ledger))) for column in range(3)]
    if (kinds[0] | kinds[1]) - {str} or kinds[2] - {float, int}:
        raise ValueError("a ledger row is not [path, code, points]")
    return ledger


def point_from(data: Mapping[str, Any]) -> CommitScore:
    """The inverse of :func:`point_dict`; raises ``ValueError`` (or ``TypeError``,
    ``KeyError``) for data of another shape."""
    score = data["score"]
    return CommitScore(
        commit=_text(data["commit"]),
        date=_text(data["date"]),
        author=_text(data["author"]),
        subject=_text(data["subject"]),
        score=None if score is None else _number(score),
        coverage=_frozen({_text(code): _number(value) for code, value in data["coverage"].items()}),
        losses=_ledger(data["losses"]),
        files=_count(data["files"]),
        unparseable=_count(data["unparseable"]),
        units=_frozen(
            {_text(code): (_count(units), _count(bad)) for code, (units, bad) in data["units"].items()}
        ),
        config_hash=_text(data["config_hash"]),
        error=_text(data["error"]),
    )


def drop_from(data: Mapping[str, Any]) -> Drop:
    """The inverse of :func:`drop_dict`."""
    return Drop(
        commit=_text(data["commit"]),
        before=_number(data["before"]),
        after=_number(data["after"]),
        rules=tuple((_text(code), _number(change)) for code, change in data["rules"]),
        files=tuple((_text(path), _number(more)) for path, more in data["files"]),
        losses=tuple(
            (_text(path), _text(code), _number(points), _count(new))
            for path, code, points, new in data["losses"]
        ),
        rule_losses=tuple(
            (_text(code), _number(points), _count(new)) for code, points, new in data["rule_losses"]
        ),
        rest=(_count(data["rest"][0]), _number(data["rest"][1])),
    )


def trend_from(data: Mapping[str, Any]) -> Trend:
    """The inverse of :func:`trend_dict`; raises ``ValueError``, ``TypeError`` or
    ``KeyError`` for data of another shape."""
    return Trend(
        points=tuple(point_from(point) for point in data["points"]),
        drops=tuple(drop_from(drop) for drop in data["drops"]),
        paths=tuple(_text(path) for path in data["paths"]),
        config=_text(data["config"]),
        threshold=_number(data["threshold"]),
        rule_threshold=_number(data["rule_threshold"]),
    )
