"""``trend`` scores each commit exactly as ``score`` scores a clean checkout of it: at HEAD,
at older commits (in a scratch worktree), for a folder, from a subfolder, and with one
configuration (``--config-from``) for every commit."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qemlflow_lint.history import analyse, batch
from qemlflow_lint.run import runner
from tests.history.gitrepo import GitRepo
from tests.history.projects import assert_same_score, built_copy, checkout, run, score_json, trend_json


@pytest.fixture()
def history(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[GitRepo, list[str]]:
    """The project's history, with a symbolic link added last; the working directory is
    the repository."""
    repo, commits = built_copy(tmp_path_factory, tmp_path / "repo")
    os.symlink("kernel.py", repo.root / "chem" / "alias.py")
    commits.append(repo.commit("Link an alias of the kernel"))
    monkeypatch.chdir(repo.root)
    return repo, commits


def test_every_commit_scores_as_score_does_on_its_clean_checkout(
    history: tuple[GitRepo, list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo, commits = history
    trend = trend_json(capsys, "--cache-dir", str(tmp_path / "cache"))
    points = trend["points"]
    assert [point["commit"] for point in points] == commits
    for number, point in enumerate(points):
        monkeypatch.chdir(checkout(repo, point["commit"], tmp_path / f"worktree{number}"))
        assert_same_score(point, score_json(capsys))
    # What the history has: the QF000 file counts, the configuration changed.
    assert [point["unparseable"] for point in points] == [0, 1, 1, 1, 1, 1]
    assert points[1]["config_hash"] == points[0]["config_hash"] != points[2]["config_hash"]


def test_head_equals_score_on_a_clean_checkout_when_the_working_tree_is_dirty(
    history: tuple[GitRepo, list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo, commits = history
    repo.write({"chem/io.py": "import torch\nprint(1)\n", "chem/new.py": "def f(x): pass\n"})
    head = trend_json(capsys, "--max-commits", "1", "--no-cache")["points"]
    assert [point["commit"] for point in head] == [commits[-1]]
    monkeypatch.chdir(checkout(repo, "HEAD", tmp_path / "clean"))
    assert_same_score(head[0], score_json(capsys))


def test_a_folder_and_a_subfolder_score_as_score_does_there(
    history: tuple[GitRepo, list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo, commits = history
    folder = trend_json(capsys, "chem", "--no-cache")["points"]
    monkeypatch.chdir(repo.root / "chem")
    inside = trend_json(capsys, ".", "--no-cache")["points"]
    assert folder == inside
    clean = checkout(repo, commits[2], tmp_path / "old")
    monkeypatch.chdir(clean)
    assert_same_score(folder[2], score_json(capsys, "chem"))
    monkeypatch.chdir(clean / "chem")
    assert_same_score(folder[2], score_json(capsys, "."), below="chem/")


def test_config_from_head_scores_every_commit_with_heads_configuration(
    history: tuple[GitRepo, list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo, commits = history
    own = trend_json(capsys, "--no-cache")
    yardstick = trend_json(capsys, "--no-cache", "--config-from", "HEAD")
    assert own["config"] == "each commit's own configuration"
    assert yardstick["config"].startswith("the configuration of HEAD (")
    # The first commits weigh documentation as the profile does; HEAD weighs it more.
    assert own["points"][0]["score"] != yardstick["points"][0]["score"]
    assert own["points"][-1] == yardstick["points"][-1]
    assert len({point["config_hash"] for point in yardstick["points"]}) == 1
    clean = checkout(repo, commits[0], tmp_path / "first")
    for name in ("pyproject.toml", "sub/pyproject.toml"):
        (clean / name).write_bytes((repo.root / name).read_bytes())
    monkeypatch.chdir(clean)
    assert_same_score(yardstick["points"][0], score_json(capsys))


def test_a_commit_whose_configuration_is_wrong_is_listed_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit("Start", {"pyproject.toml": "[tool.qemlflow-lint]\n", "m.py": '"""M."""\n'})
    repo.commit("Break the configuration", {"pyproject.toml": "[tool.qemlflow-lint]\nselect = 3\n"})
    repo.commit("Mend it", {"pyproject.toml": "[tool.qemlflow-lint]\n"})
    monkeypatch.chdir(repo.root)
    points = trend_json(capsys, "--no-cache")["points"]
    assert [point["score"] for point in points] == [100.0, None, 100.0]
    assert points[1]["error"].startswith("pyproject.toml [tool.qemlflow-lint]: 'select'")
    code, out, err = run(capsys, "trend", "--no-cache")
    assert code == 0, err
    assert "Not scored (1):" in out and "'select'" in out
    # A yardstick that is wrong itself is the user's mistake: exit 2, one line.
    code, out, err = run(capsys, "trend", "--no-cache", "--config-from", "HEAD~1")
    assert (code, out) == (2, "")
    assert err.startswith("qemlflow-lint: error: pyproject.toml [tool.qemlflow-lint]: 'select'")
    assert len(err.splitlines()) == 1


def test_commits_without_python_files_have_no_score(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit("Only a README", {"README.md": "# Project\n"})
    repo.commit("Some code", {"pkg/__init__.py": '"""Pkg."""\n'})
    repo.commit("Code gone", {"pkg/__init__.py": None})
    monkeypatch.chdir(repo.root)
    points = trend_json(capsys, "--no-cache")["points"]
    assert [(point["score"], point["files"]) for point in points] == [(None, 0), (100.0, 1), (None, 0)]
    code, out, _ = run(capsys, "trend", "--no-cache")
    assert code == 0
    last = next(line for line in out.splitlines() if line.startswith(repo.head()[:10]))
    assert last.split()[-3:] == ["—", "Code", "gone"]
    assert "\n·▄·\n" in out  # one score: the middle bar; no score: a dot


def _in_a_worker(record: str, work: Callable[[Any], list[Any]], chunk: Any) -> list[Any]:
    """``work`` on ``chunk``, after writing down which process ran it."""
    with open(record, "a", encoding="utf-8") as stream:
        stream.write(f"{os.getpid()}\n")
    return work(chunk)


def test_every_core_gives_the_same_trend_as_one(
    history: tuple[GitRepo, list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The pools start from a few files and commits here, so that this small history takes them.
    monkeypatch.setattr(analyse, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(batch, "PARALLEL_RESULTS", 2)
    record = tmp_path / "processes.txt"

    def recording(work: Any, chunks: Any, workers: int) -> Any:
        return runner.map_in_processes(functools.partial(_in_a_worker, str(record), work), chunks, workers)

    for module in (analyse, batch):
        monkeypatch.setattr(module, "map_in_processes", recording)
    one = trend_json(capsys, "--jobs", "1", "--cache-dir", str(tmp_path / "one"))
    assert not record.exists(), "with one core, every commit is scored in this process"
    every = trend_json(capsys, "--jobs", "2", "--cache-dir", str(tmp_path / "two"))
    workers = set(record.read_text(encoding="utf-8").split())
    assert workers and str(os.getpid()) not in workers, "with two, the work is done in other processes"
    assert every == one
    assert len(one["points"]) == 6
