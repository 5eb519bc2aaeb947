"""``qemlflow-lint ruff-config``, checked against ruff itself.

Each rule folder of ``fixtures/`` is copied, and every ``pyproject.toml`` in the copy gets the
output of ``ruff-config`` for its folder appended, as a user pastes it. ruff then runs there
next to ``qemlflow-lint check --format json``, and the findings are compared per QF rule as
``(file, line, code)``, ruff's codes mapped to QF codes through the table. ANN, D1 and D419
findings count on the line of the def or class they concern (where QF002 and QF003 report;
module findings on line 1). Fixture files written for a newer Python than the running one
(``# min-python:``) take their QF findings from their ``# expect:`` comments, which the
fixture harness holds every front end to.

The table's claims are held to: ``same`` rules differ nowhere, ``more`` rules have no finding
that only qemlflow-lint makes, and every difference is one of :data:`KNOWN` — the file, the
fixture cases (``# case:``) and the reason — and every entry of :data:`KNOWN` occurs. The one
difference common to every rule, ``# noqa: QF…`` silencing qemlflow-lint but not ruff, is
recognised on the line itself. Rules that ruff cannot check get no ruff rule at all.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

import pytest

from qemlflow_lint.cli import main
from qemlflow_lint.config.loading import with_values
from qemlflow_lint.config.toml import parse_toml
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.report.ruff import EQUIVALENTS, MORE, NONE, RUFF_ONLY, SAME, equivalent, ruff_toml
from qemlflow_lint.rules.registry import all_rules
from tests.frontends import FIXTURES, cli_command, expected_in
from tests.tools import ruff_command

RUFF_ONLY_SIDE, QF_ONLY_SIDE = "ruff only", "QF only"
#: Every differing case of the file.
ALL = "every case"


class Known(NamedTuple):
    """A known difference between ruff (with the exported configuration) and a QF rule."""

    code: str
    side: str
    path: str
    cases: str | tuple[str, ...]
    reason: str


TRY_ELSE = "S110/S112 also report a do-nothing handler of a `try` with an `else`, which selects a branch"
NOT_TOP_LEVEL = (
    "TID253 checks import statements at the top level of a module only, not in blocks or class bodies"
)
KNOWN: tuple[Known, ...] = (
    # QF001 / TID253
    Known("QF001", QF_ONLY_SIDE, "qf001/module_level_blocks.py", ALL, NOT_TOP_LEVEL),
    Known("QF001", QF_ONLY_SIDE, "qf001/module_level_except_star.py", ALL, NOT_TOP_LEVEL),
    Known("QF001", QF_ONLY_SIDE, "qf001/module_level_match.py", ALL, NOT_TOP_LEVEL),
    Known(
        "QF001",
        QF_ONLY_SIDE,
        "qf001/optional_dependencies.py",
        ALL,
        "`try: import torch / except ImportError:` is a block too: " + NOT_TOP_LEVEL,
    ),
    Known(
        "QF001",
        QF_ONLY_SIDE,
        "qf001/exempt_blocks.py",
        ALL,
        "the branches QF001 does not exempt (else of TYPE_CHECKING, if not TYPE_CHECKING, else of a main "
        "guard) are blocks: " + NOT_TOP_LEVEL,
    ),
    Known(
        "QF001",
        QF_ONLY_SIDE,
        "qf001/import_calls.py",
        ALL,
        "TID253 looks at import statements, not at importlib.import_module/__import__ calls",
    ),
    Known(
        "QF001",
        QF_ONLY_SIDE,
        "qf001/lazy_modules_list.py",
        (
            "__lazy_modules__ applies to import statements, not to importlib.import_module calls",
            "a listed module imported in a class body is always eager",
            "a listed module imported in a try block is always eager",
        ),
        "an import call, a class body and a try block: TID253 sees none of them",
    ),
    Known(
        "QF001",
        RUFF_ONLY_SIDE,
        "qf001/lazy_modules_list.py",
        ("a from-import out of a listed module is lazy", "an import statement of a listed module is lazy"),
        "TID253 does not know __lazy_modules__ (Python 3.15)",
    ),
    Known(
        "QF001",
        RUFF_ONLY_SIDE,
        "qf001/lazy_import_keyword.py",
        ALL,
        "TID253 reports PEP 810 `lazy` imports, which do not run at import (Python 3.15)",
    ),
    Known(
        "QF001",
        RUFF_ONLY_SIDE,
        "qf001/torch/__init__.py",
        ALL,
        "TID253 checks the heavy package's own modules",
    ),
    Known(
        "QF001",
        RUFF_ONLY_SIDE,
        "qf001/torch/helpers.py",
        ALL,
        "TID253 checks the heavy package's own modules",
    ),
    # QF002 / ANN
    Known("QF002", RUFF_ONLY_SIDE, "qf002/_internal/__init__.py", ALL, "ANN checks private packages"),
    Known("QF002", RUFF_ONLY_SIDE, "qf002/_internal/engine_room.py", ALL, "ANN checks private packages"),
    Known("QF002", RUFF_ONLY_SIDE, "qf002/_private_helpers.py", ALL, "ANN checks private modules"),
    Known("QF002", RUFF_ONLY_SIDE, "qf002/computed_all.py", ALL, "ANN001 checks private functions"),
    Known(
        "QF002", RUFF_ONLY_SIDE, "qf002/explicit_all.py", ALL, "ANN ignores __all__ and checks private names"
    ),
    Known(
        "QF002",
        RUFF_ONLY_SIDE,
        "qf002/parameters_and_returns.py",
        ALL,
        "ANN checks private functions and defs nested in functions",
    ),
    Known(
        "QF002",
        RUFF_ONLY_SIDE,
        "qf002/methods.py",
        ALL,
        "ANN checks private and nested methods and classes, and wants `-> None` on `__init__(self)`",
    ),
    Known(
        "QF002",
        RUFF_ONLY_SIDE,
        "qf002/aliased_all.py",
        ALL,
        "ANN checks names that are neither listed in __all__ nor named by a listed alias",
    ),
    Known(
        "QF002",
        RUFF_ONLY_SIDE,
        "qf002/overloads_and_no_type_check.py",
        ALL,
        "ANN does not honour @no_type_check",
    ),
    # QF003 / D1
    Known(
        "QF003",
        RUFF_ONLY_SIDE,
        "qf003/classes.py",
        (
            "dunder methods are exempt (__call__, __eq__, __repr__, __hash__)",
            "__new__, __init_subclass__ and __class_getitem__ are dunders too",
        ),
        "D102 wants docstrings on __call__ and __new__",
    ),
    Known("QF003", RUFF_ONLY_SIDE, "qf003/comments_only.py", ALL, "D100 reports files without statements"),
    Known("QF003", RUFF_ONLY_SIDE, "qf003/empty.py", ALL, "D100 reports empty files"),
    Known(
        "QF003", RUFF_ONLY_SIDE, "qf003/molecules/io/__init__.py", ALL, "D104 reports an empty __init__.py"
    ),
    Known(
        "QF003",
        RUFF_ONLY_SIDE,
        "qf003/decorators_setting_docstrings.py",
        ALL,
        "D102/D103 report defs whose decorator sets the docstring (functools.wraps, an argument mentioning __doc__)",
    ),
    Known(
        "QF003",
        RUFF_ONLY_SIDE,
        "qf003/docstrings_assigned_after.py",
        ALL,
        "D102/D103 do not count a docstring set by `NAME.__doc__ = …` after the definition",
    ),
    Known(
        "QF003",
        QF_ONLY_SIDE,
        "qf003/exported_alias.py",
        ALL,
        "D1 skips private names, even a private class or function exported under a public name in `__all__`",
    ),
    Known(
        "QF003",
        RUFF_ONLY_SIDE,
        "qf003/ignore_decorators/configured_decorators.py",
        ALL,
        "ruff-config does not export ignore-decorators to lint.pydocstyle.ignore-decorators",
    ),
    # QF004 / E722
    Known(
        "QF004",
        RUFF_ONLY_SIDE,
        "qf004/reraise.py",
        ALL,
        "E722 skips a bare except only when its body re-raises at the top level; QF004 also when the `raise` "
        "is inside a block of the handler",
    ),
    Known(
        "QF004",
        RUFF_ONLY_SIDE,
        "qf004/module_level_match.py",
        ALL,
        "E722 does not look for the re-raise inside a `match` case of the handler",
    ),
    # QF007 / S110, S112
    Known(
        "QF007",
        QF_ONLY_SIDE,
        "qf007/handler_bodies.py",
        ALL,
        "S110/S112 want a body of only `pass` or only `continue`: not `...`, strings or several statements",
    ),
    Known("QF007", QF_ONLY_SIDE, "qf007/except_star.py", ALL, "S110 does not report a body of `...`"),
    *(
        Known("QF007", RUFF_ONLY_SIDE, path, ALL, TRY_ELSE)
        for path in (
            "qf004/together_with_qf007/bare_except_pass.py",
            "qf007/except_star.py",
            "qf007/test_swallowed_in_tests.py",
            "qf007/try_else.py",
        )
    ),
)

_CASE = re.compile(r"#\s*case:\s*(?P<name>.+?)\s*(?:#.*)?$")
_DEF = re.compile(r"^\s*(?:async\s+def|def|class)\b")
_MIN_PYTHON = re.compile(r"^#\s*min-python:\s*(\d+)\.(\d+)", re.MULTILINE)
_EXTEND_SELECT = re.compile(r"^extend-select = \[\n(?P<body>(?:    .*\n)*)\]", re.MULTILINE)

Key = tuple[str, str, int]  # (QF code, path relative to fixtures/, line)


def _unit_line(lines: list[str], line: int, code: str) -> int:
    """The line QF002/QF003 report a finding on: the def or class it concerns, or 1."""
    if code not in ("QF002", "QF003"):
        return line
    for index in range(min(line, len(lines)) - 1, -1, -1):
        if _DEF.match(lines[index]):
            return index + 1
    return 1


def _case(lines: list[str], line: int) -> str:
    for index in range(min(line, len(lines)) - 1, -1, -1):
        match = _CASE.search(lines[index])
        if match:
            return match["name"]
    return ""


def _too_new(path: Path) -> bool:
    header = _MIN_PYTHON.search(path.read_text(encoding="utf-8"))
    return bool(header) and sys.version_info < (int(header[1]), int(header[2]))  # type: ignore[index]


def _selected(pyproject: Path) -> set[str]:
    match = _EXTEND_SELECT.search(pyproject.read_text(encoding="utf-8"))
    assert match, f"no extend-select in {pyproject}"
    return set(re.findall(r'"([A-Z]+[0-9]+)"', match["body"]))


def _nearest_pyproject(path: Path) -> Path:
    folder = path.parent
    while not (folder / "pyproject.toml").is_file():
        folder = folder.parent
    return folder / "pyproject.toml"


class Comparison(NamedTuple):
    """ruff's and qemlflow-lint's findings on the fixtures, and each file's lines."""

    ruff: set[Key]
    ours: set[Key]
    lines: dict[str, list[str]]
    selected: dict[str, set[str]]


@pytest.fixture(scope="module")
def comparison(tmp_path_factory: pytest.TempPathFactory) -> Comparison:
    """Both tools on a copy of every rule folder, each configured as a user would."""
    run_ruff = ruff_command()  # skips without ruff; fails in CI
    root = tmp_path_factory.mktemp("fixtures")
    to_qf = {code: entry.code for entry in EQUIVALENTS for code in entry.ruff}
    ruff: set[Key] = set()
    ours: set[Key] = set()
    lines: dict[str, list[str]] = {}
    selected: dict[str, set[str]] = {}

    def key(relative: str, line: int, code: str) -> Key:
        if relative not in lines:
            lines[relative] = (root / relative).read_text(encoding="utf-8").splitlines()
        return code, relative, _unit_line(lines[relative], line, code)

    for folder in sorted(FIXTURES.glob("qf[0-9]*")):
        copy = root / folder.name
        shutil.copytree(folder, copy)
        for pyproject in sorted(copy.rglob("pyproject.toml")):
            done = subprocess.run(
                cli_command("ruff-config", str(pyproject.parent)), capture_output=True, text=True, timeout=120
            )
            assert done.returncode == 0, done.stderr
            with open(pyproject, "a", encoding="utf-8") as handle:
                handle.write("\n" + done.stdout)
            selected[str(pyproject.parent.relative_to(root))] = _selected(pyproject)
        too_new = {str(p.relative_to(root)) for p in copy.rglob("*.py") if _too_new(p)}
        found = subprocess.run(
            [*run_ruff, "check", "--no-cache", "--output-format", "json", "--exit-zero", "."],
            cwd=copy,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert found.returncode == 0, found.stderr
        for finding in json.loads(found.stdout):
            path = Path(finding["filename"])
            config = _nearest_pyproject(path)
            if finding["code"] in to_qf and finding["code"] in _selected(config):
                ruff.add(key(str(path.relative_to(root)), finding["location"]["row"], to_qf[finding["code"]]))
        checked = subprocess.run(
            cli_command("check", "--format", "json", "--no-cache", "."),
            cwd=copy,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert checked.returncode in (0, 1), checked.stderr
        for finding in json.loads(checked.stdout):
            relative = f"{folder.name}/{finding['path']}"
            if relative not in too_new:
                ours.add(key(relative, finding["line"], finding["code"]))
        for relative in sorted(too_new):  # the running Python cannot parse these
            for _, line, code in expected_in(FIXTURES / relative):
                ours.add(key(relative, line, code))
    return Comparison(ruff, ours, lines, selected)


def _noqa_only_for_qf(comparison: Comparison, key: Key) -> bool:
    """True when the line carries ``# noqa: QF…`` (which ruff does not honour)."""
    _code, path, line = key
    text = comparison.lines[path][line - 1] if line <= len(comparison.lines[path]) else ""
    return bool(re.search(r"#\s*noqa:\s*[^#]*\bQF\d{3}", text))


def _noqa_only_for_ruff(comparison: Comparison, key: Key) -> bool:
    """True when the line carries ``# noqa`` with the rule's ruff code, which qemlflow-lint
    honours too unless the fixture folder turns ``noqa-equivalents`` off."""
    code, path, line = key
    text = comparison.lines[path][line - 1] if line <= len(comparison.lines[path]) else ""
    ruff_codes = equivalent(code).ruff
    listed = re.search(r"#\s*noqa:\s*([^#]*)", text)
    return listed is not None and any(ruff_code in listed.group(1) for ruff_code in ruff_codes)


def _differences(comparison: Comparison) -> dict[tuple[str, str, str], set[str]]:
    """``(code, side, path)`` → the fixture cases that differ."""
    found: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for side, keys in (
        (RUFF_ONLY_SIDE, comparison.ruff - comparison.ours),
        (QF_ONLY_SIDE, comparison.ours - comparison.ruff),
    ):
        for key in keys:
            code, path, line = key
            if side == RUFF_ONLY_SIDE and _noqa_only_for_qf(comparison, key):
                continue
            if side == QF_ONLY_SIDE and _noqa_only_for_ruff(comparison, key):
                continue
            found[(code, side, path)].add(_case(comparison.lines[path], line))
    return found


COMPARED = [entry.code for entry in EQUIVALENTS if entry.coverage != NONE]


@pytest.mark.slow
@pytest.mark.parametrize("code", COMPARED)
def test_ruff_agrees_except_for_the_known_differences(comparison: Comparison, code: str) -> None:
    agreed = {key for key in comparison.ruff & comparison.ours if key[0] == code}
    assert agreed, f"ruff and qemlflow-lint agree on no {code} finding: the comparison is broken"
    found = {k: cases for k, cases in _differences(comparison).items() if k[0] == code}
    known = {(k.code, k.side, k.path): k.cases for k in KNOWN if k.code == code}
    assert sorted(set(found) - set(known)) == [], "differences that are not known"
    assert sorted(set(known) - set(found)) == [], "known differences that no longer occur"
    for where, cases in known.items():
        if cases != ALL:
            assert found[where] == set(cases), where


@pytest.mark.parametrize("code", COMPARED)
def test_the_known_differences_match_the_tables_claims(code: str) -> None:
    sides = {k.side for k in KNOWN if k.code == code}
    coverage = equivalent(code).coverage
    if coverage == SAME:
        assert not sides
    elif coverage == MORE:
        assert sides == {RUFF_ONLY_SIDE}
    else:
        assert QF_ONLY_SIDE in sides


@pytest.mark.slow
def test_rules_ruff_cannot_check_get_no_ruff_rule(comparison: Comparison) -> None:
    for code in (entry.code for entry in EQUIVALENTS if entry.coverage == NONE):
        folder = code.lower()
        assert comparison.selected[folder] == set(), folder
        assert any(key[0] == code for key in comparison.ours), f"the {folder} fixtures report no {code}"


# --- the configuration itself ----------------------------------------------------------------


def test_every_rule_has_an_entry_and_ruff_only_rules_pair_with_one() -> None:
    assert [entry.code for entry in EQUIVALENTS] == [rule.code for rule in all_rules()]
    assert {paired for paired, _ in RUFF_ONLY.values()} <= {entry.code for entry in EQUIVALENTS}


def test_the_configuration_is_toml_with_the_effective_heavy_list_and_ignores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.qemlflow-lint]\nignore = ["QF008"]\nextend-heavy-modules = ["mypkg.tables"]\n'
        'per-file-ignores = { "scripts/*.py" = ["QF00"] }\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["ruff-config"]) == 0
    data = parse_toml(capsys.readouterr().out)
    assert data is not None
    lint = data["tool"]["ruff"]["lint"]
    assert lint["external"] == ["QF"]
    assert lint["extend-select"][:2] == ["TID253", "PLC0415"]
    assert set(lint["extend-select"]) >= {"ANN001", "D103", "E722", "F403", "S110"}
    assert lint["flake8-tidy-imports"]["banned-module-level-imports"][-1] == "mypkg.tables"
    assert "torch" in lint["flake8-tidy-imports"]["banned-module-level-imports"]
    ignores = lint["per-file-ignores"]
    assert ignores["__init__.py"] == ["F403"] and ignores["__main__.py"] == ["TID253", "PLC0415"]
    assert ignores["**/tests/**"] == ["TID253", "PLC0415", "ANN", "D1", "D419"]
    assert (
        ignores["scripts/*.py"][:3] == ["TID253", "PLC0415", "ANN001"] and "S112" in ignores["scripts/*.py"]
    )


def test_rules_switched_off_leave_their_ruff_rules_out() -> None:
    config = with_values(Settings(), {"select": ["QF004", "QF005"], "heavy-modules": ["torch"]}, "test")
    data = parse_toml(ruff_toml(config))
    assert data is not None
    assert data["tool"]["ruff"]["lint"]["extend-select"] == ["E722", "F403"]
    assert "flake8-tidy-imports" not in data["tool"]["ruff"]["lint"]
    assert data["tool"]["ruff"]["lint"]["per-file-ignores"] == {"__init__.py": ["F403"]}


def test_table_format_lists_every_rule_and_what_ruff_lacks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ruff-config", "--format", "table", os.fspath(FIXTURES / "projects" / "golden")]) == 0
    table = capsys.readouterr().out
    for rule in all_rules():
        assert f"| {rule.code} `{rule.symbol}`" in table
    assert "| QF006 `import-time-side-effect` | — | none |" in table
    assert "| — (with QF001) | PLC0415 | ruff only |" in table
    assert "`# noqa: QF004` silences qemlflow-lint only" in table
