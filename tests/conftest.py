"""What every test session does once, before any test runs.

Many tests start the command line in a fresh interpreter, as a user does. Where
``PYTHONDONTWRITEBYTECODE`` is set (CI machines often set it, and the tests set it for the
programs they start, so that no ``__pycache__`` lands in a fixture or a temporary project),
each of those interpreters would compile every module of the package it imports from source,
again and again: about a quarter of a second for the whole package, on every run. So the
session compiles the package once, into its usual ``__pycache__`` folders (git-ignored), and
every interpreter the tests start reads the bytecode; a source file changed since is still
compiled afresh (the bytecode records the source's time and size).

For the same reason pytest would rewrite the asserts of every test module in every test
process, about three seconds each time: it keeps the rewritten modules only where bytecode
may be written. So bytecode may be written while the tests are collected (test modules and
the packages they import, none of them in a fixture or a temporary project), and not after.
"""

from __future__ import annotations

import compileall
import sys
from collections.abc import Iterator
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


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session) -> Iterator[None]:
    """Keep the test modules' rewritten bytecode (``__pycache__``, git-ignored) while they
    are collected, whatever ``PYTHONDONTWRITEBYTECODE`` says."""
    del session
    writes = sys.dont_write_bytecode
    sys.dont_write_bytecode = False
    try:
        return (yield)
    finally:
        sys.dont_write_bytecode = writes
