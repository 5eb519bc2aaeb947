"""Every fixture through flake8, pylint and the CLI: each reports exactly the inline
``# expect:`` comments, and all three agree on every (path, line, column, code)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qemlflow_lint.rules.registry import all_rules
from tests.frontends import FRONT_ENDS, REPO, Reported, case_name, expected_in, fixture_files

FILES = fixture_files()
#: Project rules need the whole project: only the CLI reports them (the README says so).
PROJECT_CODES = {rule.code for rule in all_rules() if rule.project}


@pytest.fixture(scope="module")
def reported() -> dict[str, list[Reported]]:
    """One run of each front end over all fixtures (one subprocess each)."""
    paths = [str(path.relative_to(REPO)) for path in FILES]
    return {name: run(paths) for name, run in FRONT_ENDS.items()}


def _describe(rows: list[tuple[str, int, str]]) -> str:
    return "\n".join(
        f"  {path}:{line} {code}  [case: {case_name(REPO / path, line)}]" for path, line, code in rows
    )


def test_there_is_a_fixture_per_rule() -> None:
    expected_codes = {code for path in FILES for _, _, code in expected_in(path)}
    missing = [rule.code for rule in all_rules() if rule.code not in expected_codes]
    assert not missing, f"rules without a fixture expectation: {missing}"


@pytest.mark.parametrize("front_end", sorted(FRONT_ENDS))
def test_front_end_reports_exactly_the_inline_expectations(
    front_end: str, reported: dict[str, list[Reported]]
) -> None:
    expected = sorted(
        e for path in FILES for e in expected_in(path) if front_end == "cli" or e[2] not in PROJECT_CODES
    )
    actual = sorted((r.path, r.line, r.code) for r in reported[front_end])
    missing = sorted(set(expected) - set(actual))
    unexpected = sorted(set(actual) - set(expected))
    assert not missing and not unexpected, (
        f"{front_end} differs from the fixtures' expectations\n"
        f"missing:\n{_describe(missing)}\nunexpected:\n{_describe(unexpected)}"
    )
    assert len(actual) == len(expected), f"{front_end} reported a finding twice"


def _per_file(rows: list[Reported]) -> list[Reported]:
    return [r for r in rows if r.code not in PROJECT_CODES]


def test_front_ends_agree_on_line_column_and_code(reported: dict[str, list[Reported]]) -> None:
    positions = {
        name: [(r.path, r.line, r.col, r.code) for r in _per_file(rows)] for name, rows in reported.items()
    }
    assert positions["flake8"] == positions["cli"]
    assert positions["pylint"] == positions["cli"]


def test_front_ends_agree_on_messages(reported: dict[str, list[Reported]]) -> None:
    messages = {name: [r.message for r in _per_file(rows)] for name, rows in reported.items()}
    assert messages["flake8"] == messages["cli"] == messages["pylint"]


def test_fixture_paths_exist() -> None:
    assert FILES, "no fixtures found"
    assert all(Path(path).is_file() for path in FILES)
