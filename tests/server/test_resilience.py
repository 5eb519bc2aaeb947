"""Whatever the editor sends, the server keeps serving: the inputs the command line
survives, a handler that fails, and a storm of edits."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from lsprotocol import types as lsp

from tests.server.session import (
    MODULE,
    PULLS,
    PUSHED,
    LanguageClient,
    codes,
    make_project,
    open_file,
    pulled,
    pushed,
    replace_text,
    session,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]

#: The server with ``fix`` and the analysis broken for files named ``crash.py``.
BROKEN_SERVER = [
    sys.executable,
    "-c",
    """\
import sys
from qemlflow_lint.fix import apply
from qemlflow_lint.server import actions, linting
from qemlflow_lint.server.lsp import serve_stdio

def broken_fix(text, path, *args, **kwargs):
    if path.endswith("crash.py"):
        raise RuntimeError("the fix broke")
    return apply.fix_text(text, path, *args, **kwargs)

lint = linting.ProjectState.lint
def broken_lint(self, path, text):
    if path.endswith("crash.py") and "break" in text:
        raise RuntimeError("the analysis broke")
    return lint(self, path, text)

actions.fix_text = broken_fix
linting.ProjectState.lint = broken_lint
sys.exit(serve_stdio())
""",
]

#: Texts a file may hold that the command line reports as QF000 (or analyses) without a crash.
HOSTILE = {
    "syntax error": "def broken(:\n    pass\n",
    "NUL byte": 'x = 1\x00\ny = "a"\n',
    "huge line": "x = [" + "1, " * 200_000 + "]\n",
    "lone surrogate": 'text = "\udcff"\n',
    "deep nesting": "x = " + "(" * 500 + ")" * 500 + "\n",
    "empty": "",
    "form feeds and odd breaks": '"""Doc."""\r\nimport os\x0c\rx = 1\u2028\n',
    "astral characters": '"""😀."""\n\n\ndef f(x): return "😀"\n',
}


async def test_inputs_the_command_line_survives_leave_the_server_serving(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    async with session(root, PULLS) as client:
        for number, (name, text) in enumerate(HOSTILE.items()):
            uri = open_file(client, root / "chem" / f"hostile_{number}.py", text=text)
            diagnostics = await pulled(client, uri)
            for diagnostic in diagnostics:
                assert diagnostic.range.start.line <= max(text.count("\n"), 0) + 1, name
            await client.text_document_code_action_async(
                lsp.CodeActionParams(
                    lsp.TextDocumentIdentifier(uri),
                    lsp.Range(lsp.Position(0, 0), lsp.Position(1, 0)),
                    lsp.CodeActionContext(diagnostics=[]),
                )
            )
            await client.text_document_hover_async(
                lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(0, 0))
            )
        uri = open_file(client, root / "chem" / "molecules.py")
        assert codes(await pulled(client, uri)) == [(3, "QF001"), (11, "QF002"), (20, "QF004")]
    syntax = [d for d in diagnostics if d.code == "QF000"]
    assert not syntax  # the last hostile text parses


async def test_a_syntax_error_is_one_qf000_diagnostic_where_the_parser_stops(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    async with session(root, PULLS) as client:
        uri = open_file(client, root / "chem" / "broken.py", text=HOSTILE["syntax error"])
        diagnostics = await pulled(client, uri)
    assert codes(diagnostics) == [(1, "QF000")]
    assert diagnostics[0].severity == lsp.DiagnosticSeverity.Error


async def test_a_request_that_fails_answers_with_an_error_and_the_server_goes_on(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"molecules.py": MODULE, "crash.py": MODULE})
    async with session(root, PUSHED, command=BROKEN_SERVER) as client:
        crash = open_file(client, root / "chem" / "crash.py")
        assert codes(await pushed(client, crash)) == [(3, "QF001"), (11, "QF002"), (20, "QF004")]
        with pytest.raises(Exception, match="the fix broke"):
            await client.text_document_code_action_async(
                lsp.CodeActionParams(
                    lsp.TextDocumentIdentifier(crash),
                    lsp.Range(lsp.Position(10, 0), lsp.Position(10, 0)),
                    lsp.CodeActionContext(diagnostics=[]),
                )
            )
        # A failing analysis (a notification: nobody to answer) is logged, and shows nothing.
        await asyncio.sleep(0.3)
        replace_text(client, crash, MODULE + "# break\n", 2)
        assert await pushed(client, crash) == []
        assert any("the analysis broke" in message.message for message in client.log_messages)
        # The server still serves: another file's diagnostics and code actions.
        uri = open_file(client, root / "chem" / "molecules.py")
        assert codes(await pushed(client, uri)) == [(3, "QF001"), (11, "QF002"), (20, "QF004")]
        offered = await client.text_document_code_action_async(
            lsp.CodeActionParams(
                lsp.TextDocumentIdentifier(uri),
                lsp.Range(lsp.Position(10, 0), lsp.Position(10, 0)),
                lsp.CodeActionContext(diagnostics=[]),
            )
        )
    assert offered is not None and "Fix QF002: added -> None" in [a.title for a in offered]


def _rss_kib(pid: int) -> int:
    """The resident memory of process ``pid``, in KiB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


async def _storm(client: LanguageClient, uri: str, first: int, count: int) -> None:
    """``count`` edits of line 11, each adding or removing ``-> None``, as fast as they go."""
    start, end = (
        lsp.Position(10, len("def reset(count: int)")),
        lsp.Position(10, len("def reset(count: int)")),
    )
    for version in range(first, first + count):
        annotated = version % 2 == 0
        # Even versions add the annotation after the closing parenthesis, odd ones remove it.
        change = lsp.TextDocumentContentChangePartial(
            range=lsp.Range(start, end)
            if annotated
            else lsp.Range(start, lsp.Position(10, end.character + 8)),
            text=" -> None" if annotated else "",
        )
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(uri=uri, version=version), [change]
            )
        )
        if version % 500 == 0:
            await asyncio.sleep(0)  # let the messages out


async def _last_push(client: LanguageClient, uri: str) -> list[lsp.Diagnostic]:
    """The last diagnostics pushed for ``uri`` before the server falls quiet for a second
    (polled: a cancelled wait for a notification would break the client)."""
    last: list[lsp.Diagnostic] | None = None
    for _ in range(120):
        await asyncio.sleep(1.0)
        got = client.diagnostics.pop(uri, None)
        if got is None and last is not None:
            return last
        if got is not None:
            last = list(got)
    raise AssertionError("the server never fell quiet")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the server's memory from /proc")
async def test_ten_thousand_rapid_edits_leave_the_diagnostics_of_the_last_text_and_no_memory_behind(
    tmp_path: Path,
) -> None:
    root = make_project(tmp_path)
    async with session(root, PUSHED) as client:
        uri = open_file(client, root / "chem" / "molecules.py")
        assert codes(await pushed(client, uri)) == [(3, "QF001"), (11, "QF002"), (20, "QF004")]
        server = client._server
        assert server is not None
        await _storm(client, uri, 2, 2_000)
        warm = codes(await _last_push(client, uri))
        before = _rss_kib(server.pid)
        # 8,001 more: 10,001 in all, the last one (an even version) adds the annotation.
        await _storm(client, uri, 2_002, 8_001)
        final = await _last_push(client, uri)
        after = _rss_kib(server.pid)
    assert warm == [(3, "QF001"), (11, "QF002"), (20, "QF004")]  # version 2,001 removed it
    assert codes(final) == [(3, "QF001"), (20, "QF004")]
    # Flat: the same document analysed thousands of times holds nothing more (a leak of
    # one text per edit would be some 4 MB here; allocator noise is far less).
    assert after - before < 3_000, f"{before} KiB before, {after} KiB after"
