"""One configuration, ``[tool.qemlflow-lint]``, read alike by flake8, pylint and the CLI;
each tool's own options override it for that tool only; mistakes are clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest

from tests.frontends import FRONT_ENDS, Reported, cli_command, run_in_process

SOURCE = dedent(
    '''\
    """A module of a project configured only through pyproject.toml."""
    import json
    import torch


    def untyped(x):
        """Documented but untyped."""
        return json.dumps(x), torch
    '''
)


def _project(tmp_path: Path, config: str, files: dict[str, str] | None = None) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text(dedent(config), encoding="utf-8")
    for name, text in (files or {"pkg/mod.py": SOURCE, "pkg/__init__.py": '"""Package."""\n'}).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def _all_front_ends(project: Path, *paths: str) -> dict[str, list[tuple[str, int, str]]]:
    targets = list(paths) or ["pkg"]
    return {
        name: [(r.path, r.line, r.code) for r in run(targets, cwd=project)]
        for name, run in FRONT_ENDS.items()
    }


def _same_everywhere(results: dict[str, list[tuple[str, int, str]]]) -> list[tuple[str, int, str]]:
    assert results["flake8"] == results["cli"], results
    assert results["pylint"] == results["cli"], results
    return results["cli"]


#: The settings of the project that every setting below changes.
BASE_CONFIG = """\
[tool.qemlflow-lint]
select = ["QF001", "QF002"]
extend-heavy-modules = ["json"]
"""
#: Each setting, added to BASE_CONFIG, and the ``(path, line)`` findings it leaves.
SETTINGS = {
    "ignore": ('ignore = ["QF002"]', {("pkg/mod.py", 2), ("pkg/mod.py", 3)}),
    "heavy-modules": ('heavy-modules = ["json"]', {("pkg/mod.py", 2), ("pkg/mod.py", 6)}),
    "per-file-ignores": ('per-file-ignores = { "pkg/mod.py" = ["QF001"] }', {("pkg/mod.py", 6)}),
    "exclude": ('exclude = ["pkg/mod.py"]', set()),
}
#: The projects of the tests below that run the three front ends with no option of their own,
#: each a folder with its own configuration: one run of each front end checks them all, and
#: each project's findings come out as that project alone gives them.
PROJECTS: dict[str, tuple[str, dict[str, str] | None, list[str]]] = {
    "base": (BASE_CONFIG, None, ["pkg"]),
    **{name: (BASE_CONFIG + setting + "\n", None, ["pkg/mod.py"]) for name, (setting, _) in SETTINGS.items()},
    "nearest": (
        '[tool.qemlflow-lint]\nselect = ["QF001"]\n',
        {
            "pkg/__init__.py": '"""A package."""\n',
            "pkg/mod.py": SOURCE,
            "sub/pyproject.toml": '[tool.qemlflow-lint]\nselect = ["QF002"]\n',
            "sub/mod.py": SOURCE,
            "other/pyproject.toml": "[project]\nname = 'no-table-here'\n",
            "other/__init__.py": '"""A package."""\n',
            "other/mod.py": SOURCE,
        },
        ["pkg/mod.py", "sub/mod.py", "other/mod.py"],
    ),
}


@pytest.fixture(scope="module")
def findings_by_project(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[str, int, str]]]:
    """The findings of every project of PROJECTS (paths relative to it), the same in every
    front end: one run of each front end over all the projects."""
    root = tmp_path_factory.mktemp("projects")
    targets: list[str] = []
    for name, (config, files, paths) in PROJECTS.items():
        _project(root / name, config, files)
        targets.extend(f"{name}/{path}" for path in paths)
    together = _same_everywhere(_all_front_ends(root, *targets))
    by_project: dict[str, list[tuple[str, int, str]]] = {name: [] for name in PROJECTS}
    for path, line, code in together:
        name, _, inside = path.partition("/")
        by_project[name].append((inside, line, code))
    return by_project


def test_pyproject_configuration_gives_the_same_findings_in_every_front_end(
    findings_by_project: dict[str, list[tuple[str, int, str]]],
) -> None:
    assert findings_by_project["base"] == [
        ("pkg/mod.py", 2, "QF001"),
        ("pkg/mod.py", 3, "QF001"),
        ("pkg/mod.py", 6, "QF002"),
    ]


@pytest.mark.parametrize("setting", list(SETTINGS))
def test_changing_one_setting_changes_all_three_front_ends(
    findings_by_project: dict[str, list[tuple[str, int, str]]], setting: str
) -> None:
    expected = SETTINGS[setting][1]
    assert {(path, line) for path, line, _ in findings_by_project[setting]} == expected


def test_the_nearest_pyproject_with_the_table_wins(
    findings_by_project: dict[str, list[tuple[str, int, str]]],
) -> None:
    assert sorted({(path, code) for path, _, code in findings_by_project["nearest"]}) == [
        ("other/mod.py", "QF001"),  # a pyproject.toml without the table is passed over
        ("pkg/mod.py", "QF001"),
        ("sub/mod.py", "QF002"),
    ]


def test_flake8_options_override_pyproject_for_flake8_only(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        """\
        [tool.qemlflow-lint]
        select = ["QF001"]
        heavy-modules = ["torch"]
        """,
    )
    (project / "setup.cfg").write_text("[flake8]\nqf-heavy-modules = json\n", encoding="utf-8")
    flake8 = FRONT_ENDS["flake8"]
    command = [sys.executable, "-m", "flake8", "--select", "QF", "pkg/mod.py"]
    done = subprocess.run(command, cwd=project, capture_output=True, text=True)
    assert "QF001 heavy module 'json'" in done.stdout and "'torch'" not in done.stdout, done.stdout
    on_command_line = flake8(["pkg/mod.py"], "--qf-heavy-modules=torch,json", cwd=project)
    assert [r.line for r in on_command_line] == [2, 3]
    assert [r.line for r in FRONT_ENDS["cli"](["pkg/mod.py"], cwd=project)] == [3]


def test_pylint_options_override_pyproject_for_pylint_only(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        """\
        [tool.qemlflow-lint]
        select = ["QF001"]
        heavy-modules = ["torch"]

        [tool.pylint.qemlflow-lint]
        qf-heavy-modules = ["json"]
        """,
    )
    command = [
        sys.executable,
        "-m",
        "pylint",
        "--load-plugins=qemlflow_lint.pylint_plugin",
        "--disable=all",
        "--enable=qemlflow-lint",
        "--score=n",
        "pkg/mod.py",
    ]
    done = subprocess.run(command, cwd=project, capture_output=True, text=True)
    assert "QF001 heavy module 'json'" in done.stdout and "'torch'" not in done.stdout, done.stdout
    assert [r.line for r in FRONT_ENDS["cli"](["pkg/mod.py"], cwd=project)] == [3]


def test_cli_flags_override_pyproject(tmp_path: Path) -> None:
    project = _project(tmp_path, '[tool.qemlflow-lint]\nselect = ["QF001"]\n')
    rows = FRONT_ENDS["cli"](["pkg/mod.py"], "--select", "QF002", cwd=project)
    assert [(r.line, r.code) for r in rows] == [(6, "QF002")]


def test_config_file_option_replaces_discovery_in_every_front_end(tmp_path: Path) -> None:
    project = _project(tmp_path, '[tool.qemlflow-lint]\nselect = ["QF001"]\n')
    (project / "lint.toml").write_text('[tool.qemlflow-lint]\nselect = ["QF002"]\n', encoding="utf-8")
    options = {
        "cli": "--config=lint.toml",
        "flake8": "--qf-config=lint.toml",
        "pylint": "--qf-config=lint.toml",
    }
    for name, run in FRONT_ENDS.items():
        rows: list[Reported] = run(["pkg/mod.py"], options[name], cwd=project)
        assert [(r.line, r.code) for r in rows] == [(6, "QF002")], name


MISTAKES = [
    pytest.param(
        "heavy_modules = ['x']",
        "unknown key 'heavy_modules' — did you mean 'heavy-modules'?",
        id="unknown-key-with-suggestion",
    ),
    pytest.param(
        "max-module-lines = 'many'",
        "'max-module-lines' must be a positive integer, got a string",
        id="wrong-type",
    ),
    pytest.param("select = ['QF999']", "'select' has unknown rule code 'QF999'", id="unknown-rule-code"),
    pytest.param(
        "per-file-ignores = { '[abc' = ['QF001'] }", "'per-file-ignores' has a bad pattern", id="bad-glob"
    ),
    pytest.param("select = 'QF001", "invalid TOML", id="invalid-toml"),
    pytest.param("exclude = [1, 2]", "'exclude' must be a list of strings, got a list", id="list-of-numbers"),
    pytest.param(
        "fix = { entry-points = 'pkg' }",
        "'fix': 'entry-points' must be a list of module names or patterns (pkg.io, pkg.*), got 'pkg'",
        id="fix-entry-points-not-a-list",
    ),
    pytest.param("fix = { entry = ['pkg'] }", "unknown key 'entry'", id="fix-unknown-key"),
]


@pytest.mark.parametrize(("line", "message"), MISTAKES)
def test_configuration_mistakes_are_one_line_errors_in_the_cli(
    tmp_path: Path, line: str, message: str
) -> None:
    project = _project(tmp_path, f"[tool.qemlflow-lint]\n{line}\n")
    done = run_in_process(["check", "pkg"], cwd=project)
    assert done.returncode == 2
    assert done.stdout == ""
    errors = done.stderr.strip().splitlines()
    assert len(errors) == 1 and "Traceback" not in done.stderr
    assert errors[0].startswith("qemlflow-lint: error: pyproject.toml") and message in errors[0], errors


def test_a_configuration_mistake_ends_the_program_with_exit_2_and_one_line(tmp_path: Path) -> None:
    # The cases above run in this interpreter; this one is the program itself.
    line, message = MISTAKES[0].values
    project = _project(tmp_path, f"[tool.qemlflow-lint]\n{line}\n")
    done = subprocess.run(cli_command("check", "pkg"), cwd=project, capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (2, "")
    errors = done.stderr.strip().splitlines()
    assert len(errors) == 1 and "Traceback" not in done.stderr
    assert errors[0].startswith("qemlflow-lint: error: pyproject.toml") and str(message) in errors[0], errors


#: The mistakes that flake8 and pylint must report loudly, each in a project of its own: one
#: run of each tool checks both projects.
LOUD_MISTAKES = {str(mistake.id): mistake.values for mistake in MISTAKES[:2]}


@pytest.fixture(scope="module")
def loud_mistakes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[str]]:
    """flake8 and pylint, each run once over a module of every project of LOUD_MISTAKES."""
    root = tmp_path_factory.mktemp("mistakes")
    for name, (line, _) in LOUD_MISTAKES.items():
        _project(root / name, f"[tool.qemlflow-lint]\n{line}\n")
    modules = [f"{name}/pkg/mod.py" for name in LOUD_MISTAKES]
    flake8 = [sys.executable, "-m", "flake8", "--select", "QF", *modules]
    pylint = [
        sys.executable,
        "-m",
        "pylint",
        "--load-plugins=qemlflow_lint.pylint_plugin",
        "--score=n",
        *modules,
    ]
    return {
        tool: subprocess.run(command, cwd=root, capture_output=True, text=True)
        for tool, command in (("flake8", flake8), ("pylint", pylint))
    }


@pytest.mark.parametrize("mistake", list(LOUD_MISTAKES))
def test_configuration_mistakes_fail_flake8_and_pylint_loudly(
    loud_mistakes: dict[str, subprocess.CompletedProcess[str]], mistake: str
) -> None:
    message = str(LOUD_MISTAKES[mistake][1])
    flake8, pylint = loud_mistakes["flake8"], loud_mistakes["pylint"]
    ours = [line for line in flake8.stdout.splitlines() if line.startswith(f"{mistake}/pkg/mod.py:")]
    assert flake8.returncode == 1 and len(ours) == 1, flake8.stdout
    assert f"QF000 configuration error: {mistake}/pyproject.toml" in ours[0] and message in ours[0]
    assert pylint.returncode & 1, "a fatal message makes pylint exit with bit 1 set"
    fatal = [line for line in pylint.stdout.splitlines() if line.startswith(f"{mistake}/pkg/mod.py:")]
    assert any("F7700" in line and message in line for line in fatal), pylint.stdout


def test_config_command_shows_values_and_where_they_came_from(tmp_path: Path) -> None:
    project = _project(tmp_path, '[tool.qemlflow-lint]\nselect = ["QF001"]\nmax-module-lines = 500\n')
    done = run_in_process(["config", "pkg", "--ignore", "QF002"], cwd=project)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("# configuration file:") and "pyproject.toml" in lines[0]
    assert 'select = ["QF001"]  # from pyproject.toml [tool.qemlflow-lint]' in lines
    assert "max-module-lines = 500  # from pyproject.toml [tool.qemlflow-lint]" in lines
    assert 'ignore = ["QF002"]  # from command line' in lines
    assert any(line.startswith("heavy-modules = [") and line.endswith("# from default") for line in lines)
    as_json = run_in_process(["config", "pkg", "--format", "json"], cwd=project)
    payload = json.loads(as_json.stdout)
    assert payload["values"]["max-module-lines"] == {
        "value": 500,
        "from": "pyproject.toml [tool.qemlflow-lint]",
    }
