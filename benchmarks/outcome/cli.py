"""The command line of ``python benchmarks/fix_outcome.py``."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks.base import REPO, BenchmarkError, progress
from benchmarks.outcome.environment import locked, project_copy
from benchmarks.outcome.libraries import LIBRARIES, MODES, SPEED_TARGET
from benchmarks.outcome.library import LibraryReport, measure_library
from benchmarks.outcome.render import render_report


def build_parser() -> argparse.ArgumentParser:
    """The command-line options."""
    parser = argparse.ArgumentParser(
        prog="python benchmarks/fix_outcome.py",
        description="Judge `qemlflow-lint fix` by its outcome on real libraries: import time and the "
        "library's own tests, before and after.",
    )
    keys = [library.key for library in LIBRARIES]
    parser.add_argument(
        "--library",
        action="append",
        choices=keys,
        help=f"the libraries to run (default: all of {', '.join(keys)})",
    )
    parser.add_argument(
        "--modes",
        default="none,safe,unsafe",
        help="comma-separated modes: none (always run: the reference), safe, unsafe (default: all)",
    )
    parser.add_argument(
        "--fix-arg",
        action="append",
        default=[],
        metavar="ARGS",
        help="extra options for both fix modes, e.g. --fix-arg=--target-version=py311 (repeatable)",
    )
    parser.add_argument(
        "--repo",
        default=str(REPO),
        metavar="DIR",
        help="the qemlflow-lint checkout to install and judge (default: the one holding this script)",
    )
    parser.add_argument(
        "--workdir",
        metavar="DIR",
        help="keep the downloads, environments and copies here and reuse them (default: a temporary folder)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (without --workdir)")
    parser.add_argument("--runs", type=int, default=7, metavar="N", help="timed imports per mode (default 7)")
    parser.add_argument(
        "--baseline-test-runs",
        type=int,
        default=2,
        metavar="N",
        help="test runs of the untouched source; tests whose outcome varies are flaky (default 2)",
    )
    parser.add_argument(
        "--test-timeout",
        type=float,
        default=1800,
        metavar="SECONDS",
        help="per test run, and per fix (default 1800)",
    )
    parser.add_argument(
        "--python", default=sys.executable, metavar="PYTHON", help="the interpreter of the environments"
    )
    parser.add_argument("--markdown-out", metavar="FILE", help="also write the report to FILE")
    parser.add_argument("--json-out", metavar="FILE", help="also write every figure to FILE as JSON")
    parser.add_argument(
        "--check-targets", action="store_true", help="also exit 1 when an import is not 3 × faster"
    )
    return parser


def _json_ready(reports: Sequence[LibraryReport]) -> list[object]:
    data: list[object] = []
    for report in reports:
        item = dataclasses.asdict(report)
        for result in item["results"]:
            result["api"] = {"versions": result["api"]["versions"], "modules": len(result["api"]["modules"])}
        data.append(item)
    return data


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 0 when the libraries stayed whole, 1 when not, 2 when it could not run."""
    args = build_parser().parse_args(argv)
    modes = {mode.strip() for mode in args.modes.split(",") if mode.strip()} | {"none"}
    unknown = modes - {mode.key for mode in MODES}
    if unknown or args.runs < 1 or args.baseline_test_runs < 1:
        what = (
            f"unknown mode(s) {', '.join(sorted(unknown))}"
            if unknown
            else "--runs and --baseline-test-runs are ≥ 1"
        )
        print(f"fix_outcome.py: error: {what}", file=sys.stderr)
        return 2
    args.modes = modes
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None  # before any work of ours
    repo = Path(args.repo).resolve()
    chosen = [library for library in LIBRARIES if not args.library or library.key in args.library]
    work = (
        Path(args.workdir).resolve()
        if args.workdir
        else Path(tempfile.mkdtemp(prefix="qemlflow-fix-outcome-"))
    )
    try:
        with locked(work):
            tool_source = project_copy(repo, work)
            reports = [measure_library(library, args, work, tool_source) for library in chosen]
            text, whole = render_report(reports, args, repo, load)
    except BenchmarkError as error:
        print(f"fix_outcome.py: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("fix_outcome.py: interrupted", file=sys.stderr)
        return 130
    finally:
        if not args.workdir and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        elif not args.workdir:
            progress(f"kept {work}")
    sys.stdout.write(text)
    if args.markdown_out:
        Path(args.markdown_out).write_text(text, encoding="utf-8")
    if args.json_out:
        Path(args.json_out).write_text(
            json.dumps(_json_ready(reports), indent=2, default=str), encoding="utf-8"
        )
    speed_ok = all(
        result.mode.key != "unsafe"
        or report.results[0].importing.median_ms >= SPEED_TARGET * result.importing.median_ms
        for report in reports
        for result in report.results
    )
    return 0 if whole and (speed_ok or not args.check_targets) else 1


if __name__ == "__main__":
    sys.exit(main())
