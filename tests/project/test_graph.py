"""The first-party import graph behind QF101 and QF102: how modules are named and how
imports resolve, on small real projects (flat, src and namespace layouts)."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

import pytest

from qemlflow_lint.cli import main
from tests.frontends import write_tree


def _write(root: Path, files: dict[str, str]) -> None:
    write_tree(root, {name: dedent(text) for name, text in files.items()})


def _findings(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    main(["check", "--select", "QF1", "--no-cache", *args])
    return capsys.readouterr().out.splitlines()


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    return tmp_path


def test_import_of_a_dotted_name_runs_every_parent_package(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(
        project,
        {
            "a/__init__.py": "",
            "a/b/__init__.py": "import torch\n",
            "a/b/c.py": "X = 1\n",
            "user.py": "import a.b.c\n",
        },
    )
    assert _findings(capsys, ".") == [
        "user.py:1:1: QF101 importing user pulls in torch at import time: user.py:1 → a/b/__init__.py:1 → torch"
    ]


def test_from_package_import_submodule_resolves_to_the_submodule(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(
        project,
        {
            "pkg/__init__.py": "",
            "pkg/heavy.py": "import pandas\n",
            "pkg/user.py": "from pkg import heavy\n",
            "pkg/other.py": "from pkg import user as u, heavy as h\n",
        },
    )
    assert _findings(capsys, ".") == [
        "pkg/other.py:1:1: QF101 importing pkg.other pulls in pandas at import time: "
        "pkg/other.py:1 → pkg/heavy.py:1 → pandas",
        "pkg/user.py:1:1: QF101 importing pkg.user pulls in pandas at import time: "
        "pkg/user.py:1 → pkg/heavy.py:1 → pandas",
    ]


def test_src_layout_packages_are_found(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(
        project,
        {
            "src/lib/__init__.py": "from lib.io import read\n",
            "src/lib/io.py": "import pyarrow\n\ndef read(): ...\n",
        },
    )
    assert _findings(capsys, "src") == [
        "src/lib/__init__.py:1:1: QF101 importing lib pulls in pyarrow at import time: "
        "src/lib/__init__.py:1 → src/lib/io.py:1 → pyarrow"
    ]


def test_namespace_packages_are_resolved_when_configured(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        "src/company/chem/featurize.py": "from company.chem import backend\n",
        "src/company/chem/backend.py": "import rdkit\n",
    }
    _write(project, files)
    # Without the option the folders are no packages: the modules are `featurize` and
    # `backend`, and `company.chem.backend` is not one of the project's modules.
    assert _findings(capsys, ".") == []
    (project / "pyproject.toml").write_text(
        "[project]\nname = 'demo'\n[tool.qemlflow-lint]\nnamespace-packages = [\"src/company\"]\n",
        encoding="utf-8",
    )
    assert _findings(capsys, ".") == [
        "src/company/chem/featurize.py:1:1: QF101 importing company.chem.featurize pulls in rdkit at import "
        "time: src/company/chem/featurize.py:1 → src/company/chem/backend.py:1 → rdkit"
    ]


def test_relative_imports_are_resolved_and_impossible_ones_ignored(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(
        project,
        {
            "pkg/__init__.py": "",
            "pkg/sub/__init__.py": "from ..models import M\n",
            "pkg/models.py": "import sklearn\nM = 1\n",
            "pkg/sub/far.py": "from .... import nothing\n",
        },
    )
    assert _findings(capsys, ".") == [
        "pkg/sub/__init__.py:1:1: QF101 importing pkg.sub pulls in sklearn at import time: "
        "pkg/sub/__init__.py:1 → pkg/models.py:1 → sklearn"
    ]


def test_project_findings_obey_noqa_and_disable_noqa(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(project, {"m1.py": "import m2  # noqa: QF102\n", "m2.py": "import m1\n"})
    assert _findings(capsys, ".") == ["m2.py:1:1: QF102 import cycle at import time: m2 → m1 → m2"]
    assert len(_findings(capsys, ".", "--disable-noqa")) == 2


def test_project_rules_are_the_same_from_the_cache(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(project, {"m1.py": "import m2\n", "m2.py": "import m1\nimport torch\n", "m3.py": "import m2\n"})
    main(["check", "--select", "QF1", "."])
    cold = capsys.readouterr().out
    main(["check", "--select", "QF1", "."])
    warm = capsys.readouterr().out
    assert cold == warm and cold.count("QF101") == 2 and cold.count("QF102") == 2


def test_project_rules_count_one_unit_per_checked_module_in_the_score(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(
        project,
        {
            "m1.py": '"""One."""\nimport m2\n',
            "m2.py": '"""Two."""\nimport torch  # noqa: QF001\n',
            "test_m.py": "import m1\n",
        },
    )
    main(["score", "--select", "QF101", "--format", "json", "--no-cache", "."])
    report = json.loads(capsys.readouterr().out)
    assert report["rules"]["QF101"]["units"] == 2  # test files are not checked
    assert report["rules"]["QF101"]["violating"] == 1
    assert report["score"] == 50.0


def test_separate_projects_in_one_tree_do_not_share_a_graph(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(
        project,
        {
            "one/pyproject.toml": "[tool.qemlflow-lint]\n",
            "one/shared.py": "import torch\n",
            "two/pyproject.toml": "[tool.qemlflow-lint]\n",
            "two/user.py": "import shared\n",
            "two/shared.py": "X = 1\n",
        },
    )
    assert _findings(capsys, "one", "two") == []
