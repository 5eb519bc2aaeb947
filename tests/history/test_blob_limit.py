"""A file over the size limit is scored as unreadable, with the reason, and never read whole:
one generated module must not decide how much memory ``trend`` needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.frontends import REPO, cli_command
from tests.history.gitrepo import GitRepo
from tests.history.projects import run, trend_json

SMALL = '"""Small."""\n\n\ndef f(x: int) -> int:\n    """F."""\n    return x\n'


def _generated(size: int) -> str:
    """A module of about ``size`` bytes: many small untyped functions, as generated code is."""
    block = "def f{0}(x, y=1):\n    z = str(x) + str(y)\n    return [z for _ in range(3)]\n\n\n"
    count = size // len(block.format(0)) + 1
    return '"""Generated."""\n\n\n' + "".join(block.format(n) for n in range(count))


def _history(root: Path, big: int) -> GitRepo:
    repo = GitRepo(root)
    repo.commit("Small module", {"chem/__init__.py": '"""Chem."""\n', "chem/small.py": SMALL})
    repo.commit("Generated module", {"chem/generated.py": _generated(big)})
    repo.commit("Edit the small module", {"chem/small.py": SMALL + "\n\ndef g(x):\n    return x\n"})
    return repo


def test_a_file_over_the_limit_is_scored_unreadable_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _history(tmp_path / "repo", 3000)
    monkeypatch.chdir(repo.root)
    code, out, err = run(capsys, "trend", "--format", "json", "--max-file-size", "2K", "--no-cache")
    assert code == 0, err
    points = json.loads(out)["points"]
    assert [point["unparseable"] for point in points] == [0, 1, 1]
    assert [point["files"] for point in points] == [2, 3, 3]
    size = len(_generated(3000).encode())
    # One warning: the blob is the same in both commits, and is looked at once.
    assert err.count("warning: ") == 1
    assert (
        f"chem/generated.py (blob {repo.git('rev-parse', 'HEAD:chem/generated.py')[:10]}): "
        f"too large to analyse: {size:,} bytes, over the limit of 2,048 (trend --max-file-size)"
    ) in err
    # Without the limit the same commits are scored again (the limit is part of the store's
    # key), and the file is analysed.
    unlimited = trend_json(capsys, "--max-file-size", "0", "--cache-dir", str(tmp_path / "cache"))
    assert [point["unparseable"] for point in unlimited["points"]] == [0, 0, 0]
    limited = trend_json(capsys, "--max-file-size", "2k", "--cache-dir", str(tmp_path / "cache"))
    assert [point["unparseable"] for point in limited["points"]] == [0, 1, 1]
    assert [p["score"] for p in limited["points"]] != [p["score"] for p in unlimited["points"]]


def test_a_size_that_is_not_one_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _history(tmp_path / "repo", 100)
    monkeypatch.chdir(repo.root)
    with pytest.raises(SystemExit) as exit_info:
        run(capsys, "trend", "--max-file-size", "2 MB please")
    assert exit_info.value.code == 2
    assert "--max-file-size: expected a size such as 1048576, 512K or 2M, got '2 MB please'" in (
        capsys.readouterr().err
    )


def test_a_cache_folder_given_relative_to_the_working_directory_still_scores_the_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit("A module", {"small.py": SMALL})
    monkeypatch.chdir(repo.root)
    trend = trend_json(capsys, "--cache-dir", "../cache")
    assert [(point["files"], point["score"]) for point in trend["points"]] == [(1, 100.0)]


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss is in KiB on Linux only")
def test_a_history_with_a_50_mb_module_is_scored_in_under_500_mb(tmp_path: Path) -> None:
    repo = _history(tmp_path / "repo", 50 << 20)
    command = cli_command("trend", "--format", "json", "--cache-dir", str(tmp_path / "cache"))
    env = dict(os.environ, PYTHONPATH=str(REPO))
    out, err = tmp_path / "out.json", tmp_path / "err.txt"

    def limit_memory() -> None:  # a regression fails this test, not the machine: at most 3 GiB
        import resource  # POSIX only: imported in the child

        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    with out.open("wb") as stdout, err.open("wb") as stderr:
        child = subprocess.Popen(
            command, cwd=str(repo.root), env=env, stdout=stdout, stderr=stderr, preexec_fn=limit_memory
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 0, err.read_text()
    peak_mb = usage.ru_maxrss / 1024  # the largest process of the run: the CLI or a worker
    assert peak_mb < 500, f"trend peaked at {peak_mb:.0f} MB"
    points = json.loads(out.read_text())["points"]
    assert [point["unparseable"] for point in points] == [0, 1, 1]
    assert "too large to analyse: " in err.read_text()
