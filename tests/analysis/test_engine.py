"""The engine API in-process: unit counts, ordering, deep code, configuration and the
helpers the rules lean on. Front-end behaviour is covered by the subprocess tests."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from qemlflow_lint.analysis.engine import literal_all
from qemlflow_lint.config.errors import ConfigError
from qemlflow_lint.config.loading import with_values
from qemlflow_lint.model.heavy import match_heavy
from qemlflow_lint.model.modules import module_name as module_name_for
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.rules.registry import enabled_rules
from qemlflow_lint.run.file import analyse_source
from tests.frontends import per_file_codes, project_codes

HEAVY_MODULE = "import torch\n"
PER_FILE_RULES = set(per_file_codes())
PROJECT_RULES = set(project_codes())
EVERY_RULE = PER_FILE_RULES | PROJECT_RULES


def _codes(text: str, path: str = "pkg/mod.py", config: Settings | None = None) -> list[str]:
    return [f.code for f in analyse_source(text, path, config or Settings()).findings]


# --- unit counts (the score's denominators) -------------------------------------------


@pytest.mark.parametrize(
    ("path", "units"),
    [
        pytest.param("pkg/mod.py", 1, id="an-ordinary-module-is-one-unit"),
        pytest.param("pkg/__init__.py", 1, id="a-package-init-is-one-unit"),
        pytest.param("pkg/test_mod.py", 0, id="a-test-file-is-not-counted"),
        pytest.param("pkg/conftest.py", 0, id="conftest-is-not-counted"),
        pytest.param("tests/helpers.py", 0, id="a-file-under-tests-is-not-counted"),
        pytest.param("pkg/__main__.py", 0, id="main-module-is-not-counted"),
    ],
)
def test_qf001_counts_one_unit_per_checked_module(path: str, units: int) -> None:
    result = analyse_source(HEAVY_MODULE, path, Settings())
    assert result.units["QF001"] == units
    assert [f.code for f in result.findings if f.code == "QF001"] == ["QF001"] * units


PUBLIC_DEFS = """\
from typing import no_type_check, overload

def public(x): ...
def _private(x): ...
def outer() -> None:
    def nested(x): ...
class Public:
    def method(self, x): ...
    def _helper(self, x): ...
    def __call__(self, x): ...
    class Inner:
        def deep(self): ...
class _Hidden:
    def method(self, x): ...
@overload
def conv(x: int) -> int: ...
@overload
def conv(x: str) -> str: ...
def conv(x): return x
@no_type_check
def loose(x): ...
async def fetch(url): ...
"""


def test_qf002_counts_every_public_def_but_not_overload_implementations() -> None:
    result = analyse_source(PUBLIC_DEFS, "pkg/mod.py", Settings())
    # public, outer, Public.method, Public.__call__, Public.Inner.deep, two conv stubs, fetch
    assert result.units["QF002"] == 8
    reported = [f.message.split("'")[1] for f in result.findings if f.code == "QF002"]
    assert reported == ["public", "Public.method", "Public.__call__", "Public.Inner.deep", "fetch"]


def test_qf002_counts_only_names_listed_in_a_literal_all() -> None:
    text = '__all__ = ["listed"]\ndef listed(x): ...\ndef unlisted(x): ...\n'
    result = analyse_source(text, "pkg/mod.py", Settings())
    assert result.units["QF002"] == 1
    assert [f.line for f in result.findings if f.code == "QF002"] == [2]


def test_qf002_counts_nothing_in_test_files() -> None:
    result = analyse_source(PUBLIC_DEFS, "pkg/test_mod.py", Settings())
    assert result.units["QF002"] == 0
    assert result.findings == ()


def test_qf002_checks_a_package_init_that_is_not_saved_yet(tmp_path: Path) -> None:
    # Editors send a new package's __init__.py on stdin before it exists on disk.
    path = str(tmp_path / "newpkg" / "__init__.py")
    result = analyse_source("def f(x): ...\n", path, Settings(select=("QF002",)))
    assert [(f.line, f.code) for f in result.findings] == [(1, "QF002")]


def test_units_cover_only_the_enabled_rules() -> None:
    result = analyse_source(PUBLIC_DEFS, "pkg/mod.py", Settings(select=("QF002",)))
    assert set(result.units) == {"QF002"}


# --- findings ---------------------------------------------------------------------------


def test_findings_are_sorted_by_line_then_column_then_code_across_rules() -> None:
    text = "def a(x): ...\nimport torch; import pandas\ndef b(y): ...\nimport scipy\n"
    findings = analyse_source(text, "pkg/mod.py", Settings()).findings
    assert [(f.line, f.col, f.code) for f in findings] == [
        (1, 0, "QF002"),
        (1, 0, "QF003"),  # the module has no docstring
        (1, 0, "QF003"),  # nor has `a`
        (2, 0, "QF001"),
        (2, 14, "QF001"),
        (3, 0, "QF002"),
        (3, 0, "QF003"),
        (4, 0, "QF001"),
    ]


def test_noqa_suppressed_findings_are_dropped_and_counted() -> None:
    text = "import torch  # noqa\nimport pandas\n"
    result = analyse_source(text, "pkg/mod.py", Settings(select=("QF001",)))
    assert [(f.line, f.code) for f in result.findings] == [(2, "QF001")]
    assert result.suppressed == 1
    unsuppressed = analyse_source(text, "pkg/mod.py", Settings(select=("QF001",)), noqa=False)
    assert len(unsuppressed.findings) == 2 and unsuppressed.suppressed == 0


def _nested_ifs(depth: int) -> str:
    return "".join("    " * i + "if x:\n" for i in range(depth)) + "    " * depth + "import torch\n"


#: A left-leaning tree 100,000 deep: from 3.11 the parser gives up on it, 3.9 and 3.10 parse it.
LONG_SUM = "x = " + " + ".join(["1"] * 100_000) + "\n"
PARSER_DEPTH_LIMIT = sys.version_info >= (3, 11)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("x = " + "(" * 5000 + ")" * 5000 + "\n", id="5000-nested-parentheses"),
        pytest.param(_nested_ifs(200), id="200-nested-ifs"),
        pytest.param("x = " + "-" * 100_000 + "1\n", id="100000-nested-unary-minus"),
        pytest.param(
            LONG_SUM,
            id="100000-term-sum",
            marks=pytest.mark.skipif(not PARSER_DEPTH_LIMIT, reason="3.9 and 3.10 parse it: see below"),
        ),
        pytest.param(
            "import importlib\nm = " + "a." * 3000 + 'import_module("torch")\n',
            id="3000-deep-attribute-chain-that-parses",
        ),
    ],
)
def test_very_deep_nesting_gives_one_qf000_instead_of_a_recursion_error(text: str) -> None:
    result = analyse_source(text, "pkg/deep.py", Settings())
    assert not result.ok
    assert [f.code for f in result.findings] == ["QF000"]
    finding = result.findings[0]
    assert finding.line >= 1 and finding.col >= 0
    assert finding.message == result.error and finding.message


@pytest.mark.skipif(PARSER_DEPTH_LIMIT, reason="3.11's parser rejects it: see above")
def test_a_100000_term_sum_that_the_parser_accepts_is_analysed_without_a_recursion_error() -> None:
    result = analyse_source(LONG_SUM, "pkg/deep.py", Settings())
    assert result.ok
    assert [f.code for f in result.findings] == ["QF003"]  # a public module without a docstring


def test_nesting_below_the_limits_is_analysed_normally() -> None:
    result = analyse_source(_nested_ifs(50), "pkg/deep.py", Settings(select=("QF001",)))
    assert result.ok
    assert [(f.line, f.code) for f in result.findings] == [(51, "QF001")]


# --- configuration ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("select", "ignore", "enabled"),
    [
        pytest.param(Settings().select, (), EVERY_RULE, id="default-selects-every-rule"),
        pytest.param(("QF001",), (), {"QF001"}, id="select-by-code"),
        pytest.param(("QF00",), (), PER_FILE_RULES, id="select-by-prefix"),
        pytest.param(("QF",), ("QF002",), EVERY_RULE - {"QF002"}, id="ignore-by-code"),
        pytest.param(("QF",), ("QF0",), PROJECT_RULES, id="ignore-by-prefix"),
        pytest.param(("QF001",), ("QF0",), {"QF001"}, id="longer-select-beats-shorter-ignore"),
        pytest.param(
            ("QF0",), ("QF001",), PER_FILE_RULES - {"QF001"}, id="longer-ignore-beats-shorter-select"
        ),
        pytest.param(("QF001",), ("QF001",), set(), id="ignore-wins-a-tie"),
        pytest.param((), (), set(), id="empty-select-runs-nothing"),
    ],
)
def test_select_and_ignore_match_codes_like_flake8(
    select: tuple[str, ...], ignore: tuple[str, ...], enabled: set[str]
) -> None:
    config = Settings(select=select, ignore=ignore)
    assert {code for code in EVERY_RULE if config.is_enabled(code)} == enabled
    assert {rule.code for rule in enabled_rules(config)} == enabled


def test_extend_select_adds_to_select() -> None:
    config = Settings(select=("QF001",), extend_select=("QF004",))
    assert {rule.code for rule in enabled_rules(config)} == {"QF001", "QF004"}


def test_overrides_normalise_case_and_spaces() -> None:
    config = with_values(Settings(), {"select": [" qf001 "], "ignore": ["qf0"]}, "test")
    assert config.select == ("QF001",) and config.ignore == ("QF0",)


@pytest.mark.parametrize("bad", ["XYZ", "E501", "QF1234", "QF-1"])
def test_a_bad_code_is_a_config_error_naming_it(bad: str) -> None:
    with pytest.raises(ConfigError, match=bad):
        with_values(Settings(), {"select": [bad]}, "test")


def test_heavy_module_overrides_replace_or_extend_the_list() -> None:
    replaced = with_values(Settings(), {"heavy-modules": ["numpy"]}, "test")
    assert replaced.all_heavy_modules == ("numpy",)
    extended = with_values(Settings(), {"extend-heavy-modules": ["numpy", "torch"]}, "test")
    assert extended.all_heavy_modules[-1] == "numpy"
    assert extended.all_heavy_modules.count("torch") == 1
    with pytest.raises(ConfigError, match="not-a-module"):
        with_values(Settings(), {"heavy-modules": ["not-a-module"]}, "test")


# --- helpers the rules rely on -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        pytest.param("__all__ = ['a', 'b']", {"a", "b"}, id="list"),
        pytest.param("__all__ = ('a',)", {"a"}, id="tuple"),
        pytest.param("__all__: list[str] = ['a']", {"a"}, id="annotated"),
        pytest.param("__all__ = []", set(), id="empty"),
        pytest.param("__all__ = ['a']\n__all__ += ['b']", {"a", "b"}, id="augmented"),
        pytest.param("__all__ = ['a']\n__all__.extend(['b'])", {"a", "b"}, id="extend"),
        pytest.param("__all__ = ['a']\n__all__.append('b')", {"a", "b"}, id="append"),
        pytest.param("__all__ = ['a']\n__all__ = ['b']", {"b"}, id="reassignment-replaces"),
        pytest.param("x = 1", None, id="absent"),
        pytest.param("__all__ = names()", None, id="computed"),
        pytest.param("__all__ = ['a', NAME]", None, id="non-literal-element"),
        pytest.param("__all__ = ['a']\n__all__ += other.__all__", None, id="computed-extension"),
        pytest.param("def f():\n    __all__ = ['a']", None, id="not-at-module-level"),
    ],
)
def test_literal_all(text: str, names: set[str] | None) -> None:
    found = literal_all(ast.parse(text))
    assert found == (None if names is None else frozenset(names))


@pytest.fixture
def package_tree(tmp_path: Path) -> Path:
    for init in ("pkg/__init__.py", "pkg/sub/__init__.py", "plain/pkg2/__init__.py"):
        (tmp_path / init).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / init).write_text("")
    (tmp_path / "pkg/sub/mod.py").write_text("")
    (tmp_path / "loose.py").write_text("")
    return tmp_path


@pytest.mark.parametrize(
    ("relative", "module"),
    [
        pytest.param("pkg/sub/mod.py", "pkg.sub.mod", id="module-in-a-subpackage"),
        pytest.param("pkg/sub/__init__.py", "pkg.sub", id="subpackage-init"),
        pytest.param("pkg/__init__.py", "pkg", id="package-init"),
        pytest.param("pkg/sub/unsaved.py", "pkg.sub.unsaved", id="file-not-on-disk-yet"),
        pytest.param("pkg/new/__init__.py", "pkg.new", id="package-init-not-on-disk-yet"),
        pytest.param("loose.py", "loose", id="module-outside-any-package"),
        pytest.param("plain/pkg2/mod.py", "pkg2.mod", id="stops-at-a-folder-without-init"),
    ],
)
def test_module_name_for(package_tree: Path, relative: str, module: str) -> None:
    assert module_name_for(str(package_tree / relative)) == module


@pytest.mark.parametrize(
    ("module", "entries", "matched"),
    [
        pytest.param("torch", ["torch"], "torch", id="the-module-itself"),
        pytest.param("torch.nn.functional", ["torch"], "torch", id="a-submodule"),
        pytest.param("torchvision", ["torch"], None, id="a-longer-name-is-not-a-submodule"),
        pytest.param("tor", ["torch"], None, id="a-shorter-name-is-not-the-module"),
        pytest.param("scipy.stats.norm", ["scipy", "scipy.stats"], "scipy.stats", id="longest-wins"),
        pytest.param(
            "scipy.stats.norm", ["scipy.stats", "scipy"], "scipy.stats", id="longest-wins-in-any-order"
        ),
        pytest.param("scipy.linalg", ["scipy.stats", "scipy"], "scipy", id="falls-back-to-the-parent"),
        pytest.param("numpy", [], None, id="empty-list"),
    ],
)
def test_match_heavy(module: str, entries: list[str], matched: str | None) -> None:
    assert match_heavy(module, frozenset(entries)) == matched
