"""The virtual environments of the flake8 rows: flake8 alone, with the equivalent plugins,
with this project's plugin (flake8 runs every plugin installed beside it)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.base import PROJECT_FILES, REPO, BenchmarkError, copy_project, progress
from benchmarks.timing import clean_environment
from benchmarks.tools import Tool, probe

#: The project's files that ``pip install`` needs (copied, so the work tree gets no build/).


@dataclass(frozen=True)
class Flake8Setup:
    """One virtual environment with flake8 and a set of plugins."""

    name: str
    label: str
    plugins: tuple[str, ...]
    with_project: bool = False


FLAKE8_SETUPS = (
    Flake8Setup("flake8", "flake8", ()),
    Flake8Setup("flake8-ann", "flake8 + flake8-annotations", ("flake8-annotations",)),
    Flake8Setup(
        "flake8-ann-tidy",
        "flake8 + flake8-annotations + flake8-tidy-imports",
        ("flake8-annotations", "flake8-tidy-imports"),
    ),
    Flake8Setup("flake8-qf", "flake8 + qemlflow-lint plugin", (), with_project=True),
)
STATE_FILE = "benchmark-state.json"


def _venv_bin(venv: Path, name: str) -> Path:
    if os.name == "nt":
        return venv / "Scripts" / f"{name}.exe"
    return venv / "bin" / name


def project_fingerprint() -> str:
    """A digest of the files ``pip install`` takes from this checkout."""
    digest = hashlib.sha256()
    for name in PROJECT_FILES:
        path = REPO / name
        paths = (
            sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
            if path.is_dir()
            else [path]
        )
        for item in paths:
            digest.update(str(item.relative_to(REPO)).encode())
            digest.update(item.read_bytes())
    return digest.hexdigest()


def _pip(venv: Path, arguments: Sequence[str]) -> None:
    python = _venv_bin(venv, "python")
    command = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *arguments]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        reason = lines[-1] if lines else "no message"
        raise BenchmarkError(f"pip install {' '.join(arguments)} failed: {reason}")


def _project_copy(work: Path) -> Path:
    copy = work / "project-source"
    if not copy.exists():
        copy_project(REPO, copy)
    return copy


def _installed_version(venv: Path, distribution: str) -> str:
    python = _venv_bin(venv, "python")
    done = subprocess.run(
        [str(python), "-c", f"import importlib.metadata as m; print(m.version({distribution!r}))"],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BenchmarkError(f"{distribution} is not installed in {venv.name}")
    return done.stdout.strip()


def ensure_venv(setup: Flake8Setup, root: Path, flake8_pin: str | None, work: Path) -> Path:
    """Create or update the virtual environment for ``setup``; returns its flake8."""
    venv = root / setup.name
    state_path = venv / STATE_FILE
    requirements = [f"flake8=={flake8_pin}" if flake8_pin else "flake8", *setup.plugins]
    wanted = {
        "python": sys.version,
        "requirements": requirements,
        "project": project_fingerprint() if setup.with_project else None,
    }
    try:
        state = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = None
    if state == wanted and _venv_bin(venv, "flake8").exists():
        return _venv_bin(venv, "flake8")
    if state is None or state.get("python") != sys.version or not _venv_bin(venv, "python").exists():
        progress(f"creating the virtual environment {setup.name} (first run only)")
        shutil.rmtree(venv, ignore_errors=True)
        done = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True)
        if done.returncode != 0:
            raise BenchmarkError(f"python -m venv failed: {(done.stderr or done.stdout).strip()[:200]}")
    else:
        progress(f"updating the virtual environment {setup.name}")
    _pip(venv, requirements)
    if setup.with_project:
        _pip(venv, ["--force-reinstall", "--no-deps", str(_project_copy(work))])
        _pip(venv, [str(_project_copy(work))])  # its dependencies, if new
    state_path.write_text(json.dumps(wanted), encoding="utf-8")
    return _venv_bin(venv, "flake8")


def prepare_flake8(root: Path, work: Path) -> tuple[dict[str, Tool], list[str]]:
    """Every flake8 virtual environment that could be made, and notes for those that could not."""
    tools: dict[str, Tool] = {}
    notes: list[str] = []
    pin: str | None = None
    env = clean_environment()
    for setup in FLAKE8_SETUPS:
        try:
            flake8 = ensure_venv(setup, root, pin, work)
            if pin is None:
                pin = _installed_version(root / setup.name, "flake8")
        except (BenchmarkError, OSError) as error:
            notes.append(f"{setup.label}: skipped, its virtual environment could not be made ({error})")
            if pin is None:
                notes.append("the other flake8 environments need the first one's flake8 version; skipped too")
                break
            continue
        ok, text = probe((str(flake8), "--version"), env)
        if ok:
            tools[setup.name] = Tool((str(flake8),), text)
        else:
            notes.append(f"{setup.label}: skipped, flake8 does not start ({text[:200]})")
    return tools, notes
