"""Editing ``pyproject.toml`` as text: every other byte kept, every edit proven by parsing.

``init`` and ``calibrate --write`` share these edits. An edit works on the text — inserting a
key after a table's last entry, appending to an array, replacing a one-line value, appending
a table — so comments and layout stay as they were. The file is then parsed before and after
(:func:`proves`): unless the only difference is the intended one, the edit is refused, and
the caller tells the user what to add by hand.

Only lines that start a TOML statement count as headers or keys: a line that looks like
``[tool.x]`` inside a multi-line string or array is left alone.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from qemlflow_lint.atomic import write_text_atomic
from qemlflow_lint.config import toml
from qemlflow_lint.model.paths import display_path

#: The key ``calibrate --write`` adds heavy modules to.
EXTEND_HEAVY_MODULES = "extend-heavy-modules"
QEMLFLOW_TABLE = ("tool", "qemlflow-lint")

_HEADER = re.compile(r"^[ \t]*\[(?P<array>\[)?(?P<name>[^\[\]\r\n]+)\](?(array)\])[ \t]*(?:#.*)?\r?\n?$")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


class EditError(ValueError):
    """A file that cannot be edited safely; the message says why and what to add by hand."""


class Span(NamedTuple):
    """A table (or INI section): its header line and the index after its last line."""

    header: int
    end: int


def split_at_newlines(text: str) -> list[str]:
    """The lines of ``text`` with their line endings, split at ``\\n`` only (TOML and INI
    keep form feeds and other separators inside a line)."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def is_complete(text: str) -> bool:
    """True when ``text`` is valid TOML by itself: the line after it starts a statement,
    not the inside of a multi-line array or string."""
    return toml.parse_toml(text) is not None


def key_parts(dotted: str) -> tuple[str, ...] | None:
    """``tool."qemlflow-lint".score`` → ``("tool", "qemlflow-lint", "score")``."""
    parts: list[str] = []
    rest = dotted.strip()
    while True:
        if rest[:1] in ('"', "'"):
            end = rest.find(rest[0], 1)
            if end < 0 or (rest[0] == '"' and "\\" in rest[1:end]):
                return None  # escapes in quoted keys: not worth decoding here
            parts.append(rest[1:end])
            rest = rest[end + 1 :].lstrip()
        else:
            match = _BARE_KEY.match(rest)
            if not match:
                return None
            parts.append(match.group())
            rest = rest[match.end() :].lstrip()
        if not rest:
            return tuple(parts)
        if rest[0] != ".":
            return None
        rest = rest[1:].lstrip()


class _Header(NamedTuple):
    """A ``[table]`` or ``[[array.of.tables]]`` header line: its index and its key
    (``None`` when the key uses escapes this module does not decode)."""

    line: int
    key: tuple[str, ...] | None
    array: bool


def _headers(text: str) -> list[_Header]:
    """Every table and array-of-tables header, in order; a header-like line inside a
    multi-line value is not a header."""
    lines = split_at_newlines(text)
    found: list[_Header] = []
    for index, line in enumerate(lines):
        match = _HEADER.match(line)
        if match and is_complete("".join(lines[:index])):
            found.append(_Header(index, key_parts(match["name"]), bool(match["array"])))
    return found


def _spans(text: str) -> list[tuple[_Header, Span]]:
    """Each header with its span: up to the next header of any kind."""
    found = _headers(text)
    count = len(split_at_newlines(text))
    return [
        (header, Span(header.line, found[number + 1].line if number + 1 < len(found) else count))
        for number, header in enumerate(found)
    ]


def table_spans(text: str) -> dict[tuple[str, ...], Span]:
    """Every ``[table]`` header's key and span. Arrays of tables end a span but are not
    returned; a header-like line inside a multi-line value is not a header."""
    spans: dict[tuple[str, ...], Span] = {}
    for header, span in _spans(text):
        if header.key is not None and not header.array:
            spans.setdefault(header.key, span)
    return spans


def array_table_spans(text: str, key: Sequence[str]) -> list[Span]:
    """The spans of the ``[[key]]`` headers, one per element of that array of tables, in
    order."""
    return [span for header, span in _spans(text) if header.array and header.key == tuple(key)]


def spans_below(text: str, key: Sequence[str]) -> list[Span]:
    """The spans of every header, table or array of tables, whose key is ``key`` or starts
    with it, in order (``("tool", "mypy")``: ``[tool.mypy]``, ``[[tool.mypy.overrides]]``)."""
    size = len(key)
    return [
        span for header, span in _spans(text) if header.key is not None and header.key[:size] == tuple(key)
    ]


def last_content_line(lines: Sequence[str], span: Span, comment: str | tuple[str, ...] = "#") -> int:
    """The last line of a table that is neither blank nor a comment (or its header)."""
    for index in range(span.end - 1, span.header, -1):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith(comment):
            return index
    return span.header


def key_line(lines: Sequence[str], span: Span, names: Sequence[str]) -> int | None:
    """The line in the table where one of ``names`` (any quoting) is assigned, if any."""
    pattern = re.compile(
        r"^[ \t]*(?:"
        + "|".join(rf"{re.escape(n)}|\"{re.escape(n)}\"|'{re.escape(n)}'" for n in names)
        + r")[ \t]*="
    )
    for index in range(span.header + 1, span.end):
        if pattern.match(lines[index]) and is_complete("".join(lines[:index])):
            return index
    return None


def dig(data: Mapping[str, Any], keys: Sequence[str]) -> Any:
    """The value at a path of tables, or ``None``."""
    value: Any = data
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def with_value(data: Mapping[str, Any], keys: Sequence[str], value: Any) -> dict[str, Any]:
    """A deep copy of ``data`` with ``keys`` (a path of tables) set to ``value``."""
    changed: dict[str, Any] = copy.deepcopy(dict(data))
    table = changed
    for key in keys[:-1]:
        table = table.setdefault(key, {})
    table[keys[-1]] = value
    return changed


def proves(after: str, expected: Mapping[str, Any]) -> bool:
    """True when ``after`` is valid TOML that means exactly ``expected``."""
    return toml.parse_toml(after) == expected


def toml_list(items: Iterable[str]) -> str:
    """``["a", "b"]``."""
    return "[" + ", ".join(json.dumps(item) for item in items) + "]"


def inserted_after(lines: Sequence[str], index: int, block: str, newline: str = "\n") -> str:
    """The text of ``lines`` with ``block`` (lines ending with ``newline``) after line
    ``index``; a last line without a line ending gets one first."""
    lines = list(lines)
    if index >= 0 and not lines[index].endswith("\n"):
        lines[index] += newline
    return "".join(lines[: index + 1]) + block + "".join(lines[index + 1 :])


def appended(text: str | None, block: str, newline: str = "\n") -> str:
    """``block`` appended to ``text`` after one blank line."""
    if not text:
        return block
    if not text.endswith("\n"):
        text += newline
    return text + ("" if text.endswith(newline * 2) else newline) + block


def _string_end(text: str, index: int, delimiter: str) -> int:
    """The index just after the string that ``delimiter`` closes, from ``index`` on."""
    while index < len(text):
        if delimiter[0] == '"' and text[index] == "\\":
            index += 2
            continue
        if text.startswith(delimiter, index):
            return index + len(delimiter)
        index += 1
    return -1


def array_insertion(text: str, start: int, item: str) -> str | None:
    """``text`` with ``item`` appended to the TOML array whose ``[`` is at ``start``: on the
    closing line when the array ends inline, else as a new line before the closing ``]``."""
    depth, position, last = 0, start, start  # last: the last character that is not space
    while position < len(text):
        char = text[position]
        if char in "\"'":
            delimiter = char * 3 if text.startswith(char * 3, position) else char
            position = _string_end(text, position + len(delimiter), delimiter)
            if position < 0:
                return None
            last = position - 1
            continue
        if char == "#":
            position = text.find("\n", position)
            if position < 0:
                return None
            continue
        depth += {"[": 1, "]": -1}.get(char, 0)
        if depth == 0:
            break
        if not char.isspace():
            last = position
        position += 1
    else:
        return None
    comma = "" if text[last] in ",[" else ","
    line_start = text.rfind("\n", 0, position) + 1
    if text[line_start:position].strip():  # the array closes on a line with content
        gap = "" if text[last] == "[" else " "
        return text[: last + 1] + comma + gap + item + text[last + 1 :]
    last_line = text[text.rfind("\n", 0, last) + 1 :]
    indent = re.match(r"[ \t]*", last_line)
    inner = indent.group() if indent and text[last] != "[" else "    "
    return text[: last + 1] + comma + text[last + 1 : line_start] + f"{inner}{item},\n" + text[line_start:]


def _one_line_value_end(rest: str) -> int:
    """Where a one-line value ends in ``rest`` (before a comment), or -1."""
    for end in range(1, len(rest) + 1):
        after = rest[end:].strip()
        if (not after or after.startswith("#")) and is_complete(f"x = {rest[:end]}"):
            return end
    return -1


def _configured_heavy_modules(data: Mapping[str, Any]) -> list[str]:
    value = dig(data, (*QEMLFLOW_TABLE, EXTEND_HEAVY_MODULES))
    if value is None:
        return []
    if isinstance(value, str):  # the configuration also accepts "a, b"
        return [part for part in re.split(r"[,\s]+", value) if part]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise EditError(f"its {EXTEND_HEAVY_MODULES} is not a list of module names")


def with_heavy_modules(text: str, additions: Sequence[str]) -> str:
    """``text`` (a ``pyproject.toml``) with ``additions`` added to ``extend-heavy-modules``
    in its ``[tool.qemlflow-lint]`` table, every other byte kept.

    A one-line value is replaced in place (a trailing comment stays); otherwise the key
    goes after the table's last entry, or into a new table at the end of the file. A value
    spread over several lines, or a table written in a way this cannot follow, is an
    :class:`EditError`.
    """
    before = toml.parse_toml(text)
    if before is None:
        try:
            toml.loads(text)
        except toml.TOMLDecodeError as error:
            raise EditError(f"it is not valid TOML ({error})") from None
    assert before is not None
    existing = _configured_heavy_modules(before)
    modules = [*existing, *(m for m in dict.fromkeys(additions) if m not in existing)]
    if modules == existing:
        return text
    value = toml_list(modules)
    wanted = f"{EXTEND_HEAVY_MODULES} = {value}"
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = split_at_newlines(text)
    span = table_spans(text).get(QEMLFLOW_TABLE)
    if span is None:
        edited = appended(text, f"[tool.qemlflow-lint]{newline}{wanted}{newline}", newline)
    else:
        line = key_line(lines, span, [EXTEND_HEAVY_MODULES])
        if line is None:
            edited = inserted_after(lines, last_content_line(lines, span), wanted + newline, newline)
        else:
            lead, _, rest = lines[line].partition("=")
            rest = rest.rstrip("\r\n")
            stop = _one_line_value_end(rest)
            if stop < 0:
                raise EditError(
                    f"line {line + 1}: its {EXTEND_HEAVY_MODULES} value spans several lines; "
                    f"replace it by hand with `{wanted}`"
                )
            spaces = rest[: len(rest) - len(rest.lstrip())]
            ending = lines[line][len(lead) + 1 + len(rest) :]
            lines[line] = f"{lead}={spaces}{value}{rest[stop:]}{ending}"
            edited = "".join(lines)
    if not proves(edited, with_value(before, (*QEMLFLOW_TABLE, EXTEND_HEAVY_MODULES), modules)):
        raise EditError(
            f"its [tool.qemlflow-lint] table is written in a way this cannot edit safely; add `{wanted}` by hand"
        )
    return edited


def write_heavy_modules(path: str, additions: Sequence[str]) -> bool:
    """Add ``additions`` to ``extend-heavy-modules`` in the file at ``path`` (created if
    missing), atomically and keeping its permissions; False when there was nothing to
    change. Every problem is an :class:`EditError` that names the file."""
    shown = display_path(path)
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            text = handle.read()
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as error:
        raise EditError(f"{shown}: cannot read it: {getattr(error, 'strerror', None) or error}") from None
    try:
        edited = with_heavy_modules(text, additions)
    except EditError as error:
        raise EditError(f"{shown}: not changed: {error}") from None
    if edited == text:
        return False
    try:
        write_text_atomic(path, edited)
    except OSError as error:
        raise EditError(f"{shown}: cannot write it: {error.strerror or error}") from None
    return True
