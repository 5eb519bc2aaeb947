"""Positions as the Language Server Protocol counts them, and the smallest edit between two texts.

The protocol counts lines at ``\\n``, ``\\r\\n`` and ``\\r`` (not at the form feeds and
Unicode separators :meth:`str.splitlines` also breaks at) and columns in UTF-16 code
units; the analysis gives 1-based lines and columns in UTF-8 bytes, as :mod:`ast` does.
Nothing here knows the protocol's types: positions are ``(line, character)`` pairs.
"""

from __future__ import annotations

import re
from typing import NamedTuple

#: A line break as the protocol counts it.
_BREAK = re.compile(r"\r\n|\r|\n")

Position = tuple[int, int]


def protocol_lines(text: str) -> list[str]:
    """The lines of ``text`` with their line breaks, split where the protocol splits them
    (a text ending in a break has an empty last line)."""
    lines: list[str] = []
    start = 0
    for match in _BREAK.finditer(text):
        lines.append(text[start : match.end()])
        start = match.end()
    lines.append(text[start:])
    return lines


def utf16_length(text: str) -> int:
    """How many UTF-16 code units ``text`` takes."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def char_index(line: str, utf16: int) -> int:
    """The index in ``line`` of the character at UTF-16 column ``utf16`` (clamped to the
    line, its break excluded; a column inside a surrogate pair points at that character)."""
    units = 0
    for index, char in enumerate(line):
        if units >= utf16 or char in "\r\n":
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(line)


def column_of_byte(line: str, byte_col: int) -> int:
    """The UTF-16 column of UTF-8 byte offset ``byte_col`` in ``line`` (as :mod:`ast`
    counts columns); an offset inside a character counts that character."""
    data = line.encode("utf-8", "surrogatepass")
    return utf16_length(data[: max(0, byte_col)].decode("utf-8", "ignore"))


def text_end(line: str) -> int:
    """The UTF-16 column where ``line``'s text ends (before its break)."""
    return utf16_length(line.rstrip("\r\n"))


class TextRange(NamedTuple):
    """A range of a text: where it starts and ends, as ``(line, character)`` pairs."""

    start: Position
    end: Position


def finding_span(lines: list[str], line: int, byte_col: int) -> TextRange:
    """Where a finding at 1-based ``line`` and byte column ``byte_col`` shows: from its
    column to the end of its line's text (a line past the end shows at the last line)."""
    if not lines:
        return TextRange((0, 0), (0, 0))
    index = min(max(line, 1), len(lines)) - 1
    start = min(column_of_byte(lines[index], byte_col), text_end(lines[index]))
    end = text_end(lines[index])
    return TextRange((index, start), (index, max(end, start)))


def position_of(lines: list[str], offset: int) -> Position:
    """The position of character ``offset`` in the text made of ``lines``."""
    for index, line in enumerate(lines):
        if offset < len(line) or index == len(lines) - 1:
            return index, utf16_length(line[: max(0, offset)])
        offset -= len(line)
    return 0, 0


class TextChange(NamedTuple):
    """One replacement: the span of the old text and what replaces it."""

    span: TextRange
    new_text: str


def changed_region(old: str, new: str) -> TextChange | None:
    """The one replacement that turns ``old`` into ``new`` and keeps their common first
    and last lines as they are (whole lines, so a ``\\r\\n`` is never split), or ``None``
    when the texts are equal."""
    if old == new:
        return None
    old_lines, new_lines = protocol_lines(old), protocol_lines(new)
    first = 0
    limit = min(len(old_lines), len(new_lines))
    while first < limit and old_lines[first] == new_lines[first] and old_lines[first].endswith(("\n", "\r")):
        first += 1
    last = 0
    while (
        last < limit - first and old_lines[len(old_lines) - 1 - last] == new_lines[len(new_lines) - 1 - last]
    ):
        last += 1
    start = sum(len(line) for line in old_lines[:first])
    old_end = len(old) - sum(len(line) for line in old_lines[len(old_lines) - last :])
    new_end = len(new) - sum(len(line) for line in new_lines[len(new_lines) - last :])
    return TextChange(
        TextRange(position_of(old_lines, start), position_of(old_lines, old_end)), new[start:new_end]
    )


def apply_change(text: str, change: TextChange) -> str:
    """``text`` with ``change`` made (what a client does with the edit)."""
    lines = protocol_lines(text)

    def offset(position: Position) -> int:
        line, character = position
        return sum(len(item) for item in lines[:line]) + char_index(lines[line], character)

    return text[: offset(change.span.start)] + change.new_text + text[offset(change.span.end) :]
