"""Drops: a fall of at least the threshold, or any rule's coverage falling, named with the
commit and the files and rules that lost the points; a renamed file is compared with its
old self."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest

from qemlflow_lint.history.drops import explain, find_drops
from qemlflow_lint.history.model import CommitScore
from tests.history.gitrepo import GitRepo
from tests.history.projects import build, run, trend_json


def _point(
    commit: str,
    score: float | None,
    coverage: dict[str, float],
    losses: tuple[tuple[str, str, float], ...] = (),
) -> CommitScore:
    return CommitScore(
        commit, "2026-01-01T00:00:00+00:00", "Ada", commit, score, MappingProxyType(coverage), losses
    )


def test_a_fall_of_the_threshold_is_a_drop_and_a_smaller_one_is_not() -> None:
    points = [
        _point("a", 80.0, {"QF002": 90.0}),
        _point("b", 79.5, {"QF002": 90.0}),  # -0.5: exactly the threshold
        _point("c", 79.1, {"QF002": 90.0}),  # -0.4
        _point("d", 80.0, {"QF002": 95.0}),
    ]
    assert [drop.commit for drop in find_drops(points, 0.5)] == ["b"]
    assert [drop.commit for drop in find_drops(points, 0.4)] == ["b", "c"]
    assert find_drops(points, 1.0) == ()


def test_a_rule_whose_coverage_falls_is_a_drop_even_when_the_score_rises() -> None:
    points = [
        _point("a", 80.0, {"QF002": 90.0, "QF003": 50.0}),
        _point("b", 81.0, {"QF002": 80.0, "QF003": 70.0}),
    ]
    (drop,) = find_drops(points, 0.5)
    assert (drop.commit, drop.before, drop.after, drop.rules) == ("b", 80.0, 81.0, (("QF002", -10.0),))


def test_commits_without_a_score_are_skipped_and_the_next_compares_with_the_last_scored() -> None:
    points = [_point("a", 80.0, {}), _point("b", None, {}), _point("c", 70.0, {}), _point("d", None, {})]
    assert [(drop.commit, drop.before) for drop in find_drops(points, 0.5)] == [("c", 80.0)]


def test_the_files_and_rules_that_lost_the_points_are_named_most_first() -> None:
    before = _point("a", 90.0, {}, (("pkg/a.py", "QF002", 1.0), ("pkg/b.py", "QF003", 2.0)))
    after = _point(
        "b", 86.0, {}, (("pkg/a.py", "QF002", 3.0), ("pkg/a.py", "QF004", 0.5), ("pkg/c.py", "QF003", 3.0))
    )
    drop = explain(before, after)
    # pkg/b.py regained its points: it is not named.
    assert drop.files == (("pkg/c.py", 3.0), ("pkg/a.py", 2.5))
    assert drop.losses == (("pkg/c.py", "QF003", 3.0), ("pkg/a.py", "QF002", 2.0), ("pkg/a.py", "QF004", 0.5))


def test_a_renamed_file_is_compared_with_its_old_self() -> None:
    before = _point("a", 90.0, {}, (("pkg/old.py", "QF002", 1.0), ("pkg/old.py", "QF003", 2.0)))
    after = _point("b", 89.0, {}, (("pkg/new.py", "QF002", 2.0), ("pkg/new.py", "QF003", 2.0)))
    asked = []

    def renames(first: str, second: str) -> dict[str, str]:
        asked.append((first, second))
        return {"pkg/new.py": "pkg/old.py"}

    drop = explain(before, after, renames)
    assert asked == [("a", "b")]
    assert drop.files == (("pkg/new.py", 1.0),)
    assert drop.losses == (("pkg/new.py", "QF002", 1.0),)
    # Without the rename, the whole of the new file would look lost.
    assert explain(before, after).files == (("pkg/new.py", 4.0),)


def test_the_drop_of_a_real_history_names_the_commit_the_file_and_the_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = GitRepo(tmp_path / "repo")
    commits = build(repo)
    monkeypatch.chdir(repo.root)
    trend = trend_json(capsys, "--no-cache")
    drops = {drop["commit"]: drop for drop in trend["drops"]}
    helpers = drops[commits[-1]]
    assert [code for code, _ in helpers["rules"]] == ["QF003"]
    assert [path for path, _ in helpers["files"]] == ["chem/helpers.py"]
    assert [(path, code) for path, code, _ in helpers["losses"]] == [("chem/helpers.py", "QF003")]
    assert helpers["before"] - helpers["after"] >= 0.5
    code, out, _ = run(capsys, "trend", "--no-cache")
    assert code == 0
    assert f'{commits[-1][:10]} 2026-01-06 Grace Hopper "Undocumented helpers": ' in out
    assert "    coverage fell: QF003 " in out
    assert "chem/helpers.py (QF003 +" in out


def test_a_rename_with_an_edit_shows_only_what_the_edit_lost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = GitRepo(tmp_path / "repo")
    body = "".join(f'\n\ndef f{n}(x: int) -> int:\n    """F{n}."""\n    return x + {n}\n' for n in range(12))
    repo.commit("Start", {"pkg/__init__.py": '"""P."""\n', "pkg/old.py": '"""Old."""\nprint(1)\n' + body})
    repo.git("mv", "pkg/old.py", "pkg/new.py")
    moved = repo.commit(
        "Move and loosen one def",
        {"pkg/new.py": '"""Old."""\nprint(1)\n' + body.replace("(x: int) -> int", "(x)", 1)},
    )
    monkeypatch.chdir(repo.root)
    (drop,) = trend_json(capsys, "--no-cache")["drops"]
    assert drop["commit"] == moved
    assert [path for path, _ in drop["files"]] == ["pkg/new.py"]
    assert [(path, code) for path, code, _ in drop["losses"]] == [("pkg/new.py", "QF002")]
