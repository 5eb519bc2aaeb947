"""Drops: a fall of at least the threshold, or one rule losing at least its own threshold
of points while the score does not rise, named with the commit and the files (with new
findings) and rules that lost the points; a renamed file is compared with its old self."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest

from qemlflow_lint.history.drops import explain, find_drops
from qemlflow_lint.history.model import CommitScore
from tests.history.gitrepo import GitRepo
from tests.history.projects import LARGE_SUBJECTS, build_large, built_copy, run, trend_json


def _point(
    commit: str,
    score: float | None,
    coverage: dict[str, float],
    losses: tuple[tuple[str, str, float], ...] = (),
    units: dict[str, tuple[int, int]] | None = None,
) -> CommitScore:
    return CommitScore(
        commit,
        "2026-01-01T00:00:00+00:00",
        "Ada",
        commit,
        score,
        MappingProxyType(coverage),
        losses,
        units=MappingProxyType(units or {}),
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


def test_a_rise_is_never_a_drop_whatever_one_rule_lost() -> None:
    points = [
        _point("a", 80.0, {"QF002": 90.0, "QF003": 50.0}, (("a.py", "QF002", 1.0),)),
        _point("b", 81.0, {"QF002": 80.0, "QF003": 70.0}, (("a.py", "QF002", 3.0),)),
    ]
    assert find_drops(points, 0.5) == ()


@pytest.mark.parametrize(
    ("lost", "rule_threshold", "is_drop"),
    [(1.0, 1.0, True), (0.9, 1.0, False), (0.3, 0.25, True), (0.04, 0.0, False)],
    ids=["the threshold", "below it", "a threshold of its own", "rounding is never a fall"],
)
def test_one_rule_losing_its_threshold_in_points_is_a_drop_when_the_score_holds(
    lost: float, rule_threshold: float, is_drop: bool
) -> None:
    # The score holds (other rules regain as much): only the rule's own points tell.
    points = [
        _point("a", 80.0, {"QF001": 90.0, "QF002": 90.0}, (("a.py", "QF001", 1.0), ("b.py", "QF002", 2.0))),
        _point(
            "b",
            80.0,
            {"QF001": 80.0, "QF002": 95.0},
            (("a.py", "QF001", 1.0 + lost), ("b.py", "QF002", 2.0 - lost)),
        ),
    ]
    drops = find_drops(points, 0.5, rule_threshold=rule_threshold)
    assert [drop.commit for drop in drops] == (["b"] if is_drop else [])


def test_only_files_with_new_findings_are_named_with_their_rules_and_counts() -> None:
    before = _point(
        "a", 90.0, {}, (("a.py", "QF002", 1.0), ("b.py", "QF003", 0.5)), {"QF002": (10, 1), "QF003": (10, 1)}
    )
    after = _point(
        "b",
        87.0,
        {},
        (("a.py", "QF002", 1.0), ("b.py", "QF003", 0.52), ("c.py", "QF002", 2.0), ("c.py", "QF003", 0.01)),
        {"QF002": (10, 3), "QF003": (10, 1)},
    )
    drop = explain(before, after)
    # c.py has two new QF002 findings; b.py only weighs a little more (no new finding).
    assert drop.files == (("c.py", 2.01),)
    assert drop.losses == (("c.py", "QF002", 2.0, 2),)
    assert drop.rule_losses == (("QF002", 2.0, 2),)
    assert drop.rest == (1, 0.02)


def test_commits_without_a_score_are_skipped_and_the_next_compares_with_the_last_scored() -> None:
    points = [_point("a", 80.0, {}), _point("b", None, {}), _point("c", 70.0, {}), _point("d", None, {})]
    assert [(drop.commit, drop.before) for drop in find_drops(points, 0.5)] == [("c", 80.0)]


def test_the_files_and_rules_that_lost_the_points_are_named_most_first() -> None:
    before = _point("a", 90.0, {}, (("pkg/a.py", "QF002", 1.0), ("pkg/b.py", "QF003", 2.0)))
    after = _point(
        "b", 86.0, {}, (("pkg/a.py", "QF002", 3.0), ("pkg/a.py", "QF004", 0.5), ("pkg/c.py", "QF003", 3.0))
    )
    after = after._replace(units=MappingProxyType({"QF002": (10, 3), "QF003": (10, 1), "QF004": (10, 1)}))
    before = before._replace(units=MappingProxyType({"QF002": (10, 1), "QF003": (10, 1)}))
    drop = explain(before, after)
    # pkg/b.py regained its points: it is not named.
    assert drop.files == (("pkg/c.py", 3.0), ("pkg/a.py", 2.5))
    assert drop.losses == (
        ("pkg/c.py", "QF003", 3.0, 1),
        ("pkg/a.py", "QF002", 2.0, 2),
        ("pkg/a.py", "QF004", 0.5, 1),
    )


def test_a_renamed_file_is_compared_with_its_old_self() -> None:
    before = _point("a", 90.0, {}, (("pkg/old.py", "QF002", 1.0), ("pkg/old.py", "QF003", 2.0)))
    after = _point("b", 89.0, {}, (("pkg/new.py", "QF002", 2.0), ("pkg/new.py", "QF003", 2.0)))
    asked = []

    def renames(first: str, second: str) -> dict[str, str]:
        asked.append((first, second))
        return {"pkg/new.py": "pkg/old.py"}

    units = MappingProxyType({"QF002": (10, 2), "QF003": (10, 2)})
    before = before._replace(units=MappingProxyType({"QF002": (10, 1), "QF003": (10, 2)}))
    after = after._replace(units=units)
    drop = explain(before, after, renames)
    assert asked == [("a", "b")]
    assert drop.files == (("pkg/new.py", 1.0),)
    assert drop.losses == (("pkg/new.py", "QF002", 1.0, 1),)
    # Without the rename, the whole of the new file would look lost.
    assert explain(before, after).files == (("pkg/new.py", 4.0),)


def test_the_drop_of_a_real_history_names_the_commit_the_file_and_the_rule(
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo, commits = built_copy(tmp_path_factory, tmp_path / "repo")
    monkeypatch.chdir(repo.root)
    trend = trend_json(capsys, "--no-cache")
    drops = {drop["commit"]: drop for drop in trend["drops"]}
    helpers = drops[commits[-1]]
    assert [code for code, _ in helpers["rules"]] == ["QF003"]
    assert [path for path, _ in helpers["files"]] == ["chem/helpers.py"]
    assert [(path, code, new) for path, code, _, new in helpers["losses"]] == [
        ("chem/helpers.py", "QF003", 3)
    ]
    assert helpers["before"] - helpers["after"] >= 0.5
    code, out, _ = run(capsys, "trend", "--no-cache")
    assert code == 0
    assert f'{commits[-1][:10]} 2026-01-06 Grace Hopper "Undocumented helpers": ' in out
    assert "    rules: QF003 -" in out
    assert "  chem/helpers.py: QF003 -" in out


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
    assert [(path, code, new) for path, code, _, new in drop["losses"]] == [("pkg/new.py", "QF002", 1)]


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[GitRepo, list[str]]:
    """The research-package-shaped history (see :func:`build_large`)."""
    repo = GitRepo(tmp_path_factory.mktemp("large") / "repo")
    return repo, build_large(repo)


def test_a_real_shaped_history_lists_only_its_regression(
    large: tuple[GitRepo, list[str]], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, commits = large
    monkeypatch.chdir(repo.root)
    trend = trend_json(capsys, "--no-cache")
    # Not drops: a rise whose one rule lost 0.3 points, a module with one finding (a
    # coverage fall of -0.0), a module whose rule coverage moves by hundredths.
    assert [drop["commit"] for drop in trend["drops"]] == [commits[4]]
    (drop,) = trend["drops"]
    assert drop["rule_losses"] == [["QF001", pytest.approx(3.6, abs=0.05), 10]]
    assert (trend["threshold"], trend["rule_threshold"]) == (0.5, 1.0)


def test_a_drop_names_its_contributing_files_with_rule_and_count_and_sums_the_rest(
    large: tuple[GitRepo, list[str]], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, commits = large
    monkeypatch.chdir(repo.root)
    code, out, _ = run(capsys, "trend", "--no-cache")
    assert code == 0
    table, drops = out.split("\nDrops (1): ")
    assert "subject" in table.splitlines()[3]
    for subject in LARGE_SUBJECTS:
        assert subject in table
    assert "Sanjeeva Reddy Dodlapati" in table
    assert drops.splitlines()[1:] == [
        f'  {commits[4][:10]} 2026-01-06 Grace Hopper "{LARGE_SUBJECTS[4]}": 97.3 → 93.7 (-3.6)',
        "    rules: QF001 -3.6 (10 new findings)",
        *[f"     -0.4  chem/m{n}.py: QF001 -0.4 (1 new)" for n in range(30, 35)],
        "    and 5 more files, -1.8",
    ]
    assert "-0.0" not in drops and "(+" not in drops


def test_the_thresholds_are_options(
    large: tuple[GitRepo, list[str]], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, _ = large
    monkeypatch.chdir(repo.root)
    assert trend_json(capsys, "--no-cache", "--drop", "4", "--rule-drop", "4")["drops"] == []
    _, out, _ = run(capsys, "trend", "--no-cache", "--drop", "4", "--rule-drop", "3.5")
    assert "Drops (1): a fall of 4 points or more, or one rule losing 3.5 points or more" in out


def test_fail_on_drop_gates_a_range(
    large: tuple[GitRepo, list[str]], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, commits = large
    monkeypatch.chdir(repo.root)
    code, _, err = run(
        capsys, "trend", "--no-cache", "--fail-on-drop", "--rev-range", f"{commits[0]}..{commits[3]}"
    )
    assert code == 0
    assert "PASS: no drop among the commits (--fail-on-drop)" in err
    code, out, err = run(
        capsys, "trend", "--no-cache", "--fail-on-drop", "--rev-range", f"{commits[2]}..HEAD"
    )
    assert code == 1
    assert f"FAIL: 1 drop among the commits: {commits[4][:10]} (--fail-on-drop)" in err
    assert "Drops (1)" in out  # the trend is written first


def test_fail_on_drop_judges_a_pull_request_of_one_commit_against_its_base(
    large: tuple[GitRepo, list[str]], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first commit of a range is compared with the commit before the range, which is
    scored but not shown: a one-commit pull request that regresses fails."""
    repo, commits = large
    monkeypatch.chdir(repo.root)
    code, out, err = run(
        capsys, "trend", "--no-cache", "--fail-on-drop", "--rev-range", f"{commits[3]}..HEAD"
    )
    assert code == 1, out + err
    assert f"FAIL: 1 drop among the commits: {commits[4][:10]} (--fail-on-drop)" in err
    points = trend_json(capsys, "--no-cache", "--rev-range", f"{commits[3]}..HEAD")["points"]
    assert [point["commit"] for point in points] == [commits[4]], "the base is not shown"
