"""Writing files so that a reader never sees half of one.

The text goes to a temporary file in the same folder, is flushed to disk, and then
replaces the target in one rename: an interrupted run leaves the old file or the new one,
never a corrupt mix. The new file keeps the old one's permissions, or gets the ordinary
ones (``0666`` less the umask) when it is new.
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
