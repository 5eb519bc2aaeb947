"""The package's layers hold: import-linter's contracts pass, and no first-party import is
deferred into a function or an ``if TYPE_CHECKING:`` block, where it could hide a cycle."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.frontends import REPO

PACKAGE = REPO / "qemlflow_lint"


# The layers are the same on every Python; the acyclic_siblings contract needs import-linter
# 2.6, which needs Python 3.10 (the test extra installs it from there on).
@pytest.mark.skipif(
    sys.version_info < (3, 10), reason="import-linter 2.6 (acyclic_siblings) needs Python 3.10"
)
def test_the_import_contracts_are_kept() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
            "--no-cache",
        ],
        cwd=str(REPO),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 5 kept, 0 broken." in done.stdout, done.stdout


def _deferred_first_party_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    pending: list[tuple[ast.AST, bool]] = [(tree, False)]
    while pending:
        node, deferred = pending.pop()
        for child in ast.iter_child_nodes(node):
            inside = (
                deferred
                or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
                or (isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test))
            )
            if isinstance(child, (ast.Import, ast.ImportFrom)) and deferred:
                names = (
                    [child.module or ""]
                    if isinstance(child, ast.ImportFrom)
                    else [a.name for a in child.names]
                )
                if any(name == "qemlflow_lint" or name.startswith("qemlflow_lint.") for name in names):
                    found.append(f"{path.relative_to(REPO)}:{child.lineno}")
            pending.append((child, inside))
    return found


def test_no_first_party_import_is_deferred() -> None:
    found = [where for path in sorted(PACKAGE.rglob("*.py")) for where in _deferred_first_party_imports(path)]
    assert found == []


def test_the_deferral_check_sees_function_level_and_type_checking_imports(tmp_path: Path) -> None:
    # The check above must be able to fail.
    probe = REPO / "qemlflow_lint" / "_probe_for_the_test.py"
    probe.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from qemlflow_lint.model import settings\n"
        "def f():\n    import qemlflow_lint.rules\n",
        encoding="utf-8",
    )
    try:
        assert len(_deferred_first_party_imports(probe)) == 2
    finally:
        probe.unlink()


def test_the_tests_mirror_the_package() -> None:
    # A test folder is named after the subpackage it tests, so a newcomer finds both.
    test_folders = {path.parent.name for path in (REPO / "tests").glob("*/test_*.py")}
    subpackages = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    assert test_folders, "the tests are grouped in folders"
    assert test_folders <= subpackages, sorted(test_folders - subpackages)
    assert not list((REPO / "tests").glob("**/conftest.py")), "no sys.path set-up: tests is a package"
