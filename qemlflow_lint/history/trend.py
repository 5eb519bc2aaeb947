"""The score over a git history: list the commits, take the scores already stored, score the
others without a checkout, flag the drops, keep everything.

The commits still to score are taken in batches, oldest first (see
:mod:`qemlflow_lint.history.batch`), and each batch is stored as soon as it is scored, so an
interrupted run keeps what it finished.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Callable, NamedTuple

from qemlflow_lint.config.loading import Overrides
from qemlflow_lint.history.analyse import MAX_FILE_SIZE, Analyser
from qemlflow_lint.history.batch import CommitScorer
from qemlflow_lint.history.drops import find_drops
from qemlflow_lint.history.git import Commit, HistoryError, Repository
from qemlflow_lint.history.model import DROP, RULE_DROP, CommitScore, Trend
from qemlflow_lint.history.places import Places
from qemlflow_lint.history.snapshot import Layout, check_overrides, roots_of
from qemlflow_lint.history.store import TrendStore
from qemlflow_lint.history.tree import TreeReader
from qemlflow_lint.history.yardstick import OWN, Yardstick, from_file, from_revision, store_key
from qemlflow_lint.model.digest import text_digest
from qemlflow_lint.run.cache import ResultCache, tool_fingerprint
from qemlflow_lint.run.runner import default_jobs

#: Commits scored per batch (and stored together).
BATCH = 64


class TrendOptions(NamedTuple):
    """What to score: the paths (from the working directory), the commits (``revisions``:
    a revision or a range ``A..B``, HEAD by default; at most ``max_commits``), whose
    configuration (``config_from`` a revision, or ``config_file`` a file of the working
    tree, for every commit; else each commit's own), and how (as ``score``'s flags). The
    store and the result cache live in ``cache_dir``. A Python file larger than
    ``max_file_size`` bytes (None: no limit) is scored as unreadable, not analysed."""

    cache_dir: str
    paths: tuple[str, ...] = (".",)
    revisions: str | None = None
    max_commits: int | None = 50
    first_parent: bool = False
    threshold: float = DROP
    rule_threshold: float = RULE_DROP
    config_from: str | None = None
    config_file: str | None = None
    overrides: Overrides = ()
    noqa: bool = True
    use_gitignore: bool = True
    force_exclude: bool = False
    jobs: int | None = None
    use_cache: bool = True
    progress: Callable[[int, int], None] | None = None
    max_file_size: int | None = MAX_FILE_SIZE


class TrendRun(NamedTuple):
    """A run's trend, and what it cost: commits scored now, commits read from the store,
    files analysed (those the result cache did not have)."""

    trend: Trend
    scored: int
    stored: int
    analysed: int


def _start(paths: Sequence[str]) -> str:
    """An existing folder to ask git from: the first path's, or the nearest above it."""
    folder = os.path.abspath(paths[0])
    while not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    return folder


def revision_arguments(repository: Repository, revisions: str | None) -> list[str]:
    """``git log``'s revision arguments for ``revisions`` (HEAD, a revision, ``A..B`` or
    ``A...B``), each end checked first so that a typo is named as such."""
    if revisions is None:
        return ["HEAD"]
    for separator in ("...", ".."):
        if separator in revisions:
            ends = [end for end in revisions.split(separator, 1) if end]
            if not ends:
                raise HistoryError(f"bad revision range {revisions!r}: expected A..B")
            for end in ends:
                repository.resolve(end)
            return [revisions]
    repository.resolve(revisions)
    return [revisions]


@contextmanager
def _places(options: TrendOptions, repository: Repository) -> Iterator[Places]:
    """The stand-in folder (:mod:`~qemlflow_lint.history.places`): in the cache folder,
    where it lasts so that the result cache serves later runs, or a temporary one."""
    if options.use_cache:
        top = os.path.join(os.path.abspath(options.cache_dir), "trend-tree", text_digest(repository.top, 6))
        try:
            os.makedirs(top, exist_ok=True)
        except OSError:
            pass  # a temporary folder instead
        else:
            yield Places(top)
            return
    temporary = tempfile.mkdtemp(prefix="qemlflow-lint-trend-")
    try:
        yield Places(os.path.join(temporary, "tree"))
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _renames(repository: Repository) -> Callable[[str, str], dict[str, str]]:
    def renames(before: str, after: str) -> dict[str, str]:
        try:
            return repository.renames(before, after)
        except HistoryError:
            return {}  # without rename detection, a moved file shows under its new name

    return renames


class _Context(NamedTuple):
    """What every step of one run shares."""

    options: TrendOptions
    repository: Repository
    roots: tuple[str, ...]
    trees: TreeReader
    yardstick: Yardstick
    key: str
    tool: str


def _score(
    context: _Context, missing: Sequence[Commit], store: TrendStore | None
) -> tuple[list[CommitScore], int]:
    """The scores of the ``missing`` commits, each batch stored as soon as it is scored; and
    how many files were analysed. The result cache is opened only here: a run with every
    commit stored never pays for it."""
    options = context.options
    cache = ResultCache(options.cache_dir) if options.use_cache else None
    scores: list[CommitScore] = []
    try:
        with _places(options, context.repository) as places:
            workers = options.jobs or default_jobs()
            analyser = Analyser(
                places, cache, noqa=options.noqa, workers=workers, max_size=options.max_file_size
            )
            layout = Layout(
                context.roots,
                places,
                options.overrides,
                context.yardstick.explicit,
                options.use_gitignore,
                options.force_exclude,
            )
            scorer = CommitScorer(context.trees, layout, context.yardstick, analyser)
            for start in range(0, len(missing), BATCH):
                batch = scorer.score(missing[start : start + BATCH])
                scores.extend(batch)
                if store is not None:
                    store.add(batch, context.key, context.tool)
                if options.progress is not None:
                    options.progress(start + len(batch), len(missing))
            return scores, analyser.analysed
    finally:
        if cache is not None:
            cache.close()


def _yardstick(options: TrendOptions, repository: Repository, trees: TreeReader) -> Yardstick:
    if options.config_file is not None:
        return from_file(options.config_file, repository)
    if options.config_from is not None:
        return from_revision(options.config_from, repository, trees)
    return OWN


def _repository(paths: Sequence[str]) -> tuple[Repository, tuple[str, ...]]:
    repository = Repository.containing(_start(paths))
    try:
        roots = roots_of(paths, repository.top)
    except ValueError as error:
        raise HistoryError(f"{error} is outside the git repository at {repository.top}") from None
    repository.check_complete()
    return repository, roots


def _parent(repository: Repository, commit: Commit) -> Commit | None:
    """The first parent of ``commit`` (``None`` for a root commit, or a shallow clone's
    first commit)."""
    try:
        parent = repository.resolve(f"{commit.id}^")
    except HistoryError:
        return None
    found = repository.commits([parent], 1, first_parent=True)
    return found[0] if found else None


def run_trend(options: TrendOptions) -> TrendRun:
    """The trend the options ask for (see :class:`TrendOptions`). Raises
    :class:`~qemlflow_lint.history.git.HistoryError` or
    :class:`~qemlflow_lint.config.errors.ConfigError` for what cannot be scored."""
    check_overrides(options.overrides)
    repository, roots = _repository(list(options.paths) or ["."])
    commits = repository.commits(
        revision_arguments(repository, options.revisions), options.max_commits, options.first_parent
    )[::-1]
    # The first commit listed is judged too: against its parent, scored but not shown (on
    # a pull request's range, the commit before it is the base its first commit changed).
    base = _parent(repository, commits[0]) if commits else None
    judged = [base, *commits] if base is not None else commits
    shown = tuple(root or "." for root in roots)
    store = TrendStore(options.cache_dir) if options.use_cache else None
    try:
        with repository.objects() as objects:
            trees = TreeReader(objects, roots)
            yardstick = _yardstick(options, repository, trees)
            key = store_key(
                yardstick,
                roots,
                options.overrides,
                noqa=options.noqa,
                gitignore=options.use_gitignore,
                force_exclude=options.force_exclude,
                max_file_size=options.max_file_size,
            )
            tool = tool_fingerprint()
            made_of = [
                key,
                tool,
                repr(options.threshold),
                repr(options.rule_threshold),
                yardstick.description,
                *shown,
                f"judged against {base.id if base is not None else 'nothing'}",
                *(c.id for c in commits),
            ]
            identity = text_digest("\0".join(made_of))
            kept = store.trend(key, identity) if store is not None else None
            if kept is not None:
                return TrendRun(kept, 0, len(commits), 0)
            known = store.scores([c.id for c in judged], key, tool) if store is not None else {}
            missing = [commit for commit in judged if commit.id not in known]
            context = _Context(options, repository, roots, trees, yardstick, key, tool)
            scored, analysed = _score(context, missing, store) if missing else ([], 0)
        known.update((point.commit, point) for point in scored)
        points = tuple(known[commit.id] for commit in commits)
        every = tuple(known[commit.id] for commit in judged)
        drops = find_drops(every, options.threshold, _renames(repository), options.rule_threshold)
        trend = Trend(points, drops, shown, yardstick.description, options.threshold, options.rule_threshold)
        if store is not None:
            store.keep_trend(trend, key, identity)
        return TrendRun(trend, len(missing), len(judged) - len(missing), analysed)
    finally:
        if store is not None:
            store.close()
