"""The examples of each rule's documentation are true of the rule: every block of code under
*Example* breaks it and none under *Use instead* does.

The rule's docstring is the one source of its examples: ``explain`` prints it and
``docs/generate.py`` writes it into the rule's page. Its fixtures say the rest, case by case;
this test keeps the short examples honest against the same engine. A block that holds no
statement (only comments, as QF008's file layout) illustrates and is not run; the project
rules' examples span several files, which their fixture folders hold."""

from __future__ import annotations

import ast
import re

import pytest

from qemlflow_lint.model.settings import Settings
from qemlflow_lint.report.rule_docs import rule_doc
from qemlflow_lint.rules.base import Rule
from qemlflow_lint.rules.registry import all_rules
from qemlflow_lint.run.file import analyse_source

_BLOCK = re.compile(r"```python\n(.*?)```", re.S)
#: Each block runs as a documented library module, so QF003 sees no missing module docstring.
_HEADER = '"""An example."""\n'


def _blocks(rule: type[Rule], section: str) -> list[str]:
    """The code blocks of one section of the rule's documentation that hold a statement."""
    text = rule_doc(rule).documentation.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return [block for block in _BLOCK.findall(text) if ast.parse(block).body]


def _codes(rule: type[Rule], block: str) -> list[str]:
    found = analyse_source(_HEADER + block, "pkg/models.py", Settings(select=(rule.code,))).findings
    return [finding.code for finding in found]


PER_FILE = [rule for rule in all_rules() if not rule.project]


@pytest.mark.parametrize("rule", PER_FILE, ids=lambda rule: rule.code)
def test_every_example_breaks_the_rule(rule: type[Rule]) -> None:
    examples = _blocks(rule, "Example")
    for block in examples:
        assert rule.code in _codes(rule, block), f"{rule.code}'s example is not reported:\n{block}"


@pytest.mark.parametrize("rule", PER_FILE, ids=lambda rule: rule.code)
def test_no_block_of_use_instead_breaks_the_rule(rule: type[Rule]) -> None:
    for block in _blocks(rule, "Use instead"):
        assert _codes(rule, block) == [], f"{rule.code}'s 'Use instead' is reported:\n{block}"
