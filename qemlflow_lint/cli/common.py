"""What every analysing command shares: exit codes, configuration flags, input flags,
and running the engine over the paths a user gave."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from typing import List, Sequence

from qemlflow_lint.config.loading import KEYS, Config, ConfigError, ConfigResolver, overrides_from
from qemlflow_lint.run.discovery import discover
from qemlflow_lint.run.cache import CACHE_DIRNAME, ResultCache
from qemlflow_lint.analysis.engine import analyse_source
from qemlflow_lint.run.project_rules import apply_project_rules
from qemlflow_lint.run.runner import Job, default_jobs, run_jobs
from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.analysis.source import SourceError, decode

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class UsageError(Exception):
    """A command used wrongly (exit code 2); the message says how."""


def add_config_options(parser: argparse.ArgumentParser) -> None:
    """Flags that override ``[tool.qemlflow-lint]`` for this run (comma-separated lists)."""
    group = parser.add_argument_group("configuration (overrides [tool.qemlflow-lint])")
    group.add_argument("--config", metavar="FILE",
                       help="read [tool.qemlflow-lint] from FILE instead of the nearest pyproject.toml")
    group.add_argument("--select", metavar="CODES", help="codes or prefixes to run (default: QF)")
    group.add_argument("--extend-select", metavar="CODES", help="codes or prefixes to add to select")
    group.add_argument("--ignore", metavar="CODES", help="codes or prefixes to skip")
    group.add_argument("--per-file-ignores", metavar="ENTRIES",
                       help="space-separated PATTERN:CODES entries, e.g. 'tests/*:QF002,QF003'")
    group.add_argument("--exclude", metavar="PATTERNS", help="replace the configured exclude patterns")
    group.add_argument("--extend-exclude", metavar="PATTERNS", help="add exclude patterns")
    group.add_argument("--heavy-modules", metavar="MODULES", help="replace the heavy-module list")
    group.add_argument("--extend-heavy-modules", metavar="MODULES", help="add to the heavy-module list")
    group.add_argument("--max-module-lines", metavar="N", help="the most lines a module may have")


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """The paths to analyse and how files are found."""
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                        help="files or directories (default: .); '-' reads standard input")
    add_config_options(parser)
    parser.add_argument("--no-gitignore", action="store_true",
                        help="do not skip paths listed in .gitignore files")
    parser.add_argument("--force-exclude", action="store_true",
                        help="apply the default excludes and .gitignore to files named on the command line too")
    parser.add_argument("--stdin-filename", metavar="NAME", default="stdin",
                        help="the file name to report for '-' (decides module name and test-ness)")
    parser.add_argument("--disable-noqa", action="store_true",
                        help="report findings even on lines with '# noqa'")
    speed = parser.add_argument_group("speed")
    speed.add_argument("--jobs", "-j", type=_jobs, default=None, metavar="N",
                       help=f"processes to analyse with (default: every core, here {default_jobs()})")
    speed.add_argument("--cache-dir", metavar="DIR",
                       help=f"where to keep the result cache (default: {CACHE_DIRNAME}/ at the project root)")
    speed.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number of processes, got {value!r}")
    return int(value)


def resolver_from(args: argparse.Namespace) -> ConfigResolver:
    """The configuration resolver with this command line's flags as overrides."""
    flags = {key: getattr(args, key.replace("-", "_"), None) for key in KEYS}
    return ConfigResolver(args.config, [overrides_from(flags, "command line")])


def config_probe(path: str) -> str:
    """A path whose configuration is that of ``path`` (a directory's own files)."""
    return os.path.join(path, "__init__.py") if os.path.isdir(path) else path


@dataclass(frozen=True)
class Analysis:
    """One run of the engine: the results, in a stable order, and the run's configuration
    (that of the first path given, which also supplies the score settings)."""

    results: tuple[FileResult, ...]
    config: Config


def analyse(args: argparse.Namespace) -> Analysis:
    """Analyse the paths (and standard input) named on the command line."""
    resolver = resolver_from(args)
    noqa = not args.disable_noqa
    results: List[FileResult] = []
    paths = [p for p in args.paths if p != "-"]
    # A configuration mistake is an error even where no file is found.
    run_config = resolver.for_path(config_probe(paths[0] if paths else args.stdin_filename))
    for path in paths[1:]:
        resolver.for_path(config_probe(path))
    if len(paths) != len(args.paths):
        text = decode(sys.stdin.buffer.read())
        config = resolver.for_path(args.stdin_filename)
        if not config.is_excluded(args.stdin_filename):
            results.append(analyse_source(text, args.stdin_filename, config, noqa=noqa))
    if paths:

        def is_excluded(path: str, is_dir: bool) -> bool:
            return resolver.for_path(config_probe(path) if is_dir else path).is_excluded(path, is_dir)

        found = discover(paths, is_excluded, use_gitignore=not args.no_gitignore,
                         force_exclude=args.force_exclude)
        jobs = [Job(path, resolver.for_path(path)) for path in found.files]
        cache = None if args.no_cache else ResultCache(args.cache_dir or default_cache_dir(resolver))
        try:
            analysed = run_jobs(jobs, noqa=noqa, workers=args.jobs or default_jobs(), cache=cache)
            results.extend(apply_project_rules(analysed, {job.path: job.config for job in jobs}, noqa=noqa))
        finally:
            if cache is not None:
                cache.close()
        results.extend(
            analyse_source(SourceError("no such file or directory"), missing, Config())
            for missing in found.missing
        )
        results.extend(
            analyse_source(SourceError(reason), path, Config()) for path, reason in found.unreadable
        )
    return Analysis(tuple(results), run_config)


def default_cache_dir(resolver: ConfigResolver) -> str:
    """The cache folder at the project root: next to the configuration that applies to
    the working directory, or in the working directory when there is none."""
    try:
        root = resolver.for_path(config_probe(os.curdir)).root
    except ConfigError:  # that configuration is not this run's to judge
        root = os.getcwd()
    return os.path.join(root, CACHE_DIRNAME)


def plural(count: int, noun: str, nouns: str = "") -> str:
    """``1 finding``, ``2 findings``."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def write_summary_line(text: str) -> None:
    """One line for the person at the terminal, on standard error."""
    print(text, file=sys.stderr)


def unparseable(results: Sequence[FileResult]) -> list[FileResult]:
    """The files that could not be read or parsed."""
    return [result for result in results if not result.ok]
