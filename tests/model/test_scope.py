"""Library scope: the score at a repository's root is the score of its package; scripts
(examples, docs, ``setup.py``, loose files) and tests are checked for their own code only."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.frontends import run_in_process, write_tree

REPOSITORY = {
    "pyproject.toml": "[project]\nname = 'chemkit'\n",
    "setup.py": "from setuptools import setup\nsetup(name='chemkit')\n",
    "noxfile.py": "import nox\n\n\ndef tests(session):\n    session.run('pytest')\n",
    "docs/conf.py": "import os\nimport sys\nsys.path.insert(0, os.path.abspath('..'))\n",
    "examples/featurize.py": "import pandas\nprint(pandas.__version__)\n\n\ndef main(path):\n    return path\n",
    "tests/helpers.py": "def make(x):\n    return x\n",
    "tests/test_core.py": "def test_core():\n    try:\n        pass\n    except:\n        pass\n",
    "chemkit/__init__.py": '"""Chemistry kit."""\nfrom chemkit.core import mass\n',
    "chemkit/core.py": (
        '"""Core."""\nimport torch\n\n\ndef mass(smiles):\n    """Mass."""\n    return torch.tensor(len(smiles))\n'
    ),
    "chemkit/io.py": '"""IO."""\n\n\ndef read(path: str) -> str:\n    """Read."""\n    return path\n',
}


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = run_in_process(args, cwd=cwd)
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
    return done


def _score(cwd: Path, *paths: str) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(_run(cwd, "score", "--no-cache", "--format", "json", *paths).stdout)
    return payload


@pytest.fixture()
def repository(tmp_path: Path) -> Path:
    return write_tree(tmp_path, REPOSITORY)


def test_the_score_at_the_root_is_the_score_of_the_package(repository: Path) -> None:
    at_root, package = _score(repository, "."), _score(repository, "chemkit")
    assert at_root["score"] == package["score"] < 100
    assert at_root["rules"] == package["rules"]
    assert (
        set(at_root["files"])
        == set(package["files"])
        == {"chemkit/__init__.py", "chemkit/core.py", "chemkit/io.py"}
    )


def test_scripts_and_tests_get_only_the_rules_about_their_own_code(repository: Path) -> None:
    rows = json.loads(_run(repository, "check", "--no-cache", "--format", "json", ".").stdout)
    found = sorted((row["path"], row["code"]) for row in rows)
    assert found == [
        ("chemkit/__init__.py", "QF101"),  # importing chemkit pulls in torch through chemkit.core
        ("chemkit/core.py", "QF001"),
        ("chemkit/core.py", "QF002"),
        ("tests/test_core.py", "QF004"),  # a bare except is a bare except, wherever it is
        ("tests/test_core.py", "QF007"),
    ]


def test_packages_names_the_library_explicitly(repository: Path) -> None:
    write_tree(repository, {"loose.py": "import scipy\n"})
    assert ("loose.py", "QF001") in {
        (row["path"], row["code"])
        for row in json.loads(_run(repository, "check", "--no-cache", "--format", "json", ".").stdout)
    }  # a module at the project root is importable: library code by default
    (repository / "pyproject.toml").write_text(
        "[tool.qemlflow-lint]\npackages = ['chemkit']\n", encoding="utf-8"
    )
    rows = json.loads(_run(repository, "check", "--no-cache", "--format", "json", ".").stdout)
    assert "loose.py" not in {row["path"] for row in rows}
    assert _score(repository, ".")["score"] == _score(repository, "chemkit")["score"]


def test_init_writes_the_packages_it_finds(repository: Path) -> None:
    write_tree(
        repository, {"src/extras/__init__.py": '"""Extras."""\n', "standalone.py": '"""A module."""\n'}
    )
    _run(repository, "init", ".", "--fail-under", "50")
    text = (repository / "pyproject.toml").read_text(encoding="utf-8")
    assert 'packages = ["chemkit", "extras", "standalone"]' in text  # not docs, examples, tests, setup.py
