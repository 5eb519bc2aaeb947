#!/usr/bin/env python3
"""Judge ``qemlflow-lint fix`` by its outcome on real libraries, as their users would.

For each library below (a source distribution from the package index, with its own test
suite), and for each mode — the untouched source, ``fix``, ``fix --unsafe-fixes`` — on a
fresh copy of the source, this script:

- runs ``qemlflow-lint fix`` on the library's package (not in the untouched mode);
- measures ``import PKG`` with ``python -X importtime`` in fresh interpreters, the modes taking
  turns (the median of the package's cumulative time, and of the processes' CPU time; the
  modules it loads, the heavy modules among them);
- imports every module of the package and reads every public name, to see that nothing a
  caller reads is gone;
- runs the library's own tests with a JUnit XML report, and compares each test's outcome
  with the untouched run, test id by test id;
- counts QF001, QF002 and QF101 with ``qemlflow-lint check``;

and prints a Markdown table. The targets: ``fix --unsafe-fixes`` makes ``import PKG`` at
least 3 × faster, and in every mode each test has the outcome it had before, every module
still imports and every public name the library defines is still there.

The qemlflow-lint under test is installed from a checkout (this script's repository unless
``--repo`` names another) into one virtual environment per library, next to the library's
dependencies and test requirements. ``--workdir DIR`` keeps the downloads and environments
there for the next run. It needs the package index (pip) on the first run of a library, and
the standard library only.

    python benchmarks/fix_outcome.py                          # every library, every mode
    python benchmarks/fix_outcome.py --library chempy --workdir ../fix-outcome
    python benchmarks/fix_outcome.py --repo ../other-checkout --workdir ../fix-outcome
    python benchmarks/fix_outcome.py --fix-arg=--target-version=py311

Exit status: 0 when every mode kept the library whole; 1 when a test's outcome changed, a
module stopped importing or a public name was lost (and, with ``--check-targets``, when the
import is not 3 × faster); 2 when the benchmark itself could not run.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

try:
    import fcntl
except ImportError:
    fcntl = None  # type: ignore[assignment]

REPO = Path(__file__).resolve().parent.parent
#: The project's files that ``pip install`` needs (copied, so the checkout gets no build/).
PROJECT_FILES = ("pyproject.toml", "README.md", "qemlflow_lint")
#: How much faster ``import PKG`` must be after ``fix --unsafe-fixes``.
SPEED_TARGET = 3.0
#: The rules whose findings are counted before and after.
COUNTED_RULES = ("QF001", "QF002", "QF101")
#: How many changed tests, broken modules or lost names the report lists per mode.
LISTED = 25


@dataclass(frozen=True)
class Library:
    """A library from the package index, and how to import and test it."""

    key: str  # its name on this script's command line
    requirement: str  # name==version: the source distribution to download
    module: str  # what ``import`` takes
    package_dir: str  # the package's folder in the source distribution: what fix and check get
    test_paths: tuple[str, ...]  # pytest's arguments, relative to the source distribution
    test_requirements: tuple[str, ...]
    why: str


LIBRARIES = (
    Library(
        key="pvlib",
        requirement="pvlib==0.16.1",
        module="pvlib",
        package_dir="pvlib",
        test_paths=("tests",),
        # its `test` extra without pytest-cov
        test_requirements=(
            "pytest",
            "pytest-mock",
            "requests-mock",
            "pytest-timeout",
            "pytest-rerunfailures",
            "pytest-remotedata",
            "packaging",
        ),
        why="pandas and scipy at module level in most modules, and an `__init__.py` that imports "
        "every submodule eagerly",
    ),
    Library(
        key="chempy",
        requirement="chempy==0.10.2",
        module="chempy",
        package_dir="chempy",
        test_paths=("chempy",),  # its tests live inside the package
        test_requirements=("pytest",),
        why="sympy arrives only through `__init__.py`'s eager re-exports of its own submodules "
        "(`chempy/__init__.py` → `chemistry.py` → `util/_expr.py`, an optional `try: import sympy`)",
    ),
)


@dataclass(frozen=True)
class Mode:
    """One way of treating the source before it is measured."""

    key: str
    label: str
    fix_args: tuple[str, ...] | None  # None: the source as distributed


MODES = (
    Mode("none", "none (as distributed)", None),
    Mode("safe", "`fix`", ()),
    Mode("unsafe", "`fix --unsafe-fixes`", ("--unsafe-fixes",)),
)


class BenchmarkError(Exception):
    """The benchmark itself could not run (a download, an install, a missing file)."""


# --------------------------------------------------------------------------- measurements


@dataclass(frozen=True)
class ImportSample:
    """One ``python -X importtime -c "import PKG"`` run."""

    cumulative_ms: float  # the package's own line: its cumulative time
    modules: tuple[str, ...]  # every module that ``import PKG`` loaded, itself included


@dataclass
class ImportFigures:
    """``import PKG`` over several fresh interpreters."""

    runs_ms: list[float]
    modules: int
    heavy: list[str]  # heavy-list entries with a module loaded (in any run)
    #: CPU time (user + system) of each whole process less the median of a bare interpreter's
    #: (``python -c pass``): less sensitive than wall time to other work on the machine.
    cpu_ms: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        """The median of the runs."""
        return statistics.median(self.runs_ms)

    @property
    def median_cpu_ms(self) -> float | None:
        """The median CPU time of the import, when the platform reports it."""
        return statistics.median(self.cpu_ms) if self.cpu_ms else None


@dataclass
class SuiteRun:
    """The library's tests, once: each test id's outcome."""

    outcomes: dict[str, str]
    exit_code: int
    seconds: float

    def count(self, *kinds: str) -> int:
        """How many tests ended in one of ``kinds``."""
        return sum(1 for outcome in self.outcomes.values() if outcome in kinds)


@dataclass
class ApiProbe:
    """Every module of the package imported, and the owner of each public name read from it.

    ``modules`` maps a module to ``{"error": text}`` when it did not import, else to
    ``{"names": {name: owner}}``: the owner is the module that defines the value (for a module
    object its own name), ``""`` when that cannot be told, or ``"!"`` + the error when reading
    the name failed.
    """

    modules: dict[str, dict[str, object]]
    versions: dict[str, str]  # the heavy packages loaded, and their __version__


@dataclass
class ModeResult:
    """Everything measured for one mode of one library."""

    mode: Mode
    importing: ImportFigures
    tests: list[SuiteRun]  # the untouched mode may run them more than once (flaky tests)
    findings: dict[str, int] | None
    api: ApiProbe
    fix_summary: str = ""
    fix_exit: int | None = None
    fix_seconds: float | None = None
    files_changed: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class Comparison:
    """A mode against the untouched source."""

    changed_tests: list[tuple[str, str, str]]  # id, before, after
    broken_modules: list[tuple[str, str]]  # module, error
    own_names_lost: list[tuple[str, str]]  # module.name, what reading it gives now
    imported_names_gone: int  # imports moved out of the module namespace: expected of a deferral

    @property
    def whole(self) -> bool:
        """Nothing a test or a caller could see has changed."""
        return not (self.changed_tests or self.broken_modules or self.own_names_lost)


_IMPORTTIME_LINE = re.compile(r"^import time:\s+(\d+)\s*\|\s*(\d+)\s*\|( +)(\S+)\s*$")


def parse_importtime(stderr: str, module: str) -> ImportSample:
    """The cumulative time of ``module``'s top-level line in ``-X importtime`` output, and the
    modules of its subtree (the rows since the previous top-level row: the output lists each
    import after the imports it caused, indented by two spaces a level)."""
    rows: list[tuple[int, str, int]] = []
    for line in stderr.splitlines():
        match = _IMPORTTIME_LINE.match(line)
        if match:
            rows.append((len(match.group(3)), match.group(4), int(match.group(2))))
    if not rows:
        raise BenchmarkError("no -X importtime output")
    top = min(depth for depth, _, _ in rows)
    ends = [index for index, (depth, name, _) in enumerate(rows) if depth == top and name == module]
    if not ends:
        raise BenchmarkError(f"{module} is not among the imports -X importtime reports")
    end = ends[-1]
    start = end
    while start > 0 and rows[start - 1][0] != top:
        start -= 1
    return ImportSample(rows[end][2] / 1000.0, tuple(name for _, name, _ in rows[start : end + 1]))


def heavy_loaded(modules: Sequence[str], heavy: Sequence[str]) -> list[str]:
    """The heavy-list entries that ``modules`` contain (an entry matches its submodules too)."""
    found = {entry for entry in heavy for name in modules if name == entry or name.startswith(entry + ".")}
    return sorted(found)


def parse_heavy_list(ruff_config: str) -> list[str]:
    """The heavy list from ``qemlflow-lint ruff-config``: its ``banned-module-level-imports``."""
    match = re.search(r"banned-module-level-imports\s*=\s*\[(.*?)\]", ruff_config, re.DOTALL)
    if not match:
        raise BenchmarkError("`qemlflow-lint ruff-config` printed no banned-module-level-imports list")
    return re.findall(r'"([^"]+)"', match.group(1))


def read_junit(text: str) -> dict[str, str]:
    """Each test id (``classname::name``) of a JUnit XML report, and its outcome: passed,
    failed, error, skipped or xfailed. An id seen again (a teardown error) gets ``#2``."""
    outcomes: dict[str, str] = {}
    for case in ElementTree.fromstring(text).iter("testcase"):
        test_id = f"{case.get('classname', '')}::{case.get('name', '')}"
        skipped = case.find("skipped")
        if case.find("failure") is not None:
            outcome = "failed"
        elif case.find("error") is not None:
            outcome = "error"
        elif skipped is not None:
            outcome = "xfailed" if skipped.get("type") == "pytest.xfail" else "skipped"
        else:
            outcome = "passed"
        key, number = test_id, 2
        while key in outcomes:
            key, number = f"{test_id} #{number}", number + 1
        outcomes[key] = outcome
    return outcomes


def flaky_tests(runs: Sequence[Mapping[str, str]]) -> set[str]:
    """Test ids whose outcome differs between runs of the same code."""
    ids = set().union(*(run.keys() for run in runs)) if runs else set()
    return {test_id for test_id in ids if len({run.get(test_id, "absent") for run in runs}) > 1}


def changed_tests(
    before: Mapping[str, str], after: Mapping[str, str], flaky: set[str]
) -> list[tuple[str, str, str]]:
    """Test ids whose outcome differs (a test that vanished or appeared counts), flaky ones left out."""
    ids = (set(before) | set(after)) - flaky
    pairs = ((test_id, before.get(test_id, "absent"), after.get(test_id, "absent")) for test_id in ids)
    return sorted(pair for pair in pairs if pair[1] != pair[2])


def _owned_by(owner: str, package: str) -> bool:
    return owner == package or owner.startswith(package + ".")


def compare(base: ModeResult, result: ModeResult, package: str) -> Comparison:
    """What ``result`` changed against the untouched ``base``, for the tests and for callers."""
    flaky = flaky_tests([run.outcomes for run in base.tests])
    changed = changed_tests(base.tests[0].outcomes, result.tests[0].outcomes, flaky) if result.tests else []
    broken: list[tuple[str, str]] = []
    lost: list[tuple[str, str]] = []
    gone = 0
    for module, before in sorted(base.api.modules.items()):
        after = result.api.modules.get(module, {"error": "not probed"})
        if "error" in before:
            continue
        if "error" in after:
            broken.append((module, str(after["error"])))
            continue
        names_before = before.get("names", {})
        names_after = after.get("names", {})
        assert isinstance(names_before, dict) and isinstance(names_after, dict)
        for name, owner in sorted(names_before.items()):
            now = str(names_after.get(name, "!not read"))
            if str(owner).startswith("!") or not now.startswith("!"):
                continue
            if _owned_by(str(owner), package):
                lost.append((f"{module}.{name}", now[1:]))
            else:
                gone += 1
    return Comparison(changed, broken, lost, gone)


# --------------------------------------------------------------------------- running things


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _bin(venv: Path, name: str) -> Path:
    if os.name == "nt":
        return venv / "Scripts" / (f"{name}.exe" if name != "python" else "python.exe")
    return venv / "bin" / name


def clean_environment(pythonpath: Path | None = None) -> dict[str, str]:
    """This environment without ``PYTHONPATH``/``PYTHONHOME`` (each run decides what it imports),
    colour and GUI backends; ``pythonpath`` first on the path when given."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "FORCE_COLOR")}
    env["NO_COLOR"] = "1"
    env["MPLBACKEND"] = "Agg"
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return env


def run(
    argv: Sequence[str | Path],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    log: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``argv``; its output is returned (and written to ``log`` when given)."""
    try:
        done = subprocess.run(
            [str(part) for part in argv],
            cwd=str(cwd),
            env=dict(env) if env is not None else clean_environment(),
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as expired:
        out = (
            expired.stdout
            if isinstance(expired.stdout, str)
            else (expired.stdout or b"").decode(errors="replace")
        )
        done = subprocess.CompletedProcess(list(map(str, argv)), -9, out, f"timed out after {timeout} s\n")
    if log is not None:
        log.write_text(
            f"$ {shlex.join(map(str, argv))}\n# exit {done.returncode}\n\n--- stdout\n{done.stdout}"
            f"\n--- stderr\n{done.stderr}",
            encoding="utf-8",
        )
    return done


def _last_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def pip(venv: Path, arguments: Sequence[str | Path], log: Path) -> None:
    """``pip install`` into ``venv``; a failure is a :class:`BenchmarkError`."""
    argv = [_bin(venv, "python"), "-m", "pip", "install", "--disable-pip-version-check", *arguments]
    done = run(argv, log.parent, log=log)
    if done.returncode != 0:
        raise BenchmarkError(f"pip install {shlex.join(map(str, arguments))} failed: {_last_line(done)}")


@contextlib.contextmanager
def locked(work: Path) -> Iterator[None]:
    """One run at a time in ``work``: they share the environments and the copies."""
    if fcntl is None:  # not POSIX: runs are not guarded
        yield
        return
    work.mkdir(parents=True, exist_ok=True)
    with open(work / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            _progress(f"waiting for another run that uses {work}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _sdist_name(requirement: str) -> tuple[str, str]:
    name, _, version = requirement.partition("==")
    if not version:
        raise BenchmarkError(f"{requirement}: a library is pinned as name==version")
    return name, version


def download(library: Library, downloads: Path) -> Path:
    """The library's source distribution in ``downloads`` (fetched with pip when missing)."""
    name, version = _sdist_name(library.requirement)
    stems = {f"{form}-{version}" for form in (name, name.lower(), re.sub(r"[-_.]+", "_", name).lower())}

    def found() -> Path | None:
        for path in sorted(downloads.glob("*")) if downloads.is_dir() else []:
            if any(path.name in (stem + ".tar.gz", stem + ".zip") for stem in stems):
                return path
        return None

    existing = found()
    if existing is not None:
        return existing
    downloads.mkdir(parents=True, exist_ok=True)
    _progress(f"{library.key}: downloading the source distribution of {library.requirement}")
    argv = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--no-binary", ":all:"]
    done = run([*argv, "--no-deps", "-d", downloads, library.requirement], downloads)
    path = found()
    if done.returncode != 0 or path is None:
        raise BenchmarkError(f"pip download {library.requirement} failed: {_last_line(done)}")
    return path


def unpack(archive: Path, destination: Path) -> Path:
    """``archive`` unpacked into ``destination`` (anew); returns its single top-level folder."""
    shutil.rmtree(destination, ignore_errors=True)
    destination.mkdir(parents=True)
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as bundle:
            bundle.extractall(destination)
    else:
        with tarfile.open(archive) as bundle:
            if hasattr(tarfile, "data_filter"):
                bundle.extractall(destination, filter="data")
            else:
                bundle.extractall(destination)
    tops = [path for path in destination.iterdir() if path.is_dir()]
    if len(tops) != 1:
        raise BenchmarkError(f"{archive.name}: expected one top-level folder, found {len(tops)}")
    return tops[0]


def project_copy(repo: Path, work: Path) -> Path:
    """A fresh copy of the files ``pip install`` takes from the checkout ``repo``."""
    copy = work / "qemlflow-lint-source"
    shutil.rmtree(copy, ignore_errors=True)
    for name in PROJECT_FILES:
        path = repo / name
        if not path.exists():
            raise BenchmarkError(f"{repo} is not a qemlflow-lint checkout: {name} is missing")
        if path.is_dir():
            shutil.copytree(path, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            copy.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy / name)
    return copy


def ensure_venv(library: Library, home: Path, sdist: Path, tool: Path, python: str) -> Path:
    """The library's environment: made once with its dependencies and test requirements (a state
    file says with what), and the qemlflow-lint of ``tool`` installed anew on every run."""
    venv = home / "venv"
    state_path = venv / "fix-outcome-state.json"
    wanted = {
        "python": python,
        "requirement": library.requirement,
        "tests": list(library.test_requirements),
    }
    try:
        state = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = None
    if state != wanted or not _bin(venv, "python").exists():
        _progress(f"{library.key}: making its virtual environment (first run only; needs the package index)")
        shutil.rmtree(venv, ignore_errors=True)
        done = run([python, "-m", "venv", venv], home)
        if done.returncode != 0:
            raise BenchmarkError(f"python -m venv failed: {_last_line(done)}")
        pip(venv, [sdist, *library.test_requirements], home / "pip-library.log")
        state_path.write_text(json.dumps(wanted), encoding="utf-8")
    _progress(f"{library.key}: installing qemlflow-lint from the checkout")
    pip(venv, ["--force-reinstall", "--no-deps", tool], home / "pip-tool.log")
    pip(venv, [tool], home / "pip-tool-dependencies.log")
    freeze = run([_bin(venv, "python"), "-m", "pip", "freeze", "--disable-pip-version-check"], home)
    (home / "pip-freeze.txt").write_text(freeze.stdout, encoding="utf-8")
    return venv


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
    argv = [_bin(venv, "python"), "-c", _API_PROBE]
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
        raise BenchmarkError(f"the module probe failed: {_last_line(done)}") from error
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
    python = _bin(venv, "python")
    for tree in trees:
        where = run(
            [python, "-c", f"import {module}; print({module}.__file__)"], tree, clean_environment(tree)
        )
        if where.returncode != 0:
            raise BenchmarkError(f"import {module} failed in {tree.parent.name}: {_last_line(where)}")
        if not Path(where.stdout.strip()).resolve().is_relative_to(tree.resolve()):
            raise BenchmarkError(f"import {module} loaded {where.stdout.strip()}, not the copy under test")
    samples: list[list[tuple[ImportSample, str, float | None]]] = [[] for _ in trees]
    bare: list[float] = []
    for number in range(runs + 1):
        for index, tree in enumerate(trees):
            argv = [python, "-X", "importtime", "-c", f"import {module}"]
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
    argv = [_bin(venv, "python"), "-m", "pytest", *library.test_paths, "-p", "no:cacheprovider", "-q"]
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
    argv = [_bin(venv, "qemlflow-lint"), "check", "--select", ",".join(COUNTED_RULES), "--no-cache"]
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


# --------------------------------------------------------------------------- one library


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
        _progress(f"{library.key}: {mode.label}")
        extra = [arg for option in args.fix_arg for arg in shlex.split(option)]
        argv = [_bin(venv, "qemlflow-lint"), "fix", *mode.fix_args, *extra, "--no-cache", library.package_dir]
        start = time.perf_counter()
        done = run(argv, tree, log=runs_dir / "fix.log", timeout=args.test_timeout)
        prepared.fix_seconds = time.perf_counter() - start
        prepared.fix_exit, prepared.fix_summary = done.returncode, fix_summary(done.stderr)
        if done.returncode not in (0, 1):
            prepared.notes.append(f"fix exited {done.returncode}: {_last_line(done)}")
    prepared.findings = count_findings(venv, tree, library, runs_dir / "check.log")
    run([_bin(venv, "python"), "-m", "compileall", "-q", library.package_dir], tree)
    return prepared


def measure_library(
    library: Library, args: argparse.Namespace, work: Path, tool_source: Path
) -> LibraryReport:
    """Download and install; prepare every mode on a fresh copy of the source; time the imports
    of all modes together; then import every module and run the tests of each mode."""
    sdist = download(library, work / "downloads")
    name, version = _sdist_name(library.requirement)
    home = work / f"{name}-{version}"
    home.mkdir(parents=True, exist_ok=True)
    source = unpack(sdist, home / "source")
    venv = ensure_venv(library, home, sdist, tool_source, args.python)
    tool = run([_bin(venv, "qemlflow-lint"), "--version"], home).stdout.strip()
    python = run([_bin(venv, "python"), "-c", "import platform; print(platform.python_version())"], home)
    heavy = parse_heavy_list(run([_bin(venv, "qemlflow-lint"), "ruff-config"], source).stdout)
    modules = module_names(source, library.package_dir, library.module)
    modes = [prepare(mode, library, venv, source, home, args) for mode in MODES if mode.key in args.modes]
    _progress(f"{library.key}: timing import {library.module} ({args.runs} rounds over {len(modes)} modes)")
    timings = measure_imports(venv, [p.tree for p in modes], library.module, heavy, args.runs)
    results: list[ModeResult] = []
    comparisons: dict[str, Comparison] = {}
    for prepared, importing in zip(modes, timings):
        mode, tree = prepared.mode, prepared.tree
        base = results[0] if results else None
        expect = {}
        if base is not None:
            expect = {module: sorted(probe.get("names", {})) for module, probe in base.api.modules.items()}  # type: ignore[arg-type]
        _progress(f"{library.key} [{mode.key}]: importing every module")
        api = probe_api(venv, tree, modules, expect, heavy, tree.parent / "modules.log")
        test_runs: list[SuiteRun] = []
        rounds = args.baseline_test_runs if mode.fix_args is None else 1
        for number in range(rounds):
            _progress(f"{library.key} [{mode.key}]: running its tests ({number + 1} of {rounds})")
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


# --------------------------------------------------------------------------- the report


def _cell_findings(findings: Mapping[str, int] | None, base: Mapping[str, int] | None) -> str:
    if findings is None:
        return "—"
    parts = []
    for code in COUNTED_RULES:
        if base is None or base.get(code) == findings[code]:
            parts.append(f"{code} {findings[code]:,}")
        else:
            parts.append(f"{code} {base[code]:,} → {findings[code]:,}")
    return ", ".join(parts)


def _cell_cpu(figures: ImportFigures, base: ImportFigures) -> str:
    cpu, base_cpu = figures.median_cpu_ms, base.median_cpu_ms
    if cpu is None or base_cpu is None:
        return "—"
    return f"{cpu:,.0f} ({base_cpu / cpu:.2f} ×)" if cpu > 0 else f"{cpu:,.0f}"


def _cell_tests(runs: Sequence[SuiteRun]) -> str:
    first = runs[0]
    text = f"{first.count('passed'):,} / {first.count('failed', 'error'):,} / {first.count('skipped', 'xfailed'):,}"
    return text if first.exit_code in (0, 1) else f"{text} (pytest exit {first.exit_code})"


def render_library(report: LibraryReport, runs: int, baseline_rounds: int) -> tuple[str, list[str], bool]:
    """The Markdown of one library, its targets' lines, and whether every mode kept it whole."""
    library, results = report.library, report.results
    base = results[0]
    versions = ", ".join(f"{root} {version}" for root, version in sorted(base.api.versions.items()))
    lines = [
        f"### {library.requirement} — `import {library.module}`",
        "",
        f"Why: {library.why}. Source: `{report.sdist}`; tests: `python -m pytest "
        f"{' '.join(library.test_paths)}` ({', '.join(library.test_requirements)}); Python {report.python}; "
        f"{report.tool}; heavy packages its modules load: {versions or 'none'}.",
        "",
        f"| mode | `import {library.module}` median ms (min–max) | × faster | CPU ms (× faster) "
        "| modules | heavy modules loaded "
        "| tests passed / failed / skipped | tests changed | modules broken / own names lost "
        "| findings | .py files changed |",
        "|---|--:|--:|--:|--:|---|--:|--:|--:|---|--:|",
    ]
    whole = True
    targets: list[str] = []
    for result in results:
        figures = result.importing
        faster = base.importing.median_ms / figures.median_ms if figures.median_ms > 0 else float("inf")
        comparison = report.comparisons.get(result.mode.key)
        if comparison is None:
            changed, broken = "—", "—"
        else:
            changed = f"{len(comparison.changed_tests):,}"
            broken = f"{len(comparison.broken_modules)} / {len(comparison.own_names_lost)}"
            whole = whole and comparison.whole
        lines.append(
            f"| {result.mode.label} | {figures.median_ms:,.0f} ({min(figures.runs_ms):,.0f}–"
            f"{max(figures.runs_ms):,.0f}) | {faster:.2f} × | {_cell_cpu(figures, base.importing)} | "
            f"{figures.modules:,} | "
            f"{', '.join(figures.heavy) or 'none'} | {_cell_tests(result.tests)} | {changed} | {broken} | "
            f"{_cell_findings(result.findings, base.findings if result is not base else None)} | "
            f"{result.files_changed:,} |"
        )
        if result.mode.key == "unsafe":
            verdict = "**PASS**" if faster >= SPEED_TARGET else "**FAIL**"
            targets.append(
                f"| {library.key}: `fix --unsafe-fixes` makes `import {library.module}` ≥ {SPEED_TARGET:g} × "
                f"faster | {base.importing.median_ms:,.0f} ms → {figures.median_ms:,.0f} ms = {faster:.2f} × "
                f"| {verdict} |"
            )
        if comparison is not None:
            verdict = "**PASS**" if comparison.whole else "**FAIL**"
            what = (
                f"{len(comparison.changed_tests)} tests changed, {len(comparison.broken_modules)} modules "
                f"broken, {len(comparison.own_names_lost)} own names lost"
            )
            targets.append(
                f"| {library.key}: {result.mode.label} keeps the library whole | {what} | {verdict} |"
            )
    lines.append("")
    lines += _details(report, runs, baseline_rounds)
    return "\n".join(lines) + "\n", targets, whole


def _listed(items: Sequence[str]) -> list[str]:
    shown = [f"  - {item}" for item in items[:LISTED]]
    if len(items) > LISTED:
        shown.append(f"  - … and {len(items) - LISTED} more")
    return shown


def _details(report: LibraryReport, runs: int, baseline_rounds: int) -> list[str]:
    base = report.results[0]
    flaky = sorted(flaky_tests([run.outcomes for run in base.tests]))
    lines = [
        f"- Import: the cumulative time of `{report.library.module}`'s own line in `python -X importtime "
        f'-c "import {report.library.module}"`, median of {runs} fresh interpreters after a warm-up '
        "round, the modes taking turns; CPU: the process's user + system time less a bare "
        "interpreter's (median); modules: the rows of that import (the package included).",
        f"- Tests of the untouched source: {', '.join(f'{run.seconds:.0f} s' for run in base.tests)} "
        f"({baseline_rounds} run(s)); "
        + (f"{len(flaky)} flaky (left out of the comparison):" if flaky else "none flaky."),
    ]
    lines += _listed(flaky)
    for result in report.results[1:]:
        comparison = report.comparisons[result.mode.key]
        took = f"{result.fix_seconds:.1f} s" if result.fix_seconds is not None else "—"
        lines.append(
            f"- {result.mode.label}: exit {result.fix_exit}, {took}; {result.fix_summary or 'no summary'}"
        )
        for note in result.notes:
            lines.append(f"  - note: {note}")
        if comparison.changed_tests:
            lines.append(f"  - tests whose outcome changed ({len(comparison.changed_tests)}):")
            lines += [
                "  " + item for item in _listed([f"`{t}`: {a} → {b}" for t, a, b in comparison.changed_tests])
            ]
        if comparison.broken_modules:
            lines.append(f"  - modules that no longer import ({len(comparison.broken_modules)}):")
            lines += ["  " + item for item in _listed([f"`{m}`: {e}" for m, e in comparison.broken_modules])]
        if comparison.own_names_lost:
            lines.append(
                f"  - public names of the library no longer readable ({len(comparison.own_names_lost)}):"
            )
            lines += ["  " + item for item in _listed([f"`{n}`: {e}" for n, e in comparison.own_names_lost])]
        if comparison.imported_names_gone:
            lines.append(
                f"  - imported names no longer in a module's namespace: {comparison.imported_names_gone} "
                "(deferred imports; not counted as breakage)"
            )
    return [*lines, ""]


def render_report(
    reports: Sequence[LibraryReport], args: argparse.Namespace, repo: Path, load: float | None
) -> tuple[str, bool]:
    """The whole Markdown report, and whether every library stayed whole in every mode."""
    commit = run(["git", "-C", repo, "describe", "--always", "--dirty"], repo).stdout.strip() or "unknown"
    extra = " ".join(args.fix_arg)
    header = [
        "## `fix` judged by its outcome",
        "",
        f"**Date:** {datetime.date.today().isoformat()}. **qemlflow-lint:** checkout at {commit}. "
        f"**Machine:** {platform.machine()}, {os.cpu_count()} cores, {platform.system()}. "
        f"**Import runs:** {args.runs} (median). "
        + (f"**Load average at the start:** {load:.2f}. " if load is not None else "")
        + (f"**Extra fix options:** `{extra}`. " if extra else ""),
        "",
        "",
    ]
    body: list[str] = []
    targets: list[str] = []
    whole = True
    for report in reports:
        text, lines, kept = render_library(report, args.runs, args.baseline_test_runs)
        body.append(text)
        targets += lines
        whole = whole and kept
    table = ["| target | measured | result |", "|---|---|---|", *targets, ""] if targets else []
    return "\n".join(header) + "\n".join(body) + "\n".join(table), whole


# --------------------------------------------------------------------------- command line


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
    data = []
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
            _progress(f"kept {work}")
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
