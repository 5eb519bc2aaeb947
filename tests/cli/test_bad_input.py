"""Never crash, never lose a result: bad input and faults, through every front end."""

from __future__ import annotations

import importlib.util
import os
import re
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from qemlflow_lint import atomic
from qemlflow_lint.cli import main
from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.run import runner
from tests.frontends import FIXTURES, cli_command, crash_in, run_in_process, write_tree
from tests.history.gitrepo import GitRepo

_spec = importlib.util.spec_from_file_location("make_corpus", FIXTURES / "bad" / "make_corpus.py")
assert _spec is not None and _spec.loader is not None
make_corpus = importlib.util.module_from_spec(_spec)
_writes, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in fixtures/
try:
    _spec.loader.exec_module(make_corpus)
finally:
    sys.dont_write_bytecode = _writes

NEW_SYNTAX = sys.version_info >= (3, 12)
#: Python 3.10's parser knows `match` and names what is wrong in a syntax error ("expected ':'",
#: "'[' was never closed") where 3.9's says "invalid syntax" or points at the end of the file.
NEW_PARSER = sys.version_info >= (3, 10)
#: From 3.11 the parser gives up on a 100,000-term sum (deep_expression.py); 3.9 and 3.10 parse it.
PARSER_DEPTH_LIMIT = sys.version_info >= (3, 11)
#: From 3.11.4 a NUL byte is a SyntaxError; before, compile() raised ValueError.
NUL_IS_A_SYNTAX_ERROR = sys.version_info >= (3, 11, 4)
#: From 3.12, tokenize rejects a lone CR as a line ending (Python's parser still accepts it).
TOKENIZE_REJECTS_LONE_CR = sys.version_info >= (3, 12)
#: What the CLI prints for each file of the corpus (large.py aside: checked by count).
#: ``None`` means "no finding": the file is valid and clean.
EXPECTED = {
    "bom.py": ["2:1: QF001 heavy module 'torch'"],
    "cr_only.py": ["2:1: QF001 heavy module 'torch'", "5:1: QF002 public function 'f'"],
    "crlf.py": ["2:1: QF001 heavy module 'torch'", "5:1: QF002 public function 'f'"],
    "deep_blocks.py": ["101:1: QF000 IndentationError: too many levels of indentation"],
    "deep_expression.py": [
        "1:1: QF000 the code is nested too deeply for Python's parser"
        if PARSER_DEPTH_LIMIT
        else "1:1: QF003 public module 'deep_expression'"
    ],
    "deep_parentheses.py": ["1:205: QF000 syntax error: too many nested parentheses"],
    "empty.py": None,
    "fstring_nesting.py": None if NEW_SYNTAX else ["5:14: QF000 syntax error: f-string: expecting '}'"],
    "latin1_coding.py": None,
    "non_ascii_identifiers.py": None,
    "nul_byte.py": ["2:1: QF000 syntax error: source code"],
    "only_comments.py": None,
    "pep695_generics.py": None if NEW_SYNTAX else ["4:6: QF000 syntax error: invalid syntax"],
    "soft_keywords.py": None if NEW_PARSER else ["9:11: QF000 syntax error: invalid syntax"],
    "syntax_bad_indent.py": ["2:1: QF000 IndentationError: expected an indented block"],
    "syntax_missing_colon.py": [
        "1:13: QF000 syntax error: expected ':'" if NEW_PARSER else "1:13: QF000 syntax error: invalid syntax"
    ],
    "syntax_python2_print.py": [
        f"1:{1 if NEW_PARSER else 7}: QF000 syntax error: Missing parentheses in call to 'print'"
    ],
    "syntax_tabs_and_spaces.py": ["3:1: QF000 TabError: inconsistent use of tabs and spaces"],
    "syntax_unclosed_bracket.py": [
        "2:10: QF000 syntax error: '[' was never closed"
        if NEW_PARSER
        else "2:16: QF000 syntax error: unexpected EOF while parsing"
    ],
    "undecodable.py": ["2:9: QF000 cannot decode byte 0xff as utf-8 (invalid start byte)"],
    "wrong_coding.py": ["1:1: QF000 bad encoding declaration: unknown encoding: latin-17"],
}
#: flake8 itself fails on these, with or without any plugin, and says so as below (checked
#: separately): from 3.11 its own ``ast.parse`` overflows on the 100,000-term sum, which 3.9
#: and 3.10 parse but then flake8's pyflakes overflows walking it; before 3.11.4 its
#: ``ast.parse`` raises ValueError on a NUL byte, which flake8 does not catch.
_FLAKE8_PARSER = r'flake8[/\\]processor\.py", line \d+, in build_ast(?s:.*)\n'
FLAKE8_OWN_CRASHES = {
    "deep_expression.py": (
        _FLAKE8_PARSER + "RecursionError: "
        if PARSER_DEPTH_LIMIT
        else r'deep_expression\.py: "pyflakes\[F\]" failed during execution due to RecursionError'
    ),
    **(
        {}
        if NUL_IS_A_SYNTAX_ERROR
        else {"nul_byte.py": _FLAKE8_PARSER + "ValueError: source code string cannot contain null bytes"}
    ),
}
#: flake8 falls back to Latin-1 for a file it cannot decode (bad bytes or an unknown
#: coding line) and analyses that text: a valid module, so no E999 there.
FLAKE8_DECODES_ANYWAY = {"undecodable.py", "wrong_coding.py"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bad")
    make_corpus.write_corpus(root / "corpus")
    # The corpus folder is the project: its modules are library code (at the project root).
    (root / "corpus" / "pyproject.toml").write_text("[tool.qemlflow-lint]\n", encoding="utf-8")
    return root


def _by_file(stdout: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in stdout.splitlines():
        path, _, rest = line.partition(":")
        found.setdefault(Path(path).name, []).append(rest)
    return found


def test_the_corpus_covers_every_kind_of_bad_input(corpus: Path) -> None:
    assert sorted(p.name for p in (corpus / "corpus").glob("*.py")) == sorted([*EXPECTED, "large.py"])


def test_the_cli_reports_each_bad_file_clearly_and_analyses_the_rest(corpus: Path) -> None:
    done = subprocess.run(
        cli_command("check", "--no-cache", "corpus"), cwd=corpus, capture_output=True, text=True
    )
    assert done.returncode == 1, "QF000 fails the check (exit 1)"
    assert crash_in(done.stderr) is None, done.stderr
    found = _by_file(done.stdout)
    for name, expected in EXPECTED.items():
        lines = found.get(name, [])
        if expected is None:
            assert lines == [], name
        else:
            assert len(lines) == len(expected) and all(
                line.startswith(start) for line, start in zip(lines, expected)
            ), (name, lines)
    large = found["large.py"]
    assert (
        large[0].startswith("1:1: QF008 module has 100001 lines") and len(large) == 25_001
    )  # + QF003 per def


def test_flake8_with_the_plugin_survives_the_corpus(corpus: Path) -> None:
    names = sorted(n for n in EXPECTED if n not in FLAKE8_OWN_CRASHES)
    done = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "E9,QF", *names],
        cwd=corpus / "corpus",
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and crash_in(done.stderr) is None, done.stderr
    found = _by_file(done.stdout)
    for name, expected in EXPECTED.items():
        if name in FLAKE8_OWN_CRASHES:
            continue
        codes = [line.split(": ", 1)[1].split(" ")[0] for line in found.get(name, [])]
        if name in FLAKE8_DECODES_ANYWAY:
            assert "E999" not in codes and set(codes) <= {"QF003"}, (name, codes)
        elif expected is None:
            assert codes == [], name
        elif "QF000" in expected[0]:
            assert codes == ["E999"], (name, codes)  # flake8 reports its own syntax error
        else:
            assert codes == [e.split(" ")[1] for e in expected], name


@pytest.mark.parametrize("name", sorted(FLAKE8_OWN_CRASHES))
def test_flake8_own_crash_is_not_ours(corpus: Path, name: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "QF", name],
        cwd=corpus / "corpus",
        capture_output=True,
        text=True,
    )
    output = done.stdout + done.stderr
    assert "qemlflow_lint" not in output and not re.search(r":\d+:\d+: QF", output), output
    assert re.search(FLAKE8_OWN_CRASHES[name], output), output
    assert done.returncode == 1


def _pylint(corpus: Path, *plugin: str) -> str:
    names = sorted(n for n in EXPECTED)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pylint",
            "--rcfile=/dev/null",
            "--persistent=n",
            "--score=n",
            "--disable=all",
            "--enable=syntax-error,parse-error,astroid-error",
            *plugin,
            *names,
        ],
        cwd=corpus / "corpus",
        capture_output=True,
        text=True,
    )
    assert done.returncode & 32 == 0, done.stderr
    # pylint names a crash report file with a timestamp: not part of the behaviour
    return re.sub(r"There is a pre-filled template.*?\.txt'\.", "", done.stdout)


@pytest.mark.slow
def test_pylint_behaves_exactly_as_without_the_plugin(corpus: Path) -> None:
    without = _pylint(corpus)
    with_plugin = _pylint(corpus, "--load-plugins=qemlflow_lint.pylint_plugin", "--enable=qemlflow-lint")
    ours = [line for line in with_plugin.splitlines() if ": W77" in line or ": C77" in line]
    theirs = [line for line in with_plugin.splitlines() if line not in ours and not line.startswith("*****")]
    assert theirs == [line for line in without.splitlines() if not line.startswith("*****")]
    # pylint tokenizes a module before any checker runs: from 3.12 it reports cr_only.py as
    # its own syntax error and never hands it to the plugin. The CLI and flake8, which read it
    # with Python's parser, still report its findings.
    rejected = "cr_only.py:1:32: E0001: invalid non-printable character U+000D (syntax-error)"
    assert (rejected in without.splitlines()) == TOKENIZE_REJECTS_LONE_CR
    assert sorted(Path(line.split(":")[0]).name for line in ours) == [
        "bom.py",
        *([] if TOKENIZE_REJECTS_LONE_CR else ["cr_only.py", "cr_only.py"]),
        "crlf.py",
        "crlf.py",
    ]


# --- faults ------------------------------------------------------------------------------


def _project(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    for name in ("a", "b", "c"):
        (tmp_path / "pkg" / f"{name}.py").write_text("import torch\n", encoding="utf-8")
    return tmp_path


def test_a_file_removed_between_discovery_and_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(_project(tmp_path))
    original = runner.run_jobs

    def remove_then_run(jobs: list[runner.Job], **kwargs: Any) -> list[FileResult]:
        os.remove(next(job.path for job in jobs if job.path.endswith("b.py")))
        return original(jobs, **kwargs)

    monkeypatch.setattr("qemlflow_lint.run.api.run_jobs", remove_then_run)
    assert main(["check", "--select", "QF001", "pkg"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "pkg/a.py:1:1: QF001 heavy module 'torch' imported at module import time; "
        "move the import into the functions that use it (or use `lazy import` on Python 3.15+)",
        "pkg/b.py:1:1: QF000 file not found (it may have been removed during the run)",
        "pkg/c.py:1:1: QF001 heavy module 'torch' imported at module import time; "
        "move the import into the functions that use it (or use `lazy import` on Python 3.15+)",
    ]


def test_an_unreadable_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(_project(tmp_path))
    real_open = open

    def guarded_open(path: object, *args: object, **kwargs: object) -> object:
        if str(path).endswith("b.py"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", guarded_open)
    assert main(["check", "--select", "QF001", "--no-cache", "pkg"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "pkg/b.py:1:1: QF000 permission denied" and len(lines) == 3


def test_a_directory_symlink_loop_ends_and_is_not_followed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_project(tmp_path))
    os.symlink("..", tmp_path / "pkg" / "loop")
    assert main(["check", "--select", "QF001", "--no-cache", "."]) == 1
    assert len(capsys.readouterr().out.splitlines()) == 3


def test_a_symlink_to_a_file_outside_the_tree_is_not_followed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("import torch\n", encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    (project / "inside.py").write_text("import pandas\n", encoding="utf-8")
    (project / "kept.txt").write_text("import sympy\n", encoding="utf-8")
    os.symlink(outside, project / "link_out.py")
    os.symlink(project / "kept.txt", project / "link_in.py")  # inside the tree: followed
    monkeypatch.chdir(project)
    main(["check", "--select", "QF001", "--no-cache", "."])
    shown = sorted(line.split(":")[0] for line in capsys.readouterr().out.splitlines())
    assert shown == ["inside.py", "link_in.py"]


def test_absolute_paths_below_the_working_directory_are_reported_relative(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_project(tmp_path))
    main(["check", "--select", "QF001", "--no-cache", str(tmp_path / "pkg")])
    assert all(line.startswith("pkg/") for line in capsys.readouterr().out.splitlines())


# --- security ----------------------------------------------------------------------------

EVIL = '''\
"""Importing this module would leave a marker file behind."""
import pathlib
pathlib.Path(__file__).with_name("MARKER").write_text("executed")
import torch
'''


def test_no_front_end_imports_or_runs_the_code_it_reads(tmp_path: Path) -> None:
    (tmp_path / "evil.py").write_text(EVIL, encoding="utf-8")
    (tmp_path / "user.py").write_text("import evil\n", encoding="utf-8")
    # each command, its exit code and a line that proves it read evil.py to its last line
    commands = [
        (cli_command("check", "--no-cache", "."), 1, "evil.py:4:1: QF001 heavy module 'torch'"),
        (
            cli_command("score", "--no-cache", "."),
            0,
            "defer the heavy imports of evil.py (torch): ends 1 QF101 chain (user) (QF001)",
        ),
        (
            [sys.executable, "-m", "flake8", "--select", "QF", "."],
            1,
            "./evil.py:4:1: QF001 heavy module 'torch'",
        ),
        (
            [
                sys.executable,
                "-m",
                "pylint",
                "--load-plugins=qemlflow_lint.pylint_plugin",
                "--disable=all",
                "--enable=qemlflow-lint",
                "evil.py",
                "user.py",
            ],
            4 | 16,  # a warning (QF001) and a convention message (QF003)
            "evil.py:4:0: W7701: QF001 heavy module 'torch'",
        ),
    ]
    for command, exit_code, read_to_the_end in commands:
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert not (tmp_path / "MARKER").exists(), command
        assert crash_in(done.stderr) is None and done.returncode == exit_code, done.stdout + done.stderr
        assert read_to_the_end in done.stdout, done.stdout


def test_configuration_is_data_never_code(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.qemlflow-lint]\nheavy-modules = [\"__import__('os').system('touch MARKER')\"]\n",
        encoding="utf-8",
    )
    (tmp_path / "m.py").write_text("x = 1\n", encoding="utf-8")
    done = subprocess.run(cli_command("check", "."), cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 2 and "is not a dotted module name" in done.stderr
    assert not (tmp_path / "MARKER").exists()


@pytest.mark.parametrize(
    ("option", "what"),
    [
        (["score", "--importtime"], "an importtime result"),
        (["score", "--no-regress"], "a recorded score"),
        (["report", "--html", "out.html", "--importtime"], "an importtime result"),
        (["report", "--html", "out.html", "--trend-json"], "a trend"),
    ],
)
def test_an_input_file_that_is_not_json_is_named_with_what_it_should_hold(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    option: list[str],
    what: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "given.json").write_text("{not json", encoding="utf-8")
    assert main([*option, "given.json", "--no-cache", "m.py"]) == 2
    assert f"error: given.json: not {what} (invalid JSON: " in capsys.readouterr().err


# --- outputs: what a writer's path names --------------------------------------------------

#: Each writer: its command line before the output path, and where the path goes.
WRITERS = {
    "report --html": ("report", "--no-cache", "--html", "{out}", "pkg"),
    "graph -o": ("graph", "--no-cache", "-o", "{out}", "pkg"),
    "baseline -o": ("baseline", "--no-cache", "--force", "-o", "{out}", "pkg"),
    "trend -o": ("trend", "--no-cache", "-o", "{out}", "pkg"),
}


@pytest.fixture(scope="module")
def one_commit(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """A project of one commit (``trend`` reads history), with findings to write: never
    changed, each test takes a copy (:func:`committed`)."""
    root = tmp_path_factory.mktemp("committed") / "project"
    repo = GitRepo(root)
    (root / "pyproject.toml").write_text("[tool.qemlflow-lint]\n", encoding="utf-8")
    _project(root)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "first")
    return repo


@pytest.fixture()
def committed(one_commit: GitRepo, tmp_path: Path) -> Path:
    """A copy of :func:`one_commit` for one test."""
    return one_commit.copy(tmp_path / "project").root


def _writer(name: str, out: Path | str) -> list[str]:
    return [str(out) if part == "{out}" else part for part in WRITERS[name]]


def _read_fifo(fifo: Path, limit: int | None = None) -> tuple[threading.Thread, list[bytes]]:
    """A reader of ``fifo`` in a thread: all it reads, or only ``limit`` bytes before it
    closes the pipe (a device that fails in the middle of a write, as a full disk does)."""
    got: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as handle:
            got.append(handle.read() if limit is None else handle.read(limit))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader, got


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_fifo_output_is_written_in_place_never_replaced(
    writer: str, committed: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(committed)
    fifo = committed / "out.fifo"
    os.mkfifo(fifo)
    reader, got = _read_fifo(fifo)
    code = main(_writer(writer, fifo))
    reader.join(30)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced by a file"
    assert code in (0, 1) and len(got) == 1 and len(got[0]) > 100, capsys.readouterr().err
    assert not [p for p in os.listdir(committed) if p.startswith(".tmp-")]


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_folder_as_output_is_refused_in_one_line(
    writer: str, committed: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(committed)
    (committed / "reports").mkdir()
    assert main(_writer(writer, "reports")) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("qemlflow-lint: error: ") and "reports" in err[-1], err
    assert re.search("folder|directory", err[-1]), err
    assert os.listdir(committed / "reports") == []


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_symlinked_output_writes_its_target_and_stays_a_link(
    writer: str, committed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(committed)
    (committed / "target.txt").write_text("old\n", encoding="utf-8")
    os.chmod(committed / "target.txt", 0o640)
    os.symlink("target.txt", committed / "link.txt")
    assert main(_writer(writer, "link.txt")) in (0, 1)
    assert os.path.islink(committed / "link.txt")
    written = (committed / "target.txt").read_text(encoding="utf-8")
    assert written != "old\n" and len(written) > 100
    assert stat.S_IMODE(os.stat(committed / "target.txt").st_mode) == 0o640


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_device_that_fails_mid_write_is_one_line_and_exit_2(
    writer: str, committed: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(committed)
    fifo = committed / "full.fifo"
    os.mkfifo(fifo)
    reader, _ = _read_fifo(fifo, limit=1)  # reads one byte, then goes away
    real_write_in_place = atomic._write_in_place

    def slowly(path: str, text: str) -> None:  # big enough that the reader leaves half way
        real_write_in_place(path, text * 2000)

    monkeypatch.setattr(atomic, "_write_in_place", slowly)
    assert main(_writer(writer, fifo)) == 2
    reader.join(30)
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("qemlflow-lint: error: ") and "Broken pipe" in err[-1], err
    assert crash_in("\n".join(err)) is None and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_link_to_dev_null_leaves_the_device_a_device(
    committed: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Only after the FIFO tests above prove a device is written in place.
    monkeypatch.chdir(committed)
    os.symlink(os.devnull, committed / "null")
    for writer in sorted(WRITERS):
        assert main(_writer(writer, "null")) in (0, 1), capsys.readouterr().err
        assert stat.S_ISCHR(os.stat(os.devnull).st_mode), writer
    assert os.path.islink(committed / "null")


def test_fix_never_replaces_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(atomic.NotAFileError, match="not a regular file"):
        atomic.replace_file_atomic(str(fifo), b"x = 1\n")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and os.listdir(tmp_path) == ["pipe"]


# --- file names that are not UTF-8 ----------------------------------------------------------

#: Each command and what it must show of ``caf\xe9.py``: escaped as ``ls -b`` does, or
#: carried as a ``\udce9`` JSON escape (the same name when parsed).
NAME_COMMANDS = {
    "check": (["check", "."], "pkg/caf\\xe9.py:1:1: QF001"),
    "check json": (["check", "--format", "json", "."], '"pkg/caf\\udce9.py"'),
    "check sarif": (["check", "--format", "sarif", "."], '"uri": "pkg/caf%E9.py"'),
    "score": (["score", "."], "pkg/caf\\xe9.py"),
    "score json": (["score", "--format", "json", "."], '"pkg/caf\\udce9.py"'),
    "fix --diff": (["fix", "--diff", "--unsafe-fixes", "."], "--- a/pkg/caf\\xe9.py"),
    "graph": (["graph", "."], '"pkg.caf\\\\xe9"'),
    "graph json": (["graph", "--format", "json", "."], '"pkg/caf\\udce9.py"'),
}


@pytest.fixture(scope="module")
def odd_name(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with one module whose name is not UTF-8, imported by another."""
    root = tmp_path_factory.mktemp("names")
    write_tree(root, {"pyproject.toml": "[tool.qemlflow-lint]\n", "pkg/__init__.py": "from pkg import ok\n"})
    (root / "pkg" / "ok.py").write_text('"""Ok."""\n', encoding="utf-8")
    try:
        handle = os.open(os.fsencode(root) + b"/pkg/caf\xe9.py", os.O_WRONLY | os.O_CREAT, 0o644)
    except OSError:
        pytest.skip("this file system takes only UTF-8 names")
    os.write(
        handle, b"import torch\n\n\ndef f():\n    try:\n        return 1\n    except:\n        return 2\n"
    )
    os.close(handle)
    return root


def _strict(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI (in this interpreter) with standard streams that refuse anything but UTF-8, as
    ``PYTHONIOENCODING=utf-8:strict`` makes them in a program."""
    return run_in_process(arguments, cwd=cwd, strict_encoding="utf-8")


def test_a_program_with_strict_utf8_streams_shows_a_non_utf8_file_name_escaped(odd_name: Path) -> None:
    # The in-process runs below stand for the program: this one run is the program itself.
    env = dict(os.environ, PYTHONIOENCODING="utf-8:strict")
    done = subprocess.run(cli_command("check", "."), cwd=odd_name, capture_output=True, text=True, env=env)
    assert crash_in(done.stderr) is None and done.returncode == 1, done.stderr
    assert "pkg/caf\\xe9.py:1:1: QF001" in done.stdout, done.stdout


@pytest.mark.parametrize("case", sorted(NAME_COMMANDS))
def test_a_non_utf8_file_name_is_shown_escaped_with_the_cache(odd_name: Path, case: str) -> None:
    arguments, shown = NAME_COMMANDS[case]
    for run in ("cold", "warm"):  # the second run reads the names back from the cache
        done = _strict(*arguments, cwd=odd_name)
        assert crash_in(done.stderr) is None and done.returncode in (0, 1), (run, done.stderr)
        assert shown in done.stdout, (run, done.stdout[:2000])


@pytest.mark.parametrize("command", ["check", "score", "graph"])
def test_a_missing_path_that_is_not_utf8_is_named_escaped(odd_name: Path, command: str) -> None:
    missing = os.fsdecode(b"gone\xe9.py")
    done = _strict(command, missing, cwd=odd_name)
    assert done.returncode == 2
    assert done.stderr == "qemlflow-lint: error: gone\\xe9.py: no such file or directory\n"


def test_a_non_utf8_file_name_in_a_baseline_and_a_report(odd_name: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    done = _strict("baseline", "-o", str(baseline), ".", cwd=odd_name)
    assert done.returncode == 0, done.stderr
    assert 'pkg/caf\\udce9.py", "scope": "f"' in baseline.read_text(encoding="utf-8")
    done = _strict("check", "--baseline", str(baseline), ".", cwd=odd_name)
    assert done.returncode == 0 and "0 findings" in done.stdout + done.stderr, done.stdout + done.stderr
    page = tmp_path / "report.html"
    done = _strict("report", "--html", str(page), ".", cwd=odd_name)
    assert done.returncode == 0 and "caf\\xe9.py" in page.read_text(encoding="utf-8"), done.stderr


def test_a_non_utf8_file_name_in_the_history(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "project")
    try:
        handle = os.open(os.fsencode(repo.root) + b"/caf\xe9.py", os.O_WRONLY | os.O_CREAT, 0o644)
    except OSError:
        pytest.skip("this file system takes only UTF-8 names")
    os.write(handle, b"import torch\n")
    os.close(handle)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "first")
    for run in ("cold", "warm"):  # the second reads the history store
        done = _strict("trend", "--format", "json", ".", cwd=repo.root)
        assert done.returncode == 0 and crash_in(done.stderr) is None, (run, done.stderr)


# --- the cache folder ------------------------------------------------------------------------


@pytest.mark.parametrize("marker", [".gitignore", "CACHEDIR.TAG"])
def test_a_cache_folder_left_by_a_full_disk_repairs_itself(
    marker: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_project(tmp_path))
    (tmp_path / "pyproject.toml").write_text("[tool.qemlflow-lint]\n", encoding="utf-8")
    cache = tmp_path / ".qemlflow-lint-cache"
    cache.mkdir()
    # What a disk that filled up at the cache's creation left: an empty .gitignore, no tag.
    (cache / ".gitignore").write_text("" if marker == ".gitignore" else "*\n", encoding="utf-8")
    if marker == ".gitignore":
        (cache / "CACHEDIR.TAG").write_text("", encoding="utf-8")
    main(["check", "--select", "QF001", "pkg"])
    assert (cache / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert (
        (cache / "CACHEDIR.TAG")
        .read_text(encoding="utf-8")
        .startswith("Signature: 8a477f597d28d172789f06886806bc55\n")
    )
    git = subprocess.run(["git", "init", "-q", "."], cwd=tmp_path, capture_output=True)
    if git.returncode == 0:
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert ".qemlflow-lint-cache" not in status.stdout
