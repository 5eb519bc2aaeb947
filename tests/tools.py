"""The programs and modules that some tests need beyond pytest, and what happens without them.

On a developer's machine a missing tool skips the test that needs it, with the reason. In
CI (``CI=true``, which GitHub Actions, GitLab CI and most others set) it fails the test: there
a missing tool is a broken set-up, and a run that skipped the tests that need it would look
green while testing less.

Programs are looked for next to the running interpreter first (``sysconfig``'s scripts
folder, where the test extra installs them, active virtual environment or not), then on
``PATH``.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import shutil
import sys
import sysconfig
from types import ModuleType
from typing import NoReturn

import pytest


def in_ci() -> bool:
    """True where a missing tool must fail the tests (``CI=true``)."""
    return os.environ.get("CI", "").strip().lower() == "true"


def missing(reason: str) -> NoReturn:
    """Skip the test (or the module, at import time) for ``reason``; fail it in CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a missing tool fails the test instead of skipping it)")
    pytest.skip(reason, allow_module_level=True)


def needs_module(name: str, reason: str) -> ModuleType:
    """The module ``name``, imported; ``reason`` says why the tests need it."""
    try:
        return importlib.import_module(name)
    except ImportError:
        missing(f"{name} is not installed: {reason}")


def program(name: str) -> str | None:
    """The path of the program ``name``: next to the running interpreter, else on PATH."""
    return shutil.which(name, path=sysconfig.get_path("scripts")) or shutil.which(name)


def needs_program(name: str, reason: str) -> str:
    """The path of the program ``name``; ``reason`` says why the tests need it."""
    found = program(name)
    if found is None:
        missing(f"no `{name}` program: {reason}")
    return found


def ruff_command() -> list[str]:
    """How to run ruff (the test extra's): its script next to this interpreter, else
    ``python -m ruff``, else a ruff on PATH."""
    scripts = shutil.which("ruff", path=sysconfig.get_path("scripts"))
    if scripts is not None:
        return [scripts]
    if importlib.util.find_spec("ruff") is not None:
        return [sys.executable, "-m", "ruff"]
    return [needs_program("ruff", "ruff is in the test extra")]
