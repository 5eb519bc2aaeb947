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
    """A fall of the score (or of a rule's coverage) from ``before`` to ``after``.

    ``rules`` are the rules whose coverage fell, with the change in percentage points;
    ``files`` the files that lost points, with how many more than before.
    """

    commit: str
    before: float
    after: float
    rules: tuple[tuple[str, float], ...] = ()
    files: tuple[tuple[str, float], ...] = ()
    #: The same points by file and rule: ``(path, code, points more than before)``.
    losses: tuple[tuple[str, str, float], ...] = ()


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
    threshold: float = 0.5
