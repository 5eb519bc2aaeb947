"""The effective configuration, resolved in one place and handed to the engine frozen.

One configuration, ``[tool.qemlflow-lint]`` in the nearest ``pyproject.toml`` above the
analysed file (or the file given with ``--config``), is read by every front end. Each
front end then applies its own options as overrides, in this order (later wins):

1. built-in defaults;
2. ``[tool.qemlflow-lint]``;
3. the host tool's options: flake8's ``--qf-…`` options (command line, ``setup.cfg``,
   ``tox.ini``, ``.flake8``) or pylint's ``qf-…`` options (``[tool.pylint.…]``, rcfile);
4. the ``qemlflow-lint`` command's own flags.

A wrong key or value is a :class:`ConfigError` naming the file, the key and what is
allowed; nothing falls back to a default silently.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Dict, Iterable, Mapping, NamedTuple, Optional, Sequence, Tuple

from qemlflow_lint.model.globs import Glob, GlobError, any_matches
from qemlflow_lint.model.heavy import DEFAULT_HEAVY_MODULES

#: The table read in ``pyproject.toml``.
SECTION = "[tool.qemlflow-lint]"
#: Codes and prefixes selected when nothing else is said.
DEFAULT_SELECT: tuple[str, ...] = ("QF",)
DEFAULT_MAX_MODULE_LINES = 1000
CONFIG_FILENAME = "pyproject.toml"

_CODE_PREFIX = re.compile(r"QF[0-9]{0,3}")


class ConfigError(ValueError):
    """A configuration value that cannot be used; the message says where and why."""


class PerFileIgnore(NamedTuple):
    """Codes ignored in the files a pattern matches."""

    pattern: Glob
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Config:
    """Which rules run, on which files, with which options.

    ``select``/``extend-select`` and ``ignore`` hold codes or code prefixes, matched as
    flake8 does: the more specific match wins, and ``ignore`` wins a tie. Path patterns
    are anchored at ``root``, the directory of the configuration file (or the working
    directory when there is none). ``origins`` says where each value came from.
    """

    select: tuple[str, ...] = DEFAULT_SELECT
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[PerFileIgnore, ...] = ()
    exclude: tuple[Glob, ...] = ()
    extend_exclude: tuple[Glob, ...] = ()
    heavy_modules: tuple[str, ...] = tuple(DEFAULT_HEAVY_MODULES)
    extend_heavy_modules: tuple[str, ...] = ()
    max_module_lines: int = DEFAULT_MAX_MODULE_LINES
    #: ``[tool.qemlflow-lint.score]``: weights replacing the profile's, per rule code.
    score_weights: Tuple[Tuple[str, float], ...] = ()
    #: ``[tool.qemlflow-lint.score] fail-under``: the lowest passing score, if any.
    fail_under: Optional[float] = None
    root: str = field(default_factory=os.getcwd, compare=False)
    file: Optional[str] = field(default=None, compare=False)
    origins: Tuple[Tuple[str, str], ...] = field(default=(), compare=False)

    @property
    def all_heavy_modules(self) -> tuple[str, ...]:
        """``heavy-modules`` plus ``extend-heavy-modules``."""
        extra = tuple(m for m in self.extend_heavy_modules if m not in self.heavy_modules)
        return self.heavy_modules + extra

    def is_enabled(self, code: str) -> bool:
        """True when the rule with this code runs (before per-file ignores)."""
        selected = _longest_prefix(code, self.select + self.extend_select)
        return selected >= 0 and selected > _longest_prefix(code, self.ignore)

    def _relative(self, path: str) -> str:
        relative = os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")
        return os.path.basename(path) if relative.startswith("../") else relative

    def ignored_in(self, path: str) -> tuple[str, ...]:
        """Codes that ``per-file-ignores`` switches off for ``path``."""
        if not self.per_file_ignores:
            return ()
        relative = self._relative(path)
        return tuple(
            code for entry in self.per_file_ignores if entry.pattern.matches(relative) for code in entry.codes
        )

    def is_enabled_for(self, code: str, path: str) -> bool:
        """True when the rule runs on ``path``, ``per-file-ignores`` included."""
        return self.is_enabled(code) and _longest_prefix(code, self.ignored_in(path)) < 0

    def is_excluded(self, path: str, is_dir: bool = False) -> bool:
        """True when an ``exclude`` pattern matches ``path``."""
        patterns = self.exclude + self.extend_exclude
        return bool(patterns) and any_matches(patterns, self._relative(path), is_dir)

    def origin(self, key: str) -> str:
        """Where the value of ``key`` came from (``"default"`` when nobody set it)."""
        return dict(self.origins).get(key, "default")

    def fingerprint(self) -> str:
        """A short stable hash of every value that can change findings."""
        import hashlib  # imported here: editors load this module on every keystroke
        import json

        payload = json.dumps(self.as_dict(), sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def as_dict(self) -> Dict[str, Any]:
        """Every key with its effective value, as the configuration file spells it."""
        return {
            "select": list(self.select),
            "extend-select": list(self.extend_select),
            "ignore": list(self.ignore),
            "per-file-ignores": {e.pattern.pattern: list(e.codes) for e in self.per_file_ignores},
            "exclude": [g.pattern for g in self.exclude],
            "extend-exclude": [g.pattern for g in self.extend_exclude],
            "heavy-modules": list(self.heavy_modules),
            "extend-heavy-modules": list(self.extend_heavy_modules),
            "max-module-lines": self.max_module_lines,
            "score": {"weights": dict(self.score_weights), "fail-under": self.fail_under},
        }

    def with_values(self, values: Mapping[str, object], origin: str) -> Config:
        """A copy with raw values (as read from a file or an option) validated and set.

        Keys are spelled as in the configuration file (``heavy-modules``); ``origin``
        names the source in error messages and in :meth:`origin`.
        """
        changes: Dict[str, Any] = {}
        origins = dict(self.origins)
        for key, raw in values.items():
            if key == "score":
                changes.update(_score_table(raw, f"{origin}: 'score'", self))
                origins[key] = origin
                continue
            parse = _KEYS.get(key)
            if parse is None:
                raise ConfigError(_unknown_key(key, origin))
            changes[key.replace("-", "_")] = parse(raw, f"{origin}: '{key}'", self)
            origins[key] = origin
        return replace(self, **changes, origins=tuple(sorted(origins.items())))


def _longest_prefix(code: str, prefixes: tuple[str, ...]) -> int:
    return max((len(p) for p in prefixes if code.startswith(p)), default=-1)


def _unknown_key(key: str, origin: str, allowed: Iterable[str] = ()) -> str:
    choices = sorted(allowed or [*_KEYS, "score"])
    import difflib  # only on the error path

    close = difflib.get_close_matches(key.replace("_", "-"), choices, n=1, cutoff=0.6)
    hint = f" — did you mean '{close[0]}'?" if close else ""
    return f"{origin}: unknown key '{key}'{hint} (allowed: {', '.join(choices)})"


_SCORE_KEYS = ("fail-under", "weights")


def _score_table(raw: object, label: str, config: Config) -> Dict[str, Any]:
    """``[tool.qemlflow-lint.score]``: ``weights = {QF001 = 3, ...}`` and ``fail-under``."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{label} must be a table, got {_type_name(raw)} {raw!r}")
    changes: Dict[str, Any] = {}
    for key, value in raw.items():
        if key == "fail-under":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
                raise ConfigError(f"{label}: 'fail-under' must be a number from 0 to 100, got {value!r}")
            changes["fail_under"] = float(value)
        elif key == "weights":
            changes["score_weights"] = _weights(value, f"{label}: 'weights'")
        else:
            raise ConfigError(_unknown_key(key, f"{label} table", _SCORE_KEYS))
    return changes


def _weights(raw: object, label: str) -> Tuple[Tuple[str, float], ...]:
    from qemlflow_lint.rules.registry import all_rules  # the registry imports this module

    if not isinstance(raw, dict):
        raise ConfigError(f"{label} must be a table of rule code = weight, got {_type_name(raw)} {raw!r}")
    known = {rule.code for rule in all_rules()}
    weights = []
    for code, weight in raw.items():
        if code.upper() not in known:
            raise ConfigError(f"{label} has unknown rule code '{code}' (known: {', '.join(sorted(known))})")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
            raise ConfigError(f"{label}: the weight of {code} must be a number ≥ 0, got {weight!r}")
        weights.append((code.upper(), float(weight)))
    return tuple(sorted(weights))


def _type_name(value: object) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "a boolean",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def _strings(raw: object, label: str) -> list[str]:
    if isinstance(raw, str):  # options from flake8/pylint/CLI arrive comma-separated
        return [part.strip() for part in re.split(r"[,\s]+", raw) if part.strip()]
    if isinstance(raw, (list, tuple)) and all(isinstance(item, str) for item in raw):
        return [item.strip() for item in raw if item.strip()]
    raise ConfigError(f"{label} must be a list of strings, got {_type_name(raw)} {raw!r}")


def _codes(raw: object, label: str, _: Config) -> tuple[str, ...]:
    from qemlflow_lint.rules.registry import all_rules  # the registry imports this module

    known = [rule.code for rule in all_rules()]
    codes = []
    for value in _strings(raw, label):
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


def _modules(raw: object, label: str, _: Config) -> tuple[str, ...]:
    names = _strings(raw, label)
    for name in names:
        if not all(part.isidentifier() for part in name.split(".")):
            raise ConfigError(f"{label} has '{name}', which is not a dotted module name")
    return tuple(names)


def _globs(raw: object, label: str, _: Config) -> tuple[Glob, ...]:
    try:
        return tuple(Glob.compile(pattern) for pattern in _strings(raw, label))
    except GlobError as error:
        raise ConfigError(f"{label} has a bad pattern: {error}") from None


def _positive_int(raw: object, label: str, _: Config) -> int:
    value = raw
    if isinstance(raw, str) and raw.strip().isdigit():
        value = int(raw)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"{label} must be a positive integer, got {_type_name(raw)} {raw!r}")
    return value


def _per_file_ignores(raw: object, label: str, config: Config) -> tuple[PerFileIgnore, ...]:
    if isinstance(raw, str):  # "pattern:CODES pattern:CODES", as flake8 writes it
        table: Dict[str, object] = {}
        for entry in raw.split():
            pattern, sep, codes = entry.rpartition(":")
            if not sep or not pattern:
                raise ConfigError(f"{label}: '{entry}' is not of the form PATTERN:CODES")
            table[pattern] = codes
        raw = table
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{label} must be a table of glob = [codes], got {_type_name(raw)} {raw!r}"
        )
    entries = []
    for pattern, codes in raw.items():
        try:
            glob = Glob.compile(pattern)
        except GlobError as error:
            raise ConfigError(f"{label} has a bad pattern: {error}") from None
        entries.append(PerFileIgnore(glob, _codes(codes, f"{label} '{pattern}'", config)))
    return tuple(entries)


Parser = Callable[[object, str, Config], Any]
_KEYS: Dict[str, Parser] = {
    "select": _codes,
    "extend-select": _codes,
    "ignore": _codes,
    "per-file-ignores": _per_file_ignores,
    "exclude": _globs,
    "extend-exclude": _globs,
    "heavy-modules": _modules,
    "extend-heavy-modules": _modules,
    "max-module-lines": _positive_int,
}
#: Every key ``[tool.qemlflow-lint]`` accepts that has a command-line flag (plus the
#: ``score`` sub-table).
KEYS: tuple[str, ...] = tuple(sorted(_KEYS))


def _load_toml(path: str) -> Dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python < 3.11 only
        import tomli as tomllib
    try:
        with open(path, "rb") as handle:
            data: Dict[str, Any] = tomllib.load(handle)
    except OSError as error:
        raise ConfigError(
            f"{_display(path)}: cannot read the configuration file: {error.strerror or error}"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{_display(path)}: invalid TOML: {error}") from None
    return data


def _section(data: Mapping[str, Any]) -> Optional[Mapping[str, Any]]:
    tool = data.get("tool")
    section = tool.get("qemlflow-lint") if isinstance(tool, dict) else None
    return section if section is None or isinstance(section, dict) else {"": section}


def load_config_file(path: str, required: bool = True) -> Optional[Config]:
    """The configuration in ``path``'s ``[tool.qemlflow-lint]`` table.

    Returns ``None`` when the file has no such table and ``required`` is false.
    """
    section = _section(_load_toml(path))
    if section is None:
        if required:
            raise ConfigError(f"{_display(path)}: no {SECTION} table")
        return None
    if "" in section:
        raise ConfigError(f"{_display(path)}: {SECTION} must be a table")
    base = Config(root=os.path.dirname(os.path.abspath(path)), file=path)
    return base.with_values(section, f"{_display(path)} {SECTION}")


def _display(path: str) -> str:
    relative = os.path.relpath(os.path.abspath(path))
    return path if relative.startswith("..") else relative


def has_table(path: str) -> bool:
    """True when the TOML file at ``path`` has a ``[tool.qemlflow-lint]`` table."""
    return _section(_load_toml(path)) is not None


def find_config_file(start: str, has_table: Callable[[str], bool] = has_table) -> Optional[str]:
    """The nearest ``pyproject.toml`` with a ``[tool.qemlflow-lint]`` table at or above
    ``start`` (a file or a directory), or ``None``."""
    directory = os.path.abspath(start)
    if not os.path.isdir(directory):
        directory = os.path.dirname(directory)
    while True:
        candidate = os.path.join(directory, CONFIG_FILENAME)
        if os.path.isfile(candidate) and has_table(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


Overrides = Sequence[Tuple[Mapping[str, object], str]]


class ConfigResolver:
    """Finds the configuration of each analysed file, once per directory, for one run.

    ``overrides`` are ``(values, origin)`` pairs applied on top of the file's
    configuration in order: the host tool's options, then command-line flags.
    """

    def __init__(self, config_file: Optional[str] = None, overrides: Overrides = ()) -> None:
        self.config_file = config_file
        self.overrides = tuple(overrides)
        self._by_directory: Dict[str, Config] = {}
        self._by_file: Dict[Optional[str], Config] = {}
        self._tables: Dict[str, bool] = {}

    def _has_table(self, path: str) -> bool:
        if path not in self._tables:
            self._tables[path] = has_table(path)
        return self._tables[path]

    def _finish(self, file: Optional[str]) -> Config:
        if file not in self._by_file:
            config = load_config_file(file) if file is not None else Config()
            assert config is not None
            for values, origin in self.overrides:
                config = config.with_values(values, origin)
            self._by_file[file] = config
        return self._by_file[file]

    def for_path(self, path: str) -> Config:
        """The configuration that applies to ``path``."""
        if self.config_file is not None:
            return self._finish(self.config_file)
        directory = os.path.dirname(os.path.abspath(path))
        if directory not in self._by_directory:
            self._by_directory[directory] = self._finish(find_config_file(directory, self._has_table))
        return self._by_directory[directory]


def overrides_from(values: Mapping[str, object], origin: str) -> Tuple[Mapping[str, object], str]:
    """An override entry from options, keeping only those the user actually set."""
    return {key: value for key, value in values.items() if value not in (None, [], ())}, origin


def describe(config: Config) -> Iterable[tuple[str, object, str]]:
    """``(key, value, origin)`` for every key, for ``qemlflow-lint config``."""
    for key, value in config.as_dict().items():
        yield key, value, config.origin(key)
