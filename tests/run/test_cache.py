"""The result cache never serves a stale result and never breaks a run; ``--jobs`` never
changes the output."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from qemlflow_lint.cli import main
from qemlflow_lint.run import runner
from tests.frontends import cli_command

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
    "damage",
    [
        pytest.param(lambda db: db.write_bytes(b"this is not a database" * 100), id="garbage"),
        pytest.param(lambda db: db.write_bytes(db.read_bytes()[:1500]), id="truncated"),
        pytest.param(lambda db: db.write_bytes(b""), id="empty"),
    ],
)
def test_a_damaged_cache_is_rebuilt_with_one_warning(
    project: Path, capsys: pytest.CaptureFixture[str], damage: object
) -> None:
    _, before, _ = _check(capsys)
    database = project / ".qemlflow-lint-cache" / "cache.sqlite3"
    for suffix in ("-wal", "-shm"):
        Path(str(database) + suffix).unlink(missing_ok=True)
    damage(database)  # type: ignore[operator]
    code, after, err = _check(capsys)
    assert after == before and code == 1
    warnings = [line for line in err.splitlines() if "warning" in line]
    assert len(warnings) <= 1 and "Traceback" not in err
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
        jobs: subprocess.run(
            cli_command("check", "pkg", "--no-cache", "--jobs", jobs),
            cwd=project,
            capture_output=True,
            text=True,
        ).stdout
        for jobs in ("1", "2", "3")
    }
    assert outputs["1"].count("\n") == 2 * runner.PARALLEL_THRESHOLD
    assert outputs["1"] == outputs["2"] == outputs["3"]


def test_score_does_not_depend_on_jobs(tmp_path: Path) -> None:
    project = _project(tmp_path, files=2 * runner.PARALLEL_THRESHOLD)
    scores = {
        jobs: subprocess.run(
            cli_command("score", "pkg", "--no-cache", "--format", "json", "--jobs", jobs),
            cwd=project,
            capture_output=True,
            text=True,
        ).stdout
        for jobs in ("1", "2")
    }
    assert scores["1"] == scores["2"] and '"score"' in scores["1"]


def test_an_interrupted_run_leaves_no_traceback_and_a_sound_cache(tmp_path: Path) -> None:
    project = _project(tmp_path, files=600)
    big = "".join(f"def f{i}(x):\n    return x\n\n\n" for i in range(400))
    for path in (project / "pkg").glob("mod*.py"):
        path.write_text('"""Big."""\n' + big, encoding="utf-8")
    process = subprocess.Popen(
        cli_command("check", "pkg", "--jobs", "2"),
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    if process.returncode == 130:
        assert "interrupted" in err
    assert "Traceback" not in err
    done = subprocess.run(
        cli_command("check", "pkg", "--jobs", "2"), cwd=project, capture_output=True, text=True
    )
    assert done.returncode == 1 and "warning" not in done.stderr and "Traceback" not in done.stderr
    assert done.stdout.count("QF002") == 600 * 400
