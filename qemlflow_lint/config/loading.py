"""The effective settings, resolved in one place and handed to the engine frozen.

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

import functools
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Callable

from qemlflow_lint.config import toml
from qemlflow_lint.config.errors import ConfigError
from qemlflow_lint.config.values import READERS, fix_table, score_table, unknown_key
from qemlflow_lint.model.paths import display_path
from qemlflow_lint.model.settings import CORE_OPTIONS, SECTION, Option, Settings
from qemlflow_lint.rules.registry import all_rules

CONFIG_FILENAME = "pyproject.toml"
#: Files and folders that mark a project's root folder when no configuration file says
#: where it is: test files, per-file ignores and fingerprints are relative to it.
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")

__all__ = ["ConfigError", "ConfigResolver", "all_options", "load_config_file", "with_values"]


@functools.cache
def all_options() -> tuple[Option, ...]:
    """Every configuration key: the shared ones, then each rule's own, each key once."""
    found: dict[str, Option] = {option.key: option for option in CORE_OPTIONS}
    for rule in all_rules():
        for option in rule.options:
            found.setdefault(option.key, option)
    return tuple(found.values())


def rule_options() -> tuple[Option, ...]:
    """The options rules declare that are not shared keys (``max-module-lines``)."""
    core = {option.key for option in CORE_OPTIONS}
    return tuple(option for option in all_options() if option.key not in core)


def host_options() -> dict[str, tuple[Option, tuple[str, ...]]]:
    """The options the rules declare, each with the codes of the rules that read it: the
    ones the host tools (flake8, pylint) expose as ``qf-`` options. ``select`` and
    ``ignore`` are the host's own business."""
    found: dict[str, tuple[Option, tuple[str, ...]]] = {}
    for rule in all_rules():
        for option in rule.options:
            known, codes = found.get(option.key, (option, ()))
            found[option.key] = (known, (*codes, rule.code))
    return found


def with_values(settings: Settings, values: Mapping[str, object], origin: str) -> Settings:
    """A copy of ``settings`` with raw values (as read from a file or an option) validated
    and set. Keys are spelled as in the configuration file (``heavy-modules``); ``origin``
    names the source in error messages and in :meth:`Settings.origin`."""
    options = {option.key: option for option in all_options()}
    core = {option.key for option in CORE_OPTIONS}
    changes: dict[str, Any] = {}
    extra = dict(settings.rule_options)
    origins = dict(settings.origins)
    for key, raw in values.items():
        if key == "score":
            changes.update(score_table(raw, f"{origin}: 'score'"))
        elif key == "fix":
            changes.update(fix_table(raw, f"{origin}: 'fix'"))
        else:
            option = options.get(key)
            if option is None:
                raise ConfigError(unknown_key(key, origin, [*options, "fix", "score"]))
            value = READERS[option.kind](raw, f"{origin}: '{key}'")
            if key in core:
                changes[option.attribute] = value
            else:
                extra[key] = value
        origins[key] = origin
    return settings._replace(
        **changes, rule_options=tuple(sorted(extra.items())), origins=tuple(sorted(origins.items()))
    )


def _load_toml(path: str) -> dict[str, Any]:
    try:
        return toml.load_file(path)
    except OSError as error:
        raise ConfigError(
            f"{display_path(path)}: cannot read the configuration file: {error.strerror or error}"
        ) from None
    except (toml.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{display_path(path)}: invalid TOML: {error}") from None


def _section(data: Mapping[str, Any]) -> Mapping[str, Any] | None:
    tool = data.get("tool")
    section = tool.get("qemlflow-lint") if isinstance(tool, dict) else None
    return section if section is None or isinstance(section, dict) else {"": section}


def load_config_file(path: str, required: bool = True) -> Settings | None:
    """The settings in ``path``'s ``[tool.qemlflow-lint]`` table.

    Returns ``None`` when the file has no such table and ``required`` is false.
    """
    section = _section(_load_toml(path))
    if section is None:
        if required:
            raise ConfigError(f"{display_path(path)}: no {SECTION} table")
        return None
    if "" in section:
        raise ConfigError(f"{display_path(path)}: {SECTION} must be a table")
    base = Settings(root=os.path.dirname(os.path.abspath(path)), file=path)
    return with_values(base, section, f"{display_path(path)} {SECTION}")


def has_table(path: str) -> bool:
    """True when the TOML file at ``path`` has a ``[tool.qemlflow-lint]`` table."""
    return _section(_load_toml(path)) is not None


def find_config_file(start: str, has_table: Callable[[str], bool] = has_table) -> str | None:
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


def marked_root(directory: str) -> str | None:
    """The nearest folder at or above ``directory`` with a project marker (see
    :data:`PROJECT_MARKERS`), or ``None``."""
    current = os.path.abspath(directory)
    while True:
        if any(os.path.exists(os.path.join(current, marker)) for marker in PROJECT_MARKERS):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def top_of(paths: Sequence[str]) -> str:
    """The deepest folder that holds every path given (a folder given counts itself, a
    file its folder): the project root of a tree without a project marker."""
    folders = [os.path.abspath(p) if os.path.isdir(p) else os.path.dirname(os.path.abspath(p)) for p in paths]
    return os.path.commonpath(folders) if folders else os.getcwd()


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def project_root(directory: str, unmarked: str | None = None) -> str:
    """The nearest folder at or above ``directory`` with a project marker (see
    :data:`PROJECT_MARKERS`); without one, ``unmarked`` (the top of the paths a run was
    given, see :func:`top_of`) when it holds ``directory``, else the working directory."""
    found = marked_root(directory)
    if found is not None:
        return found
    if unmarked is not None and _within(os.path.abspath(directory), unmarked):
        return unmarked
    return os.getcwd()


Overrides = Sequence[tuple[Mapping[str, object], str]]


class ConfigResolver:
    """Finds the settings of each analysed file, once per directory, for one run.

    ``overrides`` are ``(values, origin)`` pairs applied on top of the file's
    configuration in order: the host tool's options, then command-line flags.
    """

    def __init__(
        self, config_file: str | None = None, overrides: Overrides = (), unmarked_root: str | None = None
    ) -> None:
        self.config_file = config_file
        self.overrides = tuple(overrides)
        #: The project root of files without a project marker above them (see
        #: :func:`project_root`); the working directory when ``None``.
        self.unmarked_root = unmarked_root
        self._by_directory: dict[str, Settings] = {}
        self._by_source: dict[tuple[str | None, str], Settings] = {}
        self._tables: dict[str, bool] = {}

    def _has_table(self, path: str) -> bool:
        if path not in self._tables:
            self._tables[path] = has_table(path)
        return self._tables[path]

    def _finish(self, file: str | None, directory: str) -> Settings:
        # Without a configuration file, the project root found from the file's folder
        # anchors test folders and patterns, so the answer never depends on the working
        # directory (without a marker either: the top of the paths given is the root).
        root = "" if file is not None else project_root(directory, self.unmarked_root)
        if (file, root) not in self._by_source:
            settings = load_config_file(file) if file is not None else Settings(root=root)
            assert settings is not None
            for values, origin in self.overrides:
                settings = with_values(settings, values, origin)
            self._by_source[(file, root)] = settings
        return self._by_source[(file, root)]

    def for_path(self, path: str) -> Settings:
        """The settings that apply to ``path``."""
        directory = os.path.dirname(os.path.abspath(path))
        if directory not in self._by_directory:
            file = self.config_file or find_config_file(directory, self._has_table)
            self._by_directory[directory] = self._finish(file, directory)
        return self._by_directory[directory]


def overrides_from(values: Mapping[str, object], origin: str) -> tuple[Mapping[str, object], str]:
    """An override entry from options, keeping only those the user actually set."""
    return {key: value for key, value in values.items() if value not in (None, [], ())}, origin


def settings_origins(settings: Settings) -> Iterable[tuple[str, object, str]]:
    """``(key, value, origin)`` for every key, rule options with their defaults included,
    for ``qemlflow-lint config``."""
    values = settings.as_dict()
    score = values.pop("score")
    fix = values.pop("fix")
    for option in rule_options():
        values.setdefault(option.key, settings.option(option))
    for key, value in values.items():
        yield key, list(value) if isinstance(value, tuple) else value, settings.origin(key)
    yield "fix", fix, settings.origin("fix")
    yield "score", score, settings.origin("score")


#: The lowest version a ``requires-python`` specifier admits: ``>=3.10``, ``~=3.9``, ``==3.11.*``.
_LOWEST_PYTHON = re.compile(r"(?:>=|~=|==)\s*3\.(\d+)")


def requires_python(directory: str) -> tuple[int, int] | None:
    """The oldest Python the project at or above ``directory`` declares (``[project]
    requires-python`` in the nearest ``pyproject.toml``), or ``None`` when it says none.
    An unreadable or invalid file says none: the configuration's own errors are reported
    where the configuration is read."""
    candidate = os.path.join(project_root(directory), CONFIG_FILENAME)
    try:
        data = toml.load_file(candidate)
    except (OSError, toml.TOMLDecodeError, UnicodeDecodeError):
        return None
    project = data.get("project")
    specifier = project.get("requires-python") if isinstance(project, dict) else None
    if not isinstance(specifier, str):
        return None
    minors = [int(minor) for minor in _LOWEST_PYTHON.findall(specifier)]
    return (3, min(minors)) if minors else None
