"""What the history holds: one scored commit per point, oldest first, and the drops between
them, each explained by the files and rules that lost the points (from the score's ledger).

These values are what ``trend`` prints in every format and what the HTML report draws; they
are plain named tuples of numbers and strings, so the store keeps them as JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

_NO_UNITS: Mapping[str, tuple[int, int]] = MappingProxyType({})
#: A fall of the score of at least this many points is a drop (``--drop``).
DROP = 0.5
#: One rule losing at least this many points more than at the commit before is a drop,
#: unless the score rose (``--rule-drop``): a regression on one rule that gains elsewhere
#: only partly hide.
RULE_DROP = 1.0
#: Points below this are rounding, not a change a person would see (``+0.0``): a file or a
#: rule losing less is not named.
NOTED = 0.05


class CommitScore(NamedTuple):
    """The score of one commit, as ``score`` would give it on that commit's tree.

    ``coverage`` is each rule's coverage in percent (pᵣ); ``losses`` the points ledger:
    ``(path, code, points lost)`` for every file and rule that lost any. ``score`` is
    ``None`` when the commit has no Python file to score.
    """

    commit: str
    date: str
    author: str
    subject: str
    score: float | None
    coverage: Mapping[str, float]
    losses: tuple[tuple[str, str, float], ...] = ()
    files: int = 0
    #: Files that could not be parsed (QF000): counted as the score counts them.
    unparseable: int = 0
    #: Each rule's units and violating units (Oᵣ and Vᵣ), as ``score --format json`` has them.
    units: Mapping[str, tuple[int, int]] = _NO_UNITS
    #: The fingerprint of the commit's settings (``config_hash`` of ``score --format json``):
    #: a change says the yardstick moved.
    config_hash: str = ""
    #: Why the commit has no score although it has files (its configuration is wrong), or "".
    error: str = ""


class Drop(NamedTuple):
    """A fall of the score (or of one rule's part of it) from ``before`` to ``after``.

    ``rules`` are the rules that lose points (at least :data:`NOTED`), with the change of
    their coverage in percentage points; ``files`` the files that contribute — they have
    new findings and lose at least :data:`NOTED` points more than before — most first,
    with those points.
    """

    commit: str
    before: float
    after: float
    rules: tuple[tuple[str, float], ...] = ()
    files: tuple[tuple[str, float], ...] = ()
    #: The contributing files' points by rule: ``(path, code, points more than before,
    #: new findings)``, most first.
    losses: tuple[tuple[str, str, float, int], ...] = ()
    #: Each rule's points lost more than before, and its new findings: ``(code, points,
    #: new findings)``, most first (the rules of ``rules``).
    rule_losses: tuple[tuple[str, float, int], ...] = ()
    #: The files that lose points but do not contribute: how many, and their points.
    rest: tuple[int, float] = (0, 0.0)


class Trend(NamedTuple):
    """The scored commits, oldest first, and the drops flagged among them."""

    points: tuple[CommitScore, ...]
    drops: tuple[Drop, ...] = ()
    #: The paths scored (from the top of the repository; ``.`` for all of it).
    paths: tuple[str, ...] = ()
    #: Whose configuration scored the commits: ``"each commit's own configuration"``, or
    #: ``"the configuration of HEAD (1a2b3c4d5e)"`` for ``--config-from HEAD``.
    config: str = ""
    #: The fall in points that counts as a drop (``--drop``).
    threshold: float = DROP
    #: The points one rule must lose to count as a drop (``--rule-drop``).
    rule_threshold: float = RULE_DROP
