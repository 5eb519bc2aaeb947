"""The rule registry is the one source of truth, and it is well formed."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import get_args

import pytest

from qemlflow_lint.report.rule_docs import explain_text, rule_table, weights_table
from qemlflow_lint.rules.base import (
    MAIN_FILES,
    MORE,
    MOST,
    NONE,
    PACKAGE_INITS,
    PART,
    SAME,
    SCRIPTS,
    TEST_FILES,
    Category,
    Rule,
    Unit,
)
from qemlflow_lint.rules.registry import all_rules, find_rule
from qemlflow_lint.score.profile import default_profile
from tests.frontends import REPO

RULES = all_rules()
README = REPO / "README.md"
SCORE_PAGE = REPO / "docs" / "score.md"
SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Options")


def test_codes_symbols_and_pylint_ids_are_unique() -> None:
    for attribute in ("code", "symbol", "pylint_id"):
        values = [getattr(rule, attribute) for rule in RULES]
        assert len(values) == len(set(values)), f"duplicate {attribute}: {values}"


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_rule_declaration_is_complete(rule: type[Rule]) -> None:
    assert re.fullmatch(r"QF\d{3}", rule.code)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)+", rule.symbol)
    # one checker prefix (77) for every message; the last two digits follow the rule number
    assert re.fullmatch(r"[CRWEF]77\d\d", rule.pylint_id)
    number = int(rule.code[2:])
    assert int(rule.pylint_id[3:]) == (number if number < 100 else number - 50)
    assert rule.summary and not rule.summary.endswith(".")
    assert rule.unit in get_args(Unit) and rule.category in get_args(Category)  # for rules mypy does not see
    # everything else about the rule is declared on it too
    assert rule.weight > 0 and rule.weight_reason and not rule.weight_reason.endswith(".")
    assert "{path}" in rule.fix
    assert rule.ruff.coverage in {SAME, MOST, MORE, PART, NONE} and rule.ruff.differences
    assert (rule.ruff.coverage == NONE) == (not rule.ruff.codes)
    assert rule.exempt_files <= {TEST_FILES, MAIN_FILES, PACKAGE_INITS, SCRIPTS}
    assert all(option.help and option.kind for option in rule.options)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_rule_documentation_has_every_section(rule: type[Rule]) -> None:
    text = explain_text(rule)
    positions = [text.find(section) for section in SECTIONS]
    assert all(p >= 0 for p in positions), f"{rule.code} lacks a section: {positions}"
    assert positions == sorted(positions), f"{rule.code} sections out of order"
    assert "```python" in text


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_rules_are_found_by_code_and_symbol(rule: type[Rule]) -> None:
    assert find_rule(rule.code) is rule
    assert find_rule(rule.code.lower()) is rule
    assert find_rule(rule.symbol) is rule


def test_every_rule_module_declares_exactly_one_rule() -> None:
    modules = sorted(
        p.stem
        for p in (REPO / "qemlflow_lint" / "rules").glob("*.py")
        if p.stem not in {"__init__", "base", "registry"}
    )
    assert sorted(rule.__module__.rsplit(".", 1)[-1] for rule in RULES) == modules
    assert all(rule.__module__.endswith(rule.symbol.replace("-", "_")) for rule in RULES)


def test_readme_rule_table_is_generated_from_the_registry() -> None:
    readme = README.read_text(encoding="utf-8")
    table = re.search(r"<!-- rule-table:.*?-->\n(.*?)<!-- end rule-table -->", readme, re.S)
    assert table is not None, "README lost its rule-table markers"
    assert table.group(1) == rule_table(RULES), (
        "README rule table is stale: paste `qemlflow-lint rules --format markdown`"
    )


def test_score_page_weights_table_is_the_default_profile() -> None:
    page = SCORE_PAGE.read_text(encoding="utf-8")
    table = re.search(r"<!-- weights-table:.*?-->\n(.*?)<!-- end weights-table -->", page, re.S)
    assert table is not None, "docs/score.md lost its weights-table markers"
    assert table.group(1) == weights_table()
    assert f"`{default_profile().name}` v{default_profile().version}" in page


@pytest.mark.slow
def test_every_generated_block_and_page_of_the_docs_is_current() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "docs" / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


#: The weights of each released version of the default profile: a weight may change only
#: with a new version (adding a rule adds its weight to the current version).
PROFILE_WEIGHTS = {
    2: {
        "QF001": 3.0,
        "QF002": 2.0,
        "QF003": 1.0,
        "QF004": 2.0,
        "QF005": 1.0,
        "QF006": 2.0,
        "QF007": 2.0,
        "QF008": 1.0,
        "QF101": 3.0,
        "QF102": 2.0,
    },
}


def test_a_weight_changes_only_with_a_new_profile_version() -> None:
    pinned = PROFILE_WEIGHTS.get(default_profile().version)
    assert pinned is not None, (
        f"record the weights of profile v{default_profile().version} in PROFILE_WEIGHTS"
    )
    weights = dict(default_profile().weights)
    assert {code: weights[code] for code in pinned} == pinned


def test_the_default_profile_weighs_and_explains_every_rule() -> None:
    assert [code for code, _ in default_profile().weights] == [rule.code for rule in RULES]
    assert [code for code, _ in default_profile().reasons] == [rule.code for rule in RULES]
    assert all(weight > 0 for _, weight in default_profile().weights)
