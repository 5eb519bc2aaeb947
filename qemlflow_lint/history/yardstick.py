"""Whose configuration scores the commits, and the key the store files their scores under.

By default each commit is scored with its own ``[tool.qemlflow-lint]`` (the
``pyproject.toml`` files of its tree), as ``score`` on its checkout would. ``--config-from
REV`` scores every commit with REV's configuration files, ``--config FILE`` with one file of
the working tree: one yardstick for the whole history, so that the trend shows the code
changing and not the rules.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import NamedTuple

from qemlflow_lint.config.errors import ConfigError
from qemlflow_lint.config.loading import CONFIG_FILENAME, Overrides
from qemlflow_lint.history.git import HistoryError, Repository
from qemlflow_lint.history.snapshot import roots_of
from qemlflow_lint.history.tree import Tree, TreeReader
from qemlflow_lint.model.digest import digest, text_digest
from qemlflow_lint.score.profile import default_profile


class Yardstick(NamedTuple):
    """A fixed configuration tree, or a fixed file (tree path and bytes), or neither (each
    commit's own); how to name it; and what identifies it in the store's key."""

    tree: Tree | None
    explicit: tuple[str, bytes] | None
    description: str
    identity: tuple[tuple[str, str], ...] = ()

    @property
    def fixed(self) -> bool:
        """True when one configuration scores every commit."""
        return self.tree is not None or self.explicit is not None


OWN = Yardstick(None, None, "each commit's own configuration")


def from_file(path: str, repository: Repository) -> Yardstick:
    """The configuration file ``path`` of the working tree, for every commit."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the configuration file: {error.strerror or error}") from None
    try:
        (tree_path,) = roots_of([path], repository.top)
    except ValueError:
        raise HistoryError(f"--config {path}: the file must be inside the repository") from None
    return Yardstick(
        None,
        (tree_path, data),
        f"the configuration in {tree_path} of the working tree",
        (("file", tree_path), ("blob", digest(data))),
    )


def from_revision(revision: str, repository: Repository, trees: TreeReader) -> Yardstick:
    """The configuration files of the commit ``revision``, for every commit."""
    commit = repository.resolve(revision)
    tree = trees.read(repository.run(["rev-parse", f"{commit}^{{tree}}"]).decode().strip())
    configs = tuple(
        sorted(
            (path, entry.oid)
            for path, entry in tree.files.items()
            if path.rpartition("/")[2] == CONFIG_FILENAME
        )
    )
    return Yardstick(tree, None, f"the configuration of {revision} ({commit[:10]})", configs)


def store_key(
    yardstick: Yardstick,
    roots: Sequence[str],
    overrides: Overrides,
    *,
    noqa: bool,
    gitignore: bool,
    force_exclude: bool = False,
    max_file_size: int | None = None,
) -> str:
    """The key of a run's scores in the store: everything besides the commit that decides
    them (the tool's version is a key of its own), the largest file analysed included."""
    profile = default_profile()
    described = {
        "roots": list(roots),
        "fixed": yardstick.fixed,
        "identity": [list(item) for item in yardstick.identity],
        "overrides": [  # no flag given is no override; where a flag came from changes nothing
            sorted((key, repr(value)) for key, value in values.items()) for values, _ in overrides if values
        ],
        "noqa": noqa,
        "gitignore": gitignore,
        "force_exclude": force_exclude,
        "max_file_size": max_file_size,
        "profile": [profile.name, profile.version],
    }
    return text_digest(json.dumps(described, sort_keys=True), 16)
