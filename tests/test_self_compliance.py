"""The package obeys its own rules, through every front end, and is strictly typed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.frontends import FRONT_ENDS, REPO


#: flake8 and pylint over the whole package take seconds; the CLI stays in the quick run.
@pytest.mark.parametrize(
    "front_end",
    [name if name == "cli" else pytest.param(name, marks=pytest.mark.slow) for name in sorted(FRONT_ENDS)],
)
def test_package_has_no_findings(front_end: str) -> None:
    assert FRONT_ENDS[front_end](["qemlflow_lint"]) == []


@pytest.mark.slow
def test_mypy_strict_passes() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental"], cwd=str(REPO), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_the_code_is_formatted() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."],
        cwd=str(REPO),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_the_code_passes_ruff_check() -> None:
    # The package, the tests, the benchmarks and the docs generator, with the rules the
    # pyproject.toml selects (pycodestyle, pyflakes, isort, pyupgrade, bugbear, …).
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
        cwd=str(REPO),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All checks passed!" in done.stdout
