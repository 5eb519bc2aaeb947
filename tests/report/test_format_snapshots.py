"""Every output format has a snapshot, the command line prints exactly it, and a new format
is one emitter and one line in the table of formats."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator, Sequence

import pytest

from qemlflow_lint import __version__
from qemlflow_lint.cli import main
from qemlflow_lint.model.findings import FileResult
from qemlflow_lint.report.emitters import (
    UnknownFormat,
    emitter,
    format_names,
    register_format,
    unregister_format,
)
from tests.report.format_snapshots import PROJECT, UNSNAPSHOTTED, check, snapshot_path


def test_every_format_snapshot_is_current() -> None:
    stale = check()
    assert not stale, f"stale format snapshots (run `python -m tests.report.format_snapshots`): {stale}"


def test_every_format_of_every_kind_has_a_snapshot() -> None:
    for kind in ("findings", "score", "trend", "graph", "importtime"):
        for name in format_names(kind):
            assert (kind, name) in UNSNAPSHOTTED or snapshot_path(kind, name).is_file(), (kind, name)


#: The commands that print each snapshotted kind of the shared project, with their options.
COMMANDS = [
    *((["check", "--format", name], ("findings", name)) for name in format_names("findings")),
    *(
        (["score", "--fail-under", "90", "--top", "3", "--format", name], ("score", name))
        for name in format_names("score")
    ),
    *(
        (["graph", "--format", name], ("graph", name))
        for name in format_names("graph")
        if ("graph", name) not in UNSNAPSHOTTED
    ),
]


@pytest.mark.parametrize(("argv", "snapshot"), COMMANDS, ids=[" ".join(argv) for argv, _ in COMMANDS])
def test_the_command_line_prints_the_snapshot(
    argv: list[str],
    snapshot: tuple[str, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(PROJECT)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    main([*argv, "--no-cache", "."])
    printed = capsys.readouterr().out.replace(f'"{__version__}"', '"<version>"')
    assert printed == snapshot_path(*snapshot).read_text(encoding="utf-8")


def test_an_unknown_format_or_kind_is_named_with_the_choices() -> None:
    with pytest.raises(UnknownFormat, match=r"unknown trend format 'yaml' \(expected one of: csv, json, "):
        emitter("trend", "yaml")
    with pytest.raises(UnknownFormat, match=r"unknown report kind 'ledger' \(expected one of: findings, "):
        format_names("ledger")


# --- a throwaway format, added as CONTRIBUTING says ----------------------------------------------


def count_by_code(results: Sequence[FileResult]) -> str:
    """The throwaway ``tally`` format: ``CODE COUNT`` per rule found, by code."""
    counts: dict[str, int] = {}
    for result in results:
        for finding in result.findings:
            counts[finding.code] = counts.get(finding.code, 0) + 1
    return "".join(f"{code} {count}\n" for code, count in sorted(counts.items()))


@pytest.fixture
def tally() -> Iterator[None]:
    """The ``tally`` findings format, in a module of its own, for the length of a test."""
    module = types.ModuleType("tally_format")
    module.render = count_by_code  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    register_format("findings", "tally", module.__name__, "render")
    try:
        yield
    finally:
        unregister_format("findings", "tally")
        del sys.modules[module.__name__]


@pytest.mark.usefixtures("tally")
def test_a_new_format_is_offered_by_every_command_of_its_kind_and_rendered(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(PROJECT)
    for command in ("check", "score"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "tally" in capsys.readouterr().out
    assert main(["check", "--format", "tally", "--no-cache", "."]) == 1
    assert capsys.readouterr().out == "QF000 1\nQF001 1\nQF002 1\nQF003 1\nQF004 2\nQF007 2\nQF101 1\n"
    main(["score", "--format", "tally", "--no-cache", "."])
    assert capsys.readouterr().out.startswith("QF000 1\n")


def test_a_format_that_is_not_registered_is_refused_with_the_choices(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(PROJECT)
    assert "tally" not in format_names("findings")
    with pytest.raises(SystemExit) as stop:
        main(["check", "--format", "tally", "."])
    assert stop.value.code == 2
    choices = ", ".join(f"'{name}'" for name in format_names("findings"))
    assert f"argument --format: invalid choice: 'tally' (choose from {choices})" in capsys.readouterr().err
