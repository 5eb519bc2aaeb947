"""The speed benchmark of ``trend`` runs end to end (a small history: the figures of the
full run are in benchmarks/README.md)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.frontends import REPO


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
