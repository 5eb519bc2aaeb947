"""Writing files so that a reader never sees half of one.

The text goes to a temporary file in the same folder, is flushed to disk, and then
replaces the target in one rename: an interrupted run leaves the old file or the new one,
never a corrupt mix. The new file keeps the old one's permissions, or gets the ordinary
ones (``0666`` less the umask) when it is new.

:func:`write_text_atomic` writes the files the tool creates (reports, baselines,
configuration). :func:`replace_file_atomic` rewrites a user's own file: it writes through a
symbolic link instead of replacing the link, keeps the file's owner and group where the
system allows it, and does not overwrite an edit made while the new bytes were prepared.
"""

from __future__ import annotations

import contextlib
import os
import tempfile


def _mode_for(path: str) -> int:
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_text_atomic(path: str, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8, line endings as they are in ``text``)
    atomically, keeping its permissions."""
    directory = os.path.dirname(os.path.abspath(path))
    mode = _mode_for(path)
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
    temporary file cannot be created, the error's ``filename`` is the folder.
    """
    target = os.path.realpath(path)
    directory = os.path.dirname(target)
    status = os.stat(target)
    try:
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
