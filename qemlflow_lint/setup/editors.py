"""The editor settings ``qemlflow-lint init`` adds for the editors a repository shows it uses,
so that each one starts ``qemlflow-lint server`` for Python files.

An editor is found by its project folder or file: ``.vscode/`` (VS Code), ``.nvim.lua`` or
``.nvim/`` (Neovim), ``.helix/`` (Helix), ``.dir-locals.el`` (Emacs). Like every edit of
:mod:`qemlflow_lint.setup.files`, these are pure text edits: init's own entry is inserted, and
everything else in the file stays byte for byte. Each edit is checked by parsing the file
before and after (JSON with comments and trailing commas for VS Code, TOML for Helix): unless
the only difference is init's entry, the file is left as it was and the snippet to add is
printed instead. A file that already starts the server is kept as it is.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, Callable, NamedTuple

from qemlflow_lint.config import pyproject, toml
from qemlflow_lint.setup.files import Edit

#: The command every editor runs, and the settings it sends the server.
COMMAND = ("qemlflow-lint", "server")
SETTINGS = {"unsafeFixes": False, "importCost": True}
#: The generic LSP client extension VS Code needs to start a language server.
VSCODE_EXTENSION = "zsol.vscode-glspc"
VSCODE_SETTINGS = {
    "glspc.server.command": COMMAND[0],
    "glspc.server.commandArguments": list(COMMAND[1:]),
    "glspc.server.languageId": ["python"],
    "glspc.server.initializationOptions": SETTINGS,
}
#: Where the rest of the set-up of each editor is explained.
DOCS = "docs/editors.md"

#: The Neovim block init appends to ``.nvim.lua`` (Neovim 0.7 and newer; ``exrc`` reads it).
NEOVIM_BLOCK = """\
-- qemlflow-lint server for Python buffers (added by qemlflow-lint init; see its docs/editors.md).
local qemlflow_lint_clients = {}
vim.api.nvim_create_autocmd('FileType', {
  pattern = 'python',
  callback = function(args)
    local folder = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(args.buf), ':p:h')
    local marker = vim.fn.findfile('pyproject.toml', folder .. ';')
    local root = marker ~= '' and vim.fn.fnamemodify(marker, ':p:h') or vim.fn.getcwd()
    if qemlflow_lint_clients[root] == nil then
      qemlflow_lint_clients[root] = vim.lsp.start_client({
        name = 'qemlflow-lint',
        cmd = { 'qemlflow-lint', 'server' },
        root_dir = root,
        init_options = { unsafeFixes = false, importCost = true },
      })
    end
    vim.lsp.buf_attach_client(args.buf, qemlflow_lint_clients[root])
  end,
})
"""

HELIX_SERVER = """\
[language-server.qemlflow-lint]
command = "qemlflow-lint"
args = ["server"]
config = { unsafeFixes = false, importCost = true }
"""

EMACS_SNIPPET = """\
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((python-mode python-ts-mode)
                 . ("qemlflow-lint" "server"
                    :initializationOptions (:unsafeFixes :json-false :importCost t)))))"""


def _unchanged(text: str | None, *, kept: str = "", left: str = "") -> Edit:
    return Edit(text, (), (kept,) if kept else (), (left,) if left else ())


def _snippet(text: str) -> str:
    """A snippet in a note: on lines of its own, indented."""
    return "\n" + "".join(f"    {line}\n" for line in text.rstrip("\n").split("\n")).rstrip("\n")


# --- JSON with comments (VS Code's settings files) --------------------------------------------


def _scan(text: str, start: int, stop: Callable[[int], bool]) -> int:
    """The first position from ``start`` outside strings and comments where ``stop`` holds,
    or -1."""
    position = start
    while position < len(text):
        char = text[position]
        if char == '"':
            position += 1
            while position < len(text) and text[position] != '"':
                position += 2 if text[position] == "\\" else 1
        elif text.startswith("//", position):
            position = text.find("\n", position)
            if position < 0:
                return -1
        elif text.startswith("/*", position):
            position = text.find("*/", position + 2)
            if position < 0:
                return -1
            position += 1
        elif stop(position):
            return position
        position += 1
    return -1


def jsonc_loads(text: str) -> Any:
    """The value of JSON text with ``//`` and ``/* */`` comments and trailing commas, as VS
    Code reads its settings; raises ``ValueError`` when it is not that."""
    kept: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char == '"':
            end = position + 1
            while end < len(text) and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            kept.append(text[position : end + 1])
            position = end + 1
        elif text.startswith("//", position):
            end = text.find("\n", position)
            position = len(text) if end < 0 else end
        elif text.startswith("/*", position):
            end = text.find("*/", position + 2)
            if end < 0:
                raise ValueError("a comment is not closed")
            position = end + 2
        else:
            kept.append(char)
            position += 1
    plain = re.sub(r",(\s*[}\]])", r"\1", "".join(kept))
    return json.loads(plain)


def _last_content(text: str, end: int) -> int:
    """The position of the last character before ``end`` outside comments that is not space
    (a string's closing quote for a string), or -1."""
    last, position = -1, 0
    while position < end:
        char = text[position]
        if char == '"':
            position += 1
            while position < len(text) and text[position] != '"':
                position += 2 if text[position] == "\\" else 1
            last = position
        elif text.startswith("//", position):
            position = text.find("\n", position)
            if position < 0:
                return last
            continue
        elif text.startswith("/*", position):
            position = text.find("*/", position + 2) + 1
            if position <= 0:
                return last
        elif not char.isspace():
            last = position
        position += 1
    return last


def _closing(text: str, opening: int) -> int:
    """The position of the bracket that closes the one at ``opening``, or -1."""
    depth = 0

    def stop(at: int) -> bool:
        nonlocal depth
        depth += {"{": 1, "[": 1, "}": -1, "]": -1}.get(text[at], 0)
        return depth == 0

    return _scan(text, opening, stop)


def _indent_of(text: str, position: int) -> str:
    line = text[text.rfind("\n", 0, position) + 1 :]
    match = re.match(r"[ \t]*", line)
    return match.group() if match else ""


def _insert_members(text: str, opening: int, members: list[str]) -> str | None:
    """``text`` with ``members`` (``"key": value`` texts) added at the end of the object or
    array whose bracket is at ``opening``, one per line in the indentation of the last one."""
    closing = _closing(text, opening)
    if closing < 0:
        return None
    last = _last_content(text, closing)
    if last < opening:
        return None
    empty = last == opening
    outer = (
        _indent_of(text, closing) if text[text.rfind("\n", 0, closing) + 1 : closing].strip() == "" else ""
    )
    inner = outer + "    " if empty else _indent_of(text, last)
    if not empty and "\n" not in text[opening:closing]:  # on one line: stay on one line
        comma = "" if text[last] == "," else ","
        return text[: last + 1] + comma + " " + ", ".join(members) + text[last + 1 :]
    comma = "" if empty or text[last] == "," else ","
    added = "".join(f"\n{inner}{member}," for member in members)[:-1]
    if empty:
        return text[: opening + 1] + added + "\n" + outer + text[closing:]
    return text[: last + 1] + comma + added + text[last + 1 :]


def _json_member(key: str, value: object) -> str:
    return f"{json.dumps(key)}: {json.dumps(value, separators=(', ', ': '))}"


def _json_object(text: str, left: str) -> dict[str, Any] | Edit:
    """The JSON object (comments and trailing commas allowed) ``text`` holds, or the
    unchanged :class:`Edit` that says what to do by hand (``left``) when it holds none."""
    try:
        before = jsonc_loads(text)
    except ValueError:
        return _unchanged(text, left=f"it is not JSON; {left}")
    return before if isinstance(before, dict) else _unchanged(text, left=left)


def add_vscode_settings(text: str | None) -> Edit:
    """The generic LSP client's settings in ``.vscode/settings.json``."""
    wanted = "{\n" + ",\n".join(f"    {_json_member(k, v)}" for k, v in VSCODE_SETTINGS.items()) + "\n}\n"
    if text is None:
        return Edit(wanted, ("added the settings that start qemlflow-lint server",))
    left = f"add these settings to .vscode/settings.json by hand:{_snippet(wanted)}"
    before = _json_object(text, left)
    if isinstance(before, Edit):
        return before
    if before.get("glspc.server.command") == COMMAND[0]:
        return _unchanged(text, kept="the settings already start qemlflow-lint")
    if any(key in before for key in VSCODE_SETTINGS):
        return _unchanged(text, left=f"the generic LSP client already starts another server; {left}")
    opening = _scan(text, 0, lambda at: text[at] == "{")
    after = _insert_members(text, opening, [_json_member(k, v) for k, v in VSCODE_SETTINGS.items()])
    if after is None or _loads(after) != {**before, **VSCODE_SETTINGS}:
        return _unchanged(text, left=left)
    return Edit(after, ("added the settings that start qemlflow-lint server",))


def add_vscode_recommendation(text: str | None) -> Edit:
    """The generic LSP client in ``.vscode/extensions.json``'s recommendations."""
    item = json.dumps(VSCODE_EXTENSION)
    done = (f"recommended the extension {VSCODE_EXTENSION}",)
    if text is None:
        return Edit(f'{{\n    "recommendations": [{item}]\n}}\n', done)
    left = f'add {item} to "recommendations" in .vscode/extensions.json by hand'
    before = _json_object(text, left)
    if isinstance(before, Edit):
        return before
    current = before.get("recommendations")
    if isinstance(current, list) and VSCODE_EXTENSION in current:
        return _unchanged(text, kept=f"{VSCODE_EXTENSION} is already recommended")
    if current is None:
        opening = _scan(text, 0, lambda at: text[at] == "{")
        after = _insert_members(text, opening, [f'"recommendations": [{item}]'])
    elif isinstance(current, list):
        key = re.search(r'"recommendations"\s*:\s*\[', text)
        after = None if key is None else _insert_members(text, key.end() - 1, [item])
    else:
        return _unchanged(text, left=left)
    if after is None or _loads(after) != {**before, "recommendations": [*(current or []), VSCODE_EXTENSION]}:
        return _unchanged(text, left=left)
    return Edit(after, done)


def _loads(text: str) -> Any:
    try:
        return jsonc_loads(text)
    except ValueError:
        return None


# --- Neovim, Helix, Emacs ------------------------------------------------------------------


def add_neovim_block(text: str | None) -> Edit:
    """The block that starts the server, appended to ``.nvim.lua``."""
    if text is not None and "qemlflow-lint" in text:
        return _unchanged(text, kept="it already mentions qemlflow-lint")
    if text is None:
        return Edit(NEOVIM_BLOCK, ("added the block that starts qemlflow-lint server",))
    separator = "" if text == "" else ("\n" if text.endswith("\n") else "\n\n")
    return Edit(text + separator + NEOVIM_BLOCK, ("added the block that starts qemlflow-lint server",))


def _language_span(text: str, index: int) -> tuple[int, int] | None:
    """The lines (start, end) of the ``index``-th ``[[language]]`` entry, or None."""
    lines = pyproject.split_at_newlines(text)
    starts = [n for n, line in enumerate(lines) if re.match(r"\s*\[\[\s*language\s*\]\]", line)]
    if index >= len(starts):
        return None
    start = starts[index]
    end = next((n for n in range(start + 1, len(lines)) if re.match(r"\s*\[", lines[n])), len(lines))
    return start, end


def _python_servers_added(text: str, data: dict[str, Any]) -> tuple[str | None, str]:
    """``text`` with "qemlflow-lint" added to Python's ``language-servers``, and a note."""
    languages = data.get("language")
    entries = languages if isinstance(languages, list) else []
    index = next(
        (n for n, e in enumerate(entries) if isinstance(e, dict) and e.get("name") == "python"), None
    )
    by_hand = (
        'add "qemlflow-lint" to the language-servers of the [[language]] entry named "python" by hand '
        "(that list replaces Helix's own servers for Python, so name the others you use too)"
    )
    if index is None or "language-servers" not in entries[index]:
        return None, by_hand
    servers = entries[index]["language-servers"]
    if not isinstance(servers, list):
        return None, by_hand
    if any(
        s == "qemlflow-lint" or (isinstance(s, dict) and s.get("name") == "qemlflow-lint") for s in servers
    ):
        return text, ""
    span = _language_span(text, index)
    if span is None:
        return None, by_hand
    lines = pyproject.split_at_newlines(text)
    key = next((n for n in range(*span) if re.match(r"\s*language-servers\s*=", lines[n])), None)
    if key is None:
        return None, by_hand
    offset = sum(len(line) for line in lines[:key])
    bracket = text.find("[", offset)
    after = pyproject.array_insertion(text, bracket, '"qemlflow-lint"')
    return (after, "") if after is not None else (None, by_hand)


def add_helix_server(text: str | None) -> Edit:
    """The server in ``.helix/languages.toml``, and in Python's ``language-servers`` when the
    file lists them (a new list would replace Helix's own: that is left to the user)."""
    before = toml.parse_toml(text or "")
    if before is None:
        return _unchanged(text, left=f"it is not TOML; add this by hand:{_snippet(HELIX_SERVER)}")
    done: list[str] = []
    after = text or ""
    servers = before.get("language-server")
    if isinstance(servers, dict) and "qemlflow-lint" in servers:
        kept: tuple[str, ...] = ("[language-server.qemlflow-lint] is already there",)
    else:
        kept = ()
        after = after + ("" if after == "" else ("\n" if after.endswith("\n") else "\n\n")) + HELIX_SERVER
        done.append("added [language-server.qemlflow-lint]")
    expected = toml.parse_toml(text or "") or {}
    expected.setdefault("language-server", {}).setdefault(
        "qemlflow-lint", toml.loads(HELIX_SERVER)["language-server"]["qemlflow-lint"]
    )
    listed, by_hand = _python_servers_added(after, before)
    if listed is not None and listed != after:
        after = listed
        done.append('added "qemlflow-lint" to the language-servers of Python')
        python = next(e for e in expected["language"] if isinstance(e, dict) and e.get("name") == "python")
        python["language-servers"] = [*python["language-servers"], "qemlflow-lint"]
    if toml.parse_toml(after) != expected:
        return _unchanged(text, left=f"add this by hand:{_snippet(HELIX_SERVER)}")
    return Edit(after if done else text, tuple(done), kept, (by_hand,) if by_hand else ())


def emacs_by_hand(text: str | None) -> Edit:
    """``.dir-locals.el`` holds variables, not eglot's server list: the snippet is printed."""
    if text is not None and "qemlflow-lint" in text:
        return _unchanged(text, kept="it already mentions qemlflow-lint")
    return _unchanged(
        text,
        left="Emacs: eglot reads its servers from your init file, not .dir-locals.el; "
        f"add this there:{_snippet(EMACS_SNIPPET)}",
    )


#: What init says of a ``.nvim/`` folder without ``.nvim.lua``: which file it loads is the
#: user's choice, so init writes none.
NEOVIM_FOLDER_NOTE = (
    f"Neovim: add the block of {DOCS} (Neovim) to the file your .nvim/ folder's set-up loads, "
    "or to .nvim.lua (which Neovim reads with 'exrc')"
)


class EditorSteps(NamedTuple):
    """The edits for the editors a repository shows it uses, and what init only says."""

    steps: list[tuple[str, Callable[[str | None], Edit]]]
    notes: tuple[str, ...] = ()


def editor_steps(root: str) -> EditorSteps:
    """The edits for the editors the repository in ``root`` shows it uses, in a stable order."""

    def has(name: str) -> bool:
        return os.path.lexists(os.path.join(root, name))

    steps: list[tuple[str, Callable[[str | None], Edit]]] = []
    notes: tuple[str, ...] = ()
    if os.path.isdir(os.path.join(root, ".vscode")):
        steps.append((".vscode/settings.json", add_vscode_settings))
        steps.append((".vscode/extensions.json", add_vscode_recommendation))
    if has(".nvim.lua"):
        steps.append((".nvim.lua", add_neovim_block))
    elif os.path.isdir(os.path.join(root, ".nvim")):
        notes = (NEOVIM_FOLDER_NOTE,)
    if os.path.isdir(os.path.join(root, ".helix")):
        steps.append((".helix/languages.toml", add_helix_server))
    if has(".dir-locals.el"):
        steps.append((".dir-locals.el", emacs_by_hand))
    return EditorSteps(steps, notes)
