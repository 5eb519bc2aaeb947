"""TOML reading, the one place that picks ``tomllib`` or, before Python 3.11, ``tomli``."""

from __future__ import annotations

import sys
from typing import Any, Dict, Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

#: What a malformed document raises.
TOMLDecodeError = tomllib.TOMLDecodeError


def loads(text: str) -> Dict[str, Any]:
    """The document in ``text``; raises :data:`TOMLDecodeError` when it is not valid TOML."""
    return tomllib.loads(text)


def parse(text: str) -> Optional[Dict[str, Any]]:
    """The document in ``text``, or ``None`` when it is not valid TOML."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def load_file(path: str) -> Dict[str, Any]:
    """The document in the file at ``path``; raises ``OSError``, ``UnicodeDecodeError`` or
    :data:`TOMLDecodeError`."""
    with open(path, "rb") as handle:
        return tomllib.load(handle)
