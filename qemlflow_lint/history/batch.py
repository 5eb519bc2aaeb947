"""Scoring a batch of commits: list their trees, analyse their distinct files at once (from
the result cache, or on every core), then score each commit as ``score`` would."""

from __future__ import annotations

from collections.abc import Sequence

from qemlflow_lint.config.errors import ConfigError
from qemlflow_lint.history.analyse import Analyser, Unit
from qemlflow_lint.history.git import Commit
from qemlflow_lint.history.model import CommitScore
from qemlflow_lint.history.scoring import commit_score, failed_commit, score_snapshot
from qemlflow_lint.history.snapshot import Blobs, Layout, Snapshot, snapshot
from qemlflow_lint.history.tree import Tree, TreeReader
from qemlflow_lint.history.yardstick import Yardstick


class CommitScorer:
    """Scores the commits of one run. Commits whose files and settings are those of a
    commit already scored (a change to the docs only) reuse its score."""

    def __init__(
        self, trees: TreeReader, layout: Layout, yardstick: Yardstick, analyser: Analyser, *, noqa: bool
    ) -> None:
        self.objects = trees.objects
        self.trees = trees
        self.layout = layout
        self.yardstick = yardstick
        self.analyser = analyser
        self.noqa = noqa
        self.blobs = Blobs(trees.objects)
        self._scored: dict[tuple[str, ...], CommitScore] = {}

    def _snapshot(self, tree: Tree) -> Snapshot | str:
        try:
            return snapshot(tree, self.yardstick.tree or tree, self.layout, self.blobs)
        except ConfigError as error:
            if self.yardstick.fixed:
                raise  # the chosen yardstick itself is wrong: no commit can be scored
            return str(error)

    def score(self, commits: Sequence[Commit]) -> list[CommitScore]:
        """The scores of ``commits``, in order."""
        prepared: list[tuple[Commit, Snapshot | str, list[Unit]]] = []
        for commit in commits:
            tree = self.trees.read(commit.tree)
            found = self._snapshot(tree)
            units = []
            if not isinstance(found, str):
                self.layout.places.make(tree, [source.path for source in found.sources])
                units = [self.analyser.unit(source, tree) for source in found.sources]
            prepared.append((commit, found, units))
        results = self.analyser.results(
            [unit for _, _, units in prepared for unit in units], self.objects.contents
        )
        scores = []
        for commit, found, units in prepared:
            if isinstance(found, str):
                scores.append(failed_commit(commit, found))
                continue
            fingerprint = found.settings.fingerprint()
            key = (fingerprint, *(unit.key for unit in units))
            known = self._scored.get(key)
            if known is None:
                report = score_snapshot(found, [results[unit.key] for unit in units], noqa=self.noqa)
                known = self._scored[key] = commit_score(commit, report, self.layout.places, fingerprint)
            scores.append(
                known._replace(
                    commit=commit.id, date=commit.date, author=commit.author, subject=commit.subject
                )
            )
        return scores
