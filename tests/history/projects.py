"""A small project with a history that exercises what decides a score: its configuration
(and a change of it), packages and a loose script, tests, a file that does not parse, a
``.gitignore`` that hides a tracked file, a virtual environment, a symbolic link, a nested
project with its own configuration, every project rule, and a rename."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qemlflow_lint.cli import main
from qemlflow_lint.history.model import CommitScore
from tests.history.gitrepo import GitRepo

CONFIG = """\
[project]
name = "chem"

[tool.qemlflow-lint]
extend-heavy-modules = ["rdkit_like"]
per-file-ignores = { "chem/legacy.py" = ["QF002"] }
"""
CONFIG_WEIGHTED = (
    CONFIG
    + """
[tool.qemlflow-lint.score]
weights = { QF003 = 3, QF008 = 0 }
"""
)

FIRST = {
    "pyproject.toml": CONFIG,
    ".gitignore": "chem/generated.py\n*.log\n",
    "chem/__init__.py": '"""Chemistry."""\nfrom chem.core import mass\n',
    "chem/core.py": '"""Core."""\n\n\ndef mass(x):\n    """Mass."""\n    return x\n',
    "chem/models.py": '"""Models."""\nimport torch\n\n\ndef fit() -> None:\n    """Fit."""\n',
    "chem/chain.py": '"""Chain."""\nfrom chem import models\n',
    "chem/a.py": '"""A."""\nfrom chem import b\n',
    "chem/b.py": '"""B."""\nfrom chem import a\n',
    "chem/io.py": (
        '"""Input."""\nprint("loading")\n\n\ndef load(path: str) -> str:\n    """Load."""\n'
        "    try:\n        return open(path).read()\n    except:\n        pass\n    return ''\n"
    ),
    "chem/legacy.py": '"""Legacy."""\n\n\ndef old(x):\n    """Old."""\n    return x\n',
    "chem/generated.py": "def generated(x): return x\n",
    "tests/test_core.py": "def test_mass():\n    assert True\n",
    "tools/gen.py": "def gen(x):\n    return x\n",
    "setup.py": "import setuptools\nsetuptools.setup()\n",
    ".venv-like/pyvenv.cfg": "home = /usr/bin\n",
    ".venv-like/lib.py": "def lib(x): return x\n",
    "sub/pyproject.toml": '[tool.qemlflow-lint]\nignore = ["QF003"]\n',
    "sub/subpkg/__init__.py": "",
    "sub/subpkg/thing.py": "def thing(x):\n    return x\n",
}


def build(repo: GitRepo) -> list[str]:
    """Commit the project's history; the commit ids, oldest first."""
    commits = [repo.commit("Start the chemistry package", FIRST)]
    commits.append(
        repo.commit(
            "Add a broken module and a latin-1 one",
            {
                "chem/broken.py": "def broken(:\n    pass\n",
                "chem/latin.py": b'# -*- coding: latin-1 -*-\n"""Caf\xe9."""\nNAME = "caf\xe9"\n',
            },
            author="Grace Hopper",
        )
    )
    commits.append(repo.commit("Weigh documentation more", {"pyproject.toml": CONFIG_WEIGHTED}))
    repo.git("mv", "chem/core.py", "chem/kernel.py")
    commits.append(
        repo.commit(
            "Rename core to kernel and type it",
            {
                "chem/__init__.py": '"""Chemistry."""\nfrom chem.kernel import mass\n',
                "chem/kernel.py": '"""Core."""\n\n\ndef mass(x: float) -> float:\n    """Mass."""\n    return x\n',
            },
        )
    )
    commits.append(
        repo.commit(
            "Undocumented helpers",
            {
                "chem/helpers.py": "def one(x: int) -> int:\n    return x\n\n\ndef two(x: int) -> int:\n    return x\n"
            },
            author="Grace Hopper",
        )
    )
    return commits


#: The history of :func:`build` for each session's temporary folder: built once per test
#: process, and never changed (:func:`built_copy` hands out copies).
_BUILT: dict[Path, tuple[GitRepo, list[str]]] = {}


def built_copy(tmp_path_factory: pytest.TempPathFactory, root: Path) -> tuple[GitRepo, list[str]]:
    """A copy at ``root`` of the history of :func:`build`, and its commit ids, oldest first.
    The history is built once per test process; a copy costs no git command where building
    it costs sixteen."""
    key = tmp_path_factory.getbasetemp()
    if key not in _BUILT:
        template = GitRepo(tmp_path_factory.mktemp("built") / "repo")
        _BUILT[key] = (template, build(template))
    template, commits = _BUILT[key]
    return template.copy(root), list(commits)


def by_commit(points: tuple[CommitScore, ...]) -> dict[str, CommitScore]:
    """The points by commit id."""
    return {point.commit: point for point in points}


def checkout(repo: GitRepo, commit: str, where: Path) -> Path:
    """A clean checkout of ``commit`` in a scratch worktree at ``where``."""
    repo.git("worktree", "add", "-q", "--detach", str(where), commit)
    return where


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    """``qemlflow-lint ARGUMENTS`` in this process: exit code, standard output and error."""
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def trend_json(capsys: pytest.CaptureFixture[str], *arguments: str) -> dict[str, Any]:
    """``trend --format json ARGUMENTS`` in the working directory, parsed."""
    code, out, err = run(capsys, "trend", "--format", "json", *arguments)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def score_json(capsys: pytest.CaptureFixture[str], *arguments: str) -> dict[str, Any]:
    """``score --format json ARGUMENTS`` in the working directory, parsed."""
    code, out, err = run(capsys, "score", "--format", "json", "--no-cache", *arguments)
    assert code in (0, 1), err
    data: dict[str, Any] = json.loads(out)
    return data


def _exact_parts(point: dict[str, Any]) -> dict[str, Any]:
    return {key: point[key] for key in ("score", "files", "units", "unparseable", "config_hash")}


def assert_same_score(point: dict[str, Any], report: dict[str, Any], below: str = "") -> None:
    """A trend point says what ``score --format json`` says: the score, the files, each
    rule's units and violating units, coverage, the points each file lost, the unparseable
    files and the configuration's hash. ``score`` names files from the working directory,
    ``trend`` from the top of the repository: ``below`` is the one seen from the other."""
    files: dict[str, float] = {}
    for path, _, points in point["losses"]:
        files[path] = files.get(path, 0.0) + points
    expected = {
        "score": report["score"],
        "files": report["files_analysed"],
        "units": {code: [rule["units"], rule["violating"]] for code, rule in report["rules"].items()},
        "unparseable": len(report["unparseable"]),
        "config_hash": report["config_hash"],
    }
    assert _exact_parts(point) == expected
    assert point["coverage"] == pytest.approx(
        {code: rule["coverage"] * 100 for code, rule in report["rules"].items()}
    )
    lost = {
        below + path: entry["points_lost"]
        for path, entry in report["files"].items()
        if "points_lost" in entry
    }
    assert files == pytest.approx(lost, abs=1e-3)


def module(name: str, defs: int, undocumented: int = 0, untyped: int = 0, imports: str = "") -> str:
    """A module of ``defs`` public functions: the first ``undocumented`` without a
    docstring, the last ``untyped`` without annotations."""
    body = [f'"""{name.capitalize()}."""\n{imports}']
    for number in range(defs):
        header = (
            f"def {name}_{number}(x)" if number >= defs - untyped else f"def {name}_{number}(x: int) -> int"
        )
        doc = "" if number < undocumented else f'    """{name} {number}."""\n'
        body.append(f"\n\n{header}:\n{doc}    return x\n")
    return "".join(body)


#: What each commit of :func:`build_large` is, by its subject.
LARGE_SUBJECTS = (
    "Start the package",
    "Document forty helpers and add a notebook exporter",
    "Add the plotting module",
    "Add a descriptor module",
    "Import the heavy model library at the top of every model",
)


def build_large(repo: GitRepo) -> list[str]:
    """A history shaped like a real research package's (many modules, few findings per
    commit), with the commits that a fall of the percentages once called drops: a rise
    whose one rule lost a little coverage, a module with one finding, and a coverage fall
    that rounds to ``-0.0``; then one real regression. The commit ids, oldest first."""
    files: dict[str, str | bytes | None] = {
        "pyproject.toml": '[project]\nname = "chem"\n\n[tool.qemlflow-lint]\nextend-heavy-modules = ["torchish"]\n',
        "chem/__init__.py": '"""Chemistry."""\n',
    }
    files.update({f"chem/m{n:02d}.py": module(f"m{n:02d}", 10, undocumented=2, untyped=2) for n in range(40)})
    commits = [repo.commit(LARGE_SUBJECTS[0], files, author="Sanjeeva Reddy Dodlapati")]
    rise: dict[str, str | bytes | None] = {
        f"chem/m{n:02d}.py": module(f"m{n:02d}", 10, undocumented=0, untyped=2) for n in range(20)
    }
    rise["chem/export.py"] = module("export", 10, untyped=10)
    commits.append(repo.commit(LARGE_SUBJECTS[1], rise, author="Sanjeeva Reddy Dodlapati"))
    commits.append(
        repo.commit(
            LARGE_SUBJECTS[2], {"chem/plot.py": module("plot", 10, undocumented=1)}, author="Ada Lovelace"
        )
    )
    commits.append(
        repo.commit(
            LARGE_SUBJECTS[3],
            {"chem/descriptors.py": module("descriptors", 14, untyped=3)},
            author="Ada Lovelace",
        )
    )
    heavy = {
        f"chem/m{n:02d}.py": module(f"m{n:02d}", 10, undocumented=2, untyped=2, imports="import torchish\n")
        for n in range(30, 40)
    }
    commits.append(repo.commit(LARGE_SUBJECTS[4], heavy, author="Grace Hopper"))
    return commits
