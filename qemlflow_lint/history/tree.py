"""A commit's tree as a listing of files, read from git's tree objects.

:class:`CommitTree` shows a listing as a :class:`~qemlflow_lint.model.trees.FileTree`, so
that the walk and the configuration lookup ``check`` uses on disk read a commit the same way.

Only what a score of the given paths can depend on is listed: every file under the paths,
and the files directly inside each folder above them (``pyproject.toml``, ``.gitignore``,
``__init__.py``, the project markers). Trees are read through the one ``cat-file`` process
and remembered by object id, so a folder that did not change between two commits is read
once (most of a tree, in most commits).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Callable, NamedTuple

from qemlflow_lint.history.git import HistoryError, ObjectReader
from qemlflow_lint.model.trees import FILE, FOLDER, LINK

#: Git's file modes: a folder, a symbolic link, a submodule (whose files are another history).
TREE_MODE, SYMLINK_MODE, SUBMODULE_MODE = "40000", "120000", "160000"


class TreeEntry(NamedTuple):
    """A file of a tree: its git mode and its blob id."""

    mode: str
    oid: str


class Tree(NamedTuple):
    """The files of one commit that a score can depend on, by ``/``-separated path from the
    repository's top; and each folder's entries (``""`` is the top), names sorted."""

    files: Mapping[str, TreeEntry]
    folders: Mapping[str, tuple[str, ...]]

    def is_folder(self, path: str) -> bool:
        """True when ``path`` is a folder of the tree (the top is ``""``)."""
        return path in self.folders


EMPTY_TREE = Tree(MappingProxyType({}), MappingProxyType({"": ()}))


def join(folder: str, name: str) -> str:
    """``folder/name`` in tree paths (the top folder is ``""``)."""
    return f"{folder}/{name}" if folder else name


def parent(path: str) -> str:
    """The folder holding ``path`` (``""`` for the top's own entries)."""
    return path.rpartition("/")[0]


def _within(path: str, prefix: str) -> bool:
    return not prefix or path == prefix or path.startswith(prefix + "/")


#: Names no checkout writes (git refuses them): a tree crafted with one must not lead a path
#: out of the stand-in folder.
_REFUSED = frozenset({"", ".", "..", ".git"})


def _parse(content: bytes, oid_size: int) -> list[tuple[str, str, str]]:
    """The entries of a tree object: ``(mode, name, oid)``, without the names a checkout
    refuses."""
    entries = []
    position = 0
    while position < len(content):
        space = content.index(b" ", position)
        nul = content.index(b"\0", space)
        mode = content[position:space].decode("ascii")
        name = content[space + 1 : nul].decode("utf-8", "surrogateescape")
        oid = content[nul + 1 : nul + 1 + oid_size].hex()
        if name.lower() not in _REFUSED and "/" not in name and (os.sep == "/" or os.sep not in name):
            entries.append((mode, name, oid))
        position = nul + 1 + oid_size
    return entries


class TreeReader:
    """Lists the trees of many commits for the same ``prefixes`` (tree paths; ``""`` is
    the whole tree), sharing what they have in common."""

    def __init__(self, objects: ObjectReader, prefixes: Sequence[str]) -> None:
        self.objects = objects
        self.prefixes = tuple(prefixes) or ("",)
        self._parsed: dict[str, list[tuple[str, str, str]]] = {}
        self._listed: dict[tuple[str, str], tuple[tuple[tuple[str, TreeEntry], ...], tuple[str, ...]]] = {}

    def _entries(self, oid: str) -> list[tuple[str, str, str]]:
        if oid not in self._parsed:
            kind, content = self.objects.read(oid)
            if kind != "tree":
                raise HistoryError(f"{oid} is a {kind}, not a tree")
            self._parsed[oid] = _parse(content, len(oid) // 2)
        return self._parsed[oid]

    def _inside(self, folder: str) -> bool:
        return any(_within(folder, prefix) for prefix in self.prefixes)

    def _above(self, folder: str) -> bool:
        return any(prefix != folder and _within(prefix, folder) for prefix in self.prefixes)

    def _list(self, oid: str, folder: str) -> tuple[tuple[tuple[str, TreeEntry], ...], tuple[str, ...]]:
        """``(files, folders)`` below the tree ``oid`` found at ``folder``."""
        key = (oid, folder)
        if key in self._listed:
            return self._listed[key]  # a folder no commit changed since: listed once
        inside = self._inside(folder)
        files: list[tuple[str, TreeEntry]] = []
        folders = [folder]
        for mode, name, child in self._entries(oid):
            path = join(folder, name)
            if mode == TREE_MODE:
                if inside or self._inside(path) or self._above(path):
                    below, below_folders = self._list(child, path)
                    files.extend(below)
                    folders.extend(below_folders)
            elif mode != SUBMODULE_MODE and (inside or self._inside(path) or self._above(folder)):
                files.append((path, TreeEntry(mode, child)))
        listed = (tuple(files), tuple(folders))
        if folder:  # a root tree is new in nearly every commit: not worth remembering
            self._listed[key] = listed
        return listed

    def read(self, tree_oid: str) -> Tree:
        """The listing of the tree ``tree_oid`` (a commit's root tree)."""
        files, folders = self._list(tree_oid, "")
        names: dict[str, list[str]] = {folder: [] for folder in folders}
        for folder in folders[1:]:
            names[parent(folder)].append(folder.rpartition("/")[2])
        for path, _ in files:
            names[parent(path)].append(path.rpartition("/")[2])
        return Tree(
            MappingProxyType(dict(files)),
            MappingProxyType({folder: tuple(sorted(entries)) for folder, entries in names.items()}),
        )


#: How many symbolic links a path may go through before it counts as a loop.
_MAX_LINKS = 8


class CommitTree:
    """A commit's :class:`Tree` as a :class:`~qemlflow_lint.model.trees.FileTree`: tree
    paths (``""`` is the top, which a checkout holds ``.git`` in), blobs read by ``read``,
    and places where a checkout puts each path (``place``). A symbolic link is followed
    while it stays inside the tree; one to a folder stands for nothing."""

    def __init__(self, tree: Tree, read: Callable[[str], bytes], place: Callable[[str], str]) -> None:
        self.tree = tree
        self.read_blob = read
        self.place_of = place

    def listing(self, folder: str) -> Sequence[tuple[str, str]]:
        """The paths of the entries of ``folder``, sorted by name, each with its kind."""
        files = self.tree.files
        found = []
        prefix = f"{folder}/" if folder else ""
        for name in self.tree.folders.get(folder, ()):
            path = prefix + name
            entry = files.get(path)
            if entry is None:
                found.append((path, FOLDER))
            else:
                found.append((path, LINK if entry.mode == SYMLINK_MODE else FILE))
        return found

    def kind(self, path: str) -> str | None:
        """The kind of ``path`` (a link not followed), or ``None``."""
        entry = self.tree.files.get(path)
        if entry is not None:
            return LINK if entry.mode == SYMLINK_MODE else FILE
        return FOLDER if path in self.tree.folders else None

    def read(self, path: str) -> bytes:
        """The content of the file ``path``, through its links."""
        target = self.resolve(path)
        entry = None if target is None else self.tree.files.get(target)
        if entry is None:
            raise OSError(f"{path} is not a file of the tree")
        return self.read_blob(entry.oid)

    def resolve(self, path: str) -> str | None:
        """The tree path of the file or folder ``path`` stands for, through its links;
        ``None`` when it leads outside the tree, to nothing or round in a loop (or is a
        link to a folder, which a walk does not follow)."""
        for _ in range(_MAX_LINKS):
            entry = self.tree.files.get(path)
            if entry is None:
                return path if path in self.tree.folders else None
            if entry.mode != SYMLINK_MODE:
                return path
            target = self.read_blob(entry.oid).decode("utf-8", "surrogateescape")
            if target.startswith("/"):
                return None
            path = posixpath.normpath(posixpath.join(parent(path), target))
            if path == ".." or path.startswith("../"):
                return None
            path = "" if path == "." else path
            if path in self.tree.folders:
                return None
        return None

    def entry(self, path: str) -> TreeEntry | None:
        """The blob ``path`` holds, through its links."""
        target = self.resolve(path)
        return None if target is None else self.tree.files.get(target)

    def is_top(self, folder: str) -> bool:
        """True for the top of the tree."""
        return not folder

    def version(self, path: str) -> str:
        """The blob id of ``path`` (``""`` for what is not a file)."""
        entry = self.tree.files.get(path)
        return "" if entry is None else entry.oid

    def join(self, folder: str, name: str) -> str:
        """``folder/name`` (the top is ``""``)."""
        return join(folder, name)

    def parent(self, path: str) -> str:
        """The folder holding ``path``; the top's parent is the top."""
        return parent(path)

    def relative(self, path: str, base: str) -> str | None:
        """``path`` below ``base``, or ``None``."""
        if not base:
            return path
        if path == base:
            return ""
        if path.startswith(base) and path[len(base) : len(base) + 1] == "/":
            return path[len(base) + 1 :]
        return None

    def place(self, path: str) -> str:
        """Where a checkout puts ``path``."""
        return self.place_of(path)

    def shown(self, path: str) -> str:
        """The tree path itself."""
        return path
