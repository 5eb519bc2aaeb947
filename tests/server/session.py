"""A real client session with ``qemlflow-lint server`` (pytest-lsp's client, the server in
a subprocess running this checkout), and a small project to open files in."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest

# pytest-lsp needs Python 3.10: on 3.9 every test module that imports this one is skipped.
pytest.importorskip("pytest_lsp", reason="pytest-lsp needs Python 3.10")

from lsprotocol import types as lsp
from pygls.uris import from_fs_path
from pytest_lsp import ClientServerConfig, client_capabilities
from pytest_lsp import LanguageClient as LanguageClient  # re-exported: importing this module skips on 3.9

from tests.frontends import REPO

#: The server as an editor starts it.
SERVER = [sys.executable, "-m", "qemlflow_lint", "server"]
#: A client that pulls diagnostics, and one (Neovim 0.7) that only takes them pushed.
PULLS, PUSHED = "visual-studio-code", "neovim@v0.7.0"

#: The project's configuration: QF001 to QF004 and the project rules.
PYPROJECT = '[project]\nname = "chem"\n\n[tool.qemlflow-lint]\nselect = ["QF001", "QF002", "QF003", "QF004", "QF101", "QF102"]\n'

#: A module with a finding of each fixable rule: QF001 (a heavy import used in one
#: function), QF002 (a def with no return annotation) and QF004 (a bare except).
MODULE = '''\
"""Molecules."""

import pandas


def mean(values: list[float]) -> float:
    """The mean."""
    return float(pandas.Series(values).mean())


def reset(count: int):
    """Nothing to return."""
    count = 0


def parse(text: str) -> int:
    """A number."""
    try:
        return int(text)
    except:
        return 0
'''


def uri_of(path: Path) -> str:
    """The ``file:`` URI of ``path``."""
    uri = from_fs_path(str(path))
    assert isinstance(uri, str)
    return uri


def make_project(root: Path, files: dict[str, str] | None = None) -> Path:
    """A project with :data:`PYPROJECT` and a package ``chem`` holding ``files``."""
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    package = root / "chem"
    package.mkdir()
    (package / "__init__.py").write_text('"""Chemistry."""\n', encoding="utf-8")
    for name, text in (files or {"molecules.py": MODULE}).items():
        (package / name).write_text(text, encoding="utf-8")
    return root


@contextlib.asynccontextmanager
async def session(
    root: Path,
    capabilities: str = PULLS,
    options: dict[str, Any] | None = None,
    command: Sequence[str] = SERVER,
) -> AsyncIterator[LanguageClient]:
    """A client connected to a server started in ``root``, initialised and shut down."""
    # The rule pages a diagnostic links to are written under the test's own cache folder.
    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(root / ".user-cache")}
    config = ClientServerConfig(server_command=list(command), server_env=env)
    client = await config.start()
    assert isinstance(client, LanguageClient)
    await client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities(capabilities),
            root_uri=uri_of(root),
            workspace_folders=[lsp.WorkspaceFolder(uri=uri_of(root), name=root.name)],
            initialization_options=options,
        )
    )
    try:
        yield client
    finally:
        await client.shutdown_session()
        await client.stop()  # type: ignore[no-untyped-call]


def open_file(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> str:
    """Open ``path`` in the client (its text on disk, or ``text``); returns its URI."""
    uri = uri_of(path)
    body = path.read_text(encoding="utf-8") if text is None else text
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(uri=uri, language_id="python", version=version, text=body)
        )
    )
    return uri


def replace_text(client: LanguageClient, uri: str, text: str, version: int) -> None:
    """Send the document's whole new text (a change with no range)."""
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def pulled(client: LanguageClient, uri: str) -> list[lsp.Diagnostic]:
    """The diagnostics the client pulls for ``uri``."""
    report = await client.text_document_diagnostic_async(
        lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri))
    )
    assert isinstance(report, lsp.RelatedFullDocumentDiagnosticReport)
    return list(report.items)


async def pushed(client: LanguageClient, uri: str, timeout: float = 30.0) -> list[lsp.Diagnostic]:
    """The diagnostics the server pushes next for ``uri``."""

    async def wait() -> list[lsp.Diagnostic]:
        while True:
            await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if uri in client.diagnostics:
                return list(client.diagnostics.pop(uri))

    return await asyncio.wait_for(wait(), timeout)


def codes(diagnostics: Sequence[lsp.Diagnostic]) -> list[tuple[int, str]]:
    """``(1-based line, code)`` of each diagnostic, in order."""
    return sorted((item.range.start.line + 1, str(item.code)) for item in diagnostics)


def apply_edit(text: str, edit: lsp.WorkspaceEdit, uri: str) -> str:
    """``text`` with a code action's edit applied, as an editor applies it (the edits of
    one document, from the last position back)."""
    if edit.document_changes:
        changes = [
            change.edits
            for change in edit.document_changes
            if isinstance(change, lsp.TextDocumentEdit) and change.text_document.uri == uri
        ]
        edits = [item for group in changes for item in group]
    else:
        edits = list((edit.changes or {}).get(uri, []))
    lines = text.splitlines(keepends=True) or [""]
    if text.endswith(("\n", "\r")):
        lines.append("")

    def offset(position: lsp.Position) -> int:
        line = lines[position.line] if position.line < len(lines) else ""
        before = sum(len(item) for item in lines[: position.line])
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return before + index
            units += 2 if ord(char) > 0xFFFF else 1
        return before + len(line.rstrip("\r\n"))

    for item in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        assert isinstance(item, lsp.TextEdit)
        text = text[: offset(item.range.start)] + item.new_text + text[offset(item.range.end) :]
    return text
