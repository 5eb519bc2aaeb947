"""QF001's plan asks how a module uses its imported names; given the source lines, the walk
skips the top-level statements that spell none of them, and the answer is the same."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from qemlflow_lint.analysis.names.bindings import bound_name
from qemlflow_lint.analysis.names.scopes import SourceText, _Walk, name_uses
from qemlflow_lint.analysis.names.usage import postpones_annotations

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _modules() -> list[Path]:
    found = []
    for path in sorted(FIXTURES.rglob("*.py")):
        try:
            ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue  # a fixture for a newer Python, or one that is broken on purpose
        found.append(path)
    return found


def _imported(tree: ast.Module) -> set[str]:
    return {
        bound_name(alias, node)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
        if alias.name != "*"
    }


def test_the_fixtures_are_many() -> None:
    assert len(_modules()) > 100


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_skipping_what_spells_no_watched_name_changes_no_answer(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    names = _imported(tree) | {"np", "pd", "os"}
    postponed = postpones_annotations(tree)
    lines = tuple(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    assert name_uses(tree, names, postponed, SourceText(tree, lines)) == name_uses(tree, names, postponed)


def test_only_statements_that_spell_a_watched_name_are_walked() -> None:
    fullwidth_p = "\uff50"  # ``\uff50d`` is ``pd`` once normalised, as Python does with identifiers
    text = f"import pandas as pd\n\n\ndef f():\n    return 1\n\n\n@deco(pd)\ndef g():\n    return 2\n\n\ndef h():\n    {fullwidth_p}d = 1\n"
    tree = ast.parse(text)
    walk = _Walk(tree, {"pd"}, postponed=False)
    lines = text.split("\n")
    # f never spells it; g's decorator does; h is not ASCII.
    assert [walk._may_use(statement, lines) for statement in tree.body] == [True, False, True, True]
    assert [walk._may_use(statement, ()) for statement in tree.body] == [True, True, True, True]


def test_the_text_answers_only_when_it_is_the_trees_own_and_ascii() -> None:
    tree = ast.parse("import atexit\natexit.register(close)\n")
    assert SourceText(tree, ("import atexit", "atexit.register(close)", "")).may_spell(["register"])
    assert not SourceText(tree, ("import atexit", "atexit.register(close)", "")).may_spell(["finalize"])
    for unknown in [(), ("",), ("import atexit",), ("import atexit", "atexit.register(clos\u00e9)")]:
        assert SourceText(tree, unknown).may_spell(["finalize"])


def test_a_finalizer_or_a_dynamic_read_is_found_with_the_lines_as_without() -> None:
    text = (
        "import atexit\nimport weakref\nimport pandas as pd\n\n\n@atexit.register\ndef close():\n"
        "    return pd\n\n\ndef names():\n    return globals()['pd']\n"
    )
    tree = ast.parse(text)
    with_lines = name_uses(tree, {"pd"}, False, SourceText(tree, text.split("\n")))
    assert with_lines == name_uses(tree, {"pd"}, False)
    assert with_lines["pd"].blockers  # read in a finalizer and through globals()


IMPORTS = "from typing import TYPE_CHECKING\nimport numpy as np\nimport pandas as pd\nimport scipy\n\n\n"
TESTING = """\
def f(x):
    if TYPE_CHECKING:
        pass
    while np:
        pass
    return [pd is None, not scipy]
"""
NOT_TESTING = """\
def g():
    return np.ones(3), pd.concat, scipy.linalg, TYPE_CHECKING + 1
"""


@pytest.mark.parametrize("name", ["TYPE_CHECKING", "np", "pd", "scipy"])
def test_a_read_that_tests_the_value_is_known_wherever_the_walk_meets_it(name: str) -> None:
    """``if TYPE_CHECKING:`` in a def is walked apart from other ``if`` statements; a test
    of the truth or against ``None`` is found there as in a loop, a comparison or a ``not``."""
    tree = ast.parse(IMPORTS + TESTING + "\n\n" + NOT_TESTING)
    assert name_uses(tree, [name], postponed=False)[name].none_tested


def test_reads_that_test_nothing_are_not_tested() -> None:
    uses = name_uses(
        ast.parse(IMPORTS + NOT_TESTING), ["TYPE_CHECKING", "np", "pd", "scipy"], postponed=False
    )
    assert [name for name, use in uses.items() if use.none_tested] == []
