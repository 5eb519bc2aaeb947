"""The command line: ``python benchmarks/run.py`` (or ``python -m benchmarks``)."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks.base import DEFAULT_VENV_DIR, BenchmarkError, progress
from benchmarks.corpora import build_corpora
from benchmarks.measurements import MEASUREMENTS
from benchmarks.measurements.adapters import REFERENCE_COMMIT
from benchmarks.plan import plan
from benchmarks.report import render_report
from benchmarks.results import Results, Target
from benchmarks.timing import Outcome, clean_environment, measure


def evaluate(outcomes: Sequence[Outcome], large: str) -> list[Target]:
    """Every target of every measurement module, in the order of ``MEASUREMENTS``, judged on
    the ``large`` corpus unless the target names another."""
    results = Results(outcomes, large)
    return [
        target for measurement in MEASUREMENTS for judge in measurement.TARGETS for target in judge(results)
    ]


def default_cores() -> int:
    """The cores this process may use (what ``qemlflow-lint --jobs`` defaults to)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)


def build_parser() -> argparse.ArgumentParser:
    """The command-line options."""
    parser = argparse.ArgumentParser(
        prog="python benchmarks/run.py",
        description="Time qemlflow-lint against the parse floor, flake8, pylint and ruff on the same files.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: the small corpus only, one repetition"
    )
    parser.add_argument(
        "--no-venvs",
        action="store_true",
        help="skip the flake8 comparisons (which need virtual environments) and pylint",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        metavar="N",
        help="timed runs per command; the median is reported (default 3, --quick 1)",
    )
    parser.add_argument("--markdown-out", metavar="FILE", help="also write the report to FILE")
    parser.add_argument(
        "--venv-dir",
        default=str(DEFAULT_VENV_DIR),
        metavar="DIR",
        help="where the flake8 virtual environments live (default: benchmarks/.venvs)",
    )
    parser.add_argument(
        "--corpus",
        action="append",
        default=[],
        metavar="DIR",
        help="also run the qemlflow-lint and ruff rows on a copy of DIR's .py files, e.g. a library's "
        "src/ (repeatable); the fix target is judged there",
    )
    parser.add_argument(
        "--check",
        "--check-targets",
        dest="check",
        action="store_true",
        help="exit 1 when a target fails (the figures are printed all the same)",
    )
    parser.add_argument(
        "--adapter-root",
        metavar="DIR",
        help="import the adapters from DIR (a checkout, e.g. a git worktree of "
        f"{REFERENCE_COMMIT}) instead of this one: how their reference was measured",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 0 when it ran (1 with ``--check`` and a failed target)."""
    args = build_parser().parse_args(argv)
    repeat = args.repeat if args.repeat is not None else (1 if args.quick else 3)
    if repeat < 1:
        print("run.py: error: --repeat must be at least 1", file=sys.stderr)
        return 2
    cores = default_cores()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None  # before any work of ours
    work = Path(tempfile.mkdtemp(prefix="qemlflow-bench-"))
    try:
        progress("copying the corpora")
        corpora = build_corpora(work, args.quick, [Path(folder) for folder in args.corpus])
        run_plan = plan(corpora, args, work, cores, MEASUREMENTS)
        scratch = work / "scratch"
        scratch.mkdir()
        outcomes = measure(run_plan.commands, repeat, scratch, clean_environment())
        targets = evaluate(outcomes, corpora[0].key)
        report = render_report(outcomes, targets, run_plan, corpora, cores, repeat, args.quick, load)
    except BenchmarkError as error:
        print(f"run.py: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("run.py: interrupted", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.stdout.write(report)
    if args.markdown_out:
        Path(args.markdown_out).write_text(report, encoding="utf-8")
    if args.check and any(target.passed is False for target in targets):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
