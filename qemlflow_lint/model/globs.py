"""The one glob dialect of ``exclude`` and ``per-file-ignores``, in the standard library.

The flake8 and pylint adapters must not import third-party code, and every front end must
read a pattern the same way, so this small matcher is used everywhere a configured path
pattern is matched:

- a pattern without ``/`` (other than a trailing one) matches a file or directory name at
  any depth: ``conftest.py``, ``*_pb2.py``, ``migrations``;
- a pattern with ``/`` is anchored at the configuration file's directory: ``src/legacy/*.py``;
- ``**`` matches any number of directories, ``*`` and ``?`` stay within one path part, and
  ``[abc]`` is a character class;
- a trailing ``/`` matches directories only (and so everything under them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple


class GlobError(ValueError):
    """A pattern that cannot be read."""


def _translate(pattern: str) -> str:
    out = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i + 2 if pattern[i + 1 : i + 2] in ("!", "]") else i + 1)
            if end < 0:
                raise GlobError(f"unclosed '[' in {pattern!r}")
            body = pattern[i + 1 : end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append(f"[{body}]")
            i = end
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


class Glob(NamedTuple):
    """One compiled pattern (a named tuple: cheap to define, and editors import this)."""

    pattern: str
    regex: re.Pattern[str]
    anchored: bool
    directories_only: bool

    @classmethod
    def compile(cls, pattern: str) -> Glob:
        """Compile ``pattern``; raises :class:`GlobError` when it is malformed."""
        text = pattern.strip().replace("\\", "/")
        if not text:
            raise GlobError("empty pattern")
        directories_only = text.endswith("/")
        text = text.rstrip("/")
        if text.startswith("./"):
            text = text[2:]
        anchored = "/" in text
        text = text.lstrip("/")
        try:
            regex = re.compile(_translate(text) + r"\Z")
        except re.error as error:
            raise GlobError(f"bad pattern {pattern!r}: {error}") from None
        return cls(pattern, regex, anchored, directories_only)

    def matches(self, relative_path: str, is_dir: bool = False) -> bool:
        """True when the path (``/``-separated, relative to the pattern's base) matches.

        A path also matches when one of its parent directories does, so excluding
        ``build/`` excludes everything below it.
        """
        parts = relative_path.replace("\\", "/").strip("/").split("/")
        for end in range(len(parts), 0, -1):
            part_is_dir = is_dir or end < len(parts)
            if self.directories_only and not part_is_dir:
                continue
            candidate = "/".join(parts[:end]) if self.anchored else parts[end - 1]
            if self.regex.match(candidate):
                return True
        return False


def compile_all(patterns: Iterable[str]) -> tuple[Glob, ...]:
    """Compile several patterns."""
    return tuple(Glob.compile(p) for p in patterns)


def any_matches(globs: Iterable[Glob], relative_path: str, is_dir: bool = False) -> bool:
    """True when one of ``globs`` matches the path."""
    return any(glob.matches(relative_path, is_dir) for glob in globs)
