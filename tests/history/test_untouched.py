"""``trend`` reads the history only: the working tree, the index, HEAD and every ref are as
they were, even when the working tree is dirty."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.history.gitrepo import GitRepo
from tests.history.projects import build, run


def _state(repo: GitRepo) -> dict[str, object]:
    index = repo.root / ".git" / "index"
    files = {
        str(path.relative_to(repo.root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(repo.root.rglob("*"))
        if path.is_file()
        and ".git" not in path.relative_to(repo.root).parts[:1]
        and ".qemlflow-lint-cache" not in path.parts
    }
    return {
        "status": repo.git("status", "--porcelain", "--untracked-files=all"),
        "head": repo.git("rev-parse", "HEAD"),
        "symbolic head": repo.git("symbolic-ref", "HEAD"),
        "refs": repo.git("for-each-ref"),
        "stash": repo.git("stash", "list"),
        "index bytes": index.read_bytes(),
        "index mtime": index.stat().st_mtime_ns,
        "files": files,
    }


def test_the_working_tree_the_index_and_head_are_left_as_they_were(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = GitRepo(tmp_path / "repo")
    build(repo)
    # Dirty in every way: a modified file, a staged change, an untracked file, a deletion.
    repo.write({"chem/io.py": "import torch\n", "chem/fresh.py": "def f(x): pass\n", "chem/legacy.py": None})
    repo.git("add", "chem/io.py")
    repo.write({"chem/io.py": "import torch\nprint(2)\n"})
    monkeypatch.chdir(repo.root)
    before = _state(repo)
    code, out, err = run(capsys, "trend", "--jobs", "2")
    assert code == 0, err
    assert "Drops (" in out
    code, _, err = run(capsys, "trend", "--config-from", "HEAD~2", "--format", "json")
    assert code == 0, err
    assert _state(repo) == before
    assert (repo.root / ".qemlflow-lint-cache" / "history.sqlite3").is_file()
