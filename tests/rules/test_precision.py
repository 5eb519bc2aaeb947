"""QF006's prefilter and its messages; QF003's decorators that set a docstring (their
units) and ``ignore-decorators``, in-process. Which statements are reported is the
fixtures' to say (``fixtures/qf006/process_wide_settings.py`` for the root logger), through
every front end."""

from __future__ import annotations

import ast
from collections.abc import Iterator

import pytest

from qemlflow_lint.analysis import at_import
from qemlflow_lint.config.errors import ConfigError
from qemlflow_lint.config.loading import with_values
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.rules import import_time_side_effect
from qemlflow_lint.run.file import analyse_source

QF003 = Settings(select=("QF003",))
QF006 = Settings(select=("QF006",))


def _lines(text: str, settings: Settings, path: str = "pkg/mod.py") -> list[int]:
    return sorted(f.line for f in analyse_source(text, path, settings).findings)


@pytest.fixture
def walked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The lines of the statements whose calls QF006 walks (after its prefilters)."""
    lines: list[int] = []
    original = at_import.import_time_calls

    def counting(statement: ast.stmt) -> Iterator[ast.Call]:
        lines.append(statement.lineno)
        return original(statement)

    monkeypatch.setattr(import_time_side_effect, "import_time_calls", counting)
    return lines


# --- QF006 -------------------------------------------------------------------------------


def test_a_module_that_imports_none_of_the_modules_is_not_walked(walked: list[int]) -> None:
    text = "import json\n\nseed(1)\nuse('Agg')\njson.random.seed(2)\nvalue = json.dumps({})\n"
    assert _lines(text, QF006) == []
    assert walked == []


def test_only_statements_that_spell_a_side_effect_are_walked(walked: list[int]) -> None:
    text = (
        "import numpy as np\n"  # 1
        "values = np.zeros(3)\n"  # 2: np alone is not enough
        "total = np.sum(values)\n"  # 3
        "input_ = np.asarray([1])\n"  # 4: "np" inside "input" is not enough either
        "np.random.seed(0)\n"  # 5
        "np.seterr(all='ignore')\n"  # 6
        "generator = np.random.default_rng(0)\n"  # 7: walked (np.random), not reported
    )
    assert _lines(text, QF006) == [5, 6]
    assert walked == [5, 6, 7]


def test_a_name_imported_from_a_module_is_spelled_alone(walked: list[int]) -> None:
    text = "from numpy.random import seed\nx = 1 + 2\nseed(0)\n"
    assert _lines(text, QF006) == [3]
    assert walked == [3]


def test_every_message_says_what_changes_for_whom() -> None:
    text = (
        "import locale, logging, os, random, signal, socket, sys\n"
        "import matplotlib\nimport numpy as np\n"
        "os.chdir('/')\nsys.stdout = None\nsys.excepthook = None\n"
        "logging.getLogger().setLevel(10)\nmatplotlib.use('Agg')\nrandom.seed(1)\n"
        "np.random.seed(1)\nnp.seterr(all='ignore')\nlocale.setlocale(locale.LC_ALL, '')\n"
        "socket.setdefaulttimeout(1)\nsignal.signal(signal.SIGINT, signal.SIG_DFL)\n"
    )
    messages = [f.message for f in analyse_source(text, "pkg/mod.py", QF006).findings]
    assert len(messages) == 11
    assert messages[3].startswith(
        "`logging.getLogger().setLevel()` at import time configures the root logger"
    )
    assert messages[6].startswith("`numpy.random.seed()` at import time")
    assert all(" at import time " in m and m.endswith("(main(), a setup function)") for m in messages)
    assert all("whole process" in m or "every program that imports this module" in m for m in messages)


# --- QF003 -------------------------------------------------------------------------------

DECORATED = """\
\"\"\"Module.\"\"\"

@wraps(other)
def copied(): pass

@set_doc(other.__doc__)
def set_from_doc(): pass

@lru_cache
def cached(): pass
"""


def test_defs_whose_decorator_sets_the_docstring_are_neither_reported_nor_counted() -> None:
    result = analyse_source(DECORATED, "pkg/mod.py", QF003)
    assert [f.line for f in result.findings] == [10]
    assert result.units["QF003"] == 2  # the module and cached()


@pytest.mark.parametrize(
    ("configured", "decorator", "ignored"),
    [
        ("mylib.docs.copy_doc", "mylib.docs.copy_doc(str)", True),
        ("mylib.docs.copy_doc", "docs.copy_doc(str)", True),
        ("mylib.docs.copy_doc", "copy_doc(str)", True),
        ("mylib.docs.copy_doc", "copy_doc", True),
        ("copy_doc", "mylib.docs.copy_doc(str)", True),
        ("copy_doc", "copy_doc", True),
        ("docs.copy_doc", "mylib.docs.copy_doc", True),
        ("mylib.docs.copy_doc", "other.copy_doc(str)", False),
        ("mylib.docs.copy_doc", "mylib.docs(str)", False),
        ("mylib.docs.copy_doc", "mylib.docs.copy_doc.extra", False),
        ("copy_doc", "copy_docs(str)", False),
        ("copy_doc", "registry['copy_doc']", False),
        ("copy_doc", "make()(str)", False),
    ],
)
def test_ignore_decorators_matches_a_dotted_ending(configured: str, decorator: str, ignored: bool) -> None:
    settings = with_values(QF003, {"ignore-decorators": [configured]}, "test")
    text = f'"""Module."""\n\n@{decorator}\ndef function(): pass\n'
    assert _lines(text, settings) == ([] if ignored else [4])


def test_ignore_decorators_is_a_list_of_dotted_names() -> None:
    with pytest.raises(ConfigError, match="not a dotted name"):
        with_values(QF003, {"ignore-decorators": ["@copy_doc"]}, "test")
