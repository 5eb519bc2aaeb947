"""What a target function reads: the measured rows by key, and how it states its verdict."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Callable

from benchmarks.timing import Outcome


@dataclass(frozen=True)
class Target:
    """One speed target, its measured value and the verdict (None: not measured)."""

    text: str
    measured: str
    passed: bool | None


class Results:
    """The rows that were measured (failed ones left out), keyed ``corpus:row``.

    ``large`` is the run's first corpus (the whole standard library, or the small corpus in a
    ``--quick`` run): the corpus a target is judged on unless it names another.
    """

    def __init__(self, outcomes: Sequence[Outcome], large: str) -> None:
        self.outcomes = list(outcomes)
        self.large = large
        self.by_key = {o.command.key: o for o in outcomes if o.ok}
        #: Each corpus's key → its title, for the measured column.
        self.titles = {o.command.corpus.key: o.command.corpus.title for o in outcomes}

    def on(self, key: str, corpus: str | None = None) -> float | None:
        """The median seconds of row ``key`` on ``corpus`` (default: the large one), or None."""
        found = self.by_key.get(f"{corpus or self.large}:{key}")
        return found.median if found else None

    def per_round(self, with_key: str, without_key: str, corpus: str | None = None) -> str:
        """`` [per round: +x%, …]``: what ``with_key`` adds to ``without_key`` in each round.

        Runs are round-robin, so the runs of one round were close in time: their ratio is less
        exposed to the machine's drift than the ratio of the medians."""
        corpus = corpus or self.large
        a, b = self.by_key.get(f"{corpus}:{with_key}"), self.by_key.get(f"{corpus}:{without_key}")
        if a is None or b is None or len(a.samples) != len(b.samples) or len(a.samples) < 2:
            return ""
        shares = [x.seconds / y.seconds - 1 for x, y in zip(a.samples, b.samples)]
        return " [per round: " + ", ".join(f"{share:+.1%}" for share in shares) + "]"


def judged(
    text: str, values: Sequence[float | None], test: Callable[..., bool], describe: Callable[..., str]
) -> Target:
    """The target ``text``: not measured when a value is missing, else ``describe(*values)``
    with the verdict ``test(*values)``."""
    if any(v is None for v in values):
        return Target(text, "not measured", None)
    return Target(text, describe(*values), test(*values))


#: A measurement module's targets: each one function of the results.
Judges = tuple[Callable[[Results], list[Target]], ...]
