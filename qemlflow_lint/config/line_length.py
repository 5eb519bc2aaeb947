"""The longest line a project allows, read from the tools that enforce it.

``fix`` never writes a line longer than this (a signature it annotates is wrapped, or the
edit is left). The first source that says it wins:

1. ruff's ``line-length`` (``.ruff.toml``, ``ruff.toml``, then ``[tool.ruff]`` in
   ``pyproject.toml``: the files ruff itself reads, in its order);
2. black's ``[tool.black] line-length``;
3. flake8's ``max-line-length`` in the first of ``setup.cfg``, ``tox.ini`` and ``.flake8``
   with a ``[flake8]`` section, as flake8 picks it; 79, flake8's default, when that section
   does not set it.

With none of them, :data:`DEFAULT_LINE_LENGTH`: 79, PEP 8's limit and pycodestyle's and
flake8's default, the strictest default of the common tools, so a line ``fix`` writes is
within every one of them (black's and ruff's 88, pylint's 100); and a signature wrapped one
parameter per line ends with a comma, which black and ``ruff format`` keep as it is.

A file that cannot be read or parsed, or a value that is not a positive integer, says
nothing: those tools report their own configuration errors.
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping
from typing import Any

from qemlflow_lint.config import toml

#: The line length when no tool configures one (see the module docstring).
DEFAULT_LINE_LENGTH = 79
#: flake8's own default ``max-line-length``.
FLAKE8_DEFAULT = 79
#: The files flake8 reads its section from, in the order it looks for them.
FLAKE8_FILES = ("setup.cfg", "tox.ini", ".flake8")
#: ruff's own configuration files, before ``pyproject.toml``.
RUFF_FILES = (".ruff.toml", "ruff.toml")


def _positive(value: object) -> int | None:
    """``value`` as a positive integer (a TOML integer or an INI string), or ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit():
            return None
        value = int(value)
    return value if isinstance(value, int) and value > 0 else None


def _toml(path: str) -> Mapping[str, Any]:
    try:
        return toml.load_file(path)
    except (OSError, toml.TOMLDecodeError, UnicodeDecodeError):
        return {}


def _table(data: Mapping[str, Any], *keys: str) -> Mapping[str, Any]:
    for key in keys:
        value = data.get(key)
        if not isinstance(value, dict):
            return {}
        data = value
    return data


def _from_ruff(root: str, pyproject: Mapping[str, Any]) -> int | None:
    for name in RUFF_FILES:
        path = os.path.join(root, name)
        if os.path.isfile(path):
            # ruff reads the first of its own files it finds, and then not pyproject.toml.
            return _positive(_toml(path).get("line-length"))
    return _positive(_table(pyproject, "tool", "ruff").get("line-length"))


def _flake8_section(path: str) -> configparser.SectionProxy | None:
    """The ``[flake8]`` section of an INI file, or ``None`` (no such section, or the file
    cannot be read: flake8 reports that itself)."""
    parser = configparser.RawConfigParser(strict=False, allow_no_value=True)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return None
    return parser["flake8"] if parser.has_section("flake8") else None


def _from_flake8(root: str) -> int | None:
    for name in FLAKE8_FILES:
        path = os.path.join(root, name)
        section = _flake8_section(path) if os.path.isfile(path) else None
        if section is not None:
            raw = section.get("max-line-length", section.get("max_line_length"))
            return FLAKE8_DEFAULT if raw is None else _positive(raw) or FLAKE8_DEFAULT
    return None


def configured_line_length(project_root: str) -> int | None:
    """The line length the project at ``project_root`` configures (see the module
    docstring), or ``None`` when no tool there sets one."""
    pyproject = _toml(os.path.join(project_root, "pyproject.toml"))
    return (
        _from_ruff(project_root, pyproject)
        or _positive(_table(pyproject, "tool", "black").get("line-length"))
        or _from_flake8(project_root)
    )


def line_length(project_root: str) -> int:
    """The longest line the project at ``project_root`` allows: what its tools configure,
    else :data:`DEFAULT_LINE_LENGTH`."""
    return configured_line_length(project_root) or DEFAULT_LINE_LENGTH
