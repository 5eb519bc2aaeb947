"""Safe means no caller can tell: QF001's fix keeps a heavy import whose name another module,
a test, a ``mock.patch`` string or a documentation page reads from the module, and one
whose heavy module the project takes from ``sys.modules`` while it is imported.

The project fixture ``fixtures/fix/QF001/callers`` is a package whose every module is read
by a caller in one way (``sunpower/control.py`` by none), with its own tests and doctests.
``fix`` and ``fix --unsafe-fixes`` run on a copy through the command line; then the
project's own tests must still all pass, and each module must be left with the reason and
the reader. Without what this protects (the fix run with nobody known to read anything, and
dataclasses taken as never read), the same tests fail, one per way of reading: so each is a
way a caller breaks.
"""

from __future__ import annotations

import ast
import re
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from textwrap import dedent
from unittest import mock

import pytest

from qemlflow_lint.analysis.names import scopes
from qemlflow_lint.analysis.names.attribute_reads import ProjectReads, file_reads
from qemlflow_lint.fix import on_disk
from qemlflow_lint.fix.apply import FileFix, FixOptions, fix_text
from qemlflow_lint.fix.import_deferral.callers import heavy_import_readers
from qemlflow_lint.fix.on_disk import fix_paths
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.run.api import RunOptions
from tests.fix.sample_project import qemlflow_lint, run_in
from tests.fix.snapshots import FIX_FIXTURES
from tests.frontends import run_fix

PROJECT = FIX_FIXTURES / "QF001" / "callers"
#: Each module of the fixture, the reason ``fix`` leaves its heavy import, and the reader.
LEFT = {
    "sunpower/albedo.py": "read from another module (tests/test_callers.py:",
    "sunpower/bifacial.py": "read from another module (tests/test_callers.py:",
    "sunpower/clearsky.py": "read from another module (tests/test_callers.py:",
    "sunpower/frames.py": "read from another module (sunpower/datafiles.py:3)",
    "sunpower/inverter.py": "read from another module (tests/test_callers.py:",
    "sunpower/irradiance.py": "read from another module (tests/test_callers.py:",
    "sunpower/location.py": "read from another module (docs/usage.rst:6 and 1 more)",
    "sunpower/losses.py": "read from another module (tests/test_callers.py:",
    "sunpower/modelchain.py": "read from another module (docs/guide.md:7)",
    "sunpower/plotting.py": "read through `sys.modules` at import time (tests/test_plotting.py:7)",
    "sunpower/records.py": "used in the field types of a dataclass, NamedTuple or TypedDict",
    "sunpower/shading.py": "read from another module (tests/test_callers.py:",
    "sunpower/singlediode.py": "read from another module (tests/test_callers.py:",
    "sunpower/soiling.py": "read from another module (tests/test_callers.py:",
    "sunpower/spectrum.py": "read from another module (tests/test_callers.py:",
    "sunpower/tables.py": "read from another module (tests/test_callers.py:",
    "sunpower/temperature.py": "read from another module (tests/test_callers.py:",
    "sunpower/tracking.py": "read from another module (tests/test_callers.py:",
    "sunpower/units.py": "read from another module (sunpower/legacy.py:7)",
}
#: The one test that reads nothing a fix removes (its module is fixed).
UNREAD = "tests/test_callers.py::test_a_module_nobody_reads_still_works"
_OUTCOME = re.compile(r"^(PASSED|FAILED|ERROR) (\S+)", re.MULTILINE)
_FIX_LINE = re.compile(r"^(?P<path>[^:]+):\d+:\d+: QF001 (?P<what>.*)$", re.MULTILINE)


def copy_project(destination: Path) -> Path:
    """A copy of the fixture at ``destination`` (without bytecode or caches); returns it."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".qemlflow-lint-cache")
    shutil.copytree(PROJECT, destination, ignore=ignore)
    return destination


def own_tests(root: Path) -> dict[str, str]:
    """Run the project's tests and doctests: each one's outcome, by pytest's id (a module
    that cannot be imported gives one ERROR for the module)."""
    command = [sys.executable, "-m", "pytest", "-rA", "--tb=no", "--continue-on-collection-errors"]
    done = run_in(root, command)
    return {node: outcome for outcome, node in _OUTCOME.findall(done.stdout)}


def fix_lines(stdout: str) -> dict[str, str]:
    """What ``fix`` says of each module: ``left: …`` or ``fixed (…): …``."""
    return {match["path"].replace("\\", "/"): match["what"] for match in _FIX_LINE.finditer(stdout)}


@pytest.mark.slow
@pytest.mark.parametrize("extra", [(), ("--unsafe-fixes",)], ids=["safe", "unsafe"])
def test_the_projects_tests_and_doctests_pass_after_the_fix(tmp_path: Path, extra: tuple[str, ...]) -> None:
    root = copy_project(tmp_path / "callers")
    before = own_tests(root)
    assert len(before) == 20 and set(before.values()) == {"PASSED"}, before
    done = qemlflow_lint(root, "fix", "--no-cache", *extra, ".")
    assert done.returncode == 0, done.stderr
    said = fix_lines(done.stdout)
    for path, reason in LEFT.items():
        assert said.get(path, "").startswith(f"left: {reason}"), (path, said.get(path))
    assert said["sunpower/control.py"] == "fixed (safe): moved into 1 function"
    assert (
        "import fitlib" not in (root / "sunpower" / "control.py").read_text(encoding="utf-8").split("def")[0]
    )
    assert own_tests(root) == before


@contextmanager
def _as_before() -> Iterator[None]:
    """``fix`` as it was: nobody is known to read a module's names, and a dataclass's
    annotations are taken as never read."""
    with (
        mock.patch.object(on_disk, "heavy_import_readers", return_value={}),
        mock.patch.multiple(
            scopes,
            _RECORD_BASES=frozenset(),
            _RECORD_DECORATORS=frozenset(),
            _PLAIN_DECORATORS=scopes._PLAIN_DECORATORS | {"dataclass"},
        ),
    ):
        yield


@pytest.mark.slow
def test_without_the_callers_known_every_way_of_reading_breaks(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "callers")
    with _as_before():
        run = fix_paths([str(root)], RunOptions(jobs=1, use_cache=False), FixOptions(), write=True)
    assert len(run.written) == len(LEFT) + 1, run.written
    outcomes = own_tests(root)
    assert outcomes.pop(UNREAD) == "PASSED"
    assert outcomes == {
        **{node: "FAILED" for node in outcomes if node.startswith(("tests/test_callers.py", "docs/"))},
        "tests/test_plotting.py": "ERROR",
    }
    assert len(outcomes) == 19, outcomes


def _fixed(source: str, readers: dict[str, str], path: str = "pkg/a.py", unsafe: bool = False) -> FileFix:
    """QF001's fix of ``source`` at ``path`` when the project's other files are ``readers``
    (path → source)."""
    module = path[:-3].replace("/", ".").removesuffix(".__init__")
    reads = [
        (where, "tests", file_reads(ast.parse(dedent(text)), "tests", False, {"pkg"}))
        for where, text in readers.items()
    ]
    known = ProjectReads.of(reads).readers(module, path)
    options = FixOptions(unsafe=unsafe, codes={"QF001"}, readers={path: known})
    return fix_text(dedent(source), path, Settings(), options)


def _said(fixed: FileFix) -> list[str]:
    return [f"left: {left.reason}" for left in fixed.left] + [a.what for a in fixed.applied]


MODULE = """\
    import pandas as pd


    def frame():
        return pd.DataFrame()
    """


def test_a_name_computed_at_run_time_may_be_any_name_of_the_module() -> None:
    test = "import pytest\n\n@pytest.mark.parametrize('name', ['pd'])\ndef test(mocker, name):\n    mocker.patch('pkg.a.' + name)\n"
    assert _said(_fixed(MODULE, {"tests/test_a.py": test})) == [
        "left: read from another module (tests/test_a.py:5)"
    ]


def test_the_first_reader_is_named_and_the_others_counted() -> None:
    readers = {
        "tests/test_b.py": "from pkg.a import pd\n",
        "tests/test_a.py": "import pkg.a\n\ndef test():\n    pkg.a.pd\n    pkg.a.pd.DataFrame\n",
    }
    assert _said(_fixed(MODULE, readers)) == ["left: read from another module (tests/test_a.py:4 and 2 more)"]


def test_a_module_read_by_nobody_else_is_fixed() -> None:
    assert _said(_fixed(MODULE, {"tests/test_a.py": "from pkg.a import frame\n"})) == [
        "moved into 1 function"
    ]


PACKAGE = """\
    import pandas as pd
    """


def test_a_reexport_loaded_on_first_access_still_serves_its_readers() -> None:
    fixed = _fixed(PACKAGE, {"tests/test_a.py": "from pkg import pd\n"}, "pkg/__init__.py", unsafe=True)
    assert _said(fixed) == ["loaded on first access (PEP 562)"]


def test_a_star_import_of_a_reexport_loaded_on_first_access_is_served() -> None:
    """The lazy package lists its names in ``__all__``: ``from pkg import *`` still gets them."""
    reader = "from pkg import *\n\ndef test():\n    pd.DataFrame()\n"
    fixed = _fixed(PACKAGE, {"tests/test_a.py": reader}, "pkg/__init__.py", unsafe=True)
    assert _said(fixed) == ["loaded on first access (PEP 562)"]


def test_a_star_import_does_not_bring_a_name_that_all_leaves_out() -> None:
    source = MODULE + '__all__ = ["frame"]\n'
    reader = "from pkg.a import *\n\ndef test():\n    pd.DataFrame(frame())\n"
    assert _said(_fixed(source, {"tests/test_b.py": reader})) == ["moved into 1 function"]


def test_a_buffer_fixed_on_its_own_keeps_what_its_project_reads() -> None:
    """``fix -`` (an editor's fix-all) walks the buffer's project too."""
    text = (PROJECT / "sunpower" / "tables.py").read_text(encoding="utf-8")
    done = run_fix(["-"], "--stdin-filename", "sunpower/tables.py", "--no-cache", stdin=text, cwd=PROJECT)
    assert done.stdout == text
    assert "read from another module (1)" in done.stderr, done.stderr


def _project(root: Path, files: dict[str, str]) -> Path:
    """A project at ``root`` with ``files`` (path → source) and QF001 selected."""
    (root / "pyproject.toml").write_text('[tool.qemlflow-lint]\nselect = ["QF001"]\n', encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text), encoding="utf-8")
    return root


#: A test that reads ``pkg.a.pd``: it breaks when the import leaves the module.
READS_PD = """\
    import pkg.a


    def test_frame():
        assert pkg.a.pd.DataFrame is not None
    """


def _unsafe_run(root: Path, walks: list[bool]) -> on_disk.FixRun:
    """``fix --unsafe-fixes`` of ``pkg`` as a dry run; ``walks`` records each walk of the
    project for its callers (``True``: every file, ``False``: only the reads through
    ``sys.modules``)."""
    spy = mock.Mock(wraps=heavy_import_readers)
    with mock.patch.object(on_disk, "heavy_import_readers", spy):
        run = fix_paths(
            [str(root / "pkg")], RunOptions(jobs=1, use_cache=False), FixOptions(unsafe=True), write=False
        )
    walks.extend(not call.kwargs.get("loaded_only", False) for call in spy.call_args_list)
    return run


def _reasons(run: on_disk.FixRun) -> dict[str, list[str]]:
    return {
        Path(fix.path).name: [left.reason for left in fix.left if left.finding.code == "QF001"]
        for fix in run.files
    }


#: A module that uses pandas as it is imported: its import cannot move.
TABLE = """\
    import pandas as pd

    TABLE = pd.DataFrame()
    """


def test_callers_are_not_read_when_a_lazy_package_is_the_whole_plan(tmp_path: Path) -> None:
    """``pkg/b.py`` keeps pandas, so with --unsafe-fixes the package's submodules load on
    first access: ``import pkg`` no longer runs ``pkg/a.py``, whose import then needs no
    move. No caller can tell, so the project's tests are not read for callers, and the
    import stays for the plan's reason."""
    files = {
        "pkg/__init__.py": "from pkg import a, b\n",
        "pkg/a.py": MODULE,
        "pkg/b.py": TABLE,
        "tests/test_a.py": READS_PD,
    }
    walks: list[bool] = []
    run = _unsafe_run(_project(tmp_path, files), walks)
    assert walks == [False]
    assert _reasons(run) == {
        "a.py": ["no entry point imports this module at import time"],
        "b.py": ["used at module level"],
        "__init__.py": [],
    }
    assert [Path(fix.path).name for fix in run.files if fix.changed] == ["__init__.py"]


def test_callers_are_read_when_the_plan_moves_a_name_out_of_a_module(tmp_path: Path) -> None:
    """Moving ``pd`` out of ``pkg/a.py`` is the cheapest cut, so the project is read for
    callers: the test that reads ``pkg.a.pd`` keeps the import, and the package's
    re-export loads on first access instead."""
    files = {"pkg/__init__.py": "from pkg.a import frame\n", "pkg/a.py": MODULE, "tests/test_a.py": READS_PD}
    walks: list[bool] = []
    run = _unsafe_run(_project(tmp_path, files), walks)
    assert walks == [False, True]
    reason = _reasons(run)["a.py"][0]
    assert reason.startswith("read from another module (") and reason.endswith("tests/test_a.py:5)"), reason
    assert [Path(fix.path).name for fix in run.files if fix.changed] == ["__init__.py"]


def test_a_module_taken_from_sys_modules_is_known_before_the_callers(tmp_path: Path) -> None:
    """The first plan already knows what the project takes from ``sys.modules`` at import
    time: the package stays eager, since a test module reads pandas from the table when
    it is imported (``(sys.modules)["pandas"]``, spelt as a lookup all the same)."""
    reads_loaded = "import sys\n\nimport pkg\n\nFRAMES = (sys.modules)['pandas']\n"
    files = {
        "pkg/__init__.py": "from pkg import a, b\n",
        "pkg/a.py": MODULE,
        "pkg/b.py": TABLE,
        "tests/test_loaded.py": reads_loaded,
    }
    run = _unsafe_run(_project(tmp_path, files), [])
    assert not any(fix.changed for fix in run.files)
    reasons = _reasons(run)
    for module in ("a.py", "b.py"):
        assert reasons[module][0].startswith("read through `sys.modules` at import time ("), reasons
