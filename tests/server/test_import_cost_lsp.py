"""What each heavy import costs, through a real client: the inlay hint and the code lens on
the import, "heavy (not measured)" until a measurement is kept, the kept figures after, the
``importCost`` setting, and the command that measures in a child process."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from lsprotocol import types as lsp

from qemlflow_lint.measure.figures import Blamed, ImportFigures
from qemlflow_lint.measure.importtime import Spread
from qemlflow_lint.measure.last_measured import LastMeasured
from qemlflow_lint.run.cache import CACHE_DIRNAME
from qemlflow_lint.server.import_cost import MEASURE_COMMAND
from tests.server.session import PULLS, PUSHED, LanguageClient, make_project, open_file, session

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]

#: The line of ``import pandas`` in the session's module (0-based).
IMPORT_LINE = 2
WHOLE = lsp.Range(lsp.Position(0, 0), lsp.Position(100, 0))


async def hints(client: LanguageClient, uri: str) -> list[tuple[int, str]]:
    found = await client.text_document_inlay_hint_async(
        lsp.InlayHintParams(text_document=lsp.TextDocumentIdentifier(uri), range=WHOLE)
    )
    return [(hint.position.line, str(hint.label)) for hint in found or []]


async def lenses(client: LanguageClient, uri: str) -> list[tuple[int, str, str]]:
    found = await client.text_document_code_lens_async(
        lsp.CodeLensParams(text_document=lsp.TextDocumentIdentifier(uri))
    )
    return [
        (lens.range.start.line, lens.command.title, lens.command.command)
        for lens in found or []
        if lens.command
    ]


def keep(root: Path) -> None:
    """A measurement kept as ``importtime chem`` keeps it."""
    store = LastMeasured(str(root / CACHE_DIRNAME))
    try:
        store.keep(
            ImportFigures(
                "chem", 400_000.0, Spread(1, 2, 3, 4), 5, 520, ("pandas",),
                saving_us=(("pandas", 251_000.0),),
                blamed=(Blamed("pandas", 480, ("numpy",), "chem.molecules"),),
            )
        )  # fmt: skip
    finally:
        store.close()


@pytest.mark.parametrize("capabilities", [PULLS, PUSHED])
async def test_the_hint_reads_not_measured_then_the_kept_figures(tmp_path: Path, capabilities: str) -> None:
    root = make_project(tmp_path)
    async with session(root, capabilities) as client:
        uri = open_file(client, root / "chem" / "molecules.py")
        assert await hints(client, uri) == [(IMPORT_LINE, "pandas: heavy (not measured)")]
        keep(root)
        expected = "pandas: 251 ms · 480 modules (numpy)"
        assert await hints(client, uri) == [(IMPORT_LINE, expected)]
        assert await lenses(client, uri) == [(IMPORT_LINE, expected, MEASURE_COMMAND)]


async def test_the_import_cost_setting_turns_hints_and_lenses_off(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    async with session(root, PULLS, options={"importCost": False}) as client:
        uri = open_file(client, root / "chem" / "molecules.py")
        assert await hints(client, uri) == [] and await lenses(client, uri) == []
        client.workspace_did_change_configuration(
            lsp.DidChangeConfigurationParams(settings={"importCost": True})
        )
        assert await hints(client, uri) == [(IMPORT_LINE, "pandas: heavy (not measured)")]


SLOW_PROJECT = {
    "pyproject.toml": '[project]\nname = "lab"\n\n[tool.qemlflow-lint]\nheavy-modules = ["slowdep"]\n',
    "lab/__init__.py": '"""The lab."""\n',
    "lab/core.py": '"""The core."""\n\nimport slowdep\n\n\ndef run() -> float:\n    """Run."""\n    return slowdep.VALUE\n',
    "slowdep.py": '"""Slow to import."""\n\nimport time\n\ntime.sleep(0.05)\nVALUE = 1.0\n',
}


async def test_the_measure_command_measures_in_a_child_process_and_the_hint_shows_it(tmp_path: Path) -> None:
    for name, text in SLOW_PROJECT.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    async with session(tmp_path, PULLS) as client:
        uri = open_file(client, tmp_path / "lab" / "core.py")
        assert await hints(client, uri) == [(2, "slowdep: heavy (not measured)")]
        result = await asyncio.wait_for(
            client.workspace_execute_command_async(
                lsp.ExecuteCommandParams(command=MEASURE_COMMAND, arguments=[uri])
            ),
            timeout=300,
        )
        assert result is not None and "lab" in result["measured"], result
        ((line, label),) = await hints(client, uri)
        match = re.fullmatch(r"slowdep: (\d+) ms · (\d+) modules?", label)
        assert line == 2 and match is not None, label
        assert int(match.group(1)) >= 45  # it sleeps 50 ms at import
