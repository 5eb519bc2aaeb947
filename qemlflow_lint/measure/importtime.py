"""Measured import time: ``python -X importtime`` in fresh subprocesses, and its log read.

This is the one place where the project runs the code it looks at, on purpose and only in
child interpreters. (:mod:`qemlflow_lint.analysis.at_import` is the static side: which statements
*would* run at import.)

Python prints one line per import on standard error, after the import has finished, so a
module's children come *before* it, indented two more spaces::

    import time: self [us] | cumulative | imported package
    import time:        40 |         40 |     xml
    import time:       228 |        268 |   xml.dom
    import time:       875 |       1143 | xml.dom.minidom

The reader here is forgiving: it skips the header and any line that is not an import line
(the program's own output on standard error), finds import lines even when such output
ran into them, reads the ``cached`` rows that ``-X importtime=2`` prints on Python 3.14+
for modules that were already loaded, and keeps every entry without a parent as a root —
modules loaded with ``importlib.import_module`` are not logged themselves, so what they
import shows up as extra roots. A run's total is the sum of its roots' cumulative times.

``importlib.import_module`` loads a module without an import line of its own (it bypasses
the machinery that ``-X importtime`` instruments), so the children route it through
``__import__``, which is logged: a module that a literal ``importlib.import_module("x")``
call loads is measured and blamed like one an ``import`` statement loads, as QF001 and the
import graph treat both.

The child also prints the names of the modules still loaded after the import, so that an
import that failed (``torch`` not installed, inside ``try/except ImportError``) is told apart
from one that succeeded: the log has a line for both.

The rest are pure functions over parsed logs: medians across runs with the bare
interpreter's start-up subtracted, and the costliest modules. :mod:`~qemlflow_lint.measure.blame`
ties heavy modules back to first-party import lines; :mod:`~qemlflow_lint.measure.calibrate`
chooses the packages ``calibrate`` times.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Callable

from qemlflow_lint.model.programs import ProgramFailure, run_program

#: One import line; ``search`` rather than ``match``, since the program's own output
#: without a final newline can run into it. The indent is one space plus two per level.
_IMPORT_LINE = re.compile(
    r"import time:\s*(?P<self>\d+|cached)\s*\|\s*(?P<cumulative>\d+|cached)\s*\|(?P<indent> *)(?P<name>[^\s|]+)\s*$"
)

#: A progress callback: receives short messages such as ``"run 3/5"``.
Progress = Callable[[str], None]


@dataclass(frozen=True)
class ImportRecord:
    """One line of the log: a module, its own and cumulative time, what it imported."""

    name: str
    self_us: int
    cumulative_us: int
    #: True for ``-X importtime=2``'s ``cached`` rows: already loaded, nothing ran.
    cached: bool = False
    #: The imports that ran while this one did, in the order they finished.
    children: tuple[ImportRecord, ...] = ()


Log = tuple[ImportRecord, ...]


def parse_log(text: str) -> Log:
    """The roots of an ``-X importtime`` log (see the module docstring), in log order."""
    pending: list[tuple[int, ImportRecord]] = []  # (level, record) not yet claimed by a parent
    for line in text.splitlines():
        match = _IMPORT_LINE.search(line)
        if match is None:
            continue
        level = max(0, len(match["indent"]) - 1) // 2
        children: list[ImportRecord] = []
        while pending and pending[-1][0] > level:
            children.append(pending.pop()[1])
        cached = match["self"] == "cached" or match["cumulative"] == "cached"
        record = ImportRecord(
            match["name"],
            0 if cached else int(match["self"]),
            0 if cached else int(match["cumulative"]),
            cached,
            tuple(reversed(children)),
        )
        pending.append((level, record))
    return tuple(record for _, record in pending)


def is_log_line(line: str) -> bool:
    """True for an import line or the log's header: not the program's own output."""
    return bool(_IMPORT_LINE.search(line)) or line.startswith("import time: self")


def walk(roots: Log) -> Iterator[tuple[ImportRecord, tuple[ImportRecord, ...]]]:
    """Every record with its ancestors (outermost first), parents before children."""
    stack: list[tuple[ImportRecord, tuple[ImportRecord, ...]]] = [(r, ()) for r in reversed(roots)]
    while stack:
        record, ancestors = stack.pop()
        yield record, ancestors
        below = (*ancestors, record)
        stack.extend((child, below) for child in reversed(record.children))


def total_us(roots: Log) -> int:
    """A run's import time: the cumulative times of its roots, added up."""
    return sum(root.cumulative_us for root in roots)


def first_records(roots: Log) -> dict[str, ImportRecord]:
    """The first record of every module that was loaded (not a ``cached`` row)."""
    found: dict[str, ImportRecord] = {}
    for record, _ in walk(roots):
        if not record.cached:
            found.setdefault(record.name, record)
    return found


def loaded_count(record: ImportRecord) -> int:
    """How many modules were first loaded through ``record`` (itself included)."""
    return sum(1 for r, _ in walk((record,)) if not r.cached)


@dataclass(frozen=True)
class Spread:
    """How much the runs vary: smallest, quartiles and largest, in microseconds."""

    low: float
    first_quartile: float
    third_quartile: float
    high: float


def _spread(values: Sequence[float]) -> Spread:
    if len(values) < 2:
        return Spread(values[0], values[0], values[0], values[0])
    first, _, third = statistics.quantiles(values, n=4, method="inclusive")
    return Spread(min(values), first, third, max(values))


@dataclass(frozen=True)
class Measurement:
    """The parsed logs of ``import MODULE`` and of the bare interpreter, run by run."""

    module: str
    runs: tuple[Log, ...]
    baseline_runs: tuple[Log, ...]
    #: The modules still loaded after each run's import (empty when not known): a logged
    #: module missing here failed to import.
    present: tuple[frozenset[str], ...] = ()

    def failed(self, name: str) -> bool:
        """True when every run that reported what stayed loaded lacks ``name``: its import
        failed (and was caught) or it was removed from ``sys.modules``."""
        return bool(self.present) and all(name not in modules for modules in self.present)

    @property
    def baseline_us(self) -> float:
        """The bare interpreter's start-up imports: the median of its totals."""
        return float(statistics.median(total_us(run) for run in self.baseline_runs))

    @property
    def net_us(self) -> tuple[float, ...]:
        """Each run's total minus :attr:`baseline_us` (never below zero)."""
        baseline = self.baseline_us
        return tuple(max(0.0, total_us(run) - baseline) for run in self.runs)

    @property
    def median_us(self) -> float:
        """The median import time with the start-up subtracted."""
        return float(statistics.median(self.net_us))

    @property
    def spread(self) -> Spread:
        """The spread of :attr:`net_us`."""
        return _spread(self.net_us)

    @property
    def startup_modules(self) -> frozenset[str]:
        """Modules the bare interpreter loads by itself: not the measured module's doing."""
        return frozenset(name for run in self.baseline_runs for name in first_records(run))


@dataclass(frozen=True)
class ModuleCost:
    """One module's median self and cumulative time over the runs that loaded it."""

    name: str
    self_us: float
    cumulative_us: float


def module_costs(measurement: Measurement) -> list[ModuleCost]:
    """Every module the import loaded beyond start-up, costliest own time first."""
    selfs: dict[str, list[int]] = {}
    cumulatives: dict[str, list[int]] = {}
    startup = measurement.startup_modules
    for run in measurement.runs:
        for name, record in first_records(run).items():
            if name not in startup:
                selfs.setdefault(name, []).append(record.self_us)
                cumulatives.setdefault(name, []).append(record.cumulative_us)
    costs = [
        ModuleCost(name, float(statistics.median(selfs[name])), float(statistics.median(cumulatives[name])))
        for name in selfs
    ]
    return sorted(costs, key=lambda cost: (-cost.self_us, -cost.cumulative_us, cost.name))


# ---------------------------------------------------------------------------------------
# Child interpreters


class ImportFailure(Exception):
    """A child interpreter could not run, or could not import the module; the message
    is one line (the child's last line of error output)."""


#: Run in the target interpreter: its version, its standard library's top-level names
#: and, with ``--packages``, the import names of installed distributions.
_PROBE = r"""
import json, os, sys
info = {"executable": sys.executable, "version": "%d.%d.%d" % sys.version_info[:3]}
names = getattr(sys, "stdlib_module_names", None)
if names is None:  # Python < 3.10
    import pkgutil, sysconfig
    paths = sysconfig.get_paths()
    folders = {paths["stdlib"], paths["platstdlib"], os.path.join(paths["platstdlib"], "lib-dynload")}
    names = set(sys.builtin_module_names) | {m.name for m in pkgutil.iter_modules(sorted(folders))}
info["stdlib"] = sorted(names)
if "--packages" in sys.argv:
    from importlib import metadata
    if hasattr(metadata, "packages_distributions"):
        found = metadata.packages_distributions()
    else:  # Python < 3.10: what packages_distributions does
        found = {}
        for dist in metadata.distributions():
            tops = (dist.read_text("top_level.txt") or "").split() or {
                f.parts[0] if len(f.parts) > 1 else f.with_suffix("").name
                for f in dist.files or () if f.suffix == ".py"
            }
            for top in tops:
                found.setdefault(top, []).append(dist.metadata["Name"])
    info["packages"] = {name: sorted(set(dists)) for name, dists in found.items()}
print(json.dumps(info))
"""


@dataclass(frozen=True)
class Interpreter:
    """The interpreter that runs the measurements, as it describes itself."""

    executable: str
    version: str
    stdlib: frozenset[str]
    #: Top-level import name → distributions that install it (only when asked for).
    packages: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def _run(
    command: Sequence[str], env: Mapping[str, str], timeout: float, cwd: str | None = None
) -> subprocess.CompletedProcess[str]:
    try:
        return run_program(command, timeout=timeout, env=env, cwd=cwd)
    except ProgramFailure as failure:
        reason = str(failure) if failure.timed_out else f"cannot run {command[0]!r}: {failure}"
        raise ImportFailure(reason) from None


def last_error_line(stderr: str) -> str:
    """The child's last line of error output that is not part of the import log."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip() and not is_log_line(line)]
    return lines[-1] if lines else ""


def probe(python: str, env: Mapping[str, str], *, packages: bool = False, timeout: float = 60) -> Interpreter:
    """Ask ``python`` about itself (see :class:`Interpreter`)."""
    done = _run([python, "-c", _PROBE, *(["--packages"] if packages else [])], env, timeout)
    try:
        if done.returncode != 0:
            raise ValueError(last_error_line(done.stderr) or f"exit status {done.returncode}")
        info: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError) as error:
        raise ImportFailure(f"it does not answer like a Python interpreter ({error})") from None
    return Interpreter(
        str(info["executable"]) or python,
        str(info["version"]),
        frozenset(info["stdlib"]),
        {str(k): tuple(v) for k, v in info.get("packages", {}).items()},
    )


def child_environment(roots: Sequence[str], base: Mapping[str, str]) -> dict[str, str]:
    """``base`` with ``roots`` put first on ``PYTHONPATH``, so that a checkout's modules
    import without being installed, and without a profiling variable of its own."""
    env = {key: value for key, value in base.items() if key != "PYTHONPROFILEIMPORTTIME"}
    existing = [entry for entry in env.get("PYTHONPATH", "").split(os.pathsep) if entry]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys([*roots, *existing]))
    return env


def is_module_name(name: str) -> bool:
    """True for a dotted name that ``import NAME`` accepts."""
    return bool(name) and all(part.isidentifier() for part in name.split("."))


#: Run first in every child (measured or bare, so both pay the same): routes
#: ``importlib.import_module`` of an absolute name through ``__import__``, which
#: ``-X importtime`` logs.
_LOG_IMPORT_CALLS = (
    "import importlib as _qemlflow_lint_importlib, sys as _qemlflow_lint_sys\n"
    "_qemlflow_lint_import_module = _qemlflow_lint_importlib.import_module\n"
    "def _qemlflow_lint_logged(name, package=None):\n"
    "    if name.startswith('.'):\n"
    "        return _qemlflow_lint_import_module(name, package)\n"
    "    __import__(name)\n"
    "    return _qemlflow_lint_sys.modules[name]\n"
    "_qemlflow_lint_importlib.import_module = _qemlflow_lint_logged\n"
)
#: The bare interpreter's program.
_BARE = _LOG_IMPORT_CALLS + "pass"
#: Starts the line on which a measured child lists the modules still loaded.
_PRESENT_MARKER = "\x00qemlflow-lint loaded:"
#: Appended to the measured import: lists ``sys.modules`` without importing anything.
_REPORT_PRESENT = f"\n_qemlflow_lint_sys.stdout.write('\\n' + {_PRESENT_MARKER!r} + '\\t'.join(_qemlflow_lint_sys.modules) + '\\n')"


def _run_logged(
    python: str, code: str, env: Mapping[str, str], timeout: float, cwd: str | None = None
) -> subprocess.CompletedProcess[str]:
    done = _run([python, "-X", "importtime", "-c", code], env, timeout, cwd)
    if done.returncode != 0:
        raise ImportFailure(last_error_line(done.stderr) or f"exit status {done.returncode}")
    return done


def _import_log(
    python: str, code: str, env: Mapping[str, str], timeout: float, cwd: str | None = None
) -> Log:
    return parse_log(_run_logged(python, code, env, timeout, cwd).stderr)


def _present(stdout: str) -> frozenset[str]:
    """The module names a measured child listed after its import."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(_PRESENT_MARKER):
            return frozenset(line[len(_PRESENT_MARKER) :].split("\t"))
    return frozenset()


def measure_baseline(
    python: str,
    runs: int,
    env: Mapping[str, str],
    timeout: float,
    progress: Progress | None = None,
    *,
    cwd: str | None = None,
) -> tuple[Log, ...]:
    """The logs of ``runs`` bare interpreters (``-c pass``), started in ``cwd``."""
    logs = []
    for run in range(1, runs + 1):
        if progress is not None:
            progress(f"bare interpreter: run {run}/{runs}")
        logs.append(_import_log(python, _BARE, env, timeout, cwd))
    return tuple(logs)


def measure(
    python: str,
    module: str,
    runs: int,
    env: Mapping[str, str],
    timeout: float,
    *,
    baseline: tuple[Log, ...] | None = None,
    progress: Progress | None = None,
    cwd: str | None = None,
) -> Measurement:
    """Import ``module`` in ``runs`` fresh interpreters, after one untimed warm-up run
    (which also compiles the bytecode caches, so that no run pays for that).

    Without a ``baseline``, the bare interpreter runs as often, alternating with the
    module's runs so that both see the same machine load. The children start in ``cwd``
    (default: this process's working directory), which ``python -c`` puts first on
    ``sys.path``: a copy of a project elsewhere is measured from its own folder.
    """
    if not is_module_name(module):
        raise ImportFailure(f"{module!r} is not a module name")
    code = f"{_LOG_IMPORT_CALLS}import {module}"
    if progress is not None:
        progress(f"{module}: warm-up run")
    warm_up = _run([python, "-c", code], env, timeout, cwd)
    if warm_up.returncode != 0:
        raise ImportFailure(last_error_line(warm_up.stderr) or f"exit status {warm_up.returncode}")
    logs: list[Log] = []
    bare: list[Log] = []
    present: list[frozenset[str]] = []
    for run in range(1, runs + 1):
        if progress is not None:
            progress(f"{module}: run {run}/{runs}")
        if baseline is None:
            bare.append(_import_log(python, _BARE, env, timeout, cwd))
        done = _run_logged(python, code + _REPORT_PRESENT, env, timeout, cwd)
        logs.append(parse_log(done.stderr))
        present.append(_present(done.stdout))
    return Measurement(
        module, tuple(logs), tuple(bare) if baseline is None else baseline, tuple(p for p in present if p)
    )
