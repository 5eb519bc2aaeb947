"""Running things: the subprocesses, pip, the downloads of source distributions, the
virtual environments and the lock on the work folder."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

try:
    import fcntl
except ImportError:
    fcntl = None  # type: ignore[assignment]

from benchmarks.base import BenchmarkError, copy_project, progress
from benchmarks.outcome.libraries import Library


def venv_bin(venv: Path, name: str) -> Path:
    if os.name == "nt":
        return venv / "Scripts" / (f"{name}.exe" if name != "python" else "python.exe")
    return venv / "bin" / name


def clean_environment(pythonpath: Path | None = None) -> dict[str, str]:
    """This environment without ``PYTHONPATH``/``PYTHONHOME`` (each run decides what it imports),
    colour and GUI backends; ``pythonpath`` first on the path when given."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "FORCE_COLOR")}
    env["NO_COLOR"] = "1"
    env["MPLBACKEND"] = "Agg"
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return env


def run(
    argv: Sequence[str | Path],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    log: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``argv``; its output is returned (and written to ``log`` when given)."""
    try:
        done = subprocess.run(
            [str(part) for part in argv],
            cwd=str(cwd),
            env=dict(env) if env is not None else clean_environment(),
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as expired:
        out = (
            expired.stdout
            if isinstance(expired.stdout, str)
            else (expired.stdout or b"").decode(errors="replace")
        )
        done = subprocess.CompletedProcess(list(map(str, argv)), -9, out, f"timed out after {timeout} s\n")
    if log is not None:
        log.write_text(
            f"$ {shlex.join(map(str, argv))}\n# exit {done.returncode}\n\n--- stdout\n{done.stdout}"
            f"\n--- stderr\n{done.stderr}",
            encoding="utf-8",
        )
    return done


def last_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def pip(venv: Path, arguments: Sequence[str | Path], log: Path) -> None:
    """``pip install`` into ``venv``; a failure is a :class:`BenchmarkError`."""
    argv = [venv_bin(venv, "python"), "-m", "pip", "install", "--disable-pip-version-check", *arguments]
    done = run(argv, log.parent, log=log)
    if done.returncode != 0:
        raise BenchmarkError(f"pip install {shlex.join(map(str, arguments))} failed: {last_line(done)}")


@contextlib.contextmanager
def locked(work: Path) -> Iterator[None]:
    """One run at a time in ``work``: they share the environments and the copies."""
    if fcntl is None:  # not POSIX: runs are not guarded
        yield
        return
    work.mkdir(parents=True, exist_ok=True)
    with open(work / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            progress(f"waiting for another run that uses {work}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def sdist_name(requirement: str) -> tuple[str, str]:
    name, _, version = requirement.partition("==")
    if not version:
        raise BenchmarkError(f"{requirement}: a library is pinned as name==version")
    return name, version


def download(library: Library, downloads: Path) -> Path:
    """The library's source distribution in ``downloads`` (fetched with pip when missing)."""
    name, version = sdist_name(library.requirement)
    stems = {f"{form}-{version}" for form in (name, name.lower(), re.sub(r"[-_.]+", "_", name).lower())}

    def found() -> Path | None:
        for path in sorted(downloads.glob("*")) if downloads.is_dir() else []:
            if any(path.name in (stem + ".tar.gz", stem + ".zip") for stem in stems):
                return path
        return None

    existing = found()
    if existing is not None:
        return existing
    downloads.mkdir(parents=True, exist_ok=True)
    progress(f"{library.key}: downloading the source distribution of {library.requirement}")
    argv = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--no-binary", ":all:"]
    done = run([*argv, "--no-deps", "-d", downloads, library.requirement], downloads)
    path = found()
    if done.returncode != 0 or path is None:
        raise BenchmarkError(f"pip download {library.requirement} failed: {last_line(done)}")
    return path


def unpack(archive: Path, destination: Path) -> Path:
    """``archive`` unpacked into ``destination`` (anew); returns its single top-level folder."""
    shutil.rmtree(destination, ignore_errors=True)
    destination.mkdir(parents=True)
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as bundle:
            bundle.extractall(destination)
    else:
        with tarfile.open(archive) as bundle:
            if hasattr(tarfile, "data_filter"):
                bundle.extractall(destination, filter="data")
            else:
                bundle.extractall(destination)
    tops = [path for path in destination.iterdir() if path.is_dir()]
    if len(tops) != 1:
        raise BenchmarkError(f"{archive.name}: expected one top-level folder, found {len(tops)}")
    return tops[0]


def project_copy(repo: Path, work: Path) -> Path:
    """A fresh copy of the files ``pip install`` takes from the checkout ``repo``."""
    copy = work / "qemlflow-lint-source"
    shutil.rmtree(copy, ignore_errors=True)
    copy_project(repo, copy)
    return copy


def ensure_venv(library: Library, home: Path, sdist: Path, tool: Path, python: str) -> Path:
    """The library's environment: made once with its dependencies and test requirements (a state
    file says with what), and the qemlflow-lint of ``tool`` installed anew on every run."""
    venv = home / "venv"
    state_path = venv / "fix-outcome-state.json"
    wanted = {
        "python": python,
        "requirement": library.requirement,
        "tests": list(library.test_requirements),
    }
    try:
        state = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = None
    if state != wanted or not venv_bin(venv, "python").exists():
        progress(f"{library.key}: making its virtual environment (first run only; needs the package index)")
        shutil.rmtree(venv, ignore_errors=True)
        done = run([python, "-m", "venv", venv], home)
        if done.returncode != 0:
            raise BenchmarkError(f"python -m venv failed: {last_line(done)}")
        pip(venv, [sdist, *library.test_requirements], home / "pip-library.log")
        state_path.write_text(json.dumps(wanted), encoding="utf-8")
    progress(f"{library.key}: installing qemlflow-lint from the checkout")
    pip(venv, ["--force-reinstall", "--no-deps", tool], home / "pip-tool.log")
    pip(venv, [tool], home / "pip-tool-dependencies.log")
    freeze = run([venv_bin(venv, "python"), "-m", "pip", "freeze", "--disable-pip-version-check"], home)
    (home / "pip-freeze.txt").write_text(freeze.stdout, encoding="utf-8")
    return venv
