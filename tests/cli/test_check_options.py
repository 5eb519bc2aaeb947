"""What flake8 and ruff users expect of ``check``: ``--exit-zero``, ``--statistics`` and
``--quiet``, and ``baseline`` writing ``.qemlflow-baseline.json`` when no ``-o`` is given.

Exit codes run the real command in a subprocess; the rest calls
:func:`qemlflow_lint.cli.main` in-process.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from qemlflow_lint.cli import main
from tests.frontends import cli_command, write_tree

#: QF001 twice (torch, pandas), QF004 once, with QF001 and QF004 selected.
MODULE = '"""Loads models."""\nimport torch\nimport pandas\n\ntry:\n    pass\nexcept:\n    pass\n'
SELECT = ("--select", "QF001,QF004", "--no-cache")
#: A file that cannot be parsed: QF000.
BROKEN = "def broken(:\n"


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(cli_command(*args), capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with one module of three findings, which is also the working directory."""
    monkeypatch.chdir(tmp_path)
    return write_tree(tmp_path, {"mod.py": MODULE})


# --- --exit-zero -----------------------------------------------------------------------------


def test_exit_zero_exits_0_with_findings_and_unreadable_files_but_not_on_a_usage_error(
    project: Path,
) -> None:
    write_tree(project, {"broken.py": BROKEN})
    plain = _run(["check", *SELECT, "."], project)
    zero = _run(["check", "--exit-zero", *SELECT, "."], project)
    assert plain.returncode == 1 and zero.returncode == 0, zero.stderr
    assert zero.stdout == plain.stdout and len(zero.stdout.splitlines()) == 4
    assert "broken.py:1:" in zero.stdout and "QF000" in zero.stdout
    assert zero.stderr == "4 findings in 2 files\n"
    bad_config = _run(["check", "--exit-zero", "--select", "XYZ", "."], project)
    assert bad_config.returncode == 2 and "unknown rule code 'XYZ'" in bad_config.stderr


# --- --statistics ----------------------------------------------------------------------------


def test_statistics_replace_the_findings_with_one_line_per_code_most_frequent_first(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(project, {"broken.py": BROKEN})
    code, out, err = _main(capsys, "check", "--statistics", *SELECT, ".")
    assert code == 1
    assert out.splitlines() == [
        "2  QF001  heavy-top-level-import  import of a heavy module that runs when the module is imported",
        "1  QF000  unreadable-file         a file that could not be read or parsed",
        "1  QF004  bare-except             `except:` with no exception type",
    ]
    assert err == "4 findings in 2 files\n"


def test_statistics_as_json_and_without_findings(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _main(capsys, "check", "--statistics", "--format", "json", *SELECT, ".")
    assert code == 1
    assert json.loads(out) == [
        {
            "count": 2,
            "code": "QF001",
            "symbol": "heavy-top-level-import",
            "summary": "import of a heavy module that runs when the module is imported",
        },
        {"count": 1, "code": "QF004", "symbol": "bare-except", "summary": "`except:` with no exception type"},
    ]
    assert _main(capsys, "check", "--statistics", "--select", "QF005", "--no-cache", ".") == (
        0,
        "",
        "0 findings in 1 file\n",
    )
    assert _main(capsys, "check", "--statistics", "--format", "json", "--select", "QF005", ".")[:2] == (
        0,
        "[]\n",
    )


def test_statistics_in_a_ci_format_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _main(capsys, "check", "--statistics", "--format", "sarif", ".")
    assert (code, out) == (2, "")
    assert err == "qemlflow-lint: error: --statistics prints text, json or markdown, not --format sarif\n"


def test_statistics_count_only_the_findings_a_baseline_does_not_hold(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["baseline", *SELECT, "."]) == 0
    write_tree(project, {"new.py": '"""New."""\nimport torch\n'})
    capsys.readouterr()
    code, out, _ = _main(
        capsys, "check", "--statistics", "--baseline", ".qemlflow-baseline.json", *SELECT, "."
    )
    assert code == 1
    assert (
        out
        == "1  QF001  heavy-top-level-import  import of a heavy module that runs when the module is imported\n"
    )


# --- --quiet ---------------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["-q", "--quiet"])
def test_quiet_prints_only_the_findings(project: Path, capsys: pytest.CaptureFixture[str], flag: str) -> None:
    code, out, err = _main(capsys, "check", flag, *SELECT, ".")
    assert code == 1 and err == ""
    assert [line.split(": ")[1].split()[0] for line in out.splitlines()] == ["QF001", "QF001", "QF004"]


def test_quiet_drops_the_baseline_summary_too(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["baseline", *SELECT, "."]) == 0
    capsys.readouterr()
    (project / "mod.py").write_text('"""Fixed."""\n', encoding="utf-8")
    loud = _main(capsys, "check", "--baseline", ".qemlflow-baseline.json", *SELECT, ".")
    assert loud[0] == 0 and "no longer occur" in loud[2] and "matched the baseline" in loud[2]
    assert _main(capsys, "check", "-q", "--baseline", ".qemlflow-baseline.json", *SELECT, ".") == (0, "", "")


# --- baseline's default file -----------------------------------------------------------------


def test_baseline_writes_the_default_file_in_the_working_directory(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _main(capsys, "baseline", *SELECT, ".")
    assert code == 0
    assert err == "recorded 3 findings (3 entries) in .qemlflow-baseline.json\n"
    recorded = json.loads((project / ".qemlflow-baseline.json").read_text(encoding="utf-8"))
    assert isinstance(recorded, dict)
    # check and score name the file explicitly
    assert _main(capsys, "check", "--baseline", ".qemlflow-baseline.json", *SELECT, ".")[:2] == (0, "")
    # a second run refuses to replace it, and --update finds it without -o
    code, _, err = _main(capsys, "baseline", *SELECT, ".")
    assert code == 2 and err.startswith("qemlflow-lint: error: .qemlflow-baseline.json already exists;")
    (project / "mod.py").write_text(MODULE.replace("import pandas\n", ""), encoding="utf-8")
    code, _, err = _main(capsys, "baseline", "--update", *SELECT, ".")
    assert code == 0
    assert err.startswith("removed 1 finding that no longer occurs (1 entry) from .qemlflow-baseline.json;")


def test_check_baseline_still_needs_a_file_name(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["check", ".", "--baseline"])
    assert exited.value.code == 2
    assert "--baseline: expected one argument" in capsys.readouterr().err
