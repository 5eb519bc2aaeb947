"""Which files a run analyses, and as what, must not depend on where it starts: a package
named like a build folder is code, a tree without a project marker has the top of the paths
given as its root, a ``.gitignore`` applies from any starting path below the project root,
and vendored folders inside a package are not library code by default."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from qemlflow_lint.cli import main
from tests.frontends import write_tree

#: A module with one QF001 finding (line 2) and, through every rule, one QF002 (line 5).
HEAVY = '"""Loads the model."""\nimport torch\n\n\ndef fit(x):\n    """Fit."""\n    return torch.tensor(x)\n'
PACKAGE = '"""A package."""\n'

Found = tuple[str, int, str]


def _check(cwd: Path, paths: Sequence[str], capsys: pytest.CaptureFixture[str], *options: str) -> list[Found]:
    """``check`` from ``cwd``: (absolute path, line, code) of each finding."""
    before = os.getcwd()
    os.chdir(cwd)
    try:
        main(["check", "--no-cache", "--format", "json", *options, *paths])
    finally:
        os.chdir(before)
    rows = json.loads(capsys.readouterr().out)
    return sorted((os.path.normpath(cwd / row["path"]), row["line"], row["code"]) for row in rows)


def test_a_package_of_the_project_named_like_a_build_folder_is_walked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'pkg'\n",
            "pkg/__init__.py": PACKAGE,
            "pkg/build/__init__.py": PACKAGE,
            "pkg/build/graph.py": HEAVY,
            # the output of a setuptools build: a copy of the package, not the project's code
            "build/lib/pkg/__init__.py": PACKAGE,
            "build/lib/pkg/build/__init__.py": PACKAGE,
            "build/lib/pkg/build/graph.py": HEAVY,
            # a folder of a package without __init__.py is no package: still skipped
            "pkg/dist/made.py": HEAVY,
        },
    )
    found = _check(tmp_path, ["."], capsys, "--select", "QF001")
    assert found == [(str(tmp_path / "pkg/build/graph.py"), 2, "QF001")]
    assert _check(tmp_path / "pkg", ["."], capsys, "--select", "QF001") == found


def test_a_configured_top_level_package_named_like_a_build_folder_is_walked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {"build/__init__.py": PACKAGE, "build/env.py": HEAVY})
    (tmp_path / "pyproject.toml").write_text("[tool.qemlflow-lint]\nselect = ['QF001']\n", encoding="utf-8")
    assert _check(tmp_path, ["."], capsys) == []  # a top-level build/ is a build's output
    (tmp_path / "pyproject.toml").write_text(
        "[tool.qemlflow-lint]\nselect = ['QF001']\npackages = ['build']\n", encoding="utf-8"
    )
    assert _check(tmp_path, ["."], capsys) == [(str(tmp_path / "build/env.py"), 2, "QF001")]


def test_without_a_project_marker_the_top_of_the_paths_given_is_the_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = write_tree(tmp_path / "tree", {"good.py": HEAVY})
    expected = [(str(tree / "good.py"), 2, "QF001"), (str(tree / "good.py"), 5, "QF002")]
    assert _check(tree, ["."], capsys) == expected
    assert _check(tmp_path, ["tree"], capsys) == expected
    assert _check(tmp_path, ["tree/good.py"], capsys) == expected
    assert _check(tmp_path.parent, [str(tree)], capsys) == expected


def test_a_gitignore_applies_from_any_starting_path_below_the_project_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An sdist: a project marker, a .gitignore, and no .git.
    write_tree(
        tmp_path,
        {
            "setup.py": "",
            ".gitignore": "pkg/generated/\n",
            "pkg/__init__.py": PACKAGE,
            "pkg/model.py": HEAVY,
            "pkg/generated/__init__.py": PACKAGE,
            "pkg/generated/schema.py": HEAVY,
        },
    )
    expected = [(str(tmp_path / "pkg/model.py"), 2, "QF001")]
    assert _check(tmp_path, ["."], capsys, "--select", "QF001") == expected
    assert _check(tmp_path, ["pkg"], capsys, "--select", "QF001") == expected
    assert _check(tmp_path / "pkg", ["."], capsys, "--select", "QF001") == expected
    assert _check(tmp_path / "pkg", ["generated"], capsys, "--select", "QF001") == []


@pytest.mark.parametrize("folder", ["_vendor", "vendor", "extern", "externals"])
def test_vendored_folders_inside_a_package_are_not_library_code_by_default(
    folder: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        tmp_path,
        {
            "pkg/__init__.py": PACKAGE,
            f"pkg/{folder}/__init__.py": "",
            f"pkg/{folder}/six.py": HEAVY,
        },
    )
    (tmp_path / "pyproject.toml").write_text("[tool.qemlflow-lint]\n", encoding="utf-8")
    assert _check(tmp_path, ["."], capsys) == []
    # `packages` names the library: everything in it, vendored code included, is library code.
    found = _check(tmp_path, ["."], capsys, "--packages", "pkg")
    assert (str(tmp_path / f"pkg/{folder}/six.py"), 2, "QF001") in found


def test_a_folder_named_external_is_library_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `external` names a project's own integrations as often as copied code: it stays library.
    write_tree(
        tmp_path, {"pkg/__init__.py": PACKAGE, "pkg/external/__init__.py": "", "pkg/external/s3.py": HEAVY}
    )
    (tmp_path / "pyproject.toml").write_text("[tool.qemlflow-lint]\nselect = ['QF001']\n", encoding="utf-8")
    assert _check(tmp_path, ["."], capsys) == [(str(tmp_path / "pkg/external/s3.py"), 2, "QF001")]


def test_statistics_say_how_many_findings_a_bare_noqa_hides(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path,
        {
            "pyproject.toml": "[tool.qemlflow-lint]\n",
            # written for flake8's F401, this bare noqa hides QF101 too
            "pkg/__init__.py": '"""A package."""\nfrom pkg import model  # noqa\n',
            "pkg/model.py": '"""A model."""\nimport torch  # noqa: QF001\n',
        },
    )
    monkeypatch.chdir(tmp_path)
    main(["check", "--no-cache", "--statistics", "."])
    assert capsys.readouterr().out.splitlines() == [
        "1 finding hidden by a bare `# noqa` (it silences every code on its line: "
        "name the codes it is for, such as `# noqa: F401`)"
    ]
    main(["check", "--no-cache", "--statistics", "--format", "markdown", "."])
    assert capsys.readouterr().out.splitlines()[-1].startswith("1 finding hidden by a bare `# noqa`")
