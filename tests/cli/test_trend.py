"""``qemlflow-lint trend`` on the command line: which commits it scores, and every kind of bad
input as one line on standard error with exit code 2 — never a traceback."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path
from unittest import mock

import pytest

from qemlflow_lint.measure.progress import TerminalProgress
from tests.frontends import cli_command, run_in_process
from tests.history.gitrepo import GitRepo
from tests.history.projects import trend_json


def _trend(cwd: Path, *arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``trend ARGUMENTS`` in ``cwd``, run in this interpreter with ``env`` added to the
    environment (the tests at the end of this file start the program itself)."""
    environment = dict(GIT_CEILING_DIRECTORIES=str(cwd.parent), **(env or {}))
    with mock.patch.dict(os.environ, environment):
        return run_in_process(["trend", *arguments], cwd=cwd)


def _one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    """The one error line of a run that must fail as a usage error."""
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("qemlflow-lint: error: ")
    return lines[0][len("qemlflow-lint: error: ") :]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """A history of four commits, built once: each test gets a copy (:func:`repo`)."""
    made = GitRepo(tmp_path_factory.mktemp("history") / "repo")
    for number in range(4):
        made.commit(
            f"Step {number}",
            {"pkg/__init__.py": '"""P."""\n', f"pkg/m{number}.py": "def f(x):\n    return x\n"},
        )
    return made


@pytest.fixture()
def repo(history: GitRepo, tmp_path: Path) -> GitRepo:
    return history.copy(tmp_path / "repo")


def test_without_git_on_path(repo: GitRepo, tmp_path: Path) -> None:
    empty = tmp_path / "no-programs"
    empty.mkdir()
    message = _one_line_error(_trend(repo.root, env={"PATH": str(empty)}))
    assert message == "git is not installed or not on PATH (trend reads the history with git)"


def test_outside_a_repository(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    message = _one_line_error(_trend(folder))
    assert message == f"{folder.resolve()} is not inside a git repository (trend scores a git history)"


def test_a_path_outside_the_repository(repo: GitRepo, tmp_path: Path) -> None:
    # The first path names the repository; every other must be in it.
    message = _one_line_error(_trend(repo.root, ".", str(tmp_path)))
    assert message == f"{tmp_path} is outside the git repository at {repo.root.resolve()}"
    message = _one_line_error(_trend(repo.root, str(tmp_path)))
    assert message == f"{tmp_path.resolve()} is not inside a git repository (trend scores a git history)"


def test_an_empty_repository(tmp_path: Path) -> None:
    empty = GitRepo(tmp_path / "empty")
    assert (
        _one_line_error(_trend(empty.root))
        == "the repository has no commits yet: there is no history to score"
    )


@pytest.mark.slow
def test_a_shallow_clone(repo: GitRepo, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{repo.root}", str(clone)],
        check=True,
        capture_output=True,
    )
    message = _one_line_error(_trend(clone))
    assert message.startswith("this is a shallow clone: only 2 commit(s) of the history are here; ")
    assert "run `git fetch --unshallow` first" in message


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (("--rev-range", "nope..HEAD"), "bad revision 'nope': no such commit in this repository"),
        (("--rev-range", "HEAD~9"), "bad revision 'HEAD~9': no such commit in this repository"),
        (("--rev-range=--all",), "bad revision '--all': no such commit in this repository"),
        (("--rev-range", ".."), "bad revision range '..': expected A..B"),
        (("--config-from", "v9"), "bad revision 'v9': no such commit in this repository"),
        (
            ("--config-from", "HEAD", "--config", "pyproject.toml"),
            "--config and --config-from both name the configuration: give one",
        ),
        (("--select", "QF9"), "command line: 'select' has unknown rule code 'QF9' "),
    ],
    ids=[
        "bad start",
        "too far back",
        "an option",
        "no ends",
        "bad config revision",
        "two configurations",
        "bad flag value",
    ],
)
def test_bad_revisions_and_options(repo: GitRepo, arguments: tuple[str, ...], expected: str) -> None:
    message = _one_line_error(_trend(repo.root, *arguments))
    assert message == expected if not expected.endswith(" ") else message.startswith(expected)


def test_an_output_that_cannot_be_written(repo: GitRepo, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "trend.json"
    message = _one_line_error(_trend(repo.root, "--format", "json", "-o", str(target)))
    assert message == f"cannot write {target}: No such file or directory"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_standard_output_that_cannot_be_written(repo: GitRepo) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            cli_command("trend"),
            cwd=str(repo.root),
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
        )
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        "qemlflow-lint: error: cannot write standard output: No space left on device"
    ]


def test_the_output_file_is_written_and_the_summary_goes_to_standard_error(
    repo: GitRepo, tmp_path: Path
) -> None:
    target = tmp_path / "trend.md"
    done = _trend(repo.root, "--format", "markdown", "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("## Score trend\n")
    assert done.stderr == "trend: 4 commit(s): 4 scored now (5 file(s) analysed), 0 from the store\n"


def test_max_commits_rev_range_and_first_parent_choose_the_commits(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo.root)
    every = [line.split()[0] for line in repo.git("log", "--format=%H %s").splitlines()][::-1]
    assert [p["commit"] for p in trend_json(capsys, "--max-commits", "2")["points"]] == every[-2:]
    assert [p["commit"] for p in trend_json(capsys, "--rev-range", "HEAD~3..HEAD~1")["points"]] == every[1:3]
    assert [p["commit"] for p in trend_json(capsys, "--rev-range", "HEAD~1")["points"]] == every[:3]
    assert trend_json(capsys, "--rev-range", "HEAD..HEAD")["points"] == []
    repo.git("checkout", "-q", "-b", "side", "HEAD~1")
    side = repo.commit("On the side", {"pkg/side.py": "X = 1\n"})
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge the side", "side")
    merged = [p["commit"] for p in trend_json(capsys)["points"]]
    main_line = [p["commit"] for p in trend_json(capsys, "--first-parent")["points"]]
    assert side in merged and side not in main_line
    assert main_line == [*every, repo.head()]


def test_progress_shows_on_a_terminal_only(repo: GitRepo) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        progress = TerminalProgress(stream)
        progress.counted("scoring commits")(3, 10)
        progress.clear()
        progress.clear()  # nothing shown since: nothing to erase
    assert terminal.getvalue() == "\r\x1b[Kscoring commits: 3/10\r\x1b[K"
    assert pipe.getvalue() == ""
    # The program itself, its standard error a pipe.
    done = subprocess.run(cli_command("trend"), cwd=repo.root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0
    assert "\r" not in done.stderr and "scoring commits" not in done.stderr
