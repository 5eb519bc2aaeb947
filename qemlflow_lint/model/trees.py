"""What the file walk and the configuration lookup read: a tree of folders and files.

``check`` reads the disk; ``trend`` reads the tree of each commit from git. Both answer the
same few questions through :class:`FileTree` — list a folder, tell a folder from a file,
read a file, follow a symbolic link, and say where a repository's top is — so that the
walk (:func:`qemlflow_lint.run.discovery.find_files`) and the configuration lookup
(:class:`qemlflow_lint.config.loading.SettingsLookup`) are written once, and the two
commands share every rule of what is analysed and with which settings. The disk's tree is
:class:`DiskTree`; a commit's is :class:`qemlflow_lint.history.tree.CommitTree`.

Each tree spells its own paths (the disk's as the operating system does, a commit's as
``/``-separated paths from its top, ``""`` being the top); only the tree joins, splits and
compares them.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from typing import Protocol

from qemlflow_lint.model.paths import display_path

#: The kinds of an entry: a folder, a regular file, a symbolic link to a regular file (or,
#: in a commit, to whatever it names: :meth:`FileTree.resolve` says), and anything else.
FOLDER, FILE, LINK, OTHER = "folder", "file", "link", "other"


class FileTree(Protocol):
    """A tree of folders and files the walk and the configuration lookup read."""

    def listing(self, folder: str) -> Sequence[tuple[str, str]]:
        """The paths of the entries of ``folder``, sorted by name, each with its kind;
        raises ``OSError`` when the folder cannot be listed."""

    def kind(self, path: str) -> str | None:
        """The kind of ``path`` (a link is not followed), or ``None`` when there is none."""

    def read(self, path: str) -> bytes:
        """The content of the file ``path`` (through its links); raises ``OSError``."""

    def resolve(self, path: str) -> str | None:
        """The path of the file ``path`` stands for, through its links (``None`` when the
        tree cannot say: a commit's link that leads outside it or round in a loop)."""

    def is_top(self, folder: str) -> bool:
        """True when ``folder`` is the top of a repository (a checkout has ``.git`` there)."""

    def version(self, path: str) -> str:
        """What names this content of the file ``path`` across the walks of a run: a
        commit's blob id, so answers that depend on it are remembered from one commit to
        the next; ``""`` on the disk (read once a run)."""

    def join(self, folder: str, name: str) -> str:
        """The path of ``name`` inside ``folder``."""

    def parent(self, path: str) -> str:
        """The folder holding ``path``; the top of the tree is its own parent."""

    def relative(self, path: str, base: str) -> str | None:
        """``path`` below the folder ``base``, ``/``-separated (``""`` for ``base``
        itself), or ``None`` when it is not below it."""

    def place(self, path: str) -> str:
        """Where ``path`` is on the disk, absolute (a commit's: where a checkout puts it);
        settings anchor their patterns there."""

    def shown(self, path: str) -> str:
        """How messages name ``path``."""


def _kind_of(mode: int, path: str) -> str:
    if stat.S_ISDIR(mode):
        return FOLDER
    if stat.S_ISREG(mode):
        return FILE
    if stat.S_ISLNK(mode) and os.path.isfile(path):
        return LINK
    return OTHER


class DiskTree:
    """The disk as a :class:`FileTree`: paths as the operating system spells them (a
    walk's paths are spelled from the folder it is given: ``src/pkg/a.py``, ``a.py`` in
    ``.``). Entries that cannot be inspected are listed as :data:`OTHER`, and the reason
    is kept in :attr:`problems`."""

    def __init__(self) -> None:
        #: ``(path, reason)`` of every entry a listing could not inspect.
        self.problems: list[tuple[str, str]] = []

    def listing(self, folder: str) -> Sequence[tuple[str, str]]:
        """The paths of the entries of ``folder``, sorted by name, each with its kind."""
        found = []
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda entry: entry.name):
                path = self.join(folder, entry.name)
                try:
                    if entry.is_dir(follow_symlinks=False):
                        kind = FOLDER
                    elif entry.is_file():
                        kind = LINK if entry.is_symlink() else FILE
                    else:
                        kind = OTHER
                except OSError as error:
                    self.problems.append((path, f"cannot inspect the entry: {error.strerror or error}"))
                    kind = OTHER
                found.append((path, kind))
        return found

    def kind(self, path: str) -> str | None:
        """The kind of ``path``, a link not followed; ``None`` when nothing is there."""
        try:
            mode = os.lstat(path).st_mode
        except (OSError, ValueError):
            return None
        return _kind_of(mode, path)

    def read(self, path: str) -> bytes:
        """The bytes of the file ``path``."""
        with open(path, "rb") as handle:
            return handle.read()

    def resolve(self, path: str) -> str | None:
        """The real path of ``path``."""
        return os.path.realpath(path)

    def is_top(self, folder: str) -> bool:
        """True when ``folder`` holds ``.git`` (a folder, or a worktree's file)."""
        return os.path.lexists(os.path.join(folder, ".git"))

    def version(self, path: str) -> str:
        """Nothing: a file of the disk is read once a run."""
        return ""

    def join(self, folder: str, name: str) -> str:
        """``folder/name``; a name alone in the working directory (``.``)."""
        return name if folder == os.curdir else os.path.join(folder, name)

    def parent(self, path: str) -> str:
        """The absolute folder above ``path``."""
        return os.path.dirname(os.path.abspath(path))

    def relative(self, path: str, base: str) -> str | None:
        """``path`` below ``base``, ``/``-separated, or ``None``."""
        relative = os.path.relpath(path, base)
        if relative == os.pardir or relative.startswith(os.pardir + os.sep):
            return None
        return "" if relative == os.curdir else relative.replace(os.sep, "/")

    def place(self, path: str) -> str:
        """The absolute path."""
        return os.path.abspath(path)

    def shown(self, path: str) -> str:
        """The path as reports show it (relative to the working directory below it)."""
        return display_path(path)
