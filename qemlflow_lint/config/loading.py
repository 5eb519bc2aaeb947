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
from qemlflow_lint.model.settings import CORE_OPTIONS, SECTION, Option, Settings
from qemlflow_lint.model.trees import FILE, LINK, DiskTree, FileTree
from qemlflow_lint.rules.registry import all_rules

CONFIG_FILENAME = "pyproject.toml"
#: Files and folders that mark a project's root folder when no configuration file says
#: where it is: test files, per-file ignores and fingerprints are relative to it.
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")

__all__ = [
    "ConfigError",
    "ConfigResolver",
    "SettingsLookup",
    "all_options",
    "load_config_file",
    "settings_from",
    "with_values",
]


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


def _section(data: Mapping[str, Any]) -> Mapping[str, Any] | None:
    tool = data.get("tool")
    section = tool.get("qemlflow-lint") if isinstance(tool, dict) else None
    return section if section is None or isinstance(section, dict) else {"": section}


def _document(data: bytes, shown: str) -> dict[str, Any]:
    try:
        return toml.loads(data.decode("utf-8"))
    except (toml.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{shown}: invalid TOML: {error}") from None


def _read(tree: FileTree, path: str) -> bytes:
    try:
        return tree.read(path)
    except OSError as error:
        raise ConfigError(
            f"{tree.shown(path)}: cannot read the configuration file: {error.strerror or error}"
        ) from None


def has_table(path: str, tree: FileTree | None = None) -> bool:
    """True when the TOML file ``path`` of ``tree`` (the disk by default) has a
    ``[tool.qemlflow-lint]`` table; :class:`ConfigError` when it cannot be read or parsed."""
    tree = DiskTree() if tree is None else tree
    return _section(_document(_read(tree, path), tree.shown(path))) is not None


def settings_from(data: bytes, path: str, tree: FileTree) -> Settings:
    """The settings in the ``[tool.qemlflow-lint]`` table of ``data``, the bytes of the
    configuration file ``path`` of ``tree`` (they anchor at the file's folder)."""
    shown = tree.shown(path)
    section = _section(_document(data, shown))
    if section is None:
        raise ConfigError(f"{shown}: no {SECTION} table")
    if "" in section:
        raise ConfigError(f"{shown}: {SECTION} must be a table")
    base = Settings(root=tree.place(tree.parent(path)), file=tree.place(path))
    return with_values(base, section, f"{shown} {SECTION}")


def load_config_file(path: str) -> Settings:
    """The settings in the ``[tool.qemlflow-lint]`` table of the file ``path`` on disk."""
    disk = DiskTree()
    return settings_from(_read(disk, path), path, disk)


#: ``(values, origin)`` pairs applied over each configuration, as the command line's flags are.
Overrides = Sequence[tuple[Mapping[str, object], str]]
#: The files that mark a project's root folder besides a repository's top (see
#: :data:`PROJECT_MARKERS`; :meth:`FileTree.is_top` tells the top).
_FILE_MARKERS = tuple(marker for marker in PROJECT_MARKERS if marker != ".git")


class SettingsLookup:
    """The configuration file, project root and settings of each folder of a tree (the
    disk's or a commit's: see :class:`~qemlflow_lint.model.trees.FileTree`), for one run.

    A folder's configuration is the nearest ``pyproject.toml`` with a
    ``[tool.qemlflow-lint]`` table at or above it, looked for in ``config_tree`` (the tree
    itself, or the one whose configuration is the yardstick); the search stops at the top
    of the repository (a configuration outside it is not the project's). Without one, its
    project root is the nearest folder with a project marker, the top of a repository
    being one; outside any, ``unmarked`` when it holds the folder (the top of the paths
    given), else the working directory. ``explicit`` names a configuration file (and its
    bytes, when they are not read from ``config_tree``) used for every folder.

    ``overrides`` are ``(values, origin)`` pairs applied over each configuration, in
    order. ``shared`` keeps the settings made from each configuration (by path, version and
    root) and ``tables`` whether each version of a ``pyproject.toml`` has our table: a run
    over many commits passes the same two to the lookup of each. A folder's answers come
    from its parent's, so each folder costs a look at its own files.
    """

    def __init__(
        self,
        tree: FileTree,
        *,
        config_tree: FileTree | None = None,
        explicit: tuple[str, bytes | None] | None = None,
        overrides: Overrides = (),
        unmarked: str | None = None,
        shared: dict[tuple[str | None, str, str], Settings] | None = None,
        tables: dict[tuple[str, str], bool] | None = None,
    ) -> None:
        self.tree = tree
        self.config_tree = tree if config_tree is None else config_tree
        self.explicit = explicit
        self.overrides = tuple(overrides)
        self.unmarked = unmarked
        self._by_folder: dict[str, Settings] = {}
        self._by_source: dict[tuple[str | None, str, str], Settings] = {} if shared is None else shared
        self._tables: dict[tuple[str, str], bool] = {} if tables is None else tables
        self._config_files: dict[str, str | None] = {}
        self._roots: dict[str, str | None] = {}

    def _nearest(
        self, tree: FileTree, folder: str, known: dict[str, str | None], own: Callable[[str], str | None]
    ) -> str | None:
        """The first answer of ``own`` from ``folder`` up to the top of its repository
        (None when there is none), remembered in ``known`` for every folder on the way."""
        chain = []
        found: str | None = None
        while folder not in known:
            chain.append(folder)
            above = tree.parent(folder)
            if above == folder or tree.is_top(folder):
                break
            folder = above
        else:
            found = known[folder]
        for below in reversed(chain):
            mine = own(below)
            found = found if mine is None else mine
            known[below] = found
        return found

    def _has_table(self, path: str) -> bool:
        key = (path, self.config_tree.version(path))
        known = self._tables.get(key)
        if known is None:
            known = self._tables[key] = has_table(path, self.config_tree)
        return known

    def _own_config(self, folder: str) -> str | None:
        candidate = self.config_tree.join(folder, CONFIG_FILENAME)
        kind = self.config_tree.kind(candidate)
        return candidate if kind in (FILE, LINK) and self._has_table(candidate) else None

    def config_file(self, folder: str) -> str | None:
        """The configuration file of ``folder`` (see the class): a path of the config tree."""
        if self.explicit is not None:
            return self.explicit[0]
        return self._nearest(self.config_tree, folder, self._config_files, self._own_config)

    def _own_root(self, folder: str) -> str | None:
        tree = self.tree
        if tree.is_top(folder):
            return folder
        for marker in _FILE_MARKERS:
            if tree.kind(tree.join(folder, marker)) is not None:
                return folder
        return None

    def marked_root(self, folder: str) -> str | None:
        """The nearest folder at or above ``folder`` with a project marker (the top of a
        repository being one); without one, ``unmarked`` when it holds the folder."""
        found = self._nearest(self.tree, folder, self._roots, self._own_root)
        if (
            found is None
            and self.unmarked is not None
            and self.tree.relative(folder, self.unmarked) is not None
        ):
            return self.unmarked
        return found

    def project_root(self, folder: str) -> str:
        """The project root of ``folder`` when no configuration file says it (see the class)."""
        found = self.marked_root(folder)
        return os.getcwd() if found is None else found

    def for_folder(self, folder: str) -> Settings:
        """The settings of the files directly in ``folder``."""
        if folder not in self._by_folder:
            file = self.config_file(folder)
            # Without a configuration file, the project root found from the folder anchors
            # test folders and patterns, so the answer never depends on the working directory.
            root = "" if file is not None else self.project_root(folder)
            version = "" if file is None or self.explicit is not None else self.config_tree.version(file)
            key = (file, version, root)
            if key not in self._by_source:
                if file is None:
                    settings = Settings(root=self.tree.place(root))
                else:
                    data = self.explicit[1] if self.explicit is not None else None
                    if data is None:
                        data = _read(self.config_tree, file)
                    settings = settings_from(data, file, self.config_tree)
                for values, origin in self.overrides:
                    settings = with_values(settings, values, origin)
                self._by_source[key] = settings
            self._by_folder[folder] = self._by_source[key]
        return self._by_folder[folder]

    def for_file(self, path: str) -> Settings:
        """The settings of the file ``path``."""
        return self.for_folder(self.tree.parent(path))


def top_of(paths: Sequence[str]) -> str:
    """The deepest folder that holds every path given (a folder given counts itself, a
    file its folder): the project root of a tree without a project marker."""
    folders = [os.path.abspath(p) if os.path.isdir(p) else os.path.dirname(os.path.abspath(p)) for p in paths]
    return os.path.commonpath(folders) if folders else os.getcwd()


def project_root(directory: str, unmarked: str | None = None) -> str:
    """The project root of the folder ``directory`` on disk (see :class:`SettingsLookup`)."""
    return SettingsLookup(DiskTree(), unmarked=unmarked).project_root(os.path.abspath(directory))


class ConfigResolver:
    """Finds the settings of each analysed file on disk, once per directory, for one run
    (a :class:`SettingsLookup` of the disk).

    ``overrides`` are ``(values, origin)`` pairs applied on top of the file's
    configuration in order: the host tool's options, then command-line flags.
    """

    def __init__(
        self, config_file: str | None = None, overrides: Overrides = (), unmarked_root: str | None = None
    ) -> None:
        self.config_file = config_file
        self.overrides = tuple(overrides)
        #: The project root of files without a project marker above them (see
        #: :class:`SettingsLookup`); the working directory when ``None``.
        self.unmarked_root = unmarked_root
        explicit = None if config_file is None else (config_file, None)
        self.lookup = SettingsLookup(
            DiskTree(), explicit=explicit, overrides=overrides, unmarked=unmarked_root
        )

    def for_path(self, path: str) -> Settings:
        """The settings that apply to ``path``."""
        return self.lookup.for_folder(os.path.dirname(os.path.abspath(path)))


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
