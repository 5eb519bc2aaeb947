"""Hostile text in a history: a file name that is not UTF-8, escape sequences, control
characters and line breaks in subjects, authors and names, HTML and backticks in names.
Every format writes it escaped, and nothing exits 3."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qemlflow_lint.model.printable import code_span, printable
from tests.frontends import run_in_process
from tests.history.gitrepo import GitRepo

SUBJECT = "Colour \x1b[31mred\x1b]8;;https://example.org\x07link\x1b]8;;\x07\nsecond line \u202e"
AUTHOR = "Eve \x1b[2J Mallory"
NAME = b"pkg/caf\xe9.py"
MARKUP = "pkg/<script>x`y.py"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A history whose second commit adds a non-UTF-8 name, a name with HTML and a
    backtick, and has a subject and an author full of control characters."""
    repo = GitRepo(tmp_path_factory.mktemp("hostile") / "repo")
    repo.commit("Start", {"pyproject.toml": '[project]\nname = "h"\n', "pkg/__init__.py": '"""P."""\n'})
    root = os.fsencode(repo.root)
    with open(os.path.join(root, NAME), "wb") as handle:
        handle.write(b"def f(x):\n    return x\n")
    repo.write({MARKUP: "def g(x):\n    return x\n"})
    repo.commit(SUBJECT, author=AUTHOR)
    return repo.root


def _trend(root: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    # As a user runs it: UTF-8 standard streams that refuse what is not UTF-8 (in this
    # interpreter; the test below runs the program itself once).
    return run_in_process(["trend", "--no-cache", *arguments], cwd=root, strict_encoding="utf-8")


def test_the_program_writes_the_history_escaped_to_utf8_streams(hostile: Path) -> None:
    environment = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONPATH=os.getcwd())
    done = subprocess.run(
        [sys.executable, "-m", "qemlflow_lint", "trend", "--no-cache", "--format", "markdown"],
        cwd=hostile,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "caf\\xe9.py" in done.stdout and "\x1b" not in done.stdout


@pytest.mark.parametrize(
    "arguments", [(), ("--format", "json"), ("--format", "markdown"), ("--format", "csv")]
)
def test_every_format_writes_a_non_utf8_name_escaped(hostile: Path, arguments: tuple[str, ...]) -> None:
    done = _trend(hostile, *arguments)
    assert done.returncode == 0, done.stderr
    if arguments:
        written = _trend(hostile, *arguments, "-o", "out.txt")
        assert written.returncode == 0, written.stderr
        assert (hostile / "out.txt").read_text(encoding="utf-8") == done.stdout
    if arguments == ("--format", "json"):
        data = json.loads(done.stdout)
        # Carried with its surrogate escape: the name reads back as git has it.
        assert os.fsencode(data["drops"][0]["files"][0][0]) in (NAME, MARKUP.encode())
        assert "caf\\udce9.py" in done.stdout
    elif arguments != ("--format", "csv"):  # CSV names no file
        assert "caf\\xe9.py" in done.stdout


@pytest.mark.parametrize("name", ["text", "markdown", "json", "csv"])
def test_control_characters_never_reach_the_terminal(hostile: Path, name: str) -> None:
    done = _trend(hostile, "--format", name)
    assert done.returncode == 0, done.stderr
    for raw in ("\x1b", "\x07", "\u202e"):
        assert raw not in done.stdout
    assert "second line" not in "".join(line for line in done.stdout.splitlines() if "Colour" not in line)
    if name != "json":
        # Markdown doubles the backslash, which it then shows once.
        escape = "\\\\x1b" if name == "markdown" else "\\x1b"
        assert f"{escape}[31mred" in done.stdout
        assert f"Eve {escape}[2J Mallory" in done.stdout


def test_markdown_code_spans_are_literal_and_fenced(hostile: Path) -> None:
    done = _trend(hostile, "--format", "markdown")
    assert "``pkg/<script>x`y.py``" in done.stdout
    assert "&lt;script&gt;" not in done.stdout


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("a.py", "`a.py`"),
        ("a`b.py", "``a`b.py``"),
        ("``x", "``` ``x ```"),
        ("<b>&amp;", "`<b>&amp;`"),
        ("a\nb", "`a\\nb`"),
    ],
    ids=["plain", "a backtick", "a leading run", "markup stays literal", "a line break"],
)
def test_a_code_span_shows_its_text_literally(text: str, span: str) -> None:
    assert code_span(text) == span


def test_printable_escapes_only_what_acts_on_a_screen() -> None:
    assert printable("café 🚀 \u200d ok") == "café 🚀 \u200d ok"
    assert printable("a\tb\r\n\x9b\u2028") == "a\\tb\\r\\n\\x9b\\u2028"
    assert printable(os.fsdecode(b"caf\xe9")) == "caf\\xe9"


def test_report_html_shows_a_non_utf8_name_from_the_history(hostile: Path) -> None:
    environment = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONPATH=os.getcwd())
    command = [sys.executable, "-m", "qemlflow_lint"]
    # Only in the history: the working tree no longer has the file.
    os.remove(os.path.join(os.fsencode(hostile), NAME))
    try:
        subprocess.run([*command, "trend"], cwd=hostile, env=environment, capture_output=True, check=True)
        done = subprocess.run(
            [*command, "report", "--html", "report.html", "."],
            cwd=hostile,
            env=environment,
            capture_output=True,
        )
        assert done.returncode == 0, done.stderr
        assert "caf\\xe9.py" in (hostile / "report.html").read_text(encoding="utf-8")
    finally:
        with open(os.path.join(os.fsencode(hostile), NAME), "wb") as handle:
            handle.write(b"def f(x):\n    return x\n")
