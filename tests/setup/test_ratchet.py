"""``qemlflow-lint init --typing``: the typing ratchet.

Which packages get mypy's ``disallow_untyped_defs`` and ``disallow_incomplete_defs`` (the
largest fully typed subtrees, by QF002), in which file (the one mypy reads), what a rerun
adds and never removes, and what the user sees. Each test first runs plain ``init``, so the
change that ``--typing`` makes is the ratchet's alone. The last tests run the real mypy on
the written configuration.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qemlflow_lint.cli import main
from qemlflow_lint.config.toml import parse_toml
from qemlflow_lint.setup.files import parse_ini
from tests.frontends import cli_command, crash_in, write_tree
from tests.setup.released import released  # noqa: F401  (autouse)
from tests.tools import needs_module, needs_program

FLAGS = "disallow_untyped_defs = True\ndisallow_incomplete_defs = True\n"
TOML_FLAGS = "disallow_untyped_defs = true\ndisallow_incomplete_defs = true\n"
SECTIONS_COMMENT = "# `qemlflow-lint init --typing`: packages whose public defs are all annotated (QF002).\n"
OVERRIDES_HEADER = (
    "[[tool.mypy.overrides]]\n"
    "# `qemlflow-lint init --typing`: the packages whose public defs are all annotated\n"
    "# (QF002 at 100 %). Rerunning it adds the packages that get there; it removes none.\n"
)
HEADING = (
    "typing ratchet in {} (disallow_untyped_defs and disallow_incomplete_defs for each fully typed package):"
)


def module(typed: int, untyped: int = 0) -> str:
    """A documented module with ``typed`` annotated public functions and ``untyped`` ones
    without annotations."""
    parts = ['"""A module."""\n']
    parts += [
        f'\n\ndef typed_{n}(value: int) -> int:\n    """Typed."""\n    return value\n' for n in range(typed)
    ]
    parts += [f'\n\ndef untyped_{n}(value):\n    """Untyped."""\n    return value\n' for n in range(untyped)]
    return "".join(parts)


PACKAGE = '"""A package."""\n'
#: ``lab`` is not fully typed (``lab.models`` is at 7 of 8), ``lab.io`` is (with its
#: subpackage), and so are the top-level module ``tool`` and the whole package ``done``.
PROJECT = {
    "pyproject.toml": '[project]\nname = "lab"\n',
    "lab/__init__.py": PACKAGE,
    "lab/io/__init__.py": PACKAGE,
    "lab/io/readers.py": module(2),
    "lab/io/formats/__init__.py": module(1),
    "lab/models/__init__.py": PACKAGE,
    "lab/models/fit.py": module(7, 1),
    "lab/_helpers.py": module(0, 2),  # private: QF002 does not count it
    "lab/empty/__init__.py": PACKAGE,  # no public def: nothing to ratchet
    "tool.py": module(1),
    "done/__init__.py": module(1),
    "done/sub/__init__.py": module(1),
    "tests/test_lab.py": module(0, 3),  # tests are not the API
}


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _init(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    code = main(["init", str(root), "--fail-under", "0", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _ratchet_lines(out: str, name: str) -> list[str]:
    lines = out.splitlines()
    start = lines.index(HEADING.format(name))
    return [line for line in lines[start + 1 :] if line.startswith("  ")]


@pytest.fixture()
def lab(tmp_path: Path) -> Path:
    """The sample project, already set up by plain ``init``."""
    project = write_tree(tmp_path / "lab", PROJECT)
    assert main(["init", str(project), "--fail-under", "0"]) == 0
    return project


def _overrides(project: Path) -> list[dict[str, Any]]:
    data = parse_toml((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert data is not None
    overrides: list[dict[str, Any]] = data["tool"]["mypy"]["overrides"]
    return overrides


# --- which packages ------------------------------------------------------------------------------


def test_the_largest_fully_typed_subtrees_get_one_entry_each(
    lab: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    code, out, _ = _init(capsys, lab, "--typing")
    assert code == 0
    assert _overrides(lab) == [
        {
            "module": ["done.*", "lab.io.*", "tool"],
            "disallow_untyped_defs": True,
            "disallow_incomplete_defs": True,
        }
    ]
    assert _ratchet_lines(out, "pyproject.toml") == [
        "  added done: 100 % (2 public defs)",
        "  added lab.io: 100 % (3 public defs)",
        "  added tool: 100 % (1 public def)",
        "  not yet: lab: 90.9 % (1 def to annotate)",
        "  not yet: lab.models: 87.5 % (1 def to annotate)",
    ]
    assert "pyproject.toml: updated — added [[tool.mypy.overrides]] with disallow_untyped_defs and " in out
    assert out.endswith(
        "Next: run mypy. It checks every def of the packages added, private and nested ones too, "
        "which QF002 does not count.\n"
    )


def test_a_whole_package_replaces_nothing_and_needs_no_subpackage_entry(
    lab: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(lab, {"lab/models/fit.py": module(8)})
    _init(capsys, lab, "--typing")
    assert _overrides(lab)[0]["module"] == ["done.*", "lab.*", "tool"]


def test_a_def_suppressed_with_noqa_counts_as_typed_as_in_the_score(
    lab: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suppressed = module(7) + '\n\ndef legacy(value):  # noqa: QF002\n    """Untyped on purpose."""\n'
    write_tree(lab, {"lab/models/fit.py": suppressed})
    _, out, _ = _init(capsys, lab, "--typing")
    assert "  added lab: 100 % (11 public defs)" in _ratchet_lines(out, "pyproject.toml")


def test_a_file_that_does_not_parse_keeps_its_packages_out(
    lab: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(lab, {"lab/io/broken.py": "def read(:\n"})
    _, out, _ = _init(capsys, lab, "--typing")
    lines = _ratchet_lines(out, "pyproject.toml")
    assert "  not yet: lab.io: 1 file could not be read or parsed" in lines
    assert "  added lab.io.formats: 100 % (1 public def)" in lines
    assert "lab.io.*" not in _overrides(lab)[0]["module"]


# --- where: the file mypy reads ---------------------------------------------------------------------

#: Each flavour: the files written before init, the file mypy reads, and the edit of
#: ``init --typing`` to that file as plain init left it: the one line that the ratchet's
#: entries follow, and that line with the entries.
FLAVOURS: list[Any] = [
    pytest.param(
        {
            "mypy.ini": "[mypy]\nwarn_unused_ignores = True\n",
            "pyproject.toml": "[tool.mypy]\nstrict = false\n",
        },
        "mypy.ini",
        "warn_unused_ignores = True\n",
        "warn_unused_ignores = True\n\n"
        + SECTIONS_COMMENT
        + f"[mypy-done.*]\n{FLAGS}\n[mypy-lab.io.*]\n{FLAGS}\n[mypy-tool]\n{FLAGS}",
        id="mypy-ini-wins-over-pyproject",
    ),
    pytest.param(
        {".mypy.ini": "[mypy]\r\n; the team's settings\r\nstrict = False\r\n"},
        ".mypy.ini",
        "strict = False\r\n",
        "strict = False\r\n\r\n"
        + (
            SECTIONS_COMMENT + f"[mypy-done.*]\n{FLAGS}\n[mypy-lab.io.*]\n{FLAGS}\n[mypy-tool]\n{FLAGS}"
        ).replace("\n", "\r\n"),
        id="dot-mypy-ini-with-crlf",
    ),
    pytest.param(
        {
            "setup.cfg": "[metadata]\r\nname = lab\r\n\r\n[mypy]\r\nstrict = False\r\n\r\n"
            "[flake8]\r\nmax-line-length = 100\r\n"
        },
        "setup.cfg",
        "[mypy]\r\nstrict = False\r\n",
        "[mypy]\r\nstrict = False\r\n\r\n"
        + (
            SECTIONS_COMMENT + f"[mypy-done.*]\n{FLAGS}\n[mypy-lab.io.*]\n{FLAGS}\n[mypy-tool]\n{FLAGS}"
        ).replace("\n", "\r\n"),
        id="setup-cfg-with-mypy-and-crlf",
    ),
    pytest.param(
        {"pyproject.toml": '[project]\nname = "lab"\n\n[tool.mypy]\npython_version = "3.9"  # oldest\n'},
        "pyproject.toml",
        'python_version = "3.9"  # oldest\n',
        'python_version = "3.9"  # oldest\n\n'
        + OVERRIDES_HEADER
        + f'module = ["done.*", "lab.io.*", "tool"]\n{TOML_FLAGS}',
        id="pyproject-with-tool-mypy",
    ),
    pytest.param(
        {
            "pyproject.toml": '[project]\nname = "lab"\n\n[tool.mypy]\nstrict = false\n\n'
            '[[tool.mypy.overrides]]\nmodule = ["yaml.*"]\nignore_missing_imports = true\n'
        },
        "pyproject.toml",
        "ignore_missing_imports = true\n",
        "ignore_missing_imports = true\n\n"
        + OVERRIDES_HEADER
        + f'module = ["done.*", "lab.io.*", "tool"]\n{TOML_FLAGS}',
        id="pyproject-with-overrides",
    ),
    pytest.param(
        {"setup.cfg": "[metadata]\nname = lab\n\n[mypy-yaml.*]\nignore_missing_imports = True\n"},
        "pyproject.toml",
        'load-plugins = ["qemlflow_lint.pylint_plugin"]\n',
        'load-plugins = ["qemlflow_lint.pylint_plugin"]\n\n'
        + OVERRIDES_HEADER
        + f'module = ["done.*", "lab.io.*", "tool"]\n{TOML_FLAGS}',
        id="no-configuration-that-mypy-reads-pyproject",
    ),
]


@pytest.mark.parametrize(("files", "name", "old", "new"), FLAVOURS)
def test_the_ratchet_goes_into_the_file_mypy_reads_and_keeps_every_other_byte(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str],
    name: str,
    old: str,
    new: str,
) -> None:
    project = write_tree(tmp_path / "lab", {**PROJECT, **files})
    os.chmod(project / name, 0o640)
    assert main(["init", str(project), "--fail-under", "0"]) == 0
    before = _snapshot(project)
    code, out, _ = _init(capsys, project, "--typing")
    assert code == 0
    after = _snapshot(project)
    assert {path for path in after if after[path] != before.get(path)} == {name}
    assert before[name].decode("utf-8").count(old) == 1
    assert after[name].decode("utf-8") == before[name].decode("utf-8").replace(old, new)
    assert (project / name).stat().st_mode & 0o777 == 0o640
    assert HEADING.format(name) in out


# --- reruns ----------------------------------------------------------------------------------


@pytest.mark.parametrize("flavour", ["mypy.ini", "pyproject.toml"])
def test_a_rerun_adds_packages_as_they_get_there_and_never_removes_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flavour: str
) -> None:
    project = write_tree(
        tmp_path / "lab", {**PROJECT, **({"mypy.ini": "[mypy]\n"} if flavour == "mypy.ini" else {})}
    )
    _init(capsys, project, "--typing")

    # lab.models gets there: the whole of lab is added; lab.io's entry stays.
    write_tree(project, {"lab/models/fit.py": module(8)})
    code, out, _ = _init(capsys, project, "--typing")
    assert code == 0
    assert _ratchet_lines(out, flavour) == [
        "  added lab: 100 % (11 public defs)",
        "  already strict: done: 100 % (2 public defs)",
        "  already strict: tool: 100 % (1 public def)",
    ]
    if flavour == "mypy.ini":
        ini = parse_ini((project / "mypy.ini").read_text(encoding="utf-8"))
        assert ini is not None
        assert [section for section in ini if section != "mypy"] == [
            "mypy-done.*",
            "mypy-lab.io.*",
            "mypy-tool",
            "mypy-lab.*",
        ]
    else:
        assert (
            "pyproject.toml: updated — added lab.* to the module list of init's [[tool.mypy.overrides]]"
            in out
        )
        assert [override["module"] for override in _overrides(project)] == [
            ["done.*", "lab.io.*", "tool", "lab.*"]
        ]

    # lab.io falls behind: nothing is removed, and the output says so.
    written = _snapshot(project)
    write_tree(project, {"lab/io/readers.py": module(1, 1)})
    code, out, _ = _init(capsys, project, "--typing")
    assert code == 0
    assert _snapshot(project) == {**written, "lab/io/readers.py": module(1, 1).encode()}
    assert _ratchet_lines(out, flavour) == [
        "  already strict: done: 100 % (2 public defs)",
        "  already strict: lab.io.formats: 100 % (1 public def)",
        "  already strict: lab.models: 100 % (8 public defs)",
        "  already strict: tool: 100 % (1 public def)",
        "  stays listed: lab: 90.9 % (1 def to annotate)",
        "  stays listed: lab.io: 66.7 % (1 def to annotate)",
        "  (init never removes a package: mypy reports the defs to annotate)",
        "  nothing to add",
    ]


def test_a_rerun_with_nothing_new_changes_nothing(lab: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _init(capsys, lab, "--typing")
    before = _snapshot(lab)
    code, out, _ = _init(capsys, lab, "--typing")
    assert code == 0 and _snapshot(lab) == before
    assert all(": unchanged" in line for line in out.splitlines() if not line.startswith(("  ", "typing")))
    assert _ratchet_lines(out, "pyproject.toml")[-1] == "  nothing to add"
    assert "  already strict: lab.io: 100 % (3 public defs)" in out
    assert "Next: run mypy" not in out


def test_a_project_mypy_checks_strictly_already_needs_no_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = write_tree(tmp_path / "lab", {**PROJECT, "mypy.ini": "[mypy]\nstrict = True\n"})
    code, out, _ = _init(capsys, project, "--typing")
    assert code == 0
    assert (project / "mypy.ini").read_text(encoding="utf-8") == "[mypy]\nstrict = True\n"
    lines = _ratchet_lines(out, "mypy.ini")
    assert "  already strict: lab.io: 100 % (3 public defs)" in lines
    assert "  stays strict: lab.models: 87.5 % (1 def to annotate)" in lines  # strict, but not listed by name
    assert lines[-1] == "  nothing to add"


def test_a_flag_the_user_turned_off_is_left_and_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mypy_ini = "[mypy-lab.io.*]\n# not yet\ndisallow_untyped_defs = False\n"
    project = write_tree(tmp_path / "lab", {**PROJECT, "mypy.ini": mypy_ini})
    code, out, _ = _init(capsys, project, "--typing")
    assert code == 0
    assert (
        "left: [mypy-lab.io.*] turns disallow_untyped_defs off: turn it on by hand when lab.io.* is ready"
        in out
    )
    assert "  not added: lab.io: 100 % (3 public defs); see the note on mypy.ini" in out
    ini = parse_ini((project / "mypy.ini").read_text(encoding="utf-8"))
    assert ini is not None and ini["mypy-lab.io.*"] == {"disallow_untyped_defs": "False"}
    assert set(ini) == {"mypy-lab.io.*", "mypy-done.*", "mypy-tool"}


# --- --dry-run --------------------------------------------------------------------------------------


def test_dry_run_writes_nothing_and_prints_the_diff_that_init_applies(
    lab: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(lab, {"setup.cfg": "[mypy]\nstrict = False\n"})
    before = _snapshot(lab)
    code, diff, err = _init(capsys, lab, "--typing", "--dry-run")
    assert code == 0 and _snapshot(lab) == before
    assert diff.startswith("--- a/setup.cfg\n+++ b/setup.cfg\n")
    assert "+[mypy-lab.io.*]\n" in diff
    assert "setup.cfg: would update — added [mypy-done.*], [mypy-lab.io.*], [mypy-tool] with " in err
    assert "  would add lab.io: 100 % (3 public defs)" in err.splitlines()
    needs_program("git", "git applies the diff")
    patched = tmp_path / "patched"
    shutil.copytree(lab, patched)
    done = subprocess.run(
        ["git", "apply", "-"], input=diff, text=True, cwd=patched, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    _init(capsys, lab, "--typing")
    assert _snapshot(patched) == _snapshot(lab)


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "message"),
    [
        pytest.param(
            {"mypy.ini": "[mypy]\nstrict = True\nstrict = False\n"},
            "mypy.ini: not an INI file that mypy can read (line 3: option 'strict' in section 'mypy' "
            "already exists); init --typing wrote nothing",
            id="mypy-ini",
        ),
        pytest.param(
            {"setup.cfg": "[metadata]\nname = lab\n[mypy\n"},
            "setup.cfg: not an INI file that mypy can read (line 3: a line that is neither a [section] "
            "header nor a key = value); init --typing wrote nothing",
            id="setup-cfg",
        ),
        pytest.param(
            {"pyproject.toml": '[project]\nname = "lab"\n\n[[tool.mypy.overrides]]\nignore_errors = true\n'},
            "pyproject.toml: [[tool.mypy.overrides]]: a table without a module name or list, which mypy "
            "needs; init --typing wrote nothing",
            id="pyproject-overrides",
        ),
        pytest.param(
            {"mypy.ini": "[mypy]\n", "pyproject.toml": '[project]\nname = "lab\n'},
            "pyproject.toml: invalid TOML: ",
            id="pyproject-toml",
        ),
    ],
)
def test_a_configuration_that_does_not_parse_is_a_one_line_error_and_nothing_is_written(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    project = write_tree(tmp_path / "lab", {**PROJECT, **files})
    before = _snapshot(project)
    done = subprocess.run(
        cli_command("init", "--typing"), cwd=project, capture_output=True, text=True, timeout=120
    )
    assert crash_in(done.stderr) is None, done.stderr
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith(f"qemlflow-lint: error: {message}") and done.stderr.count("\n") == 1
    assert _snapshot(project) == before


# --- the real mypy ------------------------------------------------------------------------------

UNTYPED_DEF = '\n\ndef added(value):\n    """Added later, without annotations."""\n    return value\n'
PARTIAL_DEF = (
    '\n\ndef partial(value: int, scale) -> int:\n    """Added later, half annotated."""\n    return value\n'
)
#: One error line of mypy's output: the file and the message.
_ERROR = re.compile(r"^(?P<path>[^:]+):\d+: error: (?P<message>.*)$")


def _mypy(project: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    needs_module("mypy", "the test runs the real mypy on the written configuration")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MYPY")}
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(cache), "--no-error-summary", "lab", "tool.py"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"mypy.ini": "[mypy]\n"}, id="mypy-ini"),
        pytest.param({"setup.cfg": "[mypy]\nwarn_unused_configs = True\n"}, id="setup-cfg"),
        pytest.param(
            {"pyproject.toml": '[project]\nname = "lab"\n\n[tool.mypy]\n'}, id="pyproject-tool-mypy"
        ),
        pytest.param({}, id="pyproject-new"),
    ],
)
def test_real_mypy_reports_an_untyped_def_in_a_ratcheted_package_only(
    tmp_path: Path, files: dict[str, str]
) -> None:
    project = write_tree(tmp_path / "lab", {**PROJECT, **files})
    done = subprocess.run(
        cli_command("init", "--typing", "--fail-under", "0"),
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert crash_in(done.stderr) is None and done.returncode == 0, done.stdout + done.stderr
    assert "  added lab.io: 100 % (3 public defs)" in done.stdout
    checked = _mypy(project, tmp_path / "cache")
    assert checked.returncode == 0, (
        checked.stdout + checked.stderr
    )  # lab.models' untyped def is not ratcheted

    for path in ("lab/io/readers.py", "lab/io/__init__.py", "lab/models/fit.py", "tool.py"):
        with open(project / path, "a", encoding="utf-8") as handle:
            handle.write(UNTYPED_DEF + PARTIAL_DEF)
    checked = _mypy(project, tmp_path / "cache")
    assert checked.returncode == 1, checked.stdout + checked.stderr
    errors = [_ERROR.match(line) for line in checked.stdout.splitlines()]
    # mypy 2 says "parameters" where mypy 1 says "arguments".
    reported = sorted(
        f"{error['path']}: {error['message'].replace('more arguments', 'more parameters')}"
        for error in errors
        if error
    )
    assert reported == [
        f"{os.path.normpath(path)}: {message}"
        for path in ("lab/io/__init__.py", "lab/io/readers.py", "tool.py")  # the package itself is covered
        for message in (
            "Function is missing a type annotation  [no-untyped-def]",
            "Function is missing a type annotation for one or more parameters  [no-untyped-def]",
        )
    ]
