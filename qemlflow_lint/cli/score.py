"""``qemlflow-lint score``: the compliance score, why it is what it is, and the CI gates."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from qemlflow_lint import __version__
from qemlflow_lint.atomic import write_text_atomic
from qemlflow_lint.cli.baseline import add_baseline_option, requested_baseline, without_baselined
from qemlflow_lint.cli.check import append_step_summary
from qemlflow_lint.cli.common import (
    add_format_option,
    add_input_options,
    add_output_option,
    analyse,
    emit,
    read_json_file,
    resolver_from,
    score_points,
)
from qemlflow_lint.cli.exits import EXIT_CLEAN, EXIT_FINDINGS, UsageError
from qemlflow_lint.measure.last_measured import kept_saving
from qemlflow_lint.model.findings import UNREADABLE_CODE
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.report.emitters import emitter, format_names
from qemlflow_lint.run.api import Analysis, default_cache_dir
from qemlflow_lint.run.project_rules import project_graphs
from qemlflow_lint.score.advice import (
    FROM_STORE,
    Action,
    Measured,
    MeasurementError,
    measured_from,
    next_fixes,
)
from qemlflow_lint.score.compute import ScoreReport, compute_score
from qemlflow_lint.score.gate import configured_fail_under, gate_for
from qemlflow_lint.score.profile import configured_weights, default_profile
from qemlflow_lint.score.render import ScoreOutput, score_markdown

#: What ``--format`` prints: the score itself in its formats; in the other formats, which are
#: ``check``'s, the findings (the gate still decides the exit code).
REPORT_KINDS = ("score", "findings")


def configure(score: argparse.ArgumentParser) -> None:
    """The arguments of the ``score`` command."""
    add_input_options(score)
    score.add_argument(
        "--fail-under",
        type=score_points,
        metavar="N",
        help="exit 1 when the score is below N (default: [tool.qemlflow-lint.score] fail-under)",
    )
    score.add_argument("--score-only", action="store_true", help="print only the score, for shell scripts")
    score.add_argument(
        "--detailed-report",
        action="store_true",
        help="also list every file's points and every finding, grouped by rule and file",
    )
    add_format_option(
        score,
        REPORT_KINDS,
        "text",
        "text (default), json (everything needed to recompute the score), markdown "
        "(a job summary); sarif, github, gitlab, junit print the findings for CI, "
        "and github appends the Markdown report to $GITHUB_STEP_SUMMARY",
    )
    add_output_option(score)
    score.add_argument("--top", type=int, default=10, metavar="N", help="how many best next fixes to show")
    add_importtime_option(score)
    score.add_argument(
        "--no-regress",
        metavar="FILE",
        help="exit 1 when the score is below the one recorded in FILE (see --record)",
    )
    score.add_argument("--record", metavar="FILE", help="write the score to FILE for a later --no-regress")
    add_baseline_option(
        score,
        "count the findings not recorded in FILE as new: the text, json and markdown reports say how "
        "many, and the findings formats print only those; the score itself counts every finding",
    )
    score.set_defaults(run=run)


def add_importtime_option(parser: argparse.ArgumentParser) -> None:
    """``--importtime FILE``: the measured import the best next fixes show savings on."""
    parser.add_argument(
        "--importtime",
        metavar="FILE",
        help="show with each best next fix the milliseconds it takes off the import measured in FILE "
        "(written by `importtime MODULE --format json`; default: the last `importtime` of the "
        "project's top-level package, unless --no-cache)",
    )


def measurement_store(args: argparse.Namespace) -> str | None:
    """The cache folder where ``importtime`` keeps its last measurements (None with ``--no-cache``)."""
    if args.no_cache:
        return None
    return str(args.cache_dir or default_cache_dir(resolver_from(args)))


def read_measured(path: str) -> Measured:
    """The measured import in ``path`` (``importtime --format json``); a clear error otherwise."""
    data = read_json_file(path, "importtime result")
    try:
        return measured_from(data)
    except MeasurementError as error:
        raise UsageError(f"{path}: not an importtime result: {error}") from None


def best_next_fixes(
    report: ScoreReport, analysis: Analysis, measured: Measured | None = None, store: str | None = None
) -> list[Action]:
    """The best next fixes of a run, ranked over its projects' import graphs; without
    ``measured``, the last measurement kept in ``store`` of a top-level package shows the
    milliseconds (see :func:`~qemlflow_lint.measure.last_measured.kept_saving`)."""
    graphs = project_graphs(analysis.results, analysis.settings_by_path)
    if measured is None and store is not None:
        kept = kept_saving(store, graphs, analysis.settings_by_path, _note)
        measured = None if kept is None else Measured(kept.module, kept.saving_ms, FROM_STORE)
    return next_fixes(report, analysis.results, graphs, analysis.settings_by_path, measured)


def _note(text: str) -> None:
    print(f"qemlflow-lint: {text}", file=sys.stderr)


def _recorded_score(path: str) -> float:
    data = read_json_file(path, "recorded score")
    value = data.get("score") if isinstance(data, dict) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UsageError(f"{path}: not a recorded score (no numeric 'score'; write one with --record)")
    if data.get("profile") != [default_profile().name, default_profile().version]:
        print(
            f"qemlflow-lint: warning: {path} was recorded with another scoring profile "
            f"({data.get('profile')}); the scores may not be comparable",
            file=sys.stderr,
        )
    return float(value)


def _record(path: str, report: ScoreReport, config: Settings) -> None:
    payload = {
        "tool": "qemlflow-lint",
        "version": __version__,
        "score": report.score,
        "profile": [report.profile.name, report.profile.version],
        "config_hash": config.fingerprint(),
        "files": report.files,
    }
    write_text_atomic(path, json.dumps(payload, indent=2) + "\n")


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Analyse, score, print the report in the chosen format, apply the gates."""
    recorded = _recorded_score(args.no_regress) if args.no_regress else None
    baseline = requested_baseline(args)
    analysis = analyse(args)
    config = analysis.settings
    weights = configured_weights(config)
    report = compute_score(analysis.results, weights)  # the full score, baseline or not
    new: int | None = None
    shown = analysis.results
    accepted: frozenset[str] = frozenset()
    if baseline is not None:
        shown = without_baselined(args, baseline, analysis.results)
        new = sum(len(result.findings) for result in shown)
        # An unreadable file the baseline records was unreadable already: not a failure.
        accepted = frozenset(
            result.path
            for result in shown
            if not result.ok and not any(f.code == UNREADABLE_CODE for f in result.findings)
        )
    fail_under, fail_under_source = configured_fail_under(args.fail_under, config)
    gate = gate_for(report, fail_under, recorded, fail_under_source, accepted)
    measured = read_measured(args.importtime) if args.importtime else None
    fixes = [] if args.score_only else best_next_fixes(report, analysis, measured, measurement_store(args))
    output = ScoreOutput(
        report, gate, analysis.results, config.fingerprint(), args.top, args.detailed_report, new, fixes
    )
    if args.score_only:
        text = f"{report.score:.1f}\n"
        if gate.checked:
            print(gate.verdict(report.score), file=sys.stderr)
    elif args.format in format_names("score"):
        text = emitter("score", args.format)(output)
    else:  # a findings format
        text = emitter("findings", args.format)(shown)
        if args.format == "github":
            append_step_summary(score_markdown(output))
        print(gate.verdict(report.score) if gate.checked else f"score {report.score:.1f}", file=sys.stderr)
    emit(text, args.output, out)
    if args.record:
        _record(args.record, report, config)
    return EXIT_CLEAN if gate.passed else EXIT_FINDINGS
