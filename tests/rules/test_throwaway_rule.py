"""A rule is three files: a rule written here, in no file of the package, reaches every front
end, the score, ``explain``, the rule's documentation page and SARIF.

The test writes exactly the files CONTRIBUTING's *Adding a rule* lists, into a scratch copy
of the repository's layout: the rule module, its fixture folder (a case file with its
``# expect:`` markers, the snapshot, the ``pyproject.toml`` that selects the rule) and the
CHANGELOG with its line. It loads the rule module as the registry would and runs the
fixture through everything; a test below holds CONTRIBUTING's list to :data:`NEW_FILES`. The
tests that list rules take them from the registry, so none of them is edited either.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from flake8.main.cli import main as flake8_main
from pylint.lint import Run as PylintRun

from qemlflow_lint.cli import main
from qemlflow_lint.config.loading import all_options
from qemlflow_lint.pylint_plugin import QemlflowChecker
from qemlflow_lint.rules.base import Rule
from qemlflow_lint.rules.registry import all_rules, find_rule, register_rule, unregister_rule
from qemlflow_lint.score.profile import default_profile
from tests.frontends import REPO, rule_trigger, write_tree
from tests.rules import test_examples as examples

CODE, SYMBOL, CASE = "QF999", "module-level-assert", "module_level_assert"
#: The files a new rule adds, as CONTRIBUTING's *Adding a rule* names them.
CHECKLIST = {
    "qemlflow_lint/rules/<symbol>.py": "the rule module",
    "fixtures/<code>/pyproject.toml": "the fixture folder selects the rule",
    "fixtures/<code>/<case>.py": "a fixture file, its findings marked `# expect:`",
    "fixtures/<code>/<case>.txt": "its snapshot",
    "CHANGELOG.md": "a line under *Unreleased*",
}
#: The rule module, as a contributor writes it.
RULE_MODULE = '''"""QF999 module-level-assert: an ``assert`` at the top level of a module."""

from __future__ import annotations

import ast

from qemlflow_lint.analysis.context import Where
from qemlflow_lint.rules.base import Rule


class ModuleLevelAssert(Rule):
    """An ``assert`` at the top level of a module.

    ## What it does
    Reports an ``assert`` statement of the module itself.

    ## Why is this bad?
    Python drops asserts under ``-O``: the check it makes on import goes with them.

    ## Example
    ```python
    assert sys.version_info >= (3, 9)
    ```

    ## Use instead
    ```python
    if sys.version_info < (3, 9):
        raise RuntimeError("needs Python 3.9")
    ```

    ## Options
    None.
    """

    code = "QF999"
    symbol = "module-level-assert"
    category = "design"
    summary = "an `assert` at the top level of a module"
    unit = "module"
    pylint_id = "W7799"
    weight = 1.0
    weight_reason = "a throwaway rule of the tests"
    fix = "raise the errors of the module-level asserts of {path}"

    def begin(self, tree: ast.Module) -> None:
        """Every module is a unit."""
        self.units = 1

    def visit_Assert(self, node: ast.Assert, where: Where) -> None:
        """An ``assert`` directly in the module."""
        if where.scope.kind == "module":
            self.report(node, "`assert` at module level is dropped under -O")
'''
#: The fixture file: the two module-level asserts are reported, the one inside ``main`` is not.
FIXTURE = (
    '"""QF999: an `assert` at the top level of a module."""\n'
    "\n"
    "# case: a module-level assert\n"
    "assert __debug__  # expect: QF999\n"
    "\n"
    "# case: an assert in a function runs only when called\n"
    "def main() -> None:\n"
    '    """Check."""\n'
    "    assert __debug__\n"
    "\n"
    "# case: a second module-level assert, after the function\n"
    "assert main  # expect: QF999\n"
)
REPORTED_LINES = [4, 12]
MESSAGE = "QF999 `assert` at module level is dropped under -O"
SNAPSHOT = "".join(f"{line}:1: {MESSAGE}\n" for line in REPORTED_LINES)
CHANGELOG_LINE = "- QF999 `module-level-assert`: an `assert` at the top level of a module.\n"


def new_files() -> dict[str, str]:
    """The files of the new rule, by their path in the repository."""
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    added = changelog.index("### Added\n", changelog.index("## [Unreleased]")) + len("### Added\n")
    fields = {"<symbol>": SYMBOL.replace("-", "_"), "<code>": CODE.lower(), "<case>": CASE}
    texts = {
        "qemlflow_lint/rules/<symbol>.py": RULE_MODULE,
        "fixtures/<code>/pyproject.toml": f'[tool.qemlflow-lint]\nselect = ["{CODE}"]\n',
        "fixtures/<code>/<case>.py": FIXTURE,
        "fixtures/<code>/<case>.txt": SNAPSHOT,
        "CHANGELOG.md": changelog[:added] + CHANGELOG_LINE + changelog[added:],
    }
    assert set(texts) == set(CHECKLIST)
    return {re.sub("<[a-z]+>", lambda m: fields[m[0]], path): text for path, text in texts.items()}


NEW_FILES = new_files()


def _load_rule(path: Path) -> type[Rule]:
    """The one ``Rule`` of a rule module, loaded under its package name as the registry would."""
    spec = importlib.util.spec_from_file_location(f"qemlflow_lint.rules.{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rules = [
        value
        for value in vars(module).values()
        if isinstance(value, type) and value.__module__ == module.__name__
    ]
    assert len(rules) == 1 and issubclass(rules[0], Rule), rules
    return rules[0]


def _forget_derived() -> None:
    """Clear what modules above the registry worked out from its rules."""
    default_profile.cache_clear()
    all_options.cache_clear()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A scratch repository layout holding the new rule's files, and nothing else."""
    return write_tree(tmp_path, NEW_FILES)


@pytest.fixture
def throwaway(checkout: Path) -> Iterator[type[Rule]]:
    """QF999, loaded from its module file, is a rule while the test runs and is gone afterwards."""
    rule = _load_rule(checkout / "qemlflow_lint" / "rules" / f"{SYMBOL.replace('-', '_')}.py")
    register_rule(rule)
    _forget_derived()
    try:
        yield rule
    finally:
        unregister_rule(rule)
        _forget_derived()


@pytest.fixture
def project(checkout: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The rule's fixture folder, as the current folder."""
    folder = checkout / "fixtures" / CODE.lower()
    monkeypatch.chdir(folder)
    return folder


def test_contributing_lists_the_files_this_test_adds() -> None:
    """CONTRIBUTING's *Adding a rule* names the files of a new rule; this test adds those
    files and no other."""
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text[text.index("## Adding a rule") :]
    section = section[: section.index("\n## ", 1)]
    listing = re.search(r"```text\n(.*?)```", section, re.S)
    assert listing is not None, "CONTRIBUTING's Adding a rule has no ```text list of files"
    listed = [line.split("#", 1)[0].strip() for line in listing[1].splitlines() if line.strip()]
    assert listed == list(CHECKLIST)


def test_the_fixture_markers_and_snapshot_agree(checkout: Path) -> None:
    folder = checkout / "fixtures" / CODE.lower()
    marked = [
        number
        for number, line in enumerate((folder / f"{CASE}.py").read_text(encoding="utf-8").splitlines(), 1)
        if f"# expect: {CODE}" in line
    ]
    assert marked == REPORTED_LINES
    assert [int(line.split(":")[0]) for line in SNAPSHOT.splitlines()] == REPORTED_LINES


def test_its_fixtures_give_the_code_that_breaks_it(throwaway: type[Rule], checkout: Path) -> None:
    """The tests that need a piece of code breaking each rule (the adapters', the editors',
    the fuzzer's) take it from the rule's fixtures: nothing to add for a new rule."""
    assert rule_trigger(CODE, checkout / "fixtures") == "assert __debug__\n"


def test_its_documented_examples_are_true_of_it(throwaway: type[Rule]) -> None:
    examples.test_every_example_breaks_the_rule(throwaway)
    examples.test_no_block_of_use_instead_breaks_the_rule(throwaway)


def test_the_changelog_line_is_under_unreleased(checkout: Path) -> None:
    text = (checkout / "CHANGELOG.md").read_text(encoding="utf-8")
    unreleased, first_release = (
        text.index("## [Unreleased]"),
        text.index("\n## [", text.index("## [Unreleased]") + 1),
    )
    assert unreleased < text.index(CHANGELOG_LINE) < first_release


def test_the_registry_has_the_rule_only_while_it_is_registered(throwaway: type[Rule]) -> None:
    assert find_rule("QF999") is throwaway and find_rule("module-level-assert") is throwaway
    assert throwaway in all_rules()
    with pytest.raises(ValueError, match="QF999 is already a rule"):
        register_rule(throwaway)
    unregister_rule(throwaway)
    try:
        assert find_rule("QF999") is None and throwaway not in all_rules()
    finally:
        register_rule(throwaway)


def test_check_reports_its_snapshot(
    throwaway: type[Rule], project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--no-cache", f"{CASE}.py"]) == 1
    out = capsys.readouterr().out
    assert out == "".join(f"{CASE}.py:{line}" for line in SNAPSHOT.splitlines(True)), out


def test_flake8_reports_it(throwaway: type[Rule], project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = flake8_main(["--isolated", "--select=QF", "--jobs=1", f"{CASE}.py"])
    out = capsys.readouterr().out
    assert code == 1, out
    assert out == "".join(f"{CASE}.py:{line}" for line in SNAPSHOT.splitlines(True)), out


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
            f"{CASE}.py",
        ],
        exit=False,
    )
    out = capsys.readouterr().out
    reported = [line for line in out.splitlines() if not line.startswith("*")]
    assert reported == [f"{line}:W7799:module-level-assert" for line in REPORTED_LINES], out


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
    assert "QF999 module-level-assert" in out and "Python drops asserts under ``-O``" in out


def _docs_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_generate", REPO / "docs" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_generation_writes_its_page_and_lists_it(throwaway: type[Rule]) -> None:
    generate = _docs_generator()
    page = generate.rule_page(throwaway)
    assert page.startswith("# QF999 module-level-assert") and "## Why is this bad?" in page, page
    assert "from `qemlflow_lint/rules/module_level_assert.py`" in page
    assert "| QF999 | `module-level-assert` | W7799 | design | module | 1 | — | 0.1.0 |" in page, page
    assert generate.rule_pages()[generate.RULE_PAGES / "module-level-assert.md"] == page
    assert "| [QF999](module-level-assert.md) | `module-level-assert` |" in generate.linked_rule_table()


def test_sarif_describes_it_and_reports_its_findings(
    throwaway: type[Rule], project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["check", "--no-cache", "--format", "sarif", f"{CASE}.py"])
    run = json.loads(capsys.readouterr().out)["runs"][0]
    descriptors = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert descriptors["QF999"]["name"] == "module-level-assert"
    assert descriptors["QF999"]["properties"]["tags"] == ["design"]
    assert [
        (result["ruleId"], result["locations"][0]["physicalLocation"]["region"]["startLine"])
        for result in run["results"]
    ] == [("QF999", line) for line in REPORTED_LINES]
