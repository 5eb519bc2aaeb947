"""Finding the Python files to analyse under the paths a user gives.

Directories are walked in sorted order (so output never depends on the file system's
order), skipping version-control and tool folders, virtual environments (any folder with
a ``pyvenv.cfg`` or ``conda-meta``), paths matched by ``.gitignore`` files and the
``--exclude`` patterns, which use ``.gitignore`` syntax. Directory symlinks are not
followed. Files named explicitly are always analysed unless ``force_exclude`` is set,
as with ruff, so pre-commit can pass file lists.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable, Iterator, List, Sequence, Tuple

from pathspec import GitIgnoreSpec

#: Folders never walked into (extended, not replaced, by ``--extend-exclude``).
DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".git/", ".hg/", ".svn/", ".bzr/", "CVS/", "__pycache__/", ".tox/", ".nox/", ".venv/",
    "venv/", ".eggs/", "*.egg/", "*.egg-info/", "build/", "dist/", "_build/", "buck-out/",
    "node_modules/", "site-packages/", "__pypackages__/", ".mypy_cache/", ".pytest_cache/",
    ".ruff_cache/", ".direnv/", ".ipynb_checkpoints/", ".qemlflow-lint-cache/",
)
_VENV_MARKERS = ("pyvenv.cfg", "conda-meta")


@dataclass(frozen=True)
class Discovery:
    """The files found, in order, and the explicit paths that do not exist."""

    files: tuple[str, ...]
    missing: tuple[str, ...]


def _gitignore(directory: str) -> GitIgnoreSpec | None:
    try:
        with open(os.path.join(directory, ".gitignore"), encoding="utf-8", errors="replace") as handle:
            return GitIgnoreSpec.from_lines(handle.read().splitlines())
    except OSError:
        return None


def _is_venv(directory: str) -> bool:
    return any(os.path.exists(os.path.join(directory, marker)) for marker in _VENV_MARKERS)


Rules = List[Tuple[str, GitIgnoreSpec]]


def _ignored(path: str, is_dir: bool, rules: Rules) -> bool:
    for base, spec in rules:
        relative = os.path.relpath(path, base).replace(os.sep, "/")
        if relative.startswith(".."):
            continue
        if spec.match_file(relative + "/" if is_dir else relative):
            return True
    return False


def _enclosing_gitignores(root: str) -> Rules:
    """The ``.gitignore`` files above ``root`` up to the top of its git repository.

    git applies them to everything below, so ``check src`` skips what ``check .`` skips.
    Outside a repository only the ``.gitignore`` files inside the walked tree count.
    """
    directory = os.path.abspath(root)
    above: Rules = []
    while not os.path.exists(os.path.join(directory, ".git")):
        parent = os.path.dirname(directory)
        if parent == directory:
            return []
        directory = parent
        spec = _gitignore(directory)
        if spec is not None:
            above.append((directory, spec))
    return above


def _walk(root: str, rules: Rules, use_gitignore: bool) -> Iterator[str]:
    pending = [(root, rules)]
    while pending:
        directory, inherited = pending.pop()
        local = list(inherited)
        if use_gitignore:
            spec = _gitignore(directory)
            if spec is not None:
                local.append((directory, spec))
        try:
            with os.scandir(directory) as entries:
                listing = sorted(entries, key=lambda e: e.name)
        except OSError:
            continue
        subdirectories = []
        for entry in listing:
            path = os.path.join(directory, entry.name)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = entry.is_file()
            except OSError:
                continue
            if is_dir:
                if not _ignored(path, True, local) and not _is_venv(path):
                    subdirectories.append(path)
            elif is_file and entry.name.endswith(".py") and not _ignored(path, False, local):
                yield path
        pending.extend((sub, local) for sub in reversed(subdirectories))


def discover(
    paths: Sequence[str],
    excludes: Iterable[str] = (),
    *,
    use_gitignore: bool = True,
    force_exclude: bool = False,
) -> Discovery:
    """Every Python file under ``paths``, each once, in a stable order."""
    files: list[str] = []
    missing: list[str] = []
    seen: set[str] = set()
    exclude_spec = GitIgnoreSpec.from_lines([*DEFAULT_EXCLUDES, *excludes])
    for given in paths:
        root = os.path.normpath(given)
        if os.path.isdir(root):
            if _is_venv(root):
                continue
            rules = [(root, exclude_spec)]
            if use_gitignore:
                rules.extend(_enclosing_gitignores(root))
            found: Iterable[str] = _walk(root, rules, use_gitignore)
        elif os.path.lexists(root):
            if force_exclude and _ignored(root, False, [(os.curdir, exclude_spec)]):
                continue
            found = [root]
        else:
            missing.append(given)
            continue
        for path in found:
            key = os.path.realpath(path)
            if key not in seen:
                seen.add(key)
                files.append(path)
    return Discovery(tuple(files), tuple(missing))
