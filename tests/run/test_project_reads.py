"""Who reads a project's module names: every Python file and documentation page below the
project root, tests and docs included, the configured excludes too; not what discovery
always skips (virtual environments, version control, build output), nor data files."""

from __future__ import annotations

from pathlib import Path

from qemlflow_lint.analysis.names.attribute_reads import ReadSite
from qemlflow_lint.model.settings import Settings
from qemlflow_lint.run.project_reads import MAX_DOC_BYTES, project_reads, readers_by_path
from tests.frontends import write_tree

FROM_IMPORT = "from pkg.a import np\n"


def _project(root: Path) -> Path:
    return write_tree(
        root,
        {
            "pyproject.toml": '[tool.qemlflow-lint]\nexclude = ["tests/"]\n',
            "pkg/__init__.py": "",
            "pkg/a.py": "import numpy as np\n\ndef f():\n    return np.zeros(3)\n",
            "pkg/b.py": "from .a import np\n",  # never spells the package's name
            "tests/test_a.py": "from unittest import mock\n\n@mock.patch('pkg.a.np')\ndef test(m): ...\n",
            "docs/usage.md": "```pycon\n>>> from pkg.a import np\n```\n",
            "docs/notes.txt": "See pkg.a.np.\n",
            "docs/table.txt": "pkg.a.np " * (MAX_DOC_BYTES // 9 + 1),
            ".venv/pyvenv.cfg": "",
            ".venv/lib/reader.py": FROM_IMPORT,
            ".git/hooks/reader.py": FROM_IMPORT,
            "build/lib/reader.py": FROM_IMPORT,
            "conftest.py": "import sys\nimport pkg.a\nPD = sys.modules['pandas']\nOS = sys.modules['os']\n",
        },
    )


def test_every_reader_of_the_project_is_found_and_nothing_that_discovery_skips(tmp_path: Path) -> None:
    root = _project(tmp_path)
    reads = project_reads(str(root), {"pkg"})
    where = {(Path(w.path).relative_to(root).as_posix(), w.line) for w in reads.names["pkg.a"]["np"]}
    assert where == {("pkg/b.py", 1), ("tests/test_a.py", 3), ("docs/usage.md", 2), ("docs/notes.txt", 1)}
    assert set(reads.loaded) == {"pandas", "os"}


def test_each_file_gets_the_readers_of_its_module_and_the_heavy_modules_read_from_sys_modules(
    tmp_path: Path,
) -> None:
    root = _project(tmp_path)
    settings = Settings(root=str(root))
    a, b = str(root / "pkg" / "a.py"), str(root / "pkg" / "b.py")
    readers = readers_by_path({a: settings, b: settings}, [a])
    assert len(readers[a].names["np"]) == 4
    assert readers[b].names == {}
    assert readers[a].loaded == {"pandas": (ReadSite(str(root / "conftest.py"), 3),)}  # os is not heavy


def test_no_walk_without_a_module_to_protect(tmp_path: Path) -> None:
    root = _project(tmp_path)
    assert readers_by_path({str(root / "pkg" / "a.py"): Settings(root=str(root))}, []) == {}
