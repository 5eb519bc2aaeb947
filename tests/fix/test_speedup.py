"""The proof of QF001's fix: the entry point's import measured before and after.

The line a user reads (``import pvlib: 1,390 ms → 104 ms (13.4× faster), …``) is pinned on
literal figures; the figures themselves on literal ``-X importtime`` logs; the scratch copy
of a dry run and the store of measurements on disk. Then the real command line: the
slowchem sample (whose stand-in dependency sleeps at import) measured by ``fix --check`` on a
scratch copy that leaves no trace, the projection of ``fix --diff`` from what ``importtime``
kept, a package that does not import here, and a fix that breaks the import it speeds up.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
from pathlib import Path
from unittest import mock

import pytest

from qemlflow_lint.cli import main
from qemlflow_lint.fix.import_deferral.closure import EntryOutcome
from qemlflow_lint.fix.scratch import ScratchError, scratch_copy
from qemlflow_lint.fix.speedup import Projection, Speedup, Unmeasured
from qemlflow_lint.fix.summary import milliseconds, projection_lines, speedup_lines
from qemlflow_lint.measure.figures import ImportFigures, figures_dict, figures_from, figures_of
from qemlflow_lint.measure.importtime import Measurement, Spread, parse_log
from qemlflow_lint.measure.last_measured import DATABASE, LastMeasured, open_kept
from tests.fix.sample_project import copy_sample, qemlflow_lint, sample_environment
from tests.frontends import REPO, cli_command, run_fix, write_tree

#: The graph names submodules too (scipy.linalg is not scipy); the line names the packages.
PVLIB = EntryOutcome("pvlib", "/src", ("pandas", "scipy", "scipy.linalg"), ())


def _figures(module: str, ms: float, modules: int, heavy: tuple[str, ...] = ()) -> ImportFigures:
    us = ms * 1000
    return ImportFigures(module, us, Spread(us, us, us, us), 3, modules, heavy)


# ---------------------------------------------------------------------------------------
# The report line


def test_the_report_line_has_times_modules_and_the_heavy_modules_gone() -> None:
    before = _figures("pvlib", 1390, 1302, ("pandas", "pandas.core.frame", "scipy", "scipy.linalg"))
    after = _figures("pvlib", 104, 139)
    assert speedup_lines([Speedup(PVLIB, before, after)], dry_run=False) == [
        "import pvlib: 1,390 ms → 104 ms (13.4× faster), 1,302 → 139 modules; pandas, scipy no longer loaded"
    ]


def test_times_below_100_ms_keep_a_decimal_and_a_tie_is_about_the_same() -> None:
    assert [milliseconds(us) for us in (2_560_000, 180_400, 99_940, 4_321, 0)] == [
        "2,560 ms",
        "180 ms",
        "99.9 ms",
        "4.3 ms",
        "0.0 ms",
    ]
    outcome = EntryOutcome("pkg", "/src", ("pkg_heavy.sub",), ("pkg_heavy",))
    before = _figures("pkg", 560, 9, ("pkg_heavy", "pkg_heavy.sub"))
    after = _figures("pkg", 580, 8, ("pkg_heavy",))
    assert speedup_lines([Speedup(outcome, before, after)], dry_run=True) == [
        "import pkg: 560 ms → 580 ms (about the same), 9 → 8 modules; pkg_heavy.sub no longer loaded"
    ]


def test_a_time_the_start_up_hides_has_no_ratio_and_no_crash() -> None:
    # A package that imports in less than the bare interpreter's spread measures 0 ms (or
    # below) once the start-up is subtracted: no ratio can be made of it.
    outcome = EntryOutcome("pkg", "/src", (), ())
    lines = [
        speedup_lines(
            [Speedup(outcome, _figures("pkg", before, 9), _figures("pkg", after, 8))], dry_run=False
        )[0]
        for before, after in ((0, 3.2), (-0.4, 0), (5.1, 0))
    ]
    assert lines == [
        "import pkg: 0.0 ms → 3.2 ms (within the start-up noise before too), 9 → 8 modules",
        "import pkg: -0.4 ms → 0.0 ms (now within the start-up noise), 9 → 8 modules",
        "import pkg: 5.1 ms → 0.0 ms (now within the start-up noise), 9 → 8 modules",
    ]


def test_a_heavy_module_the_graph_has_leaving_but_that_still_loads_is_named() -> None:
    before = _figures("pvlib", 1390, 1302, ("pandas", "scipy"))
    after = _figures("pvlib", 900, 800, ("scipy.special",))  # a plugin hook loads scipy
    line = speedup_lines([Speedup(PVLIB, before, after)], dry_run=False)[0]
    assert line.endswith(
        "; pandas no longer loaded; scipy still loaded (the import graph does not show what loads it)"
    )


def test_a_package_that_does_not_import_here_is_one_line() -> None:
    missing = Unmeasured("ModuleNotFoundError: No module named 'pandas'")
    assert speedup_lines([Speedup(PVLIB, missing, None)], dry_run=False) == [
        "import pvlib: not measured: it does not import here (ModuleNotFoundError: No module named 'pandas')"
    ]


def test_a_fix_that_breaks_the_import_names_the_files_it_changed() -> None:
    broken = Speedup(PVLIB, _figures("pvlib", 1390, 1302), Unmeasured("KeyError: 'pandas'"), ("pvlib/io.py",))
    assert broken.broken
    (written,) = speedup_lines([broken], dry_run=False)
    assert written.startswith(
        "qemlflow-lint: error: `import pvlib` worked before the fix and failed after it (KeyError: 'pandas'); "
        "the fix changed pvlib/io.py"
    )
    (dry,) = speedup_lines([broken], dry_run=True)
    assert dry.startswith("qemlflow-lint: error: `import pvlib` works now and would fail after the fix")
    # The scratch copy failing is no fault of the fix.
    assert not Speedup(
        PVLIB, _figures("pvlib", 1, 1), Unmeasured("no scratch copy", import_failed=False)
    ).broken


def test_the_projection_puts_the_last_figures_next_to_the_graph() -> None:
    last = _figures("pvlib", 2560, 1235, ("pandas", "scipy"))
    assert projection_lines([Projection(PVLIB, last), Projection(PVLIB._replace(entry="other"), None)]) == [
        "import pvlib: 2,560 ms and 1,235 modules by the last measurement; pandas, scipy would no longer load"
    ]


# ---------------------------------------------------------------------------------------
# The figures of a measurement

BARE = "import time:        50 |         50 | site\n"
RUN = (
    "import time: self [us] | cumulative | imported package\n"
    "import time:        50 |         50 | site\n"
    "import time:       300 |        300 |     heavyml.chem\n"
    "import time:       400 |        700 |   heavyml\n"
    "import time:        20 |         20 |   missingdep\n"  # failed, inside try/except ImportError
    "import time:        10 |         10 |   pkg.util\n"
    "import time:        30 |        760 | pkg\n"
)


def test_figures_count_what_the_import_loads_beyond_start_up_and_name_its_heavy_modules() -> None:
    present = frozenset({"sys", "site", "heavyml", "heavyml.chem", "pkg.util", "pkg"})
    measurement = Measurement("pkg", (parse_log(RUN),) * 3, (parse_log(BARE),), (present,) * 3)
    figures = figures_of(measurement, {"heavyml", "missingdep", "torch"}, python="py", version="3.11.7")
    assert (figures.median_us, figures.runs, figures.modules) == (760, 3, 4)
    assert figures.heavy == ("heavyml", "heavyml.chem")
    assert figures_from(figures_dict(figures)) == figures


# ---------------------------------------------------------------------------------------
# The scratch copy


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_scratch_copy_holds_the_fixed_texts_links_the_rest_and_goes_away(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path / "project",
        {
            "pkg/__init__.py": '"""P."""\n',
            "pkg/core.py": "import heavy\n",
            "pkg/data/big.bin": b"\0" * 4096,
            "other/__init__.py": '"""O."""\n',
            "setup.cfg": "[metadata]\n",
        },
    )
    before = _tree(root)
    with scratch_copy(str(root), {str(root / "pkg/core.py"): "def f():\n    import heavy\n"}) as copy:
        scratch = Path(copy)
        assert (scratch / "pkg/core.py").read_text() == "def f():\n    import heavy\n"
        assert not (scratch / "pkg/core.py").is_symlink()
        assert (scratch / "pkg/__init__.py").read_text() == '"""P."""\n' and not (
            scratch / "pkg/__init__.py"
        ).is_symlink()
        if hasattr(os, "symlink") and (scratch / "pkg/data/big.bin").is_symlink():
            assert os.path.realpath(scratch / "pkg/data/big.bin") == os.path.realpath(
                root / "pkg/data/big.bin"
            )
            assert (scratch / "other").is_symlink() and (scratch / "setup.cfg").is_symlink()
    assert not scratch.exists()
    assert _tree(root) == before


def test_a_fixed_file_reached_through_a_linked_folder_is_never_written_through_it(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"impl.py": "import heavy\n"})
    root = write_tree(tmp_path / "project", {"pkg/__init__.py": ""})
    try:
        (root / "pkg" / "linked").symlink_to(outside, target_is_directory=True)
    except OSError:
        pytest.skip("no symbolic links here")
    with (
        pytest.raises(ScratchError, match="symbolic link"),
        scratch_copy(str(root), {str(root / "pkg/linked/impl.py"): "fixed\n"}),
    ):
        pass  # pragma: no cover
    assert (outside / "impl.py").read_text() == "import heavy\n"


# ---------------------------------------------------------------------------------------
# The store of measurements


def test_the_store_keeps_the_last_figures_of_each_module(tmp_path: Path) -> None:
    assert open_kept(str(tmp_path)) is None
    assert not (tmp_path / DATABASE).exists()
    store = LastMeasured(str(tmp_path))
    store.keep(_figures("pkg", 500, 40, ("heavyml",)))
    store.keep(_figures("pkg", 20, 6))
    store.close()
    kept = open_kept(str(tmp_path))
    assert kept is not None
    assert kept.get("pkg") == _figures("pkg", 20, 6)
    assert kept.get("other") is None
    kept.close()


def test_a_damaged_store_is_one_warning_and_a_damaged_entry_is_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / DATABASE).write_bytes(b"this is not a database" * 100)
    store = LastMeasured(str(tmp_path))
    assert store.get("pkg") is None
    (warning,) = capsys.readouterr().err.splitlines()
    assert warning.startswith("qemlflow-lint: warning: the store of import-time measurements")
    store.keep(_figures("pkg", 500, 40))
    store.close()
    with sqlite3.connect(tmp_path / DATABASE) as connection:
        connection.execute("UPDATE measurements SET payload = '{\"median_us\": -1}'")
    connection.close()
    kept = LastMeasured(str(tmp_path))
    assert kept.get("pkg") is None
    kept.close()


# ---------------------------------------------------------------------------------------
# The command line

_MEASURED = re.compile(
    r"^import slowchem: (?P<before>[\d,.]+) ms → (?P<after>[\d,.]+) ms \([^)]*\), "
    r"(?P<modules_before>[\d,]+) → (?P<modules_after>[\d,]+) modules; (?P<gone>.+) no longer loaded$",
    re.MULTILINE,
)
_PROJECTED = re.compile(
    r"^import slowchem: (?P<ms>[\d,.]+) ms and (?P<modules>[\d,]+) modules by the last measurement; "
    r"(?P<gone>.+) would no longer load$",
    re.MULTILINE,
)


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _run(root: Path, args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """``qemlflow-lint ARGS`` in ``root``, in the sample's environment with ``env`` added."""
    done = subprocess.run(
        cli_command(*args),
        capture_output=True,
        text=True,
        cwd=str(root),
        env={**sample_environment(root), **env},
        timeout=600,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.mark.slow
def test_a_dry_run_measures_the_fix_on_a_scratch_copy_and_leaves_no_trace(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "slowchem")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    files = {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    folder = str(temporary)
    done = _run(
        root, ["fix", "--check", "--unsafe-fixes", "--no-cache", "."], TMPDIR=folder, TEMP=folder, TMP=folder
    )
    assert done.returncode == 1, done.stderr
    measured = _MEASURED.search(done.stderr)
    assert measured, done.stderr
    # heavyml sleeps 0.4 s at import: before the fix every run pays it, after it none does.
    assert _number(measured["before"]) >= 400 > _number(measured["after"]), measured.group(0)
    assert _number(measured["modules_before"]) > _number(measured["modules_after"])
    assert "heavyml" in measured["gone"].split(", ")
    assert {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()} == files
    assert list(temporary.iterdir()) == []


@pytest.mark.slow
def test_diff_projects_from_the_figures_importtime_kept(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "slowchem")
    nothing_kept = qemlflow_lint(root, "fix", "--diff", "--unsafe-fixes", ".")
    assert not _PROJECTED.search(nothing_kept.stderr), nothing_kept.stderr
    # Nothing kept: the summary's line from the graph alone.
    assert re.search(r"^import slowchem: .*heavyml.* no longer loaded\.$", nothing_kept.stderr, re.M)
    measured = qemlflow_lint(root, "importtime", "slowchem", "--runs", "3", "--format", "json")
    assert measured.returncode == 0, measured.stderr
    median_ms = float(re.search(r'"median_ms": ([\d.]+)', measured.stdout)[1])  # type: ignore[index]
    diff = qemlflow_lint(root, "fix", "--diff", "--unsafe-fixes", ".")
    assert diff.returncode == 1, diff.stderr
    projected = _PROJECTED.search(diff.stderr)
    assert projected, diff.stderr
    assert abs(_number(projected["ms"]) - median_ms) <= 1, (projected.group(0), median_ms)
    assert projected["gone"] == "fastkernels, heavyml"
    assert diff.stdout.startswith("--- a/slowchem/")


#: A package whose heavy dependency is not installed here.
MISSING = {
    "pyproject.toml": '[tool.qemlflow-lint]\nextend-heavy-modules = ["not_installed_here"]\n',
    "pkg/__init__.py": '"""P."""\n\nfrom pkg import model\n',
    "pkg/model.py": '"""M."""\n\nimport not_installed_here\n\n\ndef fit() -> object:\n    """F."""\n    return not_installed_here.fit()\n',
}


def test_a_package_that_does_not_import_here_is_fixed_with_one_line_about_it(tmp_path: Path) -> None:
    root = write_tree(tmp_path, MISSING)
    with mock.patch.dict(os.environ, sample_environment(root)):
        done = run_fix(["--no-cache", "."], cwd=root)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == (
        "import pkg: not measured: it does not import here "
        "(ModuleNotFoundError: No module named 'not_installed_here')"
    )
    assert "Traceback" not in done.stderr
    assert "import not_installed_here" in (root / "pkg/model.py").read_text().split("def fit")[1]


def test_measuring_is_off_for_the_pre_commit_hook_and_refused_for_diff_and_standard_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "entry: qemlflow-lint fix --exit-non-zero-on-fix --no-measure" in hooks
    root = write_tree(tmp_path, MISSING)
    with mock.patch.dict(os.environ, sample_environment(root)):
        quiet = run_fix(["--check", "--no-measure", "--no-cache", "."], cwd=root)
    assert quiet.returncode == 1 and "not measured" not in quiet.stderr, quiet.stderr
    for extra in (["--diff", str(root)], ["-"]):
        assert main(["fix", "--measure", *extra]) == 2
        (refusal,) = capsys.readouterr().err.splitlines()
        assert refusal.startswith("qemlflow-lint: error: ") and "measures nothing" in refusal


#: A package whose registry looks for what another module's import left in ``sys.modules``: the
#: import graph cannot see that, so the fix defers ``import regdep`` and breaks ``import pkg``.
BROKEN = {
    "pyproject.toml": '[tool.qemlflow-lint]\nextend-heavy-modules = ["regdep"]\nexclude = ["vendor/"]\n',
    "vendor/regdep.py": '"""Stands in for a heavy dependency."""\n\n__version__ = "1.0"\n',
    "pkg/__init__.py": '"""P."""\n\nfrom pkg import model, registry\n',
    "pkg/model.py": '"""M."""\n\nimport regdep\n\n\ndef version() -> str:\n    """V."""\n    return regdep.__version__\n',
    "pkg/registry.py": (
        '"""R."""\n\nimport sys\n\n'
        'VERSION = next(m for n, m in list(sys.modules.items()) if n == "regdep").__version__\n'
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["--check", "write"])
def test_a_fix_that_breaks_the_import_it_speeds_up_fails_loudly(tmp_path: Path, mode: str) -> None:
    root = write_tree(tmp_path, BROKEN)
    original = (root / "pkg/model.py").read_bytes()
    extra = [mode] if mode != "write" else []
    path = os.pathsep.join(filter(None, [str(root / "vendor"), os.environ.get("PYTHONPATH")]))
    done = _run(root, ["fix", *extra, "--no-cache", "."], PYTHONPATH=path)
    assert done.returncode == 1, done.stderr
    (error,) = [line for line in done.stderr.splitlines() if line.startswith("qemlflow-lint: error:")]
    assert "(StopIteration)" in error, error
    if mode == "write":
        assert "worked before the fix and failed after it" in error
        assert f"the fix changed {os.path.join('pkg', 'model.py')}" in error
        # The written fix is undone: the file has its bytes back, and the package imports.
        assert "Restored 1 file: the fix is undone." in done.stderr.splitlines()
        assert (root / "pkg/model.py").read_bytes() == original
    else:
        assert "would fail after the fix" in error
        assert (root / "pkg/model.py").read_bytes() == original
