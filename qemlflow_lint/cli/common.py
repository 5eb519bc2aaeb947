"""What every analysing command shares: exit codes, the configuration and input flags, and
turning them into the :class:`~qemlflow_lint.run.api.RunOptions` of a run."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Collection, Sequence
from typing import Any, TextIO

from qemlflow_lint.atomic import write_text_atomic
from qemlflow_lint.cli.exits import UsageError
from qemlflow_lint.config.loading import ConfigResolver, all_options, overrides_from
from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.model.settings import SECTION
from qemlflow_lint.report.emitters import format_names
from qemlflow_lint.run.api import STDIN, Analysis, RunOptions, analyse_paths
from qemlflow_lint.run.cache import CACHE_DIRNAME
from qemlflow_lint.run.runner import default_jobs

__all__ = [
    "GRAPH_KEYS",
    "HEAVY_KEYS",
    "UsageError",
    "add_config_options",
    "add_format_option",
    "add_input_options",
    "add_output_option",
    "analyse",
    "check_paths_exist",
    "duration_ms",
    "duration_seconds",
    "emit",
    "parse_number",
    "positive_int",
    "read_json_file",
    "resolver_from",
    "run_options",
    "score_points",
    "share_percent",
]


def _metavar(kind: str) -> str:
    return {
        "codes": "CODES",
        "per-file-ignores": "ENTRIES",
        "globs": "PATTERNS",
        "module-names": "MODULES",
        "folders": "FOLDERS",
        "positive-integer": "N",
    }.get(kind, "VALUE")


#: The configuration keys that decide the heavy list: all a command that only reads that
#: list (``calibrate``) honours.
HEAVY_KEYS = ("heavy-modules", "extend-heavy-modules")
#: The keys that decide which files are first-party modules and which modules are heavy:
#: all a command that builds the import graph without its findings (``importtime``) honours.
GRAPH_KEYS = ("exclude", "extend-exclude", "packages", "namespace-packages", *HEAVY_KEYS)


def add_config_options(parser: argparse.ArgumentParser, keys: Collection[str] | None = None) -> None:
    """Flags that override ``[tool.qemlflow-lint]`` for this run (comma-separated lists):
    one per configuration key, generated from the keys' declarations; only ``keys`` when
    given (a command lists only the keys that change what it does)."""
    group = parser.add_argument_group(f"configuration (overrides {SECTION})")
    group.add_argument(
        "--config", metavar="FILE", help=f"read {SECTION} from FILE instead of the nearest pyproject.toml"
    )
    for option in all_options():
        if keys is not None and option.key not in keys:
            continue
        help_text = option.help
        if option.kind == "per-file-ignores":
            help_text = "space-separated PATTERN:CODES entries, e.g. 'tests/*:QF002,QF003'"
        group.add_argument(
            f"--{option.key}",
            metavar=_metavar(option.kind),
            help=f"{help_text} (default: {option.default_text})",
        )


def add_input_options(
    parser: argparse.ArgumentParser,
    stored: str = "the result cache",
    *,
    stdin: bool = True,
    noqa: bool = True,
    keys: Collection[str] | None = None,
) -> None:
    """The paths to analyse and how files are found; ``stored`` names what the cache folder
    keeps for this command. A command that does not read standard input (``stdin=False``),
    whose output no ``# noqa`` changes (``noqa=False``) or that honours only some
    configuration ``keys`` does not list the options it would ignore."""
    parser.add_argument(
        "paths",
        nargs="*",
        default=["."],
        metavar="PATH",
        help="files or directories (default: .)" + ("; '-' reads standard input" if stdin else ""),
    )
    add_config_options(parser, keys)
    parser.add_argument(
        "--no-gitignore", action="store_true", help="do not skip paths listed in .gitignore files"
    )
    parser.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply the default excludes and .gitignore to files named on the command line too",
    )
    if stdin:
        parser.add_argument(
            "--stdin-filename",
            metavar="NAME",
            default="stdin",
            help="the file name to report for '-' (decides module name and test-ness)",
        )
    if noqa:
        parser.add_argument(
            "--disable-noqa", action="store_true", help="report findings even on lines with '# noqa'"
        )
    add_speed_options(parser, stored)


def add_output_option(parser: argparse._ActionsContainer, what: str = "the report") -> None:
    """``-o/--output FILE``: write ``what`` to FILE instead of standard output (see :func:`emit`)."""
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help=f"write {what} to FILE (atomically) instead of standard output",
    )


def add_format_option(
    parser: argparse._ActionsContainer, kinds: Sequence[str], default: str, help_text: str
) -> None:
    """``--format NAME``: one of the formats of the report ``kinds`` (see
    :mod:`qemlflow_lint.report.emitters`), which are its choices."""
    parser.add_argument("--format", choices=format_names(*kinds), default=default, help=help_text)


def emit(text: str, output: str | None, out: TextIO, what: str = "the report") -> None:
    """Write ``text`` to the file ``output`` names (atomically), or to ``out`` without one;
    a file that cannot be written is a usage error that names it."""
    if output is None:
        out.write(text)
        return
    try:
        write_text_atomic(output, text)
    except OSError as error:
        raise UsageError(f"{output}: cannot write {what}: {error.strerror or error}") from None


def check_paths_exist(paths: Sequence[str]) -> None:
    """A usage error naming the first path given that does not exist (standard input aside)."""
    missing = [path for path in paths if path != STDIN and not os.path.lexists(path)]
    if missing:
        raise UsageError(f"{missing[0]}: no such file or directory")


def read_json_file(path: str, what: str) -> Any:
    """The JSON value in the file at ``path``, which holds ``what`` (``"trend"``); a
    :class:`UsageError` that names the file and ``what`` when it cannot be read or is not JSON."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as error:
        raise UsageError(f"{path}: cannot read the {what}: {error.strerror or error}") from None
    except ValueError as error:
        article = "an" if what[:1] in "aeiou" else "a"
        raise UsageError(f"{path}: not {article} {what} (invalid JSON: {error})") from None


def add_speed_options(parser: argparse.ArgumentParser, stored: str = "the result cache") -> None:
    """``--jobs``, ``--cache-dir`` and ``--no-cache``; ``stored`` names what the cache folder
    keeps for this command."""
    speed = parser.add_argument_group("speed")
    speed.add_argument(
        "--jobs",
        "-j",
        type=positive_int,
        default=None,
        metavar="N",
        help=f"processes to analyse with (default: every core, here {default_jobs()})",
    )
    speed.add_argument(
        "--cache-dir",
        metavar="DIR",
        help=f"where to keep {stored} (default: {CACHE_DIRNAME}/ at the project root)",
    )
    speed.add_argument("--no-cache", action="store_true", help=f"neither read nor write {stored}")


def positive_int(value: str) -> int:
    """An argparse type: a whole number of at least 1 (``--jobs``, ``--runs``, ``--top`` …)."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value!r}")
    return int(value)


def parse_number(value: str, expected: str, low: float, high: float, *, above_low: bool = False) -> float:
    """``value`` as a number from ``low`` (excluded with ``above_low``) to ``high``, included
    unless it is infinite; anything else (not a number, NaN, out of range) is an argparse
    error that says what was ``expected``. Every decimal option's type is one call of it."""
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    within = (low < number if above_low else low <= number) and (
        number < high if high == math.inf else number <= high
    )
    if not within:
        raise argparse.ArgumentTypeError(f"expected {expected}, got {value!r}")
    return number


def score_points(value: str) -> float:
    """An argparse type: a number of score points from 0 to 100 (``--fail-under``, ``--drop``)."""
    return parse_number(value, "a number from 0 to 100", 0, 100)


def duration_seconds(value: str) -> float:
    """An argparse type: a positive, finite number of seconds (``--timeout``, ``--budget``)."""
    return parse_number(value, "a positive number of seconds", 0, math.inf, above_low=True)


def duration_ms(value: str) -> float:
    """An argparse type: a finite number of milliseconds, 0 or more (``--costly-ms``)."""
    return parse_number(value, "a number of milliseconds (0 or more)", 0, math.inf)


def share_percent(value: str) -> float:
    """An argparse type: a share in percent, above 0 and at most 100 (``--costly-share``)."""
    return parse_number(value, "a percentage above 0 and at most 100", 0, 100, above_low=True)


def config_flags(args: argparse.Namespace) -> dict[str, Any]:
    """The configuration flags given on the command line, keyed as in the configuration."""
    return {option.key: getattr(args, option.attribute, None) for option in all_options()}


def resolver_from(args: argparse.Namespace) -> ConfigResolver:
    """The settings resolver with this command line's flags as overrides."""
    return ConfigResolver(args.config, [overrides_from(config_flags(args), "command line")])


def run_options(args: argparse.Namespace) -> RunOptions:
    """The run that the input flags describe."""
    return RunOptions(
        config_file=args.config,
        overrides=config_flags(args),
        use_gitignore=not args.no_gitignore,
        force_exclude=args.force_exclude,
        # A command without --stdin-filename or --disable-noqa reads no standard input and
        # shows nothing a noqa comment changes: the defaults are as good as any.
        stdin_filename=getattr(args, "stdin_filename", "stdin"),
        noqa=not getattr(args, "disable_noqa", False),
        jobs=args.jobs,
        use_cache=not args.no_cache,
        cache_dir=args.cache_dir,
    )


def analyse(args: argparse.Namespace) -> Analysis:
    """Analyse the paths (and standard input) named on the command line; a path that does
    not exist is a usage error, before anything is analysed."""
    paths: Sequence[str] = args.paths
    check_paths_exist(paths)
    return analyse_paths(paths, run_options(args))


def write_summary_line(text: str) -> None:
    """One line for the person at the terminal, on standard error."""
    print(text, file=sys.stderr)


def unparseable(results: Sequence[FileResult]) -> list[FileResult]:
    """The files that could not be read or parsed."""
    return [result for result in results if not result.ok]
