"""Reading and parsing one file, turning every failure into a clear reason.

Nothing here raises for bad input: a file that cannot be read, decoded or parsed gives a
:class:`SourceError` with a message and a position, which front ends report as QF000.
"""

from __future__ import annotations

import ast
import codecs
import io
import re
import tokenize
from typing import NamedTuple

#: PEP 263: a comment on line 1 or 2 matching this regular expression declares the encoding.
_CODING_DECLARATION = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")


class SourceError(NamedTuple):
    """Why a file could not be analysed, and where (1-based line, 0-based column)."""

    reason: str
    line: int = 1
    col: int = 0


def split_lines(text: str) -> list[str]:
    """Physical lines with universal newlines, as the tokenizer and flake8 see them."""
    return io.StringIO(text, newline=None).readlines()


def decode(data: bytes) -> str | SourceError:
    """Decode source bytes as Python does: BOM, then PEP 263 coding line, then UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        line = _coding_line(data)
        if line is not None:
            return SourceError(f"bad encoding declaration: {error}", line)
        # No declaration at all: the first lines are simply not UTF-8, which the
        # decoding below reports with the offending byte and its position.
        encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    if encoding == "utf-8-sig":
        # Decode what follows the BOM, so that error offsets index the same bytes.
        data, encoding = data[len(codecs.BOM_UTF8) :], "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        col = error.start - (before.rfind(b"\n") + 1)
        return SourceError(
            f"cannot decode byte {data[error.start]:#04x} as {encoding} ({error.reason})",
            line,
            col,
        )
    except LookupError as error:  # a codec that exists by name but cannot decode
        return SourceError(f"bad encoding declaration: {error}")


def _coding_line(data: bytes) -> int | None:
    """The line (1 or 2) of a PEP 263 coding declaration, or ``None``."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for number, line in enumerate(data.splitlines()[:2], start=1):
        if _CODING_DECLARATION.match(line):
            return number
    return None


def read_error(error: OSError) -> SourceError:
    """Why a file could not be read, in words."""
    if isinstance(error, IsADirectoryError):
        return SourceError("is a directory, not a file")
    if isinstance(error, FileNotFoundError):
        return SourceError("file not found (it may have been removed during the run)")
    if isinstance(error, PermissionError):
        return SourceError("permission denied")
    return SourceError(f"cannot read the file: {error.strerror or error}")


def read_source(path: str) -> str | SourceError:
    """The decoded text of ``path``, or why it cannot be had."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        return read_error(error)
    return decode(data)


def parse(text: str, path: str, data: bytes | None = None) -> ast.Module | SourceError:
    """Parse ``text`` once with :mod:`ast`, or say why that failed and where.

    ``data``, the bytes ``text`` was decoded from, is parsed instead when given: the parser
    reads UTF-8 (and coding declarations) itself, and skips encoding the text again.
    """
    try:
        return ast.parse(text if data is None else data, filename=path)
    except SyntaxError as error:
        line = error.lineno or (_nul_line(text) if "\0" in text else 1)
        col = max((error.offset or 1) - 1, 0)
        kind = type(error).__name__
        label = "syntax error" if kind == "SyntaxError" else kind
        return SourceError(f"{label}: {error.msg}", line, col)
    except ValueError as error:  # NUL bytes on Python < 3.12
        return SourceError(f"syntax error: {error}", _nul_line(text))
    except (RecursionError, MemoryError):
        return SourceError("the code is nested too deeply for Python's parser")


def _nul_line(text: str) -> int:
    index = text.find("\0")
    return text.count("\n", 0, index) + 1 if index >= 0 else 1
