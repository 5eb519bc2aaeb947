"""This checkout as pip installs it, for the tests that install it as users do (pre-commit,
tox, ``init --install-from``, the release build).

pip and pre-commit install a project's committed or built state, never untracked files, so
the tests copy what an installation needs from the working tree instead of pointing the tools
at the checkout: the result is the same from a clean checkout, one with uncommitted work, or
an unpacked source archive. A copy also keeps build output (``build/``, ``*.egg-info``) out
of the working tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from tests.frontends import REPO

#: What ``pip install`` of the project needs.
INSTALLABLE = ("qemlflow_lint", "pyproject.toml", "README.md")
#: The author and committer of the tests' commits.
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "qemlflow-lint tests",
    "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "qemlflow-lint tests",
    "GIT_COMMITTER_EMAIL": "tests@example.invalid",
}


def copy_installable(destination: Path, extra: Sequence[str] = ()) -> Path:
    """Copy the installable files (and ``extra`` ones) of the working tree to ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in (*INSTALLABLE, *extra):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, destination / name)
    return destination


def build_wheelhouse(destination: Path) -> Path:
    """Wheels of this project (with the ``flake8`` extra), its dependencies and setuptools,
    so that tools can install it with ``PIP_NO_INDEX=1 PIP_FIND_LINKS=destination``. Building
    needs the package index once (for the build backend and the dependencies)."""
    source = copy_installable(destination.parent / f"{destination.name}-source")
    command = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--disable-pip-version-check",
        "--wheel-dir",
        str(destination),
        f"{source}[flake8]",
        "setuptools",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return destination


def git_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) without the variables that point git
    elsewhere, with the tests' identity."""
    env = {k: v for k, v in (os.environ if base is None else base).items() if not k.startswith("GIT_")}
    env.update(GIT_IDENTITY)
    return env


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run ``git ARGS`` in ``cwd`` and return its output; a failure fails the test."""
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=git_env(env), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


def commit_all(cwd: Path, message: str, env: dict[str, str] | None = None) -> None:
    """Commit everything in the git repository ``cwd`` (a new one if it is none yet)."""
    if not (cwd / ".git").exists():
        git(cwd, "init", "--quiet", env=env)
    git(cwd, "add", "--all", env=env)
    git(cwd, "commit", "--quiet", "--no-verify", "-m", message, env=env)


def committed_snapshot(destination: Path, extra: Sequence[str] = (), tag: str | None = None) -> Path:
    """A git repository at ``destination`` whose one commit (tagged ``tag``) holds the
    installable files (and ``extra`` ones) of the working tree."""
    copy_installable(destination, extra)
    commit_all(destination, "qemlflow-lint snapshot")
    if tag is not None:
        git(destination, "tag", tag)
    return destination


def without_this_project(wheelhouse: Path, destination: Path) -> Path:
    """A copy of ``wheelhouse`` without this project's wheel: what it needs, so that an
    installation that finds qemlflow-lint got it from the source it was given."""
    destination.mkdir(parents=True, exist_ok=True)
    for wheel in wheelhouse.iterdir():
        if not wheel.name.startswith("qemlflow_lint-"):
            shutil.copy2(wheel, destination / wheel.name)
    return destination
