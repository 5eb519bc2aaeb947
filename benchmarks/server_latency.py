"""How long an editor waits for ``qemlflow-lint server``: diagnostics after a change to a
1,000-line file (pulled, and pushed), and a code action on one of its lines.

The server runs from this checkout in a subprocess, driven over stdio by pygls's own client,
as an editor drives it. Each figure is the median of ``--repeat`` timings (with the fastest
and slowest), after one warm-up. Needs the ``server`` extra (pygls). Prints a Markdown table::

    python benchmarks/server_latency.py            # 21 timings of each
    python benchmarks/server_latency.py --repeat 5
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

REPO = Path(__file__).resolve().parent.parent
#: How long the server waits after a change that follows another closely (its debounce).
QUIET = 0.25

#: A target: (what is timed, the most it may take, in milliseconds).
TARGETS = {"diagnostics": 100.0, "code action": 200.0}


def thousand_lines() -> str:
    """A 1,000-line module with findings along it: a heavy import, and defs that return
    nothing without their ``-> None`` (QF002) next to annotated ones."""
    lines = ['"""A long module."""', "", "import pandas", ""]
    number = 0
    while len(lines) < 990:
        annotated = number % 2 == 0
        lines += [
            "",
            "",
            f"def step_{number}(value: float){' -> float' if annotated else ''}:",
            f'    """Step {number}."""',
            "    total = value",
            "    for _ in range(3):",
            "        total = total * 2 + 1",
            "    if total > 100:",
            "        total = total / 2",
            "    return total" if annotated else "    del total",
        ]
        number += 1
    lines += ["", "", "def frame() -> object:", '    """A frame."""', "    return pandas.DataFrame()"]
    return "\n".join(lines[:1000]) + "\n"


class Timed(LanguageClient):
    """A client that records when each push of diagnostics arrives, by document version."""

    def __init__(self) -> None:
        super().__init__("latency-benchmark", "1")
        self.pushed: dict[int, float] = {}
        self.arrived = asyncio.Event()

        @self.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: lsp.PublishDiagnosticsParams) -> None:
            if params.version is not None:
                self.pushed[params.version] = time.perf_counter()
                self.arrived.set()


async def _client(root: Path, pulls: bool) -> Timed:
    client = Timed()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    await client.start_io(sys.executable, "-m", "qemlflow_lint", "server", env=env)
    document = lsp.TextDocumentClientCapabilities(
        diagnostic=lsp.DiagnosticClientCapabilities() if pulls else None,
        publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(version_support=True),
    )
    await client.initialize_async(
        lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(text_document=document), root_uri=from_fs_path(str(root))
        )
    )
    client.initialized(lsp.InitializedParams())
    return client


def _change(client: Timed, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def _edited(text: str, version: int) -> str:
    # A different text each time (the server keeps the last analysis of an unchanged one).
    return text.replace('"""A long module."""', f'"""A long module, edit {version}."""')


async def _diagnostic_timings(root: Path, uri: str, text: str, repeat: int, *, pulls: bool) -> list[float]:
    """From each change to its diagnostics: asked for (``pulls``) or pushed by the server."""
    client = await _client(root, pulls=pulls)
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "python", 1, text)))
    timings = []
    for version in range(2, repeat + 3):
        await asyncio.sleep(QUIET)
        start = time.perf_counter()
        _change(client, uri, version, _edited(text, version))
        if pulls:
            await client.text_document_diagnostic_async(
                lsp.DocumentDiagnosticParams(lsp.TextDocumentIdentifier(uri))
            )
            timings.append((time.perf_counter() - start) * 1000)
            continue
        while version not in client.pushed:
            client.arrived.clear()
            await asyncio.wait_for(client.arrived.wait(), 30)
        timings.append((client.pushed[version] - start) * 1000)
    await _stop(client)
    return timings[1:]


async def _quick_fixes(
    client: Timed, uri: str, line: int, column: int
) -> list[lsp.Command | lsp.CodeAction] | None:
    return await client.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(uri),
            lsp.Range(lsp.Position(line, column), lsp.Position(line, column)),
            lsp.CodeActionContext(diagnostics=[], only=[lsp.CodeActionKind.QuickFix]),
        )
    )


async def _action_timings(root: Path, uri: str, text: str, repeat: int) -> tuple[list[float], list[float]]:
    client = await _client(root, pulls=True)
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "python", 1, text)))
    line = next(number for number, body in enumerate(text.splitlines()) if body.endswith("(value: float):"))
    timings: list[float] = []
    again: list[float] = []
    for version in range(2, repeat + 3):
        # Each request after a change: the server has not seen this text's fixes yet.
        _change(client, uri, version, _edited(text, version))
        await client.text_document_diagnostic_async(
            lsp.DocumentDiagnosticParams(lsp.TextDocumentIdentifier(uri))
        )
        start = time.perf_counter()
        found = await _quick_fixes(client, uri, line, 0)
        timings.append((time.perf_counter() - start) * 1000)
        assert found and any(action.title.startswith("Fix QF002") for action in found), found
        # The cursor moves on the same text: the server answers from what it computed.
        start = time.perf_counter()
        await _quick_fixes(client, uri, line, 4)
        again.append((time.perf_counter() - start) * 1000)
    await _stop(client)
    return timings[1:], again[1:]


async def _stop(client: Timed) -> None:
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


def _row(name: str, timings: list[float], target: float) -> str:
    median = statistics.median(timings)
    verdict = "PASS" if median <= target else "FAIL"
    return f"| {name} | {median:.0f} ms | {min(timings):.0f}–{max(timings):.0f} ms | ≤ {target:.0f} ms: {verdict} |"


async def measure(repeat: int) -> str:
    """The Markdown table of the three latencies."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "pyproject.toml").write_text("[tool.qemlflow-lint]\n", encoding="utf-8")
        path = root / "long_module.py"
        text = thousand_lines()
        path.write_text(text, encoding="utf-8")
        uri = from_fs_path(str(path))
        assert uri is not None
        pulled = await _diagnostic_timings(root, uri, text, repeat, pulls=True)
        pushed = await _diagnostic_timings(root, uri, text, repeat, pulls=False)
        actions, again = await _action_timings(root, uri, text, repeat)
    return "\n".join(
        [
            f"1,000-line module; median of {repeat} timings after a warm-up (range: fastest–slowest)",
            "",
            "| what the editor waits for | median | range | target |",
            "|---|---|---|---|",
            _row(
                "diagnostics pulled after a change (`textDocument/diagnostic`)",
                pulled,
                TARGETS["diagnostics"],
            ),
            _row("diagnostics pushed after a change (`publishDiagnostics`)", pushed, TARGETS["diagnostics"]),
            _row(
                "quick fixes on a line, first asked after a change (`textDocument/codeAction`)",
                actions,
                TARGETS["code action"],
            ),
            _row("the same asked again (the cursor moved on the line)", again, TARGETS["code action"]),
        ]
    )


def main() -> int:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21, help="timings of each latency (default 21)")
    args = parser.parse_args()
    print(asyncio.run(measure(max(1, args.repeat))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
