"""Module names, findings, scores and fingerprints never depend on the working directory or
on how a path is spelled: a module's name is its path below the first folder that is not a
package, test folders count below the project root, and fingerprints use the path below it."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.frontends import crash_in, run_in_process, write_tree

PROJECT = {
    "pkg/__init__.py": '"""The package."""\nfrom pkg import a\n',
    "pkg/a.py": '"""Imports a sibling that imports pandas."""\nfrom pkg import b\n\n\ndef untyped(x):\n    return x\n',
    "pkg/b.py": '"""Imports pandas."""\nimport pandas\n',
    # A test helper: not a test_*.py name, a test file only because it is under tests/.
    "tests/helpers.py": "def helper(x):\n    return x\n",
}


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = run_in_process(args, cwd=cwd)
    assert done.returncode in (0, 1) and crash_in(done.stderr) is None, done.stderr
    return done


Finding = tuple[str, int, int, str, str]


def _findings(cwd: Path, paths: Sequence[str]) -> list[Finding]:
    """(absolute path, line, column, code, message with its paths made absolute)."""
    rows = json.loads(_run(cwd, "check", "--no-cache", "--format", "json", *paths).stdout)
    found = []
    for row in rows:
        message = re.sub(r"(\S+\.py)(?=:\d)", lambda m: os.path.normpath(cwd / m.group(1)), row["message"])
        found.append((os.path.normpath(cwd / row["path"]), row["line"], row["column"], row["code"], message))
    return sorted(found)


def _fingerprints(cwd: Path, paths: Sequence[str]) -> dict[tuple[str, int, str], str]:
    rows = json.loads(_run(cwd, "check", "--no-cache", "--format", "json", *paths).stdout)
    return {
        (os.path.normpath(cwd / row["path"]), row["line"], row["code"]): row["fingerprint"] for row in rows
    }


def _score(cwd: Path, paths: Sequence[str]) -> float:
    return float(json.loads(_run(cwd, "score", "--no-cache", "--format", "json", *paths).stdout)["score"])


@pytest.fixture(params=["with-table", "without-pyproject"])
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    root = tmp_path / "work" / "code"
    write_tree(root, PROJECT)
    if request.param == "with-table":
        (root / "pyproject.toml").write_text("[tool.qemlflow-lint]\n", encoding="utf-8")
    # Without any marker, a folder with `.git` stands for the project root.
    (root / ".git").mkdir()
    return root


def test_the_module_name_comes_from_the_packages_not_the_working_directory(project: Path) -> None:
    for cwd, paths in ((project, ["."]), (project.parent, ["code"]), (project.parent.parent, ["work/code"])):
        qf101 = [f for f in _findings(cwd, paths) if f[3] == "QF101"]
        assert [(Path(f[0]).relative_to(project).as_posix(), f[1]) for f in qf101] == [
            ("pkg/__init__.py", 2),
            ("pkg/a.py", 2),
        ], (cwd, qf101)
        assert qf101[0][4].startswith("importing pkg pulls in pandas at import time: ")
        assert qf101[1][4].startswith("importing pkg.a pulls in pandas at import time: ")


@pytest.mark.slow
def test_findings_scores_and_fingerprints_do_not_depend_on_how_or_where_from(project: Path) -> None:
    runs = [
        (project, ["."]),
        (project, ["pkg", "tests"]),
        (project, ["./pkg", "./tests/"]),
        (project, [str(project)]),
        (project / "tests", [".."]),  # from inside the test folder: its files are still test files
        (project / "pkg", ["..", "."]),
        (project.parent, ["code"]),
        (project.parent.parent, [str(Path("work") / "code")]),
    ]
    reference_findings = _findings(*runs[0])
    reference_score = _score(*runs[0])
    reference_fingerprints = _fingerprints(*runs[0])
    codes = sorted({f[3] for f in reference_findings})
    # tests/helpers.py is a test file: no QF002 or QF003 for it, from anywhere
    assert codes == ["QF001", "QF002", "QF003", "QF101"], reference_findings
    assert not [f for f in reference_findings if "tests" in Path(f[0]).parts], reference_findings
    for cwd, paths in runs[1:]:
        assert _findings(cwd, paths) == reference_findings, (cwd, paths)
        assert _score(cwd, paths) == reference_score, (cwd, paths)
        assert _fingerprints(cwd, paths) == reference_fingerprints, (cwd, paths)
