"""One grammar for every command: the same answer to a missing path, to a usage mistake and
to ``-o``; ``--help`` lists only what a command honours, and the docs list only options
that exist.

The walk over the parsers is the specification of each command's options: adding an option
to the shared block (``add_input_options``) adds it to every command that takes the block,
and fails here until each command's entry says it honours it (or the command stops taking
it). Every option a command lists must also be read on the way from its ``run`` function
(a static walk over the ``cli`` modules), so an option that nothing reads fails too.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from qemlflow_lint.cli import COMMANDS, build_parser, main
from qemlflow_lint.cli.common import GRAPH_KEYS, HEAVY_KEYS
from qemlflow_lint.config.loading import all_options
from tests.history.gitrepo import GitRepo

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "qemlflow_lint" / "cli"

CONFIG = {"--config", *(f"--{option.key}" for option in all_options())}
GRAPH_CONFIG = {"--config", *(f"--{key}" for key in GRAPH_KEYS)}
HEAVY_CONFIG = {"--config", *(f"--{key}" for key in HEAVY_KEYS)}
SPEED = {"--jobs", "-j", "--cache-dir", "--no-cache"}
FILES = {"--no-gitignore", "--force-exclude", *SPEED}
#: What a command that analyses files for their findings honours of the shared block.
FINDINGS_INPUT = {*CONFIG, *FILES, "--stdin-filename", "--disable-noqa"}
OUTPUT = {"-o", "--output"}

#: Every command's options: each one changes what the command does.
HONOURED: dict[str, set[str]] = {
    "check": {
        *FINDINGS_INPUT,
        *OUTPUT,
        "--baseline",
        "--format",
        "--statistics",
        "-q",
        "--quiet",
        "--exit-zero",
    },
    "score": {
        *FINDINGS_INPUT,
        *OUTPUT,
        *("--fail-under", "--score-only", "--detailed-report", "--format", "--top", "--importtime"),
        *("--no-regress", "--record", "--baseline"),
    },
    "report": {
        *FINDINGS_INPUT,
        *("--html", "--fail-under", "--top", "--trend-json", "--importtime", "--measure", "--runs"),
    },
    "trend": {
        *CONFIG,
        *FILES,
        *OUTPUT,
        *("--max-commits", "--rev-range", "--first-parent", "--config-from", "--drop", "--rule-drop"),
        *("--fail-on-drop", "--format", "--disable-noqa", "--max-file-size"),
    },
    "baseline": {*FINDINGS_INPUT, *OUTPUT, "--update", "--force"},
    # The analysis only finds the first-party modules and the heavy list: no finding
    # setting, no noqa comment and no standard input reaches a measurement.
    "importtime": {
        *GRAPH_CONFIG,
        *FILES,
        *OUTPUT,
        *("--python", "--runs", "--timeout", "--top", "--sort", "--costly-ms", "--costly-share"),
        *("--budget", "--format"),
    },
    "calibrate": {*HEAVY_CONFIG, *OUTPUT, "--python", "--runs", "--timeout", "--threshold-ms", "--write"},
    # A chain or cycle is marked where its finding reached the results: the finding
    # settings and noqa comments change the drawing. Standard input has no import graph.
    "graph": {
        *CONFIG,
        *FILES,
        *OUTPUT,
        "--disable-noqa",
        *("--format", "--heavy-only", "--depth", "--module", "--all-modules", "--show-outside"),
    },
    "config": {*CONFIG, "--format"},
    "rules": {"--format"},
    "explain": set(),
    "fix": {
        *FINDINGS_INPUT,
        *OUTPUT,
        *("--diff", "--check", "--unsafe-fixes", "--target-version", "--infer", "--entry-point"),
        *("--per-finding", "--measure", "--no-measure", "--python", "--runs", "--timeout"),
        "--exit-non-zero-on-fix",
    },
    "init": {"--fail-under", "--dry-run", "--force", "--install-from", "--typing", "--no-editors"},
    "ruff-config": {*CONFIG, "--format"},
    # Standard input and output are its transport; the editor sends the settings.
    "server": set(),
}

#: The docs page of each command (a page may describe several).
PAGES = {
    "fix.md": ("fix",),
    "report.md": ("report",),
    "trend.md": ("trend",),
    "score.md": ("score",),
    "graph.md": ("graph",),
    "import-time.md": ("importtime", "calibrate"),
    "baselines.md": ("baseline", "check", "score"),
    "init.md": ("init",),
    "ruff.md": ("ruff-config",),
    "server.md": ("server",),
    "ci.md": ("check", "score", "trend", "init"),
}


def command_parser(name: str) -> argparse.ArgumentParser:
    """The parser of one command, as ``qemlflow-lint NAME`` builds it."""
    parser = build_parser([name])
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    found: argparse.ArgumentParser = commands.choices[name]
    return found


def options_of(name: str) -> set[str]:
    """Every option string of a command, ``--help`` aside."""
    return {
        option
        for action in command_parser(name)._actions
        for option in action.option_strings
        if option not in ("-h", "--help")
    }


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_command_lists_exactly_the_options_it_honours(name: str) -> None:
    listed = options_of(name)
    assert sorted(listed - HONOURED[name]) == [], "listed, but not honoured"
    assert sorted(HONOURED[name] - listed) == [], "honoured, but not listed"


def test_importtime_and_graph_help_leave_out_what_they_ignore(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["importtime", "--help"])
    shown = capsys.readouterr().out
    for ignored in ("--stdin-filename", "--disable-noqa", "--select", "--per-file-ignores"):
        assert ignored not in shown
    with pytest.raises(SystemExit):
        main(["graph", "--help"])
    assert "--stdin-filename" not in capsys.readouterr().out


# --- every listed option is read on the way from the command's run function -------------------


class _Module:
    """One ``cli`` module: its functions and classes, and the names it imports from the others."""

    def __init__(self, path: Path) -> None:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        self.defs: dict[str, ast.AST] = {
            node.name: node
            for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        }
        self.imported: dict[str, str] = {
            alias.asname or alias.name: node.module.rsplit(".", 1)[-1]
            for node in tree.body
            if isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("qemlflow_lint.cli.")
            for alias in node.names
        }


def _is_args(node: ast.AST) -> bool:
    """``args`` or ``self.args``: the parsed command line."""
    return (isinstance(node, ast.Name) and node.id == "args") or (
        isinstance(node, ast.Attribute) and node.attr == "args"
    )


def _reads(modules: dict[str, _Module], module: str, name: str, seen: set[tuple[str, str]]) -> Iterator[str]:
    """The attributes of ``args`` read by ``module.name`` and every cli function it hands
    ``args`` to; ``*`` for a read of a computed name (the configuration flags)."""
    if (module, name) in seen or name not in modules[module].defs:
        return
    seen.add((module, name))
    for node in ast.walk(modules[module].defs[name]):
        if isinstance(node, ast.Attribute) and _is_args(node.value):
            yield node.attr
        if isinstance(node, ast.Call):
            callee = node.func.id if isinstance(node.func, ast.Name) else None
            if callee == "getattr" and node.args and _is_args(node.args[0]):
                second = node.args[1]
                named = second.value if isinstance(second, ast.Constant) else None
                yield named if isinstance(named, str) else "*"
            elif callee is not None and any(_is_args(argument) for argument in node.args):
                where = module if callee in modules[module].defs else modules[module].imported.get(callee)
                if where is not None:
                    yield from _reads(modules, where, callee, seen)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_option_is_read_by_the_command(name: str) -> None:
    modules = {path.stem: _Module(path) for path in CLI.glob("*.py")}
    parser = command_parser(name)
    run = parser.get_default("run")
    reads = set(_reads(modules, run.__module__.rsplit(".", 1)[-1], run.__name__, set()))
    config = {option.attribute for option in all_options()}
    unread = [
        action.dest
        for action in parser._actions
        if action.option_strings
        and action.dest != "help"
        and action.dest not in reads
        and not (action.dest in config and "*" in reads)
    ]
    assert unread == []


# --- the docs list only options that exist -------------------------------------------------------

_DOCUMENTED = re.compile(r"`(--?[a-z][a-z0-9-]*)")


def documented_options(page: Path) -> set[str]:
    """The options named at the start of a table row or a list item of ``page``."""
    found = set()
    for line in page.read_text(encoding="utf-8").splitlines():
        cell = line.split("|")[1] if line.startswith("|") else line[2:] if line.startswith("- ") else ""
        found.update(_DOCUMENTED.findall(cell.split(" — ")[0]))
    return found


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_documented_option_exists(page: str) -> None:
    known = set().union(*(options_of(name) for name in PAGES[page]))
    assert sorted(documented_options(ROOT / "docs" / page) - known) == []


def test_score_baseline_says_the_same_in_help_and_docs(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["score", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    docs = " ".join((ROOT / "docs" / "score.md").read_text(encoding="utf-8").split())
    for said in ("the score itself counts every finding", "print only those"):
        assert said in help_text
        assert said in docs


# --- a path that does not exist: one line, exit 2, in every command ----------------------------

MISSING = [
    ["check"],
    ["score"],
    ["report", "--html", "out.html"],
    ["baseline"],
    ["graph"],
    ["fix"],
    ["importtime", "pkg"],
    ["config"],
    ["ruff-config"],
    ["init"],
]


@pytest.mark.parametrize("command", MISSING, ids=lambda command: command[0])
def test_a_missing_path_is_one_line_and_exit_2(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pkg.py").write_text('"""A module."""\n', encoding="utf-8")
    assert main([*command, "nonexist"]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", "qemlflow-lint: error: nonexist: no such file or directory\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pkg.py"]  # nothing written


def test_trend_of_a_path_in_no_commit_and_not_on_disk_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write({"src/pkg/__init__.py": '"""A package."""\n', "src/old.py": '"""Old."""\n'})
    repo.commit("first")
    repo.write({"src/old.py": None})
    repo.commit("old.py goes")
    monkeypatch.chdir(repo.root)
    assert main(["trend", "src/nothere", "--no-cache"]) == 2
    assert capsys.readouterr().err.endswith(
        "qemlflow-lint: error: src/nothere: no such file or directory, in the working tree or in the 2 commits scored\n"
    )
    # Deleted from the working tree but in a commit scored: history, scored.
    assert main(["trend", "src/old.py", "--no-cache", "--format", "json"]) == 0
    points = json.loads(capsys.readouterr().out)["points"]
    assert [point["score"] is not None for point in points] == [True, False]


# --- usage errors --------------------------------------------------------------------------------


def test_a_usage_error_is_one_line_that_points_at_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["trend", "--max-commits", "0"])
    assert stopped.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "qemlflow-lint trend: error: argument --max-commits: expected a positive whole number, got '0' "
        "(see `qemlflow-lint trend --help`)\n"
    )


# --- explain QF000 -------------------------------------------------------------------------------


def test_explain_qf000_prints_its_documentation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "QF000"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("QF000 unreadable-file\n")
    assert "## Use instead" in out
    assert main(["explain", "unreadable-file"]) == 0


# --- -o and --format markdown ----------------------------------------------------------------------

HEAVY = (
    '"""A module."""\nimport torch\n\n\ndef zeros() -> object:\n    """Zeros."""\n    return torch.zeros(1)\n'
)


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["check", "--format", "markdown"],
        ["score"],
        ["score", "--format", "json"],
        ["fix", "--diff"],
    ],
    ids=" ".join,
)
def test_dash_o_writes_what_standard_output_would_show(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mod.py").write_text(HEAVY, encoding="utf-8")
    shown = main([*command, "mod.py", "--no-cache"])
    printed = capsys.readouterr().out
    assert printed.strip()
    assert main([*command, "mod.py", "--no-cache", "-o", "report.out"]) == shown
    assert capsys.readouterr().out == ""
    assert (tmp_path / "report.out").read_text(encoding="utf-8") == printed
    assert (tmp_path / "mod.py").read_text(encoding="utf-8") == HEAVY  # --diff wrote nothing else


def test_dash_o_into_a_missing_folder_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mod.py").write_text(HEAVY, encoding="utf-8")
    assert main(["check", "mod.py", "--no-cache", "-o", "no/such/folder/out.txt"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qemlflow-lint: error: no/such/folder/out.txt: cannot write the findings: ")
    assert err.count("\n") == 1


def test_check_format_markdown_is_a_table_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mod.py").write_text(HEAVY, encoding="utf-8")
    assert main(["check", "mod.py", "--no-cache", "--format", "markdown", "--select", "QF001"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "## qemlflow-lint",
        "",
        "**1 finding** in 1 of 1 file.",
        "",
        "### `mod.py`",
        "",
        "| line:col | rule | message |",
        "|---:|---|---|",
        "| 2:1 | QF001 `heavy-top-level-import` | ``heavy module 'torch' imported at module import time; "
        "move the import into the functions that use it (or use `lazy import` on Python 3.15+)`` |",
    ]
