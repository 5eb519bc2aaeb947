"""The settings of each file of a commit, found in a tree as ``score`` finds them on disk.

:class:`~qemlflow_lint.config.loading.ConfigResolver` looks for the nearest
``pyproject.toml`` with a ``[tool.qemlflow-lint]`` table above a file; here the same search
runs over the files of a tree (the commit's own, or the tree of ``--config-from``), and the
file's text comes from its blob. Without a configuration, the project root is the nearest
folder with a project marker, or the top of the repository (where a checkout has ``.git``).
Folders are placed where a checkout would put them (``place``), so that settings anchor
their patterns as they would there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Callable

from qemlflow_lint.config import toml
from qemlflow_lint.config.errors import ConfigError
from qemlflow_lint.config.loading import CONFIG_FILENAME, PROJECT_MARKERS, with_values
from qemlflow_lint.history.tree import Tree, join, parent
from qemlflow_lint.model.settings import SECTION, Settings

#: ``(values, origin)`` pairs applied over each configuration, as the command line's flags are.
Overrides = Sequence[tuple[Mapping[str, object], str]]
#: The project markers a tree can hold (a checkout's ``.git`` is not in its tree).
_MARKERS = tuple(marker for marker in PROJECT_MARKERS if marker != ".git")


def _section(document: Mapping[str, Any], path: str) -> Mapping[str, Any] | None:
    tool = document.get("tool")
    section = tool.get("qemlflow-lint") if isinstance(tool, dict) else None
    if section is not None and not isinstance(section, dict):
        raise ConfigError(f"{path}: {SECTION} must be a table")
    return section


def parse_document(data: bytes, path: str) -> dict[str, Any]:
    """The TOML document in ``data``, the bytes of the file ``path`` (named in the error)."""
    try:
        return toml.loads(data.decode("utf-8"))
    except (toml.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None


def settings_from_bytes(data: bytes, path: str, place: Callable[[str], str]) -> Settings:
    """The settings of the ``[tool.qemlflow-lint]`` table in ``data``, the configuration
    file at tree path ``path`` (a checkout puts it at ``place(path)``)."""
    section = _section(parse_document(data, path), path)
    if section is None:
        raise ConfigError(f"{path}: no {SECTION} table")
    base = Settings(root=place(parent(path)), file=place(path))
    return with_values(base, section, f"{path} {SECTION}")


def _nearest(folder: str, known: dict[str, str | None], own: Callable[[str], str | None]) -> str | None:
    """The first answer of ``own`` from ``folder`` up to the top (None when there is
    none), remembered in ``known`` for every folder on the way: the folders of a tree are
    asked about from the top down, so each costs one call of ``own``."""
    chain = []
    while folder not in known:
        chain.append(folder)
        if not folder:
            break
        folder = parent(folder)
    found = known.get(folder)
    for below in reversed(chain):
        mine = own(below)
        found = found if mine is None else mine
        known[below] = found
    return found


class TreeConfig:
    """The settings of each folder of ``tree``, for one commit.

    ``config_tree`` holds the configuration files (``tree`` itself, or the tree whose
    configuration is the yardstick); ``read(oid)`` reads a blob; ``explicit`` is a
    configuration file given for every folder, as ``(tree path, its bytes)``. ``shared``
    keeps the settings made from each configuration file (by path and blob) for the
    commits after this one: most commits share them, and equal settings are then one value;
    ``tables`` keeps, by path and blob, whether a ``pyproject.toml`` has a table of ours, so
    that each version of it is parsed once in a run. A folder's configuration file and
    project root are found from its parent's, so each folder costs a look at its own files.
    """

    def __init__(
        self,
        tree: Tree,
        config_tree: Tree,
        read: Callable[[str], bytes],
        place: Callable[[str], str],
        overrides: Overrides = (),
        explicit: tuple[str, bytes] | None = None,
        shared: dict[tuple[str | None, str, str], Settings] | None = None,
        tables: dict[tuple[str, str], bool] | None = None,
    ) -> None:
        self.tree = tree
        self.config_tree = config_tree
        self.read = read
        self.place = place
        self.overrides = tuple(overrides)
        self.explicit = explicit
        self._by_folder: dict[str, Settings] = {}
        self._by_source: dict[tuple[str | None, str, str], Settings] = {} if shared is None else shared
        self._tables: dict[tuple[str, str], bool] = {} if tables is None else tables
        self._config_files: dict[str, str | None] = {}
        self._roots: dict[str, str | None] = {}

    def _has_table(self, path: str) -> bool:
        oid = self.config_tree.files[path].oid
        known = self._tables.get((path, oid))
        if known is None:
            document = parse_document(self.read(oid), path)
            known = self._tables[(path, oid)] = _section(document, path) is not None
        return known

    def _config_file(self, folder: str) -> str | None:
        """The nearest ``pyproject.toml`` with our table at or above ``folder``."""
        return _nearest(folder, self._config_files, self._own_config)

    def _own_config(self, folder: str) -> str | None:
        candidate = join(folder, CONFIG_FILENAME)
        return candidate if candidate in self.config_tree.files and self._has_table(candidate) else None

    def _project_root(self, folder: str) -> str:
        """The nearest folder at or above ``folder`` with a project marker; the top has
        ``.git`` in a checkout: it is a project root."""
        found = _nearest(folder, self._roots, self._own_root)
        return "" if found is None else found

    def _own_root(self, folder: str) -> str | None:
        return folder if any(self.tree.has_file(folder, marker) for marker in _MARKERS) else None

    def for_folder(self, folder: str) -> Settings:
        """The settings of the files directly in ``folder``."""
        if folder not in self._by_folder:
            file = self.explicit[0] if self.explicit else self._config_file(folder)
            root = "" if file is not None else self._project_root(folder)
            blob = "" if file is None or self.explicit else self.config_tree.files[file].oid
            if (file, blob, root) not in self._by_source:
                if file is None:
                    settings = Settings(root=self.place(root))
                else:
                    data = self.explicit[1] if self.explicit else self.read(self.config_tree.files[file].oid)
                    settings = settings_from_bytes(data, file, self.place)
                for values, origin in self.overrides:
                    settings = with_values(settings, values, origin)
                self._by_source[(file, blob, root)] = settings
            self._by_folder[folder] = self._by_source[(file, blob, root)]
        return self._by_folder[folder]

    def for_file(self, path: str) -> Settings:
        """The settings of the file at tree path ``path``."""
        return self.for_folder(parent(path))
