"""Code actions as an editor applies them: each kind's edit applied to the file's text,
and the text that results."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types as lsp

from tests.server.session import (
    MODULE,
    PULLS,
    PUSHED,
    LanguageClient,
    apply_edit,
    codes,
    make_project,
    open_file,
    pulled,
    session,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]

#: The lines of :data:`MODULE` with a finding (0-based), by code.
LINES = {"QF001": 2, "QF002": 10, "QF004": 19}


async def actions_on(
    client: LanguageClient, uri: str, line: int, only: list[str] | None = None
) -> dict[str, lsp.CodeAction]:
    """The code actions offered on ``line`` (0-based), by title."""
    found = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri),
            range=lsp.Range(lsp.Position(line, 0), lsp.Position(line, 0)),
            context=lsp.CodeActionContext(diagnostics=[], only=only),
        )
    )
    result = {}
    for action in found or []:
        assert isinstance(action, lsp.CodeAction)
        result[action.title] = action
    return result


def applied(action: lsp.CodeAction, uri: str, text: str = MODULE) -> str:
    assert action.edit is not None
    return apply_edit(text, action.edit, uri)


async def test_the_quick_fix_of_a_missing_return_annotation_writes_none(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    async with session(root, PULLS) as client:
        uri = open_file(client, root / "chem" / "molecules.py")
        offered = await actions_on(client, uri, LINES["QF002"])
        action = offered["Fix QF002: added -> None"]
        assert action.kind == lsp.CodeActionKind.QuickFix and action.is_preferred
        assert [str(d.code) for d in action.diagnostics or []] == ["QF002"]
        fixed = applied(action, uri)
        assert fixed == MODULE.replace("def reset(count: int):", "def reset(count: int) -> None:")
        # The edit touches the one line: the rest of the buffer keeps its bytes.
        assert action.edit is not None and action.edit.document_changes is not None


async def test_the_quick_fix_of_a_heavy_import_moves_it_into_its_function(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    async with session(root, PUSHED) as client:
        uri = open_file(client, root / "chem" / "molecules.py")
        offered = await actions_on(client, uri, LINES["QF001"])
        fixed = applied(offered["Fix QF001: moved into 1 function"], uri)
    assert "\nimport pandas\n" not in fixed
    assert '    """The mean."""\n    import pandas\n\n    return float(pandas.Series(values).mean())' in fixed


async def test_an_unsafe_fix_is_offered_only_when_the_setting_allows_and_says_so(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    async with session(root, PULLS) as client:
        uri = open_file(client, root / "chem" / "molecules.py")
        assert not [
            title for title in await actions_on(client, uri, LINES["QF004"]) if title.startswith("Fix QF004")
        ]
        client.workspace_did_change_configuration(
            lsp.DidChangeConfigurationParams(settings={"qemlflow-lint": {"unsafeFixes": True}})
        )
        offered = await actions_on(client, uri, LINES["QF004"])
    action = offered["Fix QF004: now catches Exception (unsafe)"]
    assert not action.is_preferred
    assert applied(action, uri) == MODULE.replace("    except:\n", "    except Exception:\n")


async def test_unsafe_fixes_can_be_asked_for_when_the_server_starts(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    async with session(root, PULLS, options={"unsafeFixes": True}) as client:
        uri = open_file(client, root / "chem" / "molecules.py")
        assert "Fix QF004: now catches Exception (unsafe)" in await actions_on(client, uri, LINES["QF004"])


async def test_noqa_is_added_to_the_line_or_to_its_comment(tmp_path: Path) -> None:
    commented = MODULE.replace("    except:\n", "    except:  # noqa: E722\n")
    root = make_project(tmp_path, {"molecules.py": MODULE, "commented.py": commented})
    async with session(root, PULLS) as client:
        uri = open_file(client, root / "chem" / "molecules.py")
        action = (await actions_on(client, uri, LINES["QF002"]))["Add `# noqa: QF002` on this line"]
        assert applied(action, uri) == MODULE.replace(
            "def reset(count: int):\n", "def reset(count: int):  # noqa: QF002\n"
        )
        # QF004 is suppressed by E722 (its pycodestyle alias) already; QF001 is not.
        other = open_file(client, root / "chem" / "commented.py")
        assert codes(await pulled(client, other)) == [(3, "QF001"), (11, "QF002")]
        noqa_all = MODULE.replace("import pandas\n", "import pandas  # noqa: E401\n")
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(uri=other, version=2),
                [lsp.TextDocumentContentChangeWholeDocument(text=noqa_all)],
            )
        )
        action = (await actions_on(client, other, LINES["QF001"]))["Add `# noqa: QF001` on this line"]
        assert applied(action, other, noqa_all) == MODULE.replace(
            "import pandas\n", "import pandas  # noqa: E401, QF001\n"
        )


async def test_fix_all_applies_every_safe_fix_of_the_file(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    async with session(root, PULLS) as client:
        uri = open_file(client, root / "chem" / "molecules.py")
        offered = await actions_on(client, uri, 0, only=["source.fixAll"])
        assert list(offered) == ["Fix all safe qemlflow-lint fixes (2 findings)"]
        action = offered["Fix all safe qemlflow-lint fixes (2 findings)"]
        assert action.kind == "source.fixAll.qemlflow-lint"
        fixed = applied(action, uri)
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
                [lsp.TextDocumentContentChangeWholeDocument(text=fixed)],
            )
        )
        # Only the unsafe QF004 is left, and the file still has its bare except.
        assert [code for _, code in codes(await pulled(client, uri))] == ["QF004"]
    assert "def reset(count: int) -> None:" in fixed and "    except:\n" in fixed
