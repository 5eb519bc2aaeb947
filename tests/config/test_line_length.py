"""The project's line length, read from the tool that enforces it (ruff, then black, then
flake8), 79 when none says; and ``fix`` writes no line longer than it."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from qemlflow_lint.config.line_length import DEFAULT_LINE_LENGTH, configured_line_length, line_length
from tests.frontends import run_fix, write_tree


class Case(NamedTuple):
    """Configuration files and the line length they give."""

    name: str
    files: dict[str, str]
    expected: int | None


CASES = [
    Case("nothing_configured", {}, None),
    Case("ruff_in_pyproject", {"pyproject.toml": "[tool.ruff]\nline-length = 100\n"}, 100),
    Case("black_in_pyproject", {"pyproject.toml": "[tool.black]\nline-length = 90\n"}, 90),
    Case(
        "ruff_wins_over_black_and_flake8",
        {
            "pyproject.toml": "[tool.black]\nline-length = 90\n[tool.ruff]\nline-length = 120\n",
            "setup.cfg": "[flake8]\nmax-line-length = 79\n",
        },
        120,
    ),
    Case(
        "black_wins_over_flake8",
        {
            "pyproject.toml": "[tool.black]\nline-length = 88\n",
            "tox.ini": "[flake8]\nmax-line-length = 100\n",
        },
        88,
    ),
    Case(
        "ruff_toml_before_pyproject",
        {"ruff.toml": "line-length = 72\n", "pyproject.toml": "[tool.ruff]\nline-length = 99\n"},
        72,
    ),
    Case(
        # ruff reads its own file alone: a pyproject.toml it ignores says nothing.
        "ruff_toml_without_a_length_says_nothing",
        {"ruff.toml": "[lint]\nselect = ['E']\n", "pyproject.toml": "[tool.ruff]\nline-length = 99\n"},
        None,
    ),
    Case("flake8_in_setup_cfg", {"setup.cfg": "[flake8]\nmax-line-length = 99\nignore = E203\n"}, 99),
    Case("flake8_underscored_key", {"tox.ini": "[flake8]\nmax_line_length = 95\n"}, 95),
    Case("flake8_in_dot_flake8", {".flake8": "[flake8]\nmax-line-length = 110\n"}, 110),
    Case("flake8_section_without_the_key_is_its_default", {"setup.cfg": "[flake8]\nignore = E203\n"}, 79),
    Case(
        "flake8_reads_the_first_file_with_its_section",
        {"setup.cfg": "[metadata]\nname = x\n", "tox.ini": "[flake8]\nmax-line-length = 101\n"},
        101,
    ),
    Case("a_bad_value_says_nothing", {"pyproject.toml": "[tool.ruff]\nline-length = 'long'\n"}, None),
    Case("a_broken_file_says_nothing", {"pyproject.toml": "[tool.ruff\nline-length = 100\n"}, None),
    Case("other_sections_say_nothing", {"setup.cfg": "[pycodestyle]\nmax-line-length = 120\n"}, None),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_line_length_comes_from_the_first_tool_that_sets_it(tmp_path: Path, case: Case) -> None:
    write_tree(tmp_path, case.files)
    assert configured_line_length(str(tmp_path)) == case.expected
    assert line_length(str(tmp_path)) == (case.expected or DEFAULT_LINE_LENGTH)


def test_the_default_is_pep8s_79() -> None:
    assert DEFAULT_LINE_LENGTH == 79


#: A def whose annotated signature is 90 characters long on one line.
MODULE = '''"""M."""


def scale(values, factor=2.0, label="scaled"):
    """Scale.

    Parameters
    ----------
    values : list of float
    factor : float
    label : str

    Returns
    -------
    list of float
    """
    return [value * factor for value in values]
'''


@pytest.mark.parametrize(("configured", "wrapped"), [(100, False), (90, False), (89, True)])
def test_fix_wraps_a_signature_at_the_projects_line_length(
    tmp_path: Path, configured: int, wrapped: bool
) -> None:
    write_tree(
        tmp_path,
        {
            "pyproject.toml": f"[project]\nname = 'x'\nrequires-python = '>=3.10'\n[tool.black]\nline-length = {configured}\n",
            "pkg/__init__.py": '"""P."""\n',
            "pkg/m.py": MODULE,
        },
    )
    done = run_fix(["pkg", "--unsafe-fixes", "--select", "QF002", "--no-cache"], cwd=tmp_path)
    assert "QF002 fixed (unsafe)" in done.stdout, done.stdout + done.stderr
    fixed = (tmp_path / "pkg/m.py").read_text(encoding="utf-8")
    one_line = 'def scale(values: list[float], factor: float = 2.0, label: str = "scaled") -> list[float]:'
    assert len(one_line) == 90
    assert max(map(len, fixed.splitlines())) <= configured
    signature = fixed.split('    """Scale.')[0].split("\n\n\n")[1]
    assert signature == (
        "def scale(\n"
        "    values: list[float],\n"
        "    factor: float = 2.0,\n"
        '    label: str = "scaled",\n'
        ") -> list[float]:\n"
        if wrapped
        else one_line + "\n"
    )
