"""``qemlflow-lint check``, ``rules`` and ``explain`` as a user meets them.

Exit codes, standard input, pipes and bad input run the real command in a subprocess;
the many small option cases call :func:`qemlflow_lint.cli.main` in-process.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from qemlflow_lint import __version__
from qemlflow_lint.cli import main
from qemlflow_lint.rules.registry import all_rules
from tests.frontends import cli_command, every_rule_source, per_file_codes, write_tree
from tests.tools import needs_program

LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>QF\d{3}) (?P<message>.+)$")
#: A module with one finding when every rule runs: QF001 on line 2.
HEAVY = '"""Loads the model."""\nimport torch\n'
#: A package's ``__init__.py`` with no finding: folders that are not packages hold scripts,
#: which the rules about importers (QF001 …) do not check.
PACKAGE = '"""A package."""\n'
QF001_TORCH = (
    "QF001 heavy module 'torch' imported at module import time; "
    "move the import into the functions that use it (or use `lazy import` on Python 3.15+)"
)


def _env(**changes: str) -> dict[str, str]:
    # Standard output buffered as for any user: no PYTHONUNBUFFERED from the test runner.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env.update(PYTHONDONTWRITEBYTECODE="1", **changes)
    return env


def _run(args: list[str], cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli_command(*args), input=stdin, capture_output=True, text=True, cwd=cwd, env=_env(), timeout=120
    )


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    """``check ARGS`` in-process: the exit code and the finding lines printed."""
    code = main(["check", *args])
    return code, capsys.readouterr().out.splitlines()


def _reported(lines: list[str]) -> list[tuple[str, int, str]]:
    rows = []
    for line in lines:
        match = LINE.match(line)
        assert match, f"not a flake8-style line: {line!r}"
        rows.append((match["path"], int(match["line"]), match["code"]))
    return rows


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder that is also the working directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- output and exit codes (subprocess: what a shell or CI sees) ---------------------------


def test_findings_are_flake8_style_lines_and_exit_1(tmp_path: Path) -> None:
    write_tree(tmp_path, {"mod.py": "import os\nimport torch\ndef f(x): return x\n"})
    done = _run(["check", "--select", "QF001,QF002", "mod.py"], tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [
        f"mod.py:2:1: {QF001_TORCH}",
        "mod.py:3:1: QF002 public function 'f' is missing type annotations: x, return",
    ]
    assert "2 findings in 1 file" in done.stderr


def test_clean_code_prints_nothing_and_exits_0(tmp_path: Path) -> None:
    clean = '"""Identity."""\nimport os\n\n\ndef f(x: int) -> int:\n    """Return x."""\n    return x\n'
    write_tree(tmp_path, {"mod.py": clean})
    done = _run(["check", "."], tmp_path)
    assert (done.returncode, done.stdout) == (0, ""), done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["check", "--no-such-option", "."], "--no-such-option", id="unknown-option"),
        pytest.param(["check", "--select", "XYZ", "."], "unknown rule code 'XYZ'", id="bad-select-code"),
        pytest.param(["check", "--ignore", "E501", "."], "unknown rule code 'E501'", id="bad-ignore-code"),
        pytest.param(["check", "--heavy-modules", "no-such", "."], "'no-such'", id="bad-module-name"),
        pytest.param(
            ["check", "--max-module-lines", "0", "."], "must be a positive integer", id="bad-max-module-lines"
        ),
        pytest.param(
            ["check", "--config", "missing.toml", "."], "missing.toml: cannot read", id="missing-config-file"
        ),
        pytest.param([], "COMMAND", id="no-command"),
    ],
)
def test_usage_errors_exit_2_with_a_message_and_no_traceback(
    tmp_path: Path, args: list[str], message: str
) -> None:
    write_tree(tmp_path, {"mod.py": HEAVY})
    done = _run(args, tmp_path)
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stdout == "" and "Traceback" not in done.stderr


# --- which files are checked -----------------------------------------------------------------


def test_directories_are_walked_in_sorted_order(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Created in reverse of the expected order, so file-system order cannot pass for sorting.
    # (The folders are packages: files in a folder that is not are scripts, which QF001 skips.)
    for name in ["zeta/z.py", "pkg/inner/y.py", "pkg/x.py", "b.py", "a.py", "A.py"]:
        write_tree(project, {name: HEAVY})
    write_tree(project, {"zeta/__init__.py": "", "pkg/__init__.py": "", "pkg/inner/__init__.py": ""})
    code, lines = _check(capsys, ".")
    assert code == 1
    assert [path for path, _, _ in _reported(lines)] == [
        "A.py",
        "a.py",
        "b.py",
        "pkg/x.py",
        "pkg/inner/y.py",
        "zeta/z.py",
    ]


def test_a_file_named_twice_is_checked_once(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(project, {"pkg/__init__.py": PACKAGE, "pkg/mod.py": HEAVY})
    _, lines = _check(capsys, "pkg/mod.py", "pkg", "./pkg/mod.py")
    assert len(lines) == 1


def test_gitignore_in_the_tree_is_honoured(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(
        project,
        {
            ".gitignore": "generated/\n",
            "generated/schema.py": HEAVY,
            "src/.gitignore": "*_pb2.py\n",
            "src/api_pb2.py": HEAVY,
            "src/api.py": HEAVY,
        },
    )
    _, lines = _check(capsys, ".")
    assert [path for path, _, _ in _reported(lines)] == ["src/api.py"]


def test_no_gitignore_checks_gitignored_files_too(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(
        project,
        {
            ".gitignore": "generated/\n",
            "generated/__init__.py": PACKAGE,
            "generated/schema.py": HEAVY,
            "src/api.py": HEAVY,
        },
    )
    _, lines = _check(capsys, "--no-gitignore", ".")
    assert [path for path, _, _ in _reported(lines)] == ["generated/schema.py", "src/api.py"]


def test_gitignore_above_the_checked_folder_is_honoured_in_a_git_repository(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / ".git").mkdir()
    write_tree(
        project, {".gitignore": "src/generated/\n", "src/generated/schema.py": HEAVY, "src/api.py": HEAVY}
    )
    _, lines = _check(capsys, "src")
    assert [path for path, _, _ in _reported(lines)] == ["src/api.py"]


def test_exclude_takes_gitignore_style_patterns(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(
        project,
        {
            "legacy/old.py": HEAVY,
            "src/legacy_tools.py": HEAVY,
            "src/deep/model_old.py": HEAVY,
            "src/model.py": HEAVY,
        },
    )
    _, lines = _check(capsys, "--exclude", "legacy/,*_old.py", ".")
    assert [path for path, _, _ in _reported(lines)] == ["src/legacy_tools.py", "src/model.py"]


@pytest.mark.parametrize(
    ("options", "checked"),
    [
        pytest.param([], ["src/gen_old.py", "src/model.py"], id="exclude-in-pyproject"),
        pytest.param(
            ["--exclude", "*_old.py"],
            ["legacy/old.py", "src/model.py"],
            id="exclude-replaces-the-configured-patterns",
        ),
        pytest.param(["--extend-exclude", "*_old.py"], ["src/model.py"], id="extend-exclude-adds-to-them"),
    ],
)
def test_exclude_flags_replace_or_extend_the_configured_excludes(
    project: Path, capsys: pytest.CaptureFixture[str], options: list[str], checked: list[str]
) -> None:
    write_tree(
        project,
        {
            "pyproject.toml": '[tool.qemlflow-lint]\nexclude = ["legacy/"]\n',
            "legacy/__init__.py": PACKAGE,
            "legacy/old.py": HEAVY,
            "src/gen_old.py": HEAVY,
            "src/model.py": HEAVY,
        },
    )
    _, lines = _check(capsys, *options, ".")
    assert [path for path, _, _ in _reported(lines)] == checked


def test_default_excludes_and_virtual_environments_are_skipped(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    skipped = [
        ".git/hooks/x.py",
        "build/lib/x.py",
        "__pycache__/x.py",
        ".tox/py/x.py",
        "dist/x.py",
        "node_modules/x.py",
        ".venv/x.py",
        "env/lib/x.py",
        "conda/lib/x.py",
    ]
    write_tree(project, {name: HEAVY for name in skipped})
    write_tree(
        project, {"env/pyvenv.cfg": "home = /usr\n", "conda/conda-meta/history": "", "src/kept.py": HEAVY}
    )
    _, lines = _check(capsys, ".")
    assert [path for path, _, _ in _reported(lines)] == ["src/kept.py"]


def test_files_named_explicitly_are_checked_even_in_default_excluded_folders_or_gitignored(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        project,
        {
            "build/__init__.py": PACKAGE,
            "build/gen.py": HEAVY,
            ".gitignore": "ignored.py\n",
            "ignored.py": HEAVY,
        },
    )
    _, lines = _check(capsys, "build/gen.py", "ignored.py")
    assert [path for path, _, _ in _reported(lines)] == ["build/gen.py", "ignored.py"]


@pytest.mark.parametrize(
    "options",
    [
        pytest.param(["--exclude", "legacy.py"], id="exclude-flag"),
        pytest.param(["--config", "qf.toml"], id="exclude-in-the-configuration-file"),
    ],
)
def test_configured_excludes_apply_to_files_named_explicitly(
    project: Path, capsys: pytest.CaptureFixture[str], options: list[str]
) -> None:
    # As in flake8: pre-commit passes every changed file by name, and excludes must still hold.
    write_tree(
        project,
        {
            "qf.toml": '[tool.qemlflow-lint]\nexclude = ["legacy.py"]\n',
            "legacy.py": HEAVY,
            "kept.py": HEAVY,
        },
    )
    _, lines = _check(capsys, *options, "legacy.py", "kept.py")
    assert [path for path, _, _ in _reported(lines)] == ["kept.py"]


def test_force_exclude_applies_default_excludes_and_gitignore_to_named_files(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        project,
        {
            "build/gen.py": HEAVY,
            "legacy.py": HEAVY,
            ".gitignore": "ignored.py\n",
            "ignored.py": HEAVY,
            "kept.py": HEAVY,
        },
    )
    _, lines = _check(
        capsys,
        "--force-exclude",
        "--exclude",
        "legacy.py",
        "build/gen.py",
        "legacy.py",
        "ignored.py",
        "kept.py",
    )
    assert [path for path, _, _ in _reported(lines)] == ["kept.py"]


def test_walks_check_only_python_files(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(project, {"notes.txt": HEAVY, "script": HEAVY, "data.json": "{}", "mod.py": HEAVY})
    _, lines = _check(capsys, ".")
    assert [path for path, _, _ in _reported(lines)] == ["mod.py"]


# --- standard input (subprocess: editors pipe unsaved buffers) -------------------------------


def test_stdin_is_reported_under_the_stdin_filename(tmp_path: Path) -> None:
    done = _run(["check", "-", "--stdin-filename", "pkg/unsaved.py"], tmp_path, stdin=HEAVY)
    assert done.returncode == 1, done.stderr
    assert _reported(done.stdout.splitlines()) == [("pkg/unsaved.py", 2, "QF001")]


def test_stdin_filename_decides_whether_it_is_a_test_file(tmp_path: Path) -> None:
    text = "import torch\ndef f(x): ...\n"
    done = _run(["check", "-", "--stdin-filename", "tests/test_model.py"], tmp_path, stdin=text)
    assert (done.returncode, done.stdout) == (0, ""), done.stderr


# --- select, ignore and heavy modules -------------------------------------------------------

#: A module that breaks every rule exactly once (QF008: the blank lines make it too long).
SELECTABLE = every_rule_source()
EVERY_RULE = per_file_codes()


def _all_but(code: str) -> list[str]:
    return [c for c in EVERY_RULE if c != code]


@pytest.mark.parametrize(
    ("options", "codes"),
    [
        pytest.param([], EVERY_RULE, id="default-runs-every-rule"),
        pytest.param(["--select", "QF001"], ["QF001"], id="select-by-code"),
        pytest.param(["--select", "QF00"], EVERY_RULE, id="select-by-prefix"),
        pytest.param(["--select", "qf002"], ["QF002"], id="codes-are-case-insensitive"),
        pytest.param(["--ignore", "QF001"], _all_but("QF001"), id="ignore-by-code"),
        pytest.param(["--ignore", "QF0"], [], id="ignore-by-prefix"),
        pytest.param(["--select", "QF001", "--ignore", "QF001"], [], id="ignore-wins-a-tie"),
        pytest.param(["--select", "QF001", "--ignore", "QF0"], ["QF001"], id="longer-select-prefix-wins"),
        pytest.param(
            ["--select", "QF", "--ignore", "QF002"], _all_but("QF002"), id="longer-ignore-prefix-wins"
        ),
        pytest.param(["--select", "QF001,QF002"], ["QF001", "QF002"], id="comma-separated-list"),
        pytest.param(
            ["--select", "QF001", "--extend-select", "QF004"], ["QF001", "QF004"], id="extend-select-adds"
        ),
    ],
)
def test_select_and_ignore(
    project: Path, capsys: pytest.CaptureFixture[str], options: list[str], codes: list[str]
) -> None:
    write_tree(project, {"mod.py": SELECTABLE})
    exit_code, lines = _check(capsys, *options, "mod.py")
    assert sorted(code for _, _, code in _reported(lines)) == codes
    assert exit_code == (1 if codes else 0)


@pytest.mark.parametrize(
    ("options", "lines"),
    [
        pytest.param([], [1], id="default-list-has-torch-not-numpy"),
        pytest.param(["--heavy-modules", "numpy"], [2], id="heavy-modules-replaces-the-list"),
        pytest.param(["--extend-heavy-modules", "numpy"], [1, 2], id="extend-heavy-modules-adds"),
        pytest.param(["--heavy-modules", "numpy,torch"], [1, 2], id="comma-separated-list"),
    ],
)
def test_heavy_module_options(
    project: Path, capsys: pytest.CaptureFixture[str], options: list[str], lines: list[int]
) -> None:
    write_tree(project, {"mod.py": "import torch\nimport numpy.linalg\n"})
    _, printed = _check(capsys, "--select", "QF001", *options, "mod.py")
    assert [line for _, line, _ in _reported(printed)] == lines


# --- noqa -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reported_lines"),
    [
        pytest.param("import torch  # noqa\n", [], id="bare-noqa-suppresses"),
        pytest.param("import torch  # NOQA\n", [], id="noqa-is-case-insensitive"),
        pytest.param("import torch  # noqa: QF001\n", [], id="noqa-with-the-code-suppresses"),
        pytest.param("import torch  # noqa:QF001,QF002\n", [], id="noqa-with-a-code-list-suppresses"),
        pytest.param("import torch  # noqa: QF0\n", [], id="noqa-with-a-code-prefix-suppresses"),
        pytest.param("import torch  # noqa:QF002\n", [1], id="noqa-for-another-code-does-not-suppress"),
        pytest.param("import torch\nx = 1  # noqa\n", [1], id="noqa-covers-only-its-own-line"),
        pytest.param(
            "from torch import nn, \\\n    optim  # noqa: QF001\n",
            [],
            id="noqa-at-the-end-of-a-backslash-continued-statement-covers-its-first-line",
        ),
        pytest.param(
            'def f(x): return """\n  text\n"""  # noqa: QF002\n',
            [],
            id="noqa-after-a-multi-line-string-covers-the-statement-start",
        ),
        pytest.param(
            "from torch import (\n    nn,\n)  # noqa: QF001\n",
            [1],
            id="noqa-after-a-closing-bracket-covers-only-its-own-line-as-in-flake8",
        ),
        pytest.param("# flake8: noqa\nimport torch\ndef f(x): ...\n", [], id="file-level-flake8-noqa"),
    ],
)
def test_noqa_comments(
    project: Path, capsys: pytest.CaptureFixture[str], text: str, reported_lines: list[int]
) -> None:
    write_tree(project, {"mod.py": text})
    code, lines = _check(capsys, "--select", "QF001,QF002", "mod.py")
    assert [line for _, line, _ in _reported(lines)] == reported_lines
    assert code == (1 if reported_lines else 0)


def test_disable_noqa_reports_suppressed_findings(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(
        project,
        {
            "mod.py": "import torch  # noqa\nimport pandas  # noqa: QF001\n",
            "all.py": "# flake8: noqa\nimport torch\n",
        },
    )
    code, lines = _check(capsys, "--select", "QF001", "--disable-noqa", "mod.py", "all.py")
    assert _reported(lines) == [("mod.py", 1, "QF001"), ("mod.py", 2, "QF001"), ("all.py", 2, "QF001")]
    assert code == 1


# --- bad input (subprocess: the user must never see a traceback) -----------------------------

BAD_FILES: dict[str, str | bytes] = {
    "a_syntax_error.py": "import os\ndef f(:\n    pass\n",
    "b_undecodable.py": b"\xff\xfeimport os\n",
    "c_unknown_coding.py": "# -*- coding: latin-17 -*-\nimport os\n",
    "d_coding_on_line_two.py": "#!/usr/bin/env python\n# coding: no-such-codec\nimport os\n",
    "e_wrong_coding.py": b"# coding: ascii\nimport os\nname = '\xc3\xa9'\n",
    "f_nul_byte.py": b"import os\x00\n",
    "g_good.py": HEAVY,
    "h_empty.py": "",
    "i_bom_then_bad_byte.py": b"\xef\xbb\xbfx = 1\ny = '\xff'\n",
    "j_bom_and_latin1_coding.py": b"\xef\xbb\xbf# coding: latin-1\nx = 1\n",
}


def test_bad_files_give_one_qf000_line_each_and_the_rest_is_still_checked(tmp_path: Path) -> None:
    write_tree(tmp_path, BAD_FILES)
    done = _run(["check", "."], tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr == "9 findings in 10 files\n"  # the empty file is fine
    reported = {}
    for line in done.stdout.splitlines():
        path, _, rest = line.partition(":")
        assert path not in reported, f"more than one line for {path}"
        reported[path] = rest
    nul_byte = reported.pop("f_nul_byte.py")
    assert re.fullmatch(r"1:\d+: QF000 .*null bytes", nul_byte), nul_byte
    assert reported == {
        "a_syntax_error.py": "2:7: QF000 syntax error: invalid syntax",
        "b_undecodable.py": "1:1: QF000 cannot decode byte 0xff as utf-8 (invalid start byte)",
        "c_unknown_coding.py": "1:1: QF000 bad encoding declaration: unknown encoding: latin-17",
        "d_coding_on_line_two.py": "2:1: QF000 bad encoding declaration: unknown encoding: no-such-codec",
        "e_wrong_coding.py": "3:9: QF000 cannot decode byte 0xc3 as ascii (ordinal not in range(128))",
        "g_good.py": f"2:1: {QF001_TORCH}",
        "i_bom_then_bad_byte.py": "2:6: QF000 cannot decode byte 0xff as utf-8 (invalid start byte)",
        "j_bom_and_latin1_coding.py": "1:1: QF000 bad encoding declaration: encoding problem: utf-8",
    }


# --- pipes (subprocess) -------------------------------------------------------------------------


@pytest.fixture
def many_findings(tmp_path: Path) -> Path:
    """A module with far more output than a pipe buffer holds."""
    write_tree(tmp_path, {"many.py": "".join(f"def f{i}(x): ...\n" for i in range(3000))})
    return tmp_path


def test_check_piped_into_head_stops_quietly(many_findings: Path) -> None:
    command = shlex.join(cli_command("check", "many.py"))
    done = subprocess.run(
        ["bash", "-c", f'set +o pipefail; {command} | head -1; echo "exit=${{PIPESTATUS[0]}}"'],
        capture_output=True,
        text=True,
        cwd=many_findings,
        env=_env(),
        timeout=120,
    )
    assert done.stdout.splitlines() == [
        "many.py:1:1: QF002 public function 'f0' is missing type annotations: x, return",
        "exit=1",
    ]
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr, done.stderr


def test_check_into_an_already_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    # Few lines, all still buffered when the command ends: the failure shows on the last flush.
    write_tree(tmp_path, {"mod.py": HEAVY})
    reader, writer = os.pipe()
    os.close(reader)
    try:
        done = subprocess.run(
            cli_command("check", "mod.py"),
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            env=_env(),
            timeout=120,
        )
    finally:
        os.close(writer)
    assert done.returncode == 1
    assert "BrokenPipeError" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr


# --- rules, explain, version -------------------------------------------------------------------


#: code: (symbol, pylint id, pylint symbol), from the rules' declarations ("CLI-only" for the
#: project rules, which pylint does not run).
RULES = {
    rule.code: (rule.symbol, "CLI-only" if rule.project else rule.pylint_id, rule.pylint_symbol)
    for rule in all_rules()
}


def test_rules_lists_qf000_then_each_rule_with_its_symbol_and_pylint_id_and_symbol(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The pylint symbol is what `--disable=` and `# pylint: disable=` take: qf-bare-except, not bare-except.
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["QF000", "unreadable-file", "—"]
    rows = {line.split()[0]: line.split()[1:4] for line in lines[1:]}
    assert rows.keys() == RULES.keys()
    for code, (symbol, pylint_id, pylint_symbol) in RULES.items():
        shown = [symbol, pylint_id] if pylint_id == "CLI-only" else [symbol, pylint_id, pylint_symbol]
        assert rows[code][: len(shown)] == shown, code
    assert rows["QF004"][2] == "qf-bare-except"


def test_rules_as_json_has_qf000_and_the_pylint_symbols(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["code"] == "QF000" and rows[0]["pylint_symbol"] is None
    by_code = {row["code"]: row for row in rows[1:]}
    assert {code: (row["symbol"], row["pylint_id"] or "CLI-only") for code, row in by_code.items()} == {
        code: (symbol, pylint_id) for code, (symbol, pylint_id, _) in RULES.items()
    }
    assert by_code["QF004"]["pylint_symbol"] == "qf-bare-except"
    assert by_code["QF101"]["pylint_symbol"] is None


def test_rules_as_markdown_is_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "markdown"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("| code | symbol | pylint |") and lines[1].startswith("|---|")
    # The pylint column names the pylint symbol only where it differs from the rule's.
    # Project rules need the whole project: the table says they are CLI only.
    expected = [
        f"| {code} | `{symbol}` | "
        + ("CLI only" if pylint_id == "CLI-only" else pylint_id)
        + (f" `{pylint_symbol}`" if pylint_symbol != symbol else "")
        + " |"
        for code, (symbol, pylint_id, pylint_symbol) in RULES.items()
    ]
    assert [line[: len(start)] for line, start in zip(lines[2:], expected)] == expected
    assert len(lines) == 2 + len(RULES)


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        pytest.param("QF001", "QF001 heavy-top-level-import", id="by-code"),
        pytest.param("qf001", "QF001 heavy-top-level-import", id="by-lowercase-code"),
        pytest.param("untyped-public-def", "QF002 untyped-public-def", id="by-symbol"),
    ],
)
def test_explain_prints_the_rule_documentation(
    capsys: pytest.CaptureFixture[str], name: str, heading: str
) -> None:
    assert main(["explain", name]) == 0
    text = capsys.readouterr().out
    assert text.startswith(heading + "\n")
    positions = [
        text.index(f"## {section}")
        for section in ("What it does", "Why is this bad?", "Example", "Use instead", "Options")
    ]
    assert positions == sorted(positions)


def test_explain_of_an_unknown_rule_exits_2_naming_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "QF999"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "unknown rule 'QF999'" in captured.err and "QF001" in captured.err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"qemlflow-lint {__version__}"


def test_python_m_and_the_console_script_behave_the_same(tmp_path: Path) -> None:
    script = needs_program("qemlflow-lint", "the console script comes with installing the project")
    write_tree(tmp_path, {"mod.py": "import torch\ndef f(x): ...\n", "bad.py": "def f(:\n"})
    args = ["check", "--select", "QF001,QF002", "."]
    module = _run(args, tmp_path)
    console = subprocess.run(
        [script, *args], capture_output=True, text=True, cwd=tmp_path, env=_env(), timeout=120
    )
    assert (module.returncode, module.stdout, module.stderr) == (
        console.returncode,
        console.stdout,
        console.stderr,
    )
    assert module.returncode == 1 and len(module.stdout.splitlines()) == 3
