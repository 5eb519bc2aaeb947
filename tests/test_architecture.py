"""The package's layers hold: import-linter's contracts pass, and no first-party import is
deferred into a function or an ``if TYPE_CHECKING:`` block, where it could hide a cycle."""

from __future__ import annotations

import ast
import functools
import shutil
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
    assert "Contracts: 7 kept, 0 broken." in done.stdout, done.stdout


def _deferred_first_party_imports(path: Path, top: Path = REPO) -> list[str]:
    relative = path.relative_to(top).as_posix()
    return [f"{relative}:{line}" for line in _deferred_lines(path.read_text(encoding="utf-8"))]


@functools.cache
def _deferred_lines(source: str) -> tuple[int, ...]:
    """The lines of the first-party imports of ``source`` made inside a function or an ``if
    TYPE_CHECKING:`` block (cached by the text: a copy of the package is read, not parsed)."""
    found = []
    pending: list[tuple[ast.AST, bool]] = [(ast.parse(source), False)]
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
                    found.append(child.lineno)
            pending.append((child, inside))
    return tuple(found)


def _deferred_in(package: Path) -> list[str]:
    """Every deferred first-party import of the package folder, as ``path:line`` below its parent."""
    return [
        where
        for path in sorted(package.rglob("*.py"))
        for where in _deferred_first_party_imports(path, package.parent)
    ]


#: The one module whose ``if TYPE_CHECKING:`` imports are allowed: the library API loads each
#: name it exports on first use, through its importlib table, so that importing it stays
#: cheap, and shows type checkers the names there. Nothing in the package imports it (it is
#: the top layer), so those imports cannot hide a cycle, and import-linter counts them.
LAZY_EXPORTS = PACKAGE / "api.py"


def _type_checking_lines(path: Path) -> set[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.lineno
        for block in tree.body
        if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
        for node in ast.walk(block)
        if isinstance(node, (ast.Import, ast.ImportFrom))
    }


def _lazy_export_imports() -> set[str]:
    """The library API's ``if TYPE_CHECKING:`` imports, as ``path:line``."""
    return {f"qemlflow_lint/api.py:{line}" for line in _type_checking_lines(LAZY_EXPORTS)}


def test_no_first_party_import_is_deferred() -> None:
    allowed = _lazy_export_imports()
    assert allowed, "the library API shows its names to type checkers"
    assert [where for where in _deferred_in(PACKAGE) if where not in allowed] == []


def test_the_deferral_check_sees_function_level_and_type_checking_imports(tmp_path: Path) -> None:
    # The check above must be able to fail: on a copy of the package with one more module, it
    # finds that module's two deferred imports, and nothing else.
    package = tmp_path / "qemlflow_lint"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    (package / "model" / "probe.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from qemlflow_lint.model import settings\n"
        "def f():\n    import qemlflow_lint.rules\n",
        encoding="utf-8",
    )
    allowed = _lazy_export_imports()
    assert sorted(set(_deferred_in(package)) - allowed) == [
        "qemlflow_lint/model/probe.py:3",
        "qemlflow_lint/model/probe.py:5",
    ]


def test_the_tests_mirror_the_package() -> None:
    # A test folder has the path of the subpackage it tests (tests/fix/rules/ tests
    # qemlflow_lint/fix/rules/), so a newcomer finds both.
    tests = REPO / "tests"
    test_folders = {path.parent.relative_to(tests).as_posix() for path in tests.glob("*/**/test_*.py")}
    subpackages = {path.parent.relative_to(PACKAGE).as_posix() for path in PACKAGE.glob("*/**/__init__.py")}
    assert test_folders, "the tests are grouped in folders"
    assert test_folders <= subpackages, sorted(test_folders - subpackages)
    # tests is a package: no conftest sets up sys.path (tests/conftest.py only compiles the
    # package once per session).
    conftests = list((REPO / "tests").glob("**/conftest.py"))
    assert [path.relative_to(REPO).as_posix() for path in conftests] == ["tests/conftest.py"]
    assert "sys.path" not in conftests[0].read_text(encoding="utf-8")
