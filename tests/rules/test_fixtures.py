"""Every fixture through flake8, pylint and the CLI, held to its snapshot.

Each fixture's snapshot (``<name>.txt`` beside it, see :mod:`tests.rules.expectations`) pins
every finding — line, column, code and message — and each front end must report exactly
those: nothing missing, nothing more, nothing twice. The snapshot is the reference, not the
other front ends, so a message or a column that changes in the engine fails here even when
all three change together; the three agree because each equals the snapshot. The inline
``# expect:`` markers must name the same lines and codes as the snapshot, so regenerating
the snapshots cannot quietly bless a new finding or drop one. The project rules (QF101,
QF102) need the whole project: only the CLI reports them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from qemlflow_lint.rules.registry import all_rules
from tests.frontends import FIXTURES, FRONT_ENDS, REPO, case_name, expected_in, fixture_files
from tests.rules.expectations import Pinned, differences, read_snapshot, relative, report, stray_snapshots

FILES = fixture_files()
#: With the fixtures for a newer Python: their markers and snapshots must agree all the same.
ALL_FILES = fixture_files(too_new=True)
#: Project rules need the whole project: only the CLI reports them (the README says so).
PROJECT_CODES = {rule.code for rule in all_rules() if rule.project}
REGENERATE = "python -m tests.snapshots --update rules rewrites the snapshots; review the diff"
#: The fixture whose findings the regression tests doctor: methods, reported at column 5.
DOCTORED = relative(FIXTURES / "qf002" / "methods.py")


@pytest.fixture(scope="module")
def reported() -> dict[str, list[Pinned]]:
    """One run of each front end over all fixtures (one subprocess each)."""
    return {name: report(name, FILES) for name in FRONT_ENDS}


def expected_from(front_end: str) -> list[Pinned]:
    """What the snapshots say ``front_end`` reports for the fixtures this Python can parse."""
    return sorted(
        row
        for path in FILES
        for row in read_snapshot(path)
        if front_end == "cli" or row.code not in PROJECT_CODES
    )


def test_there_is_a_fixture_per_rule() -> None:
    pinned_codes = {row.code for path in ALL_FILES for row in read_snapshot(path)}
    missing = [rule.code for rule in all_rules() if rule.code not in pinned_codes]
    assert not missing, f"rules without a pinned fixture finding: {missing}"


@pytest.mark.parametrize("front_end", sorted(FRONT_ENDS))
def test_front_end_reports_exactly_the_snapshots(front_end: str, reported: dict[str, list[Pinned]]) -> None:
    problems = differences(expected_from(front_end), reported[front_end])
    assert not problems, f"{front_end} differs from the fixtures' snapshots ({REGENERATE}):\n" + "\n".join(
        problems
    )


def test_inline_markers_name_the_snapshot_findings() -> None:
    mismatches: list[str] = []
    for fixture in ALL_FILES:
        marked = Counter((line, code) for _, line, code in expected_in(fixture))
        snapshot = Counter((row.line, row.code) for row in read_snapshot(fixture))
        for side, rows in (
            ("`# expect:` without a snapshot line", marked - snapshot),
            ("snapshot line without `# expect:`", snapshot - marked),
        ):
            mismatches.extend(
                f"  {relative(fixture)}:{line} {code}: {side}  [case: {case_name(fixture, line)}]"
                for line, code in sorted(rows.elements())
            )
    assert not mismatches, "inline markers and snapshots disagree:\n" + "\n".join(mismatches)


def test_every_snapshot_has_its_fixture() -> None:
    assert not stray_snapshots(), REGENERATE


@pytest.fixture
def agreeing(reported: dict[str, list[Pinned]]) -> dict[str, list[Pinned]]:
    """The front ends' real output, when it matches the snapshots (the tests above say
    what differs when it does not)."""
    if any(differences(expected_from(name), rows) for name, rows in reported.items()):
        pytest.skip("a front end already differs from the snapshots")
    return reported


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda row: row._replace(message=row.message.upper()), id="message-wording"),
        pytest.param(lambda row: row._replace(message=row.message.rsplit(" ", 1)[0]), id="message-cut"),
        pytest.param(lambda row: row._replace(col=row.col + 1), id="column"),
        pytest.param(lambda row: row._replace(line=row.line + 1), id="line"),
        pytest.param(lambda row: row._replace(code="QF003"), id="code"),
    ],
)
def test_the_same_regression_in_every_front_end_fails(
    change: Callable[[Pinned], Pinned], agreeing: dict[str, list[Pinned]]
) -> None:
    """The proof that the snapshots pin the findings: change one finding the same way in all
    three front ends' real output, and each comparison fails, naming it."""
    for front_end, rows in agreeing.items():
        original = next(row for row in rows if row.path == DOCTORED and row.col > 0)
        doctored = change(original)
        assert doctored != original
        regressed = sorted([doctored if row == original else row for row in rows])
        assert differences(expected_from(front_end), regressed) == [
            f"missing:    {original.shown()}  [case: {case_name(REPO / original.path, original.line)}]",
            f"unexpected: {doctored.shown()}  [case: {case_name(REPO / doctored.path, doctored.line)}]",
        ], front_end


def test_a_finding_lost_or_reported_twice_fails(agreeing: dict[str, list[Pinned]]) -> None:
    rows, expected = agreeing["cli"], expected_from("cli")
    first = f"{rows[0].shown()}  [case: {case_name(REPO / rows[0].path, rows[0].line)}]"
    assert differences(expected, rows[1:]) == [f"missing:    {first}"]
    assert differences(expected, [*rows, rows[0]]) == [f"unexpected: {first}"]


def test_fixture_paths_exist() -> None:
    assert FILES, "no fixtures found"
    assert all(Path(path).is_file() for path in FILES)
