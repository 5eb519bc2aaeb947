"""Counting words the same way in every message and report."""

from __future__ import annotations


def plural(count: int, noun: str, nouns: str = "") -> str:
    """``1 finding``, ``2 findings`` (``nouns`` for irregular plurals: ``entry``/``entries``)."""
    return f"{count} {noun_for(count, noun, nouns)}"


def noun_for(count: int, noun: str, nouns: str = "") -> str:
    """The noun alone, singular for one and plural otherwise."""
    return noun if count == 1 else (nouns or noun + "s")
