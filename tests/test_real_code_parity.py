"""On real code that every machine has — a sample of the running interpreter's standard
library, found with ``sysconfig`` — flake8, pylint and the CLI agree finding for finding."""

from __future__ import annotations

import ast
import sysconfig
from pathlib import Path

import pytest

from frontends import FRONT_ENDS, Reported

STDLIB = Path(sysconfig.get_paths()["stdlib"])
SAMPLE_SIZE = 160
SKIPPED_PARTS = {"site-packages", "test", "tests", "idlelib", "lib2to3", "turtledemo", "__phello__"}


def _sample() -> list[str]:
    """A deterministic spread of parseable package modules (packages exercise the
    module-name logic: ``json/decoder.py`` is ``json.decoder``)."""
    candidates = []
    for path in sorted(STDLIB.rglob("*.py")):
        relative = path.relative_to(STDLIB)
        if len(relative.parts) < 2 or SKIPPED_PARTS & set(relative.parts):
            continue
        try:
            ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            continue
        candidates.append(str(relative))
    step = max(len(candidates) // SAMPLE_SIZE, 1)
    return candidates[::step][:SAMPLE_SIZE]


@pytest.fixture(scope="module")
def reported() -> dict[str, list[Reported]]:
    sample = _sample()
    assert len(sample) >= SAMPLE_SIZE // 2, "too little of the standard library found"
    extra = {"cli": (), "flake8": ("--jobs", "2"), "pylint": ("--jobs", "2")}
    return {name: run(sample, *extra[name], cwd=STDLIB) for name, run in FRONT_ENDS.items()}


def test_the_sample_has_untyped_public_defs(reported: dict[str, list[Reported]]) -> None:
    assert sum(r.code == "QF002" for r in reported["cli"]) >= 50


@pytest.mark.parametrize("front_end", ["flake8", "pylint"])
def test_front_end_agrees_with_the_cli_finding_for_finding(
    front_end: str, reported: dict[str, list[Reported]]
) -> None:
    cli = [(r.path, r.line, r.col, r.code, r.message) for r in reported["cli"]]
    other = [(r.path, r.line, r.col, r.code, r.message) for r in reported[front_end]]
    missing = sorted(set(cli) - set(other))[:10]
    extra = sorted(set(other) - set(cli))[:10]
    assert cli == other, f"{front_end} differs from the CLI\nonly in cli: {missing}\nonly in {front_end}: {extra}"
