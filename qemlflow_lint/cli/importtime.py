"""``qemlflow-lint importtime`` and ``calibrate``: real import times, measured in fresh
interpreters (see :mod:`qemlflow_lint.measure.importtime`), tied back to the project's own import
lines, and turned into a CI budget or a heavy-module list."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, TextIO

from qemlflow_lint.atomic import write_text_atomic
from qemlflow_lint.cli.common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    UsageError,
    add_config_options,
    add_input_options,
    analyse,
    config_probe,
    plural,
    resolver_from,
)
from qemlflow_lint.config.loading import CONFIG_FILENAME, Config
from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.project.graph import ImportGraph, source_roots
from qemlflow_lint.measure.importtime import (
    Attribution,
    EditError,
    ImportFailure,
    Interpreter,
    Measurement,
    ModuleCost,
    Origins,
    Progress,
    attribute,
    calibration_modules,
    child_environment,
    is_module_name,
    measure,
    measure_baseline,
    module_costs,
    new_heavy_modules,
    probe,
    toml_list,
    with_heavy_modules,
)

_NOT_AT_IMPORT = "(not an import-time statement: imported inside a function?)"
_NO_IMPORTER = "(no first-party module above it in the log: loaded through importlib, or by a plugin hook?)"
_MEASURED = "(imported by `import {module}` itself: no first-party module above it)"


def _positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value!r}")
    return int(value)


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


def _add_interpreter_options(parser: argparse.ArgumentParser, runs: int, timeout: float) -> None:
    parser.add_argument("--python", default=sys.executable, metavar="PYTHON",
                        help="the interpreter to measure with (default: the one running qemlflow-lint)")
    parser.add_argument("--runs", type=_positive_int, default=runs, metavar="N",
                        help=f"fresh interpreters per module; the median is reported (default: {runs})")
    parser.add_argument("--timeout", type=_seconds, default=timeout, metavar="SECONDS",
                        help=f"give up on one import after this long (default: {timeout:g})")


def register(commands: Any) -> None:
    """Add the ``importtime`` and ``calibrate`` commands."""
    importtime = commands.add_parser(
        "importtime",
        help="measure a module's real import time and name the first-party lines that load heavy modules",
        description=(
            "Import MODULE in fresh interpreters with `python -X importtime` (after one untimed warm-up "
            "run) and report the median time with the bare interpreter's start-up subtracted, the "
            "costliest modules and, for every heavy or costly third-party module loaded, the first-party "
            "import line that pulled it in. The project's folder and its src/ are put on PYTHONPATH. "
            "PATHs are analysed like `check` does to know the first-party modules (default: .)."
        ),
    )
    importtime.add_argument("module", metavar="MODULE", help="the module to import, e.g. mypkg or mypkg.cli")
    add_input_options(importtime)
    _add_interpreter_options(importtime, runs=5, timeout=120)
    importtime.add_argument("--top", type=int, default=10, metavar="N",
                            help="how many of the costliest modules to list (default: 10)")
    importtime.add_argument("--sort", choices=("self", "cumulative"), default="self",
                            help="order the costliest modules by their own time (default) or with their imports")
    importtime.add_argument("--costly-ms", type=_milliseconds, default=50.0, metavar="MS",
                            help="also trace third-party modules that take this long, heavy or not (default: 50)")
    importtime.add_argument("--budget", type=_seconds, metavar="SECONDS",
                            help="exit 1 when the median import time is over SECONDS; prints PASS: or FAIL:")
    importtime.add_argument("--format", choices=("text", "json"), default="text",
                            help="text (default) or json (runs, median, spread, baseline, modules, verdict)")
    importtime.set_defaults(run=run_importtime)

    calibrate = commands.add_parser(
        "calibrate",
        help="time the installed packages and propose the slow ones as extend-heavy-modules",
        description=(
            "Import each installed third-party top-level package (or the MODULEs given) in fresh "
            "interpreters and list them by median import time, start-up subtracted. Those at or above "
            "--threshold-ms that the heavy list does not cover yet are printed as an extend-heavy-modules "
            "setting, or added to pyproject.toml with --write. It is extend-heavy-modules, not "
            "heavy-modules, so that the documented default list stays in force: heavy-modules would "
            "replace it. Importing a package runs its code: calibrate in an environment you trust."
        ),
    )
    calibrate.add_argument("modules", nargs="*", metavar="MODULE",
                           help="modules to time (default: every installed third-party top-level package)")
    _add_interpreter_options(calibrate, runs=3, timeout=30)
    calibrate.add_argument("--threshold-ms", type=_milliseconds, default=100.0, metavar="MS",
                           help="propose modules that take at least this long (default: 100)")
    calibrate.add_argument("--write", action="store_true",
                           help="add them to extend-heavy-modules in [tool.qemlflow-lint] of the pyproject.toml "
                                "that configures this folder (else the nearest one, else a new ./pyproject.toml)")
    add_config_options(calibrate)
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


def _environment() -> Dict[str, str]:
    return child_environment(source_roots(os.getcwd()), os.environ)


def _interpreter(args: argparse.Namespace, env: Mapping[str, str], packages: bool = False) -> Interpreter:
    """What ``--python`` says about itself; a usage error when it cannot be run."""
    try:
        return probe(args.python, env, packages=packages, timeout=args.timeout)
    except ImportFailure as error:
        raise UsageError(f"--python {args.python}: {error}") from None


def _here(args: argparse.Namespace) -> Config:
    """The configuration of the working directory (with the command line's flags)."""
    return resolver_from(args).for_path(config_probe(os.curdir))


def _display(path: str) -> str:
    relative = os.path.relpath(os.path.abspath(path))
    return path if relative.startswith("..") else relative


def first_party_graphs(args: argparse.Namespace) -> Dict[str, ImportGraph]:
    """Each first-party module of the analysed paths, with its project's import graph
    (one graph per configuration folder, as ``check`` builds them)."""
    resolver = resolver_from(args)
    projects: Dict[str, List[FileResult]] = {}
    for result in analyse(args).results:
        if result.ok and os.path.exists(result.path):
            projects.setdefault(resolver.for_path(result.path).root, []).append(result)
    graphs: Dict[str, ImportGraph] = {}
    for root, members in sorted(projects.items()):
        graph = ImportGraph.build(members, {result.path: source_roots(root) for result in members})
        for name in graph.modules:
            graphs.setdefault(name, graph)
    return graphs


def _statement(graphs: Mapping[str, ImportGraph], attribution: Attribution, module: str) -> Dict[str, Any]:
    """Where the attribution's importer imports it: ``path``, ``line``, ``text``, or a note."""
    if not attribution.importer:
        note = _MEASURED.format(module=module) if attribution.via == module else _NO_IMPORTER
        return {"path": None, "line": None, "text": None, "note": note}
    graph = graphs[attribution.importer]
    statement = graph.statement_importing(attribution.importer, attribution.via)
    if statement is None:
        return {"path": _display(graph.modules[attribution.importer].path), "line": None, "text": None,
                "note": _NOT_AT_IMPORT}
    return {"path": _display(graph.modules[attribution.importer].path), "line": statement.line,
            "text": statement.text.strip(), "note": None}


def _ms(microseconds: float) -> float:
    return round(microseconds / 1000, 3)


def _verdict(module: str, median_us: float, budget: float) -> Dict[str, Any]:
    seconds = median_us / 1e6
    passed = seconds <= budget
    if passed:
        text = f"PASS: {module} imports in {seconds:.3f} s (median), within the {budget:g} s budget"
    else:
        text = f"FAIL: {module} imports in {seconds:.3f} s (median), over the {budget:g} s budget"
    return {"seconds": budget, "passed": passed, "verdict": text}


def importtime_report(
    measurement: Measurement,
    interpreter: Interpreter,
    costs: Sequence[ModuleCost],
    attributions: Sequence[Attribution],
    graphs: Mapping[str, ImportGraph],
    args: argparse.Namespace,
) -> Dict[str, Any]:
    """Everything ``importtime`` found, as JSON-ready data (milliseconds throughout)."""
    spread = measurement.spread
    return {
        "module": measurement.module,
        "python": {"executable": args.python, "version": interpreter.version},
        "runs": len(measurement.runs),
        "median_ms": _ms(measurement.median_us),
        "spread_ms": {"min": _ms(spread.low), "q1": _ms(spread.first_quartile),
                      "q3": _ms(spread.third_quartile), "max": _ms(spread.high)},
        "run_ms": [_ms(value) for value in measurement.net_us],
        "baseline_ms": _ms(measurement.baseline_us),
        "top_modules": [
            {"module": cost.name, "self_ms": _ms(cost.self_us), "cumulative_ms": _ms(cost.cumulative_us)}
            for cost in costs
        ],
        "costly_ms": args.costly_ms,
        "attributions": [
            {
                "module": a.module,
                "heavy": a.heavy or None,
                "cumulative_ms": _ms(a.cumulative_us),
                "brings_in": list(a.brings_in),
                "imported_by": a.importer or None,
                "via": a.via,
                "statement": _statement(graphs, a, measurement.module),
                "saving_up_to_ms": _ms(a.saving_us),
                "modules_loaded_through_it": a.saving_modules,
            }
            for a in attributions
        ],
        "budget": None if args.budget is None else _verdict(measurement.module, measurement.median_us, args.budget),
    }


def render_importtime_text(report: Mapping[str, Any]) -> str:
    """The human-readable ``importtime`` report."""
    spread = report["spread_ms"]
    runs = report["runs"]
    lines = [
        f"{report['module']}: {report['median_ms']:.1f} ms to import "
        f"(median of {plural(runs, 'run')}; min–max {spread['min']:.1f}–{spread['max']:.1f} ms, "
        f"IQR {spread['q1']:.1f}–{spread['q3']:.1f} ms)",
        f"  bare interpreter start-up {report['baseline_ms']:.1f} ms subtracted; "
        f"Python {report['python']['version']} ({_display(report['python']['executable'])})",
    ]
    if report["top_modules"]:
        lines += ["", "Costliest modules (medians in ms; self = its own code, cumulative = with what it imported):",
                  f"  {'self':>8}  {'cumulative':>10}  module"]
        lines += [f"  {m['self_ms']:8.1f}  {m['cumulative_ms']:10.1f}  {m['module']}" for m in report["top_modules"]]
    lines.append("")
    attributions = report["attributions"]
    if not attributions:
        lines.append(f"No heavy or costly (≥ {report['costly_ms']:g} ms) third-party module was loaded.")
    else:
        lines.append(f"Heavy or costly (≥ {report['costly_ms']:g} ms) third-party modules, "
                     "and the first-party line that pulled each in:")
    for a in attributions:
        why = f"heavy ({a['heavy']})" if a["heavy"] else "costly"
        extra = f"; brings in {', '.join(a['brings_in'])}" if a["brings_in"] else ""
        lines.append(f"  {a['module']}: {why}, {a['cumulative_ms']:.1f} ms cumulative{extra}")
        statement = a["statement"]
        if statement["line"] is not None:
            via = "" if a["via"] == a["module"] else f"  (imports {a['via']}, which loads {a['module']})"
            lines.append(f"    {statement['path']}:{statement['line']}: {statement['text']}{via}")
            count = a["modules_loaded_through_it"]
            lines.append(f"    deferring that line would save up to {a['saving_up_to_ms']:.1f} ms "
                         f"({plural(count, 'module')} first loaded through it)")
        elif statement["path"] is not None:
            lines.append(f"    {statement['path']} ({a['imported_by']}): {statement['note']}")
        else:
            lines.append(f"    {statement['note']}")
    if report["budget"] is not None:
        lines += ["", report["budget"]["verdict"]]
    return "\n".join(lines) + "\n"


def run_importtime(args: argparse.Namespace, out: TextIO) -> int:
    """Measure, attribute, report; exit 1 when over the budget."""
    module = args.module
    if not is_module_name(module):
        raise UsageError(f"{module!r} is not a module name (expected something like pkg or pkg.sub)")
    heavy = _here(args).all_heavy_modules
    graphs = first_party_graphs(args)  # configuration mistakes show before any measuring
    env = _environment()
    progress = TerminalProgress(sys.stderr)
    interpreter = _interpreter(args, env)
    try:
        measurement = measure(args.python, module, args.runs, env, args.timeout, progress=progress.show)
    except ImportFailure as error:
        raise UsageError(f"cannot import {module} with {args.python}: {error}") from None
    finally:
        progress.clear()
    packages = frozenset(name.partition(".")[0] for name in graphs if "." in name)
    origins = Origins(interpreter.stdlib, frozenset(graphs), packages)
    costs = module_costs(measurement)
    if args.sort == "cumulative":
        costs = sorted(costs, key=lambda cost: (-cost.cumulative_us, -cost.self_us, cost.name))
    attributions = attribute(measurement, origins, heavy, args.costly_ms * 1000)
    report = importtime_report(measurement, interpreter, costs[: max(args.top, 0)], attributions, graphs, args)
    if args.format == "json":
        out.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        if report["budget"] is not None:
            print(report["budget"]["verdict"], file=sys.stderr)
    else:
        out.write(render_importtime_text(report))
    return EXIT_FINDINGS if report["budget"] is not None and not report["budget"]["passed"] else EXIT_CLEAN


def _target_pyproject(config: Config) -> str:
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


def write_heavy_modules(path: str, additions: Sequence[str]) -> bool:
    """Add ``additions`` to ``extend-heavy-modules`` in ``path`` (created if missing),
    atomically and keeping the file's mode; False when there was nothing to change."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            text = handle.read()
        mode: Optional[int] = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        text, mode = "", None
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{_display(path)}: cannot read it: {getattr(error, 'strerror', None) or error}") from None
    try:
        edited = with_heavy_modules(text, additions)
    except EditError as error:
        raise UsageError(f"{_display(path)}: not changed: {error}") from None
    if edited == text:
        return False
    try:
        write_text_atomic(path, edited)
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(path, mode)  # the temporary file was private
    except OSError as error:
        raise UsageError(f"{_display(path)}: cannot write it: {error.strerror or error}") from None
    return True


def run_calibrate(args: argparse.Namespace, out: TextIO) -> int:
    """Time the packages, print the table, and propose (or write) the slow ones."""
    config = _here(args)
    for module in args.modules:
        if not is_module_name(module):
            raise UsageError(f"{module!r} is not a module name")
    env = _environment()
    progress = TerminalProgress(sys.stderr)
    times: Dict[str, float] = {}
    failed: Dict[str, str] = {}
    interpreter = _interpreter(args, env, packages=not args.modules)
    modules = list(dict.fromkeys(args.modules)) or calibration_modules(interpreter)
    try:
        baseline = measure_baseline(args.python, args.runs, env, args.timeout, progress.show)
        for number, module in enumerate(modules, 1):
            try:
                measurement = measure(args.python, module, args.runs, env, args.timeout, baseline=baseline,
                                      progress=progress.prefixed(f"{number}/{len(modules)} "))
            except ImportFailure as error:
                failed[module] = str(error)
                continue
            times[module] = measurement.median_us
    except ImportFailure as error:
        raise UsageError(f"cannot measure with {args.python}: {error}") from None
    finally:
        progress.clear()
    out.write(render_calibration(times, failed, args.runs, interpreter))
    additions = new_heavy_modules(times, args.threshold_ms * 1000, config.all_heavy_modules)
    if not additions:
        out.write(f"\nNothing to add: no module at or above {args.threshold_ms:g} ms that the heavy list "
                  "does not already cover.\n")
        return EXIT_CLEAN
    if args.write:
        path = _target_pyproject(config)
        if write_heavy_modules(path, additions):
            out.write(f"\nAdded {toml_list(additions)} to extend-heavy-modules in {_display(path)}.\n")
        else:
            out.write(f"\n{_display(path)} already lists {toml_list(additions)}.\n")
        return EXIT_CLEAN
    out.write(
        f"\nAt or above {args.threshold_ms:g} ms and not yet heavy — add to pyproject.toml (or run with --write):\n"
        f"[tool.qemlflow-lint]\nextend-heavy-modules = {toml_list(additions)}\n"
    )
    return EXIT_CLEAN


def render_calibration(times: Mapping[str, float], failed: Mapping[str, str], runs: int,
                       interpreter: Interpreter) -> str:
    """The table of ``calibrate``: slowest first, then the modules that failed."""
    lines = [f"Import time of {plural(len(times) + len(failed), 'module')} (median of {plural(runs, 'run')} "
             f"each, start-up subtracted; Python {interpreter.version}):",
             f"  {'ms':>9}  module"]
    for module in sorted(times, key=lambda name: (-times[name], name)):
        lines.append(f"  {times[module] / 1000:9.1f}  {module}")
    for module in sorted(failed):
        lines.append(f"  {'failed':>9}  {module}: {failed[module]}")
    return "\n".join(lines) + "\n"
