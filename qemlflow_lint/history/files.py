"""The Python files ``score PATHS`` would find in a checkout of one commit, found in its tree.

The same walk as :mod:`qemlflow_lint.run.discovery`, over tree paths instead of the disk:
folders in sorted order, the default excluded folders, virtual environments, the
``.gitignore`` files of the tree (those above a walked folder up to the top of the
repository too) and the configured excludes. A symbolic link to a file is followed when it
points inside the walked folder (its blob holds the target); links to folders are not.
A path missing from a commit's tree (not yet created, or deleted) adds no file: the history
of a folder starts where the folder does.

A walk is told which ``.gitignore`` rules apply by the blobs they come from, so the answer
for a path under the same rules is remembered from one commit to the next (``memo``): most
paths of most commits are asked about again with the same rules, and matching a path
against a long ``.gitignore`` costs far more than looking the answer up.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Sequence
from typing import Callable, NamedTuple

from qemlflow_lint.history.tree import SYMLINK_MODE, Entry, Tree, join, parent
from qemlflow_lint.run.discovery import VENV_MARKERS, Excluded, Matcher, Rules, default_rule

#: How many symbolic links a path may go through before it counts as a loop.
_MAX_LINKS = 8
#: What names the rules of a walked folder: ``(folder, blob id)`` of each ``.gitignore``
#: (the default excludes have no blob). With the path and whether it is a folder, it is the
#: key of a remembered answer.
RulesKey = tuple[tuple[str, str], ...]
#: The remembered answers: ``(path, is a folder, rules key)`` → ignored.
IgnoreMemo = dict[tuple[str, bool, RulesKey], bool]


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
    the configured excludes; ``gitignore(oid)`` turns a ``.gitignore`` blob into a matcher;
    ``memo`` keeps the ``.gitignore`` answers for the walks of later commits."""

    def __init__(
        self,
        tree: Tree,
        read: Callable[[str], bytes],
        excluded: Excluded,
        gitignore: Callable[[str], Matcher] | None,
        memo: IgnoreMemo | None = None,
    ) -> None:
        self.tree = tree
        self.read = read
        self.excluded = excluded
        self.gitignore = gitignore
        self.memo: IgnoreMemo = {} if memo is None else memo

    def _spec(self, folder: str) -> tuple[str, Matcher] | None:
        entry = self.tree.files.get(join(folder, ".gitignore"))
        if self.gitignore is None or entry is None or entry.mode == SYMLINK_MODE:
            return None
        return entry.oid, self.gitignore(entry.oid)

    def _ignored(self, path: str, is_dir: bool, rules: Rules, key: RulesKey) -> bool:
        memo = (path, is_dir, key)
        answer = self.memo.get(memo)
        if answer is None:
            answer = self.memo[memo] = _ignored(path, is_dir, rules)
        return answer

    def _is_subpackage(self, folder: str) -> bool:
        """A package in a package, walked whatever its name (as ``score`` walks it)."""
        return self.tree.has_file(folder, "__init__.py") and self.tree.has_file(parent(folder), "__init__.py")

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

    def _enclosing(self, root: str) -> tuple[Rules, RulesKey]:
        """The ``.gitignore`` files above ``root`` up to the top, nearest first, and their key."""
        found: Rules = []
        key: list[tuple[str, str]] = []
        folder = root
        while folder:
            folder = parent(folder)
            spec = self._spec(folder)
            if spec is not None:
                found.append((folder, spec[1]))
                key.append((folder, spec[0]))
        return found, tuple(key)

    def _walk(self, root: str, rules: Rules, key: RulesKey) -> Iterator[str]:
        pending = [(root, rules, key)]
        while pending:
            folder, inherited, inherited_key = pending.pop()
            local, local_key = inherited, inherited_key
            spec = self._spec(folder)
            if spec is not None:
                local, local_key = [*inherited, (folder, spec[1])], (*inherited_key, (folder, spec[0]))
            subfolders = []
            for name in self.tree.folders.get(folder, ()):
                path = join(folder, name)
                if self.tree.is_folder(path):
                    if (
                        not self._ignored(path, True, local, local_key)
                        and not self.excluded(path, True)
                        and not self._is_venv(path)
                    ):
                        subfolders.append(path)
                elif (
                    name.endswith(".py")
                    and not self._ignored(path, False, local, local_key)
                    and not self.excluded(path, False)
                ):
                    target = self.resolve(path)
                    if target is not None and (not root or target.path.startswith(root + "/")):
                        yield path
            pending.extend((sub, local, local_key) for sub in reversed(subfolders))

    def files(self, roots: Sequence[str]) -> list[Found]:
        """Every Python file under ``roots`` (tree paths; ``""`` is the top), each once,
        in the order ``score`` analyses them."""
        found: list[Found] = []
        seen: set[str] = set()
        for root in roots:
            if self.tree.is_folder(root):
                if self._is_venv(root):
                    continue
                rules: Rules = [(root, default_rule(root, self._is_subpackage))]
                key: RulesKey = ((root, ""),)
                if self.gitignore is not None:
                    above, above_key = self._enclosing(root)
                    rules.extend(above)
                    key += above_key
                paths: Sequence[str] = list(self._walk(root, rules, key))
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
