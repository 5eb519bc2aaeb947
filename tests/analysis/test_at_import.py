"""PEP 810 lazy imports on every Python: the nodes a 3.15 parser makes are built by hand here
(``ast`` marks ``lazy import`` with ``is_lazy``; ``Parser/Python.asdl`` reads
``Import(alias* names, int? is_lazy)``), and ``__lazy_modules__`` is honoured with
:data:`~qemlflow_lint.analysis.at_import.SUPPORTS_LAZY_IMPORTS` patched on. The cases are
those of the 3.15-only fixtures, so their expectations hold before 3.15 too."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from qemlflow_lint.analysis import at_import
from qemlflow_lint.analysis.at_import import is_lazy_import, lazy_modules
from qemlflow_lint.config.loading import load_config_file
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.run.file import analyse_parsed
from tests.frontends import FIXTURES, expected_in

#: ``lazy import x`` / ``lazy from x import y``, the keyword and the space after it.
_LAZY_KEYWORD = re.compile(r"^(\s*)lazy (?=import |from )")


def _alias(name: str) -> ast.alias:
    return ast.alias(name=name, asname=None)


def _marked(node: ast.Import | ast.ImportFrom, is_lazy: object) -> ast.Import | ast.ImportFrom:
    node.is_lazy = is_lazy  # type: ignore[union-attr]
    return node


@pytest.mark.parametrize(
    ("node", "lazy"),
    [
        pytest.param(_marked(ast.Import(names=[_alias("torch")]), 1), True, id="lazy-import"),
        pytest.param(
            _marked(ast.ImportFrom(module="pandas", names=[_alias("DataFrame")], level=0), 1),
            True,
            id="lazy-from-import",
        ),
        pytest.param(_marked(ast.Import(names=[_alias("torch")]), 0), False, id="eager-import"),
        pytest.param(_marked(ast.Import(names=[_alias("torch")]), None), False, id="field-left-unset"),
        pytest.param(ast.Import(names=[_alias("torch")]), False, id="python-before-3.15"),
    ],
)
def test_is_lazy_import_reads_the_is_lazy_field(node: ast.Import | ast.ImportFrom, lazy: bool) -> None:
    assert is_lazy_import(node) is lazy


def _reported(tree: ast.Module, path: Path) -> list[tuple[int, str]]:
    """What QF001 reports in ``tree``, read from the fixture at ``path`` with the fixture
    folder's configuration (QF001 alone; the folder is the project)."""
    settings = load_config_file(str(path.parent / "pyproject.toml"))
    assert settings is not None and settings.select == ("QF001",)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    return sorted((f.line, f.code) for f in analyse_parsed(tree, str(path), lines, settings))


def _expected(path: Path) -> list[tuple[int, str]]:
    return sorted((line, code) for _, line, code in expected_in(path))


def test_lazy_keyword_imports_are_not_reported() -> None:
    """fixtures/qf001/lazy_import_keyword.py without the keyword, and its imports marked as
    a 3.15 parser marks them."""
    fixture = FIXTURES / "qf001" / "lazy_import_keyword.py"
    source = fixture.read_text(encoding="utf-8").splitlines(keepends=True)
    lazy_lines = {number for number, line in enumerate(source, start=1) if _LAZY_KEYWORD.match(line)}
    tree = ast.parse("".join(_LAZY_KEYWORD.sub(r"\1", line) for line in source))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            node.is_lazy = int(node.lineno in lazy_lines)  # type: ignore[union-attr]
    assert len(lazy_lines) == 7
    assert _reported(tree, fixture) == _expected(fixture) == [(28, "QF001"), (32, "QF001")]


LAZY_MODULES_LIST = FIXTURES / "qf001" / "lazy_modules_list.py"
#: The imports of listed modules that only ``__lazy_modules__`` makes lazy.
LISTED_AND_LAZY = [(13, "QF001"), (16, "QF001"), (29, "QF001")]


def test_lazy_modules_list_makes_listed_imports_lazy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(at_import, "SUPPORTS_LAZY_IMPORTS", True)
    tree = ast.parse(LAZY_MODULES_LIST.read_bytes())
    assert lazy_modules(tree).names == {"torch", "pandas", "sklearn", "scipy", "rdkit", "sympy"}
    expected = _expected(LAZY_MODULES_LIST)
    assert len(expected) == 7 and not set(LISTED_AND_LAZY) & set(expected)
    assert _reported(tree, LAZY_MODULES_LIST) == expected


def test_lazy_modules_list_means_nothing_before_python_3_15(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(at_import, "SUPPORTS_LAZY_IMPORTS", False)
    tree = ast.parse(LAZY_MODULES_LIST.read_bytes())
    assert lazy_modules(tree) == at_import.LazyModules()
    assert _reported(tree, LAZY_MODULES_LIST) == sorted(_expected(LAZY_MODULES_LIST) + LISTED_AND_LAZY)


def test_a_star_import_of_a_listed_module_stays_eager(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # `lazy from torch import *` is a SyntaxError: __lazy_modules__ cannot make it lazy either
    monkeypatch.setattr(at_import, "SUPPORTS_LAZY_IMPORTS", True)
    source = '__lazy_modules__ = ["torch", "pandas"]\nfrom torch import *\nfrom pandas import DataFrame\n'
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    settings = Settings(select=("QF001",), root=str(tmp_path))
    findings = analyse_parsed(tree, str(tmp_path / "star.py"), lines, settings)
    assert [(f.line, f.code, f.message.split(";")[0]) for f in findings] == [
        (2, "QF001", "heavy module 'torch' imported at module import time")
    ]
