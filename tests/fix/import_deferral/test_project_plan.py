"""QF001's fix planned over the project's import graph: a deferral is made only when it takes a
heavy module out of an entry point's import, the package's eager re-exports of its own
submodules become lazy (unsafe), and what stays is explained by the statement that keeps it.

Each project here is run for real after the fix: its own tests pass, and a fresh interpreter
shows which modules ``import ENTRY`` loads.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from qemlflow_lint.fix.apply import FixOptions
from qemlflow_lint.fix.import_deferral.project_plan import NOT_IMPORTED, STAYS_ANYWAY
from qemlflow_lint.fix.on_disk import FixRun, fix_paths
from qemlflow_lint.run.api import RunOptions
from tests.frontends import run_fix, write_tree

CONFIG = '[tool.qemlflow-lint]\nextend-heavy-modules = ["slowdep"]\nexclude = ["vendor/"]\n'
#: A stand-in heavy dependency, importable from ``vendor/``.
SLOWDEP = "SIZE = 3\n\n\ndef expand(value):\n    return value * SIZE\n"

#: A package whose ``__init__`` imports its submodules eagerly, one of which needs the heavy
#: module at module level (the blocker), and whose own tests use the package's attributes.
EAGER = {
    "pyproject.toml": CONFIG,
    "vendor/slowdep/__init__.py": SLOWDEP,
    "pkg/__init__.py": (
        '"""An eager package."""\n\n'
        "from pkg import algebra, plots\n"
        "from pkg.algebra import expand_all\n\n"
        '__version__ = "1.0"\n'
    ),
    "pkg/algebra.py": (
        '"""Algebra."""\n\n'
        "import slowdep\n\n"
        "FACTOR = slowdep.SIZE\n\n\n"
        "def expand_all(values: list[int]) -> list[int]:\n"
        '    """Expand every value."""\n'
        "    return [slowdep.expand(value) for value in values]\n"
    ),
    "pkg/plots.py": (
        '"""Plots."""\n\n'
        "from slowdep import expand\n\n\n"
        "def plot(value: int) -> int:\n"
        '    """Plot one value."""\n'
        "    return expand(value)\n"
    ),
    "tests/test_pkg.py": (
        "import pkg\n"
        "from pkg import *\n\n\n"
        "def test_the_package_attributes() -> None:\n"
        "    assert pkg.expand_all([1]) == [3]\n"
        "    assert pkg.plots.plot(2) == 6\n"
        "    assert pkg.algebra.FACTOR == 3\n\n\n"
        "def test_the_star_import() -> None:\n"
        "    assert expand_all([2]) == [6]\n"
        "    assert plots.plot(1) == 3\n"
    ),
}

#: A module that imports one of the project's modules, which needs the heavy module at
#: module level, only for its functions.
CHAIN = {
    "pyproject.toml": CONFIG,
    "vendor/slowdep/__init__.py": SLOWDEP,
    "pkg/__init__.py": '"""A package that imports nothing."""\n',
    "pkg/api.py": (
        '"""The API."""\n\n'
        "from pkg.tables import compute\n\n\n"
        "def run(value: int) -> int:\n"
        '    """Run it."""\n'
        "    return compute(value)\n"
    ),
    "pkg/tables.py": (
        '"""Tables built at import."""\n\n'
        "import slowdep\n\n"
        "TABLE = slowdep.SIZE\n\n\n"
        "def compute(value: int) -> int:\n"
        '    """Compute."""\n'
        "    return value * TABLE\n"
    ),
    "tests/test_api.py": "from pkg.api import run\n\n\ndef test_run() -> None:\n    assert run(2) == 6\n",
}


#: A package made lazy for its heavy submodule: its light submodules go lazy with it, but
#: the name a submodule it still imports at once reads from it while it initialises stays.
WHOLE = {
    "pyproject.toml": CONFIG,
    "vendor/slowdep/__init__.py": SLOWDEP,
    "pkg/__init__.py": (
        '"""A package."""\n\n'
        "from pkg._meta import URL\n"
        "from pkg.warn import PkgWarning\n"
        "from pkg import light\n"
        "from pkg.algebra import expand_all\n\n"
        "DEFAULT_WARNING = PkgWarning\n"
    ),
    "pkg/_meta.py": 'URL = "https://example.org"\n',
    "pkg/warn.py": '"""Warnings."""\n\nfrom pkg import URL\n\n\nclass PkgWarning(UserWarning):\n    """See URL."""\n',
    "pkg/light.py": '"""Light."""\n\n\ndef double(value: int) -> int:\n    """Double."""\n    return 2 * value\n',
    "pkg/algebra.py": EAGER["pkg/algebra.py"],
    "tests/test_pkg.py": (
        "import pkg\n"
        "from pkg import *\n\n\n"
        "def test_everything_is_still_there() -> None:\n"
        "    assert pkg.expand_all([1]) == [3]\n"
        "    assert pkg.light.double(2) == 4 and light.double(1) == 2\n"
        "    assert pkg.URL and pkg.DEFAULT_WARNING is pkg.warn.PkgWarning\n"
    ),
}


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    return write_tree(tmp_path, files)


def _fix(root: Path, monkeypatch: pytest.MonkeyPatch, *, write: bool, **options: object) -> FixRun:
    monkeypatch.chdir(root)
    return fix_paths(["pkg"], RunOptions(use_cache=False, jobs=1), FixOptions(**options), write=write)  # type: ignore[arg-type]


def _python(root: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root), str(root / "vendor")]))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )


def _loads(root: Path, entry: str) -> bool:
    """True when ``import entry`` loads the heavy stand-in, in a fresh interpreter."""
    done = _python(root, f"import sys, {entry}; print('slowdep' in sys.modules)")
    assert done.returncode == 0, done.stderr
    return done.stdout.strip() == "True"


#: Runs every ``test_*`` function of the project's ``tests/test_*.py`` files, as pytest
#: collects them (they take no fixtures), and prints how many passed: starting pytest itself
#: would cost each of these fresh interpreters a quarter of a second.
_RUN_OWN_TESTS = """\
import pathlib, runpy
passed = 0
for path in sorted(pathlib.Path("tests").glob("test_*.py")):
    for name, test in runpy.run_path(str(path), run_name=path.stem).items():
        if name.startswith("test_") and callable(test):
            test()
            passed += 1
print(passed, "passed")
"""


def _own_tests(root: Path) -> None:
    done = _python(root, _RUN_OWN_TESTS)
    assert done.returncode == 0, done.stdout + done.stderr
    tests = sum(text.count("\ndef test_") for text in map(Path.read_text, (root / "tests").glob("test_*.py")))
    assert done.stdout.split() == [str(tests), "passed"], done.stdout


def _left(run: FixRun) -> dict[tuple[str, int], str]:
    return {
        (os.path.relpath(file.path).replace(os.sep, "/"), item.finding.line): item.reason
        for file in run.files
        for item in file.left
        if item.finding.code == "QF001"
    }


def test_safe_changes_nothing_when_the_heavy_module_stays_and_says_what_keeps_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path, EAGER)
    run = _fix(root, monkeypatch, write=True)
    assert not any(file.changed for file in run.files)
    stays = STAYS_ANYWAY.format(heavy="slowdep", entry="pkg")
    assert _left(run) == {("pkg/algebra.py", 3): "used at module level", ("pkg/plots.py", 3): stays}
    (outcome,) = run.outcomes
    assert (outcome.entry, outcome.before, outcome.after) == ("pkg", ("slowdep",), ("slowdep",))
    assert [(b.path, b.line, b.reason) for b in outcome.blockers] == [
        (os.path.join("pkg", "algebra.py"), 3, "used at module level")
    ]
    assert _loads(root, "pkg")
    _own_tests(root)


def test_the_summary_names_the_blocker_and_the_imports_it_makes_useless(tmp_path: Path) -> None:
    root = _project(tmp_path, EAGER)
    done = run_fix(["pkg"], "--check", cwd=root)
    assert (
        "slowdep stays in `import pkg`: pkg/algebra.py:3 (used at module level); deferring the other 1 import would save nothing."
        in done.stderr.splitlines()
    )
    assert "pkg/plots.py:3:1: QF001 left: saves nothing: slowdep stays in `import pkg`\n" in done.stdout


def test_per_finding_keeps_the_old_behaviour(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path, EAGER)
    run = _fix(root, monkeypatch, write=True, per_finding=True)
    assert [os.path.basename(f.path) for f in run.files if f.changed] == ["plots.py"]
    assert (
        "from slowdep import expand"
        in (root / "pkg/plots.py").read_text(encoding="utf-8").split("def plot")[1]
    )
    assert _loads(root, "pkg")  # moved, and import pkg still loads it
    _own_tests(root)


def test_unsafe_makes_the_package_lazy_and_the_heavy_module_leaves_its_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path, EAGER)
    assert _loads(root, "pkg")
    run = _fix(root, monkeypatch, write=True, unsafe=True)
    assert [os.path.basename(f.path) for f in run.files if f.changed] == ["__init__.py"]
    (init,) = [f for f in run.files if f.changed]
    assert [(a.finding.code, a.finding.line, a.applicability) for a in init.applied] == [
        ("QF101", 3, "unsafe"),
        ("QF101", 4, "unsafe"),
    ]
    # The submodule's import is not moved: no entry point imports it at import time now.
    assert _left(run)[("pkg/plots.py", 3)] == NOT_IMPORTED
    (outcome,) = run.outcomes
    assert (outcome.before, outcome.after, outcome.gone) == (("slowdep",), (), ("slowdep",))
    assert not _loads(root, "pkg")
    _own_tests(root)
    text = (root / "pkg/__init__.py").read_text(encoding="utf-8")
    assert (
        "if TYPE_CHECKING:\n    from pkg import algebra, plots\n    from pkg.algebra import expand_all\n"
        in text
    )
    assert '__all__ = [\n    "algebra",\n    "expand_all",\n    "plots",\n]\n' in text
    # Fixing again changes nothing.
    again = _fix(root, monkeypatch, write=False, unsafe=True)
    assert not any(file.changed for file in again.files)


def test_an_entry_point_makes_its_own_closure_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path, EAGER)
    run = _fix(root, monkeypatch, write=True, unsafe=True, entry_points=("pkg.plots",))
    changed = sorted(os.path.basename(f.path) for f in run.files if f.changed)
    assert changed == ["__init__.py", "plots.py"]
    assert [o.entry for o in run.outcomes] == ["pkg", "pkg.plots"]
    assert not _loads(root, "pkg.plots")
    assert _loads(root, "pkg.algebra")  # its module-level use keeps it
    _own_tests(root)


def test_the_configured_entry_points_count_like_the_command_line_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = dict(
        EAGER, **{"pyproject.toml": CONFIG + '\n[tool.qemlflow-lint.fix]\nentry-points = ["pkg.*"]\n'}
    )
    root = _project(tmp_path, files)
    run = _fix(root, monkeypatch, write=True, unsafe=True)
    assert [o.entry for o in run.outcomes] == ["pkg", "pkg.algebra", "pkg.plots"]
    assert sorted(os.path.basename(f.path) for f in run.files if f.changed) == ["__init__.py", "plots.py"]
    assert not _loads(root, "pkg.plots")
    _own_tests(root)


def test_a_first_party_import_moves_into_the_functions_when_that_cuts_the_chain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path, CHAIN)
    safe = _fix(root, monkeypatch, write=False, entry_points=("pkg.api",))
    assert not any(file.changed for file in safe.files)
    assert [(o.entry, o.after) for o in safe.outcomes] == [("pkg", ()), ("pkg.api", ("slowdep",))]
    run = _fix(root, monkeypatch, write=True, unsafe=True, entry_points=("pkg.api",))
    (api,) = [f for f in run.files if f.changed]
    assert os.path.basename(api.path) == "api.py"
    assert [(a.finding.code, a.what) for a in api.applied] == [
        ("QF101", "moved into 1 function; loaded on first access (PEP 562)")
    ]
    assert not _loads(root, "pkg.api")
    _own_tests(root)
    # The name it imported is still part of its API, loaded when first asked for.
    done = _python(root, "import sys, pkg.api; print(pkg.api.compute(2), 'slowdep' in sys.modules)")
    assert done.stdout.split() == ["6", "True"], done.stderr


def test_without_a_gain_nothing_is_deferred_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `import pkg` loads nothing heavy: pkg.api is no entry point, so its chain is left alone.
    root = _project(tmp_path, CHAIN)
    run = _fix(root, monkeypatch, write=False, unsafe=True)
    assert not any(file.changed for file in run.files)
    assert [(o.entry, o.before) for o in run.outcomes] == [("pkg", ())]


def test_a_lazy_package_is_lazy_whole_but_keeps_what_it_needs_while_initialising(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path, WHOLE)
    run = _fix(root, monkeypatch, write=True, unsafe=True)
    (init,) = [f for f in run.files if f.changed]
    # _meta stays (warn imports URL from the package while it initialises), warn stays (used
    # at module level); light goes lazy with algebra.
    assert sorted(a.finding.line for a in init.applied) == [5, 6]
    assert not _loads(root, "pkg")
    done = _python(root, "import sys, pkg; print('pkg.light' in sys.modules, 'pkg._meta' in sys.modules)")
    assert done.stdout.split() == ["False", "True"], done.stderr
    _own_tests(root)
