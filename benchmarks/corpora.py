"""The corpora: copies of the standard library (whole, without its tests, two small
packages), of the folders of ``--corpus``, and a one-file folder, every tool run on the same files."""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from benchmarks.base import BenchmarkError

#: Folder names that at least one tool skips by default when walking a tree (ruff and
#: qemlflow-lint skip ``venv/``, ``build/``, …). They are left out of the corpus copy so
#: that every tool sees exactly the same files.
SKIPPED_DIRS = frozenset(
    {
        "__pycache__",
        "site-packages",
        "venv",
        ".venv",
        "build",
        "dist",
        "_build",
        "node_modules",
        "buck-out",
        "__pypackages__",
        ".git",
        ".hg",
        ".svn",
        ".tox",
        ".nox",
        ".eggs",
    }
)
SMALL_PACKAGES = ("email", "json")
#: The "stdlib-lib" corpus is the standard library without its own tests and IDLE: the
#: top-level folders ``LIBRARY_LEFT_OUT_TOP`` and every folder named in ``TEST_FOLDERS`` at
#: any depth (``unittest/test``, ``lib2to3/tests``, ``ctypes/test``, …) are left out of it.
LIBRARY_LEFT_OUT_TOP = frozenset({"test", "idlelib"})
TEST_FOLDERS = frozenset({"test", "tests"})
#: The small real module that the one-file rows check on its own (copied from the stdlib).
ONE_FILE = "colorsys.py"


@dataclass(frozen=True)
class Corpus:
    """A tree of Python files every tool is run on (working directory = ``root``)."""

    key: str
    title: str
    root: Path
    files: int
    lines: int
    left_out: tuple[str, ...] = ()
    #: Folders left out on purpose (stdlib-lib: the tests and IDLE), with their file counts.
    excluded: tuple[str, ...] = ()


#: Says whether a folder (a path below the corpus source) is left out of a corpus.
LeaveOut = Callable[[Path], bool]


def _python_files(top: Path, leave_out: LeaveOut | None = None) -> Iterator[Path]:
    for directory, subdirectories, names in os.walk(top):
        subdirectories[:] = sorted(
            d
            for d in subdirectories
            if d not in SKIPPED_DIRS and not (leave_out is not None and leave_out(Path(directory, d)))
        )
        for name in sorted(names):
            if name.endswith(".py"):
                yield Path(directory) / name


def _left_out(top: Path, leave_out: LeaveOut | None = None) -> list[str]:
    """The skipped folders directly or deeper below ``top`` that hold Python files."""
    found = []
    for directory, subdirectories, _ in os.walk(top):
        if leave_out is not None:
            subdirectories[:] = [d for d in subdirectories if not leave_out(Path(directory, d))]
        for name in sorted(subdirectories):
            if name in SKIPPED_DIRS and name != "__pycache__" and name != "site-packages":
                count = sum(1 for _ in Path(directory, name).rglob("*.py"))
                if count:
                    relative = os.path.relpath(os.path.join(directory, name), top).replace(os.sep, "/")
                    found.append(f"{relative}/ ({count} files)")
        subdirectories[:] = [d for d in subdirectories if d not in SKIPPED_DIRS]
    return found


def _excluded(top: Path, source: Path, leave_out: LeaveOut) -> list[str]:
    """The folders below ``top`` that ``leave_out`` removes, each with its ``.py`` files."""
    found = []
    for directory, subdirectories, _ in os.walk(top):
        subdirectories.sort()
        for name in list(subdirectories):
            folder = Path(directory, name)
            if name in SKIPPED_DIRS or leave_out(folder):
                subdirectories.remove(name)
            if name not in SKIPPED_DIRS and leave_out(folder):
                count = sum(1 for _ in _python_files(folder))
                found.append(f"{folder.relative_to(source).as_posix()}/ ({count} files)")
    return sorted(found)


def library_left_out(source: Path) -> LeaveOut:
    """stdlib-lib's rule: the top-level ``test/`` and ``idlelib/`` folders, and every folder
    named ``test`` or ``tests`` at any depth."""

    def leave_out(folder: Path) -> bool:
        top = folder.parent == source
        return folder.name in TEST_FOLDERS or (top and folder.name in LIBRARY_LEFT_OUT_TOP)

    return leave_out


def _write_neutral_configuration(destination: Path) -> None:
    # The nearest configuration for every front end of qemlflow-lint: the defaults, and no
    # search above the corpus. flake8, pylint and ruff are pointed at their own settings.
    (destination / "pyproject.toml").write_text(
        "# Written by benchmarks/run.py: qemlflow-lint's defaults.\n[tool.qemlflow-lint]\n", encoding="utf-8"
    )


def copy_corpus(
    key: str,
    title: str,
    source: Path,
    parts: Sequence[str],
    destination: Path,
    leave_out: LeaveOut | None = None,
) -> Corpus:
    """Copy the ``.py`` files of ``parts`` of ``source`` (all of it when empty) to
    ``destination``, keeping modification times, and add a neutral ``pyproject.toml``.
    Folders for which ``leave_out`` is true are not copied (and are listed in ``excluded``)."""
    tops = [source / part for part in parts] if parts else [source]
    files = lines = 0
    left_out: list[str] = []
    excluded: list[str] = []
    for top in tops:
        if not top.is_dir():
            raise BenchmarkError(f"{top.name} is not a package of this interpreter's standard library")
        left_out.extend(_left_out(top, leave_out))
        if leave_out is not None:
            excluded.extend(_excluded(top, source, leave_out))
        for path in _python_files(top, leave_out):
            target = destination / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            files += 1
            with open(target, "rb") as handle:
                lines += sum(1 for _ in handle)
    destination.mkdir(parents=True, exist_ok=True)
    _write_neutral_configuration(destination)
    return Corpus(key, title, destination, files, lines, tuple(left_out), tuple(excluded))


def copy_one_file(source: Path, name: str, destination: Path) -> Corpus:
    """A folder with one small real module of ``source`` and the neutral configuration."""
    if not (source / name).is_file():
        raise BenchmarkError(f"{name} is not a module of this interpreter's standard library")
    destination.mkdir(parents=True)
    shutil.copy2(source / name, destination / name)
    _write_neutral_configuration(destination)
    with open(destination / name, "rb") as handle:
        lines = sum(1 for _ in handle)
    return Corpus("file", f"1 file: {name}", destination, 1, lines)


def build_corpora(work: Path, quick: bool, folders: Sequence[Path] = ()) -> list[Corpus]:
    """The corpora for this run: the standard library and stdlib-lib (not with ``--quick``),
    the small one, a copy of each folder of ``--corpus``, and the one-file folder (always last)."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    version = ".".join(map(str, sys.version_info[:2]))
    corpora = []
    if not quick:
        corpora.append(copy_corpus("stdlib", f"stdlib {version}", stdlib, (), work / "stdlib"))
        corpora.append(
            copy_corpus(
                "stdlib-lib",
                f"stdlib-lib {version}",
                stdlib,
                (),
                work / "stdlib-lib",
                leave_out=library_left_out(stdlib),
            )
        )
    corpora.append(copy_corpus("small", "+".join(SMALL_PACKAGES), stdlib, SMALL_PACKAGES, work / "small"))
    for number, folder in enumerate(folders, 1):
        if not folder.is_dir():
            raise BenchmarkError(f"--corpus {folder}: not a folder")
        # The folder's name only: a machine path never goes into the report.
        corpora.append(copy_corpus(f"folder-{number}", folder.name, folder, (), work / f"folder-{number}"))
    corpora.append(copy_one_file(stdlib, ONE_FILE, work / "one-file"))
    return corpora
