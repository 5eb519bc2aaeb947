"""A one-file check starts fast: it loads neither SQLite nor :mod:`inspect` (and whatever
they bring), and only the chosen command's module. ``benchmarks/run.py`` times it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.frontends import REPO

#: Modules a one-file check must not load: the cache's database, what ``pkgutil`` pulled in,
#: the compression modules behind :mod:`shutil`, what only documentation needs, and the
#: modules of commands not run.
NOT_LOADED = (
    "sqlite3",
    "inspect",
    "shutil",
    "tempfile",
    "textwrap",
    "qemlflow_lint.cli.score",
    "qemlflow_lint.cli.fix",
    "qemlflow_lint.cli.importtime",
)

#: Runs the command line in a fresh interpreter with this checkout first on the path, then
#: prints which of the watched modules it loaded (as JSON, the last line of standard error);
#: what the interpreter had loaded before (``site`` and its ``.pth`` files) does not count.
PROBE = """\
import json, runpy, sys
sys.path.insert(0, {repo!r})
watched, sys.argv = {watched!r}, ["qemlflow-lint", *{argv!r}]
watched = [name for name in watched if name not in sys.modules]
try:
    runpy.run_module("qemlflow_lint", run_name="__main__", alter_sys=True)
except SystemExit as stop:
    code = stop.code
print(json.dumps([code, [name for name in watched if name in sys.modules]]), file=sys.stderr)
"""


def _loaded(project: Path, *argv: str) -> tuple[int, list[str]]:
    """The exit code of ``qemlflow-lint ARGV`` run in ``project``, and which of
    :data:`NOT_LOADED` it loaded."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(repo=str(REPO), watched=NOT_LOADED, argv=argv)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    code, loaded = json.loads(done.stderr.splitlines()[-1])
    return code, loaded


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.qemlflow-lint]\n", encoding="utf-8")
    (tmp_path / "one.py").write_text('"""One."""\n\n\ndef f(x):\n    return x\n', encoding="utf-8")
    (tmp_path / "two.py").write_text('"""Two."""\n', encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("cache", [("--no-cache",), ()], ids=["no-cache", "cache-on"])
def test_a_one_file_check_loads_no_database_and_no_inspect(project: Path, cache: tuple[str, ...]) -> None:
    # With the cache on, one file is still analysed without it: opening it costs more.
    assert _loaded(project, "check", *cache, "one.py") == (1, [])


def test_the_cache_loads_sqlite_when_it_is_used(project: Path) -> None:
    # The probe can see a module load: two files use the cache, and SQLite with it.
    code, loaded = _loaded(project, "check", "one.py", "two.py")
    assert code == 1 and "sqlite3" in loaded
    assert (project / ".qemlflow-lint-cache" / "cache.sqlite3").is_file()
