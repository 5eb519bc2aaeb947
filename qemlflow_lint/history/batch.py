"""Scoring a batch of commits: list their trees, analyse their distinct files at once (from
the result cache, or on every core), then score each commit as ``score`` would — on every
core too, since a commit's import graph and score cost more than its few changed files."""

from __future__ import annotations

from collections.abc import Sequence

from qemlflow_lint.config.errors import ConfigError
from qemlflow_lint.history.analyse import Analyser, Unit
from qemlflow_lint.history.git import Commit
from qemlflow_lint.history.model import CommitScore
from qemlflow_lint.history.scoring import Job, failed_commit, frozen, score_jobs
from qemlflow_lint.history.snapshot import Blobs, Layout, Snapshot, snapshot
from qemlflow_lint.history.tree import Tree, TreeReader
from qemlflow_lint.history.yardstick import Yardstick
from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.run.runner import chunk_size, map_in_processes

#: Below this many file results to score (commits × their files), the process pool costs
#: more than it saves.
PARALLEL_RESULTS = 2000


class CommitScorer:
    """Scores the commits of one run. Commits whose files and settings are those of a
    commit already scored (a change to the docs only) reuse its score."""

    def __init__(self, trees: TreeReader, layout: Layout, yardstick: Yardstick, analyser: Analyser) -> None:
        self.trees = trees
        self.layout = layout
        self.yardstick = yardstick
        #: The analyses of the run; whether ``# noqa`` applies is its setting, for the score too.
        self.analyser = analyser
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
            [unit for _, _, units in prepared for unit in units], self.trees.objects.contents
        )
        todo: dict[tuple[str, ...], Job] = {}
        for _, found, units in prepared:
            if not isinstance(found, str):
                key = (found.settings.fingerprint(), *(unit.key for unit in units))
                if key not in self._scored:
                    todo[key] = (found, tuple(unit.key for unit in units))
        for key, point in zip(todo, self._score(list(todo.values()), results)):
            self._scored[key] = frozen(point)
        scores = []
        for commit, found, units in prepared:
            if isinstance(found, str):
                scores.append(failed_commit(commit, found))
                continue
            known = self._scored[(found.settings.fingerprint(), *(unit.key for unit in units))]
            scores.append(
                known._replace(
                    commit=commit.id, date=commit.date, author=commit.author, subject=commit.subject
                )
            )
        return scores

    def _score(self, jobs: Sequence[Job], results: dict[str, FileResult]) -> list[CommitScore]:
        top, noqa, workers = self.layout.places.top, self.analyser.noqa, self.analyser.workers
        if workers <= 1 or len(jobs) < 2 * workers or sum(len(keys) for _, keys in jobs) < PARALLEL_RESULTS:
            return score_jobs((jobs, results, top, noqa))
        size = chunk_size(len(jobs), workers)
        chunks = []
        for start in range(0, len(jobs), size):
            part = jobs[start : start + size]
            needed = {key: results[key] for _, keys in part for key in keys}  # each chunk only what it reads
            chunks.append((part, needed, top, noqa))
        return map_in_processes(score_jobs, chunks, workers)
