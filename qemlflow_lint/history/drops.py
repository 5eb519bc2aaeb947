"""Drops: where the score fell by at least the threshold, or one rule lost at least its own
threshold of points while the score did not rise; and who is responsible — the files with
new findings that lose more points than at the commit before, and their rules, from the
two commits' ledgers.

Points, not percentage points, measure a rule's fall: a rule whose coverage falls by 3
percentage points may cost 0.01 points of the score or 2, depending on its weight and its
units. A new finding's count comes from the ledger too: a file loses the same points for
each of a rule's violating units in a commit.

A file renamed between the two commits is compared with its old self (git's rename
detection, asked only when a drop has files that appeared and files that vanished), so a
move alone never shows as points lost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Callable

from qemlflow_lint.history.model import DROP, NOTED, RULE_DROP, CommitScore, Drop

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


def rule_points(point: CommitScore) -> dict[str, float]:
    """The points each rule loses at ``point`` (its part of 100 − score)."""
    lost: dict[str, float] = defaultdict(float)
    for _, code, points in point.losses:
        lost[code] += points
    return lost


def rule_changes(before: CommitScore, after: CommitScore) -> dict[str, float]:
    """The points each rule loses at ``after`` more than at ``before`` (negative: regained)."""
    earlier, later = rule_points(before), rule_points(after)
    return {code: later.get(code, 0.0) - earlier.get(code, 0.0) for code in sorted(set(earlier) | set(later))}


def _violating(point: CommitScore) -> dict[tuple[str, str], int]:
    """Each (file, rule)'s violating units: the file's points over what one unit costs
    (the rule's points over its violating units)."""
    totals = rule_points(point)
    found = {}
    for path, code, points in point.losses:
        violating = point.units.get(code, (0, 0))[1]
        if violating and totals[code] > _EPSILON:
            found[(path, code)] = round(points * violating / totals[code])
    return found


def explain(before: CommitScore, after: CommitScore, renames: Renames = _no_renames) -> Drop:
    """The drop from ``before`` to ``after``: the rules that lose points, the files that
    contribute (new findings, and at least :data:`NOTED` points more than before) with
    their rules and new findings, most first, and the rest in one figure."""
    earlier = {(path, code): points for path, code, points in before.losses}
    before_paths = {path for path, _ in earlier}
    after_paths = {path for path, _, _ in after.losses}
    old_of: Mapping[str, str] = {}
    if after_paths - before_paths and before_paths - after_paths:
        old_of = renames(before.commit, after.commit)
    new_of = {old: new for new, old in old_of.items()}
    counted_before, counted_after = _violating(before), _violating(after)
    pairs = []
    files: dict[str, float] = defaultdict(float)
    new_in: dict[str, int] = defaultdict(int)
    for path, code, points in after.losses:
        old = (old_of.get(path, path), code)
        more = points - earlier.pop(old, 0.0)
        new = max(counted_after.get((path, code), 0) - counted_before.get(old, 0), 0)
        files[path] += more
        new_in[path] += new
        pairs.append((path, code, more, new))
    for (path, _), points in earlier.items():  # losses that are gone
        files[new_of.get(path, path)] -= points
    contributing = {path for path, more in files.items() if more >= NOTED and new_in[path]}
    rest = [more for path, more in files.items() if more > _EPSILON and path not in contributing]
    rule_news: dict[str, int] = defaultdict(int)
    for _, code, _, new in pairs:
        rule_news[code] += new
    rule_losses = sorted(
        (
            (code, round(more, 4), rule_news[code])
            for code, more in rule_changes(before, after).items()
            if more >= NOTED
        ),
        key=lambda item: (-item[1], item[0]),
    )
    losing = {code for code, _, _ in rule_losses}
    return Drop(
        commit=after.commit,
        before=before.score if before.score is not None else 0.0,
        after=after.score if after.score is not None else 0.0,
        rules=tuple(
            (code, change)
            for code, change in coverage_changes(before, after)
            if change < 0 and code in losing
        ),
        files=tuple(
            sorted(
                ((path, round(files[path], 4)) for path in contributing), key=lambda item: (-item[1], item[0])
            )
        ),
        losses=tuple(
            sorted(
                (
                    (path, code, round(more, 4), new)
                    for path, code, more, new in pairs
                    if path in contributing and more >= NOTED
                ),
                key=lambda item: (-item[2], item[0], item[1]),
            )
        ),
        rule_losses=tuple(rule_losses),
        rest=(len(rest), round(sum(rest, 0.0), 4)),
    )


def is_drop(
    before: CommitScore, after: CommitScore, threshold: float = DROP, rule_threshold: float = RULE_DROP
) -> bool:
    """Whether ``after`` is a drop from ``before``: the score fell by at least
    ``threshold``, or it did not rise and one rule lost at least ``rule_threshold``
    points more."""
    if before.score is None or after.score is None:
        return False
    fall = round(before.score - after.score, 1)
    if fall > 0 and fall >= threshold - _EPSILON:
        return True
    if fall < 0:
        return False
    worst = max(rule_changes(before, after).values(), default=0.0)
    return worst >= max(rule_threshold, NOTED) - _EPSILON


def find_drops(
    points: Sequence[CommitScore],
    threshold: float = DROP,
    renames: Renames = _no_renames,
    rule_threshold: float = RULE_DROP,
) -> tuple[Drop, ...]:
    """The drops among ``points`` (oldest first): each scored commit against the scored
    commit before it."""
    drops = []
    previous: CommitScore | None = None
    for point in points:
        if point.score is None:
            continue
        if previous is not None and is_drop(previous, point, threshold, rule_threshold):
            drops.append(explain(previous, point, renames))
        previous = point
    return tuple(drops)
