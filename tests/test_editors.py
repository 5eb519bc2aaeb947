"""The plugins inside a real editor back end: python-lsp-server (pylsp), driven over LSP.

Each test starts ``pylsp`` on stdio, enables one linter plugin and walks an editor session:
open a document, edit it without saving, save it, shut down. What pylsp does, per plugin:

- flake8 (``pylsp.plugins.flake8``): runs ``flake8 -`` with the buffer on standard input on
  open, on every change and on save, so diagnostics follow the unsaved buffer.
- pylint (``pylsp.plugins.pylint``) as configured by default: runs ``pylint -f json FILE`` on
  open and on save only, on the file on disk; while a buffer is unsaved it re-publishes the
  last (stale) diagnostics.
- pylint with ``pylsp.plugins.pylint.executable`` set: runs ``pylint --from-stdin FILE`` with
  the buffer on every change, so diagnostics follow the unsaved buffer.

Our plugins must also never print anything but their reports on standard output: that is
the channel pylsp (and every editor extension) parses.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.frontends import PYLINT_SYMBOLS, every_rule_source, per_file_codes, run_cli
from tests.lsp_client import LanguageServer

MODULE = "pkg/mod.py"
#: Saved on disk and opened: QF001 on line 2, QF002 on line 5 (1-based).
SAVED_TEXT = textwrap.dedent(
    '''\
    """Fits the model."""
    import torch


    def fit(data):
        """Fit the model to data."""
        return torch.tensor(data)
    '''
)
#: Typed into the editor: QF002 fixed, a QF006 `print(...)` added on line 4.
EDITED_TEXT = textwrap.dedent(
    '''\
    """Fits the model."""
    import torch

    print("loading the model")


    def fit(data: list) -> object:
        """Fit the model to data."""
        return torch.tensor(data)
    '''
)
PYLINT_IDS = {"QF001": "W7701", "QF002": "C7702", "QF006": "W7706"}
PYLINT_ARGS = ["--load-plugins=qemlflow_lint.pylint_plugin", "--disable=all", f"--enable={PYLINT_SYMBOLS}"]
#: Every built-in pylsp linter, all off: each test turns on the one it is about.
LINTERS_OFF = {
    name: {"enabled": False}
    for name in ("pycodestyle", "pyflakes", "mccabe", "pydocstyle", "pylint", "flake8")
}
_QF_CODE = re.compile(r"\bQF\d{3}\b")


def _script(name: str) -> str:
    """The console script of the running environment (what "fromEnvironment" means)."""
    return shutil.which(name, path=sysconfig.get_path("scripts")) or name


def _write_package(root: Path, text: str) -> None:
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    (root / MODULE).write_text(text, encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with SAVED_TEXT on disk."""
    _write_package(tmp_path, SAVED_TEXT)
    return tmp_path


def _expected(root: Path, text: str) -> list[tuple[int, str, str]]:
    """``(0-based line, code, message)`` as the CLI reports ``text``."""
    return [
        (r.line - 1, r.code, r.message)
        for r in run_cli(["-"], "--stdin-filename", MODULE, stdin=text, cwd=root)
    ]


@pytest.fixture
def expected(project: Path) -> dict[str, list[tuple[int, str, str]]]:
    """What the CLI reports for the saved and for the edited text."""
    found = {"saved": _expected(project, SAVED_TEXT), "edited": _expected(project, EDITED_TEXT)}
    assert [(line, code) for line, code, _ in found["saved"]] == [(1, "QF001"), (4, "QF002")]
    assert [(line, code) for line, code, _ in found["edited"]] == [(1, "QF001"), (3, "QF006")]
    return found


@pytest.fixture
def pylsp(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LanguageServer]:
    """pylsp on stdio, initialised with ``project`` as its root; shut down after the test."""
    log = tmp_path_factory.mktemp("pylsp") / "stderr.log"
    with LanguageServer([sys.executable, "-m", "pylsp"], project, log) as server:
        result = server.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": project.as_uri(),
                "capabilities": {},
            },
        )
        assert result["serverInfo"]["name"] == "pylsp"
        server.notify("initialized", {})
        yield server
        # Inside the `with`: a server that does not exit fails the test, then is killed.
        assert server.shutdown() == 0, server.stderr()


def _configure(server: LanguageServer, **plugins: dict[str, Any]) -> None:
    settings = {"pylsp": {"plugins": dict(LINTERS_OFF, **plugins)}}
    server.notify("workspace/didChangeConfiguration", {"settings": settings})


def _open(server: LanguageServer, root: Path) -> str:
    uri = (root / MODULE).as_uri()
    server.notify(
        "textDocument/didOpen",
        {
            "textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": SAVED_TEXT},
        },
    )
    return uri


def _edit(server: LanguageServer, uri: str) -> None:
    """Replace the whole buffer with EDITED_TEXT (version 2) without saving."""
    server.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"text": EDITED_TEXT}],
        },
    )


def _ours(diagnostics: list[dict[str, Any]], text: str, source: str) -> list[tuple[int, str, str]]:
    """``(line, QF code, message)`` per diagnostic, after checking it is a valid LSP diagnostic."""
    lines = text.splitlines()
    seen = []
    for diagnostic in diagnostics:
        start, end = diagnostic["range"]["start"], diagnostic["range"]["end"]
        assert diagnostic["source"] == source
        assert 0 <= start["line"] < len(lines) and start["character"] >= 0, diagnostic
        assert end["line"] == start["line"] and end["character"] >= start["character"], diagnostic
        codes = _QF_CODE.findall(diagnostic["message"])
        assert len(codes) == 1, diagnostic
        seen.append((start["line"], codes[0], diagnostic["message"]))
    return sorted(seen)


def _matches(seen: list[tuple[int, str, str]], expected: list[tuple[int, str, str]]) -> bool:
    """Same lines and codes, and each diagnostic carries our message text after the code."""
    return [(line, code) for line, code, _ in seen] == [(line, code) for line, code, _ in expected] and all(
        f"{code} {message}" in shown for (_, _, shown), (_, code, message) in zip(seen, expected)
    )


def _pylint_ids(diagnostics: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return sorted((d["range"]["start"]["line"], d["code"]) for d in diagnostics)


# --- flake8 --------------------------------------------------------------------------------------


#: Ways to turn the rules on: pylsp's `select` (ours only) or `extendSelect` (added to flake8's
#: defaults; both texts are clean for those) setting, or the project's flake8 configuration,
#: here one where another plugin's `extend-ignore = Q` needs `extend-select = QF`.
FLAKE8_SET_UPS = {
    "pylsp-select-setting": ({"select": ["QF"]}, None),
    "pylsp-extendSelect-setting": ({"extendSelect": ["QF"]}, None),
    "project-flake8-config": ({}, "[flake8]\nselect = E,F,W,C90\nextend-ignore = Q\nextend-select = QF\n"),
}


@pytest.mark.slow
@pytest.mark.parametrize("set_up", FLAKE8_SET_UPS)
def test_pylsp_flake8_shows_our_codes_and_follows_the_unsaved_buffer(
    pylsp: LanguageServer, project: Path, expected: dict[str, list[tuple[int, str, str]]], set_up: str
) -> None:
    settings, config_file = FLAKE8_SET_UPS[set_up]
    if config_file:
        (project / ".flake8").write_text(config_file)  # pylsp runs flake8 in the project root
    _configure(pylsp, flake8={"enabled": True, "executable": _script("flake8"), **settings})
    uri = _open(pylsp, project)

    opened = pylsp.diagnostics(uri, version=1)
    assert _matches(_ours(opened, SAVED_TEXT, "flake8"), expected["saved"]), opened
    assert sorted(d["code"] for d in opened) == ["QF001", "QF002"]  # the code field, too

    _edit(pylsp, uri)
    edited = pylsp.diagnostics(uri, version=2)
    assert (project / MODULE).read_text(encoding="utf-8") == SAVED_TEXT  # nothing was saved
    assert _matches(_ours(edited, EDITED_TEXT, "flake8"), expected["edited"]), edited
    assert sorted(d["code"] for d in edited) == ["QF001", "QF006"]


# --- pylint --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_pylsp_pylint_lints_the_saved_file_and_keeps_old_diagnostics_while_unsaved(
    pylsp: LanguageServer, project: Path, expected: dict[str, list[tuple[int, str, str]]]
) -> None:
    # pylsp's default: `pylint -f json FILE` on open and on save, never on the unsaved buffer.
    _configure(pylsp, pylint={"enabled": True, "args": PYLINT_ARGS})
    uri = _open(pylsp, project)

    opened = pylsp.diagnostics(uri, version=1)
    assert _matches(_ours(opened, SAVED_TEXT, "pylint"), expected["saved"]), opened
    assert _pylint_ids(opened) == [(1, PYLINT_IDS["QF001"]), (4, PYLINT_IDS["QF002"])]

    _edit(pylsp, uri)
    assert pylsp.diagnostics(uri, version=2) == opened  # stale until saved

    (project / MODULE).write_text(EDITED_TEXT, encoding="utf-8")
    pylsp.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    saved = pylsp.diagnostics(uri, version=2)
    assert _matches(_ours(saved, EDITED_TEXT, "pylint"), expected["edited"]), saved
    assert _pylint_ids(saved) == [(1, PYLINT_IDS["QF001"]), (3, PYLINT_IDS["QF006"])]


@pytest.mark.slow
def test_pylsp_pylint_with_an_executable_follows_the_unsaved_buffer(
    pylsp: LanguageServer, project: Path, expected: dict[str, list[tuple[int, str, str]]]
) -> None:
    # With `executable` set pylsp runs `pylint ARGS --from-stdin FILE` on every change.
    _configure(pylsp, pylint={"enabled": True, "args": PYLINT_ARGS, "executable": _script("pylint")})
    uri = _open(pylsp, project)

    opened = pylsp.diagnostics(uri, version=1)
    assert _matches(_ours(opened, SAVED_TEXT, "pylint"), expected["saved"]), opened
    assert _pylint_ids(opened) == [(1, PYLINT_IDS["QF001"]), (4, PYLINT_IDS["QF002"])]

    _edit(pylsp, uri)
    edited = pylsp.diagnostics(uri, version=2)
    assert (project / MODULE).read_text(encoding="utf-8") == SAVED_TEXT  # nothing was saved
    assert _matches(_ours(edited, EDITED_TEXT, "pylint"), expected["edited"]), edited
    assert _pylint_ids(edited) == [(1, PYLINT_IDS["QF001"]), (3, PYLINT_IDS["QF006"])]


# --- standard output carries the reports and nothing else ---------------------------------------

#: Breaks every per-file rule once (QF008 by its length): 8 findings.
DIRTY_TEXT = every_rule_source()
DIRTY_CODES = per_file_codes()
CLEAN_TEXT = '"""File names."""\nimport os\n\n\ndef name(path: str) -> str:\n    """The last part."""\n    return os.path.basename(path)\n'
FLAKE8_REPORT = re.compile(r"^pkg/mod\.py:[1-9]\d*:[1-9]\d*: (QF\d{3}) \S.*$")
PYLINT_REPORT = re.compile(r"^pkg/mod\.py:[1-9]\d*:\d+: [CW]77\d\d: (QF\d{3}) \S.* \([a-z-]+\)$")
PYLINT_HEADER = re.compile(r"^\*{13} Module pkg\.mod$")


def _run(root: Path, command: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, input=stdin, capture_output=True, text=True, cwd=root, timeout=120)


@pytest.mark.parametrize("text, codes", [(CLEAN_TEXT, []), (DIRTY_TEXT, DIRTY_CODES)], ids=["clean", "dirty"])
def test_flake8_stdout_holds_only_the_reports(tmp_path: Path, text: str, codes: list[str]) -> None:
    # Exactly how pylsp and the VS Code extension call it: the buffer on stdin.
    command = [_script("flake8"), "--isolated", "--select=QF", "-", "--stdin-display-name", MODULE]
    done = _run(tmp_path, command, stdin=text)
    assert done.returncode == (1 if codes else 0), done.stderr
    reports = [FLAKE8_REPORT.match(line) for line in done.stdout.splitlines()]
    assert all(reports), done.stdout
    assert sorted(match[1] for match in reports if match) == codes


@pytest.mark.slow
@pytest.mark.parametrize("text, codes", [(CLEAN_TEXT, []), (DIRTY_TEXT, DIRTY_CODES)], ids=["clean", "dirty"])
def test_pylint_stdout_holds_only_the_reports(tmp_path: Path, text: str, codes: list[str]) -> None:
    _write_package(tmp_path, text)
    pylint = [
        _script("pylint"),
        "--rcfile=/dev/null" if os.name != "nt" else "--rcfile=NUL",
        "--persistent=n",
        *PYLINT_ARGS,
    ]

    # pylsp's default: JSON from the saved file; one stray line and json.loads fails.
    as_json = _run(tmp_path, [*pylint, "-f", "json", MODULE])
    assert as_json.returncode & 32 == 0, as_json.stderr
    assert sorted(_QF_CODE.findall(m["message"])[0] for m in json.loads(as_json.stdout or "[]")) == codes

    # pylsp with `executable`, and editor extensions: text, the buffer on stdin.
    as_text = _run(tmp_path, [*pylint, "--score=n", "--from-stdin", MODULE], stdin=text)
    assert as_text.returncode & 32 == 0, as_text.stderr
    lines = as_text.stdout.splitlines()
    reports = [PYLINT_REPORT.match(line) for line in lines if not PYLINT_HEADER.match(line)]
    assert all(reports), as_text.stdout
    assert sorted(match[1] for match in reports if match) == codes


# --- the configuration traps docs/editors.md documents -------------------------------------------

#: A `[flake8]` section → whether QF findings are still reported. flake8 picks the longest
#: matching prefix, so another plugin's `Q` (flake8-quotes uses Q000–Q003) also covers `QF`.
FLAKE8_CONFIGS = {
    "extend-ignore = Q": False,
    "ignore = Q": False,
    "select = E,F,W,C90": False,
    "extend-ignore = Q\nextend-select = QF": True,
    "ignore = Q\nextend-select = QF": True,
    "select = E,F,W,C90\nextend-select = QF": True,
    "extend-ignore = Q000,Q001,Q002,Q003": True,
}


@pytest.mark.parametrize("section", FLAKE8_CONFIGS)
def test_flake8_prefix_trap_and_its_fixes(tmp_path: Path, section: str) -> None:
    (tmp_path / "mod.py").write_text('"""Fits the model."""\nimport torch\n\nMODEL = torch.nn\n')
    (tmp_path / ".flake8").write_text(f"[flake8]\n{section}\n")
    done = _run(tmp_path, [_script("flake8"), "mod.py"])
    assert ("QF001" in done.stdout) is FLAKE8_CONFIGS[section], done.stdout + done.stderr


@pytest.mark.slow
def test_pylint_import_outside_toplevel_conflicts_with_qf001_and_how_to_settle_it(tmp_path: Path) -> None:
    # QF001's fix, a function-level import, is what pylint's C0415 reports.
    _write_package(
        tmp_path,
        textwrap.dedent(
            '''\
        """Fits the model."""


        def fit(data: list) -> object:
            """Fit the model to data."""
            import torch
            from torch import nn
            return nn.Linear(len(data), 1), torch
        '''
        ),
    )
    pylint = [
        _script("pylint"),
        "--rcfile=/dev/null" if os.name != "nt" else "--rcfile=NUL",
        "--persistent=n",
        "--score=n",
        "--load-plugins=qemlflow_lint.pylint_plugin",
        "--disable=all",
        f"--enable={PYLINT_SYMBOLS},import-outside-toplevel",
        "--msg-template={line}:{msg_id}:{msg}",
    ]

    def reported(*extra: str) -> list[str]:
        done = _run(tmp_path, [*pylint, *extra, MODULE])
        assert done.returncode & 32 == 0, done.stderr
        return [line for line in done.stdout.splitlines() if not line.startswith("*")]

    assert reported() == [
        "6:C0415:Import outside toplevel (torch)",
        "7:C0415:Import outside toplevel (torch.nn)",
    ]
    assert reported("--disable=import-outside-toplevel") == []
    # `allow-any-import-level` compares whole module names: a submodule needs its own entry.
    assert reported("--allow-any-import-level=torch") == ["7:C0415:Import outside toplevel (torch.nn)"]
    assert reported("--allow-any-import-level=torch,torch.nn") == []
