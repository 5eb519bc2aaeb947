"""Every fixer keeps the file's line endings: each fix fixture, with its lines ended by CRLF
or by a lone CR (old Mac files), is fixed exactly as with LF, with the same endings."""

from __future__ import annotations

import os

import pytest

from qemlflow_lint.config.loading import ConfigResolver
from qemlflow_lint.fix.apply import FixOptions, fix_text
from qemlflow_lint.fix.edit import parse_module
from tests.fix.snapshots import MODES, cases
from tests.frontends import REPO

#: Line endings other than LF, by name.
ENDINGS = {"crlf": "\r\n", "cr": "\r"}


@pytest.mark.parametrize("ending", ENDINGS.values(), ids=ENDINGS.keys())
def test_every_fix_fixture_keeps_its_line_endings(ending: str) -> None:
    differences = []
    for case in cases():
        text = case.read_text(encoding="utf-8")
        path = os.path.relpath(case, REPO)
        settings = ConfigResolver(None, []).for_path(path)
        for command, unsafe in MODES.items():
            with_lf = fix_text(text, path, settings, FixOptions(unsafe=unsafe))
            other = fix_text(text.replace("\n", ending), path, settings, FixOptions(unsafe=unsafe))
            if (other.fixed, other.refused) != (with_lf.fixed.replace("\n", ending), with_lf.refused):
                differences.append(f"{path} ({command})")
    assert differences == []


@pytest.mark.parametrize(
    "text",
    [
        "x = 1\r",
        "x = 1\ry = 2\r",
        "x = 1\r\ny = 2\r",
        "x = 1\ny = 2\r",
        "# only a comment\r",
        "x = 1\r\r",
        "x = 1",
    ],
)
def test_the_libcst_module_gives_back_every_byte(text: str) -> None:
    assert parse_module(text).code == text
