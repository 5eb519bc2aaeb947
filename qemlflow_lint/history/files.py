"""The Python files ``score PATHS`` would find in a checkout of one commit, found in its tree.

The same walk as :mod:`qemlflow_lint.run.discovery`, over tree paths instead of the disk:
folders in sorted order, the default excluded folders, virtual environments, the
``.gitignore`` files of the tree (those above a walked folder up to the top of the
repository too) and the configured excludes. A symbolic link to a file is followed when it
points inside the walked folder (its blob holds the target); links to folders are not.
A path missing from a commit's tree (not yet created, or deleted) adds no file: the history
of a folder starts where the folder does.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Sequence
from typing import Callable, NamedTuple

from qemlflow_lint.history.tree import SYMLINK_MODE, Entry, Tree, join, parent
from qemlflow_lint.run.discovery import VENV_MARKERS, Excluded, Matcher, Rules, default_excluded

#: How many symbolic links a path may go through before it counts as a loop.
_MAX_LINKS = 8


class Found(NamedTuple):
    """A file to analyse: its path as walked, and the blob it holds (through its links)."""

    path: str
    entry: Entry


def _ignored(path: str, is_dir: bool, rules: Rules) -> bool:
    for base, matches in rules:
        if base and not path.startswith(base + "/"):
            continue
        if matches(path[len(base) + 1 :] if base else path, is_dir):
            return True
    return False


class TreeWalk:
    """The walk of one commit's tree. ``read(oid)`` reads a blob; ``excluded`` answers for
    the configured excludes; ``gitignore(oid)`` turns a ``.gitignore`` blob into a matcher."""

    def __init__(
        self,
        tree: Tree,
        read: Callable[[str], bytes],
        excluded: Excluded,
        gitignore: Callable[[str], Matcher] | None,
    ) -> None:
        self.tree = tree
        self.read = read
        self.excluded = excluded
        self.gitignore = gitignore

    def _spec(self, folder: str) -> Matcher | None:
        entry = self.tree.files.get(join(folder, ".gitignore"))
        if self.gitignore is None or entry is None or entry.mode == SYMLINK_MODE:
            return None
        return self.gitignore(entry.oid)

    def _is_venv(self, folder: str) -> bool:
        return any(self.tree.has_file(folder, marker) for marker in VENV_MARKERS)

    def resolve(self, path: str) -> Found | None:
        """The regular file ``path`` stands for, through its symbolic links; None when it
        leads outside the tree, to a folder, to nothing or round in a loop."""
        for _ in range(_MAX_LINKS):
            entry = self.tree.files.get(path)
            if entry is None:
                return None
            if entry.mode != SYMLINK_MODE:
                return Found(path, entry)
            target = self.read(entry.oid).decode("utf-8", "surrogateescape")
            if target.startswith("/"):
                return None
            path = posixpath.normpath(posixpath.join(parent(path), target))
            if path == ".." or path.startswith("../"):
                return None
        return None

    def _enclosing(self, root: str) -> Rules:
        """The ``.gitignore`` files above ``root`` up to the top, nearest first."""
        found: Rules = []
        folder = root
        while folder:
            folder = parent(folder)
            spec = self._spec(folder)
            if spec is not None:
                found.append((folder, spec))
        return found

    def _walk(self, root: str, rules: Rules) -> Iterator[str]:
        pending = [(root, rules)]
        while pending:
            folder, inherited = pending.pop()
            local = list(inherited)
            spec = self._spec(folder)
            if spec is not None:
                local.append((folder, spec))
            subfolders = []
            for name in self.tree.folders.get(folder, ()):
                path = join(folder, name)
                if self.tree.is_folder(path):
                    if (
                        not _ignored(path, True, local)
                        and not self.excluded(path, True)
                        and not self._is_venv(path)
                    ):
                        subfolders.append(path)
                elif (
                    name.endswith(".py")
                    and not _ignored(path, False, local)
                    and not self.excluded(path, False)
                ):
                    target = self.resolve(path)
                    if target is not None and (not root or target.path.startswith(root + "/")):
                        yield path
            pending.extend((sub, local) for sub in reversed(subfolders))

    def files(self, roots: Sequence[str]) -> list[Found]:
        """Every Python file under ``roots`` (tree paths; ``""`` is the top), each once,
        in the order ``score`` analyses them."""
        found: list[Found] = []
        seen: set[str] = set()
        for root in roots:
            if self.tree.is_folder(root):
                if self._is_venv(root):
                    continue
                rules: Rules = [(root, default_excluded)]
                if self.gitignore is not None:
                    rules.extend(self._enclosing(root))
                paths: Sequence[str] = list(self._walk(root, rules))
            elif root in self.tree.files and not self.excluded(root, False):
                paths = [root]
            else:
                continue
            for path in paths:
                target = self.resolve(path)
                if target is not None and target.path not in seen:
                    seen.add(target.path)
                    found.append(Found(path, target.entry))
        return found
