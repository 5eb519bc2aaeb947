"""Which names of a project's modules the rest of the project reads: every Python file and
documentation page below the project root, its tests and docs included, whatever paths a
command was given.

The walk is discovery's (:func:`~qemlflow_lint.run.discovery.discover`): version-control,
tool and build folders, virtual environments and ``.gitignore`` matches are skipped. The
configured ``exclude`` is not applied: a test folder left out of the checks still calls
the code. A file is parsed only when its text names one of the packages asked about, a
relative import in one of them, or ``sys.modules``; what each file reads is
:func:`~qemlflow_lint.analysis.names.attribute_reads.file_reads`'s answer.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Mapping, Sequence

from qemlflow_lint.analysis.names.attribute_reads import (
    FileReads,
    ProjectReads,
    Readers,
    file_reads,
    mentions,
    text_reads,
)
from qemlflow_lint.analysis.source import SourceError, read_source
from qemlflow_lint.model.heavy import match_heavy
from qemlflow_lint.model.modules import PackageFolders, module_name
from qemlflow_lint.model.paths import display_path
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.run.discovery import PYTHON_SUFFIXES, WalkOptions, discover
from qemlflow_lint.run.runner import chunk_size, map_in_processes, on_workers, paused_gc
from qemlflow_lint.run.workers import grouped, parsed

#: Documentation pages: their doctests, code blocks and cross-references name module attributes.
DOC_SUFFIXES: tuple[str, ...] = (".rst", ".md", ".txt")
#: A page larger than this is data (a ``.txt`` table), not documentation: it is not read.
MAX_DOC_BYTES = 1_000_000
#: A lookup in the table of loaded modules (``sys.modules["x"]``, ``(modules)["x"]``): the
#: only files the walk for what is taken from ``sys.modules`` parses.
_MODULES_LOOKUP = re.compile(r"modules[\s)\\]*\[")


def _reads_of(
    path: str, packages: Collection[str], is_package: PackageFolders, loaded_only: bool = False
) -> tuple[str, FileReads] | None:
    """The module of the file at ``path`` and what it reads (with ``loaded_only``, only what
    it takes from ``sys.modules``); ``None`` when it reads nothing of ``packages`` or cannot
    be read."""
    python = path.endswith(PYTHON_SUFFIXES)
    if loaded_only and not python:
        return None
    if not python:
        try:
            if os.path.getsize(path) > MAX_DOC_BYTES:
                return None
        except OSError:
            return None
    text = read_source(path)
    if isinstance(text, SourceError):
        return None
    if not python:
        return ("", text_reads(text, packages)) if mentions(text, packages) else None
    if loaded_only and not _MODULES_LOOKUP.search(text):
        return None
    module = ""
    if not mentions(text, packages) and "modules[" not in text:
        if "from ." not in text:
            return None
        module = module_name(path, is_package)
        if module.partition(".")[0] not in packages:
            return None
    tree = parsed(text, path)
    if isinstance(tree, SourceError):
        return None
    module = module or module_name(path, is_package)
    reads = file_reads(tree, module, os.path.basename(path) == "__init__.py", packages)
    return module, FileReads(loaded=reads.loaded) if loaded_only else reads


#: ``(paths, packages, namespace folders, loaded only)``: one worker's share of the walk.
_Chunk = tuple[Sequence[str], Collection[str], Sequence[str], bool]


def _work(chunk: _Chunk) -> list[tuple[str, str, FileReads]]:
    paths, packages, namespace_folders, loaded_only = chunk
    is_package = PackageFolders(namespace_folders)
    found = []
    with paused_gc():
        for path in paths:
            read = _reads_of(path, packages, is_package, loaded_only)
            if read is not None:
                found.append((display_path(path), *read))
    return found


def project_reads(
    root: str,
    packages: Collection[str],
    namespace_folders: Sequence[str] = (),
    jobs: int = 1,
    *,
    loaded_only: bool = False,
) -> ProjectReads:
    """What the files below ``root`` read of the modules of ``packages`` (top-level names),
    and which modules they take from ``sys.modules`` at import time (with ``loaded_only``,
    only that: just the Python files with a lookup in it are parsed); on ``jobs``
    processes when there are many files."""
    suffixes = PYTHON_SUFFIXES if loaded_only else (*PYTHON_SUFFIXES, *DOC_SUFFIXES)
    found = discover([root], WalkOptions(suffixes=suffixes)).files
    if not on_workers(len(found), jobs):
        return ProjectReads.of(_work((found, packages, namespace_folders, loaded_only)))
    groups = grouped(found, chunk_size(len(found), jobs))
    keys = [[found[i] for i in group] for group in groups]
    chunks = [(paths, packages, namespace_folders, loaded_only) for paths in keys]
    return ProjectReads.of(map_in_processes(_work, chunks, jobs, keys))


def readers_by_path(
    settings_by_path: Mapping[str, Settings],
    packages_of: Collection[str],
    jobs: int = 1,
    *,
    loaded_only: bool = False,
) -> dict[str, Readers]:
    """For each file of ``settings_by_path``, who else in its project (the root of its
    settings) reads the names of its module: one walk per project, recording the reads of
    the top-level packages of the files ``packages_of`` (a file of another package has
    readers only through ``sys.modules``). Of the modules taken from ``sys.modules``, only
    the configured heavy ones are kept. ``jobs``: the processes the walk may use;
    ``loaded_only``: only the reads through ``sys.modules`` (see :func:`project_reads`)."""
    projects: dict[str, dict[str, str]] = {}
    folders: dict[str, PackageFolders] = {}
    heavy_modules: dict[str, set[str]] = {}
    for path, settings in settings_by_path.items():
        root = settings.project_root
        heavy_modules.setdefault(root, set()).update(settings.all_heavy_modules)
        if root not in folders:
            folders[root] = PackageFolders(settings.namespace_folders)
        projects.setdefault(root, {})[path] = module_name(path, folders[root])
    readers: dict[str, Readers] = {}
    for root, modules in sorted(projects.items()):
        packages = {modules[path].partition(".")[0] for path in packages_of if path in modules}
        if not packages:
            continue
        reads = project_reads(root, packages, folders[root].namespace_packages, jobs, loaded_only=loaded_only)
        heavy = frozenset(heavy_modules[root])
        loaded = {key: where for key, where in reads.loaded.items() if match_heavy(key, heavy)}
        for path, module in modules.items():
            readers[path] = reads.readers(module, display_path(path))._replace(loaded=loaded)
    return readers
