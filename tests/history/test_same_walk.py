"""``check`` on a checkout and ``trend`` on its commit analyse the same files with the same
settings: one walk and one configuration lookup read both the disk and the commit's tree.
The cases are those where the two once differed: ``--force-exclude``, a ``.gitignore``
above the analysed folder inside the repository, a nested ``.gitignore``, a configuration
file above the project root, a configured package named as a default-excluded folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qemlflow_lint.history.git import Repository
from qemlflow_lint.history.places import Places
from qemlflow_lint.history.snapshot import Blobs, Layout, roots_of, snapshot
from qemlflow_lint.history.tree import TreeReader
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.run.api import RunOptions, analyse_paths
from tests.history.gitrepo import GitRepo

FILES = {
    # The configuration sits above the project root (proj/, marked by setup.py).
    "pyproject.toml": '[tool.qemlflow-lint]\npackages = ["dist"]\nignore = ["QF008"]\n',
    ".gitignore": "ignored_above/\n*.log\n",
    "proj/setup.py": "import setuptools\nsetuptools.setup()\n",
    "proj/ignored_above/x.py": "x = 1\n",
    "proj/pkg/__init__.py": "",
    "proj/pkg/.gitignore": "gen_*.py\n",
    "proj/pkg/gen_a.py": "a = 1\n",
    "proj/pkg/keep.py": "k = 1\n",
    "proj/build/tool.py": "t = 1\n",
    "proj/dist/__init__.py": "",
    "proj/dist/shipped.py": "s = 1\n",
    "sub/pyproject.toml": '[tool.qemlflow-lint]\nignore = ["QF003"]\n',
    "sub/m.py": "m = 1\n",
}


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """The project, committed whole (the ignored files forced in), as the working directory."""
    repo = GitRepo(tmp_path / "repo")
    repo.write(FILES)
    repo.git("add", "-A")
    repo.git("add", "-f", "proj/ignored_above/x.py", "proj/pkg/gen_a.py")
    repo.git("commit", "-q", "-m", "Project")
    monkeypatch.chdir(repo.root)
    return repo


def _anchored(settings: Settings, top: str) -> Settings:
    """The settings with their folders relative to ``top``: comparable across places."""
    file = None if settings.file is None else os.path.relpath(settings.file, top)
    return settings._replace(root=os.path.relpath(settings.root, top), file=file)


def _on_disk(paths: list[str], force_exclude: bool, top: Path) -> dict[str, Settings]:
    analysis = analyse_paths(paths, RunOptions(force_exclude=force_exclude, use_cache=False, jobs=1))
    return {
        Path(path).as_posix(): _anchored(settings, str(top))
        for path, settings in analysis.settings_by_path.items()
    }


def _in_git(paths: list[str], force_exclude: bool, tmp_path: Path) -> dict[str, Settings]:
    repository = Repository.containing(os.getcwd())
    places = Places(str(tmp_path / "places"))
    roots = roots_of(paths, repository.top)
    with repository.objects() as objects:
        trees = TreeReader(objects, roots)
        tree = trees.read(repository.run(["rev-parse", "HEAD^{tree}"]).decode().strip())
        found = snapshot(tree, tree, Layout(roots, places, force_exclude=force_exclude), Blobs(objects))
    return {source.path: _anchored(source.settings, places.top) for source in found.sources}


@pytest.mark.parametrize(
    ("paths", "force_exclude", "expected"),
    [
        (
            ["."],
            False,
            [
                "proj/dist/__init__.py",
                "proj/dist/shipped.py",
                "proj/pkg/__init__.py",
                "proj/pkg/keep.py",
                "proj/setup.py",
                "sub/m.py",
            ],
        ),
        (
            ["proj"],
            False,
            [
                "proj/dist/__init__.py",
                "proj/dist/shipped.py",
                "proj/pkg/__init__.py",
                "proj/pkg/keep.py",
                "proj/setup.py",
            ],
        ),
        (["proj/pkg"], False, ["proj/pkg/__init__.py", "proj/pkg/keep.py"]),
        (
            ["proj/build/tool.py", "proj/pkg/gen_a.py", "proj/ignored_above/x.py", "proj/pkg/keep.py"],
            False,
            ["proj/build/tool.py", "proj/pkg/gen_a.py", "proj/ignored_above/x.py", "proj/pkg/keep.py"],
        ),
        (
            ["proj/build/tool.py", "proj/pkg/gen_a.py", "proj/ignored_above/x.py", "proj/pkg/keep.py"],
            True,
            ["proj/pkg/keep.py"],
        ),
    ],
)
def test_check_and_trend_find_the_same_files_with_the_same_settings(
    repo: GitRepo, tmp_path: Path, paths: list[str], force_exclude: bool, expected: list[str]
) -> None:
    disk = _on_disk(paths, force_exclude, repo.root)
    git = _in_git(paths, force_exclude, tmp_path)
    assert sorted(disk) == sorted(expected)
    assert disk == git
    # The configuration above the project root applies to it; the nested one to its folder.
    assert disk.get("proj/pkg/keep.py", Settings()).ignore in ((), ("QF008",))
    if "sub/m.py" in disk:
        assert disk["sub/m.py"].ignore == ("QF003",)
        assert disk["proj/setup.py"].ignore == ("QF008",)
        assert disk["proj/setup.py"].root == "."


def test_a_configuration_outside_the_repository_is_not_the_projects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.qemlflow-lint]\nignore = ["QF003"]\n', encoding="utf-8")
    repo = GitRepo(tmp_path / "repo")
    repo.commit("Code", {"m.py": "m = 1\n"})
    monkeypatch.chdir(repo.root)
    disk = _on_disk(["."], False, repo.root)
    assert disk == _in_git(["."], False, tmp_path)
    assert disk["m.py"].ignore == ()


def test_links_are_followed_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write(
        {
            "proj/setup.py": "",
            "proj/pkg/keep.py": "k = 1\n",
            "proj/pkg/.gitignore": "gen_*.py\n",
            "sub/m.py": "m = 1\n",
            "sub/gen_c.py": "c = 1\n",
        }
    )
    os.symlink("keep.py", repo.root / "proj" / "pkg" / "alias.py")  # inside: one file, listed once
    os.symlink("../../sub/m.py", repo.root / "proj" / "pkg" / "out.py")  # outside proj/
    os.symlink("../proj/pkg/.gitignore", repo.root / "sub" / ".gitignore")  # git does not follow it
    repo.commit("Links")
    monkeypatch.chdir(repo.root)
    for paths in (["proj"], ["."], ["sub"]):
        disk = _on_disk(paths, False, repo.root)
        assert disk == _in_git(paths, False, tmp_path), paths
        assert "proj/pkg/keep.py" not in disk  # its alias, first in order, stands for it
        assert "proj/pkg/out.py" not in disk or paths == ["."]
        assert ("sub/gen_c.py" in disk) == (paths != ["proj"])
