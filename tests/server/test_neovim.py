"""The language server in a real editor: Debian's Neovim (0.7, its built-in LSP client),
headless, configured by the documented snippet (docs/editors/neovim.lua) as a user would put
it in ``init.lua``, with ``qemlflow-lint`` on PATH as a user's environment has it.

A Lua script (tests/server/neovim_driver.lua) opens a real file of a temporary project,
waits for the diagnostics, shows a hover, applies a QF001 quick fix, a QF002 quick fix and the
fix-all through Neovim's own ``apply_workspace_edit``, saving after each, and reads the
import-cost inlay hint and code lens of a module whose import ``importtime`` measured before
Neovim started. It writes what it saw to a JSON file and quits; a run that does not finish
in time fails with Neovim's output and the client's log.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.frontends import REPO, write_tree
from tests.tools import needs_program

pytestmark = pytest.mark.slow

DRIVER = Path(__file__).with_name("neovim_driver.lua")
SNIPPET = REPO / "docs" / "editors" / "neovim.lua"
#: Seconds for the whole session (server start-ups, analyses, three fixes, saves).
TIMEOUT = 240

MODULE = '''\
"""Molecules."""

import pandas


def mean(values: list[float]) -> float:
    """The mean."""
    return float(pandas.Series(values).mean())


def reset(count: int):
    """Nothing to return."""
    count = 0


def clear(names: list[str]):
    """Nothing to return either."""
    names.clear()


def log(message: str):
    """Nothing to return, again."""
    print(message)


def parse(text: str) -> int:
    """A number."""
    try:
        return int(text)
    except:
        return 0
'''

PROJECT = {
    "pyproject.toml": (
        '[project]\nname = "chem"\n\n[tool.qemlflow-lint]\n'
        'select = ["QF001", "QF002", "QF003", "QF004"]\nextend-heavy-modules = ["slowdep"]\n'
    ),
    "chem/__init__.py": '"""Chemistry."""\n',
    "chem/molecules.py": MODULE,
    "chem/lab.py": '"""The lab."""\n\nimport slowdep\n\n\ndef run() -> float:\n    """Run."""\n    return slowdep.VALUE\n',
    "slowdep.py": '"""Slow to import."""\n\nimport time\n\ntime.sleep(0.05)\nVALUE = 1.0\n',
}


def _environment(tmp_path: Path) -> dict[str, str]:
    """``qemlflow-lint`` on PATH running this checkout, and Neovim's folders in ``tmp_path``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "qemlflow-lint"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m qemlflow_lint "$@"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(REPO),
    }
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp_path / "xdg" / name.lower())
    return env


def _client_log(tmp_path: Path) -> str:
    logs = list((tmp_path / "xdg").rglob("lsp.log"))
    return "\n".join(log.read_text(encoding="utf-8", errors="replace")[-6000:] for log in logs)


@pytest.fixture(scope="module")
def neovim_session(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One Neovim session over the project; what the driver saw."""
    nvim = needs_program("nvim", "the server is tested in a real Neovim (apt-get install neovim)")
    tmp_path = tmp_path_factory.mktemp("neovim")
    project = tmp_path / "project"
    write_tree(project, PROJECT)
    env = _environment(tmp_path)
    measured = subprocess.run(
        ["qemlflow-lint", "importtime", "chem.lab", "--runs", "3"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert measured.returncode == 0, measured.stderr
    results = tmp_path / "results.json"
    env.update(
        QF_SNIPPET=str(SNIPPET),
        QF_FILE=str(project / "chem" / "molecules.py"),
        QF_COST_FILE=str(project / "chem" / "lab.py"),
        QF_RESULTS=str(results),
    )
    command = [nvim, "--headless", "--clean", "-c", f"luafile {DRIVER}"]
    try:
        done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as error:
        partial = results.read_text(encoding="utf-8") if results.exists() else "(nothing)"
        pytest.fail(
            f"Neovim did not finish in {TIMEOUT} s; it got through: {partial}\n"
            f"stdout: {error.stdout!r}\nstderr: {error.stderr!r}\nclient log:\n{_client_log(tmp_path)}"
        )
    if not results.exists():
        pytest.fail(f"Neovim wrote no results (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    seen: dict[str, Any] = json.loads(results.read_text(encoding="utf-8"))
    seen["client_log"] = _client_log(tmp_path)
    return seen


def _completed(seen: dict[str, Any], step: str) -> None:
    assert step in seen["steps"], (
        f"{seen.get('error')}\nsteps: {seen['steps']}\nclient log:\n{seen['client_log']}"
    )


def test_neovim_shows_the_diagnostics_of_the_file(neovim_session: dict[str, Any]) -> None:
    _completed(neovim_session, "diagnostics")
    found = [(item["line"] + 1, item["code"]) for item in neovim_session["diagnostics"]]
    assert found == [(3, "QF001"), (11, "QF002"), (16, "QF002"), (21, "QF002"), (30, "QF004")]


def test_a_hover_shows_the_rules_documentation(neovim_session: dict[str, Any]) -> None:
    _completed(neovim_session, "hover")
    hover = neovim_session["hover"]
    assert hover.startswith("**QF001** `heavy-top-level-import`")
    assert "### What it does" in hover and "### Why is this bad?" in hover and "### Use instead" in hover


def test_the_qf001_quick_fix_moves_the_import_into_the_function(neovim_session: dict[str, Any]) -> None:
    _completed(neovim_session, "QF001 quick fix")
    assert any(title.startswith("Fix QF001") for title in neovim_session["qf001_titles"])
    assert "Add `# noqa: QF001` on this line" in neovim_session["qf001_titles"]
    after = neovim_session["after_qf001"]
    assert after == MODULE.replace('"""Molecules."""\n\nimport pandas\n\n', '"""Molecules."""\n\n').replace(
        '    """The mean."""\n', '    """The mean."""\n    import pandas\n\n'
    )


def test_the_qf002_quick_fix_writes_none(neovim_session: dict[str, Any]) -> None:
    _completed(neovim_session, "QF002 quick fix")
    after = neovim_session["after_qf002"]
    assert after == neovim_session["after_qf001"].replace(
        "def reset(count: int):", "def reset(count: int) -> None:"
    )


def test_the_fix_all_fixes_the_safe_rest_and_leaves_the_unsafe_one(neovim_session: dict[str, Any]) -> None:
    _completed(neovim_session, "fix-all")
    assert neovim_session["fix_all_title"] == "Fix all safe qemlflow-lint fixes (2 findings)"
    assert neovim_session["after_fix_all"] == (
        neovim_session["after_qf002"]
        .replace("def clear(names: list[str]):", "def clear(names: list[str]) -> None:")
        .replace("def log(message: str):", "def log(message: str) -> None:")
    )
    # the bare except's fix is unsafe: not in the fix-all, and its finding stays
    assert [item["code"] for item in neovim_session["final_diagnostics"]] == ["QF004"]


def test_the_import_cost_shows_the_measured_milliseconds(neovim_session: dict[str, Any]) -> None:
    _completed(neovim_session, "import cost")
    ((hint,),) = [neovim_session["inlay_hints"]]
    assert hint["line"] == 2
    match = re.fullmatch(r"slowdep: (\d+) ms · (\d+) modules?", hint["label"])
    assert match is not None, hint
    assert int(match.group(1)) >= 45  # it sleeps 50 ms at import
    assert neovim_session["code_lenses"] == [{"line": 2, "title": hint["label"]}]
