"""Finding the tools on this machine and a compiled copy of this checkout's package."""

from __future__ import annotations

import ast
import compileall
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.base import REPO, BenchmarkError

#: Runs a module of this checkout in a fresh interpreter whose working directory is the
#: corpus. ``python -c`` and ``-m`` would put the working directory first on ``sys.path``,
#: where the standard-library copy would shadow the real one, so that entry is dropped and
#: the repository root goes first instead (it is this checkout that is measured).
LAUNCHER = (
    "import os, sys; here = os.getcwd(); "
    "sys.path[:] = [{repo!r}] + [p for p in sys.path if p and os.path.abspath(p) != here]; "
    "import runpy; runpy.run_module({module!r}, run_name='__main__', alter_sys=True)"
)


@dataclass(frozen=True)
class Tool:
    """A tool found on this machine: how to start it and its version line."""

    argv: tuple[str, ...]
    version: str


def probe(argv: Sequence[str], env: Mapping[str, str]) -> tuple[bool, str]:
    """Run a ``--version``-like command; (worked, its first output lines or the error)."""
    try:
        done = subprocess.run(
            list(argv), capture_output=True, text=True, env=dict(env), timeout=120, cwd=tempfile.gettempdir()
        )
    except (OSError, subprocess.SubprocessError) as error:
        return False, str(error)
    text = " ".join((done.stdout or done.stderr).split())
    return done.returncode == 0, text


def compiled_copy(root: Path, destination: Path) -> Path:
    """A copy of the ``qemlflow_lint`` package of ``root`` below ``destination``, with its
    bytecode compiled (as pip does when it installs a package); returns ``destination``.

    The rows that run this checkout's code run it from this copy, so that they never depend
    on whether the checkout's ``__pycache__`` folders exist or may be written: with
    ``PYTHONDONTWRITEBYTECODE`` set, Python would otherwise compile every module of the
    package at every start, which no installed copy does. The copy is also a snapshot: edits
    made to the checkout during the run do not mix into it.
    """
    package = root / "qemlflow_lint"
    if not package.is_dir():
        raise BenchmarkError(f"{root} has no qemlflow_lint package")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(package, destination / "qemlflow_lint", ignore=ignore)
    # A module that does not compile is left to fail where it is imported, with its own message.
    compileall.compile_dir(str(destination / "qemlflow_lint"), quiet=2)
    return destination


def launcher(module: str, root: Path = REPO) -> tuple[str, ...]:
    """``python -c …`` running ``module`` as ``__main__`` with ``root`` (this checkout or its
    compiled copy) first on the path."""
    return (sys.executable, "-c", LAUNCHER.format(repo=str(root), module=module))


def find_qemlflow_lint(env: Mapping[str, str], root: Path = REPO) -> Tool | str:
    """This checkout's CLI (run from ``root``), or why it cannot run."""
    argv = launcher("qemlflow_lint", root)
    ok, text = probe((*argv, "--version"), env)
    return Tool(argv, text) if ok else f"qemlflow-lint cannot run here ({text[:200]})"


def find_ruff(env: Mapping[str, str]) -> Tool | str:
    """ruff next to this interpreter or on ``PATH``."""
    candidates = [str(Path(sysconfig.get_paths()["scripts"]) / "ruff"), shutil.which("ruff") or ""]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            ok, text = probe((candidate, "--version"), env)
            if ok:
                return Tool((candidate,), text)
    return "ruff is not installed (pip install ruff)"


def find_pylint(env: Mapping[str, str], root: Path = REPO) -> Tool | str:
    """pylint in this interpreter's environment (with ``root`` first on the path, so that
    ``--load-plugins`` loads this checkout's plugin)."""
    argv = launcher("pylint", root)
    ok, text = probe((*argv, "--version"), env)
    if not ok:
        return "pylint is not installed in this environment (pip install pylint)"
    versions = re.findall(r"(pylint|astroid) (\S+)", text)
    return Tool(argv, ", ".join(f"{name} {version}" for name, version in versions) or text)


def heavy_modules() -> list[str]:
    """The default heavy-module list, read from this checkout (without running its code):
    from ``qemlflow_lint/model/heavy.py``, or from whichever module of the package defines
    ``DEFAULT_HEAVY_MODULES`` if it has moved."""
    package = REPO / "qemlflow_lint"
    usual = package / "model" / "heavy.py"
    others = sorted(p for p in package.rglob("*.py") if p != usual and "__pycache__" not in p.parts)
    for path in ([usual] if usual.is_file() else []) + others:
        source = path.read_text(encoding="utf-8")
        if "DEFAULT_HEAVY_MODULES" not in source:
            continue
        for node in ast.parse(source).body:
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and node.target.id == "DEFAULT_HEAVY_MODULES"
                and node.value is not None
            ):
                value = ast.literal_eval(node.value)
                if isinstance(value, dict):
                    return [str(name) for name in value]
    raise BenchmarkError("DEFAULT_HEAVY_MODULES (a dict literal) not found in the qemlflow_lint package")
