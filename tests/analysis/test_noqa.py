"""``# noqa`` naming another linter's equivalent code (E722, F403, S110, S112, TID253) also
silences the QF rule it matches, the same in the CLI, flake8 and pylint, unless the
``noqa-equivalents`` setting is off; and the matching rules of :mod:`qemlflow_lint.analysis.noqa`."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Callable

import pytest

from qemlflow_lint.analysis.engine import noqa_aliases
from qemlflow_lint.analysis.noqa import comment_suppresses, names_alias, unsuppressed
from qemlflow_lint.model.findings import Finding
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.rules.bare_except import BareExcept
from qemlflow_lint.rules.heavy_top_level_import import HeavyTopLevelImport
from qemlflow_lint.rules.registry import all_rules
from qemlflow_lint.rules.swallowed_exception import SwallowedException
from qemlflow_lint.rules.wildcard_import import WildcardImport
from tests.frontends import FRONT_ENDS, Reported, run_cli, run_flake8, write_tree

#: A module with findings of every rule that has equivalents; the comment on each line
#: decides whether its finding is suppressed.
SOURCE = '''\
"""Loads the model."""
import torch  # noqa: TID253
from os.path import *  # noqa: F403
try:
    torch.load("a")
except:  # noqa: E722
    print("no model")
try:
    torch.load("b")
except ValueError:  # noqa: S110
    pass
for name in ("c", "d"):
    try:
        torch.load(name)
    except ValueError:  # noqa:S112,E501
        continue
try:
    torch.load("e")
except:  # noqa: E7
    print("no model")
try:
    torch.load("f")
except:  # noqa: E501
    print("no model")
try:
    torch.load("g")
except:  # noqa: QF004
    print("no model")
try:
    torch.load("h")
except:  # noqa
    print("no model")
import pandas, \\
    json  # noqa: TID253
'''
#: ``(line, code)`` of every finding in :data:`SOURCE` without any ``# noqa``.
EVERY_FINDING = {
    (2, "QF001"),
    (3, "QF005"),
    (6, "QF004"),
    (10, "QF007"),
    (15, "QF007"),
    (19, "QF004"),
    (23, "QF004"),
    (27, "QF004"),
    (31, "QF004"),
    (33, "QF001"),
}
#: What a ``# noqa`` naming a QF code or none at all silences, whatever the setting.
QF_NOQA = {(27, "QF004"), (31, "QF004")}
#: What the other linters' codes silence (``E7`` covers E722, as in flake8; the import on
#: line 33 is continued by a backslash, and the comment at its end covers it).
EQUIVALENT_NOQA = {(2, "QF001"), (3, "QF005"), (6, "QF004"), (10, "QF007"), (15, "QF007"), (19, "QF004")}
EQUIVALENT_NOQA |= {(33, "QF001")}

SELECT = '["QF001", "QF004", "QF005", "QF007"]'


def _project(root: Path, equivalents: str | None) -> Path:
    setting = "" if equivalents is None else f"noqa-equivalents = {equivalents}\n"
    return write_tree(
        root,
        {"pyproject.toml": f"[tool.qemlflow-lint]\nselect = {SELECT}\n{setting}", "model.py": SOURCE},
    )


def _found(rows: list[Reported]) -> set[tuple[int, str]]:
    return {(row.line, row.code) for row in rows}


#: Each value of the setting (None: not set), by the folder of its project.
SETTINGS = {"unset": None, "true": "true", "false": "false"}


@pytest.fixture(scope="module")
def found_by_setting(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, set[tuple[int, str]]]]:
    """What each front end reports in the project of each setting: one run of each front end
    over the three projects (each file takes the configuration of its own folder)."""
    root = tmp_path_factory.mktemp("noqa")
    for folder, equivalents in SETTINGS.items():
        _project(root / folder, equivalents)
    found: dict[str, dict[str, set[tuple[int, str]]]] = {}
    for name, run in FRONT_ENDS.items():
        rows = run([f"{folder}/model.py" for folder in SETTINGS], cwd=root)
        found[name] = {
            folder: {(row.line, row.code) for row in rows if row.path == f"{folder}/model.py"}
            for folder in SETTINGS
        }
    return found


@pytest.mark.parametrize("front_end", sorted(FRONT_ENDS))
@pytest.mark.parametrize("equivalents", ["unset", "true"])
def test_equivalent_codes_silence_the_qf_rule(
    found_by_setting: dict[str, dict[str, set[tuple[int, str]]]], front_end: str, equivalents: str
) -> None:
    assert found_by_setting[front_end][equivalents] == EVERY_FINDING - QF_NOQA - EQUIVALENT_NOQA


@pytest.mark.parametrize("front_end", sorted(FRONT_ENDS))
def test_the_setting_off_leaves_only_qf_codes_and_bare_noqa(
    found_by_setting: dict[str, dict[str, set[tuple[int, str]]]], front_end: str
) -> None:
    assert found_by_setting[front_end]["false"] == EVERY_FINDING - QF_NOQA


def test_the_command_line_flag_turns_it_off(tmp_path: Path) -> None:
    project = _project(tmp_path, None)
    reported = run_cli(["model.py"], "--noqa-equivalents", "false", "--no-cache", cwd=project)
    assert _found(reported) == EVERY_FINDING - QF_NOQA


@pytest.mark.parametrize("run", [run_cli, run_flake8], ids=["cli", "flake8"])
def test_disable_noqa_reports_everything(tmp_path: Path, run: Callable[..., list[Reported]]) -> None:
    project = _project(tmp_path, None)
    assert _found(run(["model.py"], "--disable-noqa", cwd=project)) == EVERY_FINDING


# --- the matching rules --------------------------------------------------------------------------


def test_rules_declare_their_equivalents() -> None:
    assert BareExcept.noqa_aliases == ("E722",)
    assert WildcardImport.noqa_aliases == ("F403",)
    assert SwallowedException.noqa_aliases == ("S110", "S112")
    assert HeavyTopLevelImport.noqa_aliases == ("TID253",)
    declared = {rule.code for rule in all_rules() if rule.noqa_aliases}
    assert declared == {"QF001", "QF004", "QF005", "QF007"}


def test_the_alias_table_follows_the_setting() -> None:
    table = noqa_aliases(all_rules(), Settings())
    assert dict(table) == {
        "QF001": ("TID253",),
        "QF004": ("E722",),
        "QF005": ("F403",),
        "QF007": ("S110", "S112"),
    }
    assert dict(noqa_aliases(all_rules(), Settings(noqa_equivalents=False))) == {}


@pytest.mark.parametrize(
    ("comment", "suppressed"),
    [
        ("# noqa: E722", True),
        ("# NOQA:E722", True),
        ("# noqa: E501, E722", True),
        ("# noqa: E501 E722", True),
        ("# noqa: E7", True),  # a listed code covers the codes it starts
        ("# noqa: E", True),  # not a code: flake8 reads a bare `# noqa`
        ("# noqa: E7221", False),
        ("# noqa: E501", False),
        ("# noqa: QF004", True),
        ("# noqa", True),
        ("", False),
    ],
)
def test_comment_suppresses_a_code_or_its_aliases(comment: str, suppressed: bool) -> None:
    assert comment_suppresses("QF004", f"except:  {comment}\n", ("E722",)) is suppressed


def test_without_aliases_only_the_own_code_counts() -> None:
    assert not comment_suppresses("QF004", "except:  # noqa: E722\n")
    assert comment_suppresses("QF004", "except:  # noqa: QF004\n")


@pytest.mark.parametrize(
    ("comment", "named"),
    [
        ("# noqa: E722", True),
        ("# noqa: E501,E722", True),
        ("# noqa: E7", True),
        ("# noqa: QF004", False),  # flake8 applies it itself
        ("# noqa", False),  # flake8 applies it itself
        ("# noqa: E501", False),
        ("", False),
    ],
)
def test_names_alias_is_what_flake8_leaves_to_the_plugin(comment: str, named: bool) -> None:
    assert names_alias(f"except:  {comment}\n", ("E722",)) is named


def _findings(source: str, *codes: tuple[int, str]) -> tuple[list[str], ast.Module, list[Finding]]:
    lines = source.splitlines(keepends=True)
    return lines, ast.parse(source), [Finding(line, 0, code, "message") for line, code in codes]


def test_unsuppressed_with_aliases_and_aliases_only() -> None:
    source = "import torch  # noqa: TID253\nimport jax  # noqa\nimport dask  # noqa: QF001\n"
    lines, tree, findings = _findings(source, (1, "QF001"), (2, "QF001"), (3, "QF001"))
    aliases = {"QF001": ("TID253",)}
    assert unsuppressed(findings, lines, tree) == findings[:1]
    assert unsuppressed(findings, lines, tree, aliases) == []
    # The flake8 plugin: only the alias is its business; flake8 applies the rest.
    assert unsuppressed(findings, lines, tree, aliases, aliases_only=True) == findings[1:]
    assert unsuppressed(findings, lines, tree, {}, aliases_only=True) == findings


def test_aliases_only_leaves_a_file_level_noqa_to_the_host() -> None:
    source = "# flake8: noqa\nimport torch\nimport jax  # noqa: TID253\n"
    lines, tree, findings = _findings(source, (2, "QF001"), (3, "QF001"))
    aliases = {"QF001": ("TID253",)}
    assert unsuppressed(findings, lines, tree, aliases) == []
    assert unsuppressed(findings, lines, tree, aliases, aliases_only=True) == findings[:1]


def test_an_alias_covers_the_lines_of_a_continued_statement() -> None:
    source = 'TEXT = """\nimport torch\n"""; import jax  # noqa: TID253\nimport dask\n'
    lines, tree, findings = _findings(source, (1, "QF001"), (3, "QF001"), (4, "QF001"))
    aliases = {"QF001": ("TID253",)}
    assert unsuppressed(findings, lines, tree, aliases, aliases_only=True) == findings[2:]
