"""Hover shows the rule's documentation; the configuration is read again when it changes,
and an error in it is one diagnostic on the configuration file."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types as lsp

from tests.server.session import (
    PULLS,
    PUSHED,
    codes,
    make_project,
    open_file,
    pulled,
    pushed,
    session,
    uri_of,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]


async def test_a_hover_on_a_finding_shows_what_the_rule_does_why_and_what_to_use_instead(
    tmp_path: Path,
) -> None:
    root = make_project(tmp_path)
    async with session(root, PULLS) as client:
        uri = open_file(client, root / "chem" / "molecules.py")
        found = await client.text_document_hover_async(
            lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(19, 6))
        )
        elsewhere = await client.text_document_hover_async(
            lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(0, 2))
        )
    assert found is not None and elsewhere is None
    assert isinstance(found.contents, lsp.MarkupContent) and found.contents.kind == lsp.MarkupKind.Markdown
    text = found.contents.value
    assert text.startswith("**QF004** `bare-except`")
    assert "### What it does\nReports every ``except:`` clause" in text
    assert "### Why is this bad?\nA bare ``except:`` also catches ``KeyboardInterrupt``" in text
    assert "### Use instead\n```python\ntry:" in text and "except ValueError:" in text
    assert "### Example" not in text
    assert found.range == lsp.Range(lsp.Position(19, 4), lsp.Position(19, 11))


async def test_a_changed_configuration_is_read_again_when_saved_or_watched(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    pyproject = root / "pyproject.toml"
    async with session(root, PUSHED) as client:
        uri = open_file(client, root / "chem" / "molecules.py")
        assert codes(await pushed(client, uri)) == [(3, "QF001"), (11, "QF002"), (20, "QF004")]
        pyproject.write_text(pyproject.read_text().replace('"QF002", ', ""), encoding="utf-8")
        client.workspace_did_change_watched_files(
            lsp.DidChangeWatchedFilesParams([lsp.FileEvent(uri_of(pyproject), lsp.FileChangeType.Changed)])
        )
        assert codes(await pushed(client, uri)) == [(3, "QF001"), (20, "QF004")]
        pyproject.write_text(pyproject.read_text().replace('"QF004", ', ""), encoding="utf-8")
        client.text_document_did_save(
            lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(uri_of(pyproject)))
        )
        assert codes(await pushed(client, uri)) == [(3, "QF001")]


async def test_a_configuration_error_is_one_diagnostic_on_the_configuration_file(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    pyproject = root / "pyproject.toml"
    good = pyproject.read_text()
    pyproject.write_text(good + 'max-module-lines = "many"\n', encoding="utf-8")
    async with session(root, PULLS) as client:
        uri = open_file(client, root / "chem" / "molecules.py")
        assert await pulled(client, uri) == []
        problem = client.diagnostics[uri_of(pyproject)]
        assert len(problem) == 1
        assert (
            problem[0].message
            == "[tool.qemlflow-lint]: 'max-module-lines' must be a positive integer, got a string 'many'"
        )
        assert problem[0].range.start.line == 5
        assert problem[0].severity == lsp.DiagnosticSeverity.Error
        # Broken TOML: the diagnostic stands on the line the parser names.
        pyproject.write_text(good + "fail-under = 1 2\n", encoding="utf-8")
        client.workspace_did_change_watched_files(
            lsp.DidChangeWatchedFilesParams([lsp.FileEvent(uri_of(pyproject), lsp.FileChangeType.Changed)])
        )
        assert await pulled(client, uri) == []
        problem = client.diagnostics[uri_of(pyproject)]
        assert len(problem) == 1 and problem[0].message.startswith("invalid TOML")
        assert problem[0].range.start == lsp.Position(5, 15)
        # Repaired: the file's diagnostic is cleared and the findings come back.
        pyproject.write_text(good, encoding="utf-8")
        client.workspace_did_change_watched_files(
            lsp.DidChangeWatchedFilesParams([lsp.FileEvent(uri_of(pyproject), lsp.FileChangeType.Changed)])
        )
        assert codes(await pulled(client, uri)) == [(3, "QF001"), (11, "QF002"), (20, "QF004")]
        assert list(client.diagnostics[uri_of(pyproject)]) == []
