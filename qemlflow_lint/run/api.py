"""The library entry point: analyse every Python file under some paths.

:func:`analyse_paths` is the pipeline every command shares — discover the files, resolve
each one's settings, analyse them (from the cache where nothing changed, on every core),
then run the project rules on each project's import graph. The command line, ``init``, the
tests and later commands call it with a :class:`RunOptions`; nothing here knows argparse.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Callable, NamedTuple

from qemlflow_lint.analysis.source import SourceError, decode
from qemlflow_lint.config.loading import ConfigError, ConfigResolver, overrides_from, top_of
from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.run.cache import CACHE_DIRNAME, ResultCache
from qemlflow_lint.run.discovery import discover
from qemlflow_lint.run.file import analyse_source
from qemlflow_lint.run.project_rules import apply_project_rules
from qemlflow_lint.run.runner import Job, default_jobs, run_jobs

#: What ``-`` among the paths stands for.
STDIN = "-"
#: The fewest files a run uses the result cache for: analysing one file costs less than
#: opening the cache does (an editor, or pre-commit with one changed file).
CACHE_THRESHOLD = 2


def _read_stdin() -> bytes:
    return sys.stdin.buffer.read()


class RunOptions(NamedTuple):
    """How to find, configure and analyse the files of one run.

    ``overrides`` are configuration values (keys spelled as in ``[tool.qemlflow-lint]``)
    that win over the configuration files, as the command line's flags do; ``origin``
    names them in messages. ``jobs`` defaults to every core; ``cache_dir`` to
    ``.qemlflow-lint-cache/`` at the project root.
    """

    config_file: str | None = None
    overrides: Mapping[str, object] = MappingProxyType({})
    origin: str = "command line"
    use_gitignore: bool = True
    force_exclude: bool = False
    stdin_filename: str = "stdin"
    noqa: bool = True
    jobs: int | None = None
    use_cache: bool = True
    cache_dir: str | None = None
    read_stdin: Callable[[], bytes] = _read_stdin

    def resolver(self, paths: Sequence[str] = ()) -> ConfigResolver:
        """The settings resolver of a run over ``paths``, with :attr:`overrides` applied;
        without a project marker, the top of the paths is the project root."""
        unmarked = top_of(paths) if paths else None
        return ConfigResolver(self.config_file, [overrides_from(self.overrides, self.origin)], unmarked)


class Analysis(NamedTuple):
    """One run: the results in a stable order, the settings of the first path given (which
    also supply the score settings), and the settings each analysed file was checked with."""

    results: tuple[FileResult, ...]
    settings: Settings
    settings_by_path: Mapping[str, Settings] = MappingProxyType({})


def config_probe(path: str) -> str:
    """A path whose settings are those of ``path`` (a directory's own files)."""
    return os.path.join(path, "__init__.py") if os.path.isdir(path) else path


def analyse_paths(paths: Sequence[str], options: RunOptions = RunOptions()) -> Analysis:
    """Analyse the Python files under ``paths`` (``-`` reads standard input).

    Raises :class:`~qemlflow_lint.config.values.ConfigError` for a configuration mistake,
    even where no file is found; never raises for a file that cannot be read or parsed
    (it gets a QF000 result).
    """
    paths = list(paths) or [os.curdir]
    files = [p for p in paths if p != STDIN]
    resolver = options.resolver(files)
    results: list[FileResult] = []
    run_settings = resolver.for_path(config_probe(files[0] if files else options.stdin_filename))
    for path in files[1:]:
        resolver.for_path(config_probe(path))
    if len(files) != len(paths):
        text = decode(options.read_stdin())
        settings = resolver.for_path(options.stdin_filename)
        if not settings.is_excluded(options.stdin_filename):
            results.append(analyse_source(text, options.stdin_filename, settings, noqa=options.noqa))
    by_path: dict[str, Settings] = {}
    if files:

        def is_excluded(path: str, is_dir: bool) -> bool:
            return resolver.for_path(config_probe(path) if is_dir else path).is_excluded(path, is_dir)

        def configured(folder: str) -> bool:
            return os.path.basename(folder) in resolver.for_path(folder).packages

        found = discover(
            files,
            is_excluded,
            use_gitignore=options.use_gitignore,
            force_exclude=options.force_exclude,
            configured=configured,
            lookup=resolver.lookup,
        )
        jobs = [Job(path, resolver.for_path(path)) for path in found.files]
        by_path = {job.path: job.settings for job in jobs}
        use_cache = options.use_cache and len(found.files) >= CACHE_THRESHOLD
        cache = ResultCache(options.cache_dir or default_cache_dir(resolver)) if use_cache else None
        try:
            analysed = run_jobs(jobs, noqa=options.noqa, workers=options.jobs or default_jobs(), cache=cache)
            results.extend(apply_project_rules(analysed, by_path, noqa=options.noqa))
        finally:
            if cache is not None:
                cache.close()
        results.extend(
            analyse_source(SourceError("no such file or directory"), missing, Settings())
            for missing in found.missing
        )
        results.extend(
            analyse_source(SourceError(reason), path, Settings()) for path, reason in found.unreadable
        )
    return Analysis(tuple(results), run_settings, by_path)


def default_cache_dir(resolver: ConfigResolver) -> str:
    """The cache folder at the project root: next to the configuration that applies to
    the working directory, or in the working directory when there is none."""
    try:
        settings = resolver.for_path(config_probe(os.curdir))
    except ConfigError:  # that configuration is not this run's to judge
        return os.path.join(os.getcwd(), CACHE_DIRNAME)
    root = settings.project_root if settings.file is not None else os.getcwd()
    return os.path.join(root, CACHE_DIRNAME)
