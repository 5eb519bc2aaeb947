"""This checkout as pip installs it, for the tests that install it as users do (pre-commit,
tox).

pip and pre-commit install a project's committed or built state, never untracked files, so
the tests copy what an installation needs from the working tree instead of pointing the tools
at the checkout: the result is the same from a clean checkout, one with uncommitted work, or
an unpacked source archive.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Sequence

from frontends import REPO

#: What ``pip install`` of the project needs.
INSTALLABLE = ("qemlflow_lint", "pyproject.toml", "README.md")


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
