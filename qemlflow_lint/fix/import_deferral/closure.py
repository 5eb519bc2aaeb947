"""What ``import ENTRY`` loads at import time, and which deferrals take a heavy module out of it.

``fix`` is judged by its outcome: a heavy module that an entry point still loads through one
import nobody can move costs every importer just as much as before, however many other imports
of it were moved. So QF001's fix plans over the project's import graph (QF101's, see
:mod:`~qemlflow_lint.project.graph`), per heavy module and entry point:

- an *edge* is one thing an import-time statement loads: a heavy module, or a first-party
  module (whose own edges then run too);
- a *candidate* is a statement the per-file planner could defer (move into functions, under
  ``if TYPE_CHECKING:``, or load on first access), with the edges it cuts;
- the *closure* of an entry point is every module its import runs, following the edges that
  are not cut, and the heavy modules those load.

A heavy module can leave an entry point's closure when cutting every candidate does take it
out. The candidates are then dropped one by one, as long as every heavy module that could
leave still does: what remains is a set of deferrals each of which some entry point needs.
What stays is explained by its *blockers*: the statements that load it and cannot move.

The closures themselves (:mod:`qemlflow_lint.project.closure`) are shared with the score's best
next fixes, so that ``fix`` and ``score`` agree on what one deferral takes out of an import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from qemlflow_lint.project.closure import NO_CUT, Candidate, Closures, Cut, EdgeKey, gone, loaded


class Blocker(NamedTuple):
    """A statement that keeps a heavy module in an entry point's closure, and why it stays."""

    heavy: str
    path: str
    line: int
    reason: str


class EntryOutcome(NamedTuple):
    """What ``import ENTRY`` loads before and after the planned (or applied) deferrals."""

    #: The module name: ``import entry``.
    entry: str
    #: The folder that must come first on ``sys.path`` for ``import entry`` to find the project's copy.
    root: str
    #: The heavy modules its import loads today, sorted.
    before: tuple[str, ...]
    #: The heavy modules it still loads afterwards, sorted.
    after: tuple[str, ...]
    #: Why each heavy module of ``after`` stays: the statements that load it and cannot move.
    blockers: tuple[Blocker, ...] = ()

    @property
    def gone(self) -> tuple[str, ...]:
        """The heavy modules it no longer loads."""
        return tuple(heavy for heavy in self.before if not loaded(heavy, self.after))


class Selection(NamedTuple):
    """The candidates kept, and what each entry point loads before and after them."""

    kept: tuple[Candidate, ...]
    #: Entry point -> heavy module -> the uncut edges that load it afterwards.
    staying: Mapping[str, Mapping[str, Sequence[EdgeKey]]]
    #: Entry point -> the heavy modules it loads today.
    before: Mapping[str, frozenset[str]]
    #: Entry point -> the modules it runs afterwards.
    closure: Mapping[str, frozenset[str]]
    #: What the kept candidates cut.
    cut: Cut = NO_CUT


def select(closures: Closures, entries: Sequence[str], candidates: Iterable[Candidate]) -> Selection:
    """The candidates some entry point needs to lose a heavy module (see the module docstring)."""
    # Within a rank, the deepest modules' candidates go first: a package made lazy near the
    # entry point saves more than a cut deep down the chain (everything below it, heavy or
    # not, stops loading), so it is the one kept when either would do.
    every = sorted(candidates, key=lambda c: (c.rank, -c.module.count("."), c.module, -c.line, -c.col))
    active = list(every)
    cut = Cut.of(active)
    before = {entry: frozenset(closures.heavy(entry)) for entry in entries}
    leaving = {entry: gone(before[entry], closures.heavy(entry, cut)) for entry in entries}
    runs = {entry: closures.modules(entry, cut) for entry in entries}
    for candidate in every:
        others = [c for c in active if c is not candidate]
        trial = Cut.of(others)
        affected = [e for e in entries if leaving[e] and candidate.module in runs[e]]
        if all(not (leaving[e] - gone(leaving[e], closures.heavy(e, trial))) for e in affected):
            active, cut = others, trial
            for entry in affected:
                runs[entry] = closures.modules(entry, cut)
    staying = {entry: closures.heavy(entry, cut) for entry in entries}
    closure = {entry: frozenset(closures.modules(entry, cut)) for entry in entries}
    return Selection(tuple(active), staying, before, closure, cut)
