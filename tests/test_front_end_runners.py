"""The runners in :mod:`tests.frontends` fail a test when a front end crashes, so that no
parity, self-compliance or bad-input test can pass on a crash that printed nothing to stdout.

The crashing set-up is a folder holding a stand-in ``qemlflow_lint`` package whose flake8
plugin and pylint checker raise: ``python -m`` puts the working folder first on
``sys.path``, so flake8 (through its entry point) loads the stand-in; pylint takes it
through ``--init-hook``, since it drops the working folder from ``sys.path``. The CLI runs
in the test's interpreter, so there its command raises.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Callable, NoReturn

import pytest

from qemlflow_lint import cli
from tests.frontends import FRONT_ENDS, Reported, check_finished, crash_in, write_tree

RAISES = "raise RuntimeError('the rules raised')\n"
BROKEN_BUILD = {
    "qemlflow_lint/__init__.py": '"""A build of qemlflow_lint whose rules raise."""\n',
    "qemlflow_lint/__main__.py": RAISES,
    "qemlflow_lint/flake8_plugin.py": (
        "class Flake8Plugin:\n"
        "    name = 'qemlflow-lint'\n"
        "    version = '0'\n"
        "\n"
        "    def __init__(self, tree):\n"
        "        self.tree = tree\n"
        "\n"
        "    def run(self):\n"
        f"        {RAISES}"
        "        yield\n"
    ),
    "qemlflow_lint/pylint_plugin.py": (
        "from pylint.checkers import BaseChecker\n"
        "\n"
        "\n"
        "class Checker(BaseChecker):\n"
        "    name = 'qemlflow-lint'\n"
        "    msgs = {'W7701': ('QF001 %s', 'heavy-top-level-import', 'never emitted')}\n"
        "\n"
        "    def visit_module(self, node):\n"
        f"        {RAISES}"
        "\n"
        "\n"
        "def register(linter):\n"
        "    linter.register_checker(Checker(linter))\n"
    ),
    "model.py": "import torch\n",
}


def _raises(*args: object) -> NoReturn:
    raise RuntimeError("the rules raised")


#: pylint removes the working folder from ``sys.path``; this puts it back before plugins load.
PYLINT_FINDS_THE_STAND_IN = ("--init-hook=import sys; sys.path.insert(0, '.')",)


@pytest.mark.parametrize("front_end", sorted(FRONT_ENDS))
def test_a_crashing_front_end_fails_the_runner(
    front_end: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYLINTHOME", str(tmp_path / "pylint-home"))  # its crash report goes there
    write_tree(tmp_path, BROKEN_BUILD)
    run: Callable[..., list[Reported]] = FRONT_ENDS[front_end]
    extra = PYLINT_FINDS_THE_STAND_IN if front_end == "pylint" else ()
    monkeypatch.setattr(cli, "build_parser", _raises)  # the CLI runs in this interpreter
    with pytest.raises(AssertionError, match="crashed"):
        run(["model.py"], *extra, cwd=tmp_path)


FLAKE8_PLUGIN_FAILED = (
    "model.py: \"QF\" failed during execution due to RuntimeError('the rules raised')\n"
    "Run flake8 with greater verbosity to see more details\n"
)
PYLINT_FATAL = (
    "************* Module model\n"
    "model.py:1:0: model.py: Fatal error while checking 'model.py'. Please open an issue in our "
    "bug tracker so we address this.\n"
)


@pytest.mark.parametrize(
    ("output", "sign"),
    [
        pytest.param(
            "Traceback (most recent call last):\n  File ...\nRuntimeError: x\n",
            "Traceback (most recent call last):",
            id="traceback",
        ),
        pytest.param(FLAKE8_PLUGIN_FAILED, FLAKE8_PLUGIN_FAILED.splitlines()[0], id="flake8-plugin-failed"),
        pytest.param(PYLINT_FATAL, PYLINT_FATAL.splitlines()[1], id="pylint-fatal"),
        pytest.param(
            "Exception on node <Module.model l.0> in file 'model.py'\n",
            "Exception on node <Module.model l.0> in file 'model.py'",
            id="pylint-checker-raised",
        ),
        pytest.param("model.py:1:1: QF001 heavy module 'torch'\n", None, id="a-finding"),
        pytest.param("", None, id="nothing"),
    ],
)
def test_crash_in_names_the_line_that_shows_a_crash(output: str, sign: str | None) -> None:
    assert crash_in(output) == sign


def _done(code: int, stdout: str = "", stderr: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.CompletedProcess(["tool"], code, stdout, stderr)


FINDING = "model.py:1:1: QF001 heavy module 'torch'\n"


@pytest.mark.parametrize(
    "done",
    [
        pytest.param(_done(1), id="exit-1-without-a-message"),
        pytest.param(_done(0, FINDING), id="exit-0-with-a-finding"),
        pytest.param(_done(1, FINDING, FLAKE8_PLUGIN_FAILED), id="findings-and-a-failed-plugin"),
        pytest.param(_done(2, FINDING), id="usage-error-exit-with-a-finding"),
    ],
)
def test_check_finished_rejects_what_a_crash_or_a_misreport_looks_like(
    done: subprocess.CompletedProcess[str],
) -> None:
    with pytest.raises(AssertionError):
        check_finished("tool", done, lambda code: code == 1)


@pytest.mark.parametrize("done", [_done(0), _done(1, FINDING)], ids=["clean", "findings"])
def test_check_finished_accepts_a_run_that_ended_normally(done: subprocess.CompletedProcess[str]) -> None:
    check_finished("tool", done, lambda code: code == 1)
