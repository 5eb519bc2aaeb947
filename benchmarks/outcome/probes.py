"""The measurements of one copy of a library: its public names, ``import PKG``, its own
tests, the findings counted and what ``fix`` changed."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping, Sequence
from pathlib import Path

from benchmarks.base import BenchmarkError
from benchmarks.outcome.environment import clean_environment, last_line, run, venv_bin
from benchmarks.outcome.libraries import COUNTED_RULES, Library
from benchmarks.outcome.results import ApiProbe, ImportFigures, ImportSample, SuiteRun
from benchmarks.outcome.verdict import heavy_loaded, parse_importtime, read_junit

_API_PROBE = r"""
import importlib, json, sys, types
request = json.loads(sys.stdin.read())
result = {"modules": {}, "versions": {}}
for module in request["modules"]:
    try:
        loaded = importlib.import_module(module)
    except BaseException as error:
        result["modules"][module] = {"error": (type(error).__name__ + ": " + str(error))[:300]}
        continue
    names = {name for name in dir(loaded) if not name.startswith("_")}
    names.update(request["expect"].get(module, ()))
    read = {}
    for name in sorted(names):
        try:
            value = getattr(loaded, name)
        except BaseException as error:
            read[name] = "!" + (type(error).__name__ + ": " + str(error))[:200]
            continue
        owner = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", "")
        read[name] = owner if isinstance(owner, str) else ""
    result["modules"][module] = {"names": read}
for root in request["heavy"]:
    if root in sys.modules:
        result["versions"][root] = str(getattr(sys.modules[root], "__version__", "?"))
print(json.dumps(result))
"""


def module_names(tree: Path, package_dir: str, module: str) -> list[str]:
    """The package's modules from its files, its tests left out."""
    root = tree / package_dir
    names = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if any(part in ("tests", "test", "testing") or part.startswith("test_") for part in parts):
            continue
        if parts[-1] in ("conftest", "__main__", "setup"):
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join((module, *parts)))
    return names


def probe_api(
    venv: Path,
    tree: Path,
    modules: Sequence[str],
    expect: Mapping[str, Sequence[str]],
    heavy: Sequence[str],
    log: Path,
) -> ApiProbe:
    """Import every module of the package in one fresh interpreter and read each public name
    (those ``dir`` shows, and those of ``expect``: the names the untouched source had)."""
    request = json.dumps({"modules": list(modules), "expect": dict(expect), "heavy": list(heavy)})
    argv = [venv_bin(venv, "python"), "-c", _API_PROBE]
    try:
        done = subprocess.run(
            [str(part) for part in argv],
            input=request,
            cwd=str(tree),
            env=clean_environment(tree),
            capture_output=True,
            text=True,
            errors="replace",
            timeout=900,
        )
    except subprocess.TimeoutExpired as error:
        raise BenchmarkError("importing every module took over 900 s") from error
    log.write_text(done.stderr, encoding="utf-8")
    try:
        data = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError) as error:
        raise BenchmarkError(f"the module probe failed: {last_line(done)}") from error
    return ApiProbe(data["modules"], data["versions"])


def cpu_run(argv: Sequence[str | Path], cwd: Path, env: Mapping[str, str]) -> tuple[int, str, float | None]:
    """Run ``argv``; its exit code, standard error, and the CPU seconds it used (``os.wait4``;
    None where there is none)."""
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            [str(part) for part in argv], cwd=str(cwd), env=dict(env), stdout=subprocess.DEVNULL, stderr=err
        )
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            cpu: float | None = usage.ru_utime + usage.ru_stime
        else:
            process.wait()
            cpu = None
        err.seek(0)
        return process.returncode, err.read().decode(errors="replace"), cpu


def measure_imports(
    venv: Path, trees: Sequence[Path], module: str, heavy: Sequence[str], runs: int
) -> list[ImportFigures]:
    """``import module`` from each of ``trees`` in ``runs`` fresh interpreters each, after one
    untimed warm-up round. The rounds go round-robin over the trees (and a bare interpreter,
    whose CPU time is subtracted), so that a change in the machine's load during the
    measurement weighs on every mode alike; the median run's output is kept in each tree's
    folder as ``importtime.txt``."""
    python = venv_bin(venv, "python")
    for tree in trees:
        where = run(
            [python, "-c", f"import {module}; print({module}.__file__)"], tree, clean_environment(tree)
        )
        if where.returncode != 0:
            raise BenchmarkError(f"import {module} failed in {tree.parent.name}: {last_line(where)}")
        if not Path(where.stdout.strip()).resolve().is_relative_to(tree.resolve()):
            raise BenchmarkError(f"import {module} loaded {where.stdout.strip()}, not the copy under test")
    samples: list[list[tuple[ImportSample, str, float | None]]] = [[] for _ in trees]
    bare: list[float] = []
    for number in range(runs + 1):
        for index, tree in enumerate(trees):
            argv: list[str | Path] = [python, "-X", "importtime", "-c", f"import {module}"]
            code, stderr, cpu = cpu_run(argv, tree, clean_environment(tree))
            if code != 0:
                raise BenchmarkError(f"import {module} failed: {stderr.strip().splitlines()[-1:]}")
            if number:  # the first round is the warm-up
                samples[index].append((parse_importtime(stderr, module), stderr, cpu))
        _, _, cpu = cpu_run([python, "-X", "importtime", "-c", "pass"], trees[0], clean_environment(trees[0]))
        if number and cpu is not None:
            bare.append(cpu)
    floor = statistics.median(bare) if bare else None
    figures = []
    for tree, taken in zip(trees, samples):
        ordered = sorted(taken, key=lambda item: item[0].cumulative_ms)
        (tree.parent / "importtime.txt").write_text(ordered[len(ordered) // 2][1], encoding="utf-8")
        loaded = sorted({name for sample, _, _ in taken for name in sample.modules})
        cpus = [cpu for _, _, cpu in taken if cpu is not None]
        figures.append(
            ImportFigures(
                [sample.cumulative_ms for sample, _, _ in taken],
                max(len(sample.modules) for sample, _, _ in taken),
                heavy_loaded(loaded, heavy),
                [(cpu - floor) * 1000.0 for cpu in cpus]
                if floor is not None and len(cpus) == len(taken)
                else [],
            )
        )
    return figures


def run_tests(venv: Path, tree: Path, library: Library, report: Path, timeout: float) -> SuiteRun:
    """The library's tests once, with a JUnit XML report."""
    argv: list[str | Path] = [
        venv_bin(venv, "python"),
        "-m",
        "pytest",
        *library.test_paths,
        "-p",
        "no:cacheprovider",
        "-q",
    ]
    argv += [f"--junitxml={report}", "-o", "junit_family=xunit2"]
    report.unlink(missing_ok=True)
    start = time.perf_counter()
    done = run(argv, tree, clean_environment(tree), timeout=timeout, log=report.with_suffix(".log"))
    seconds = time.perf_counter() - start
    try:
        outcomes = read_junit(report.read_text(encoding="utf-8"))
    except (OSError, ElementTree.ParseError):
        outcomes = {"<the test run>::<no report>": "error"}
    return SuiteRun(outcomes, done.returncode, seconds)


def count_findings(venv: Path, tree: Path, library: Library, log: Path) -> dict[str, int] | None:
    """QF001, QF002 and QF101 in the package, from ``check --statistics --format json``."""
    argv: list[str | Path] = [
        venv_bin(venv, "qemlflow-lint"),
        "check",
        "--select",
        ",".join(COUNTED_RULES),
        "--no-cache",
    ]
    argv += ["--statistics", "--format", "json", "--exit-zero", library.package_dir]
    done = run(argv, tree, log=log)
    try:
        rows = json.loads(done.stdout)
        counts = {str(row["code"]): int(row["count"]) for row in rows}
    except (ValueError, TypeError, KeyError):
        return None
    return {code: counts.get(code, 0) for code in COUNTED_RULES}


def changed_files(before: Path, after: Path) -> int:
    """How many ``.py`` files differ between two copies of a source tree."""
    count = 0
    for path in before.rglob("*.py"):
        other = after / path.relative_to(before)
        if not other.is_file() or other.read_bytes() != path.read_bytes():
            count += 1
    return count


def fix_summary(stderr: str) -> str:
    """What fix's summary says it did: the fixed count, the files it did not fix, what QF001 left."""
    keep = ("Fixed", "Not fixed", "Nothing", "No ", "QF001 (")
    lines = [line.strip().rstrip(":") for line in stderr.splitlines() if line.strip().startswith(keep)]
    if lines:
        return "; ".join(lines)
    return (stderr.strip().splitlines() or [""])[-1][:300]
