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

from qemlflow_lint.config.loading import with_values
from qemlflow_lint.history.config import Overrides, TreeConfig
from qemlflow_lint.history.files import IgnoreMemo, TreeWalk
from qemlflow_lint.history.git import ObjectReader
from qemlflow_lint.history.places import Places
from qemlflow_lint.history.tree import Tree, parent
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.run.discovery import Matcher, gitignore_matcher


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
    each ``.gitignore`` turned into a matcher once, each configuration into settings
    once (:attr:`settings` and :attr:`tables`, see
    :class:`~qemlflow_lint.history.config.TreeConfig`), and each path's ``.gitignore``
    answer under the same rules found once (:attr:`ignored`, see
    :class:`~qemlflow_lint.history.files.TreeWalk`): for every commit of a run."""

    def __init__(self, objects: ObjectReader) -> None:
        self.objects = objects
        self.settings: dict[tuple[str | None, str, str], Settings] = {}
        self.tables: dict[tuple[str, str], bool] = {}
        self.ignored: IgnoreMemo = {}
        self._data: dict[str, bytes] = {}
        self._matchers: dict[str, Matcher] = {}

    def read(self, oid: str) -> bytes:
        """The content of the blob ``oid``."""
        if oid not in self._data:
            self._data[oid] = self.objects.read(oid)[1]
        return self._data[oid]

    def gitignore(self, oid: str) -> Matcher:
        """The rules of a ``.gitignore`` blob, read as git reads them."""
        if oid not in self._matchers:
            self._matchers[oid] = gitignore_matcher(self.read(oid).decode("utf-8", "replace").splitlines())
        return self._matchers[oid]


class Layout(NamedTuple):
    """How every commit is read: the paths (tree paths, in the order given), where a
    checkout puts files, the configuration overrides, an explicit configuration file
    (tree path and bytes), and whether ``.gitignore`` files count."""

    roots: tuple[str, ...]
    places: Places
    overrides: Overrides = ()
    explicit: tuple[str, bytes] | None = None
    use_gitignore: bool = True


def snapshot(tree: Tree, config_tree: Tree, layout: Layout, blobs: Blobs) -> Snapshot:
    """The files of ``tree`` that ``score`` would analyse, with the settings that
    ``config_tree``'s configuration gives them. Raises
    :class:`~qemlflow_lint.config.errors.ConfigError` for a configuration that cannot be used."""
    places = layout.places
    config = TreeConfig(
        tree, config_tree, blobs.read, places, layout.overrides, layout.explicit, blobs.settings, blobs.tables
    )

    def excluded(path: str, is_dir: bool) -> bool:
        settings = config.for_folder(path if is_dir else parent(path))
        return settings.is_excluded(places(path), is_dir)

    gitignore = blobs.gitignore if layout.use_gitignore else None
    walk = TreeWalk(tree, blobs.read, excluded, gitignore, blobs.ignored)
    first = layout.roots[0]
    run_settings = config.for_folder(first if tree.is_folder(first) else parent(first))
    sources = tuple(
        Source(found.path, found.entry.oid, places(found.path), config.for_file(found.path))
        for found in walk.files(layout.roots)
    )
    return Snapshot(sources, run_settings)


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
