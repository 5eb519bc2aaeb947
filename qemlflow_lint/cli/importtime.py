"""``qemlflow-lint importtime`` and ``calibrate``: real import times, measured in fresh
interpreters (see :mod:`qemlflow_lint.measure.importtime`), tied back to the project's own import
lines, and turned into a CI budget or a heavy-module list."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import TextIO

from qemlflow_lint.cli.common import (
    GRAPH_KEYS,
    HEAVY_KEYS,
    add_config_options,
    add_format_option,
    add_input_options,
    add_output_option,
    analyse,
    duration_ms,
    duration_seconds,
    emit,
    positive_int,
    resolver_from,
    share_percent,
)
from qemlflow_lint.cli.exits import EXIT_CLEAN, EXIT_FINDINGS, UsageError
from qemlflow_lint.config.pyproject import EditError, toml_list, write_heavy_modules
from qemlflow_lint.measure.calibrate import calibration_modules, heavy_list_file, new_heavy_modules
from qemlflow_lint.measure.importtime import (
    ImportFailure,
    Interpreter,
    child_environment,
    is_module_name,
    probe,
)
from qemlflow_lint.measure.last_measured import LastMeasured
from qemlflow_lint.measure.pipeline import Costly, MeasurementSetup, calibration, measured_report
from qemlflow_lint.measure.report import (
    graphs_by_module,
    import_roots,
    render_calibration,
)
from qemlflow_lint.model.paths import display_path
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.project.graph import ImportGraph
from qemlflow_lint.report.emitters import emitter
from qemlflow_lint.run.api import STDIN, config_probe, default_cache_dir
from qemlflow_lint.run.project_rules import project_graphs


def add_interpreter_options(parser: argparse._ActionsContainer, runs: int, timeout: float) -> None:
    """``--python``, ``--runs`` and ``--timeout``: how the imports are measured (on a parser
    or one of its argument groups)."""
    parser.add_argument(
        "--python",
        default=sys.executable,
        metavar="PYTHON",
        help="the interpreter to measure with (default: the one running qemlflow-lint)",
    )
    parser.add_argument(
        "--runs",
        type=positive_int,
        default=runs,
        metavar="N",
        help=f"fresh interpreters per module; the median is reported (default: {runs})",
    )
    parser.add_argument(
        "--timeout",
        type=duration_seconds,
        default=timeout,
        metavar="SECONDS",
        help=f"give up on one import after this long (default: {timeout:g})",
    )


def configure_importtime(importtime: argparse.ArgumentParser) -> None:
    """The arguments of the ``importtime`` command."""
    importtime.description = (
        "Import MODULE in fresh interpreters with `python -X importtime` (after one untimed warm-up "
        "run) and report the median time with the bare interpreter's start-up subtracted, the "
        "costliest modules and, for every heavy or costly third-party module loaded, the first-party "
        "import line that pulled it in (and, for an import that only tests whether the module is "
        "installed, the importlib.util.find_spec check to use instead). The project's folder and "
        "its src/ are put on PYTHONPATH. The figures are kept in the cache folder, where `fix --diff` "
        "reads them. "
        "PATHs are analysed like `check` does to know the first-party modules (default: .)."
    )
    importtime.add_argument("module", metavar="MODULE", help="the module to import, e.g. mypkg or mypkg.cli")
    # The analysis only finds the first-party modules: nothing a finding setting, a ``# noqa``
    # or standard input changes reaches the measurement.
    add_input_options(
        importtime,
        stored="the result cache and the last measurement",
        stdin=False,
        noqa=False,
        keys=GRAPH_KEYS,
    )
    add_interpreter_options(importtime, runs=5, timeout=120)
    importtime.add_argument(
        "--top",
        type=int,
        default=10,
        metavar="N",
        help="how many of the costliest modules to list (default: 10)",
    )
    importtime.add_argument(
        "--sort",
        choices=("self", "cumulative"),
        default="self",
        help="order the costliest modules by their own time (default) or with their imports",
    )
    importtime.add_argument(
        "--costly-ms",
        type=duration_ms,
        default=50.0,
        metavar="MS",
        help="also trace third-party modules that take this long, heavy or not (default: 50)",
    )
    importtime.add_argument(
        "--costly-share",
        type=share_percent,
        default=25.0,
        metavar="PERCENT",
        help="also trace third-party modules that take at least this share of the import time, "
        "heavy or not, however few milliseconds that is (default: 25)",
    )
    importtime.add_argument(
        "--budget",
        type=duration_seconds,
        metavar="SECONDS",
        help="exit 1 when the median import time is over SECONDS; prints PASS: or FAIL:",
    )
    add_format_option(
        importtime,
        ("importtime",),
        "text",
        "text (default), json (runs, median, spread, baseline, modules, verdict) or markdown",
    )
    add_output_option(importtime)
    importtime.set_defaults(run=run_importtime)


def configure_calibrate(calibrate: argparse.ArgumentParser) -> None:
    """The arguments of the ``calibrate`` command."""
    calibrate.description = (
        "Import each installed third-party top-level package (or the MODULEs given) in fresh "
        "interpreters and list them by median import time, start-up subtracted. Those at or above "
        "--threshold-ms that the heavy list does not cover yet are printed as an extend-heavy-modules "
        "setting, or added to pyproject.toml with --write. It is extend-heavy-modules, not "
        "heavy-modules, so that the documented default list stays in force: heavy-modules would "
        "replace it. Importing a package runs its code: calibrate in an environment you trust."
    )
    calibrate.add_argument(
        "modules",
        nargs="*",
        metavar="MODULE",
        help="modules to time (default: every installed third-party top-level package)",
    )
    add_interpreter_options(calibrate, runs=3, timeout=30)
    calibrate.add_argument(
        "--threshold-ms",
        type=duration_ms,
        default=100.0,
        metavar="MS",
        help="propose modules that take at least this long (default: 100)",
    )
    calibrate.add_argument(
        "--write",
        action="store_true",
        help="add them to extend-heavy-modules in [tool.qemlflow-lint] of the pyproject.toml "
        "that configures this folder (else the nearest one, else a new ./pyproject.toml)",
    )
    add_config_options(calibrate, HEAVY_KEYS)
    add_output_option(calibrate, "the calibration")
    calibrate.set_defaults(run=run_calibrate)


def _environment() -> dict[str, str]:
    return child_environment(import_roots(os.getcwd()), os.environ)


def _interpreter(args: argparse.Namespace, env: Mapping[str, str], packages: bool = False) -> Interpreter:
    """What ``--python`` says about itself; a usage error when it cannot be run."""
    try:
        return probe(args.python, env, packages=packages, timeout=args.timeout)
    except ImportFailure as error:
        raise UsageError(f"--python {args.python}: {error}") from None


def _here(args: argparse.Namespace) -> Settings:
    """The configuration of the working directory (with the command line's flags)."""
    return resolver_from(args).for_path(config_probe(os.curdir))


def first_party_graphs(args: argparse.Namespace) -> dict[str, ImportGraph]:
    """Each first-party module of the analysed paths, with its project's import graph
    (one graph per project, as ``check`` builds them)."""
    analysis = analyse(args)
    return graphs_by_module(project_graphs(analysis.results, analysis.settings_by_path))


def run_importtime(args: argparse.Namespace, out: TextIO) -> int:
    """Measure, attribute, report; exit 1 when over the budget."""
    module = args.module
    if not is_module_name(module):
        raise UsageError(f"{module!r} is not a module name (expected something like pkg or pkg.sub)")
    if STDIN in args.paths:
        raise UsageError("importtime finds the first-party modules on disk: standard input ('-') has none")
    heavy = _here(args).all_heavy_modules
    graphs = first_party_graphs(args)  # configuration mistakes show before any measuring
    env = _environment()
    kept = None if args.no_cache else LastMeasured(args.cache_dir or default_cache_dir(resolver_from(args)))
    try:
        report = measured_report(
            MeasurementSetup(args.python, _interpreter(args, env), env, args.runs, args.timeout),
            module,
            graphs,
            heavy,
            Costly(args.costly_ms, args.costly_share),
            top=args.top,
            cumulative=args.sort == "cumulative",
            budget=args.budget,
            kept=kept,
        )
    except ImportFailure as error:
        raise UsageError(str(error)) from None
    finally:
        if kept is not None:
            kept.close()
    emit(emitter("importtime", args.format)(report), args.output, out)
    if args.format == "json" and report["budget"] is not None:
        print(report["budget"]["verdict"], file=sys.stderr)
    return EXIT_FINDINGS if report["budget"] is not None and not report["budget"]["passed"] else EXIT_CLEAN


def run_calibrate(args: argparse.Namespace, out: TextIO) -> int:
    """Time the packages, print the table, and propose (or write) the slow ones."""
    config = _here(args)
    for module in args.modules:
        if not is_module_name(module):
            raise UsageError(f"{module!r} is not a module name")
    env = _environment()
    interpreter = _interpreter(args, env, packages=not args.modules)
    modules = list(dict.fromkeys(args.modules)) or calibration_modules(interpreter)
    try:
        times, failed = calibration(args.python, modules, args.runs, env, args.timeout)
    except ImportFailure as error:
        raise UsageError(str(error)) from None
    table = render_calibration(times, failed, args.runs, interpreter)
    emit(table + _proposal(args, config, times), args.output, out, "the calibration")
    return EXIT_CLEAN


def _proposal(args: argparse.Namespace, config: Settings, times: Mapping[str, float]) -> str:
    """What follows the table: nothing to add, the setting to add, or what ``--write`` did."""
    additions = new_heavy_modules(times, args.threshold_ms * 1000, config.all_heavy_modules)
    if not additions:
        return (
            f"\nNothing to add: no module at or above {args.threshold_ms:g} ms that the heavy list "
            "does not already cover.\n"
        )
    if args.write:
        path = heavy_list_file(config, os.getcwd())
        try:
            written = write_heavy_modules(path, additions)
        except EditError as error:
            raise UsageError(str(error)) from None
        if written:
            return f"\nAdded {toml_list(additions)} to extend-heavy-modules in {display_path(path)}.\n"
        return f"\n{display_path(path)} already lists {toml_list(additions)}.\n"
    return (
        f"\nAt or above {args.threshold_ms:g} ms and not yet heavy — add to pyproject.toml (or run with --write):\n"
        f"[tool.qemlflow-lint]\nextend-heavy-modules = {toml_list(additions)}\n"
    )
