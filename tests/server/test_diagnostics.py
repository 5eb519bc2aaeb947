"""Diagnostics as an editor receives them: the same findings as ``check``, from the
buffer's unsaved text, pushed or pulled as the client prefers."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.parse
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
    # The link opens the rule's page, written offline into the user's cache folder.
    assert first.code_description is not None
    page = Path(urllib.parse.unquote(urllib.parse.urlparse(first.code_description.href).path))
    assert page.name == "heavy-top-level-import.md"
    assert page.is_relative_to(root / ".user-cache" / "qemlflow-lint" / "rules")
    assert page.read_text(encoding="utf-8").startswith("QF001 heavy-top-level-import\n")
    assert "Why is this bad?" in page.read_text(encoding="utf-8")


async def test_the_docs_url_setting_links_to_the_teams_site(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    async with session(root, PULLS, options={"docsUrl": "https://docs.example.org/rules/"}) as client:
        diagnostics = await pulled(client, open_file(client, root / "chem" / "molecules.py"))
    assert diagnostics[0].code_description is not None
    assert diagnostics[0].code_description.href == "https://docs.example.org/rules/heavy-top-level-import/"


async def test_a_client_that_does_not_pull_gets_them_pushed_for_the_unsaved_text(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    async with session(root, PUSHED) as client:
        uri = open_file(client, root / "chem" / "molecules.py")
        assert codes(await pushed(client, uri)) == [(3, "QF001"), (11, "QF002"), (20, "QF004")]
        # The buffer, not the file on disk: the annotation typed but not saved counts.
        replace_text(
            client, uri, MODULE.replace("def reset(count: int):", "def reset(count: int) -> None:"), 2
        )
        assert codes(await pushed(client, uri)) == [(3, "QF001"), (20, "QF004")]


async def test_a_pulled_report_follows_each_change(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    async with session(root, PULLS) as client:
        uri = open_file(client, root / "chem" / "molecules.py")
        replace_text(client, uri, MODULE.replace("    except:\n", "    except ValueError:\n"), 2)
        assert codes(await pulled(client, uri)) == [(3, "QF001"), (11, "QF002")]


async def test_project_rules_come_from_the_import_graph_and_follow_a_save(tmp_path: Path) -> None:
    # chem/api.py imports chem.molecules, which imports pandas: QF101 at api.py's import,
    # until molecules.py is saved without its heavy import.
    api = '"""The API."""\n\nfrom chem import molecules\n\n__all__ = ["molecules"]\n'
    root = make_project(tmp_path, {"molecules.py": MODULE, "api.py": api})
    async with session(root, PUSHED) as client:
        api_uri = open_file(client, root / "chem" / "api.py")
        assert codes(await pushed(client, api_uri)) == [(3, "QF101")]
        molecules = root / "chem" / "molecules.py"
        uri = open_file(client, molecules)
        await pushed(client, uri)
        light = MODULE.replace("import pandas\n", "").replace(
            "    return float(", "    import pandas\n\n    return float("
        )
        replace_text(client, uri, light, 2)
        await pushed(client, uri)
        molecules.write_text(light, encoding="utf-8")
        client.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(uri)))
        assert codes(await pushed(client, api_uri)) == []
