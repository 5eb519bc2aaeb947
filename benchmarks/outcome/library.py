"""One library in every mode: each mode's copy prepared (fixed or not), then measured."""

from __future__ import annotations

import argparse
import shlex
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.base import progress
from benchmarks.outcome.environment import download, ensure_venv, last_line, run, sdist_name, unpack, venv_bin
from benchmarks.outcome.libraries import MODES, Library, Mode
from benchmarks.outcome.probes import (
    changed_files,
    count_findings,
    fix_summary,
    measure_imports,
    module_names,
    probe_api,
    run_tests,
)
from benchmarks.outcome.results import Comparison, ModeResult, SuiteRun
from benchmarks.outcome.verdict import compare, parse_heavy_list


@dataclass
class LibraryReport:
    """A library's results in every mode."""

    library: Library
    sdist: str
    python: str
    tool: str
    heavy: list[str]
    results: list[ModeResult]
    comparisons: dict[str, Comparison]


@dataclass
class Prepared:
    """One mode's copy of the source, fixed (or not), before it is measured."""

    mode: Mode
    tree: Path
    findings: dict[str, int] | None
    fix_summary: str = ""
    fix_exit: int | None = None
    fix_seconds: float | None = None
    notes: list[str] = field(default_factory=list)


def prepare(
    mode: Mode, library: Library, venv: Path, source: Path, home: Path, args: argparse.Namespace
) -> Prepared:
    """A fresh copy of ``source`` for ``mode``, fixed as the mode says, its findings counted and
    its bytecode compiled (as an installation would have it)."""
    runs_dir = home / "runs" / mode.key
    shutil.rmtree(runs_dir, ignore_errors=True)
    runs_dir.mkdir(parents=True)
    tree = runs_dir / source.name
    shutil.copytree(source, tree, ignore=shutil.ignore_patterns("__pycache__"))
    prepared = Prepared(mode, tree, None)
    if mode.fix_args is not None:
        progress(f"{library.key}: {mode.label}")
        extra = [arg for option in args.fix_arg for arg in shlex.split(option)]
        argv: list[str | Path] = [
            venv_bin(venv, "qemlflow-lint"),
            "fix",
            *mode.fix_args,
            *extra,
            "--no-cache",
            library.package_dir,
        ]
        start = time.perf_counter()
        done = run(argv, tree, log=runs_dir / "fix.log", timeout=args.test_timeout)
        prepared.fix_seconds = time.perf_counter() - start
        prepared.fix_exit, prepared.fix_summary = done.returncode, fix_summary(done.stderr)
        if done.returncode not in (0, 1):
            prepared.notes.append(f"fix exited {done.returncode}: {last_line(done)}")
    prepared.findings = count_findings(venv, tree, library, runs_dir / "check.log")
    run([venv_bin(venv, "python"), "-m", "compileall", "-q", library.package_dir], tree)
    return prepared


def measure_library(
    library: Library, args: argparse.Namespace, work: Path, tool_source: Path
) -> LibraryReport:
    """Download and install; prepare every mode on a fresh copy of the source; time the imports
    of all modes together; then import every module and run the tests of each mode."""
    sdist = download(library, work / "downloads")
    name, version = sdist_name(library.requirement)
    home = work / f"{name}-{version}"
    home.mkdir(parents=True, exist_ok=True)
    source = unpack(sdist, home / "source")
    venv = ensure_venv(library, home, sdist, tool_source, args.python)
    tool = run([venv_bin(venv, "qemlflow-lint"), "--version"], home).stdout.strip()
    python = run([venv_bin(venv, "python"), "-c", "import platform; print(platform.python_version())"], home)
    heavy = parse_heavy_list(run([venv_bin(venv, "qemlflow-lint"), "ruff-config"], source).stdout)
    modules = module_names(source, library.package_dir, library.module)
    modes = [prepare(mode, library, venv, source, home, args) for mode in MODES if mode.key in args.modes]
    progress(f"{library.key}: timing import {library.module} ({args.runs} rounds over {len(modes)} modes)")
    timings = measure_imports(venv, [p.tree for p in modes], library.module, heavy, args.runs)
    results: list[ModeResult] = []
    comparisons: dict[str, Comparison] = {}
    for prepared, importing in zip(modes, timings):
        mode, tree = prepared.mode, prepared.tree
        base = results[0] if results else None
        expect: dict[str, list[str]] = {}
        if base is not None:
            for module, probe in base.api.modules.items():
                names = probe.get("names", {})
                expect[module] = sorted(names) if isinstance(names, dict) else []
        progress(f"{library.key} [{mode.key}]: importing every module")
        api = probe_api(venv, tree, modules, expect, heavy, tree.parent / "modules.log")
        test_runs: list[SuiteRun] = []
        rounds = args.baseline_test_runs if mode.fix_args is None else 1
        for number in range(rounds):
            progress(f"{library.key} [{mode.key}]: running its tests ({number + 1} of {rounds})")
            report = tree.parent / f"tests-{number + 1}.xml"
            test_runs.append(run_tests(venv, tree, library, report, args.test_timeout))
        result = ModeResult(
            mode,
            importing,
            test_runs,
            prepared.findings,
            api,
            fix_summary=prepared.fix_summary,
            fix_exit=prepared.fix_exit,
            fix_seconds=prepared.fix_seconds,
            files_changed=changed_files(source, tree),
            notes=prepared.notes,
        )
        results.append(result)
        if base is not None:
            comparisons[mode.key] = compare(base, result, library.module)
    return LibraryReport(library, sdist.name, python.stdout.strip(), tool, heavy, results, comparisons)
