"""Writing files so that a reader never sees half of one.

The text goes to a temporary file in the same folder, is flushed to disk, and then
replaces the target in one rename: an interrupted run leaves the old file or the new one,
never a corrupt mix.
"""

from __future__ import annotations

import contextlib
import os
import tempfile


def write_text_atomic(path: str, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8, ``\\n`` line endings) atomically."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):  # the original error is what the caller needs
            os.unlink(temporary)
        raise
