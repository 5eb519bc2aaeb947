"""The pre-commit hooks of ``.pre-commit-hooks.yaml``, run by pre-commit itself.

``pre-commit try-repo`` installs the hook repository into an environment of its own (it
needs ``git`` and pip access to the package index for the build backend). It installs the
repository's committed state: for a local path with uncommitted changes it adds the
modified *tracked* files, but never untracked ones. So the tests do not point it at this
checkout directly; they snapshot the files the hooks need (the package, ``pyproject.toml``,
``README.md`` and ``.pre-commit-hooks.yaml``, as they are in the working tree) into a fresh
git repository and commit them. That works from a clean checkout, from one with
uncommitted work, and from an unpacked source archive that is no git repository at all.
``PRE_COMMIT_HOME`` points into the test's temporary folder, shared by the tests of this
module so the hook environment is built once.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.installable import GIT_IDENTITY, committed_snapshot
from tests.tools import needs_module, needs_program

needs_module("pre_commit", "pre-commit is in the test extra")
#: Every test here runs pre-commit, which installs the hooks into an environment of its own.
pytestmark = pytest.mark.slow

FINDING = re.compile(r"^models\.py:\d+:\d+: QF\d{3} .+$", re.MULTILINE)
BAD_MODELS = (
    '"""Models."""\nimport torch\n\n\ndef fit(data):\n    """Fit."""\n    return torch.tensor(data)\n'
)
GOOD_MODELS = (
    '"""Models."""\n\n\ndef fit(data: list[float]) -> object:\n    """Fit."""\n'
    "    import torch\n\n    return torch.tensor(data)\n"
)
HELPERS = (
    '"""Helpers."""\n\n\ndef double(value: int) -> int:\n    """Twice the value."""\n    return 2 * value\n'
)


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(GIT_IDENTITY, PRE_COMMIT_HOME=str(home), PYTHONDONTWRITEBYTECODE="1")
    return env


def _git(cwd: Path, home: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=_env(home), check=True, capture_output=True, timeout=60)


def _commit_all(cwd: Path, home: Path, message: str) -> None:
    _git(cwd, home, "add", "--all")
    _git(cwd, home, "commit", "--quiet", "--no-verify", "-m", message)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's cache of hook repositories and environments, for this module."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory, pre_commit_home: Path) -> Path:
    """A git repository holding this checkout's working-tree state of the hook files."""
    needs_program("git", "pre-commit needs git")
    return committed_snapshot(tmp_path_factory.mktemp("hook-repo"), extra=[".pre-commit-hooks.yaml"])


@pytest.fixture()
def sample(tmp_path: Path, pre_commit_home: Path) -> Path:
    """A committed project with a bad module (a heavy top-level import, an untyped def) and a
    good one, gated at 100."""
    project = tmp_path / "sample"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "sample"\nversion = "1.0"\n\n[tool.qemlflow-lint.score]\nfail-under = 100\n',
        encoding="utf-8",
    )
    (project / "models.py").write_text(BAD_MODELS, encoding="utf-8")
    (project / "helpers.py").write_text(HELPERS, encoding="utf-8")
    (project / "notes.txt").write_text("not Python\n", encoding="utf-8")
    _git(project, pre_commit_home, "init", "--quiet")
    _commit_all(project, pre_commit_home, "sample project")
    return project


def _try_repo(
    project: Path, hook_repo: Path, home: Path, hook: str, extra: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "pre_commit",
        "try-repo",
        str(hook_repo),
        hook,
        "--all-files",
        "--color",
        "never",
        *(extra or []),
    ]
    return subprocess.run(command, cwd=project, env=_env(home), capture_output=True, text=True, timeout=600)


def _fix_models(project: Path, home: Path) -> None:
    (project / "models.py").write_text(GOOD_MODELS, encoding="utf-8")
    _commit_all(project, home, "defer the heavy import")


def test_check_hook_fails_on_the_bad_file_with_qf_lines_and_passes_once_fixed(
    sample: Path, hook_repo: Path, pre_commit_home: Path
) -> None:
    done = _try_repo(sample, hook_repo, pre_commit_home, "qemlflow-lint")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "qemlflow-lint (QF rules)" in done.stdout and "Failed" in done.stdout
    assert FINDING.findall(done.stdout) == [
        "models.py:2:1: QF001 heavy module 'torch' imported at module import time; move the import into "
        "the functions that use it (or use `lazy import` on Python 3.15+)",
        "models.py:5:1: QF002 public function 'fit' is missing type annotations: data, return",
    ]
    assert "helpers.py" not in done.stdout

    _fix_models(sample, pre_commit_home)
    done = _try_repo(sample, hook_repo, pre_commit_home, "qemlflow-lint")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"qemlflow-lint \(QF rules\)\.+Passed", done.stdout), done.stdout


def test_score_hook_gates_on_the_configured_fail_under(
    sample: Path, hook_repo: Path, pre_commit_home: Path
) -> None:
    done = _try_repo(sample, hook_repo, pre_commit_home, "qemlflow-lint-score")
    assert done.returncode == 1, done.stdout + done.stderr
    # The hook runs from the project root: the verdict names the gate's file as seen from there.
    assert "FAIL: score " in done.stdout, done.stdout
    assert "is below 100 (fail-under in pyproject.toml)" in done.stdout, done.stdout

    _fix_models(sample, pre_commit_home)
    done = _try_repo(sample, hook_repo, pre_commit_home, "qemlflow-lint-score")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"qemlflow-lint score gate\.+Passed", done.stdout), done.stdout


def test_score_hook_takes_the_gate_from_args_too(
    sample: Path, hook_repo: Path, pre_commit_home: Path
) -> None:
    # A lower gate on the hook's own arguments (the command line wins over pyproject.toml):
    # the bad project scores well above 10.
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=hook_repo, capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()
    (sample / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hook_repo}\n  rev: {rev}\n  hooks:\n"
        "  - id: qemlflow-lint-score\n    args: [--fail-under, '10']\n",
        encoding="utf-8",
    )
    _commit_all(sample, pre_commit_home, "pre-commit configuration")
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=sample,
        env=_env(pre_commit_home),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"qemlflow-lint score gate\.+Passed", done.stdout), done.stdout


def test_fix_hook_fails_when_it_changed_a_file_and_passes_on_the_fixed_tree(
    sample: Path, hook_repo: Path, pre_commit_home: Path
) -> None:
    done = _try_repo(sample, hook_repo, pre_commit_home, "qemlflow-lint-fix")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "models.py:2:1: QF001 fixed (safe): moved into 1 function" in done.stdout, done.stdout
    fixed = (sample / "models.py").read_text(encoding="utf-8")
    assert (
        fixed
        == '"""Models."""\n\n\ndef fit(data):\n    """Fit."""\n    import torch\n\n    return torch.tensor(data)\n'
    )
    assert (sample / "helpers.py").read_text(encoding="utf-8") == HELPERS

    _commit_all(sample, pre_commit_home, "the hook's fix")
    done = _try_repo(sample, hook_repo, pre_commit_home, "qemlflow-lint-fix")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"qemlflow-lint fix\.+Passed", done.stdout), done.stdout
