"""A rule is its declaration: a rule registered here, in no file of the package, reaches
every front end, the score, ``explain``, the rule's documentation page and SARIF.

This is what CONTRIBUTING's *Adding a rule* promises: the rule module (here the class
below), its fixture folder and a CHANGELOG line are all a new rule needs. The tests that
list rules take them from the registry, so none of them has to be edited either.
"""

from __future__ import annotations

import ast
import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from flake8.main.cli import main as flake8_main
from pylint.lint import Run as PylintRun

from qemlflow_lint.analysis.context import Where
from qemlflow_lint.cli import main
from qemlflow_lint.config.loading import all_options
from qemlflow_lint.pylint_plugin import QemlflowChecker
from qemlflow_lint.rules.base import Rule
from qemlflow_lint.rules.registry import all_rules, find_rule, register_rule, unregister_rule
from qemlflow_lint.score.profile import default_profile
from tests.frontends import REPO

#: Two module-level prints (lines 2 and 5); the one inside ``main`` is not at module level.
MODULE_TEXT = '"""Says hello."""\nprint("loading")\n\n\nprint("loaded")\n\n\ndef main() -> None:\n    """Greet."""\n    print("hello")\n'
REPORTED_LINES = [2, 5]


class ModuleLevelPrint(Rule):
    """``print`` called at the top level of a module.

    ## What it does
    Reports a call of ``print`` that is a statement of the module itself.

    ## Why is this bad?
    Importing the module writes to standard output.

    ## Example
    ```python
    print("loading")
    ```

    ## Use instead
    ```python
    logger.debug("loading")
    ```

    ## Options
    None.
    """

    code = "QF999"
    symbol = "module-level-print"
    category = "design"
    summary = "`print` called at the top level of a module"
    unit = "module"
    pylint_id = "W7799"
    weight = 1.0
    weight_reason = "a throwaway rule of the tests"
    fix = "remove the module-level prints of {path}"

    def begin(self, tree: ast.Module) -> None:
        """Every module is a unit."""
        self.units = 1

    def visit_Expr(self, node: ast.Expr, where: Where) -> None:
        """A ``print(...)`` statement directly in the module."""
        call = node.value
        if (
            where.scope.kind == "module"
            and isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id == "print"
        ):
            self.report(node, "`print` at module level writes to stdout on import")


def _forget_derived() -> None:
    """Clear what modules above the registry worked out from its rules."""
    default_profile.cache_clear()
    all_options.cache_clear()


@pytest.fixture
def throwaway() -> Iterator[type[Rule]]:
    """QF999 is a rule while the test runs, and is gone afterwards."""
    register_rule(ModuleLevelPrint)
    _forget_derived()
    try:
        yield ModuleLevelPrint
    finally:
        unregister_rule(ModuleLevelPrint)
        _forget_derived()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project of one module with two module-level prints, as the current folder."""
    (tmp_path / "pyproject.toml").write_text('[tool.qemlflow-lint]\nselect = ["QF999"]\n', encoding="utf-8")
    (tmp_path / "greet.py").write_text(MODULE_TEXT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_registry_has_the_rule_only_while_it_is_registered(throwaway: type[Rule]) -> None:
    assert find_rule("QF999") is throwaway and find_rule("module-level-print") is throwaway
    assert throwaway in all_rules()
    with pytest.raises(ValueError, match="QF999 is already a rule"):
        register_rule(throwaway)
    unregister_rule(throwaway)
    try:
        assert find_rule("QF999") is None and throwaway not in all_rules()
    finally:
        register_rule(throwaway)


def test_check_reports_it(throwaway: type[Rule], project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--no-cache", "greet.py"]) == 1
    out = capsys.readouterr().out
    assert [line.split(":")[1] for line in out.splitlines()] == [str(n) for n in REPORTED_LINES], out
    assert "QF999 `print` at module level writes to stdout on import" in out


def test_flake8_reports_it(throwaway: type[Rule], project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = flake8_main(["--isolated", "--select=QF", "--jobs=1", "greet.py"])
    out = capsys.readouterr().out
    assert code == 1, out
    assert out.splitlines() == [
        f"greet.py:{line}:1: QF999 `print` at module level writes to stdout on import"
        for line in REPORTED_LINES
    ]


def test_pylint_reports_it_with_its_message_id_and_symbol(
    throwaway: type[Rule], project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The plugin was imported before the rule was registered (at the top of this file): its
    # checker still knows the rule, as it reads the registry when pylint makes it.
    assert "W7799" not in QemlflowChecker.msgs
    PylintRun(
        [
            "--load-plugins=qemlflow_lint.pylint_plugin",
            "--disable=all",
            "--enable=qemlflow-lint",
            "--persistent=n",
            "--score=n",
            "--msg-template={line}:{msg_id}:{symbol}",
            "greet.py",
        ],
        exit=False,
    )
    out = capsys.readouterr().out
    reported = [line for line in out.splitlines() if not line.startswith("*")]
    assert reported == [f"{line}:W7799:module-level-print" for line in REPORTED_LINES], out


def test_score_counts_it_with_its_declared_weight(
    throwaway: type[Rule], project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["score", "--no-cache", "--format", "json", "."])
    report = json.loads(capsys.readouterr().out)
    assert set(report["rules"]) == {"QF999"}
    rule = report["rules"]["QF999"]
    assert (rule["units"], rule["violating"], rule["weight"]) == (1, 1, 1.0), rule
    assert report["score"] == 0.0


def test_explain_shows_its_documentation(throwaway: type[Rule], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "QF999"]) == 0
    out = capsys.readouterr().out
    assert "QF999 module-level-print" in out and "Importing the module writes to standard output." in out


def _docs_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_generate", REPO / "docs" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_generation_writes_its_page_and_lists_it(throwaway: type[Rule]) -> None:
    generate = _docs_generator()
    page = generate.rule_page(throwaway)
    assert page.startswith("# QF999 module-level-print") and "## Why is this bad?" in page, page
    assert "| QF999 | `module-level-print` | W7799 | design | module | 1 | — | 0.1.0 |" in page, page
    assert generate.rule_pages()[generate.RULE_PAGES / "module-level-print.md"] == page
    assert "| [QF999](module-level-print.md) | `module-level-print` |" in generate.linked_rule_table()


def test_sarif_describes_it_and_reports_its_findings(
    throwaway: type[Rule], project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["check", "--no-cache", "--format", "sarif", "greet.py"])
    run = json.loads(capsys.readouterr().out)["runs"][0]
    descriptors = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert descriptors["QF999"]["name"] == "module-level-print"
    assert descriptors["QF999"]["properties"]["tags"] == ["design"]
    assert [
        (result["ruleId"], result["locations"][0]["physicalLocation"]["region"]["startLine"])
        for result in run["results"]
    ] == [("QF999", line) for line in REPORTED_LINES]
