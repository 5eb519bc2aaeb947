"""The flake8 and pylint plugins, run exactly as a user or an editor runs them.

They must report what the CLI reports (same line, column, code and message), read the
text the host tool hands them (editors send unsaved buffers on stdin), honour the same
suppression comments, stay quiet on standard output and cost almost nothing to import.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pkgutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from qemlflow_lint.rules.registry import all_rules
from tests.frontends import (
    PYLINT_SYMBOLS,
    REPO,
    Reported,
    every_rule_source,
    fixture_files,
    per_file_codes,
    run_cli,
    run_flake8,
    run_pylint,
)

MODULE = "pkg/mod.py"
MODULE_TEXT = textwrap.dedent(
    '''\
    """Fits the model."""
    import os
    import torch
    import pandas  # noqa: QF001
    import scipy  # noqa:QF002
    from sklearn import (
        svm,
    )  # noqa
    import jax  # NOQA


    def transform(x):
        """The path of x."""
        return os.fspath(x)


    class Model:
        """A model."""

        def fit(self, data) -> None:  # noqa: QF002
            """Fit the model to data."""

        def predict(self, data):
            """Predict from data."""
            return data
    '''
)
#: (line, code) of every finding in MODULE_TEXT (with every rule on) that no comment suppresses.
EXPECTED = [(3, "QF001"), (5, "QF001"), (6, "QF001"), (12, "QF002"), (23, "QF002")]
CLEAN_TEXT = textwrap.dedent(
    '''\
    """File names."""
    import os


    def name(path: str) -> str:
        """The last component of path."""
        return os.path.basename(path)
    '''
)
#: A module that breaks every per-file rule exactly once, and their codes (in code order).
EVERY_RULE_TEXT = every_rule_source()
EVERY_RULE_CODES = per_file_codes()


def _rows(reported: list[Reported]) -> list[tuple[str, int, int, str, str]]:
    """Everything a front end printed, message included (``Reported`` ignores it in ``==``)."""
    return [(r.path, r.line, r.col, r.code, r.message) for r in reported]


def _write_project(root: Path, text: str = MODULE_TEXT) -> Path:
    (root / "pkg").mkdir(parents=True, exist_ok=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / MODULE).write_text(text, encoding="utf-8")
    return root


def _pylint(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """pylint with the plugin loaded and only our messages enabled, output left raw."""
    command = [
        sys.executable,
        "-m",
        "pylint",
        "--rcfile=/dev/null" if os.name != "nt" else "--rcfile=NUL",
        "--load-plugins=qemlflow_lint.pylint_plugin",
        "--disable=all",
        f"--enable={PYLINT_SYMBOLS}",
        "--score=n",
        "--persistent=n",
        *args,
    ]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, cwd=cwd, timeout=300)


#: A module beside MODULE that breaks every per-file rule once: pylint checks both in one run.
EVERY_RULE_MODULE = "pkg/every.py"
#: pylint's line for a message, with its id and symbol after the message.
_PYLINT_TEMPLATE = "--msg-template={path}:{line}:{column}: {msg} [{msg_id} {symbol}]"


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Reported]]:
    """MODULE_TEXT through each front end, once; pylint's run also checks EVERY_RULE_MODULE
    ("pylint ids" holds its messages, each message followed by its id and symbol)."""
    root = _write_project(tmp_path_factory.mktemp("project"))
    (root / EVERY_RULE_MODULE).write_text(EVERY_RULE_TEXT, encoding="utf-8")
    pylint = run_pylint([MODULE, EVERY_RULE_MODULE], _PYLINT_TEMPLATE, cwd=root)
    return {
        "cli": run_cli([MODULE], cwd=root),
        "flake8": run_flake8([MODULE], cwd=root),
        "pylint": [
            dataclasses.replace(row, message=row.message.rsplit(" [", 1)[0])
            for row in pylint
            if row.path == MODULE
        ],
        "pylint ids": [row for row in pylint if row.path == EVERY_RULE_MODULE],
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
    unsaved = '"""Not saved yet."""\n\nimport pandas\n'
    flake8 = run_flake8(["-"], "--stdin-display-name", MODULE, stdin=unsaved, cwd=tmp_path)
    assert [(r.path, r.line, r.code) for r in flake8] == [(MODULE, 3, "QF001")]
    assert "'pandas'" in flake8[0].message


def test_flake8_stdin_display_name_decides_whether_it_is_a_test_file(tmp_path: Path) -> None:
    text = "import torch\ndef f(x): ...\n"
    select = ["--select", "QF001,QF002"]  # after the runner's `--select QF`, so it wins
    in_tests = run_flake8(
        ["-"], *select, "--stdin-display-name", "tests/test_mod.py", stdin=text, cwd=tmp_path
    )
    in_package = run_flake8(["-"], *select, "--stdin-display-name", "pkg/mod.py", stdin=text, cwd=tmp_path)
    assert in_tests == []
    assert [r.code for r in in_package] == ["QF001", "QF002"]


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


def test_pylint_message_ids_use_prefix_77_and_texts_start_with_the_qf_code(
    reported: dict[str, list[Reported]],
) -> None:
    ids = [row.message.rsplit(" [", 1)[1].rstrip("]").split() for row in reported["pylint ids"]]
    shown = sorted(
        (row.code, message_id, symbol) for row, (message_id, symbol) in zip(reported["pylint ids"], ids)
    )
    assert shown == [
        (rule.code, rule.pylint_id, rule.pylint_symbol) for rule in all_rules() if not rule.project
    ]
    assert all(message_id[1:3] == "77" for _, message_id, _ in shown)
    # pylint owns `bare-except` and `wildcard-import`, so QF004 and QF005 take a `qf-` symbol.
    symbols = {code: symbol for code, _, symbol in shown}
    assert (symbols["QF004"], symbols["QF005"]) == ("qf-bare-except", "qf-wildcard-import")


def test_pylint_honours_noqa_and_its_own_disable_comments(tmp_path: Path) -> None:
    _write_project(
        tmp_path,
        textwrap.dedent(
            """\
        import torch  # noqa: QF001
        import pandas  # pylint: disable=heavy-top-level-import
        import scipy  # noqa
        import jax  # noqa: QF002
        def f(x): ...  # pylint: disable=untyped-public-def
        def g(x): ...
        from os.path import *  # pylint: disable=qf-wildcard-import
        """
        ),
    )
    reported = run_pylint([MODULE], "--disable=undocumented-public-api", cwd=tmp_path)
    assert [(r.line, r.code) for r in reported] == [(4, "QF001"), (6, "QF002")]


def test_pylint_list_msgs_shows_our_messages(tmp_path: Path) -> None:
    done = _pylint(tmp_path, "--list-msgs")
    assert done.returncode == 0, done.stderr
    for message in [
        ":heavy-top-level-import (W7701):",
        ":untyped-public-def (C7702):",
        ":undocumented-public-api (C7703):",
        ":qf-bare-except (W7704):",
        ":qf-wildcard-import (W7705):",
        ":import-time-side-effect (W7706):",
        ":swallowed-exception (W7707):",
        ":oversized-module (C7708):",
    ]:
        assert message in done.stdout


@pytest.mark.parametrize("tool", ["flake8", "pylint"])
def test_plugins_print_nothing_on_clean_code(tmp_path: Path, tool: str) -> None:
    _write_project(tmp_path, CLEAN_TEXT)
    if tool == "flake8":
        command = [sys.executable, "-m", "flake8", "--isolated", "--select", "QF", MODULE]
        done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    else:
        done = _pylint(tmp_path, MODULE)
    assert (done.returncode, done.stdout) == (0, ""), done.stderr


# --- parallel runs -----------------------------------------------------------------------------

#: Every fixture this Python can parse, as the front ends print its path (run from the checkout).
FIXTURE_PATHS = [os.path.relpath(path, REPO) for path in fixture_files()]
#: Project rules need the whole project: only the CLI reports them.
PROJECT_CODES = {rule.code for rule in all_rules() if rule.project}


@pytest.fixture(scope="module")
def fixtures_through_the_cli() -> list[tuple[str, int, int, str, str]]:
    """The CLI's findings on every fixture, project rules left out."""
    return [row for row in _rows(run_cli(FIXTURE_PATHS, "--no-cache")) if row[3] not in PROJECT_CODES]


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("tool", ["flake8", "pylint"])
def test_plugins_report_every_fixture_once_in_one_process_or_two(
    tool: str, jobs: int, fixtures_through_the_cli: list[tuple[str, int, int, str, str]]
) -> None:
    # Both tools give each worker a copy of what the main process set up (the options read,
    # the plugins loaded): the plugin must neither lose its configuration there nor report
    # twice (pylint 3.0-4.0 call a plugin's register() again in each worker).
    runner = run_flake8 if tool == "flake8" else run_pylint
    assert _rows(runner(FIXTURE_PATHS, "--jobs", str(jobs))) == fixtures_through_the_cli


# --- import cost ---------------------------------------------------------------------------------

LOADED_BY = """\
import json, sys
before = set(sys.modules)
{statements}
json.dump(sorted(set(sys.modules) - before), sys.stderr)
"""


def _modules_loaded_by(statements: str, cwd: Path) -> set[str]:
    """Top-level names of the modules that ``statements`` load in a fresh interpreter.

    ``cwd`` should be an empty folder: a project without configuration, so no
    ``pyproject.toml`` of the checkout is read (which needs ``tomli`` before Python 3.11).
    """
    done = subprocess.run(
        [sys.executable, "-c", LOADED_BY.format(statements=statements)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr
    return {name.split(".")[0] for name in json.loads(done.stderr)}


def _standard_library() -> set[str]:
    """Top-level names of the standard library: ``sys.stdlib_module_names`` from 3.10; on 3.9
    the built-in modules and what lies in the standard library's own folders."""
    if sys.version_info >= (3, 10):
        return set(sys.stdlib_module_names)
    stdlib = sysconfig.get_paths()["stdlib"]
    folders = [stdlib, os.path.join(stdlib, "lib-dynload")]
    return set(sys.builtin_module_names) | {module.name for module in pkgutil.iter_modules(folders)}


STANDARD_LIBRARY = _standard_library()


def test_flake8_plugin_loads_only_the_standard_library_while_running_every_rule(tmp_path: Path) -> None:
    loaded = _modules_loaded_by(
        textwrap.dedent(
            f"""\
        import ast
        from qemlflow_lint.flake8_plugin import Flake8Plugin
        text = {EVERY_RULE_TEXT!r}
        found = [r[2][:5] for r in Flake8Plugin(ast.parse(text), "pkg/mod.py", text.splitlines(True)).run()]
        assert sorted(found) == {EVERY_RULE_CODES!r}, found
        """
        ),
        tmp_path,
    )
    assert "qemlflow_lint" in loaded
    assert sorted(loaded - STANDARD_LIBRARY - {"qemlflow_lint"}) == []


def test_pylint_plugin_loads_only_pylint_and_its_own_dependencies(tmp_path: Path) -> None:
    allowed = _modules_loaded_by("import pylint.checkers, pylint.lint", tmp_path)
    loaded = _modules_loaded_by(
        textwrap.dedent(
            f"""\
        from qemlflow_lint.pylint_plugin import QemlflowChecker
        codes = sorted(text[:5] for _, _, text in QemlflowChecker.msgs.values() if text.startswith("QF"))
        assert codes == {EVERY_RULE_CODES!r}, codes
        """
        ),
        tmp_path,
    )
    assert {"qemlflow_lint", "pylint"} <= loaded
    assert sorted(loaded - allowed - STANDARD_LIBRARY - {"qemlflow_lint"}) == []
