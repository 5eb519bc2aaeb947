"""How each rule can be fixed automatically, as ``explain`` and the docs show it.

A rule declares its fixes (:attr:`~qemlflow_lint.rules.base.Rule.fixes`); the ``fix``
command implements them. ruff's convention: a *safe* fix keeps what the code does and
applies by default; an *unsafe* one may change behaviour a caller could notice and applies
only with ``--unsafe-fixes``.
"""

from __future__ import annotations

from typing import NamedTuple

#: The applicability of a fix, as ruff names it.
SAFE, UNSAFE = "safe", "unsafe"


class AutoFix(NamedTuple):
    """One kind of automatic fix a rule has: what it does, and whether it is safe."""

    description: str
    applicability: str
