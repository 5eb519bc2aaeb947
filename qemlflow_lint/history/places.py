"""Where the files of a commit are analysed: a stand-in for a checkout, made of folders only.

A file's findings depend on where it is — its module name, whether it is a test, library
code or a script, which path patterns match it — and a few answers come from the disk: a
module outside any package is a script when its folder exists, and QF102 looks beside a
package for modules the graph does not know. So each commit's files are placed below one
folder of the cache, in the layout a checkout would have, and the folders (with an empty
stand-in for each file beside the analysed ones) are made there. Nothing is ever checked
out: the files' content comes from git, the stand-ins stay empty, and folders are only ever
added, so runs that share the cache never disturb each other.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable

from qemlflow_lint.history.tree import Tree, join, parent


class Places:
    """Where a checkout would put each tree path: below ``top``."""

    def __init__(self, top: str) -> None:
        self.top = top
        self._below = top.rstrip(os.sep) + os.sep
        self._made: set[tuple[str, tuple[str, ...]]] = set()

    def __call__(self, path: str) -> str:
        """The absolute place of the tree path ``path``."""
        return os.path.join(self.top, *path.split("/")) if path else self.top

    def tree_path(self, place: str) -> str:
        """The tree path of an absolute place below :attr:`top` (spelt as
        :meth:`__call__` spells places: asked for every folder of every file, it slices
        rather than normalises); a place outside gives a path starting with ``..``."""
        if place.startswith(self._below):
            return place[len(self._below) :].replace(os.sep, "/")
        if place == self.top:
            return ""
        return os.path.relpath(place, self.top).replace(os.sep, "/")

    def make(self, tree: Tree, files: Iterable[str]) -> None:
        """Make the folders of ``files`` (tree paths) and a stand-in for every entry
        beside them. A place that cannot be made is left: the answers it gives then are
        those of a missing folder."""
        for folder in sorted({parent(path) for path in files}):
            entries = tree.folders.get(folder, ())
            if (folder, entries) in self._made:
                continue  # made for an earlier commit whose folder held the same entries
            self._made.add((folder, entries))
            with contextlib.suppress(OSError):
                os.makedirs(self(folder), exist_ok=True)
                for name in entries:
                    path = join(folder, name)
                    place = self(path)
                    if tree.is_folder(path):
                        os.makedirs(place, exist_ok=True)
                    elif not os.path.lexists(place):
                        with open(place, "ab"):
                            pass
