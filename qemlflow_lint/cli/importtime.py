"""``qemlflow-lint importtime`` and ``calibrate``: real import times, measured in fresh
interpreters (see :mod:`qemlflow_lint.measure.importtime`), tied back to the project's own import
lines, and turned into a CI budget or a heavy-module list."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TextIO

from qemlflow_lint.cli.common import (
    GRAPH_KEYS,
    HEAVY_KEYS,
    add_config_options,
    add_input_options,
    add_output_option,
    analyse,
    emit,
    positive_int,
    resolver_from,
)
from qemlflow_lint.cli.exits import EXIT_CLEAN, EXIT_FINDINGS, UsageError
from qemlflow_lint.config.loading import CONFIG_FILENAME
from qemlflow_lint.config.pyproject import EditError, toml_list, write_heavy_modules
from qemlflow_lint.measure.blame import Origins, attribute
from qemlflow_lint.measure.calibrate import calibration_modules, new_heavy_modules
from qemlflow_lint.measure.figures import Blamed, figures_of, tree_digest
from qemlflow_lint.measure.importtime import (
    ImportFailure,
    Interpreter,
    Progress,
    child_environment,
    is_module_name,
    measure,
    measure_baseline,
    module_costs,
    probe,
)
from qemlflow_lint.measure.last_measured import LastMeasured
from qemlflow_lint.measure.report import (
    graphs_by_module,
    import_roots,
    importtime_report,
    render_calibration,
    render_importtime_markdown,
    render_importtime_text,
)
from qemlflow_lint.model.paths import display_path
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.project.graph import ImportGraph
from qemlflow_lint.run.api import STDIN, config_probe, default_cache_dir
from qemlflow_lint.run.project_rules import project_graphs


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not number > 0 or number == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {value!r}")
    return number


def _milliseconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not number >= 0 or number == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of milliseconds (0 or more), got {value!r}")
    return number


def _percent(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 < number <= 100:
        raise argparse.ArgumentTypeError(f"expected a percentage above 0 and at most 100, got {value!r}")
    return number


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
        type=_seconds,
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
        type=_milliseconds,
        default=50.0,
        metavar="MS",
        help="also trace third-party modules that take this long, heavy or not (default: 50)",
    )
    importtime.add_argument(
        "--costly-share",
        type=_percent,
        default=25.0,
        metavar="PERCENT",
        help="also trace third-party modules that take at least this share of the import time, "
        "heavy or not, however few milliseconds that is (default: 25)",
    )
    importtime.add_argument(
        "--budget",
        type=_seconds,
        metavar="SECONDS",
        help="exit 1 when the median import time is over SECONDS; prints PASS: or FAIL:",
    )
    importtime.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="text (default), json (runs, median, spread, baseline, modules, verdict) or markdown",
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
        type=_milliseconds,
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


@dataclass(frozen=True)
class TerminalProgress:
    """``\\r``-updated progress on a terminal; nothing at all on anything else."""

    stream: TextIO

    @property
    def enabled(self) -> bool:
        """True when the stream is a terminal."""
        isatty = getattr(self.stream, "isatty", None)
        try:
            return bool(isatty and isatty())
        except ValueError:  # a closed stream
            return False

    def show(self, message: str) -> None:
        """Replace the progress line with ``message``."""
        if self.enabled:
            self.stream.write(f"\r\x1b[K{message}")
            self.stream.flush()

    def clear(self) -> None:
        """Erase the progress line."""
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def prefixed(self, prefix: str) -> Progress:
        """A progress callback that puts ``prefix`` before each message."""
        return lambda message: self.show(f"{prefix}{message}")


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


class Measuring(NamedTuple):
    """How to measure: the interpreter (and what it said about itself), its environment,
    how many fresh runs, and how long each may take."""

    python: str
    interpreter: Interpreter
    env: Mapping[str, str]
    runs: int
    timeout: float


class Costly(NamedTuple):
    """What counts as costly: milliseconds, or a share of the import time in percent."""

    ms: float
    share: float


def measured_report(
    how: Measuring,
    module: str,
    graphs: Mapping[str, ImportGraph],
    heavy: Sequence[str],
    costly: Costly,
    *,
    top: int = 10,
    cumulative: bool = False,
    budget: float | None = None,
    kept: LastMeasured | None = None,
) -> dict[str, Any]:
    """Measure ``module``'s import and blame the first-party lines: ``importtime --format
    json``'s data (``report --measure`` shows the same). The figures go to ``kept`` too."""
    progress = TerminalProgress(sys.stderr)
    try:
        measurement = measure(how.python, module, how.runs, how.env, how.timeout, progress=progress.show)
    except ImportFailure as error:
        raise UsageError(f"cannot import {module} with {how.python}: {error}") from None
    finally:
        progress.clear()
    packages = frozenset(name.partition(".")[0] for name in graphs if "." in name)
    origins = Origins(how.interpreter.stdlib, frozenset(graphs), packages)
    costs = module_costs(measurement)
    if cumulative:
        costs = sorted(costs, key=lambda cost: (-cost.cumulative_us, -cost.self_us, cost.name))
    attributions = attribute(measurement, origins, heavy, costly.ms * 1000, costly.share / 100)
    if kept is not None:  # with what the JSON's saving_up_to_ms says, for `score`'s best next fixes
        kept.keep(
            figures_of(
                measurement,
                heavy,
                python=how.python,
                version=how.interpreter.version,
                saving_us={a.module: a.saving_us for a in attributions},
                tree=tree_digest(graphs[module], module, heavy) if module in graphs else "",
                blamed=[Blamed(a.module, a.saving_modules, a.brings_in, a.importer) for a in attributions],
            )
        )
    return importtime_report(
        measurement,
        how.interpreter,
        costs[: max(top, 0)],
        attributions,
        graphs,
        python=how.python,
        costly_ms=costly.ms,
        costly_share=costly.share,
        budget=budget,
    )


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
            Measuring(args.python, _interpreter(args, env), env, args.runs, args.timeout),
            module,
            graphs,
            heavy,
            Costly(args.costly_ms, args.costly_share),
            top=args.top,
            cumulative=args.sort == "cumulative",
            budget=args.budget,
            kept=kept,
        )
    finally:
        if kept is not None:
            kept.close()
    if args.format == "json":
        emit(json.dumps(report, indent=2, ensure_ascii=False) + "\n", args.output, out)
        if report["budget"] is not None:
            print(report["budget"]["verdict"], file=sys.stderr)
    else:
        render = render_importtime_markdown if args.format == "markdown" else render_importtime_text
        emit(render(report), args.output, out)
    return EXIT_FINDINGS if report["budget"] is not None and not report["budget"]["passed"] else EXIT_CLEAN


def _target_pyproject(config: Settings) -> str:
    """The file ``--write`` edits: the one that configures the working directory, else the
    nearest ``pyproject.toml`` above it, else a new one here.

    Writing a new table into a nearer file without one would shadow the configuration
    that applies today, so the configuring file comes first.
    """
    if config.file is not None:
        return config.file
    directory = os.getcwd()
    while True:
        candidate = os.path.join(directory, CONFIG_FILENAME)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return os.path.join(os.getcwd(), CONFIG_FILENAME)
        directory = parent


def run_calibrate(args: argparse.Namespace, out: TextIO) -> int:
    """Time the packages, print the table, and propose (or write) the slow ones."""
    config = _here(args)
    for module in args.modules:
        if not is_module_name(module):
            raise UsageError(f"{module!r} is not a module name")
    env = _environment()
    progress = TerminalProgress(sys.stderr)
    times: dict[str, float] = {}
    failed: dict[str, str] = {}
    interpreter = _interpreter(args, env, packages=not args.modules)
    modules = list(dict.fromkeys(args.modules)) or calibration_modules(interpreter)
    try:
        baseline = measure_baseline(args.python, args.runs, env, args.timeout, progress.show)
        for number, module in enumerate(modules, 1):
            try:
                measurement = measure(
                    args.python,
                    module,
                    args.runs,
                    env,
                    args.timeout,
                    baseline=baseline,
                    progress=progress.prefixed(f"{number}/{len(modules)} "),
                )
            except ImportFailure as error:
                failed[module] = str(error)
                continue
            times[module] = measurement.median_us
    except ImportFailure as error:
        raise UsageError(f"cannot measure with {args.python}: {error}") from None
    finally:
        progress.clear()
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
        path = _target_pyproject(config)
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
