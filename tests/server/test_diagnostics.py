"""Diagnostics as an editor receives them: the same findings as ``check``, from the
buffer's unsaved text, pushed or pulled as the client prefers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types as lsp

from tests.frontends import REPO

from tests.server.session import (
    MODULE,
    PULLS,
    PUSHED,
    codes,
    make_project,
    open_file,
    pulled,
    pushed,
    replace_text,
    session,
)


def check_lines(root: Path, path: str) -> list[str]:
    """What ``check`` prints for the file, less the path: ``line:col: CODE message``."""
    done = subprocess.run(
        [sys.executable, "-m", "qemlflow_lint", "check", "--quiet", path],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return [line.split(":", 1)[1] for line in done.stdout.splitlines()]


def shown(diagnostics: list[lsp.Diagnostic]) -> list[str]:
    """The diagnostics as ``check`` prints findings (an ASCII file: columns agree)."""
    return [
        f"{item.range.start.line + 1}:{item.range.start.character + 1}: {item.code} {item.message}"
        for item in sorted(diagnostics, key=lambda d: (d.range.start.line, d.range.start.character))
    ]


pytestmark = [pytest.mark.asyncio, pytest.mark.slow]


async def test_a_client_that_pulls_gets_the_findings_of_check(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    async with session(root, PULLS) as client:
        uri = open_file(client, root / "chem" / "molecules.py")
        diagnostics = await pulled(client, uri)
    assert codes(diagnostics) == [(3, "QF001"), (11, "QF002"), (20, "QF004")]
    assert shown(diagnostics) == check_lines(root, "chem/molecules.py")
    first = diagnostics[0]
    assert first.source == "qemlflow-lint"
    assert first.code_description is not None
    assert first.code_description.href.endswith("heavy-top-level-import.md")
