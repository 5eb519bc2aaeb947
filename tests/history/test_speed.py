"""The speed benchmark of ``trend`` runs end to end (a small history: the figures of the
full run are in benchmarks/README.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.frontends import REPO
from tests.history.gitrepo import GitRepo


@pytest.mark.slow
def test_the_trend_benchmark_builds_a_history_and_times_it() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "trend.py"),
            "--commits",
            "12",
            "--files",
            "30",
            "--rounds",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("12 commits, 30 files, ")
    assert lines[2] == "| run | median s | min–max s | runs | target | result |"
    assert [line.split(" | ")[0] for line in lines[4:6]] == ["| cold", "| warm"]


@pytest.mark.slow
def test_the_trend_benchmark_times_a_real_repository_given_to_it(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "real")
    for number in range(3):
        repo.commit(f"Step {number}", {"chem/__init__.py": f'"""Chem {number}."""\n'})
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "trend.py"),
            "--repository",
            str(repo.root),
            "--rounds",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"real at {repo.head()[:7]}, 3 commits, ")
    assert lines[1].startswith("rounds: load ")
    assert lines[3] == "| run | median s | min–max s | runs | target | result |"
    assert [line.split(" | ")[0] for line in lines[5:7]] == ["| cold", "| warm"]
    assert all(line.endswith("| **PASS** |") for line in lines[5:7])
