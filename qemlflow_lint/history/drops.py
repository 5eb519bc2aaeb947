"""Drops: where the score fell by at least the threshold, or a rule's coverage fell at all,
and who is responsible — the files and rules that lose more points than at the commit
before, from the two commits' ledgers.

A file renamed between the two commits is compared with its old self (git's rename
detection, asked only when a drop has files that appeared and files that vanished), so a
move alone never shows as points lost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Callable

from qemlflow_lint.history.model import CommitScore, Drop

#: ``(commit before, commit after)`` → the files renamed between them, new path → old path.
Renames = Callable[[str, str], Mapping[str, str]]
#: Changes smaller than this are the rounding of the stored figures, not a change.
_EPSILON = 1e-6


def _no_renames(before: str, after: str) -> Mapping[str, str]:
    return {}


def coverage_changes(before: CommitScore, after: CommitScore) -> list[tuple[str, float]]:
    """The rules in both commits' scores whose coverage changed: ``(code, change in
    percentage points)``, in code order."""
    changes = []
    for code in sorted(set(before.coverage) & set(after.coverage)):
        change = after.coverage[code] - before.coverage[code]
        if abs(change) > _EPSILON:
            changes.append((code, round(change, 4)))
    return changes


def explain(before: CommitScore, after: CommitScore, renames: Renames = _no_renames) -> Drop:
    """The drop from ``before`` to ``after``: the rules whose coverage fell, the files and
    the (file, rule) pairs that lose more points than before, most first."""
    earlier = {(path, code): points for path, code, points in before.losses}
    before_paths = {path for path, _ in earlier}
    after_paths = {path for path, _, _ in after.losses}
    old_of: Mapping[str, str] = {}
    if after_paths - before_paths and before_paths - after_paths:
        old_of = renames(before.commit, after.commit)
    new_of = {old: new for new, old in old_of.items()}
    losses = []
    files: dict[str, float] = defaultdict(float)
    for path, code, points in after.losses:
        more = points - earlier.pop((old_of.get(path, path), code), 0.0)
        files[path] += more
        if more > _EPSILON:
            losses.append((path, code, round(more, 4)))
    for (path, _), points in earlier.items():  # losses that are gone
        files[new_of.get(path, path)] -= points
    return Drop(
        commit=after.commit,
        before=before.score if before.score is not None else 0.0,
        after=after.score if after.score is not None else 0.0,
        rules=tuple((code, change) for code, change in coverage_changes(before, after) if change < 0),
        files=tuple(
            sorted(
                ((path, round(more, 4)) for path, more in files.items() if more > _EPSILON),
                key=lambda item: (-item[1], item[0]),
            )
        ),
        losses=tuple(sorted(losses, key=lambda item: (-item[2], item[0], item[1]))),
    )


def find_drops(
    points: Sequence[CommitScore], threshold: float, renames: Renames = _no_renames
) -> tuple[Drop, ...]:
    """The drops among ``points`` (oldest first): each scored commit against the scored
    commit before it."""
    drops = []
    previous: CommitScore | None = None
    for point in points:
        if point.score is None:
            continue
        if previous is not None and previous.score is not None:
            fall = round(previous.score - point.score, 1)
            fell = any(change < 0 for _, change in coverage_changes(previous, point))
            if (fall > 0 and fall >= threshold - _EPSILON) or fell:
                drops.append(explain(previous, point, renames))
        previous = point
    return tuple(drops)
