"""``qemlflow-lint init``: what it writes into an existing project, that the project's own
content and comments survive byte for byte, that a second run changes nothing, and that the
commands it writes work.

The written tox ``lint`` commands and the workflow's ``run:`` commands are parsed from the
files and run as written with this environment's flake8 and qemlflow-lint. The real
``tox -e lint`` and ``pre-commit run`` also run, installing this checkout from a wheelhouse
built once per module (building needs the package index; the tools then run offline).

``init --install-from`` is proven end to end: a sample project in a fresh git repository is
set up to install qemlflow-lint from a copy of this checkout (a relative path, a git URL, a
wheel), committed and cloned, and in the clone the generated tox environment, the generated
pre-commit hooks and the workflow's steps run for real, with a wheelhouse that lacks
qemlflow-lint itself: whatever installs it got it from the source given.
"""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from qemlflow_lint import __version__
from qemlflow_lint.cli import main
from qemlflow_lint.cli.init import todays_score
from qemlflow_lint.config.toml import parse_toml
from qemlflow_lint.setup import files as setup_files
from qemlflow_lint.setup.files import Edit
from qemlflow_lint.setup.source import (
    INDEX,
    InstallSource,
    InstallSourceError,
    Running,
    installed_from,
    parse_source,
)
from tests.frontends import REPO, cli_command, write_tree
from tests.installable import (
    build_wheelhouse,
    commit_all,
    committed_snapshot,
    copy_installable,
    git,
    without_this_project,
)
from tests.setup.released import released  # noqa: F401  (autouse)
from tests.tools import missing, needs_module, needs_program

yaml = needs_module("yaml", "PyYAML comes with pre-commit, in the test extra")

PYPROJECT = """\
# The sample project's metadata.
[project]
name = "sample"  # the distribution name
version = "1.0"

[tool.black]
line-length = 100  # wide screens

# Last line: a comment.
"""
TOX_INI = """\
; tox configuration of the sample
[tox]
env_list = py

[testenv]
# the test runner
deps = pytest
commands = pytest {posargs}
"""
BAD_MODELS = (
    '"""Models."""\nimport torch\n\n\ndef fit(data):\n    """Fit."""\n    return torch.tensor(data)\n'
)
GOOD_MODELS = (
    '"""Models."""\n\n\ndef fit(data: list[float]) -> object:\n    """Fit."""\n'
    "    import torch\n\n    return torch.tensor(data)\n"
)
SAMPLE = {
    "pyproject.toml": PYPROJECT,
    "tox.ini": TOX_INI,
    "pkg/__init__.py": '"""The sample package."""\n',
    "pkg/models.py": BAD_MODELS,
    "pkg/io.py": '"""Reading files."""\n\n\ndef read(path: str) -> str:\n    """The text."""\n    return path\n',
}
#: The sample's score, counted by hand: of the default weights (QF001 3, QF002 2, QF003 1,
#: QF004 2, QF005 1, QF006 2, QF007 2, QF008 1, QF101 3, QF102 2: 19 in all), QF001 loses
#: 3 × 1/3 (torch in one of its 3 modules) and QF002 2 × 1/2 (fit, one of its 2 public
#: defs, is untyped): 100 × 17/19 = 89.47, so the gate is today's score, 89.5.
GATE = 89.5
WRITTEN = (
    "pyproject.toml",
    ".qemlflow-baseline.json",
    ".flake8",
    "tox.ini",
    ".pre-commit-config.yaml",
    ".github/workflows/qemlflow-lint.yml",
)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _init(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    code = main(["init", str(root), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture()
def sample(tmp_path: Path) -> Path:
    """A project with a commented pyproject.toml (and another tool's table), a tox.ini with
    a [testenv], and a package with one bad module."""
    project = tmp_path / "sample"
    write_tree(project, SAMPLE)
    return project


# --- what init writes ------------------------------------------------------------------------


def test_init_sets_every_tool_up_and_keeps_the_projects_text(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert todays_score(str(sample)) == 89.5  # the hand count above, to one decimal
    code, out, _ = _init(capsys, sample)
    assert code == 0
    assert [line.split(":")[0] for line in out.splitlines()[:6]] == list(WRITTEN)
    assert "pyproject.toml: updated — added [tool.qemlflow-lint]" in out
    assert f"fail-under = {GATE}; the gate is today's score, {GATE}: it fails when the score drops" in out
    assert ".qemlflow-baseline.json: created — recorded today's 2 findings" in out

    pyproject = (sample / "pyproject.toml").read_text(encoding="utf-8")
    assert pyproject.startswith(PYPROJECT)  # every byte of the original, comments included
    data = parse_toml(pyproject)
    assert data is not None
    assert data["project"] == {"name": "sample", "version": "1.0"}
    assert data["tool"]["black"] == {"line-length": 100}
    assert data["tool"]["qemlflow-lint"] == {
        "select": ["QF"],
        "packages": ["pkg"],
        "score": {"fail-under": GATE},
    }
    assert data["tool"]["pylint"] == {"main": {"load-plugins": ["qemlflow_lint.pylint_plugin"]}}
    assert "# extend-heavy-modules = " in pyproject

    tox_ini = (sample / "tox.ini").read_text(encoding="utf-8")
    assert tox_ini.startswith(TOX_INI)
    tox = configparser.RawConfigParser()
    tox.read_string(tox_ini)
    assert dict(tox["testenv"]) == {"deps": "pytest", "commands": "pytest {posargs}"}
    assert tox["testenv:lint"]["commands"].split("\n") == [
        "",
        setup_files.flake8_command("{posargs:.}"),
        "qemlflow-lint check --baseline .qemlflow-baseline.json",
        "qemlflow-lint score --baseline .qemlflow-baseline.json",
    ]
    assert tox["testenv:lint"]["deps"].strip() == f"qemlflow-lint[flake8]=={__version__}"

    flake8 = configparser.RawConfigParser()
    flake8.read_string((sample / ".flake8").read_text(encoding="utf-8"))
    assert dict(flake8["flake8"]) == {"extend-select": "QF"}

    workflow = yaml.safe_load((sample / ".github/workflows/qemlflow-lint.yml").read_text(encoding="utf-8"))
    runs = [step.get("run") for step in workflow["jobs"]["qemlflow-lint"]["steps"]]
    assert runs[-3:] == [
        "qemlflow-lint score --baseline .qemlflow-baseline.json --format github .",
        "qemlflow-lint check --baseline .qemlflow-baseline.json .",
        setup_files.flake8_command("."),
    ]


def test_pre_commit_entry_uses_the_published_hooks_definitions(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _init(capsys, sample, "--fail-under", "50")
    config = yaml.safe_load((sample / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (repo,) = config["repos"]
    assert repo["repo"] == "local"
    published = {
        hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    }
    for hook in repo["hooks"]:
        assert hook["additional_dependencies"] == [f"qemlflow-lint=={__version__}"]
        assert hook["args"] == ["--baseline", ".qemlflow-baseline.json"]
        expected = {k: v for k, v in published[hook["id"]].items() if k != "description"}
        assert {k: v for k, v in hook.items() if k not in ("additional_dependencies", "args")} == expected
    assert [hook["id"] for hook in repo["hooks"]] == list(setup_files.HOOK_IDS)


def test_docs_show_the_pre_commit_entry_that_init_writes() -> None:
    page = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(repos:\n  - repo: local\n.*?)```", page, re.DOTALL)
    assert block, "the pre-commit section of docs/ci.md has no `repo: local` example"
    shown = re.sub(r"qemlflow-lint==[^\"]+", "qemlflow-lint==VERSION", block[1])
    written = "repos:\n" + setup_files.pre_commit_repo().replace(__version__, "VERSION")
    assert yaml.safe_load(shown) == yaml.safe_load(written)


def test_a_second_run_changes_nothing(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _init(capsys, sample)
    before = _snapshot(sample)
    code, out, _ = _init(capsys, sample)
    assert code == 0
    assert _snapshot(sample) == before
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines] == list(WRITTEN)
    assert all(": unchanged — " in line for line in lines), out


def test_dry_run_writes_nothing_and_prints_the_diff_that_init_applies(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(sample)
    code, diff, err = _init(capsys, sample, "--dry-run", "--fail-under", "75")
    assert code == 0
    assert _snapshot(sample) == before
    assert "pyproject.toml: would update — " in err and ".flake8: would create — " in err
    assert "+fail-under = 75\n" in diff and "--- /dev/null\n+++ b/.flake8\n" in diff
    needs_program("git", "git applies the diff")
    patched = tmp_path / "patched"
    shutil.copytree(sample, patched)
    done = subprocess.run(
        ["git", "apply", "--unsafe-paths", "-"],
        input=diff,
        text=True,
        cwd=patched,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    _init(capsys, sample, "--fail-under", "75")
    assert _snapshot(patched) == _snapshot(sample)


def test_the_workflow_is_replaced_only_with_force(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    own = "name: our own lint workflow\non: push\njobs: {}\n"
    write_tree(sample, {".github/workflows/qemlflow-lint.yml": own})
    code, out, _ = _init(capsys, sample)
    assert code == 0
    assert (sample / ".github/workflows/qemlflow-lint.yml").read_text(encoding="utf-8") == own
    assert ".github/workflows/qemlflow-lint.yml: unchanged — left: the file differs" in out
    assert "--force replaces it" in out
    code, out, _ = _init(capsys, sample, "--force")
    assert (sample / ".github/workflows/qemlflow-lint.yml").read_text(
        encoding="utf-8"
    ) == setup_files.workflow()
    assert ".github/workflows/qemlflow-lint.yml: updated — replaced the workflow (--force)" in out


def test_existing_flake8_and_pylint_configuration_is_used_where_the_tools_read_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # flake8 reads [flake8] from setup.cfg first; pylint prefers .pylintrc to pyproject.toml.
    # CRLF line endings stay CRLF, and file modes stay as they were.
    setup_cfg = "[metadata]\r\nname = sample\r\n\r\n[flake8]\r\nmax-line-length = 100\r\n"
    pylintrc = "[MAIN]\njobs = 2\n\n[FORMAT]\nmax-line-length = 100\n"
    write_tree(tmp_path, {"setup.cfg": setup_cfg, ".pylintrc": pylintrc, "pyproject.toml": PYPROJECT})
    os.chmod(tmp_path / "setup.cfg", 0o640)
    code, out, _ = _init(capsys, tmp_path, "--fail-under", "90")
    assert code == 0
    assert "setup.cfg: updated — added extend-select = QF to [flake8]" in out
    assert not (tmp_path / ".flake8").exists()
    assert (tmp_path / "setup.cfg").read_bytes() == (setup_cfg + "extend-select = QF\r\n").encode()
    assert (tmp_path / "setup.cfg").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / ".pylintrc").read_text(encoding="utf-8") == pylintrc.replace(
        "jobs = 2\n", "jobs = 2\nload-plugins = qemlflow_lint.pylint_plugin\n"
    )
    data = parse_toml((tmp_path / "pyproject.toml").read_text(encoding="utf-8"))
    assert data is not None and "pylint" not in data["tool"]


def test_what_init_cannot_merge_safely_is_left_and_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # tox reads [tool.tox] (a new tox.ini would override it); [tool.pylint] defines main with a
    # dotted key, so a [tool.pylint.main] table would be invalid TOML.
    pyproject = '[tool.tox]\nenv_list = ["py"]\n\n[tool.pylint]\nmain.jobs = 2\n'
    write_tree(tmp_path, {"pyproject.toml": pyproject})
    code, out, _ = _init(capsys, tmp_path, "--fail-under", "50")
    assert code == 0
    assert not (tmp_path / "tox.ini").exists()
    written = (tmp_path / "pyproject.toml").read_text(encoding="utf-8")
    assert written.startswith(pyproject)
    data = parse_toml(written)
    assert data is not None and data["tool"]["pylint"] == {"main": {"jobs": 2}}
    assert 'left: add load-plugins = ["qemlflow_lint.pylint_plugin"] to [tool.pylint.main] by hand' in out
    assert "left: tox reads pyproject.toml: add a `lint` environment" in out


def test_a_bad_project_root_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _init(capsys, tmp_path / "missing")
    assert code == 2 and err.endswith("missing: no such file or directory\n")  # as in every command
    (tmp_path / "file.py").write_text("", encoding="utf-8")
    code, _, err = _init(capsys, tmp_path / "file.py")
    assert code == 2 and "not a folder" in err


# --- where the generated files install qemlflow-lint from (--install-from) -----------------------


def _installed_from(project: Path) -> dict[str, Any]:
    """What each generated file installs: tox's ``deps`` line, the pre-commit hooks'
    ``additional_dependencies`` and the workflow's ``pip install`` argument (as the shell
    splits it)."""
    tox = configparser.RawConfigParser()
    tox.read_string((project / "tox.ini").read_text(encoding="utf-8"))
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    workflow = yaml.safe_load((project / setup_files.WORKFLOW_PATH).read_text(encoding="utf-8"))
    (install,) = [
        step["run"]
        for step in workflow["jobs"]["qemlflow-lint"]["steps"]
        if "pip install" in step.get("run", "")
    ]
    command = shlex.split(install)
    assert command[:4] == ["python", "-m", "pip", "install"] and len(command) == 5, install
    return {
        "tox": tox["testenv:lint"]["deps"].strip(),
        "pre-commit": [hook["additional_dependencies"] for repo in config["repos"] for hook in repo["hooks"]],
        "workflow": command[4],
    }


WHEEL = f"qemlflow_lint-{__version__}-py3-none-any.whl"
SOURCES: list[Any] = [
    pytest.param(
        None,
        f"qemlflow-lint[flake8]=={__version__}",
        f"qemlflow-lint=={__version__}",
        f"qemlflow-lint[flake8]=={__version__}",
        id="default-the-package-index",
    ),
    pytest.param(
        "qemlflow-lint[pylint]>=0.1",
        "qemlflow-lint[pylint,flake8]>=0.1",
        "qemlflow-lint[pylint]>=0.1",
        "qemlflow-lint[pylint,flake8]>=0.1",
        id="requirement",
    ),
    pytest.param(
        "git+https://github.com/org/qemlflow-lint@v0.1.0",
        "qemlflow-lint[flake8] @ git+https://github.com/org/qemlflow-lint@v0.1.0",
        "qemlflow-lint @ git+https://github.com/org/qemlflow-lint@v0.1.0",
        "qemlflow-lint[flake8] @ git+https://github.com/org/qemlflow-lint@v0.1.0",
        id="git-url",
    ),
    pytest.param(
        "../qemlflow-lint",
        "../qemlflow-lint[flake8]",
        "{tmp}/qemlflow-lint",  # pre-commit installs from its own folder: absolute
        "../qemlflow-lint[flake8]",
        id="checkout-outside-the-project",
    ),
    pytest.param(
        f"wheels/{WHEEL}",
        f"wheels/{WHEEL}[flake8]",
        f"{{tmp}}/sample/wheels/{WHEEL}",
        f"wheels/{WHEEL}[flake8]",
        id="wheel-inside-the-project",
    ),
]


@pytest.mark.parametrize(("given", "tox", "pre_commit", "workflow"), SOURCES)
def test_install_from_names_one_source_in_every_generated_file(
    sample: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    given: str | None,
    tox: str,
    pre_commit: str,
    workflow: str,
) -> None:
    write_tree(tmp_path, {"qemlflow-lint/pyproject.toml": "[project]\nname = 'qemlflow-lint'\n"})
    write_tree(sample, {f"wheels/{WHEEL}": b"a wheel"})
    monkeypatch.chdir(sample)  # a path is given from the working directory, the project root
    code, out, _ = _init(capsys, Path("."), *(["--install-from", given] if given else []))
    assert code == 0, out
    pre_commit = pre_commit.format(tmp=tmp_path)
    assert _installed_from(sample) == {"tox": tox, "pre-commit": [[pre_commit]] * 2, "workflow": workflow}
    notes = {line.split(":")[0]: line for line in out.splitlines()}
    if given is None:
        assert "installing" not in out
    else:
        assert f"tox.ini: updated — added [testenv:lint]; installing {tox}" in out
        assert f"installing {pre_commit}" in notes[".pre-commit-config.yaml"]
        assert f"installing {workflow}" in notes[setup_files.WORKFLOW_PATH]
    outside = given == "../qemlflow-lint"
    assert ("left: CI's checkout has no ../qemlflow-lint" in notes[setup_files.WORKFLOW_PATH]) == outside
    code, again, _ = _init(capsys, Path("."), *(["--install-from", given] if given else []))
    assert code == 0 and all(": unchanged" in line for line in again.splitlines()), again


def test_a_relative_path_is_written_from_the_project_root(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given from the folder above the project (the working directory), written as tox and CI
    # read it: from the project root.
    write_tree(tmp_path, {"tools/qemlflow-lint/pyproject.toml": "[project]\nname = 'qemlflow-lint'\n"})
    monkeypatch.chdir(tmp_path)
    code, out, _ = _init(
        capsys, Path("sample"), "--install-from", "tools/qemlflow-lint", "--fail-under", "50"
    )
    assert code == 0, out
    assert _installed_from(sample) == {
        "tox": "../tools/qemlflow-lint[flake8]",
        "pre-commit": [[str(tmp_path / "tools/qemlflow-lint")]] * 2,
        "workflow": "../tools/qemlflow-lint[flake8]",
    }


def test_parse_source_reads_what_pip_reads(tmp_path: Path) -> None:
    write_tree(tmp_path, {"project/lint/pyproject.toml": "", "dist/" + WHEEL: b""})
    root = str(tmp_path / "project")
    # A folder in the project root is written as a path pip does not take for a name.
    checkout = parse_source("lint", root, cwd=root)
    assert (checkout.kind, checkout.text, checkout.absolute) == (
        "path",
        "./lint",
        str(tmp_path / "project/lint"),
    )
    assert checkout.requirement(flake8=True) == "./lint[flake8]" and checkout.in_checkout
    wheel = parse_source(str(tmp_path / "dist" / WHEEL), root, cwd=root)
    assert wheel.text == wheel.absolute == str(tmp_path / "dist" / WHEEL) and not wheel.in_checkout
    named = parse_source("QEMLFLOW_lint @ git+https://example.invalid/x.git", root, cwd=root)
    assert named.kind == "requirement"
    assert named.requirement(flake8=True) == "QEMLFLOW_lint[flake8] @ git+https://example.invalid/x.git"
    assert parse_source(None, root) == INDEX and INDEX.requirement() == f"qemlflow-lint=={__version__}"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        pytest.param("./missing", "./missing: no such file or folder", id="missing-path"),
        pytest.param("v0.1.0", "v0.1.0: expected a requirement of qemlflow-lint", id="a-bare-tag"),
        pytest.param("flake8>=5", "flake8>=5: expected a requirement of qemlflow-lint", id="another-package"),
        pytest.param("pkg", "pkg: not a project folder to install from", id="a-folder-without-a-project"),
        pytest.param("tox.ini", "tox.ini: not a wheel or a source archive", id="a-file-that-is-no-archive"),
        pytest.param(
            "git+https://x.invalid/a b",
            "git+https://x.invalid/a b: a URL here has no spaces",
            id="a-url-with-a-space",
        ),
    ],
)
def test_a_source_that_names_nothing_installable_is_a_usage_error(
    sample: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    given: str,
    message: str,
) -> None:
    before = _snapshot(sample)
    monkeypatch.chdir(sample)
    code, _, err = _init(capsys, Path("."), "--install-from", given)
    assert code == 2 and f"--install-from {message}" in err, err
    assert _snapshot(sample) == before


def test_a_path_with_characters_the_files_would_need_quoted_is_refused(tmp_path: Path) -> None:
    write_tree(tmp_path, {"my lint/pyproject.toml": ""})
    with pytest.raises(InstallSourceError, match="without spaces, quotes"):
        parse_source("my lint", str(tmp_path), cwd=str(tmp_path))


@pytest.mark.slow
def test_tox_reads_the_requirement_that_pip_gets(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # tox reads `#` as a comment and `{...}` as a substitution anywhere on a line: init escapes
    # them, and tox's own reading of the deps gives the requirement back.
    needs_module("tox", "it reads the written tox.ini")
    url = "git+https://github.com/org/qemlflow-lint@v0.1.0#subdirectory=lint"
    _init(capsys, sample, "--install-from", url, "--fail-under", "50")
    escaped = url.replace("#", "\\#")
    assert _installed_from(sample)["tox"] == f"qemlflow-lint[flake8] @ {escaped}"
    done = subprocess.run(
        [sys.executable, "-m", "tox", "config", "-e", "lint", "-k", "deps"],
        cwd=sample,
        env=_tools_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"deps = qemlflow-lint[flake8] @ {url}\n" in done.stdout, done.stdout


# --- flake8's configuration in pyproject.toml (the Flake8-pyproject plugin) -------------------------


def test_a_tool_flake8_table_gets_qf_and_no_flake8_file_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # With [tool.flake8], Flake8-pyproject (declared in a requirements file here) makes flake8
    # read pyproject.toml and nothing else: a .flake8 (or setup.cfg's [flake8]) would be ignored.
    pyproject = PYPROJECT + "\n[tool.flake8]\nmax-line-length = 100  # as black\n"
    setup_cfg = "[flake8]\nmax-line-length = 79\n"
    requirements = "flake8>=7\nFlake8-pyproject>=1.2\n"
    write_tree(
        tmp_path, {"pyproject.toml": pyproject, "setup.cfg": setup_cfg, "requirements-dev.txt": requirements}
    )
    code, out, _ = _init(capsys, tmp_path, "--fail-under", "50")
    assert code == 0
    assert 'added extend-select = ["QF"] to [tool.flake8]' in out
    assert not (tmp_path / ".flake8").exists()
    assert (tmp_path / "setup.cfg").read_text(encoding="utf-8") == setup_cfg
    written = (tmp_path / "pyproject.toml").read_text(encoding="utf-8")
    assert written.startswith(pyproject.replace("# as black\n", '# as black\nextend-select = ["QF"]\n'))
    data = parse_toml(written)
    assert data is not None and data["tool"]["flake8"] == {"max-line-length": 100, "extend-select": ["QF"]}
    code, again, _ = _init(capsys, tmp_path)
    assert "[tool.flake8] extend-select already has QF" in again and ": updated" not in again


def test_a_tool_flake8_table_without_flake8_pyproject_is_not_what_flake8_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # flake8 alone never reads pyproject.toml: setup.cfg's [flake8] is its configuration, and
    # only there does QF make editors show the findings.
    pyproject = PYPROJECT + "\n[tool.flake8]\nmax-line-length = 100\n"
    setup_cfg = "[flake8]\nselect = E9,F63\n"
    write_tree(
        tmp_path, {"pyproject.toml": pyproject, "setup.cfg": setup_cfg, "pkg/__init__.py": "import torch\n"}
    )
    code, out, _ = _init(capsys, tmp_path, "--fail-under", "50")
    assert code == 0
    assert "setup.cfg: updated — added extend-select = QF to [flake8]" in out
    assert "[tool.flake8]" not in out
    assert (tmp_path / "setup.cfg").read_text(encoding="utf-8") == setup_cfg + "extend-select = QF\n"
    needs_program("flake8", "flake8 reads what init wrote")
    shown = subprocess.run(
        [sys.executable, "-m", "flake8", "pkg/__init__.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "QF001" in shown.stdout, shown.stdout + shown.stderr


def test_a_linked_configuration_file_is_edited_at_its_target_and_stays_a_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {**SAMPLE, ".config/pre-commit.yaml": "repos:\n"})
    os.symlink(".config/pre-commit.yaml", tmp_path / ".pre-commit-config.yaml")
    outside = tmp_path.parent / "shared-mypy.ini"
    outside.write_text("[mypy]\nstrict = True\n", encoding="utf-8")
    os.symlink(outside, tmp_path / "mypy.ini")
    code, diff, err = _init(capsys, tmp_path, "--dry-run", "--typing")
    assert code == 0
    assert "--- a/.config/pre-commit.yaml\n+++ b/.config/pre-commit.yaml\n" in diff
    assert ".config/pre-commit.yaml: would update — added the qemlflow-lint hooks to repos; " in err
    assert "edited through the link .pre-commit-config.yaml" in err
    assert "mypy.ini: unchanged — left: mypy.ini is a link to a file outside the project" in err
    code, out, _ = _init(capsys, tmp_path, "--typing")
    assert code == 0 and "left: mypy.ini is a link to a file outside the project" in out
    assert os.path.islink(tmp_path / ".pre-commit-config.yaml")
    assert os.readlink(tmp_path / ".pre-commit-config.yaml") == ".config/pre-commit.yaml"
    assert "- id: qemlflow-lint" in (tmp_path / ".config/pre-commit.yaml").read_text(encoding="utf-8")
    assert os.path.islink(tmp_path / "mypy.ini")
    assert outside.read_text(encoding="utf-8") == "[mypy]\nstrict = True\n"


def test_a_linked_mypy_configuration_inside_the_project_gets_the_ratchet_at_its_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # QeMLflow's mypy.ini is a link into .config/: init --typing replaced it with a file.
    typed = '"""Typed."""\n\n\ndef read(path: str) -> str:\n    """The text."""\n    return path\n'
    write_tree(
        tmp_path,
        {**SAMPLE, "pkg/models.py": typed, ".config/mypy.ini": "[mypy]\nwarn_unused_ignores = True\n"},
    )
    os.symlink(".config/mypy.ini", tmp_path / "mypy.ini")
    code, out, _ = _init(capsys, tmp_path, "--typing")
    assert code == 0
    assert ".config/mypy.ini: updated — " in out and "edited through the link mypy.ini" in out
    assert os.path.islink(tmp_path / "mypy.ini")
    assert "[mypy-pkg.*]" in (tmp_path / ".config/mypy.ini").read_text(encoding="utf-8")


# --- the text edits, case by case --------------------------------------------------------------


def _flake8(text: str | None) -> Edit:
    return setup_files.add_flake8_select(text)


def _gate(text: str | None) -> Edit:
    return setup_files.add_qemlflow_table(text, 80)


def _flake8_toml(text: str | None) -> Edit:
    return setup_files.add_flake8_toml_select(text)


MERGES: list[Any] = [
    pytest.param(
        _flake8,
        "[metadata]\nname = x\n\n[flake8]\nmax-line-length = 100\n# about [other]\n\n[other]\nk = 1\n",
        "[metadata]\nname = x\n\n[flake8]\nmax-line-length = 100\nextend-select = QF\n# about [other]\n\n"
        "[other]\nk = 1\n",
        id="flake8-key-goes-after-the-sections-last-key",
    ),
    pytest.param(
        _flake8,
        "[flake8]\nextend-select = B950\n",
        "[flake8]\nextend-select = B950,QF\n",
        id="flake8-extend-select-gets-qf-appended",
    ),
    pytest.param(
        _flake8,
        "[flake8]\nextend_select = B, C4  \n",
        "[flake8]\nextend_select = B, C4, QF  \n",
        id="flake8-list-style-and-spelling-kept",
    ),
    pytest.param(_flake8, "[flake8]\nselect = E,F,QF\n", None, id="flake8-select-with-qf-is-kept"),
    pytest.param(
        _flake8, "[flake8]\nextend-select =\n    B\n    C4\n", None, id="flake8-multi-line-list-is-left"
    ),
    pytest.param(
        _flake8_toml,
        "[tool.flake8]\nmax-line-length = 100  # wide\n# about [tool.other]\n\n[tool.other]\nx = 1\n",
        '[tool.flake8]\nmax-line-length = 100  # wide\nextend-select = ["QF"]\n# about [tool.other]\n\n'
        "[tool.other]\nx = 1\n",
        id="flake8-toml-key-goes-after-the-tables-last-key",
    ),
    pytest.param(
        _flake8_toml,
        "[tool.flake8]\nextend-select = ['B950']\n",
        "[tool.flake8]\nextend-select = ['B950', \"QF\"]\n",
        id="flake8-toml-list-gets-qf-appended",
    ),
    pytest.param(
        _flake8_toml,
        '[tool.flake8]\nextend_select = [\n    "B",\n    "C4",\n]\n',
        '[tool.flake8]\nextend_select = [\n    "B",\n    "C4",\n    "QF",\n]\n',
        id="flake8-toml-multi-line-list-and-spelling-kept",
    ),
    pytest.param(
        _flake8_toml, '[tool.flake8]\nselect = ["E", "QF"]\n', None, id="flake8-toml-select-with-qf"
    ),
    pytest.param(_flake8_toml, '[tool.flake8]\nselect = "E,Q"\n', None, id="flake8-toml-select-covering-qf"),
    pytest.param(
        _flake8_toml, '[tool.flake8]\nextend-select = "B950"\n', None, id="flake8-toml-string-value-is-left"
    ),
    pytest.param(
        _flake8_toml,
        "[tool]\nflake8 = { max-line-length = 100 }\n",
        None,
        id="flake8-toml-inline-table-is-left",
    ),
    pytest.param(
        setup_files.add_pylint_plugin,
        '[tool.pylint.main]\nload-plugins = ["pylint.extensions.docparams"]  # docs\njobs = 0\n',
        '[tool.pylint.main]\nload-plugins = ["pylint.extensions.docparams", "qemlflow_lint.pylint_plugin"]'
        "  # docs\njobs = 0\n",
        id="pylint-one-line-list",
    ),
    pytest.param(
        setup_files.add_pylint_plugin,
        '[tool.pylint.main]\nload-plugins = [\n  "a.b",  # first\n  "c.d"\n]\n',
        '[tool.pylint.main]\nload-plugins = [\n  "a.b",  # first\n  "c.d",\n  "qemlflow_lint.pylint_plugin",\n]\n',
        id="pylint-multi-line-list-without-trailing-comma",
    ),
    pytest.param(
        setup_files.add_pylint_plugin,
        "[tool.pylint.main]\nload-plugins = []\n",
        '[tool.pylint.main]\nload-plugins = ["qemlflow_lint.pylint_plugin"]\n',
        id="pylint-empty-list",
    ),
    pytest.param(
        setup_files.add_pylint_plugin,
        "[tool.pylint.MASTER]\njobs = 2\n\n[tool.pylint.format]\nmax-line-length = 100\n",
        '[tool.pylint.MASTER]\njobs = 2\nload-plugins = ["qemlflow_lint.pylint_plugin"]\n\n'
        "[tool.pylint.format]\nmax-line-length = 100\n",
        id="pylint-master-table-gains-the-key",
    ),
    pytest.param(
        setup_files.add_pylint_plugin,
        '[tool.pylint.main]\nload-plugins = "a.b"\n',
        None,
        id="pylint-string-value-is-left",
    ),
    pytest.param(
        setup_files.add_pylint_plugin,
        '[tool.pylint.main]\nload-plugins = ["qemlflow_lint.pylint_plugin"]\n',
        None,
        id="pylint-plugin-already-loaded",
    ),
    pytest.param(
        _gate,
        '[tool.qemlflow-lint]\nignore = ["QF008"]\n\n[tool.other]\nx = 1\n',
        '[tool.qemlflow-lint]\nignore = ["QF008"]\n\n[tool.qemlflow-lint.score]\nfail-under = 80\n\n'
        "[tool.other]\nx = 1\n",
        id="qemlflow-table-gains-a-score-table",
    ),
    pytest.param(
        _gate,
        "[tool.qemlflow-lint.score]\nweights = { QF008 = 0 }\n",
        "[tool.qemlflow-lint.score]\nweights = { QF008 = 0 }\nfail-under = 80\n",
        id="score-table-gains-fail-under",
    ),
    pytest.param(_gate, "[tool.qemlflow-lint.score]\nfail-under = 95.5\n", None, id="fail-under-already-set"),
    pytest.param(
        _gate,
        "[tool.qemlflow-lint]\nscore = { weights = { QF008 = 0 } }\n",
        None,
        id="inline-score-table-is-left",
    ),
    pytest.param(_gate, "[tool.qemlflow-lint\n", None, id="invalid-toml-is-left"),
    pytest.param(
        setup_files.add_lint_environment,
        "[testenv:lint]\ncommands = ruff check .\n",
        None,
        id="tox-lint-environment-of-the-user-is-left",
    ),
    pytest.param(
        setup_files.add_pre_commit_hooks, "repos: []\n", None, id="pre-commit-flow-style-list-is-left"
    ),
]


@pytest.mark.parametrize(("edit", "before", "after"), MERGES)
def test_text_edits(edit: Callable[[str | None], Edit], before: str, after: str | None) -> None:
    result = edit(before)
    assert result.text == (before if after is None else after)
    if after is None:
        assert not result.done and (result.kept or result.left)
    else:
        assert result.done and not result.left
        assert edit(result.text).text == result.text  # idempotent


def test_pre_commit_item_is_appended_with_the_lists_own_indentation() -> None:
    before = (
        "# hooks\nrepos:\n-   repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v4.6.0\n"
        "    hooks:\n    -   id: trailing-whitespace\n\n# continuous integration\nci:\n    autofix_prs: false\n"
    )
    result = setup_files.add_pre_commit_hooks(before)
    assert result.text is not None and result.text.startswith(before[: before.index("\n# continuous")])
    assert result.text.endswith("\n# continuous integration\nci:\n    autofix_prs: false\n")
    config = yaml.safe_load(result.text)
    assert [repo["repo"] for repo in config["repos"]] == [
        "https://github.com/pre-commit/pre-commit-hooks",
        "local",
    ]
    assert config["ci"] == {"autofix_prs": False}
    assert setup_files.add_pre_commit_hooks(result.text).text == result.text


# --- the written commands work ------------------------------------------------------------------


def _tools_env() -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    if shutil.which("qemlflow-lint", path=bin_dir) is None or shutil.which("flake8", path=bin_dir) is None:
        missing("the qemlflow-lint and flake8 commands are not installed next to this interpreter")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PRE_COMMIT", "TOX_"))}
    env.update(PATH=bin_dir + os.pathsep + env.get("PATH", ""), PYTHONDONTWRITEBYTECODE="1")
    return env


def _written_commands(project: Path) -> list[str]:
    """The tox lint environment's commands and the workflow's ``run:`` commands, as written
    (tox's ``{posargs:DEFAULT}`` gets its default; the workflow's install step is skipped:
    this environment has the tools)."""
    tox = configparser.RawConfigParser()
    tox.read_string((project / "tox.ini").read_text(encoding="utf-8"))
    commands = [
        re.sub(r"\{posargs:([^}]*)\}", r"\1", line).strip()
        for line in tox["testenv:lint"]["commands"].splitlines()
        if line.strip()
    ]
    workflow = yaml.safe_load((project / setup_files.WORKFLOW_PATH).read_text(encoding="utf-8"))
    runs = [step["run"] for step in workflow["jobs"]["qemlflow-lint"]["steps"] if "run" in step]
    return commands + [run for run in runs if "pip install" not in run]


def _run_all(project: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    env = _tools_env()
    return {
        command: subprocess.run(
            shlex.split(command), cwd=project, env=env, capture_output=True, text=True, timeout=300
        )
        for command in _written_commands(project)
    }


TOX_FLAKE8 = setup_files.flake8_command(".")
CHECK = "qemlflow-lint check --baseline .qemlflow-baseline.json"
SCORE = "qemlflow-lint score --baseline .qemlflow-baseline.json"
GITHUB = f"{SCORE} --format github ."


@pytest.mark.slow
def test_written_tox_and_workflow_commands_are_green_today_and_red_on_what_is_new(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(sample, {"examples/archived/old.py": "def broken(:\n"})  # unreadable today
    _init(capsys, sample)
    assert _written_commands(sample) == [TOX_FLAKE8, CHECK, SCORE, GITHUB, f"{CHECK} .", TOX_FLAKE8]
    done = _run_all(sample)
    assert {command: run.returncode for command, run in done.items()} == dict.fromkeys(done, 0), {
        command: run.stdout + run.stderr for command, run in done.items()
    }
    # flake8 shows today's findings (editors and the log), and cannot fail the build.
    assert done[TOX_FLAKE8].stdout.splitlines() == [
        "./pkg/models.py:2:1: QF001 heavy module 'torch' imported at module import time; move the import into "
        "the functions that use it (or use `lazy import` on Python 3.15+)",
        "./pkg/models.py:5:1: QF002 public function 'fit' is missing type annotations: data, return",
    ]
    assert f"PASS: score {GATE} is at least {GATE}" in done[SCORE].stdout
    assert "::" not in done[GITHUB].stdout  # no finding is new: no annotation

    # One new finding: every gate is red, and says which.
    write_tree(
        sample,
        {"pkg/io.py": '"""Reading files."""\n\n\ndef read(path):\n    """The text."""\n    return path\n'},
    )
    new = _run_all(sample)
    assert {command: run.returncode for command, run in new.items()} == {
        TOX_FLAKE8: 0,
        CHECK: 1,
        SCORE: 1,
        GITHUB: 1,
        f"{CHECK} .": 1,
    }
    assert "pkg/io.py:4:1: QF002 public function 'read'" in new[CHECK].stdout
    assert "::notice file=pkg/io.py,line=4,col=1,title=QF002" in new[GITHUB].stdout

    # A file that breaks is new too, unlike the one that was broken already.
    write_tree(sample, {"pkg/io.py": SAMPLE["pkg/io.py"], "scripts/later.py": "def broken(:\n"})
    broken = _run_all(sample)
    assert broken[CHECK].returncode == 1 and "scripts/later.py:1:" in broken[CHECK].stdout
    assert broken[SCORE].returncode == 1 and "FAIL: 1 file(s) could not be analysed" in broken[SCORE].stdout

    (sample / "scripts/later.py").unlink()
    again = _run_all(sample)
    assert {command: run.returncode for command, run in again.items()} == dict.fromkeys(again, 0)


# --- the real tools, installing this checkout ---------------------------------------------------


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Wheels of this checkout and what it needs, so tox and pre-commit install offline."""
    return build_wheelhouse(tmp_path_factory.mktemp("wheels") / "wheelhouse")


def _offline_env(wheelhouse: Path, home: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "PRE_COMMIT", "TOX_", "PIP_", "VIRTUAL_ENV", "GIT_"))
    }
    env.update(
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(wheelhouse),
        PRE_COMMIT_HOME=str(home / "pre-commit"),
        PYTHONDONTWRITEBYTECODE="1",
        GIT_AUTHOR_NAME="tests",
        GIT_AUTHOR_EMAIL="tests@example.invalid",
        GIT_COMMITTER_NAME="tests",
        GIT_COMMITTER_EMAIL="tests@example.invalid",
    )
    return env


@pytest.mark.parametrize(
    ("direct_url", "kind", "text", "how"),
    [
        pytest.param(
            {"url": "file:///work/qemlflow-lint", "dir_info": {"editable": True}},
            "path",
            "/work/qemlflow-lint",
            "an editable install of /work/qemlflow-lint",
            id="editable-checkout",
        ),
        pytest.param(
            {"url": "file:///tmp/w/qemlflow_lint-0.2.0-py3-none-any.whl", "archive_info": {}},
            "path",
            "/tmp/w/qemlflow_lint-0.2.0-py3-none-any.whl",
            "a local install of /tmp/w/qemlflow_lint-0.2.0-py3-none-any.whl",
            id="wheel-on-disk",
        ),
        pytest.param(
            {
                "url": "https://github.com/org/qemlflow-lint",
                "vcs_info": {"vcs": "git", "commit_id": "0123456789abcdef"},
            },
            "url",
            "git+https://github.com/org/qemlflow-lint@0123456789abcdef",
            "an install from https://github.com/org/qemlflow-lint at 0123456789ab",
            id="git-url",
        ),
    ],
)
def test_where_the_running_qemlflow_lint_was_installed_from(
    direct_url: dict[str, Any], kind: str, text: str, how: str
) -> None:
    running = installed_from(direct_url)
    assert running is not None
    assert (running.source.kind, running.source.text, running.how) == (kind, text, how)
    assert running.reachable_from_ci == (kind == "url")


def test_a_local_install_is_the_hooks_source_and_ci_gets_a_placeholder(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    checkout = write_tree(
        tmp_path / "qemlflow-lint", {"pyproject.toml": '[project]\nname = "qemlflow-lint"\n'}
    )
    local = Running(InstallSource("path", str(checkout), str(checkout)), f"an editable install of {checkout}")
    monkeypatch.delenv("QEMLFLOW_LINT_INSTALL_FROM")
    monkeypatch.setattr("qemlflow_lint.cli.init.running_install", lambda: local)
    code, out, _ = _init(capsys, sample)
    assert code == 0
    assert f"qemlflow-lint {__version__} here is an editable install of {checkout}, not a release" in out
    tox = configparser.RawConfigParser()
    tox.read_string((sample / "tox.ini").read_text(encoding="utf-8"))
    assert tox["testenv:lint"]["deps"].strip() == f"{checkout}[flake8]"
    hooks = yaml.safe_load((sample / ".pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"][0][
        "hooks"
    ]
    assert [hook["additional_dependencies"] for hook in hooks] == [[str(checkout)]] * 2
    workflow = (sample / setup_files.WORKFLOW_PATH).read_text(encoding="utf-8")
    assert f"git+https://github.com/ORG/qemlflow-lint@v{__version__}" in workflow
    assert "left: CI cannot install the qemlflow-lint here" in out
    assert "rerun init with --install-from" in out


def test_rerunning_init_with_another_source_moves_every_pin_it_wrote(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = "qemlflow-lint>=0.1", f"git+https://example.org/qemlflow-lint@v{__version__}"
    assert _init(capsys, sample, "--install-from", first)[0] == 0
    code, out, _ = _init(capsys, sample, "--install-from", second)
    assert code == 0
    assert f"tox.ini: updated — [testenv:lint] now installs qemlflow-lint[flake8] @ {second}" in out
    assert (
        f".pre-commit-config.yaml: updated — the qemlflow-lint hooks now install qemlflow-lint @ {second}"
        in out
    )
    assert ".github/workflows/qemlflow-lint.yml: updated — updated the workflow's install step" in out
    texts = {
        name: (sample / name).read_text(encoding="utf-8") for name in ("tox.ini", ".pre-commit-config.yaml")
    }
    texts["workflow"] = (sample / setup_files.WORKFLOW_PATH).read_text(encoding="utf-8")
    assert all(first not in text and second in text for text in texts.values()), texts
    assert texts["workflow"] == setup_files.workflow(parse_source(second, str(sample)))
    again = _init(capsys, sample, "--install-from", second)[1]
    assert all(": unchanged — " in line for line in again.splitlines() if not line.startswith("Next:")), again


def test_the_gate_is_computed_with_the_configuration_init_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Without `packages`, a subpackage named like tutorials is not library code; with the
    # `packages = ["pkg"]` init writes, it is, and the score moves: the gate must be the
    # score the written configuration gives, or the first run fails.
    write_tree(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "pkg"\n',
            "pkg/__init__.py": '"""The package."""\n',
            "pkg/core.py": '"""Core."""\n\n\ndef run(x: int) -> int:\n    """Run."""\n    return x\n',
            "pkg/tutorials/__init__.py": '"""Tutorials."""\n',
            "pkg/tutorials/lesson.py": '"""A lesson."""\nimport torch\n\n\ndef show(x):\n    return torch.tensor(x)\n',
        },
    )
    before_init = todays_score(str(tmp_path))
    code, out, _ = _init(capsys, tmp_path)
    assert code == 0 and "the gate is today's score" in out
    written = parse_toml((tmp_path / "pyproject.toml").read_text(encoding="utf-8"))
    assert written is not None
    gate = written["tool"]["qemlflow-lint"]["score"]["fail-under"]
    assert gate != before_init  # the case this test is about
    assert (
        main(
            ["score", "--baseline", str(tmp_path / ".qemlflow-baseline.json"), "--score-only", str(tmp_path)]
        )
        == 0
    )
    shown = capsys.readouterr()
    assert float(shown.out) == gate and f"PASS: score {gate} is at least {gate}" in shown.err


def test_init_runs_as_a_command(sample: Path) -> None:
    done = subprocess.run(
        cli_command("init", "--fail-under", "60"), cwd=sample, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "pyproject.toml: updated" in done.stdout
    assert "Next: `pre-commit install`" in done.stdout


# --- init --install-from, proven in a fresh clone with the real tools ------------------------------


@pytest.fixture(scope="module")
def dependency_wheels(wheelhouse: Path) -> Path:
    """The wheelhouse without qemlflow-lint: what installs it gets it from the source given."""
    wheels = without_this_project(wheelhouse, wheelhouse.parent / "dependencies")
    assert not list(wheels.glob("qemlflow_lint-*")) and list(wheels.glob("flake8-*.whl"))
    return wheels


def _source_for(kind: str, base: Path, wheelhouse: Path) -> str:
    """A copy of this checkout as ``--install-from`` names it, given from the project root."""
    if kind == "relative-checkout":
        copy_installable(base / "qemlflow-lint")
        return "../qemlflow-lint"
    if kind == "git-url":
        snapshot = committed_snapshot(base / "qemlflow-lint-repository", tag=f"v{__version__}")
        return f"git+{snapshot.as_uri()}@v{__version__}"
    (wheel,) = wheelhouse.glob("qemlflow_lint-*.whl")
    return str(shutil.copy2(wheel, base))


def _run_in(clone: Path, env: dict[str, str], *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), cwd=clone, env=env, capture_output=True, text=True, timeout=600)


#: A project shaped like the one init is for: a ``src/`` layout, ``setup.cfg``'s ``[flake8]``
#: whose ``exclude =`` replaces flake8's defaults (``.tox`` among them) and selects a few codes,
#: a pre-commit configuration that is a link into ``.config/``, example and script files that
#: do not parse, and findings in the library today.
SRC_LAYOUT = {
    "pyproject.toml": '[project]\nname = "chemflow"\nversion = "1.0"\n\n[tool.black]\nline-length = 100\n',
    "setup.cfg": (
        "[metadata]\nname = chemflow\n\n[flake8]\nmax-line-length = 127\nselect = E9,F63,F7,F82\n"
        "exclude =\n    .git,\n    __pycache__,\n    build\n"
    ),
    ".config/.pre-commit-config.yaml": "# the project's hooks\nrepos:\n",
    "src/chemflow/__init__.py": '"""Chemistry workflows."""\n',
    "src/chemflow/models.py": BAD_MODELS,
    "src/chemflow/io.py": SAMPLE["pkg/io.py"],
    "examples/archived/old_demo.py": "def demo(:\n    pass\n",
    "scripts/setup_tracking.py": 'try:\n    import wandb\nprint("no except")\n',
    ".gitignore": ".tox/\n__pycache__/\n",
    "tests/test_io.py": "from chemflow.io import read\n\n\ndef test_read():\n    assert read('x') == 'x'\n",
}
NEW_FINDING = '"""Reading files."""\n\n\ndef read(path):\n    """The text."""\n    return path\n'


def _src_layout_project(base: Path) -> Path:
    project = write_tree(base / "chemflow", SRC_LAYOUT)
    os.symlink(".config/.pre-commit-config.yaml", project / ".pre-commit-config.yaml")
    commit_all(project, "the chemflow project")
    return project


class _Tools:
    """Every tool init sets up, run for real in a clone of the project: tox's lint
    environment, the pre-commit hooks on every file, the workflow's steps in order (bash -e,
    from the checkout's root, in a fresh environment whose ``python`` is first on PATH), and
    flake8 on a library file as an editor runs it."""

    def __init__(self, clone: Path, env: dict[str, str], work: Path) -> None:
        self.clone, self.env, self.work = clone, env, work
        venv = work / "ci"
        subprocess.run(
            [sys.executable, "-m", "virtualenv", "--quiet", str(venv)], env=env, check=True, timeout=300
        )
        self.summary = work / "step-summary.md"
        self.ci_env = dict(
            env, PATH=str(venv / "bin") + os.pathsep + env["PATH"], GITHUB_STEP_SUMMARY=str(self.summary)
        )
        workflow = yaml.safe_load((clone / setup_files.WORKFLOW_PATH).read_text(encoding="utf-8"))
        self.steps = {
            step["name"]: step["run"] for step in workflow["jobs"]["qemlflow-lint"]["steps"] if "run" in step
        }

    def tox(self) -> subprocess.CompletedProcess[str]:
        # tox's environment goes where tox puts it, in the project: flake8 must not lint it.
        return _run_in(self.clone, self.env, sys.executable, "-m", "tox", "-e", "lint")

    def pre_commit(self) -> subprocess.CompletedProcess[str]:
        git(self.clone, "add", "--all")
        command = (sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never")
        return _run_in(self.clone, self.env, *command)

    def workflow(self) -> dict[str, subprocess.CompletedProcess[str]]:
        return {
            name: _run_in(self.clone, self.ci_env, "bash", "-e", "-c", run)
            for name, run in self.steps.items()
        }

    def flake8(self, path: str) -> subprocess.CompletedProcess[str]:
        return _run_in(self.clone, self.ci_env, "flake8", path)

    def every_exit(self) -> dict[str, int]:
        """Each tool's exit code (the workflow's: its first failing step's, as the job's)."""
        steps = self.workflow()
        failed = [run.returncode for run in steps.values() if run.returncode]
        return {
            "tox": self.tox().returncode,
            "pre-commit": self.pre_commit().returncode,
            "workflow": failed[0] if failed else 0,
        }


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["wheel", "relative-checkout", "git-url"])
def test_init_is_green_on_the_first_run_and_red_on_the_first_new_violation_in_every_tool(
    tmp_path: Path, wheelhouse: Path, dependency_wheels: Path, kind: str
) -> None:
    needs_module("tox", "runs the real tox")
    needs_module("pre_commit", "runs the real pre-commit")
    needs_module("virtualenv", "the workflow's steps run in a fresh environment")
    needs_program("git", "the project is a git repository, cloned")
    needs_program("bash", "the workflow's steps run with bash")
    project = _src_layout_project(tmp_path)
    source = _source_for(kind, tmp_path, wheelhouse)
    done = subprocess.run(
        cli_command("init", "--install-from", source),
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert ".config/.pre-commit-config.yaml: updated — added the qemlflow-lint hooks to repos" in done.stdout
    assert "2 files cannot be read or parsed today; the baseline records them" in done.stdout
    assert (
        "  examples/archived/old_demo.py: " in done.stdout and "  scripts/setup_tracking.py: " in done.stdout
    )
    assert "setup.cfg: updated — added extend-select = QF to [flake8]" in done.stdout
    commit_all(project, "qemlflow-lint init")
    assert git(project, "status", "--porcelain") == ""  # the link is still a link: no `T`
    assert os.path.islink(project / ".pre-commit-config.yaml")
    # A sibling folder, so that the relative path reaches the same checkout from the clone.
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", str(project), str(clone))
    tools = _Tools(clone, _offline_env(dependency_wheels, tmp_path), tmp_path)

    # Green on the first run, everywhere, with today's 2 findings and 2 unreadable files.
    workflow = tools.workflow()
    assert {name: run.returncode for name, run in workflow.items()} == dict.fromkeys(workflow, 0), {
        name: run.stdout + run.stderr for name, run in workflow.items()
    }
    assert tools.summary.read_text(encoding="utf-8").startswith("## Compliance score: ")
    flake8 = "QF rules through flake8 (information)"
    assert "./src/chemflow/models.py:2:1: QF001 heavy module 'torch'" in workflow[flake8].stdout
    tox = tools.tox()
    assert tox.returncode == 0, tox.stdout + tox.stderr
    assert (clone / ".tox" / "lint").is_dir()
    assert "./.tox/" not in tox.stdout  # flake8 did not lint tox's own environment
    pre_commit = tools.pre_commit()
    assert pre_commit.returncode == 0, pre_commit.stdout + pre_commit.stderr
    # An editor's flake8 shows today's findings in the library.
    assert "QF001 heavy module 'torch'" in tools.flake8("src/chemflow/models.py").stdout
    if kind != "wheel":
        return  # the source installs everywhere; the rest does not depend on it

    # One new finding: red in every tool, which names it.
    write_tree(clone, {"src/chemflow/io.py": NEW_FINDING})
    assert tools.every_exit() == {"tox": 1, "pre-commit": 1, "workflow": 1}
    assert "src/chemflow/io.py:4:1: QF002 public function 'read'" in tools.pre_commit().stdout
    assert "QF002" in tools.flake8("src/chemflow/io.py").stdout
    # Removed: green again.
    git(clone, "checkout", "--quiet", "HEAD", "--", "src/chemflow/io.py")
    assert tools.every_exit() == {"tox": 0, "pre-commit": 0, "workflow": 0}
    # A file that breaks is new, unlike the ones that were broken already.
    write_tree(clone, {"scripts/later.py": "def later(:\n"})
    assert tools.every_exit() == {"tox": 1, "pre-commit": 1, "workflow": 1}
