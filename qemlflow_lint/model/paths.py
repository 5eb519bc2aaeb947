"""How paths are written in reports, keys and messages: one spelling everywhere."""

from __future__ import annotations

import os


def posix_path(path: str) -> str:
    """``path`` with ``/`` separators and no leading ``./``, as reports and keys write it."""
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def display_path(given: str) -> str:
    """How a path is shown to the user: relative to the working directory when it lies below
    it (even if given as an absolute path), otherwise normalised but as given."""
    path = os.path.normpath(given)
    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path)
        except ValueError:  # another drive (Windows): no relative path exists
            return path
        if not relative.startswith(os.pardir):
            return relative
    return path


def relative_below(path: str, root: str) -> str | None:
    """``path`` relative to ``root`` as a posix path, or ``None`` when it lies outside."""
    try:
        relative = os.path.relpath(os.path.abspath(path), root)
    except ValueError:
        return None
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return None
    return posix_path(relative)
