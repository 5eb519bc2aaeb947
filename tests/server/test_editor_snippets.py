"""The editor set-up snippets of docs/editors.md, each a file in docs/editors/: every one is
included in the page, parses in its own format, starts `qemlflow-lint server` and sends the
server's settings, with the keys its editor documents. The Lua ones are loaded by a real
Neovim (the plain one is also run end to end, in tests/server/test_neovim.py)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from qemlflow_lint.config import toml
from tests.tools import needs_program

ROOT = Path(__file__).resolve().parents[2]
SNIPPETS = ROOT / "docs" / "editors"
PAGE = ROOT / "docs" / "editors.md"
#: What every snippet starts, and the settings it sends (the server's initializationOptions).
COMMAND = ["qemlflow-lint", "server"]
SETTINGS = {"unsafeFixes": False, "importCost": True}


def _json(name: str) -> Any:
    return json.loads((SNIPPETS / name).read_text(encoding="utf-8"))


def test_every_snippet_file_is_shown_on_the_page_and_every_included_file_exists() -> None:
    page = PAGE.read_text(encoding="utf-8")
    included = set(re.findall(r'^--8<-- "docs/editors/([^"]+)"$', page, re.MULTILINE))
    files = {str(path.relative_to(SNIPPETS)) for path in SNIPPETS.rglob("*") if path.is_file()}
    assert included == files


def test_helix_languages_toml_declares_the_server_and_adds_it_to_python() -> None:
    data = toml.loads((SNIPPETS / "helix.toml").read_text(encoding="utf-8"))
    assert set(data) <= {"language-server", "language", "use-grammars"}
    server = data["language-server"]["qemlflow-lint"]
    # The keys Helix documents for a [language-server.NAME] table.
    assert set(server) <= {"command", "args", "config", "environment", "timeout", "required-root-patterns"}
    assert [server["command"], *server["args"]] == COMMAND
    assert server["config"] == SETTINGS
    (python,) = data["language"]
    assert python["name"] == "python"
    assert "qemlflow-lint" in python["language-servers"]


def test_sublime_lsp_client_has_the_documented_keys() -> None:
    client = _json("sublime-LSP.sublime-settings")["clients"]["qemlflow-lint"]
    assert set(client) <= {
        "enabled", "command", "selector", "initializationOptions", "settings", "env", "priority_selector",
        "schemes", "disabled_capabilities", "experimental_capabilities", "tcp_port", "working_directory",
    }  # fmt: skip
    assert client["enabled"] is True
    assert client["command"] == COMMAND
    assert client["selector"] == "source.python"
    assert client["initializationOptions"] == SETTINGS


def test_vscode_generic_client_settings_and_recommendation() -> None:
    settings = _json("vscode-settings.json")
    assert all(key.startswith("glspc.server.") for key in settings)
    assert [settings["glspc.server.command"], *settings["glspc.server.commandArguments"]] == COMMAND
    assert settings["glspc.server.languageId"] == ["python"]
    assert settings["glspc.server.initializationOptions"] == SETTINGS
    assert _json("vscode-extensions.json") == {"recommendations": ["zsol.vscode-glspc"]}


def test_lsp4ij_template_maps_python_files_to_the_server() -> None:
    template = _json("lsp4ij/template.json")
    assert set(template) <= {"id", "name", "programArgs", "fileTypeMappings", "languageMappings"}
    assert template["programArgs"]["default"].split() == COMMAND
    (mapping,) = template["fileTypeMappings"]
    assert mapping["languageId"] == "python"
    assert "*.py" in mapping["fileType"]["patterns"]
    assert _json("lsp4ij/initializationOptions.json") == SETTINGS


def _elisp_forms_balance(text: str) -> bool:
    """True when the parentheses balance outside strings, comments and character literals."""
    depth, index, in_string = 0, 0, False
    while index < len(text):
        char = text[index]
        if in_string:
            if char == "\\":
                index += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == ";":
            index = text.find("\n", index)
            if index < 0:
                break
        elif char == "?":
            index += 2 if text[index + 1 : index + 2] == "\\" else 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return False
        index += 1
    return depth == 0 and not in_string


def test_emacs_eglot_snippet_balances_and_names_the_server() -> None:
    text = (SNIPPETS / "emacs-eglot.el").read_text(encoding="utf-8")
    assert _elisp_forms_balance(text)
    assert not _elisp_forms_balance(text + ")")
    assert "'eglot-server-programs" in text
    assert '("qemlflow-lint" "server"' in text
    assert ":initializationOptions (:unsafeFixes :json-false :importCost t)" in text


@pytest.mark.parametrize("name", sorted(path.name for path in SNIPPETS.glob("*.lua")))
def test_each_lua_snippet_compiles_in_neovim(name: str, tmp_path: Path) -> None:
    nvim = needs_program("nvim", "the Lua snippets are checked by Neovim (apt-get install neovim)")
    check = tmp_path / "check.lua"
    check.write_text(
        f"local chunk, problem = loadfile({json.dumps(str(SNIPPETS / name))})\n"
        "if chunk == nil then io.stderr:write(problem) vim.cmd('cquit 1') end\n"
        "vim.cmd('quitall!')\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [nvim, "--headless", "--clean", "-u", "NONE", "-c", f"luafile {check}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "server" in (SNIPPETS / name).read_text(encoding="utf-8")


def test_a_lua_syntax_error_fails_the_check(tmp_path: Path) -> None:
    nvim = needs_program("nvim", "the Lua snippets are checked by Neovim (apt-get install neovim)")
    broken = tmp_path / "broken.lua"
    broken.write_text("vim.lsp.start({ name = 'x' \n", encoding="utf-8")
    check = tmp_path / "check.lua"
    check.write_text(
        f"local chunk, problem = loadfile({json.dumps(str(broken))})\n"
        "if chunk == nil then io.stderr:write(problem) vim.cmd('cquit 1') end\nvim.cmd('quitall!')\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [nvim, "--headless", "--clean", "-u", "NONE", "-c", f"luafile {check}"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode != 0
