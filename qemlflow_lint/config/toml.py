"""TOML reading, the one place that picks ``tomllib`` or, before Python 3.11, ``tomli``.

The parser is imported on first use, not with this module: the flake8 and pylint adapters
import the configuration layer on every editor run, and most of those runs read no file.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any


class TOMLDecodeError(ValueError):
    """A document that is not valid TOML (the parser's own error, as one type)."""


def _parser() -> ModuleType:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python < 3.11 only
        import tomli as tomllib
    return tomllib


def loads(text: str) -> dict[str, Any]:
    """The document in ``text``; raises :class:`TOMLDecodeError` when it is not valid TOML."""
    parser = _parser()
    try:
        document: dict[str, Any] = parser.loads(text)
    except parser.TOMLDecodeError as error:
        raise TOMLDecodeError(str(error)) from None
    return document


def parse_toml(text: str) -> dict[str, Any] | None:
    """The document in ``text``, or ``None`` when it is not valid TOML."""
    try:
        return loads(text)
    except TOMLDecodeError:
        return None


def load_file(path: str) -> dict[str, Any]:
    """The document in the file at ``path``; raises ``OSError``, ``UnicodeDecodeError`` or
    :class:`TOMLDecodeError`."""
    with open(path, "rb") as handle:
        data = handle.read()
    return loads(data.decode("utf-8"))
