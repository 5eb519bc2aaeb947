"""A tool the tests need but cannot find skips them on a developer's machine and fails them in
CI (see :mod:`tests.tools`)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.tools import needs_module, needs_program, ruff_command

NOWHERE = "qemlflow-no-such-tool"


@pytest.mark.parametrize(
    "need",
    [
        pytest.param(lambda: needs_module(NOWHERE.replace("-", "_"), "a test needs it"), id="module"),
        pytest.param(lambda: needs_program(NOWHERE, "a test needs it"), id="program"),
    ],
)
@pytest.mark.parametrize(
    ("ci", "outcome"),
    [("true", pytest.fail.Exception), ("TRUE", pytest.fail.Exception), ("", pytest.skip.Exception)],
    ids=["ci", "ci-upper-case", "developer"],
)
def test_a_missing_tool_skips_except_in_ci(
    need: object, ci: str, outcome: type[BaseException], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="a test needs it"):
        need()  # type: ignore[operator]


def test_a_present_tool_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    assert needs_module("json", "a test needs it") is sys.modules["json"]
    assert needs_program("python" if sys.platform != "win32" else "python.exe", "a test needs it")


def test_ruff_is_found_without_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # the test extra installs ruff next to this interpreter, on PATH or not
    monkeypatch.setenv("PATH", "")
    monkeypatch.setenv("CI", "true")
    done = subprocess.run([*ruff_command(), "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("ruff "), done.stdout + done.stderr
