"""One commit's score from its files' results, exactly as ``score`` computes it: the project
rules on the commit's import graph, then :func:`~qemlflow_lint.score.compute.compute_score`
with the weights of the run's settings; paths in the ledger are tree paths."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from qemlflow_lint.history.git import Commit
from qemlflow_lint.history.model import CommitScore
from qemlflow_lint.history.places import Places
from qemlflow_lint.history.snapshot import Snapshot
from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.run.project_rules import apply_project_rules
from qemlflow_lint.run.runner import paused_gc
from qemlflow_lint.score.compute import ScoreReport, compute_score
from qemlflow_lint.score.profile import configured_weights

#: Decimals kept of the points and percentages the history stores (the score itself has one).
PRECISION = 4


def score_snapshot(snapshot: Snapshot, results: Sequence[FileResult], *, noqa: bool) -> ScoreReport:
    """The score ``score`` gives the files of ``snapshot``, whose per-file ``results`` are
    in the snapshot's order."""
    configs = {source.place: source.settings for source in snapshot.sources}
    complete = apply_project_rules(results, configs, noqa=noqa)
    weights = configured_weights(snapshot.settings)
    return compute_score(complete, weights)


def commit_score(commit: Commit, report: ScoreReport, places: Places, config_hash: str) -> CommitScore:
    """The history's point for ``commit``; no file to score gives a score of None."""
    losses = tuple(
        (places.tree_path(loss.path), loss.code, round(float(loss.points), PRECISION))
        for loss in sorted(report.losses, key=lambda loss: (places.tree_path(loss.path), loss.code))
    )
    return CommitScore(
        commit=commit.id,
        date=commit.date,
        author=commit.author,
        subject=commit.subject,
        score=report.score if report.files else None,
        coverage=MappingProxyType(
            {rule.code: round(float(rule.coverage) * 100, PRECISION) for rule in report.rules}
        ),
        losses=losses,
        files=report.files,
        unparseable=len(report.unparseable),
        units=MappingProxyType({rule.code: (rule.units, rule.violating) for rule in report.rules}),
        config_hash=config_hash,
    )


def failed_commit(commit: Commit, reason: str) -> CommitScore:
    """The point of a commit that cannot be scored (its configuration is wrong): no score,
    and the reason."""
    empty: Mapping[str, float] = MappingProxyType({})
    return CommitScore(commit.id, commit.date, commit.author, commit.subject, None, empty, error=reason)


#: A commit to score in a worker: its snapshot and the keys of its files' results, in order.
Job = tuple[Snapshot, tuple[str, ...]]
#: What a worker is sent: commits to score, the results they need by key, the top of the
#: stand-in place and whether suppression comments apply.
Chunk = tuple[Sequence[Job], Mapping[str, FileResult], str, bool]
_NO_COMMIT = Commit("", "", "", "", "")


def score_jobs(chunk: Chunk) -> list[CommitScore]:
    """The points of a chunk's commits (without their commit's id, date, author and
    subject: the caller adds them); what the process pool runs. Their mappings are plain
    dicts, which a pool can send back (see :func:`frozen`)."""
    jobs, results, top, noqa = chunk
    places = Places(top)
    with paused_gc():
        points = [
            commit_score(
                _NO_COMMIT,
                score_snapshot(found, [results[key] for key in keys], noqa=noqa),
                places,
                found.settings.fingerprint(),
            )
            for found, keys in jobs
        ]
    return [point._replace(coverage=dict(point.coverage), units=dict(point.units)) for point in points]


def frozen(point: CommitScore) -> CommitScore:
    """``point`` with read-only mappings again, after :func:`score_jobs`."""
    return point._replace(
        coverage=MappingProxyType(dict(point.coverage)), units=MappingProxyType(dict(point.units))
    )
