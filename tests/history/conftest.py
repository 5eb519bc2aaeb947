"""The history of :func:`tests.history.projects.build`, built once per test process."""

from __future__ import annotations

import pytest

from tests.history.gitrepo import GitRepo
from tests.history.projects import build


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[GitRepo, list[str]]:
    """The project's history and its commit ids, oldest first. Never change it: take a copy
    (:meth:`GitRepo.copy`), which costs no git command where building it costs sixteen."""
    repo = GitRepo(tmp_path_factory.mktemp("built") / "repo")
    return repo, build(repo)
