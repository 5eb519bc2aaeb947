"""What every test session does once, before any test runs.

Many tests start the command line in a fresh interpreter, as a user does. Where
``PYTHONDONTWRITEBYTECODE`` is set (CI machines often set it, and the tests set it for the
programs they start, so that no ``__pycache__`` lands in a fixture or a temporary project),
each of those interpreters would compile every module of the package it imports from source,
again and again: about a quarter of a second for the whole package, on every run. So the
session compiles the package once, into its usual ``__pycache__`` folders (git-ignored), and
every interpreter the tests start reads the bytecode; a source file changed since is still
compiled afresh (the bytecode records the source's time and size).
"""

from __future__ import annotations

import compileall
from pathlib import Path

import pytest

import qemlflow_lint


def pytest_configure(config: pytest.Config) -> None:
    """Compile the package under test once per session (on the controller only: the
    pytest-xdist workers start after it and read the same files)."""
    if hasattr(config, "workerinput"):
        return
    package = Path(qemlflow_lint.__file__).parent
    compileall.compile_dir(package, quiet=1)
