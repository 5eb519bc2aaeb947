"""Text from outside the project — commit subjects, authors, file names — shown without
letting it act on the reader's screen or break the output.

Such text may hold escape sequences (ANSI colours, OSC hyperlinks and titles, a screen
clear), other control characters, line breaks, bidirectional controls that reorder what
follows them, and bytes that are not UTF-8 (a file name in git is bytes: it is carried as
a ``str`` with the undecodable bytes as surrogate escapes, as :mod:`os` does). Each of
these is shown as an escape a person can read, and nothing else changes: an emoji or an
accented letter stays as it is.
"""

from __future__ import annotations

import re

#: Bidirectional controls: shown raw, they reverse or reorder the text around them.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: What is escaped: C0 and C1 controls, DEL, line and paragraph separators, bidirectional
#: controls, and surrogates (undecodable bytes, or text that is not Unicode).
UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029{_BIDI}\\ud800-\\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    code = ord(character)
    if character in _NAMED:
        return _NAMED[character]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, carried as a surrogate escape
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character, line break, bidirectional control and
    undecodable byte written as an escape (``\\x1b``, ``\\n``, ``\\u202e``, ``\\xe9``)."""
    return UNSAFE.sub(_escape, text)


#: Control characters and line breaks, without the bidirectional controls (a web page
#: isolates those itself) and the surrogates.
CONTROLS = re.compile("[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]")


def controls_escaped(text: str) -> str:
    """``text`` with only its control characters and line breaks escaped as :func:`printable`
    escapes them: what a web page does with a commit subject, whose bidirectional text it
    isolates with ``<bdi>``."""
    return CONTROLS.sub(_escape, text)


#: Undecodable bytes carried as surrogate escapes (and any other surrogate).
SURROGATES = re.compile("[\ud800-\udfff]")


def decodable(text: str) -> str:
    """``text`` with only its surrogates escaped as :func:`printable` escapes them: what
    any output that must be valid UTF-8 (a web page) does with an undecodable name."""
    return SURROGATES.sub(_escape, text)


def json_safe(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with the characters that
    :func:`printable` escapes written as ``\\uXXXX`` escapes: the same value when parsed,
    surrogate escapes included, and nothing raw on a terminal or unencodable in UTF-8."""
    return UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def code_span(text: str, in_table: bool = False) -> str:
    """``text`` as a Markdown code span, shown literally: Markdown does not unescape
    inside a code span, so nothing is HTML-escaped; the fence is one backtick longer than
    the longest run inside, with a space inside it when the text starts or ends with a
    backtick. In a table cell a pipe still ends the cell, so it is escaped there."""
    text = printable(text)
    if in_table:
        text = text.replace("|", "\\|")
    runs = [len(run) for run in re.findall("`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    # A code span drops one space at each end when both ends have one.
    padded = text.startswith(" ") and text.endswith(" ") and text.strip()
    pad = " " if text.startswith("`") or text.endswith("`") or padded else ""
    return f"{fence}{pad}{text}{pad}{fence}"
