"""A one-file check starts fast: it loads neither SQLite nor :mod:`inspect` (and whatever
they bring), nor the language server and pygls, and only the chosen command's module. ``benchmarks/run.py`` times it."""

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
    "qemlflow_lint.server",
    "pygls",
    "lsprotocol",
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


def test_importing_the_command_line_loads_no_language_server() -> None:
    probe = (
        f"import sys; sys.path.insert(0, {str(REPO)!r}); import qemlflow_lint.cli, qemlflow_lint.cli.server; "
        "print(sorted(m for m in sys.modules if m.startswith(('pygls', 'lsprotocol', 'qemlflow_lint.server.'))))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.stdout == "[]\n", done.stderr


def test_the_server_without_pygls_says_what_to_install_and_exits_2(tmp_path: Path) -> None:
    # pygls as if not installed: importing it fails as it would.
    probe = (
        f"import sys, runpy; sys.path.insert(0, {str(REPO)!r}); sys.modules['pygls'] = None; "
        "sys.argv = ['qemlflow-lint', 'server']; runpy.run_module('qemlflow_lint', run_name='__main__')"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "qemlflow-lint: error: the server needs pygls: pip install 'qemlflow-lint[server]'\n"
    )
