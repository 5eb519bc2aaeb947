"""A scratch copy of a project's import root with the fixed texts written in, so that a dry
run (``fix --check``) can measure the import the fix would give without touching the tree.

Only the top-level packages (or modules) of the root that hold a fixed file are copied, and
of those only the Python sources: their other files, and folders that are symbolic links,
become links to the originals, so a package that ships large data costs a few links. Every
other entry of the root becomes a link too, so that code which reads a sibling folder
through ``__file__`` finds it. Bytecode caches are left behind (the measurement's warm-up
run writes new ones into the copy). The folder is removed when the block ends, whatever
happens in it.

Where links cannot be made (Windows without the privilege), a package's extension modules
and small files are copied instead, and the root's other entries are left out: the children
put the original root on ``PYTHONPATH`` after the copy, so their imports still resolve.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from importlib.machinery import EXTENSION_SUFFIXES

#: The folder bytecode caches live in: never copied.
_BYTECODE = "__pycache__"
#: Where links cannot be made, a package's files up to this size are copied (and its
#: extension modules whatever their size); larger data is left out.
COPY_LIMIT_BYTES = 1 << 20


class ScratchError(Exception):
    """The copy cannot be made; the message is one line."""


def top_level_names(root: str, paths: Iterable[str]) -> list[str]:
    """The entries of ``root`` (a package folder or a module file) that hold ``paths``,
    sorted; paths outside ``root`` are left out."""
    names: set[str] = set()
    top = os.path.abspath(root)
    for path in paths:
        relative = os.path.relpath(os.path.abspath(path), top)
        if relative != os.curdir and not relative.startswith(os.pardir + os.sep) and relative != os.pardir:
            names.add(relative.split(os.sep, 1)[0])
    return sorted(names)


def _worth_copying(path: str) -> bool:
    return path.endswith(tuple(EXTENSION_SUFFIXES)) or os.path.getsize(path) <= COPY_LIMIT_BYTES


def _link(source: str, destination: str, *, copy: bool) -> None:
    """A link to ``source``'s real path. Where links cannot be made: with ``copy``, a copy
    of a file worth copying; else nothing (the original root on ``PYTHONPATH`` stands in)."""
    target = os.path.realpath(source)
    try:
        os.symlink(target, destination, target_is_directory=os.path.isdir(target))
    except OSError:
        if copy and os.path.isfile(target) and _worth_copying(target):
            shutil.copy2(target, destination)


def _copy_package(source: str, destination: str) -> None:
    """The Python sources of the folder ``source`` copied into ``destination``, the rest linked."""
    for folder, subfolders, files in os.walk(source):
        here = os.path.join(destination, os.path.relpath(folder, source))
        os.makedirs(here, exist_ok=True)
        for name in list(subfolders):
            path = os.path.join(folder, name)
            if name == _BYTECODE or os.path.islink(path):
                subfolders.remove(name)  # not walked: a link to a folder stays a link
                if name != _BYTECODE:
                    _link(path, os.path.join(here, name), copy=False)
        for name in files:
            path = os.path.join(folder, name)
            if name.endswith(".py") and not os.path.islink(path):
                shutil.copy2(path, os.path.join(here, name))
            else:
                _link(path, os.path.join(here, name), copy=True)


def _write_fixed(scratch: str, root: str, path: str, text: str) -> None:
    relative = os.path.relpath(os.path.abspath(path), root)
    destination = os.path.join(scratch, relative)
    # A fixed file reached through a link to a folder would be written into the original.
    expected = os.path.join(os.path.realpath(scratch), os.path.dirname(relative)).rstrip(os.sep)
    if os.path.realpath(os.path.dirname(destination)) != expected:
        raise ScratchError(f"{relative} is reached through a symbolic link")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(destination)  # the copy, or a link to the original: never written through
    with open(destination, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


@contextlib.contextmanager
def scratch_copy(root: str, fixed: Mapping[str, str]) -> Iterator[str]:
    """A temporary folder that stands in for ``root`` with the texts of ``fixed`` (path →
    fixed text) written in (see the module docstring); removed when the block ends."""
    top = os.path.abspath(root)
    names = top_level_names(top, fixed)
    inside = {path: text for path, text in fixed.items() if top_level_names(top, [path])}
    scratch = tempfile.mkdtemp(prefix="qemlflow-lint-fix-")
    try:
        try:
            for name in sorted(os.listdir(top)):
                source = os.path.join(top, name)
                if name in names and os.path.isdir(source):
                    _copy_package(source, os.path.join(scratch, name))
                elif name not in names and name != _BYTECODE:
                    _link(source, os.path.join(scratch, name), copy=False)
            for path, text in inside.items():
                _write_fixed(scratch, top, path, text)
        except OSError as error:
            raise ScratchError(f"cannot copy {top} ({error.strerror or error})") from None
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
