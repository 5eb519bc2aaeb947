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

The rest are pure functions over parsed logs: medians across runs with the bare
interpreter's start-up subtracted, the costliest modules, and for each heavy or costly
third-party module, the first-party module that imported it; plus what ``calibrate``
needs: which installed packages to time, and a minimal edit of ``pyproject.toml``.
"""

from __future__ import annotations

import copy
import json
import os
import re
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple

from qemlflow_lint.model.heavy import match_heavy

#: One import line; ``search`` rather than ``match``, since the program's own output
#: without a final newline can run into it. The indent is one space plus two per level.
_IMPORT_LINE = re.compile(
    r"import time:\s*(?P<self>\d+|cached)\s*\|\s*(?P<cumulative>\d+|cached)\s*\|(?P<indent> *)(?P<name>[^\s|]+)\s*$"
)

#: Distributions ``calibrate`` never times: the installers, and this project itself.
TOOLING_DISTRIBUTIONS: frozenset[str] = frozenset({"pip", "setuptools", "wheel", "qemlflow-lint"})

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
    children: Tuple[ImportRecord, ...] = ()


Log = Tuple[ImportRecord, ...]


def parse_log(text: str) -> Log:
    """The roots of an ``-X importtime`` log (see the module docstring), in log order."""
    pending: List[Tuple[int, ImportRecord]] = []  # (level, record) not yet claimed by a parent
    for line in text.splitlines():
        match = _IMPORT_LINE.search(line)
        if match is None:
            continue
        level = max(0, len(match["indent"]) - 1) // 2
        children: List[ImportRecord] = []
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


def walk(roots: Log) -> Iterator[Tuple[ImportRecord, Tuple[ImportRecord, ...]]]:
    """Every record with its ancestors (outermost first), parents before children."""
    stack: List[Tuple[ImportRecord, Tuple[ImportRecord, ...]]] = [(r, ()) for r in reversed(roots)]
    while stack:
        record, ancestors = stack.pop()
        yield record, ancestors
        below = (*ancestors, record)
        stack.extend((child, below) for child in reversed(record.children))


def total_us(roots: Log) -> int:
    """A run's import time: the cumulative times of its roots, added up."""
    return sum(root.cumulative_us for root in roots)


def loaded(roots: Log) -> Dict[str, ImportRecord]:
    """The first record of every module that was loaded (not a ``cached`` row)."""
    found: Dict[str, ImportRecord] = {}
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
    runs: Tuple[Log, ...]
    baseline_runs: Tuple[Log, ...]

    @property
    def baseline_us(self) -> float:
        """The bare interpreter's start-up imports: the median of its totals."""
        return float(statistics.median(total_us(run) for run in self.baseline_runs))

    @property
    def net_us(self) -> Tuple[float, ...]:
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
        return frozenset(name for run in self.baseline_runs for name in loaded(run))


@dataclass(frozen=True)
class ModuleCost:
    """One module's median self and cumulative time over the runs that loaded it."""

    name: str
    self_us: float
    cumulative_us: float


def module_costs(measurement: Measurement) -> List[ModuleCost]:
    """Every module the import loaded beyond start-up, costliest own time first."""
    selfs: Dict[str, List[int]] = {}
    cumulatives: Dict[str, List[int]] = {}
    startup = measurement.startup_modules
    for run in measurement.runs:
        for name, record in loaded(run).items():
            if name not in startup:
                selfs.setdefault(name, []).append(record.self_us)
                cumulatives.setdefault(name, []).append(record.cumulative_us)
    costs = [
        ModuleCost(name, float(statistics.median(selfs[name])), float(statistics.median(cumulatives[name])))
        for name in selfs
    ]
    return sorted(costs, key=lambda cost: (-cost.self_us, -cost.cumulative_us, cost.name))


@dataclass(frozen=True)
class Attribution:
    """A heavy or costly third-party module, and the first-party import that loaded it."""

    module: str
    #: The configured heavy entry it matches, or "" when it is only costly.
    heavy: str
    #: Its median cumulative time.
    cumulative_us: float
    #: The nearest first-party module above it in the log, or "" when there is none.
    importer: str
    #: What ``importer`` imported on the way: the module itself, or a package that
    #: imported it. Deferring that import saves :attr:`saving_us`.
    via: str
    #: The median cumulative time of ``via``: everything first loaded through it.
    saving_us: float
    #: How many modules were first loaded through ``via`` (itself included).
    saving_modules: int
    #: Heavy entries loaded underneath it, other than its own.
    brings_in: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Origins:
    """Where modules come from, as ``attribute`` needs to know it."""

    #: Top-level names of the target interpreter's standard library.
    stdlib: frozenset[str]
    #: First-party modules (the static import graph's).
    first_party: frozenset[str]
    #: Top-level packages with first-party submodules: their unanalysed modules are not
    #: third-party either.
    first_party_packages: frozenset[str] = field(default=frozenset())

    def is_third_party(self, name: str) -> bool:
        """Neither the standard library nor the project."""
        top = name.partition(".")[0]
        return not (top in self.stdlib or name in self.first_party or top in self.first_party_packages)


def attribute(
    measurement: Measurement, origins: Origins, heavy_modules: Sequence[str], costly_us: float
) -> List[Attribution]:
    """The heavy or costly third-party modules the import loaded, each with the nearest
    first-party module above it in the log.

    Only the outermost such module on a path is reported (``seaborn``, not the ``scipy``
    it imports, nor ``seaborn``'s own submodules): deferring it defers the rest, which
    :attr:`Attribution.brings_in` names. The tree is the first run's (imports happen in
    the same order every run); times are medians over every run.
    """
    if not measurement.runs:
        return []
    heavy_set = frozenset(heavy_modules)
    costs = {cost.name: cost for cost in module_costs(measurement)}

    def flagged(record: ImportRecord) -> bool:
        cost = costs.get(record.name)
        return (
            cost is not None
            and not record.cached
            and origins.is_third_party(record.name)
            and (match_heavy(record.name, heavy_set) is not None or cost.cumulative_us >= costly_us)
        )

    first_loads = loaded(measurement.runs[0])
    found: List[Attribution] = []
    for record, ancestors in walk(measurement.runs[0]):
        if first_loads.get(record.name) is not record or not flagged(record):
            continue
        importer_at = max((i for i, a in enumerate(ancestors) if a.name in origins.first_party), default=-1)
        between = ancestors[importer_at + 1:]
        if any(flagged(a) for a in between):
            continue  # reported with the outer module
        via = (*between, record)[0]
        heavy = match_heavy(record.name, heavy_set) or ""
        inside = (match_heavy(r.name, heavy_set) for r, _ in walk(record.children) if not r.cached)
        brings_in = tuple(dict.fromkeys(entry for entry in inside if entry and entry != heavy))
        found.append(
            Attribution(
                record.name,
                heavy,
                costs[record.name].cumulative_us,
                ancestors[importer_at].name if importer_at >= 0 else "",
                via.name,
                costs[via.name].cumulative_us if via.name in costs else float(via.cumulative_us),
                loaded_count(via),
                brings_in,
            )
        )
    return sorted(found, key=lambda a: (-a.cumulative_us, a.module))


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
    packages: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)


def _run(command: Sequence[str], env: Mapping[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            list(command), env=dict(env), stdin=subprocess.DEVNULL, capture_output=True,
            text=True, errors="replace", timeout=timeout, check=False,
        )
    except subprocess.TimeoutExpired:
        raise ImportFailure(f"timed out after {timeout:g} s") from None
    except OSError as error:
        raise ImportFailure(f"cannot run {command[0]!r}: {error.strerror or error}") from None


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
        info: Dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError) as error:
        raise ImportFailure(f"it does not answer like a Python interpreter ({error})") from None
    return Interpreter(
        str(info["executable"]) or python,
        str(info["version"]),
        frozenset(info["stdlib"]),
        {str(k): tuple(v) for k, v in info.get("packages", {}).items()},
    )


def child_environment(roots: Sequence[str], base: Mapping[str, str]) -> Dict[str, str]:
    """``base`` with ``roots`` put first on ``PYTHONPATH``, so that a checkout's modules
    import without being installed, and without a profiling variable of its own."""
    env = {key: value for key, value in base.items() if key != "PYTHONPROFILEIMPORTTIME"}
    existing = [entry for entry in env.get("PYTHONPATH", "").split(os.pathsep) if entry]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys([*roots, *existing]))
    return env


def is_module_name(name: str) -> bool:
    """True for a dotted name that ``import NAME`` accepts."""
    return bool(name) and all(part.isidentifier() for part in name.split("."))


def _import_log(python: str, code: str, env: Mapping[str, str], timeout: float) -> Log:
    done = _run([python, "-X", "importtime", "-c", code], env, timeout)
    if done.returncode != 0:
        raise ImportFailure(last_error_line(done.stderr) or f"exit status {done.returncode}")
    return parse_log(done.stderr)


def measure_baseline(
    python: str, runs: int, env: Mapping[str, str], timeout: float, progress: Optional[Progress] = None
) -> Tuple[Log, ...]:
    """The logs of ``runs`` bare interpreters (``-c pass``)."""
    logs = []
    for run in range(1, runs + 1):
        if progress is not None:
            progress(f"bare interpreter: run {run}/{runs}")
        logs.append(_import_log(python, "pass", env, timeout))
    return tuple(logs)


def measure(
    python: str,
    module: str,
    runs: int,
    env: Mapping[str, str],
    timeout: float,
    *,
    baseline: Optional[Tuple[Log, ...]] = None,
    progress: Optional[Progress] = None,
) -> Measurement:
    """Import ``module`` in ``runs`` fresh interpreters, after one untimed warm-up run
    (which also compiles the bytecode caches, so that no run pays for that).

    Without a ``baseline``, the bare interpreter runs as often, alternating with the
    module's runs so that both see the same machine load.
    """
    if not is_module_name(module):
        raise ImportFailure(f"{module!r} is not a module name")
    code = f"import {module}"
    if progress is not None:
        progress(f"{module}: warm-up run")
    warm_up = _run([python, "-c", code], env, timeout)
    if warm_up.returncode != 0:
        raise ImportFailure(last_error_line(warm_up.stderr) or f"exit status {warm_up.returncode}")
    logs: List[Log] = []
    bare: List[Log] = []
    for run in range(1, runs + 1):
        if progress is not None:
            progress(f"{module}: run {run}/{runs}")
        if baseline is None:
            bare.append(_import_log(python, "pass", env, timeout))
        logs.append(_import_log(python, code, env, timeout))
    return Measurement(module, tuple(logs), tuple(bare) if baseline is None else baseline)


# ---------------------------------------------------------------------------------------
# calibrate


def _normalised(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def calibration_modules(interpreter: Interpreter) -> List[str]:
    """The installed top-level packages worth timing: not the standard library, not
    private (``_name``), not only installed by pip, setuptools, wheel or this project."""
    chosen = []
    for name, distributions in sorted(interpreter.packages.items()):
        tooling = {_normalised(d) for d in distributions} <= TOOLING_DISTRIBUTIONS
        if name.startswith("_") or not name.isidentifier() or name in interpreter.stdlib:
            continue
        if tooling or name == "qemlflow_lint":
            continue
        chosen.append(name)
    return chosen


def new_heavy_modules(
    times_us: Mapping[str, float], threshold_us: float, heavy_modules: Sequence[str]
) -> List[str]:
    """The modules at or above the threshold that the heavy list does not cover yet,
    slowest first."""
    slow = sorted((name for name, us in times_us.items() if us >= threshold_us), key=lambda n: (-times_us[n], n))
    return [name for name in slow if match_heavy(name, frozenset(heavy_modules)) is None]


class EditError(ValueError):
    """``pyproject.toml`` cannot be edited safely; the message says why and what to add."""


_KEY = "extend-heavy-modules"
_HEADER = re.compile(r"""^\s*\[\s*tool\s*\.\s*(?:qemlflow-lint|"qemlflow-lint"|'qemlflow-lint')\s*\]\s*(?:#.*)?$""")
_ANY_HEADER = re.compile(r"^\s*\[")
_KEY_LINE = re.compile(
    r"""^(?P<lead>\s*(?:extend-heavy-modules|"extend-heavy-modules"|'extend-heavy-modules')\s*=\s*)(?P<rest>.*?)(?P<end>\r?\n)?$"""
)


def _toml(text: str) -> Dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python < 3.11 only
        import tomli as tomllib
    data: Dict[str, Any] = tomllib.loads(text)
    return data


def _is_complete(text: str) -> bool:
    """True when ``text`` is valid TOML by itself: a line after it starts a statement,
    not the inside of a multi-line array or string."""
    try:
        _toml(text)
    except ValueError:
        return False
    return True


def toml_list(modules: Iterable[str]) -> str:
    """``["a", "b"]``."""
    return "[" + ", ".join(json.dumps(m) for m in modules) + "]"


def _value_end(rest: str) -> int:
    """Where a single-line value ends in ``rest`` (before a comment), or -1."""
    for end in range(1, len(rest) + 1):
        after = rest[end:].strip()
        if (not after or after.startswith("#")) and _is_complete(f"x = {rest[:end]}"):
            return end
    return -1


def _configured(data: Mapping[str, Any]) -> List[str]:
    """The ``extend-heavy-modules`` a parsed ``pyproject.toml`` already has."""
    tool = data.get("tool")
    table = tool.get("qemlflow-lint") if isinstance(tool, dict) else None
    value = table.get(_KEY, []) if isinstance(table, dict) else []
    if isinstance(value, str):  # the configuration also accepts "a, b"
        return [part for part in re.split(r"[,\s]+", value) if part]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise EditError(f"its {_KEY} is not a list of module names")


def with_heavy_modules(text: str, additions: Sequence[str]) -> str:
    """``text`` (a ``pyproject.toml``) with ``additions`` added to ``extend-heavy-modules``
    in its ``[tool.qemlflow-lint]`` table, every other byte kept.

    A single-line value is replaced in place (a trailing comment stays); otherwise the key
    goes after the table's last entry, or into a new table at the end of the file. The
    result is parsed back and must mean exactly the old file plus the new entries; a value
    spread over several lines, or a table written in a way this cannot follow, is an
    :class:`EditError`.
    """
    try:
        before = _toml(text)
    except ValueError as error:
        raise EditError(f"it is not valid TOML ({error})") from None
    existing = _configured(before)
    modules = [*existing, *(m for m in dict.fromkeys(additions) if m not in existing)]
    if modules == existing:
        return text
    wanted = f"{_KEY} = {toml_list(modules)}"
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if _ANY_HEADER.match(line) and _is_complete("".join(lines[:i]))]
    header = next((i for i in starts if _HEADER.match(lines[i])), None)
    if header is None:
        gap = "" if not text.strip() else (newline if text.endswith(("\n", "\r")) else newline * 2)
        edited = f"{text}{gap}[tool.qemlflow-lint]{newline}{wanted}{newline}"
    else:
        end = next((i for i in starts if i > header), len(lines))
        edited = _edit_table(lines, header, end, wanted, newline)
    expected = copy.deepcopy(before)
    tool = expected.setdefault("tool", {})
    table = tool.setdefault("qemlflow-lint", {}) if isinstance(tool, dict) else None
    if isinstance(table, dict):
        table[_KEY] = modules
    if table is None or not _is_complete(edited) or _toml(edited) != expected:
        raise EditError(
            f"its [tool.qemlflow-lint] table is written in a way this cannot edit safely; add `{wanted}` by hand"
        )
    return edited


def _edit_table(lines: List[str], header: int, end: int, wanted: str, newline: str) -> str:
    for i in range(header + 1, end):
        match = _KEY_LINE.match(lines[i])
        if match is None or not _is_complete("".join(lines[:i])):
            continue
        stop = _value_end(match["rest"])
        if stop < 0:
            raise EditError(f"line {i + 1}: its {_KEY} value spans several lines; replace it by hand with `{wanted}`")
        value_at = len(match["lead"])
        line = lines[i]
        lines = [*lines[:i], line[:value_at] + wanted.split(" = ", 1)[1] + line[value_at + stop:], *lines[i + 1:]]
        return "".join(lines)
    last = max((i for i in range(header, end) if lines[i].strip() and not lines[i].lstrip().startswith("#")))
    lines = list(lines)
    if not lines[last].endswith(("\n", "\r")):
        lines[last] += newline
    lines.insert(last + 1, wanted + newline)
    return "".join(lines)
