"""Content digests: BLAKE2b, without importing OpenSSL.

``import hashlib`` loads OpenSSL's bindings first, which costs several milliseconds at every
start of a one-file run; BLAKE2b does not need them. CPython builds ``_blake2`` in, so it is
used directly when present, and :mod:`hashlib` otherwise.
"""

from __future__ import annotations

from typing import Any, Callable

try:
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - a Python without the built-in module
    from hashlib import blake2b as _blake2b

_new: Callable[..., Any] = _blake2b


def digest(data: bytes, size: int = 20) -> str:
    """The hex BLAKE2b digest of ``data``, ``size`` bytes long (``2 * size`` hex digits)."""
    return str(_new(data, digest_size=size).hexdigest())


def text_digest(text: str, size: int = 20) -> str:
    """:func:`digest` of ``text`` in UTF-8 (lone surrogates from file names kept)."""
    return digest(text.encode("utf-8", "surrogateescape"), size)
