"""``qemlflow-lint report --html OUT``: the score, its ledger, the trend, import time and the
heavy import chains as one self-contained HTML file (see :mod:`qemlflow_lint.report.html`).

The gate is ``score``'s: ``--fail-under`` (or ``fail-under`` in the configuration) and files
that could not be analysed. The file is written in any case, atomically; the exit code is 1
when the gate fails, as with ``score``, and 2 when the file cannot be written or an input
cannot be read.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, TextIO

from qemlflow_lint.atomic import write_text_atomic
from qemlflow_lint.cli.common import (
    add_input_options,
    analyse,
    positive_int,
    read_json_file,
    resolver_from,
    score_points,
)
from qemlflow_lint.cli.exits import EXIT_CLEAN, EXIT_FINDINGS, UsageError
from qemlflow_lint.cli.score import best_next_fixes, measurement_store
from qemlflow_lint.history.model import Trend
from qemlflow_lint.history.store import load_trend
from qemlflow_lint.measure.importtime import (
    ImportFailure,
    child_environment,
    is_module_name,
    probe,
)
from qemlflow_lint.measure.pipeline import Costly, MeasurementSetup, measured_report
from qemlflow_lint.measure.report import graphs_by_module, import_roots
from qemlflow_lint.model.paths import display_path
from qemlflow_lint.model.printable import printable
from qemlflow_lint.report.html.inputs import ImportTimePanel, InputError, importtime_panel, trend_from_json
from qemlflow_lint.report.html.page import build_page
from qemlflow_lint.report.html.render import render_html
from qemlflow_lint.run.api import Analysis, default_cache_dir
from qemlflow_lint.run.project_rules import project_graphs
from qemlflow_lint.score.advice import Measured, MeasurementError, measured_from
from qemlflow_lint.score.compute import compute_score
from qemlflow_lint.score.gate import configured_fail_under, gate_for
from qemlflow_lint.score.profile import configured_weights

#: What ``--measure`` counts as costly, as ``importtime`` does by default.
COSTLY_MS, COSTLY_SHARE = 50.0, 25.0
#: How long one measured import may take.
MEASURE_SECONDS = 120.0


def configure(report: argparse.ArgumentParser) -> None:
    """The arguments of the ``report`` command."""
    report.description = (
        "Write one self-contained HTML file (it requests nothing from the network): the score and "
        "its gate, coverage by rule, where the points went, the best next fixes, the score's "
        "history when there is one, import time and the heavy import chains. Exit 1 when the gate "
        "fails (the file is written anyway), 2 when it cannot be written."
    )
    report.add_argument("--html", required=True, metavar="OUT", help="the HTML file to write")
    add_input_options(report)
    report.add_argument(
        "--fail-under",
        type=score_points,
        metavar="N",
        help="the gate: exit 1 when the score is below N (default: [tool.qemlflow-lint.score] fail-under)",
    )
    report.add_argument("--top", type=positive_int, default=10, metavar="N", help="best next fixes to show")
    report.add_argument(
        "--trend-json",
        metavar="FILE",
        help="draw the trend from FILE (`trend --format json`) instead of the stored history",
    )
    timing = report.add_mutually_exclusive_group()
    timing.add_argument(
        "--importtime", metavar="FILE", help="show FILE, written by `importtime MODULE --format json`"
    )
    timing.add_argument(
        "--measure",
        metavar="MODULE",
        help="measure MODULE's import time now, as `importtime MODULE` does (runs its code)",
    )
    report.add_argument(
        "--runs", type=positive_int, default=5, metavar="N", help="fresh interpreters for --measure"
    )
    report.set_defaults(run=run)


def stored_trend(project_root: str) -> Trend | None:
    """The score's history stored for the project at ``project_root``, if there is one."""
    trend = load_trend(project_root)
    return trend if trend is not None and trend.points else None


def _trend(args: argparse.Namespace) -> Trend | None:
    if args.trend_json is None:
        # Where `trend` keeps it: the project root of the cache folder, as `trend` finds it.
        return stored_trend(os.path.dirname(default_cache_dir(resolver_from(args))))
    try:
        return trend_from_json(read_json_file(args.trend_json, "trend"))
    except InputError as error:
        raise UsageError(f"{args.trend_json}: not a trend: {error}") from None


def measured_importtime(module: str, runs: int, analysis: Analysis) -> dict[str, Any]:
    """``importtime MODULE --format json``'s data, measured now with this interpreter; the
    first-party modules and the heavy list are those of ``analysis``."""
    if not is_module_name(module):
        raise UsageError(f"{module!r} is not a module name (expected something like pkg or pkg.sub)")
    graphs = graphs_by_module(project_graphs(analysis.results, analysis.settings_by_path))
    env = child_environment(import_roots(os.getcwd()), os.environ)
    try:
        interpreter = probe(sys.executable, env)
    except ImportFailure as error:
        raise UsageError(f"cannot run {sys.executable}: {error}") from None
    how = MeasurementSetup(sys.executable, interpreter, env, runs, MEASURE_SECONDS)
    try:
        return measured_report(
            how, module, graphs, analysis.settings.all_heavy_modules, Costly(COSTLY_MS, COSTLY_SHARE)
        )
    except ImportFailure as error:
        raise UsageError(str(error)) from None


def _importtime(
    args: argparse.Namespace, analysis: Analysis
) -> tuple[ImportTimePanel | None, Measured | None]:
    """The import-time panel, and the savings the best next fixes show, of one measurement."""
    if args.measure is not None:
        data = measured_importtime(args.measure, args.runs, analysis)
        where = args.measure
    elif args.importtime is not None:
        data = read_json_file(args.importtime, "importtime result")
        where = args.importtime
    else:
        return None, None
    try:
        return importtime_panel(data), measured_from(data)
    except (InputError, MeasurementError) as error:
        raise UsageError(f"{where}: not an importtime result: {error}") from None


def _check_writable(path: str) -> None:
    """Fail before the analysis (and any measuring) when ``path`` cannot be written."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise UsageError(f"{path}: cannot write the report: it is a directory")
    if not os.path.isdir(folder):
        raise UsageError(f"{path}: cannot write the report: no directory {display_path(folder)}")


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Analyse, score, gather the trend and import time, write the page; exit 1 when the
    gate fails."""
    _check_writable(args.html)
    analysis = analyse(args)
    config = analysis.settings
    report = compute_score(analysis.results, configured_weights(config))
    fail_under, source = configured_fail_under(args.fail_under, config)
    gate = gate_for(report, fail_under, None, source)
    panel, measured = _importtime(args, analysis)
    page = build_page(
        report,
        gate,
        analysis.results,
        title=f"{os.path.basename(config.project_root) or 'project'}: qemlflow-lint report",
        config_hash=config.fingerprint(),
        top=args.top,
        trend=_trend(args),
        importtime=panel,
        fixes=best_next_fixes(report, analysis, measured, measurement_store(args)),
    )
    try:
        write_text_atomic(args.html, render_html(page))
    except OSError as error:
        raise UsageError(
            f"{printable(args.html)}: cannot write the report: {error.strerror or error}"
        ) from None
    print(f"qemlflow-lint: wrote {args.html} (score {report.score:.1f}/100)", file=sys.stderr)
    if gate.checked:
        print(gate.verdict(report.score), file=sys.stderr)
    return EXIT_CLEAN if gate.passed else EXIT_FINDINGS
