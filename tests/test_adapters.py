"""The flake8 and pylint plugins, run exactly as a user or an editor runs them.

They must report what the CLI reports (same line, column, code and message), read the
text the host tool hands them (editors send unsaved buffers on stdin), honour the same
suppression comments, stay quiet on standard output and cost almost nothing to import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Optional

import pytest

from frontends import PYLINT_SYMBOLS, Reported, run_cli, run_flake8, run_pylint

MODULE = "pkg/mod.py"
MODULE_TEXT = textwrap.dedent(
    """\
    import os
    import torch
    import pandas  # noqa: QF001
    import scipy  # noqa:QF002
    from sklearn import (
        svm,
    )  # noqa
    import jax  # NOQA


    def transform(x):
        return os.fspath(x)


    class Model:
        def fit(self, data) -> None:  # noqa: QF002
            pass

        def predict(self, data):
            return data
    """
)
#: (line, code) of every finding in MODULE_TEXT that no comment suppresses.
EXPECTED = [(2, "QF001"), (4, "QF001"), (5, "QF001"), (11, "QF002"), (19, "QF002")]
CLEAN_TEXT = "import os\n\n\ndef name(path: str) -> str:\n    return os.path.basename(path)\n"


def _rows(reported: list[Reported]) -> list[tuple[str, int, int, str, str]]:
    """Everything a front end printed, message included (``Reported`` ignores it in ``==``)."""
    return [(r.path, r.line, r.col, r.code, r.message) for r in reported]


def _write_project(root: Path, text: str = MODULE_TEXT) -> Path:
    (root / "pkg").mkdir(parents=True, exist_ok=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / MODULE).write_text(text, encoding="utf-8")
    return root


def _pylint(cwd: Path, *args: str, stdin: Optional[str] = None) -> subprocess.CompletedProcess[str]:
    """pylint with the plugin loaded and only our messages enabled, output left raw."""
    command = [
        sys.executable, "-m", "pylint", "--rcfile=/dev/null" if os.name != "nt" else "--rcfile=NUL",
        "--load-plugins=qemlflow_lint.pylint_plugin", "--disable=all", f"--enable={PYLINT_SYMBOLS}",
        "--score=n", "--persistent=n", *args,
    ]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Reported]]:
    """MODULE_TEXT through each front end, once."""
    root = _write_project(tmp_path_factory.mktemp("project"))
    return {
        "cli": run_cli([MODULE], cwd=root),
        "flake8": run_flake8([MODULE], cwd=root),
        "pylint": run_pylint([MODULE], cwd=root),
    }


# --- flake8 ------------------------------------------------------------------------------------


def test_flake8_reports_what_the_cli_reports(reported: dict[str, list[Reported]]) -> None:
    assert _rows(reported["flake8"]) == _rows(reported["cli"])


def test_flake8_applies_noqa_comments(reported: dict[str, list[Reported]]) -> None:
    assert [(r.line, r.code) for r in reported["flake8"]] == EXPECTED


def test_flake8_on_stdin_reports_like_the_cli(tmp_path: Path) -> None:
    # The display name points to a file that does not exist: only the piped text counts.
    display = ["--stdin-display-name", MODULE]
    flake8 = run_flake8(["-"], *display, stdin=MODULE_TEXT, cwd=tmp_path)
    cli = run_cli(["-"], "--stdin-filename", MODULE, stdin=MODULE_TEXT, cwd=tmp_path)
    assert not (tmp_path / MODULE).exists()
    assert [(r.line, r.code) for r in flake8] == EXPECTED
    assert _rows(flake8) == _rows(cli)


def test_flake8_plugin_checks_the_stdin_text_not_the_file_on_disk(tmp_path: Path) -> None:
    _write_project(tmp_path, "import torch\n")
    flake8 = run_flake8(["-"], "--stdin-display-name", MODULE, stdin="import os\n\nimport pandas\n", cwd=tmp_path)
    assert [(r.path, r.line, r.code) for r in flake8] == [(MODULE, 3, "QF001")]
    assert "'pandas'" in flake8[0].message


def test_flake8_stdin_display_name_decides_whether_it_is_a_test_file(tmp_path: Path) -> None:
    text = "import torch\ndef f(x): ...\n"
    assert run_flake8(["-"], "--stdin-display-name", "tests/test_mod.py", stdin=text, cwd=tmp_path) == []
    assert len(run_flake8(["-"], "--stdin-display-name", "pkg/mod.py", stdin=text, cwd=tmp_path)) == 2


# --- pylint ------------------------------------------------------------------------------------


def test_pylint_reports_what_the_cli_reports(reported: dict[str, list[Reported]]) -> None:
    assert [(r.line, r.code) for r in reported["pylint"]] == EXPECTED
    assert _rows(reported["pylint"]) == _rows(reported["cli"])


def test_pylint_from_stdin_checks_the_stdin_text_not_the_file_on_disk(tmp_path: Path) -> None:
    _write_project(tmp_path, CLEAN_TEXT)
    pylint = run_pylint([], "--from-stdin", MODULE, stdin=MODULE_TEXT, cwd=tmp_path)
    cli = run_cli(["-"], "--stdin-filename", MODULE, stdin=MODULE_TEXT, cwd=tmp_path)
    assert [(r.line, r.code) for r in pylint] == EXPECTED
    assert _rows(pylint) == _rows(cli)


def test_pylint_message_ids_use_prefix_77_and_texts_start_with_the_qf_code(tmp_path: Path) -> None:
    _write_project(tmp_path)
    done = _pylint(tmp_path, "--msg-template={msg_id} {symbol} {msg}", MODULE)
    messages = [line for line in done.stdout.splitlines() if not line.startswith("*")]
    assert [line.split()[:3] for line in messages] == [
        ["W7701", "heavy-top-level-import", "QF001"],
        ["W7701", "heavy-top-level-import", "QF001"],
        ["W7701", "heavy-top-level-import", "QF001"],
        ["C7702", "untyped-public-def", "QF002"],
        ["C7702", "untyped-public-def", "QF002"],
    ]


def test_pylint_honours_noqa_and_its_own_disable_comments(tmp_path: Path) -> None:
    _write_project(tmp_path, textwrap.dedent(
        """\
        import torch  # noqa: QF001
        import pandas  # pylint: disable=heavy-top-level-import
        import scipy  # noqa
        import jax  # noqa: QF002
        def f(x): ...  # pylint: disable=untyped-public-def
        def g(x): ...
        """
    ))
    assert [(r.line, r.code) for r in run_pylint([MODULE], cwd=tmp_path)] == [(4, "QF001"), (6, "QF002")]


def test_pylint_list_msgs_shows_our_messages(tmp_path: Path) -> None:
    done = _pylint(tmp_path, "--list-msgs")
    assert done.returncode == 0, done.stderr
    assert ":heavy-top-level-import (W7701):" in done.stdout
    assert ":untyped-public-def (C7702):" in done.stdout


@pytest.mark.parametrize("tool", ["flake8", "pylint"])
def test_plugins_print_nothing_on_clean_code(tmp_path: Path, tool: str) -> None:
    _write_project(tmp_path, CLEAN_TEXT)
    if tool == "flake8":
        command = [sys.executable, "-m", "flake8", "--isolated", "--select", "QF", MODULE]
        done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    else:
        done = _pylint(tmp_path, MODULE)
    assert (done.returncode, done.stdout) == (0, ""), done.stderr


# --- import cost ---------------------------------------------------------------------------------

LOADED_BY = """\
import json, sys
before = set(sys.modules)
{statements}
json.dump(sorted(set(sys.modules) - before), sys.stderr)
"""


def _modules_loaded_by(statements: str) -> set[str]:
    """Top-level names of the modules that ``statements`` load in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", LOADED_BY.format(statements=statements)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr
    return {name.split(".")[0] for name in json.loads(done.stderr)}


needs_stdlib_names = pytest.mark.skipif(sys.version_info < (3, 10), reason="sys.stdlib_module_names is 3.10+")


@needs_stdlib_names
def test_flake8_plugin_loads_only_the_standard_library() -> None:
    loaded = _modules_loaded_by(textwrap.dedent(
        """\
        import ast
        from qemlflow_lint.flake8_plugin import Flake8Plugin
        text = "import torch\\ndef f(x): ...\\n"
        found = [r[2][:5] for r in Flake8Plugin(ast.parse(text), "pkg/mod.py", text.splitlines(True)).run()]
        assert found == ["QF001", "QF002"], found
        """
    ))
    assert "qemlflow_lint" in loaded
    assert sorted(loaded - set(sys.stdlib_module_names) - {"qemlflow_lint"}) == []


@needs_stdlib_names
def test_pylint_plugin_loads_only_pylint_and_its_own_dependencies() -> None:
    allowed = _modules_loaded_by("import pylint.checkers, pylint.lint")
    loaded = _modules_loaded_by("import qemlflow_lint.pylint_plugin")
    assert {"qemlflow_lint", "pylint"} <= loaded
    assert sorted(loaded - allowed - set(sys.stdlib_module_names) - {"qemlflow_lint"}) == []
