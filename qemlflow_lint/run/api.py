"""The library entry point: analyse every Python file under some paths.

:func:`analyse_paths` is the pipeline every command shares — discover the files, resolve
each one's settings, analyse them (from the cache where nothing changed, on every core),
then run the project rules on each project's import graph. The command line, ``init``, the
tests and later commands call it with a :class:`RunOptions`; nothing here knows argparse.
The supported way to reach these names from outside the package is :mod:`qemlflow_lint.api`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Callable, NamedTuple

from qemlflow_lint.analysis.source import SourceError, decode
from qemlflow_lint.config.loading import ConfigError, ConfigResolver, overrides_from, top_of
from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.run.cache import CACHE_DIRNAME, ResultCache
from qemlflow_lint.run.discovery import WalkOptions, discover
from qemlflow_lint.run.file import analyse_source
from qemlflow_lint.run.project_rules import apply_project_rules
from qemlflow_lint.run.runner import Job, default_jobs, run_jobs

#: What ``-`` among the paths stands for.
STDIN = "-"
#: The fewest files a run uses the result cache for: analysing one file costs less than
#: opening the cache does (an editor, or pre-commit with one changed file).
CACHE_THRESHOLD = 2


#: The overrides of a run that has none.
_NO_OVERRIDES: Mapping[str, object] = MappingProxyType({})


def _read_stdin() -> bytes:
    return sys.stdin.buffer.read()


class RunOptions:
    """How to find, configure and analyse the files of one run: a frozen value whose
    arguments are all keyword-only, so that an option added later breaks no caller.

    ``overrides`` are configuration values (keys spelled as in ``[tool.qemlflow-lint]``)
    that win over the configuration files, as the command line's flags do; ``origin``
    names them in messages. ``use_gitignore`` skips what ``.gitignore`` files ignore;
    ``force_exclude`` applies ``exclude`` to paths given explicitly too. ``stdin_filename``
    is the path standard input is checked as; ``noqa=False`` reports what ``# noqa``
    comments hide. ``jobs`` defaults to every core; ``cache_dir`` to
    ``.qemlflow-lint-cache/`` at the project root (``use_cache=False`` reads and writes no
    cache). ``read_stdin`` supplies the bytes ``-`` stands for (``None``: this process's
    standard input). :meth:`replace` gives a changed copy.

    Written out rather than a frozen ``@dataclass``: the :mod:`dataclasses` module imports
    :mod:`inspect`, some 5 ms that a one-file ``check`` must not pay (and
    ``dataclass(kw_only=True)`` needs Python 3.10).
    """

    config_file: str | None
    overrides: Mapping[str, object]
    origin: str
    use_gitignore: bool
    force_exclude: bool
    stdin_filename: str
    noqa: bool
    jobs: int | None
    use_cache: bool
    cache_dir: str | None
    read_stdin: Callable[[], bytes] | None

    def __init__(
        self,
        *,
        config_file: str | None = None,
        overrides: Mapping[str, object] = _NO_OVERRIDES,
        origin: str = "command line",
        use_gitignore: bool = True,
        force_exclude: bool = False,
        stdin_filename: str = "stdin",
        noqa: bool = True,
        jobs: int | None = None,
        use_cache: bool = True,
        cache_dir: str | None = None,
        read_stdin: Callable[[], bytes] | None = None,
    ) -> None:
        # Frozen: __setattr__ refuses, so the fields go straight into the instance's dict.
        self.__dict__.update(
            config_file=config_file,
            overrides=overrides,
            origin=origin,
            use_gitignore=use_gitignore,
            force_exclude=force_exclude,
            stdin_filename=stdin_filename,
            noqa=noqa,
            jobs=jobs,
            use_cache=use_cache,
            cache_dir=cache_dir,
            read_stdin=read_stdin,
        )

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"RunOptions is frozen: cannot assign to {name!r} (use replace)")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"RunOptions is frozen: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RunOptions):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(tuple(self.__dict__.items()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self.__dict__.items())
        return f"RunOptions({fields})"

    def replace(self, **changes: Any) -> RunOptions:
        """A copy with ``changes`` (keyword arguments of the constructor) applied."""
        return RunOptions(**{**self.__dict__, **changes})


class Analysis(NamedTuple):
    """One run: the results in a stable order, the settings of the first path given (which
    also supply the score settings), and the settings each analysed file was checked with."""

    results: tuple[FileResult, ...]
    settings: Settings
    settings_by_path: Mapping[str, Settings] = MappingProxyType({})


def config_probe(path: str) -> str:
    """A path whose settings are those of ``path`` (a directory's own files)."""
    return os.path.join(path, "__init__.py") if os.path.isdir(path) else path


def _resolver(options: RunOptions, paths: Sequence[str]) -> ConfigResolver:
    """The settings resolver of a run over ``paths``, with the options' overrides applied;
    without a project marker, the top of the paths is the project root."""
    unmarked = top_of(paths) if paths else None
    return ConfigResolver(options.config_file, [overrides_from(options.overrides, options.origin)], unmarked)


def analyse_paths(paths: Sequence[str], options: RunOptions | None = None) -> Analysis:
    """Analyse the Python files under ``paths`` (``-`` reads standard input).

    Raises :class:`~qemlflow_lint.config.values.ConfigError` for a configuration mistake,
    even where no file is found; never raises for a file that cannot be read or parsed
    (it gets a QF000 result).
    """
    options = options if options is not None else RunOptions()
    paths = list(paths) or [os.curdir]
    files = [p for p in paths if p != STDIN]
    resolver = _resolver(options, files)
    results: list[FileResult] = []
    run_settings = resolver.for_path(config_probe(files[0] if files else options.stdin_filename))
    for path in files[1:]:
        resolver.for_path(config_probe(path))
    if len(files) != len(paths):
        text = decode((options.read_stdin or _read_stdin)())
        settings = resolver.for_path(options.stdin_filename)
        if not settings.is_excluded(options.stdin_filename):
            results.append(analyse_source(text, options.stdin_filename, settings, noqa=options.noqa))
    by_path: dict[str, Settings] = {}
    if files:

        def is_excluded(path: str, is_dir: bool) -> bool:
            return resolver.for_path(config_probe(path) if is_dir else path).is_excluded(path, is_dir)

        def configured(folder: str) -> bool:
            return os.path.basename(folder) in resolver.for_path(folder).packages

        walk = WalkOptions(is_excluded, options.use_gitignore, options.force_exclude, configured=configured)
        found = discover(files, walk, lookup=resolver.lookup)
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


__all__ = ["STDIN", "Analysis", "RunOptions", "analyse_paths", "config_probe", "default_cache_dir"]
