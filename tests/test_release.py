"""The release workflow, ``.github/workflows/release.yml``: its shape, read from the parsed
file, and its build steps, run as written on a copy of this checkout.

The build job's ``run:`` commands run with ``bash -e`` (as GitHub runs them) in a copy of
what an installation needs (see ``installable.py``), so nothing is built in the working tree;
its install step is skipped, as the test extra has build and twine. ``python -m build``
builds in an isolated environment, which needs the package index (or pip's configured
sources) for the build backend, as ``build_wheelhouse`` does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

from qemlflow_lint import __version__
from tests.frontends import REPO
from tests.installable import copy_installable
from tests.tools import missing, needs_module, needs_program

yaml = needs_module("yaml", "PyYAML comes with pre-commit, in the test extra")

WORKFLOW = REPO / ".github" / "workflows" / "release.yml"
PUBLISH_ACTION = "pypa/gh-action-pypi-publish@release/v1"
SDIST = f"qemlflow_lint-{__version__}.tar.gz"
WHEEL = f"qemlflow_lint-{__version__}-py3-none-any.whl"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1, which PyYAML reads, takes the key `on` for the boolean true; GitHub does not.
    triggers = workflow.get("on", workflow.get(True))
    assert isinstance(triggers, dict)
    return triggers


def _uses(steps: list[dict[str, Any]], action: str) -> dict[str, Any]:
    (step,) = [step for step in steps if step.get("uses", "").split("@")[0] == action]
    return step


def _runs(job: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {step["name"]: step for step in job["steps"] if "run" in step}


def test_it_runs_on_a_published_release_and_by_hand(workflow: dict[str, Any]) -> None:
    triggers = _triggers(workflow)
    assert set(triggers) == {"release", "workflow_dispatch"}
    assert triggers["release"] == {"types": ["published"]}
    # A manual run builds and checks; it publishes only when asked to.
    publish = triggers["workflow_dispatch"]["inputs"]["publish"]
    assert publish["type"] == "boolean" and publish["default"] is False
    assert workflow["jobs"]["publish"]["if"] == "github.event_name == 'release' || inputs.publish"


def test_the_build_job_builds_checks_and_uploads_the_distributions(workflow: dict[str, Any]) -> None:
    assert workflow["permissions"] == {"contents": "read"}  # every job's default: read only
    build = workflow["jobs"]["build"]
    assert "permissions" not in build and "environment" not in build
    steps = build["steps"]
    assert _uses(steps, "actions/checkout")["with"] == {"persist-credentials": False}
    commands = [step["run"] for step in steps if "run" in step]
    assert commands[:3] == [
        "python -m pip install build twine",
        "python -m build",
        "python -m twine check --strict dist/*",
    ]
    upload = _uses(steps, "actions/upload-artifact")
    assert upload["with"] == {"name": "dist", "path": "dist/", "if-no-files-found": "error"}
    assert steps[-1] is upload  # after every check


def test_the_publish_job_uses_trusted_publishing_after_the_build(workflow: dict[str, Any]) -> None:
    publish = workflow["jobs"]["publish"]
    assert publish["needs"] in ("build", ["build"])
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    steps = publish["steps"]
    download = _uses(steps, "actions/download-artifact")
    assert download["with"] == {"name": "dist", "path": "dist/"}
    assert steps[-1] == {"uses": PUBLISH_ACTION}  # no token or password: trusted publishing
    assert not any("checkout" in step.get("uses", "") or "run" in step for step in steps)
    assert "secrets." not in WORKFLOW.read_text(encoding="utf-8")


def _bash_env() -> dict[str, str]:
    needs_program("bash", "the workflow's steps run with bash")
    bin_dir = str(Path(sys.executable).parent)
    if shutil.which("python", path=bin_dir) is None:
        missing("no `python` command next to this interpreter")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "VIRTUAL_ENV"))}
    env.update(PATH=bin_dir + os.pathsep + env.get("PATH", ""), PYTHONDONTWRITEBYTECODE="1")
    return env


def _bash(
    script: str, cwd: Path, env: dict[str, str], timeout: int = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.slow
def test_the_build_steps_make_distributions_that_twine_check_accepts(
    workflow: dict[str, Any], tmp_path: Path
) -> None:
    needs_module("build", "build is in the test extra")
    needs_module("twine", "twine is in the test extra")
    checkout = copy_installable(tmp_path / "checkout")
    env = _bash_env()
    runs = _runs(workflow["jobs"]["build"])
    for name in ("Build the sdist and the wheel", "Check the distributions"):
        done = _bash(runs[name]["run"], checkout, env)
        assert done.returncode == 0, f"{name}:\n{done.stdout}{done.stderr}"
    assert "PASSED" in done.stdout and "WARNING" not in done.stdout + done.stderr, done.stdout
    assert sorted(p.name for p in (checkout / "dist").iterdir()) == [WHEEL, SDIST]

    with zipfile.ZipFile(checkout / "dist" / WHEEL) as wheel:
        names = set(wheel.namelist())
        info = f"qemlflow_lint-{__version__}.dist-info"
        entry_points = wheel.read(f"{info}/entry_points.txt").decode("utf-8")
    assert {"qemlflow_lint/py.typed", "qemlflow_lint/cli/init.py", "qemlflow_lint/setup/source.py"} <= names
    assert "QF = qemlflow_lint.flake8_plugin:Flake8Plugin" in entry_points
    assert "qemlflow-lint = qemlflow_lint.cli:entry_point" in entry_points
    with tarfile.open(checkout / "dist" / SDIST) as sdist:
        members = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"README.md", "pyproject.toml", "qemlflow_lint/py.typed", "qemlflow_lint/__init__.py"} <= members

    # On a release, the tag must name the version just built.
    step = runs["The release tag names the version built"]
    assert step["if"] == "github.event_name == 'release'"
    assert step["env"] == {"TAG": "${{ github.event.release.tag_name }}"}
    assert _bash(step["run"], checkout, dict(env, TAG=f"v{__version__}")).returncode == 0
    wrong = _bash(step["run"], checkout, dict(env, TAG="v0.0.0"))
    assert wrong.returncode == 1
    assert wrong.stdout.startswith("::error::the release tag v0.0.0 does not name the version built")
