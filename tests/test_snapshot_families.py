"""``python -m tests.snapshots``: one command checks every snapshot of the suite and one
rewrites them. The check passes on the tree, fails naming a corrupted snapshot, and a family
added with one line is checked, written and cleaned like the others."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import tests.snapshots as registry
from tests.frontends import FIXTURES, REPO
from tests.snapshots import FAMILIES, family_snapshots, main

#: What the throwaway family (this module, registered by a test below) says its snapshots hold.
THROWAWAY: dict[Path, str | None] = {}


def snapshots() -> dict[Path, str | None]:
    """The throwaway family's snapshots, as the test that registers it sets them."""
    return dict(THROWAWAY)


@pytest.mark.slow
def test_every_snapshot_of_the_tree_is_current() -> None:
    """The command a contributor runs before a commit, as they run it."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.snapshots", "--check"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(FAMILIES)} snapshot families, 0 snapshots stale" in done.stdout


def test_a_corrupted_snapshot_fails_the_check_naming_the_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    corrupted = FIXTURES / "qf004" / "handlers.txt"
    stored = corrupted.read_text(encoding="utf-8")
    on_disk = registry.stored_text

    def read(path: Path) -> str | None:
        return stored.replace("QF004", "QF007", 1) if path == corrupted else on_disk(path)

    monkeypatch.setattr(registry, "stored_text", read)
    assert main(["--check", "--diff", "rules"]) == 1
    out = capsys.readouterr().out
    assert "stale: fixtures/qf004/handlers.txt\n" in out
    assert out.count("stale: ") == 1, out
    assert "-" + stored.splitlines()[0].replace("QF004", "QF007", 1) in out
    assert "+" + stored.splitlines()[0] in out
    assert "python -m tests.snapshots --update" in out


def test_a_family_is_one_line_and_update_writes_and_removes_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(FAMILIES, "throwaway", __name__)  # the one line a new family is
    monkeypatch.setattr(registry, "REPO", tmp_path)
    current, changed, gone = tmp_path / "current.txt", tmp_path / "changed.txt", tmp_path / "gone.txt"
    current.write_text("same\n", encoding="utf-8")
    changed.write_text("before\n", encoding="utf-8")
    gone.write_text("its case is gone\n", encoding="utf-8")
    THROWAWAY.update({current: "same\n", changed: "after\n", gone: None, tmp_path / "new.txt": "new\n"})
    try:
        assert main(["--check", "throwaway"]) == 1
        assert capsys.readouterr().out.splitlines()[:3] == [
            "stale: changed.txt",
            "stale: gone.txt",
            "stale: new.txt",
        ]
        assert main(["--update", "throwaway"]) == 0
        assert sorted(p.name for p in tmp_path.iterdir()) == ["changed.txt", "current.txt", "new.txt"]
        assert changed.read_text(encoding="utf-8") == "after\n"
        capsys.readouterr()
        assert main(["--check", "throwaway"]) == 0
        assert "1 snapshot families, 0 snapshots stale" in capsys.readouterr().out
    finally:
        THROWAWAY.clear()


def test_every_family_says_what_it_holds(capsys: pytest.CaptureFixture[str]) -> None:
    assert {"rules", "fix", "sample-project"} <= set(FAMILIES)
    for name in FAMILIES:
        assert (family_snapshots(name).__doc__ or "").strip(), f"{name}: snapshots() has no docstring"
    assert main(["--list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listed] == list(FAMILIES)


def test_an_unknown_family_is_refused_naming_the_families(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--check", "nope"])
    assert exit_.value.code == 2
    assert "no snapshot family nope (the families: rules, fix, sample-project" in capsys.readouterr().err
