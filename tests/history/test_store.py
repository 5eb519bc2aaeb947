"""The history store: a commit once scored is never scored again, a rerun prints the same,
two runs may share the store, a damaged store is a warning and is rebuilt, and
``load_trend`` reads the latest trend without git."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from qemlflow_lint.analysis.source import SourceError
from qemlflow_lint.history import analyse, store
from qemlflow_lint.history.encode import trend_from
from qemlflow_lint.history.model import CommitScore
from qemlflow_lint.history.yardstick import OWN, store_key
from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.run.file import analyse_source
from tests.frontends import cli_command
from tests.history.gitrepo import GitRepo
from tests.history.projects import built_copy, run

SUMMARY = (
    "trend: {total} commit(s): {scored} scored now ({analysed} file(s) analysed), {stored} from the store"
)


@pytest.fixture()
def repo(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> GitRepo:
    made, _ = built_copy(tmp_path_factory, tmp_path / "repo")
    monkeypatch.chdir(made.root)
    return made


@pytest.fixture()
def analysed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The places of the files really analysed (not served by the store or the cache)."""
    places: list[str] = []
    original = analyse_source

    def counting(text: str | SourceError, place: str, *args: Any, **kwargs: Any) -> FileResult:
        places.append(place)
        return original(text, place, *args, **kwargs)

    monkeypatch.setattr(analyse, "analyse_source", counting)
    return places


def _summary(err: str) -> str:
    return err.strip().splitlines()[-1]


def test_a_rerun_scores_nothing_and_prints_the_same(
    repo: GitRepo, analysed: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, first, err = run(capsys, "trend", "--jobs", "1")
    assert code == 0, err
    assert _summary(err) == SUMMARY.format(total=5, scored=5, analysed=len(analysed), stored=0)
    assert analysed
    analysed.clear()
    code, second, err = run(capsys, "trend", "--jobs", "1")
    assert (code, second) == (0, first)
    assert _summary(err) == SUMMARY.format(total=5, scored=0, analysed=0, stored=5)
    assert analysed == []
    # The JSON of the stored trend is the JSON of the first run too.
    assert run(capsys, "trend", "--format", "json")[1] == run(capsys, "trend", "--format", "json")[1]


def test_a_new_commit_is_the_only_one_scored_and_only_its_changed_file_analysed(
    repo: GitRepo, analysed: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "trend", "--jobs", "1")[0] == 0
    analysed.clear()
    repo.commit(
        "Type the legacy module",
        {"chem/legacy.py": '"""Legacy."""\n\n\ndef old(x: int) -> int:\n    """Old."""\n    return x\n'},
    )
    code, _, err = run(capsys, "trend", "--jobs", "1")
    assert code == 0, err
    assert _summary(err) == SUMMARY.format(total=6, scored=1, analysed=1, stored=5)
    assert [Path(place).name for place in analysed] == ["legacy.py"]


def test_the_result_cache_serves_a_rebuilt_store_and_other_options_are_stored_apart(
    repo: GitRepo, analysed: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "trend", "--jobs", "1")[0] == 0
    (repo.root / ".qemlflow-lint-cache" / store.DATABASE).unlink()
    analysed.clear()
    code, _, err = run(capsys, "trend", "--jobs", "1")
    assert _summary(err) == SUMMARY.format(total=5, scored=5, analysed=0, stored=0)
    # Another yardstick is another key: scored again (its files from the result cache).
    code, _, err = run(capsys, "trend", "--jobs", "1", "--config-from", "HEAD")
    assert code == 0, err
    assert _summary(err) == SUMMARY.format(total=5, scored=5, analysed=0, stored=0)
    assert analysed == []


def test_no_cache_neither_reads_nor_writes_a_store(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "trend", "--no-cache")
    assert code == 0, err
    assert not (repo.root / ".qemlflow-lint-cache").exists()


def test_a_damaged_store_is_a_warning_and_is_rebuilt(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, first, _ = run(capsys, "trend")
    database = repo.root / ".qemlflow-lint-cache" / store.DATABASE
    database.write_bytes(b"this is not a database" * 100)
    code, out, err = run(capsys, "trend")
    assert (code, out) == (0, first)
    warning, summary = err.strip().splitlines()
    assert warning.startswith(f"qemlflow-lint: warning: the history store {database} was damaged")
    assert summary == SUMMARY.format(total=5, scored=5, analysed=0, stored=0)
    code, out, err = run(capsys, "trend")
    assert (code, out, err.strip()) == (0, first, SUMMARY.format(total=5, scored=0, analysed=0, stored=5))


def test_a_damaged_entry_is_scored_again(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, first, _ = run(capsys, "trend")
    database = repo.root / ".qemlflow-lint-cache" / store.DATABASE
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE scores SET payload = '{\"commit\": 3}' WHERE rowid = 1")
        connection.execute("UPDATE trends SET payload = '[]'")
    code, out, err = run(capsys, "trend")
    assert (code, out) == (0, first)
    assert _summary(err) == SUMMARY.format(total=5, scored=1, analysed=0, stored=4)


def test_load_trend_reads_the_latest_trend_without_git(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert store.load_trend(str(repo.root)) is None
    code, out, _ = run(capsys, "trend", "--format", "json", "--max-commits", "3")
    assert code == 0
    expected = trend_from(json.loads(out))

    def no_git(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"load_trend ran a program: {args}")

    monkeypatch.setattr(subprocess, "run", no_git)
    monkeypatch.setattr(subprocess, "Popen", no_git)
    loaded = store.load_trend(str(repo.root))
    assert loaded == expected
    assert len(loaded.points) == 3 and loaded.drops


def test_load_trend_of_a_damaged_store_is_none_with_a_warning(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = repo.root / ".qemlflow-lint-cache"
    folder.mkdir()
    (folder / store.DATABASE).write_bytes(b"garbage" * 1000)
    assert store.load_trend(str(repo.root)) is None
    assert capsys.readouterr().err.startswith("qemlflow-lint: warning: cannot read the history store")


@pytest.mark.slow
def test_two_runs_at_once_share_the_store(repo: GitRepo, tmp_path: Path) -> None:
    for number in range(12):  # enough commits for the two runs to overlap
        repo.commit(f"Step {number}", {f"chem/step{number}.py": f"def step(x):\n    return x + {number}\n"})
    command = cli_command("trend", "--format", "json", "--cache-dir", str(tmp_path / "shared"))
    runs = [
        subprocess.Popen(
            command, cwd=str(repo.root), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=300) for process in runs]
    for process, (_, err) in zip(runs, outputs):
        assert process.returncode == 0, err
        assert "Traceback" not in err and "warning" not in err, err
    assert outputs[0][0] == outputs[1][0]
    assert len(json.loads(outputs[0][0])["points"]) == 17
    with sqlite3.connect(tmp_path / "shared" / store.DATABASE) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT COUNT(*) FROM scores").fetchone() == (17,)
    third = subprocess.run(command, cwd=str(repo.root), capture_output=True, text=True, timeout=300)
    assert third.stdout == outputs[0][0]
    assert third.stderr.strip().endswith("0 scored now (0 file(s) analysed), 17 from the store")


def test_the_store_key_ignores_where_an_absent_flag_came_from() -> None:
    empty = store_key(OWN, [""], (), noqa=True, gitignore=True)
    assert store_key(OWN, [""], (({}, "command line"),), noqa=True, gitignore=True) == empty
    assert (
        store_key(OWN, [""], (({"select": ["QF001"]}, "command line"),), noqa=True, gitignore=True) != empty
    )
    assert store_key(OWN, ["chem"], (), noqa=True, gitignore=True) != empty


def test_a_store_another_run_holds_for_writing_is_one_warning_and_the_run_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    point = CommitScore("a" * 40, "2026-01-01T00:00:00+00:00", "Ada", "First", 90.0, {"QF003": 100.0})
    held = store.TrendStore(str(tmp_path))
    assert held.connection is not None
    held.connection.execute("PRAGMA busy_timeout = 0")  # give up at once instead of after 30 s
    other = sqlite3.connect(tmp_path / store.DATABASE, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another run is writing
    try:
        held.add([point], "config", "tool")
    finally:
        other.close()
    assert held.connection is None  # given up for this run: the commits are scored afresh
    assert held.scores([point.commit], "config", "tool") == {}
    database = tmp_path / store.DATABASE
    assert capsys.readouterr().err == (
        f"qemlflow-lint: warning: the history store {database} failed (database is locked); "
        "this run goes on without it\n"
    )
    again = store.TrendStore(str(tmp_path))  # the next run writes and reads it back
    again.add([point], "config", "tool")
    assert again.scores([point.commit], "config", "tool") == {point.commit: point}
    again.close()
