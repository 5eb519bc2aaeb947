"""Every ``fix`` fixture gives exactly its snapshot: what was fixed, what was left and why,
and the diff, without and with ``--unsafe-fixes`` (``python -m tests.snapshots --update fix``
rewrites them). The command line prints the same as the library for a sample of cases."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qemlflow_lint.fix.apply import FixOptions, fix_text
from qemlflow_lint.fix.summary import finding_lines, unified_diff
from qemlflow_lint.model.settings import Settings
from tests.fix.snapshots import (
    FIX_FIXTURES,
    MODES,
    cases,
    fix_case,
    project_cases,
    render,
    render_project,
    snapshot_path,
)
from tests.frontends import REPO, run_fix


def test_there_is_a_fixture_for_each_fixable_rule() -> None:
    codes = {case.relative_to(FIX_FIXTURES).parts[0] for case in cases()}
    assert {"QF001", "QF002", "QF004"} <= codes


@pytest.mark.parametrize("case", cases(), ids=lambda case: case.relative_to(FIX_FIXTURES).as_posix())
def test_the_fix_of_each_fixture_is_its_snapshot(case: Path) -> None:
    snapshot = snapshot_path(case)
    assert snapshot.is_file(), "no snapshot: run python -m tests.snapshots --update fix"
    assert render(case) == snapshot.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "project", project_cases(), ids=lambda case: case.relative_to(FIX_FIXTURES).as_posix()
)
def test_the_fix_of_each_project_fixture_is_its_snapshot(project: Path) -> None:
    """What ``fix --check`` and ``fix --diff`` print in the project's folder, in both modes."""
    snapshot = snapshot_path(project)
    assert snapshot.is_file(), "no snapshot: run python -m tests.snapshots --update fix"
    assert render_project(project) == snapshot.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", cases(), ids=lambda case: case.relative_to(FIX_FIXTURES).as_posix())
def test_every_fixed_fixture_compiles_and_a_second_fix_changes_nothing(case: Path) -> None:
    for unsafe in (False, True):
        fixed = fix_case(case, unsafe)
        compile(fixed.fixed, str(case), "exec", dont_inherit=True)
        again = fix_text(fixed.fixed, fixed.path, Settings(), FixOptions(unsafe=unsafe))
        assert not again.changed, f"a second fix changes {case.name}:\n{unified_diff([again])}"


@pytest.mark.slow
def test_the_command_line_prints_what_the_snapshots_pin() -> None:
    """``fix --check`` prints the finding lines and ``fix --diff`` the diff, for every case at
    once (one run each way), and neither writes anything."""
    before = {case: case.read_bytes() for case in cases()}
    paths = [os.path.relpath(case, REPO) for case in cases()]
    for unsafe in MODES.values():
        extra = ["--unsafe-fixes"] if unsafe else []
        check = run_fix(paths, "--check", "--no-cache", "--no-measure", *extra)
        diff = run_fix(paths, "--diff", "--no-cache", *extra)
        fixes = [fix_case(case, unsafe) for case in cases()]
        assert check.stdout == finding_lines(fixes)
        assert diff.stdout == unified_diff(fixes)
        assert check.returncode == diff.returncode == (1 if any(f.changed for f in fixes) else 0)
    assert {case: case.read_bytes() for case in cases()} == before
