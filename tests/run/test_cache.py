"""The result cache never serves a stale result and never breaks a run; ``--jobs`` never
changes the output."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from qemlflow_lint.cli import main
from qemlflow_lint.run import runner
from qemlflow_lint.run.cache import RACY_SECONDS, ResultCache
from tests.frontends import cli_command, run_in_process

UNTYPED = '"""A module."""\n\n\ndef f(x):\n    """Doc."""\n    return x\n'
TYPED = '"""A module."""\n\n\ndef f(x: int) -> int:\n    """Doc."""\n    return x\n'


def _project(root: Path, files: int = 3) -> Path:
    package = root / "pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('"""Package."""\n', encoding="utf-8")
    for number in range(files):
        (package / f"mod{number:03}.py").write_text(UNTYPED, encoding="utf-8")
    return root


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = main(["check", "pkg", "--jobs", "1", *args])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return _project(tmp_path)


@pytest.fixture()
def analysed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the engine really analysed (not served from the cache)."""
    paths: list[str] = []
    original = runner.analyse_file

    def counting(path: str, *args: object) -> runner.Outcome:
        paths.append(path)
        return original(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "analyse_file", counting)
    return paths


def test_the_cache_lives_at_the_project_root_and_is_ignored_by_git(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _check(capsys)
    cache = project / ".qemlflow-lint-cache"
    assert (cache / "cache.sqlite3").is_file()
    assert (cache / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert (
        (cache / "CACHEDIR.TAG")
        .read_text(encoding="utf-8")
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )


#: Where the "open" audit hook reports the files opened in this process, while a test listens
#: (audit hooks cannot be removed, so one hook is added once and reports to whoever listens).
_LISTENERS: list[list[str]] = []


def _report_opened(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and _LISTENERS and isinstance(args[0], (str, bytes, os.PathLike)):
        _LISTENERS[-1].append(os.path.abspath(os.fsdecode(args[0])))


_HOOK_ADDED: list[bool] = []


@pytest.fixture()
def opened(project: Path) -> Iterator[list[str]]:
    """The project's source files that this process opens, by any means (``open``,
    ``os.open``, ``Path.read_bytes`` ...), in the order it opens them."""
    if not _HOOK_ADDED:
        sys.addaudithook(_report_opened)
        _HOOK_ADDED.append(True)
    paths: list[str] = []
    _LISTENERS.append(paths)
    try:
        yield paths
    finally:
        _LISTENERS.remove(paths)


def _sources(paths: list[str], project: Path) -> list[str]:
    """The ``.py`` files of the project among ``paths``, relative to it."""
    below = str(project / "pkg") + os.sep
    return [
        os.path.relpath(path, project) for path in paths if path.startswith(below) and path.endswith(".py")
    ]


def _set_mtime(project: Path, seconds_from_now: float) -> None:
    """Give every module of the package this modification time (its change time is now)."""
    when = time.time() + seconds_from_now
    for path in (project / "pkg").glob("*.py"):
        os.utime(path, (when, when))


def test_an_unchanged_file_is_not_analysed_again(
    project: Path, capsys: pytest.CaptureFixture[str], analysed: list[str]
) -> None:
    first = _check(capsys)
    assert len(analysed) == 4
    analysed.clear()
    second = _check(capsys)
    assert analysed == [] and second[:2] == first[:2]


def test_an_edit_is_analysed_and_shows_new_findings(
    project: Path, capsys: pytest.CaptureFixture[str], analysed: list[str]
) -> None:
    _, before, _ = _check(capsys)
    assert len(before) == 3
    analysed.clear()
    target = project / "pkg" / "mod001.py"
    stat = target.stat()
    target.write_text(TYPED.replace("int", "str"), encoding="utf-8")
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with the old mtime
    _, after, _ = _check(capsys)
    assert analysed == [os.path.join("pkg", "mod001.py")]
    assert [line for line in after if "mod001" in line] == []
    assert len(after) == 2


def test_an_unchanged_tree_older_than_the_racy_window_is_not_even_read(
    project: Path, capsys: pytest.CaptureFixture[str], analysed: list[str], opened: list[str]
) -> None:
    _set_mtime(project, -3600)
    first = _check(capsys)
    assert len(analysed) == 4 and len(set(_sources(opened, project))) == 4
    analysed.clear()
    opened.clear()
    second = _check(capsys)
    assert second[:2] == first[:2]
    assert analysed == [] and _sources(opened, project) == []  # the stat information sufficed


def test_a_same_size_edit_that_keeps_the_mtime_is_read_and_analysed_again(
    project: Path, capsys: pytest.CaptureFixture[str], analysed: list[str], opened: list[str]
) -> None:
    _set_mtime(project, -3600)
    _, before, _ = _check(capsys)
    target = project / "pkg" / "mod001.py"
    stat = target.stat()
    edited = UNTYPED.replace("def f(", "def g(")
    assert len(edited) == len(UNTYPED)
    target.write_text(edited, encoding="utf-8")
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (target.stat().st_size, target.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    analysed.clear()
    opened.clear()
    _, after, _ = _check(capsys)
    assert analysed == [os.path.join("pkg", "mod001.py")]
    assert set(_sources(opened, project)) == {os.path.join("pkg", "mod001.py")}
    renamed = "pkg/mod001.py:4:1: QF002 public function 'f'"
    assert renamed in "\n".join(before)
    assert after == [
        line.replace("function 'f'", "function 'g'") if "mod001" in line else line for line in before
    ]


def test_a_file_first_checked_while_fresh_is_not_read_once_it_is_older(
    project: Path, capsys: pytest.CaptureFixture[str], analysed: list[str], opened: list[str]
) -> None:
    # saved "now" as far as the cache can tell (a clock a little ahead counts too): an edit
    # within the same clock tick would not change the stat, so the file is read every run
    _set_mtime(project, RACY_SECONDS * 10)
    first = _check(capsys)
    opened.clear()
    assert _check(capsys)[:2] == first[:2] and len(set(_sources(opened, project))) == 4
    # later, the same files are out of the racy window: read once more (a cache hit) ...
    _set_mtime(project, -3600)
    analysed.clear()
    opened.clear()
    assert _check(capsys)[:2] == first[:2]
    assert analysed == [] and len(set(_sources(opened, project))) == 4
    # ... and from then on, not read at all
    opened.clear()
    assert _check(capsys)[:2] == first[:2]
    assert analysed == [] and _sources(opened, project) == []


def test_a_configuration_change_reanalyses_everything(
    project: Path, capsys: pytest.CaptureFixture[str], analysed: list[str]
) -> None:
    _check(capsys)
    analysed.clear()
    (project / "pyproject.toml").write_text('[tool.qemlflow-lint]\nignore = ["QF002"]\n', encoding="utf-8")
    code, lines, _ = _check(capsys)
    assert len(analysed) == 4 and code == 0 and lines == []


def test_flags_that_change_findings_are_part_of_the_key(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "pkg" / "mod000.py").write_text(UNTYPED.replace("(x):", "(x):  # noqa"), encoding="utf-8")
    assert len(_check(capsys)[1]) == 2
    assert len(_check(capsys, "--disable-noqa")[1]) == 3
    assert len(_check(capsys, "--select", "QF003")[1]) == 0


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        pytest.param(
            lambda db: db.write_bytes(b"this is not a database" * 100),
            "file is not a database",
            id="garbage",
        ),
        pytest.param(
            lambda db: db.write_bytes(db.read_bytes()[:1500]),
            "database disk image is malformed",
            id="truncated",
        ),
        # SQLite makes a new database as an empty file: nothing to warn about, it is filled
        pytest.param(lambda db: db.write_bytes(b""), None, id="empty"),
    ],
)
def test_a_damaged_cache_is_rebuilt_with_one_warning(
    project: Path, capsys: pytest.CaptureFixture[str], damage: object, reason: str | None
) -> None:
    _, before, _ = _check(capsys)
    database = project / ".qemlflow-lint-cache" / "cache.sqlite3"
    for suffix in ("-wal", "-shm"):
        Path(str(database) + suffix).unlink(missing_ok=True)
    damage(database)  # type: ignore[operator]
    code, after, err = _check(capsys)
    assert after == before and code == 1
    expected = [f"qemlflow-lint: warning: the cache {database} was unreadable ({reason}); it is rebuilt"]
    if reason is None:
        expected = []
    assert [line for line in err.splitlines() if "warning" in line] == expected, err
    assert "Traceback" not in err
    with sqlite3.connect(database) as connection:  # a sound database again
        assert connection.execute("PRAGMA quick_check").fetchone() == ("ok",)
    assert _check(capsys)[1] == before


def test_a_damaged_entry_is_analysed_again(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, before, _ = _check(capsys)
    database = project / ".qemlflow-lint-cache" / "cache.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE results SET payload = '{not json'")
    assert _check(capsys)[1] == before


def test_a_read_only_cache_folder_means_one_warning_and_no_cache(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if os.geteuid() == 0:
        blocked = project / "blocked"
        blocked.write_text("a file where the cache folder should be", encoding="utf-8")
        cache_dir = str(blocked / "cache")
    else:
        blocked = project / "blocked"
        blocked.mkdir(mode=0o500)
        cache_dir = str(blocked / "cache")
    code, lines, err = _check(capsys, "--cache-dir", cache_dir)
    assert code == 1 and len(lines) == 3
    assert err.count("warning: cannot use the cache") == 1 and "running without it" in err


def test_no_cache_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _check(capsys, "--no-cache")
    assert not (project / ".qemlflow-lint-cache").exists()


def test_two_runs_sharing_one_cache_are_both_correct(tmp_path: Path) -> None:
    project = _project(tmp_path, files=120)
    command = cli_command("check", "pkg", "--jobs", "1")
    expected = subprocess.run(
        cli_command("check", "pkg", "--no-cache"), cwd=project, capture_output=True, text=True
    )
    runs = [
        subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for process in runs:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 1, err
        assert out == expected.stdout and "Traceback" not in err and "warning" not in err
    again = subprocess.run(command, cwd=project, capture_output=True, text=True)
    assert again.stdout == expected.stdout


def test_jobs_never_change_the_output(tmp_path: Path) -> None:
    project = _project(tmp_path, files=2 * runner.PARALLEL_THRESHOLD)
    (project / "pkg" / "mod007.py").write_text("def broken(:\n", encoding="utf-8")
    outputs = {
        jobs: run_in_process(["check", "pkg", "--no-cache", "--jobs", jobs], cwd=project).stdout
        for jobs in ("1", "2", "3")
    }
    assert outputs["1"].count("\n") == 2 * runner.PARALLEL_THRESHOLD
    assert outputs["1"] == outputs["2"] == outputs["3"]


def test_score_does_not_depend_on_jobs(tmp_path: Path) -> None:
    project = _project(tmp_path, files=2 * runner.PARALLEL_THRESHOLD)
    scores = {
        jobs: run_in_process(
            ["score", "pkg", "--no-cache", "--format", "json", "--jobs", jobs], cwd=project
        ).stdout
        for jobs in ("1", "2")
    }
    assert scores["1"] == scores["2"] and '"score"' in scores["1"]


def _sigint_as_in_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow  # 600 files of 400 defs: the run must still be analysing when interrupted
def test_an_interrupted_run_leaves_no_traceback_and_a_sound_cache(tmp_path: Path) -> None:
    project = _project(tmp_path, files=600)
    big = "".join(f"def f{i}(x):\n    return x\n\n\n" for i in range(400))
    for path in (project / "pkg").glob("mod*.py"):
        path.write_text('"""Big."""\n' + big, encoding="utf-8")
    cache = project / "cache"
    process = subprocess.Popen(
        cli_command("check", "pkg", "--jobs", "2", "--cache-dir", str(cache)),
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as a terminal sends it: a test runner's worker may ignore SIGINT, and a
        # program started with it ignored never sees it (Python keeps an ignored SIGINT).
        preexec_fn=_sigint_as_in_a_terminal,
    )
    # Ready: the run has found its files and opened the cache, and analyses the 600 files
    # (seconds of work) next. Interrupted there, it must say so and exit 130.
    database = cache / "cache.sqlite3"
    deadline = time.monotonic() + 120
    while not database.exists():
        assert process.poll() is None, "the run ended before it opened its cache"
        assert time.monotonic() < deadline, "the run never opened its cache"
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "qemlflow-lint: interrupted" in err
    assert "Traceback" not in err
    done = subprocess.run(
        cli_command("check", "pkg", "--jobs", "2", "--cache-dir", str(cache)),
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "warning" not in done.stderr and "Traceback" not in done.stderr
    assert done.stdout.count("QF002") == 600 * 400


def test_a_cache_another_run_holds_for_writing_is_one_warning_and_the_run_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = ResultCache(str(tmp_path))
    assert cache.connection is not None
    cache.connection.execute("PRAGMA busy_timeout = 0")  # give up at once instead of after 30 s
    other = sqlite3.connect(tmp_path / "cache.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another run is writing
    try:
        cache.touch(["a key"])
    finally:
        other.close()
    assert cache.connection is None  # given up for this run: every file is analysed
    assert cache.results([("a key", "a.py")]) == [None]
    assert capsys.readouterr().err == (
        f"qemlflow-lint: warning: the cache {tmp_path / 'cache.sqlite3'} failed (database is locked); "
        "this run goes on without it\n"
    )
