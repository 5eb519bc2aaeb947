"""Finding the Python files to analyse under the paths a user gives.

Directories are walked in sorted order (so output never depends on the file system's
order), skipping version-control and tool folders, virtual environments (any folder with
a ``pyvenv.cfg`` or ``conda-meta``), paths matched by ``.gitignore`` files, and paths the
configuration excludes (``exclude``/``extend-exclude``, asked through ``is_excluded``).
Directory symlinks are not followed (so a symlink loop cannot trap the walk), nor are
file symlinks that point outside the tree being walked. Files named explicitly are still
checked against the configured excludes (so pre-commit's file lists obey them, as flake8
does), but not against the default folders and ``.gitignore`` unless ``force_exclude``
is set.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Callable, NamedTuple

from qemlflow_lint.config.loading import marked_root
from qemlflow_lint.model.paths import display_path

#: Folders never walked into, by name.
DEFAULT_EXCLUDES: frozenset[str] = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".bzr",
        "CVS",
        "__pycache__",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        ".eggs",
        "build",
        "dist",
        "_build",
        "buck-out",
        "node_modules",
        "site-packages",
        "__pypackages__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".direnv",
        ".ipynb_checkpoints",
        ".qemlflow-lint-cache",
    }
)
#: Folders never walked into, by the end of their name.
DEFAULT_EXCLUDED_SUFFIXES: tuple[str, ...] = (".egg", ".egg-info")
#: The files a walk of a folder finds by default, by the end of their names: Python files.
PYTHON_SUFFIXES: tuple[str, ...] = (".py",)
#: What marks a folder as a virtual environment.
VENV_MARKERS = ("pyvenv.cfg", "conda-meta")


class Discovery(NamedTuple):
    """The files found, in order, the explicit paths that do not exist, and the paths
    that could not be listed (with the reason)."""

    files: tuple[str, ...]
    missing: tuple[str, ...]
    unreadable: tuple[tuple[str, str], ...] = ()


#: Says whether a path (relative to a rule's folder, ``/``-separated) is ignored; the second
#: argument is true for a directory.
Matcher = Callable[[str, bool], bool]


def _excluded_name(name: str) -> bool:
    return name in DEFAULT_EXCLUDES or name.endswith(DEFAULT_EXCLUDED_SUFFIXES)


def default_excluded(relative: str, is_dir: bool) -> bool:
    """True when the path is, or lies in, a folder excluded by default."""
    parts = relative.split("/")
    folders = parts if is_dir else parts[:-1]
    return any(_excluded_name(name) for name in folders)


#: ``folder`` → True when the folder is a configured top-level package (``packages``).
ConfiguredPackage = Callable[[str], bool]


def _not_configured(folder: str) -> bool:
    return False


def is_project_package(folder: str, configured: ConfiguredPackage = _not_configured) -> bool:
    """True when a folder is a package of the project: it has an ``__init__.py`` and lies in
    a package (its parent has one too) or is a configured package. Such a folder is walked
    even when its name is one the walk skips by default: ``pkg/build/`` is code, the
    top-level ``build/`` of a setuptools build is not."""
    if not os.path.isfile(os.path.join(folder, "__init__.py")):
        return False
    parent = os.path.dirname(os.path.abspath(folder))
    return os.path.isfile(os.path.join(parent, "__init__.py")) or configured(folder)


def default_rule(base: str, is_package: Callable[[str], bool]) -> Matcher:
    """The default folder excludes below ``base``, except for the folders ``is_package``
    says are packages of the project (given ``base`` joined with the folder's path)."""

    def matches(relative: str, is_dir: bool) -> bool:
        if not default_excluded(relative, is_dir):
            return False
        parts = relative.split("/")
        folders = parts if is_dir else parts[:-1]
        return any(
            _excluded_name(name) and not is_package(os.path.join(base, *folders[: index + 1]))
            for index, name in enumerate(folders)
        )

    return matches


def _default_rule(base: str, configured: ConfiguredPackage) -> Matcher:
    return default_rule(base, lambda folder: is_project_package(folder, configured))


def _gitignore(directory: str) -> Matcher | None:
    """The rules of the folder's ``.gitignore``, if it has one."""
    try:
        with open(os.path.join(directory, ".gitignore"), encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    return gitignore_matcher(lines)


def gitignore_matcher(lines: Sequence[str]) -> Matcher:
    """The rules of a ``.gitignore`` file's lines, read as git reads them (pathspec is
    imported only when a ``.gitignore`` is found: it costs more to import than checking a
    few files does)."""
    from pathspec import GitIgnoreSpec

    spec = GitIgnoreSpec.from_lines(lines)
    return lambda relative, is_dir: spec.match_file(relative + "/" if is_dir else relative)


def _is_venv(directory: str) -> bool:
    return any(os.path.exists(os.path.join(directory, marker)) for marker in VENV_MARKERS)


Rules = list[tuple[str, Matcher]]


def _ignored(path: str, is_dir: bool, rules: Rules) -> bool:
    for base, matches in rules:
        relative = os.path.relpath(path, base).replace(os.sep, "/")
        if relative.startswith(".."):
            continue
        if matches(relative, is_dir):
            return True
    return False


def _gitignore_top(start: str, unmarked_root: str | None) -> str | None:
    """The folder up to which ``.gitignore`` files apply to ``start``: the top of its git
    repository; outside one, the project root (the nearest folder with a project marker,
    else ``unmarked_root`` when it holds ``start``)."""
    directory = start
    while not os.path.exists(os.path.join(directory, ".git")):
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    else:
        return directory
    marked = marked_root(start)
    if marked is not None:
        return marked
    if unmarked_root is not None and _inside(start, os.path.abspath(unmarked_root)):
        return os.path.abspath(unmarked_root)
    return None


def _enclosing_gitignores(root: str, unmarked_root: str | None = None) -> Rules:
    """The ``.gitignore`` files above ``root`` up to the project root.

    git applies them to everything below, so ``check src`` skips what ``check .`` skips;
    the top is the git repository's, or outside one the project root (an sdist's root
    ``.gitignore`` applies to ``check pkg`` as to ``check .``).
    """
    directory = os.path.abspath(root)
    top = _gitignore_top(directory, unmarked_root)
    above: Rules = []
    while top is not None and directory != top:
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
        spec = _gitignore(directory)
        if spec is not None:
            above.append((directory, spec))
    return above


#: ``(path, is_dir)`` → True when the configuration excludes the path.
Excluded = Callable[[str, bool], bool]


def _never(path: str, is_dir: bool) -> bool:
    return False


def _inside(path: str, boundary: str) -> bool:
    """True when a resolved path lies inside the resolved walk root: a symlink to a file
    outside the tree is not followed (its findings would name code the project does not own)."""
    return path == boundary or path.startswith(boundary.rstrip(os.sep) + os.sep)


def _walk(
    root: str,
    rules: Rules,
    use_gitignore: bool,
    is_excluded: Excluded,
    problems: list[tuple[str, str]],
    suffixes: tuple[str, ...] = PYTHON_SUFFIXES,
) -> Iterator[str]:
    boundary = os.path.realpath(root)
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
        except OSError as error:  # reported, and the rest of the tree is still walked
            problems.append((directory, f"cannot list the directory: {error.strerror or error}"))
            continue
        subdirectories = []
        for entry in listing:
            path = entry.name if directory == os.curdir else os.path.join(directory, entry.name)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = entry.is_file()
            except OSError as error:
                problems.append((path, f"cannot inspect the entry: {error.strerror or error}"))
                continue
            if is_dir:
                if not _ignored(path, True, local) and not is_excluded(path, True) and not _is_venv(path):
                    subdirectories.append(path)
            elif (
                is_file
                and entry.name.endswith(suffixes)
                and not _ignored(path, False, local)
                and not is_excluded(path, False)
                and (not entry.is_symlink() or _inside(os.path.realpath(path), boundary))
            ):
                yield path
        pending.extend((sub, local) for sub in reversed(subdirectories))


def discover(
    paths: Sequence[str],
    is_excluded: Excluded = _never,
    *,
    use_gitignore: bool = True,
    force_exclude: bool = False,
    suffixes: tuple[str, ...] = PYTHON_SUFFIXES,
    configured: ConfiguredPackage = _not_configured,
    unmarked_root: str | None = None,
) -> Discovery:
    """Every Python file under ``paths`` (with ``suffixes``: every file whose name ends
    so, found in folders), each once, in a stable order. ``configured`` says which
    folders are configured packages (see :func:`is_project_package`); ``unmarked_root``
    is the project root of paths without a project marker above them."""
    files: list[str] = []
    missing: list[str] = []
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for given in paths:
        root = display_path(given)
        if os.path.isdir(root):
            if _is_venv(root):
                continue
            rules: Rules = [(root, _default_rule(root, configured))]
            if use_gitignore:
                rules.extend(_enclosing_gitignores(root, unmarked_root))
            found: Iterable[str] = _walk(root, rules, use_gitignore, is_excluded, problems, suffixes)
        elif os.path.lexists(root):
            if is_excluded(root, False):
                continue
            if force_exclude:
                rules = [(os.curdir, _default_rule(os.curdir, configured))]
                if use_gitignore:
                    rules.extend(_enclosing_gitignores(os.path.dirname(os.path.abspath(root)), unmarked_root))
                    directory_spec = _gitignore(os.path.dirname(os.path.abspath(root)))
                    if directory_spec is not None:
                        rules.append((os.path.dirname(os.path.abspath(root)), directory_spec))
                if _ignored(os.path.abspath(root), False, [(os.path.abspath(b), sp) for b, sp in rules]):
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
    return Discovery(tuple(files), tuple(missing), tuple(problems))
