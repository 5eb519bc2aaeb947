"""Writing files so that a reader never sees half of one, and nothing but a file is replaced.

The text goes to a temporary file in the same folder, is flushed to disk, and then
replaces the target in one rename: an interrupted run leaves the old file or the new one,
never a corrupt mix. The new file keeps the old one's permissions, or gets the ordinary
ones (``0666`` less the umask) when it is new.

:func:`write_text_atomic` writes the files the tool creates (reports, baselines,
configuration), and decides by what the path names: a regular file, or none, is replaced
atomically; a symbolic link is followed and its target written so (the link stays); a
character device, a FIFO or a socket — ``/dev/null``, ``/dev/stdout``, a named pipe — is
opened and written in place, never replaced, and so is a path that names one of this
process's open files (``/dev/stdout`` when standard output is a file); a folder or a
block device is refused. :func:`replace_file_atomic` rewrites a user's own file: it writes
through a symbolic link instead of replacing the link, keeps the file's owner and group
where the system allows it, does not overwrite an edit made while the new bytes were
prepared, and refuses anything that is not a regular file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys

#: Where a path names one of this process's open files rather than a place on disk.
_DESCRIPTORS = ("/proc/", "/dev/fd/")
#: Symbolic links followed at most (the system's own limit is 40).
_MAX_LINKS = 40


class NotAFileError(OSError):
    """The path names something that must not be written as a file (a folder, a block
    device); ``strerror`` says what it is."""


def _names_a_descriptor(path: str) -> bool:
    """True when ``path``, or a symbolic link it leads through, names an open file of this
    process (``/dev/stdout`` is a link to ``/proc/self/fd/1``): such a file is written where
    it is, as the process's own output would be, whatever kind of file is behind it."""
    current = os.path.abspath(path)
    for _ in range(_MAX_LINKS):
        if current.startswith(_DESCRIPTORS):
            return True
        try:
            link = os.readlink(current)
        except OSError:
            return False
        current = os.path.normpath(os.path.join(os.path.dirname(current), link))
    return False


def _refuse(path: str, status: os.stat_result) -> None:
    """Raise :class:`NotAFileError` when ``status`` is something no writer may touch."""
    if stat.S_ISDIR(status.st_mode):
        raise NotAFileError(errno.EISDIR, "is a folder, not a file", path)
    if stat.S_ISBLK(status.st_mode):
        raise NotAFileError(errno.EINVAL, "is a block device (a disk), not a file", path)


def _write_in_place(path: str, text: str) -> None:
    """Write ``text`` into the device, FIFO or open file ``path`` without replacing it.

    It is opened for appending, never truncated: a device does not care, and a file behind
    standard output keeps what was already written to it. What this process printed before
    comes first."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    with open(path, "a", encoding="utf-8", newline="") as stream:
        stream.write(text)


def _mode_for(path: str) -> int:
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_text_atomic(path: str, text: str) -> None:
    """Write ``text`` (UTF-8, line endings as they are in ``text``) to ``path``: a regular
    file, or a missing one, is replaced atomically and keeps its permissions; a symbolic
    link is followed; a device, FIFO, socket or open descriptor is written in place (see
    the module docstring). Raises :class:`OSError` when it cannot be written, and
    :class:`NotAFileError` for a folder or a block device, before anything is written."""
    try:
        status: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        status = None  # missing, or a link to a file not yet there: created
    if status is not None:
        _refuse(path, status)
        if not stat.S_ISREG(status.st_mode) or _names_a_descriptor(path):
            _write_in_place(path, text)
            return
    _replace_text(os.path.realpath(path), text)


def _replace_text(path: str, text: str) -> None:
    """Replace the regular (or missing) file ``path``, no link, with ``text`` atomically."""
    directory = os.path.dirname(path)
    mode = _mode_for(path)
    import tempfile  # here, not at the top: its imports (shutil, random) would cost every start

    handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)  # mkstemp makes a private file
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):  # the original error is what the caller needs
            os.unlink(temporary)
        raise


def _holds(path: str, expected: bytes) -> bool:
    with open(path, "rb") as handle:
        return handle.read() == expected


def replace_file_atomic(path: str, data: bytes, *, expected: bytes | None = None) -> bool:
    """Replace the contents of the existing file at ``path`` with ``data`` atomically.

    A symbolic link is written through: its target gets the new contents and the link
    stays a link. The file keeps its permissions, and its owner and group when the system
    lets this process set them (as root, say). With ``expected``, the file must still hold
    those bytes just before the rename; when it does not, nothing is written and the
    result is ``False``. Raises :class:`OSError` when the file cannot be written; when the
    temporary file cannot be created, the error's ``filename`` is the folder. Anything but a
    regular file (a device, a FIFO, a folder) is :class:`NotAFileError`, never replaced.
    """
    target = os.path.realpath(path)
    directory = os.path.dirname(target)
    status = os.stat(target)
    _refuse(path, status)
    if not stat.S_ISREG(status.st_mode) or _names_a_descriptor(path):
        raise NotAFileError(errno.EINVAL, "is not a regular file (a device, a pipe or a socket)", path)
    try:
        import tempfile

        handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=directory)
    except OSError as error:
        raise OSError(error.errno, error.strerror, directory) from error
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
            if hasattr(os, "fchown") and (status.st_uid, status.st_gid) != (os.getuid(), os.getgid()):
                # Only a privileged process may give a file away: others keep their own.
                with contextlib.suppress(PermissionError):
                    os.fchown(stream.fileno(), status.st_uid, status.st_gid)
        os.chmod(temporary, status.st_mode & 0o7777)  # mkstemp makes a private file
        if expected is not None and not _holds(target, expected):
            os.unlink(temporary)
            return False
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):  # the original error is what the caller needs
            os.unlink(temporary)
        raise
    return True
