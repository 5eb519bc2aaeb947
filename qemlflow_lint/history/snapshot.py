"""One commit as ``score PATHS`` would see it in a checkout: its files, each with its blob,
the place a checkout would put it and its settings; and the settings of the run.

The files are analysed at a stand-in place (:mod:`qemlflow_lint.history.places`), so that
module names, test files, library code and path patterns come out as in a checkout,
without one.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import NamedTuple

from qemlflow_lint.config.loading import Overrides, SettingsLookup, with_values
from qemlflow_lint.history.git import ObjectReader
from qemlflow_lint.history.places import Places
from qemlflow_lint.history.tree import CommitTree, Tree, parent
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.run.discovery import WalkMemo, WalkOptions, find_files


class Source(NamedTuple):
    """A file to score: its tree path (as walked), its blob, the place a checkout puts it,
    and its settings."""

    path: str
    oid: str
    place: str
    settings: Settings


class Snapshot(NamedTuple):
    """The files ``score`` would analyse, in its order, and the settings of the run (those
    of the first path: they give the score's weights)."""

    sources: tuple[Source, ...]
    settings: Settings


class Blobs:
    """Small blobs (configurations, ``.gitignore`` files, link targets) read once each,
    and what the lookups and walks of every commit of a run share: the settings made from
    each configuration and whether each ``pyproject.toml`` has our table (:attr:`settings`
    and :attr:`tables`, see :class:`~qemlflow_lint.config.loading.SettingsLookup`), each
    ``.gitignore`` as a matcher and each path's answer under the same rules (:attr:`walks`,
    see :class:`~qemlflow_lint.run.discovery.WalkMemo`)."""

    def __init__(self, objects: ObjectReader) -> None:
        self.objects = objects
        self.settings: dict[tuple[str | None, str, str], Settings] = {}
        self.tables: dict[tuple[str, str], bool] = {}
        self.walks = WalkMemo()
        self._data: dict[str, bytes] = {}

    def read(self, oid: str) -> bytes:
        """The content of the blob ``oid``."""
        if oid not in self._data:
            self._data[oid] = self.objects.read(oid)[1]
        return self._data[oid]


class Layout(NamedTuple):
    """How every commit is read: the paths (tree paths, in the order given), where a
    checkout puts files, the configuration overrides, an explicit configuration file
    (tree path and bytes), whether ``.gitignore`` files count, and whether files named
    explicitly obey the default excludes and ``.gitignore`` too (``--force-exclude``)."""

    roots: tuple[str, ...]
    places: Places
    overrides: Overrides = ()
    explicit: tuple[str, bytes] | None = None
    use_gitignore: bool = True
    force_exclude: bool = False


def snapshot(tree: Tree, config_tree: Tree, layout: Layout, blobs: Blobs) -> Snapshot:
    """The files of ``tree`` that ``score`` would analyse, with the settings that
    ``config_tree``'s configuration gives them. Raises
    :class:`~qemlflow_lint.config.errors.ConfigError` for a configuration that cannot be used."""
    places = layout.places
    commit = CommitTree(tree, blobs.read, places)
    lookup = SettingsLookup(
        commit,
        config_tree=commit if config_tree is tree else CommitTree(config_tree, blobs.read, places),
        explicit=layout.explicit,
        overrides=layout.overrides,
        shared=blobs.settings,
        tables=blobs.tables,
    )

    def excluded(path: str, is_dir: bool) -> bool:
        settings = lookup.for_folder(path if is_dir else parent(path))
        return settings.is_excluded(places(path), is_dir)

    def configured(folder: str) -> bool:
        return folder.rpartition("/")[2] in lookup.for_folder(parent(folder)).packages

    walk = WalkOptions(excluded, layout.use_gitignore, layout.force_exclude, configured=configured)
    found = find_files(lookup, layout.roots, walk, memo=blobs.walks)
    first = layout.roots[0]
    run_settings = lookup.for_folder(first if tree.is_folder(first) else parent(first))
    sources = []
    for path in found.files:
        entry = commit.entry(path)
        if entry is not None:
            sources.append(Source(path, entry.oid, places(path), lookup.for_file(path)))
    return Snapshot(tuple(sources), run_settings)


def check_overrides(overrides: Overrides) -> None:
    """Raise :class:`~qemlflow_lint.config.errors.ConfigError` now for an override that no
    commit could use (rather than once per commit)."""
    settings = Settings()
    for values, origin in overrides:
        settings = with_values(settings, values, origin)


def roots_of(paths: Sequence[str], top: str) -> tuple[str, ...]:
    """The tree paths of ``paths`` (as given on the command line, from the working
    directory); raises ``ValueError`` naming a path outside ``top``."""
    roots = []
    for path in paths:
        absolute = os.path.realpath(path)
        relative = os.path.relpath(absolute, top)
        if relative == os.pardir or relative.startswith(os.pardir + os.sep) or os.path.isabs(relative):
            raise ValueError(path)
        roots.append("" if relative == os.curdir else relative.replace(os.sep, "/"))
    return tuple(roots)
