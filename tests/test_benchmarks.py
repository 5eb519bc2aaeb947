"""The benchmark script runs end to end: a quick smoke run prints its tables and exits 0."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.frontends import REPO

#: The rows every run has, whatever else is installed: the parse floor and the CLI's three.
ALWAYS_MEASURED = (
    "| parse floor: read + `ast.parse`",
    "| qemlflow-lint check, cold, `--jobs 1 --no-cache`",
    "| qemlflow-lint check, cold, `--no-cache`",
    "| qemlflow-lint check, warm cache",
    "| qemlflow-lint fix `--diff --unsafe-fixes --no-cache` (dry run",
)
#: The one-file rows: one small module checked on its own, next to the bare start-up.
ONE_FILE_ROWS = (
    "| bare interpreter start-up: `python -c pass`",
    '| `python -c "import qemlflow_lint.cli"`',
    "| qemlflow-lint check colorsys.py, `--no-cache`",
    "| qemlflow-lint check colorsys.py, default cache warm",
)
#: Targets that a quick run measures as a full run does (never SKIP when the CLI runs).
MEASURED_TARGETS = (
    "| cold `--jobs 1` ≤ 1.4 × the parse floor with the gc on",
    "| `fix --diff --unsafe-fixes` ≤ 10 × the cold check (all cores, no cache), email+json",
    "| `check FILE` of one small file ≤ 60 ms wall, `--no-cache`",
    "| `check FILE` of one small file ≤ 60 ms wall, default cache warm",
)
ADAPTER_TARGETS = {
    "flake8": "| importing the flake8 adapter costs no more than at 49b479c",
    "pylint": "| importing the pylint adapter costs no more than at 49b479c",
}


def _row(rows: list[str], start: str, stdout: str) -> list[str]:
    row = next((row for row in rows if row.startswith(start)), None)
    assert row is not None, f"no row {start!r} in:\n{stdout}"
    return [cell.strip() for cell in row.split("|")]


@pytest.mark.slow
def test_quick_run_prints_the_table() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--no-venvs"],
        capture_output=True,
        text=True,
        cwd=str(REPO),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    assert rows and rows[0].startswith("| tool / configuration | corpus | files | median s |")
    for start in ALWAYS_MEASURED:
        cells = _row(rows, start, done.stdout)
        assert cells[2] == "email+json" and float(cells[4]) > 0, cells  # corpus, median seconds
    for start in ONE_FILE_ROWS:
        cells = _row(rows, start, done.stdout)
        assert cells[2] == "1 file: colorsys.py" and float(cells[4]) > 0, cells
    assert "| target | measured | result |" in done.stdout
    for start in MEASURED_TARGETS:
        cells = _row(rows, start, done.stdout)
        assert cells[3] in ("**PASS**", "**FAIL**"), cells
    for host, start in ADAPTER_TARGETS.items():
        cells = _row(rows, start, done.stdout)
        if importlib.util.find_spec(host) is None:
            continue  # not installed: the row says "not measured"
        assert cells[3] in ("**PASS**", "**FAIL**"), cells
        adapter = _row(rows, f"| `import qemlflow_lint.{host}_plugin`", done.stdout)
        assert float(adapter[3]) > 0, adapter  # median milliseconds


def _load_run() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmarks_run", REPO / "benchmarks" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_library_corpus_leaves_out_tests_and_idle(tmp_path: Path) -> None:
    run = _load_run()
    source = tmp_path / "lib"
    for name in (
        "os.py",
        "test/test_os.py",
        "idlelib/run.py",
        "idlelib/idle_test/test_run.py",
        "unittest/case.py",
        "unittest/test/test_case.py",
        "lib2to3/tests/data/py2.py",
        "pkg/idlelib/kept.py",
        "pkg/testing/kept.py",
        "pkg/test_kept.py",
        "venv/skipped.py",
    ):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text("x = 1\n", encoding="utf-8")
    corpus = run.copy_corpus(
        "stdlib-lib", "lib", source, (), tmp_path / "copy", leave_out=run.library_left_out(source)
    )
    copied = sorted(p.relative_to(corpus.root).as_posix() for p in corpus.root.rglob("*.py"))
    assert copied == [
        "os.py",
        "pkg/idlelib/kept.py",
        "pkg/test_kept.py",
        "pkg/testing/kept.py",
        "unittest/case.py",
    ]
    assert corpus.files == 5
    assert corpus.excluded == (
        "idlelib/ (2 files)",
        "lib2to3/tests/ (1 files)",
        "test/ (1 files)",
        "unittest/test/ (1 files)",
    )
    assert corpus.left_out == ("venv/ (1 files)",)


def test_a_folder_of_the_command_line_is_a_corpus_named_by_its_folder_alone(tmp_path: Path) -> None:
    run = _load_run()
    library = tmp_path / "machine" / "specific" / "mylib"
    for name in ("mylib/__init__.py", "mylib/models.py", "mylib/__pycache__/models.py", "README.md"):
        (library / name).parent.mkdir(parents=True, exist_ok=True)
        (library / name).write_text("x = 1\n", encoding="utf-8")
    corpora = run.build_corpora(tmp_path / "work", True, [library])
    folder = next(corpus for corpus in corpora if corpus.key.startswith("folder-"))
    assert folder.title == "mylib" and folder.files == 2
    assert sorted(p.relative_to(folder.root).as_posix() for p in folder.root.rglob("*.py")) == [
        "mylib/__init__.py",
        "mylib/models.py",
    ]
    assert corpora[-1].key == "file"  # the one-file folder stays last
    with pytest.raises(run.BenchmarkError):
        run.build_corpora(tmp_path / "work2", True, [tmp_path / "missing"])
