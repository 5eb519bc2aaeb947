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
from qemlflow_lint.config.toml import parse as parse_toml
from qemlflow_lint.setup import files as setup_files
from qemlflow_lint.setup.files import Edit
from qemlflow_lint.setup.source import INDEX, SourceError, parse_source
from tests.frontends import REPO, cli_command, write_tree
from tests.installable import (
    build_wheelhouse,
    commit_all,
    committed_snapshot,
    copy_installable,
    git,
    without_this_project,
)
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
#: defs, is untyped): 100 × 17/19 = 89.47, so the gate starts at 89.
GATE = 89
WRITTEN = (
    "pyproject.toml",
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
    assert [line.split(":")[0] for line in out.splitlines()[:5]] == list(WRITTEN)
    assert "pyproject.toml: updated — added [tool.qemlflow-lint]" in out
    assert f"fail-under = {GATE}; the gate starts at today's score" in out

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
        "flake8 --select QF {posargs:.}",
        "qemlflow-lint score",
    ]
    assert tox["testenv:lint"]["deps"].strip() == f"qemlflow-lint[flake8]=={__version__}"

    flake8 = configparser.RawConfigParser()
    flake8.read_string((sample / ".flake8").read_text(encoding="utf-8"))
    assert dict(flake8["flake8"]) == {"extend-select": "QF"}

    workflow = yaml.safe_load((sample / ".github/workflows/qemlflow-lint.yml").read_text(encoding="utf-8"))
    runs = [step.get("run") for step in workflow["jobs"]["qemlflow-lint"]["steps"]]
    assert runs[-2:] == ["qemlflow-lint score --format github .", "flake8 --select QF ."]


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
        expected = {k: v for k, v in published[hook["id"]].items() if k != "description"}
        assert {k: v for k, v in hook.items() if k != "additional_dependencies"} == expected
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


def test_a_new_source_for_files_already_set_up_is_left_to_the_user_and_said(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _init(capsys, sample)
    before = _snapshot(sample)
    url = "git+https://github.com/org/qemlflow-lint@v0.1.0"
    code, out, _ = _init(capsys, sample, "--install-from", url)
    assert code == 0 and _snapshot(sample) == before
    assert (
        f"left: [testenv:lint] was left as it is: make its deps install qemlflow-lint[flake8] @ {url}" in out
    )
    assert "left: the hooks were left as they are: make their additional_dependencies install " in out
    assert "left: the file differs from the workflow init writes; --force replaces it" in out
    code, out, _ = _init(capsys, sample, "--install-from", url, "--force")
    assert _installed_from(sample)["workflow"] == f"qemlflow-lint[flake8] @ {url}"


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
    with pytest.raises(SourceError, match="without spaces, quotes"):
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
    # With [tool.flake8], Flake8-pyproject makes flake8 read pyproject.toml and nothing else:
    # a .flake8 (or setup.cfg's [flake8]) would be ignored.
    pyproject = PYPROJECT + "\n[tool.flake8]\nmax-line-length = 100  # as black\n"
    setup_cfg = "[flake8]\nmax-line-length = 79\n"
    write_tree(tmp_path, {"pyproject.toml": pyproject, "setup.cfg": setup_cfg})
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


@pytest.mark.slow
def test_written_tox_and_workflow_commands_run_as_written(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _init(capsys, sample)
    assert _written_commands(sample) == [
        "flake8 --select QF .",
        "qemlflow-lint score",
        "qemlflow-lint score --format github .",
        "flake8 --select QF .",
    ]
    done = _run_all(sample)
    flake8 = done["flake8 --select QF ."]
    assert flake8.returncode == 1
    assert flake8.stdout.splitlines() == [
        "./pkg/models.py:2:1: QF001 heavy module 'torch' imported at module import time; move the import into "
        "the functions that use it (or use `lazy import` on Python 3.15+)",
        "./pkg/models.py:5:1: QF002 public function 'fit' is missing type annotations: data, return",
    ]
    assert done["qemlflow-lint score"].returncode == 0  # the gate starts at today's score
    github = done["qemlflow-lint score --format github ."]
    assert github.returncode == 0 and "PASS:" in github.stderr
    assert "::warning file=pkg/models.py,line=2,col=1,title=QF001" in github.stdout

    write_tree(sample, {"pkg/extra.py": "import pandas\n"})  # the score drops below the gate
    dropped = _run_all(sample)
    assert dropped["qemlflow-lint score"].returncode == 1 and "FAIL:" in dropped["qemlflow-lint score"].stdout
    assert dropped["qemlflow-lint score --format github ."].returncode == 1

    (sample / "pkg/extra.py").unlink()
    write_tree(sample, {"pkg/models.py": GOOD_MODELS})
    fixed = _run_all(sample)
    assert {command: run.returncode for command, run in fixed.items()} == dict.fromkeys(fixed, 0), {
        command: run.stdout + run.stderr for command, run in fixed.items()
    }


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


@pytest.mark.slow
def test_real_tox_lint_environment(
    sample: Path, tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    needs_module("tox", "runs the real tox")
    _init(capsys, sample)
    env = _offline_env(wheelhouse, tmp_path)
    command = [sys.executable, "-m", "tox", "-e", "lint", "--workdir", str(tmp_path / "tox")]
    done = subprocess.run(command, cwd=sample, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "./pkg/models.py:2:1: QF001 heavy module 'torch'" in done.stdout
    write_tree(sample, {"pkg/models.py": GOOD_MODELS})
    done = subprocess.run(command, cwd=sample, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS: score 100.0" in done.stdout + done.stderr


@pytest.mark.slow
def test_real_pre_commit_with_the_written_configuration(
    sample: Path, tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    needs_module("pre_commit", "runs the real pre-commit")
    needs_program("git", "pre-commit needs git")
    _init(capsys, sample)
    env = _offline_env(wheelhouse, tmp_path)

    def commit_and_run() -> subprocess.CompletedProcess[str]:
        commit_all(sample, "sample", env=env)
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
            cwd=sample,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    done = commit_and_run()
    assert done.returncode == 1, done.stdout + done.stderr
    assert "pkg/models.py:2:1: QF001 heavy module 'torch'" in done.stdout
    assert re.search(r"qemlflow-lint score gate\.+Passed", done.stdout), done.stdout
    write_tree(sample, {"pkg/models.py": GOOD_MODELS})
    done = commit_and_run()
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"qemlflow-lint \(QF rules\)\.+Passed", done.stdout), done.stdout


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


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["relative-checkout", "git-url", "wheel"])
def test_install_from_works_in_a_fresh_clone_with_the_real_tools(
    tmp_path: Path, wheelhouse: Path, dependency_wheels: Path, kind: str
) -> None:
    needs_module("tox", "runs the real tox")
    needs_module("pre_commit", "runs the real pre-commit")
    needs_module("virtualenv", "the workflow's steps run in a fresh environment")
    needs_program("git", "the sample project is a git repository, cloned")
    needs_program("bash", "the workflow's steps run with bash")
    # The sample project's own repository, set up by the init command as a user runs it.
    project = write_tree(tmp_path / "sample", SAMPLE)
    commit_all(project, "the sample project")
    source = _source_for(kind, tmp_path, wheelhouse)
    done = subprocess.run(
        cli_command("init", "--install-from", source),
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    commit_all(project, "qemlflow-lint init")
    # A sibling folder, so that the relative path reaches the same checkout from the clone.
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", str(project), str(clone))
    env = _offline_env(dependency_wheels, tmp_path)

    # tox -e lint: the QF rules through flake8 fail on the bad module; fixed, the gate passes.
    tox = [sys.executable, "-m", "tox", "-e", "lint", "--workdir", str(tmp_path / "tox")]
    done = _run_in(clone, env, *tox)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "./pkg/models.py:2:1: QF001 heavy module 'torch'" in done.stdout, done.stdout
    write_tree(clone, {"pkg/models.py": GOOD_MODELS})
    done = _run_in(clone, env, *tox)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"PASS: score 100.0 is at least {GATE} (fail-under in pyproject.toml)" in done.stdout, done.stdout
    git(clone, "checkout", "--quiet", "--", "pkg/models.py")

    # The pre-commit hooks, on the committed files.
    done = _run_in(clone, env, sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "pkg/models.py:2:1: QF001 heavy module 'torch'" in done.stdout, done.stdout
    assert re.search(r"qemlflow-lint score gate\.+Passed", done.stdout), done.stdout

    # The workflow's steps, as GitHub runs them (bash -e, from the checkout's root), in a fresh
    # environment whose `python` is first on PATH.
    venv = tmp_path / "ci"
    subprocess.run(
        [sys.executable, "-m", "virtualenv", "--quiet", str(venv)], env=env, check=True, timeout=300
    )
    summary = tmp_path / "step-summary.md"
    ci_env = dict(env, PATH=str(venv / "bin") + os.pathsep + env["PATH"], GITHUB_STEP_SUMMARY=str(summary))
    workflow = yaml.safe_load((clone / setup_files.WORKFLOW_PATH).read_text(encoding="utf-8"))
    runs = {
        step["name"]: _run_in(clone, ci_env, "bash", "-e", "-c", step["run"])
        for step in workflow["jobs"]["qemlflow-lint"]["steps"]
        if "run" in step
    }
    assert {name: run.returncode for name, run in runs.items()} == {
        "Install qemlflow-lint and flake8": 0,
        "Score gate, findings as annotations": 0,
        "QF rules through flake8": 1,
    }, {name: run.stdout + run.stderr for name, run in runs.items()}
    assert (venv / "bin" / "qemlflow-lint").exists()
    assert (
        "::warning file=pkg/models.py,line=2,col=1,title=QF001"
        in runs["Score gate, findings as annotations"].stdout
    )
    assert summary.read_text(encoding="utf-8").startswith("## Compliance score: ")
    assert "./pkg/models.py:2:1: QF001 heavy module 'torch'" in runs["QF rules through flake8"].stdout
