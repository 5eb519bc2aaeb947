"""Reading and validating configuration values, one reader per kind of option.

Every option declares its kind (see :class:`~qemlflow_lint.model.settings.Option`); the
reader of that kind turns the raw value (from TOML, or a comma-separated string from a
flake8, pylint or command-line option) into the typed value of the settings, or raises
:class:`ConfigError` naming where the value came from, the key and what is allowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Callable

from qemlflow_lint.config.errors import ConfigError
from qemlflow_lint.model.globs import Glob, GlobError
from qemlflow_lint.model.settings import PerFileIgnore
from qemlflow_lint.rules.registry import all_rules

_CODE_PREFIX = re.compile(r"QF[0-9]{0,3}")


def type_name(value: object) -> str:
    """How an error message names the type of a configuration value."""
    return {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "a boolean",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def unknown_key(key: str, origin: str, allowed: Iterable[str]) -> str:
    """The message for a key nobody declared, with the closest known key."""
    import difflib  # only on the error path: the adapters import this module on every keystroke

    choices = sorted(allowed)
    close = difflib.get_close_matches(key.replace("_", "-"), choices, n=1, cutoff=0.6)
    hint = f" — did you mean '{close[0]}'?" if close else ""
    return f"{origin}: unknown key '{key}'{hint} (allowed: {', '.join(choices)})"


def strings(raw: object, label: str) -> list[str]:
    """A list of strings, or one comma- or space-separated string (from an option)."""
    if isinstance(raw, str):
        return [part.strip() for part in re.split(r"[,\s]+", raw) if part.strip()]
    if isinstance(raw, (list, tuple)) and all(isinstance(item, str) for item in raw):
        return [item.strip() for item in raw if item.strip()]
    raise ConfigError(f"{label} must be a list of strings, got {type_name(raw)} {raw!r}")


def _codes(raw: object, label: str) -> tuple[str, ...]:
    known = [rule.code for rule in all_rules()]
    codes = []
    for value in strings(raw, label):
        code = value.upper()
        if code == "QF000":
            raise ConfigError(f"{label}: QF000 (a file that cannot be parsed) is always reported")
        if not _CODE_PREFIX.fullmatch(code) or not any(k.startswith(code) for k in known):
            raise ConfigError(
                f"{label} has unknown rule code '{value}' (known: {', '.join(known)}, "
                "or a prefix such as QF or QF00)"
            )
        codes.append(code)
    return tuple(codes)


Reader = Callable[[object, str], Any]


def _dotted(what: str) -> Reader:
    """The reader of a list of dotted names; the error calls each a ``dotted {what}``."""

    def read(raw: object, label: str) -> tuple[str, ...]:
        names = strings(raw, label)
        for name in names:
            if not all(part.isidentifier() for part in name.split(".")):
                raise ConfigError(f"{label} has '{name}', which is not a dotted {what}")
        return tuple(names)

    return read


def _boolean(raw: object, label: str) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false", "yes", "no", "1", "0", "on", "off"):
        return raw.strip().lower() in ("true", "yes", "1", "on")
    raise ConfigError(f"{label} must be true or false, got {type_name(raw)} {raw!r}")


def _globs(raw: object, label: str) -> tuple[Glob, ...]:
    try:
        return tuple(Glob.compile(pattern) for pattern in strings(raw, label))
    except GlobError as error:
        raise ConfigError(f"{label} has a bad pattern: {error}") from None


def _folders(raw: object, label: str) -> tuple[str, ...]:
    folders = []
    for folder in strings(raw, label):
        normal = folder.replace("\\", "/").rstrip("/")
        if not normal or any(part in ("", "..") for part in normal.split("/")[1:]) or normal == "..":
            raise ConfigError(f"{label} has '{folder}', which is not a folder below the project root")
        folders.append(normal)
    return tuple(folders)


def _positive_integer(raw: object, label: str) -> int:
    value = raw
    if isinstance(raw, str) and raw.strip().isdigit():
        value = int(raw)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"{label} must be a positive integer, got {type_name(raw)} {raw!r}")
    return value


def _per_file_ignores(raw: object, label: str) -> tuple[PerFileIgnore, ...]:
    if isinstance(raw, str):  # "pattern:CODES pattern:CODES", as flake8 writes it
        table: dict[str, object] = {}
        for entry in raw.split():
            pattern, sep, codes = entry.rpartition(":")
            if not sep or not pattern:
                raise ConfigError(f"{label}: '{entry}' is not of the form PATTERN:CODES")
            table[pattern] = codes
        raw = table
    if not isinstance(raw, dict):
        raise ConfigError(f"{label} must be a table of glob = [codes], got {type_name(raw)} {raw!r}")
    entries = []
    for pattern, codes in raw.items():
        try:
            glob = Glob.compile(pattern)
        except GlobError as error:
            raise ConfigError(f"{label} has a bad pattern: {error}") from None
        entries.append(PerFileIgnore(glob, _codes(codes, f"{label} '{pattern}'")))
    return tuple(entries)


#: The reader of each kind of option.
READERS: dict[str, Reader] = {
    "codes": _codes,
    "per-file-ignores": _per_file_ignores,
    "globs": _globs,
    "module-names": _dotted("module name"),
    "names": _dotted("name"),
    "folders": _folders,
    "positive-integer": _positive_integer,
    "boolean": _boolean,
}

#: The keys of ``[tool.qemlflow-lint.fix]``.
FIX_KEYS = ("entry-points",)
#: A module name, or a pattern of them (``pkg.io``, ``pkg.*``).
_MODULE_PATTERN = re.compile(r"[A-Za-z_*?][A-Za-z0-9_*?]*(\.[A-Za-z_*?][A-Za-z0-9_*?]*)*")


def fix_table(raw: object, label: str) -> dict[str, Any]:
    """``[tool.qemlflow-lint.fix]``: ``entry-points = ["pkg.io", "pkg.*"]``, the modules (or
    patterns of module names) whose import QF001's fix protects besides the top-level
    packages, as settings fields."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{label} must be a table, got {type_name(raw)} {raw!r}")
    changes: dict[str, Any] = {}
    for key, value in raw.items():
        if key != "entry-points":
            raise ConfigError(unknown_key(key, f"{label} table", FIX_KEYS))
        if not isinstance(value, list) or not all(
            isinstance(v, str) and _MODULE_PATTERN.fullmatch(v) for v in value
        ):
            raise ConfigError(
                f"{label}: 'entry-points' must be a list of module names or patterns (pkg.io, pkg.*), got {value!r}"
            )
        changes["fix_entry_points"] = tuple(value)
    return changes


#: The keys of ``[tool.qemlflow-lint.score]``.
SCORE_KEYS = ("fail-under", "weights")


def score_table(raw: object, label: str) -> dict[str, Any]:
    """``[tool.qemlflow-lint.score]``: ``weights = {QF001 = 3, ...}`` and ``fail-under``, as
    settings fields."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{label} must be a table, got {type_name(raw)} {raw!r}")
    changes: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "fail-under":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
                raise ConfigError(f"{label}: 'fail-under' must be a number from 0 to 100, got {value!r}")
            changes["fail_under"] = float(value)
        elif key == "weights":
            changes["score_weights"] = _weights(value, f"{label}: 'weights'")
        else:
            raise ConfigError(unknown_key(key, f"{label} table", SCORE_KEYS))
    return changes


def _weights(raw: object, label: str) -> tuple[tuple[str, float], ...]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{label} must be a table of rule code = weight, got {type_name(raw)} {raw!r}")
    known = {rule.code for rule in all_rules()}
    weights = []
    for code, weight in raw.items():
        if code.upper() not in known:
            raise ConfigError(f"{label} has unknown rule code '{code}' (known: {', '.join(sorted(known))})")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
            raise ConfigError(f"{label}: the weight of {code} must be a number ≥ 0, got {weight!r}")
        weights.append((code.upper(), float(weight)))
    return tuple(sorted(weights))
