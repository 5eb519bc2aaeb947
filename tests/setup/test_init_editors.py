"""``qemlflow-lint init`` adds the settings that start ``qemlflow-lint server`` for the editors
a repository shows it uses, and touches nothing else: every byte of the files it edits that
is not its own entry stays, and the files it does not own stay byte for byte. What it cannot
merge safely it leaves, printing the snippet."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from qemlflow_lint.cli import main
from qemlflow_lint.config.toml import parse_toml
from qemlflow_lint.setup import editors
from qemlflow_lint.setup.editors import (
    VSCODE_EXTENSION,
    VSCODE_SETTINGS,
    add_helix_server,
    add_vscode_recommendation,
    add_vscode_settings,
    jsonc_loads,
)
from tests.frontends import write_tree

ROOT = Path(__file__).resolve().parents[2]

SETTINGS_JSON = """\
{
    // the team's formatter
    "editor.formatOnSave": true,
    "python.analysis.typeCheckingMode": "strict",  /* kept as written */
    "files.exclude": {"**/.cache": true},
}
"""
EXTENSIONS_JSON = """\
{
  // what everyone should install
  "recommendations": [
    "ms-python.python",
    "charliermarsh.ruff"
  ]
}
"""
LAUNCH_JSON = '{"version": "0.2.0", "configurations": []}\n'
NVIM_LUA = "-- the project's Neovim settings\nvim.opt_local.shiftwidth = 4\n"
HELIX_TOML = """\
# the team's Helix settings
[language-server.pyright]
command = "pyright-langserver"
args = ["--stdio"]

[[language]]
name = "python"
auto-format = true
language-servers = [ "pyright", "ruff" ]  # the servers we use

[[language]]
name = "toml"
"""
DIR_LOCALS = "((python-mode . ((fill-column . 99))))\n"

PROJECT = {
    "pyproject.toml": '[project]\nname = "sample"\n',
    "pkg/__init__.py": '"""A package."""\n',
    ".vscode/settings.json": SETTINGS_JSON,
    ".vscode/extensions.json": EXTENSIONS_JSON,
    ".vscode/launch.json": LAUNCH_JSON,
    ".nvim.lua": NVIM_LUA,
    ".helix/languages.toml": HELIX_TOML,
    ".dir-locals.el": DIR_LOCALS,
}


def _only_inserted(before: str, after: str) -> bool:
    """True when ``after`` is ``before`` with characters added and none removed or changed."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return all(tag == "insert" for tag, *_ in matcher.get_opcodes() if tag != "equal")


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "sample"
    write_tree(root, PROJECT)
    return root


def _init(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    code = main(["init", str(root), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_init_adds_its_entry_to_each_editor_found_and_keeps_every_other_byte(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _init(capsys, project)
    assert code == 0, out
    settings = (project / ".vscode/settings.json").read_text()
    assert _only_inserted(SETTINGS_JSON, settings)
    assert jsonc_loads(settings) == {**jsonc_loads(SETTINGS_JSON), **VSCODE_SETTINGS}
    extensions = (project / ".vscode/extensions.json").read_text()
    assert _only_inserted(EXTENSIONS_JSON, extensions)
    assert jsonc_loads(extensions)["recommendations"] == [
        "ms-python.python",
        "charliermarsh.ruff",
        VSCODE_EXTENSION,
    ]
    assert (
        '    "charliermarsh.ruff",\n    "zsol.vscode-glspc"\n  ]' in extensions
    )  # the list's own indentation
    nvim = (project / ".nvim.lua").read_text()
    assert nvim.startswith(NVIM_LUA) and nvim.count("vim.lsp.start_client") == 1
    helix = (project / ".helix/languages.toml").read_text()
    assert _only_inserted(HELIX_TOML, helix)
    data = parse_toml(helix)
    assert data is not None
    assert data["language-server"]["qemlflow-lint"] == {
        "command": "qemlflow-lint", "args": ["server"], "config": {"unsafeFixes": False, "importCost": True},
    }  # fmt: skip
    assert data["language"][0]["language-servers"] == ["pyright", "ruff", "qemlflow-lint"]
    assert data["language"][1] == {"name": "toml"}
    # files init does not own stay byte for byte
    assert (project / ".vscode/launch.json").read_text() == LAUNCH_JSON
    assert (project / ".dir-locals.el").read_text() == DIR_LOCALS
    # Emacs: the snippet to add is printed instead
    assert ".dir-locals.el: unchanged — left: Emacs: eglot reads its servers from your init file" in out
    assert '. ("qemlflow-lint" "server"' in out


def test_a_second_run_changes_no_editor_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _init(capsys, project)
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    _, out, _ = _init(capsys, project)
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before
    assert ".vscode/settings.json: unchanged — the settings already start qemlflow-lint" in out
    assert ".nvim.lua: unchanged — it already mentions qemlflow-lint" in out


def test_dry_run_shows_the_editor_edits_and_no_editors_leaves_them(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, diff, err = _init(capsys, project, "--dry-run")
    assert "+++ b/.vscode/settings.json" in diff and "+++ b/.helix/languages.toml" in diff
    assert ".nvim.lua: would update" in err
    assert (project / ".nvim.lua").read_text() == NVIM_LUA
    _init(capsys, project, "--no-editors")
    assert {
        name: (project / name).read_text() for name in PROJECT if name.startswith((".v", ".n", ".h", ".d"))
    } == {name: text for name, text in PROJECT.items() if name.startswith((".v", ".n", ".h", ".d"))}


def test_a_repository_without_editor_files_gets_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n', "x.py": '"""X."""\n'})
    _init(capsys, tmp_path)
    assert not (tmp_path / ".vscode").exists() and not (tmp_path / ".nvim.lua").exists()


def test_a_vscode_folder_alone_gets_both_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n'})
    (tmp_path / ".vscode").mkdir()
    _init(capsys, tmp_path)
    assert json.loads((tmp_path / ".vscode/settings.json").read_text()) == VSCODE_SETTINGS
    assert json.loads((tmp_path / ".vscode/extensions.json").read_text()) == {
        "recommendations": [VSCODE_EXTENSION]
    }


def test_a_nvim_folder_without_nvim_lua_is_told_what_to_add(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n', ".nvim/init.lua": "-- ours\n"})
    _, out, err = _init(capsys, tmp_path)
    assert "Neovim: add the block of docs/editors.md" in out + err
    assert (tmp_path / ".nvim/init.lua").read_text() == "-- ours\n"
    assert not (tmp_path / ".nvim.lua").exists()


@pytest.mark.parametrize(
    "before",
    [
        pytest.param("{}\n", id="empty object"),
        pytest.param('{"a": 1}\n', id="one line"),
        pytest.param('{\n\t"a": [1, 2],\n\t"b": {"c": null}\n}\n', id="tabs"),
        pytest.param('{\n    "a": 1, // trailing comment\n}\n', id="comment and trailing comma"),
        pytest.param(
            '{\n    /* "glspc.server.command": "x" */\n    "a": "}"\n}', id="braces in comments and strings"
        ),
    ],
)
def test_vscode_settings_merge_only_adds(before: str) -> None:
    edit = add_vscode_settings(before)
    assert edit.text is not None and edit.done and not edit.left
    assert _only_inserted(before, edit.text)
    assert jsonc_loads(edit.text) == {**jsonc_loads(before), **VSCODE_SETTINGS}


@pytest.mark.parametrize(
    ("before", "why"),
    [
        pytest.param("{ not json", "it is not JSON", id="not JSON"),
        pytest.param("[1, 2]\n", "add these settings", id="not an object"),
        pytest.param('{"glspc.server.command": "other-server"}', "already starts another server", id="taken"),
    ],
)
def test_vscode_settings_that_cannot_be_merged_are_left_with_the_snippet(before: str, why: str) -> None:
    edit = add_vscode_settings(before)
    assert edit.text == before and not edit.done
    (note,) = edit.left
    assert why in note and '"glspc.server.command": "qemlflow-lint"' in note


def test_vscode_recommendations_added_where_the_key_is_missing_or_the_list_is_inline() -> None:
    inline = add_vscode_recommendation('{"recommendations": ["a.b"], "x": 1}\n')
    assert inline.text == '{"recommendations": ["a.b", "zsol.vscode-glspc"], "x": 1}\n'
    missing = add_vscode_recommendation('{\n    "unwantedRecommendations": []\n}\n')
    assert (
        missing.text
        == '{\n    "unwantedRecommendations": [],\n    "recommendations": ["zsol.vscode-glspc"]\n}\n'
    )


def test_helix_without_a_python_list_gets_the_server_and_a_note() -> None:
    edit = add_helix_server('[editor]\nline-number = "relative"\n')
    assert edit.text == '[editor]\nline-number = "relative"\n\n' + editors.HELIX_SERVER
    (note,) = edit.left
    assert 'add "qemlflow-lint" to the language-servers' in note


def test_helix_file_that_does_not_parse_is_left() -> None:
    edit = add_helix_server("[[language]\n")
    assert edit.text == "[[language]\n" and "it is not TOML" in edit.left[0]


def test_the_block_init_writes_for_neovim_is_the_documented_snippet() -> None:
    documented = (ROOT / "docs/editors/neovim.lua").read_text(encoding="utf-8")

    def body(text: str) -> list[str]:
        return [line for line in text.splitlines() if not line.startswith("--")]

    assert body(editors.NEOVIM_BLOCK) == [line for line in body(documented) if line]
    helix = parse_toml((ROOT / "docs/editors/helix.toml").read_text(encoding="utf-8"))
    assert helix is not None and parse_toml(editors.HELIX_SERVER) == {
        "language-server": helix["language-server"]
    }
