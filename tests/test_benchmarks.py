"""The benchmark script runs end to end: a quick smoke run prints its tables and exits 0."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import corpora
from benchmarks.base import BenchmarkError
from benchmarks.cli import evaluate
from benchmarks.corpora import Corpus
from benchmarks.outcome import cli as outcome_cli
from benchmarks.outcome import results, verdict
from benchmarks.outcome.libraries import Mode
from benchmarks.timing import Command, Outcome, Sample, accept_zero
from qemlflow_lint.model.heavy import DEFAULT_HEAVY_MODULES
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
#: Targets that a quick run measures as a full run does (never SKIP when the CLI runs): for
#: each, how to read the measured figure from its cell, and the most the target allows.
MEASURED_TARGETS = {
    "| cold `--jobs 1` ≤ 1.4 × the parse floor with the gc on": (r"= ([\d.]+) × gc-on floor", 1.4),
    "| `fix --diff --unsafe-fixes` ≤ 5 × the cold check (all cores, no cache), email+json": (
        r"= ([\d.]+) × cold",
        5.0,
    ),
    "| `check FILE` of one small file ≤ 60 ms wall, `--no-cache`": (r"^(\d+) ms wall", 60.0),
    "| `check FILE` of one small file ≤ 60 ms wall, default cache warm": (r"^(\d+) ms wall", 60.0),
}
ADAPTER_TARGETS = {
    "flake8": "| importing the flake8 adapter costs no more than at 49b479c",
    "pylint": "| importing the pylint adapter costs no more than at 49b479c",
}
#: An adapter target's cell: the measured cost, then its limit.
ADAPTER_FIGURES = r"^([\d.]+) ms on top of .* limit ([\d.]+) ms"


def _figure(pattern: str, cell: str) -> float:
    found = re.search(pattern, cell)
    assert found is not None, f"no figure {pattern!r} in {cell!r}"
    return float(found.group(1))


def _assert_verdict(cells: list[str], measured: float, limit: float) -> None:
    """The verdict is the one the figure the row shows implies: PASS under the limit, FAIL
    over it (whether this machine meets a target is `run.py --check`'s question; that every
    target can pass and fail is proven offline below). A figure shown equal to its limit is
    rounded, so its verdict cannot be told from it, and is not looked at."""
    if measured != limit:
        assert cells[3] == ("**PASS**" if measured < limit else "**FAIL**"), cells


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
        timeout=600,  # a smoke run takes 15 s alone, minutes on a machine busy with other work
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
    for start, (pattern, limit) in MEASURED_TARGETS.items():
        cells = _row(rows, start, done.stdout)
        _assert_verdict(cells, _figure(pattern, cells[2]), limit)
    for host, start in ADAPTER_TARGETS.items():
        cells = _row(rows, start, done.stdout)
        if importlib.util.find_spec(host) is None:
            continue  # not installed: the row says "not measured"
        figures = re.search(ADAPTER_FIGURES, cells[2])
        assert figures is not None, cells
        _assert_verdict(cells, float(figures.group(1)), float(figures.group(2)))
        adapter = _row(rows, f"| `import qemlflow_lint.{host}_plugin`", done.stdout)
        assert float(adapter[3]) > 0, adapter  # median milliseconds


def test_library_corpus_leaves_out_tests_and_idle(tmp_path: Path) -> None:
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
    corpus = corpora.copy_corpus(
        "stdlib-lib", "lib", source, (), tmp_path / "copy", leave_out=corpora.library_left_out(source)
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
    library = tmp_path / "machine" / "specific" / "mylib"
    for name in ("mylib/__init__.py", "mylib/models.py", "mylib/__pycache__/models.py", "README.md"):
        (library / name).parent.mkdir(parents=True, exist_ok=True)
        (library / name).write_text("x = 1\n", encoding="utf-8")
    found = corpora.build_corpora(tmp_path / "work", True, [library])
    folder = next(corpus for corpus in found if corpus.key.startswith("folder-"))
    assert folder.title == "mylib" and folder.files == 2
    assert sorted(p.relative_to(folder.root).as_posix() for p in folder.root.rglob("*.py")) == [
        "mylib/__init__.py",
        "mylib/models.py",
    ]
    assert found[-1].key == "file"  # the one-file folder stays last
    with pytest.raises(BenchmarkError):
        corpora.build_corpora(tmp_path / "work2", True, [tmp_path / "missing"])


#: Every row a target reads, with a figure (seconds) that meets its target and one that fails it.
ROWS = {
    "stdlib:floor": (1.0, 1.0),
    "stdlib:floor-gc": (1.1, 1.1),
    "stdlib:qf-cold-1": (1.2, 2.0),
    "stdlib:qf-cold-n": (0.6, 1.5),
    "stdlib:qf-warm": (0.1, 0.3),
    "stdlib:ruff": (0.2, 0.2),
    "stdlib:qf-fix": (3.0, 20.0),
    "stdlib:flake8": (10.0, 10.0),
    "stdlib:flake8-ann": (12.0, 12.0),
    "stdlib:flake8-ann-tidy": (13.0, 13.0),
    "stdlib:flake8-equivalent": (13.0, 5.0),
    "stdlib:flake8-qf": (10.5, 13.0),
    "stdlib-lib:floor-gc": (1.0, 1.0),
    "stdlib-lib:qf-cold-1": (1.3, 1.5),
    "small:pylint": (5.0, 5.0),
    "small:pylint-qf": (5.2, 6.0),
    "file:bare": (0.02, 0.02),
    "file:qf-file-cold": (0.05, 0.07),
    "file:qf-file-warm": (0.04, 0.07),
    "imports:flake8-adapter": (0.007, 0.009),
    "imports:pylint-adapter": (0.010, 0.013),
}


def _outcomes(column: int, peak_mib: int) -> list[Outcome]:
    titles = {"stdlib": "stdlib 3.11", "stdlib-lib": "stdlib-lib 3.11", "small": "email+json"}
    outcomes = []
    for key, figures in ROWS.items():
        corpus_key = key.split(":", 1)[0]
        corpus = Corpus(corpus_key, titles.get(corpus_key, corpus_key), Path("."), 1, 1)
        command = Command(key, key, corpus, ("true",), accept_zero)
        outcomes.append(Outcome(command, [Sample(figures[column], peak_mib * 1024, 0, 0, "")]))
    return outcomes


def test_every_target_passes_on_good_figures_and_fails_on_bad_ones() -> None:
    met = evaluate(_outcomes(0, 100), "stdlib")
    missed = evaluate(_outcomes(1, 200), "stdlib")
    assert len(met) == len(missed) == 13
    assert [t.text for t in met if t.passed is not True] == []
    assert [t.text for t in missed if t.passed is not False] == []
    one_file = next(t for t in missed if t.text.endswith("`--no-cache`"))
    assert one_file.measured == "70 ms wall (median of 21); 50 ms above the bare start-up of 20 ms"


def test_a_target_without_its_rows_is_not_measured_and_does_not_fail() -> None:
    targets = evaluate([o for o in _outcomes(1, 200) if not o.command.key.startswith("small:")], "stdlib")
    pylint = [t for t in targets if "pylint plugin" in t.text]
    assert [(t.measured, t.passed) for t in pylint] == [("not measured", None)]


# `fix_outcome.py` downloads real libraries and runs their test suites: minutes and the package
# index, so no test runs it whole. These pin the parts that decide its verdicts, offline.


#: `python -X importtime -c "import mylib"` output: start-up rows, then mylib's subtree, in which
#: each import follows the imports it caused, two spaces deeper a level.
IMPORTTIME = """\
import time: self [us] | cumulative | imported package
import time:       148 |        148 |   _io
import time:       370 |        886 | _frozen_importlib_external
import time:      2000 |       3000 | site
import time:       500 |        500 |       numpy.core
import time:       900 |       1400 |     numpy
import time:      4000 |      90000 |       scipy.linalg
import time:       100 |      95000 |     scipy
import time:       300 |      97000 |   mylib.core
import time:        80 |        120 |   mylib.util
import time:       200 |     100500 | mylib
"""


def test_importtime_takes_the_package_line_and_the_modules_its_import_loaded() -> None:
    sample = verdict.parse_importtime(IMPORTTIME, "mylib")
    assert sample.cumulative_ms == 100.5
    assert sample.modules == (
        "numpy.core",
        "numpy",
        "scipy.linalg",
        "scipy",
        "mylib.core",
        "mylib.util",
        "mylib",
    )
    assert verdict.heavy_loaded(sample.modules, ["scipy", "pandas", "numpy.core", "sympy"]) == [
        "numpy.core",
        "scipy",
    ]
    with pytest.raises(BenchmarkError):
        verdict.parse_importtime(IMPORTTIME, "mylib.core")  # not a top-level import of the run


JUNIT = """\
<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="7">
<testcase classname="tests.test_a" name="test_passes" time="0.1"/>
<testcase classname="tests.test_a" name="test_fails" time="0.1"><failure message="boom">x</failure></testcase>
<testcase classname="tests.test_a" name="test_skipped" time="0"><skipped type="pytest.skip" message="no"/></testcase>
<testcase classname="tests.test_a" name="test_xfail" time="0"><skipped type="pytest.xfail" message=""/></testcase>
<testcase classname="tests.test_a.TestC" name="test_p[1-2]" time="0.1"/>
<testcase classname="tests.test_a.TestC" name="test_p[1-2]" time="0"><error message="teardown">e</error></testcase>
<testcase classname="tests.test_b" name="test_flaky" time="0.1"/>
</testsuite></testsuites>
"""


def test_each_test_id_keeps_its_outcome_and_a_changed_one_is_listed() -> None:
    before = verdict.read_junit(JUNIT)
    assert before == {
        "tests.test_a::test_passes": "passed",
        "tests.test_a::test_fails": "failed",
        "tests.test_a::test_skipped": "skipped",
        "tests.test_a::test_xfail": "xfailed",
        "tests.test_a.TestC::test_p[1-2]": "passed",
        "tests.test_a.TestC::test_p[1-2] #2": "error",  # the teardown error of the same test
        "tests.test_b::test_flaky": "passed",
    }
    again = {**before, "tests.test_b::test_flaky": "failed"}
    flaky = verdict.flaky_tests([before, again])
    assert flaky == {"tests.test_b::test_flaky"}
    after = {**again, "tests.test_a::test_passes": "failed", "tests.test_new::test_x": "passed"}
    del after["tests.test_a::test_skipped"]
    assert verdict.changed_tests(before, after, flaky) == [
        ("tests.test_a::test_passes", "passed", "failed"),
        ("tests.test_a::test_skipped", "skipped", "absent"),
        ("tests.test_new::test_x", "absent", "passed"),
    ]


def test_a_lost_name_of_the_library_breaks_it_and_a_deferred_import_does_not() -> None:

    def result(key: str, modules: dict[str, dict[str, object]], outcome: str) -> results.ModeResult:
        figures = results.ImportFigures([10.0], 5, [])
        tests = [results.SuiteRun({"t::a": outcome}, 0, 1.0)]
        return results.ModeResult(Mode(key, key, None), figures, tests, None, results.ApiProbe(modules, {}))

    base = result(
        "none",
        {
            "mylib": {"names": {"core": "mylib.core", "Model": "mylib.core", "np": "numpy"}},
            "mylib.core": {"names": {"Model": "mylib.core", "sp": "scipy", "e": ""}},
            "mylib.plot": {"names": {"plt": "matplotlib.pyplot"}},
            "mylib.optional": {"error": "ModuleNotFoundError: No module named 'bokeh'"},
        },
        "passed",
    )
    kept = result(
        "safe",
        {
            "mylib": {"names": {"core": "mylib.core", "Model": "mylib.core", "np": "!AttributeError: np"}},
            "mylib.core": {"names": {"Model": "mylib.core", "sp": "!AttributeError: sp", "e": ""}},
            "mylib.plot": {"names": {}},
            "mylib.optional": {"error": "ModuleNotFoundError: No module named 'bokeh'"},
        },
        "passed",
    )
    comparison = verdict.compare(base, kept, "mylib")
    assert comparison.whole
    assert comparison.imported_names_gone == 3  # np, sp, plt: deferred imports, as intended
    broken = result(
        "unsafe",
        {
            "mylib": {"names": {"core": "mylib.core", "Model": "!AttributeError: Model", "np": "numpy"}},
            "mylib.core": {"names": {"Model": "mylib.core", "sp": "scipy", "e": ""}},
            "mylib.plot": {"error": "NameError: name 'plt' is not defined"},
        },
        "failed",
    )
    comparison = verdict.compare(base, broken, "mylib")
    assert not comparison.whole
    assert comparison.changed_tests == [("t::a", "passed", "failed")]
    assert comparison.broken_modules == [("mylib.plot", "NameError: name 'plt' is not defined")]
    assert comparison.own_names_lost == [("mylib.Model", "AttributeError: Model")]


@pytest.mark.slow
def test_the_heavy_list_is_read_from_ruff_config() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "qemlflow_lint", "ruff-config"],
        capture_output=True,
        text=True,
        cwd=str(REPO),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert verdict.parse_heavy_list(done.stdout) == list(DEFAULT_HEAVY_MODULES)


def test_a_mode_that_does_not_exist_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert outcome_cli.main(["--modes", "none,fast"]) == 2
    assert capsys.readouterr().err.strip() == "fix_outcome.py: error: unknown mode(s) fast"
