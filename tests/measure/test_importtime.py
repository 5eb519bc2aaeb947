"""Measured import time: the log reader on literal logs, ``importtime`` and ``calibrate`` on
small real packages built on disk, and the minimal ``pyproject.toml`` edit of ``--write``.

The packages: ``slowdep`` (third-party: it sits in a folder of its own on PYTHONPATH)
sleeps 0.15 s at import, standing in for a heavy dependency; ``fastdep`` is the cheap one.
The first-party package ``app`` reaches slowdep through chains two and three hops deep,
imports fastdep inside a function it calls at import, keeps an import under
``if TYPE_CHECKING:``, and has an import cycle. A second project tries optional
dependencies inside ``try/except ImportError`` (one only to learn whether it is installed)
and imports a third-party module that is cheap but most of its import time.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import io
import json
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from qemlflow_lint.cli import main
from qemlflow_lint.config.pyproject import EditError, with_heavy_modules, write_heavy_modules
from qemlflow_lint.measure.blame import Origins, attribute, only_checks_availability
from qemlflow_lint.measure.calibrate import new_heavy_modules
from qemlflow_lint.measure.figures import figures_dict, figures_from
from qemlflow_lint.measure.importtime import (
    ImportRecord,
    Measurement,
    child_environment,
    first_records,
    last_error_line,
    module_costs,
    parse_log,
    total_us,
)
from qemlflow_lint.measure.last_measured import LastMeasured
from qemlflow_lint.measure.progress import TerminalProgress
from qemlflow_lint.measure.report import render_importtime_text
from qemlflow_lint.project.graph import ImportGraph, Module, Statement
from tests.frontends import cli_command, write_tree

SLEEP = 0.15
#: Runs per measurement whose start-up-subtracted figures are checked: a median of several
#: runs, so that one slow start on a busy machine does not decide it.
RUNS = "3"
#: The figures are printed to 0.1 ms.
ROUNDING_MS = 0.2


def _at_least_the_sleep(median_ms: float, baseline_ms: float) -> bool:
    """True when an import that sleeps for SLEEP was measured as at least that long.

    Every run's total includes the sleep, so the median total does; the bare interpreter's
    start-up is subtracted afterwards, and on a busy machine it varies by tens of
    milliseconds either way, so the median alone has no safe lower bound (nor any upper one).
    """
    return median_ms + baseline_ms >= SLEEP * 1000 - ROUNDING_MS


THIRD_PARTY = {
    "slowdep.py": f'"""Stands in for a heavy dependency."""\nimport time\n\ntime.sleep({SLEEP})\n',
    "fastdep.py": '"""A cheap dependency."""\n',
}

PROJECT = {
    "pyproject.toml": '[tool.qemlflow-lint]\nextend-heavy-modules = ["slowdep", "fastdep"]\n',
    "app/__init__.py": (
        '"""The application: re-exports its entry point."""\n'
        "\n"
        "from app import plugins\n"
        "from app.core import run\n"  # three hops: app → app.core → app.models → slowdep
        "\n"
        "plugins.load()\n"
        "\n"
        '__all__ = ["run"]\n'
    ),
    "app/core.py": (
        '"""The core: runs the models."""\n'
        "\n"
        "from app.models import Model\n"  # two hops: app.core → app.models → slowdep
        "\n"
        "\n"
        "def run() -> Model:\n"
        '    """Build a model."""\n'
        "    return Model()\n"
    ),
    "app/models.py": (
        '"""The models, on top of the slow dependency."""\n'
        "\n"
        "import slowdep\n"
        "\n"
        "\n"
        "class Model:\n"
        '    """A model."""\n'
        "\n"
        "    engine = slowdep.__name__\n"
    ),
    "app/plugins.py": (
        '"""Plugins, loaded on demand."""\n'
        "\n"
        "\n"
        "def load() -> str:\n"
        '    """Load the plugin dependency."""\n'
        "    import fastdep\n"  # a function-level import: not at import time
        "\n"
        "    return fastdep.__name__\n"
    ),
    "app/typed.py": (
        '"""Annotations only."""\n'
        "\n"
        "from typing import TYPE_CHECKING\n"
        "\n"
        "if TYPE_CHECKING:\n"
        "    from app.models import Model\n"  # not at import time: no QF101
        "\n"
        "\n"
        'def describe(model: "Model") -> str:\n'
        '    """Name a model\'s class."""\n'
        "    return type(model).__name__\n"
    ),
    "app/cycle_a.py": '"""One half of a cycle."""\n\nfrom app import cycle_b\n\nPEER = cycle_b.__name__\n',
    "app/cycle_b.py": '"""The other half."""\n\nfrom app import cycle_a\n\nPEER = cycle_a.__name__\n',
}


@dataclass(frozen=True)
class Workspace:
    """The third-party folder (on PYTHONPATH) and the project folder (the working directory)."""

    site: Path
    project: Path

    @contextlib.contextmanager
    def entered(self, folder: Path | None = None) -> Iterator[None]:
        """Inside ``folder`` (default: the project) with the third-party folder importable."""
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(folder or self.project)
            patch.setenv("PYTHONPATH", str(self.site))
            yield


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("importtime")
    write_tree(root / "site", THIRD_PARTY)
    write_tree(root / "project", PROJECT)
    return Workspace(root / "site", root / "project")


def _main(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


# --- the static side: QF101 and QF102 on the same project ------------------------------------


def test_check_reports_the_chains_and_the_cycle_but_not_deferred_imports(workspace: Workspace) -> None:
    with workspace.entered():
        code, out, _ = _main("check", ".", "--no-cache")
    assert code == 1
    assert out.splitlines() == [
        "app/__init__.py:4:1: QF101 importing app pulls in slowdep at import time: "
        "app/__init__.py:4 → app/core.py:3 → app/models.py:3 → slowdep",
        "app/core.py:3:1: QF101 importing app.core pulls in slowdep at import time: "
        "app/core.py:3 → app/models.py:3 → slowdep",
        "app/cycle_a.py:3:1: QF102 import cycle at import time: app.cycle_a → app.cycle_b → app.cycle_a",
        "app/cycle_b.py:3:1: QF102 import cycle at import time: app.cycle_b → app.cycle_a → app.cycle_b",
        "app/models.py:3:1: QF001 heavy module 'slowdep' imported at module import time; move the import "
        "into the functions that use it (or use `lazy import` on Python 3.15+)",
    ]


# --- importtime, for real -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def failed_budget(workspace: Workspace) -> tuple[int, dict[str, object], str]:
    """``importtime app --format json --budget 0.01``, run once for several tests."""
    with workspace.entered():
        code, out, err = _main(
            "importtime", "app", "--runs", RUNS, "--format", "json", "--budget", "0.01", "--no-cache"
        )
    return code, json.loads(out), err


@pytest.mark.slow
def test_importtime_attributes_slowdep_to_the_line_that_imports_it(workspace: Workspace) -> None:
    with workspace.entered():
        code, out, err = _main("importtime", "app", "--runs", RUNS, "--budget", "30", "--no-cache")
    assert code == 0
    assert err == ""  # no progress when standard error is not a terminal
    median = re.match(rf"app: (\d+\.\d) ms to import \(median of {RUNS} runs; min–max ", out)
    baseline = re.search(r"\n  bare interpreter start-up (\d+\.\d) ms subtracted; Python ", out)
    assert median is not None and baseline is not None, out
    assert _at_least_the_sleep(float(median[1]), float(baseline[1])), out
    blocks = out.split("\n\n")
    costliest = blocks[1].splitlines()
    assert costliest[1].split() == ["self", "cumulative", "module"]
    assert costliest[2].split()[2] == "slowdep" and float(costliest[2].split()[0]) >= SLEEP * 1000 * 0.95
    attributions = blocks[2].splitlines()
    assert attributions[0].startswith(
        "Heavy modules and costly (≥ 50 ms or ≥ 25% of the import) third-party modules"
    )
    assert re.fullmatch(r"  slowdep: heavy \(slowdep\), \d+\.\d ms cumulative", attributions[1])
    assert attributions[2] == "    app/models.py:3: import slowdep"
    assert re.fullmatch(
        r"    deferring that line would save up to \d+\.\d ms \(1 module first loaded through it\)",
        attributions[3],
    )
    # fastdep is heavy too, but app imports it inside plugins.load(): no statement to point at
    assert re.fullmatch(r"  fastdep: heavy \(fastdep\), \d+\.\d ms cumulative", attributions[4])
    assert attributions[5] == (
        "    app/__init__.py (app): (not an import-time statement: imported inside a function?)"
    )
    verdict = re.fullmatch(
        r"PASS: app imports in (\d+\.\d+) s \(median\), within the 30 s budget", blocks[3].strip()
    )
    assert verdict is not None and abs(float(verdict[1]) * 1000 - float(median[1])) < 1


@pytest.mark.slow
def test_importtime_json_and_a_failed_budget(failed_budget: tuple[int, dict[str, object], str]) -> None:
    code, report, err = failed_budget
    assert code == 1
    assert report["module"] == "app" and report["runs"] == int(RUNS)
    median = report["median_ms"]
    assert isinstance(median, float) and isinstance(report["baseline_ms"], float)
    assert _at_least_the_sleep(median, report["baseline_ms"])
    runs = report["run_ms"]
    spread = report["spread_ms"]
    assert isinstance(runs, list) and isinstance(spread, dict)
    assert spread["min"] == min(runs) and spread["max"] == max(runs)
    assert isinstance(report["baseline_ms"], float) and report["baseline_ms"] > 0
    top = report["top_modules"]
    assert isinstance(top, list) and top[0]["module"] == "slowdep"
    assert {m["module"] for m in top} >= {
        "app",
        "app.core",
        "app.models",
        "app.plugins",
        "slowdep",
        "fastdep",
    }
    attributions = report["attributions"]
    assert isinstance(attributions, list)
    slowdep = attributions[0]
    assert slowdep["module"] == "slowdep" and slowdep["heavy"] == "slowdep"
    assert slowdep["imported_by"] == "app.models" and slowdep["via"] == "slowdep"
    assert slowdep["statement"] == {
        "path": "app/models.py",
        "line": 3,
        "text": "import slowdep",
        "note": None,
    }
    assert slowdep["modules_loaded_through_it"] == 1
    assert slowdep["saving_up_to_ms"] >= SLEEP * 1000 * 0.95
    assert [a["module"] for a in attributions] == ["slowdep", "fastdep"]
    budget = report["budget"]
    assert isinstance(budget, dict) and budget["passed"] is False and budget["seconds"] == 0.01
    verdict = re.match(r"FAIL: app imports in (\d+\.\d+) s \(median\)", budget["verdict"])
    assert verdict is not None and float(verdict[1]) > 0.01, budget["verdict"]
    assert err == budget["verdict"] + "\n"


@pytest.mark.slow
def test_importtime_markdown_is_a_table_of_what_each_line_costs(workspace: Workspace) -> None:
    """For a CI job's summary: the same figures as a Markdown table."""
    with workspace.entered():
        code, out, _ = _main("importtime", "app", "--runs", "1", "--format", "markdown", "--no-cache")
    assert code == 0
    lines = out.splitlines()
    assert re.fullmatch(r"### `app`: \d+\.\d ms to import", lines[0]), lines[0]
    assert "| module | why | cumulative ms | pulled in by | deferring it saves up to |" in lines
    row = next(line for line in lines if line.startswith("| `slowdep` |"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[1] == "heavy (slowdep)" and float(cells[2]) >= SLEEP * 1000 * 0.95
    assert cells[3].startswith("`app") and cells[4].endswith(" ms"), row


def test_importtime_keeps_what_deferring_each_blamed_line_saves(workspace: Workspace, tmp_path: Path) -> None:
    """The kept figures carry the JSON's ``saving_up_to_ms`` of every blamed module (what
    ``score`` shows without ``--importtime FILE``), and what they were measured on."""
    with workspace.entered():
        code, out, _ = _main(
            "importtime", "app", "--runs", "1", "--format", "json", "--cache-dir", str(tmp_path)
        )
    assert code == 0
    report = json.loads(out)
    kept = LastMeasured(str(tmp_path))
    try:
        last = kept.kept("app")
    finally:
        kept.close()
    assert last is not None and last.figures.saving_us is not None
    saving_ms = {name: us / 1000 for name, us in last.figures.saving_us}
    assert saving_ms == {
        a["module"]: pytest.approx(a["saving_up_to_ms"], abs=0.001) for a in report["attributions"]
    }
    assert saving_ms["slowdep"] >= SLEEP * 1000 * 0.95
    assert len(last.figures.tree) == 64


OLD_ENTRY = {
    "module": "app",
    "median_us": 150000.0,
    "spread_us": [140000.0, 145000.0, 155000.0, 160000.0],
    "runs": 3,
    "modules": 12,
    "heavy": ["slowdep"],
    "python": "python3",
    "version": "3.11.9",
}


def test_an_entry_kept_before_the_savings_loads_without_them() -> None:
    figures = figures_from(OLD_ENTRY)
    assert (figures.median_us, figures.heavy, figures.saving_us, figures.tree) == (
        150000.0,
        ("slowdep",),
        None,
        "",
    )
    again = figures_from(figures_dict(figures))
    assert again == figures
    kept = dataclasses.replace(figures, saving_us=(("slowdep", 149000.0),), tree="ab")
    assert figures_from(json.loads(json.dumps(figures_dict(kept)))) == kept


@pytest.mark.parametrize("saving", [float("nan"), -1.0, "150", [1.0]])
def test_an_entry_with_savings_that_are_not_times_is_unreadable(saving: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        figures_from(
            {**OLD_ENTRY, "saving_us": {"slowdep": saving} if not isinstance(saving, list) else saving}
        )


@pytest.mark.slow
def test_a_module_that_fails_to_import_is_one_line_and_exit_2(workspace: Workspace) -> None:
    env = dict(os.environ, PYTHONPATH=str(workspace.site))
    done = subprocess.run(
        cli_command("importtime", "no_such_module", "--runs", "1", "--no-cache"),
        cwd=str(workspace.project),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        f"qemlflow-lint: error: cannot import no_such_module with {cli_command()[0]}: "
        "ModuleNotFoundError: No module named 'no_such_module'"
    ]


@pytest.mark.parametrize("module", ["a-b", "1abc", "os;import sys", ""])
def test_only_module_names_are_imported(workspace: Workspace, module: str) -> None:
    with workspace.entered():
        code, out, err = _main("importtime", module)
    assert code == 2 and out == "" and "is not a module name" in err


def test_progress_is_shown_only_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        progress = TerminalProgress(stream)
        progress.show("app: run 3/5")
        progress.clear()
    assert terminal.getvalue() == "\r\x1b[Kapp: run 3/5\r\x1b[K"
    assert pipe.getvalue() == ""


# --- the log reader ---------------------------------------------------------------------------

NESTED = """\
import time: self [us] | cumulative | imported package
import time:        98 |         98 |   _io
import time:       500 |        598 | site
import time:        76 |         76 |       xml
import time:       228 |        228 |       xml.dom.domreg
import time:      1082 |       1386 |     xml.dom
import time:       176 |        176 |     xml.dom.minicompat
import time:       875 |       2437 |   xml.dom.minidom
import time:       236 |       2673 | top
"""


def _names(records: tuple[ImportRecord, ...]) -> list[object]:
    return [(r.name, _names(r.children)) if r.children else r.name for r in records]


def test_children_come_before_their_parent_and_nest_by_indentation() -> None:
    roots = parse_log(NESTED)
    assert _names(roots) == [
        ("site", ["_io"]),
        ("top", [("xml.dom.minidom", [("xml.dom", ["xml", "xml.dom.domreg"]), "xml.dom.minicompat"])]),
    ]
    assert roots[1].self_us == 236 and roots[1].cumulative_us == 2673
    assert total_us(roots) == 598 + 2673


def test_cached_rows_of_importtime_2_are_leaves_that_cost_nothing() -> None:
    log = """\
import time: self [us] | cumulative | imported package
import time:    cached |     cached |   sys
import time:       120 |        120 |   json.scanner
import time:    cached |     cached |   json.scanner
import time:       300 |        420 | json
"""
    (json_record,) = parse_log(log)
    assert [(r.name, r.cached, r.cumulative_us) for r in json_record.children] == [
        ("sys", True, 0),
        ("json.scanner", False, 120),
        ("json.scanner", True, 0),
    ]
    assert list(first_records((json_record,))) == ["json", "json.scanner"]


def test_modules_loaded_through_importlib_show_up_as_extra_roots() -> None:
    # importlib.import_module("plugin") is not logged: what plugin imports has no parent
    log = """\
import time:        40 |         40 |   json.decoder
import time:       100 |        140 | json
import time:        10 |         10 | top
"""
    roots = parse_log(log)
    assert [r.name for r in roots] == ["json", "top"]
    assert total_us(roots) == 150


def test_junk_from_the_program_is_skipped_even_when_it_runs_into_a_log_line() -> None:
    log = """\
import time: self [us] | cumulative | imported package
Starting up...
import time:        40 |         40 |   child
no newline hereimport time:        60 |        100 | parent
Traceback (most recent call last):
  File "<string>", line 1, in <module>
import time: garbled |
ValueError: boom
"""
    roots = parse_log(log)
    assert _names(roots) == [("parent", ["child"])]
    assert roots[0].cumulative_us == 100
    assert last_error_line(log) == "ValueError: boom"


def test_a_truncated_log_keeps_entries_without_a_parent_as_roots() -> None:
    # the process died before the outer imports finished: their lines never came
    log = """\
import time:        40 |         40 |       deep
import time:         5 |         45 |     middle
import time:         7 |          7 |   shallow
import time:         3 |          3 |     cut_off
"""
    assert _names(parse_log(log)) == [("shallow", [("middle", ["deep"])]), "cut_off"]


# --- medians, costs and attributions on literal logs ------------------------------------------

BARE = "import time:       500 |        500 | site\n"


def _run(slow_us: int) -> str:
    return f"""\
import time:       500 |        500 | site
import time:        30 |         30 |         scipy.linalg
import time:   {slow_us:7d} | {slow_us + 30:10d} |       scipy
import time:        50 |  {slow_us + 80:9d} |     seaborn
import time:        10 |  {slow_us + 90:9d} |   pkg.plots
import time:        20 |        20 |     tinydep
import time:       700 |        720 |   pkg.util
import time:         5 |  {slow_us + 815:9d} | pkg
"""


def test_medians_subtract_the_bare_interpreter_and_skip_start_up_modules() -> None:
    measurement = Measurement(
        "pkg", tuple(parse_log(_run(us)) for us in (100_000, 300_000, 200_000)), (parse_log(BARE),) * 3
    )
    assert measurement.baseline_us == 500
    assert measurement.net_us == (100_815, 300_815, 200_815)
    assert measurement.median_us == 200_815
    assert (measurement.spread.low, measurement.spread.high) == (100_815, 300_815)
    costs = {cost.name: cost for cost in module_costs(measurement)}
    assert "site" not in costs
    assert (costs["scipy"].self_us, costs["scipy"].cumulative_us) == (200_000, 200_030)
    assert module_costs(measurement)[0].name == "scipy"


def test_attribution_reports_the_outermost_module_below_the_nearest_first_party_one() -> None:
    measurement = Measurement("pkg", (parse_log(_run(200_000)),), (parse_log(BARE),))
    origins = Origins(stdlib=frozenset({"site"}), first_party=frozenset({"pkg", "pkg.plots", "pkg.util"}))
    found = attribute(measurement, origins, heavy_modules=["scipy", "seaborn"], costly_us=50_000)
    # scipy and its submodule come in through seaborn: one report, at pkg.plots's import
    assert [(a.module, a.heavy, a.importer, a.via, a.saving_modules, a.brings_in) for a in found] == [
        ("seaborn", "seaborn", "pkg.plots", "seaborn", 3, ("scipy",)),
    ]
    # cheap third-party modules are reported only when heavy; costly ones without being heavy
    found = attribute(measurement, origins, heavy_modules=["tinydep"], costly_us=50_000)
    assert [(a.module, a.heavy, a.importer, a.via) for a in found] == [
        ("seaborn", "", "pkg.plots", "seaborn"),
        ("tinydep", "tinydep", "pkg.util", "tinydep"),
    ]


def test_a_heavy_module_behind_a_cheap_package_is_reached_through_that_package() -> None:
    measurement = Measurement("pkg", (parse_log(_run(1_000)),), (parse_log(BARE),))
    origins = Origins(stdlib=frozenset(), first_party=frozenset({"pkg", "pkg.plots", "pkg.util"}))
    (found,) = attribute(measurement, origins, heavy_modules=["scipy"], costly_us=50_000)
    assert (found.module, found.importer, found.via, found.saving_us) == (
        "scipy",
        "pkg.plots",
        "seaborn",
        1_080,
    )
    # without any first-party module above it, there is no importer to name
    outside = Origins(stdlib=frozenset(), first_party=frozenset())
    (found,) = attribute(measurement, outside, heavy_modules=["scipy"], costly_us=50_000)
    assert (found.importer, found.via) == ("", "pkg")


def test_a_third_party_module_with_a_large_share_of_the_import_is_costly_under_the_threshold() -> None:
    # seaborn (with scipy) takes 20.1 of the 20.8 ms: far below 50 ms, but 96% of the import
    measurement = Measurement("pkg", (parse_log(_run(20_000)),), (parse_log(BARE),))
    origins = Origins(stdlib=frozenset({"site"}), first_party=frozenset({"pkg", "pkg.plots", "pkg.util"}))
    assert attribute(measurement, origins, heavy_modules=[], costly_us=50_000) == []
    (found,) = attribute(measurement, origins, heavy_modules=[], costly_us=50_000, costly_share=0.25)
    assert (found.module, found.heavy, found.importer, found.via, found.brings_in) == (
        "seaborn",
        "",
        "pkg.plots",
        "seaborn",
        (),
    )
    assert found.large_share and found.share == pytest.approx(20_080 / 20_815)
    # tinydep (0.1%) stays below any sensible share; the share is of the whole import
    assert attribute(measurement, origins, heavy_modules=[], costly_us=50_000, costly_share=0.97) == []
    (heavy,) = attribute(measurement, origins, heavy_modules=["tinydep"], costly_us=50_000, costly_share=0.97)
    assert (heavy.module, heavy.large_share) == ("tinydep", False)


AVAILABILITY_ONLY = {
    "flag": "try:\n    import rdkit  # here\n    HAS_RDKIT = True\nexcept ImportError:\n    HAS_RDKIT = False\n",
    "none-in-handler": "try:\n    import rdkit  # here\nexcept ImportError:\n    rdkit = None\n",
    "submodule": "try:\n    import rdkit.Chem  # here\nexcept ModuleNotFoundError:\n    pass\n",
    "alias": "try:\n    import rdkit as rd  # here\nexcept (ValueError, ImportError):\n    rd = None\n",
    "from-import": "try:\n    from rdkit import Chem  # here\n    OK = True\nexcept ImportError:\n    OK = False\n",
    "deleted": "try:\n    import rdkit  # here\n    del rdkit\nexcept ImportError:\n    pass\n",
    "import-call": (
        "import importlib\n\ntry:\n    importlib.import_module('rdkit')  # here\n"
        "except ImportError:\n    pass\n"
    ),
}
USES_IT = {
    "read-in-a-function": (
        "try:\n    import rdkit  # here\nexcept ImportError:\n    rdkit = None\n\n\n"
        "def smiles():\n    return rdkit.Chem\n"
    ),
    "tested-for-none": "try:\n    import rdkit  # here\nexcept ImportError:\n    rdkit = None\nOK = rdkit is not None\n",
    "alias-used": "try:\n    import rdkit as rd  # here\nexcept ImportError:\n    pass\nX = rd.Chem\n",
    "from-import-used": "try:\n    from rdkit import Chem  # here\nexcept ImportError:\n    pass\nX = Chem\n",
    "annotation": (
        "from __future__ import annotations\ntry:\n    import rdkit  # here\nexcept ImportError:\n    pass\n\n\n"
        "def f(m: rdkit.Mol) -> None:\n    pass\n"
    ),
    "exported": "__all__ = ['rdkit']\ntry:\n    import rdkit  # here\nexcept ImportError:\n    pass\n",
    "not-guarded": "import rdkit  # here\nHAS_RDKIT = True\n",
    "other-exception": "try:\n    import rdkit  # here\nexcept ValueError:\n    pass\n",
    "in-the-else": "try:\n    pass\nexcept ImportError:\n    pass\nelse:\n    import rdkit  # here\n",
    "star": "try:\n    from rdkit import *  # here\nexcept ImportError:\n    pass\n",
    "bound-by-an-assignment-and-used": (
        "import importlib\ntry:\n    rd = importlib.import_module('rdkit')  # here\nexcept ImportError:\n"
        "    rd = None\nX = rd\n"
    ),
}


def _only_tests_availability(source: str, graph: ImportGraph = ImportGraph({})) -> bool:
    line = next(number for number, text in enumerate(source.splitlines(), 1) if "# here" in text)
    text = source.splitlines()[line - 1]
    col = text.find("importlib.") if "importlib." in text else len(text) - len(text.lstrip())
    statement = Statement(line, col, (), ("rdkit", "rdkit.Chem"), "rdkit", text)
    return only_checks_availability(ast.parse(source), statement, "rdkit", "pkg.compat", graph)


@pytest.mark.parametrize("source", AVAILABILITY_ONLY.values(), ids=AVAILABILITY_ONLY.keys())
def test_an_import_whose_names_are_never_used_only_tests_availability(source: str) -> None:
    assert _only_tests_availability(source)


@pytest.mark.parametrize("source", USES_IT.values(), ids=USES_IT.keys())
def test_an_import_whose_names_are_used_or_that_is_not_guarded_is_not_an_availability_check(
    source: str,
) -> None:
    assert not _only_tests_availability(source)


def test_a_name_another_first_party_module_imports_is_used() -> None:
    importer = Statement(1, 0, ("pkg.compat",), ("pkg", "pkg.compat", "pkg.compat.rdkit"), "", "")
    graph = ImportGraph({"pkg.user": Module("pkg.user", "pkg/user.py", (importer,))})
    assert not _only_tests_availability(AVAILABILITY_ONLY["none-in-handler"], graph)


def test_child_environment_puts_the_project_first_and_drops_the_profiling_variable() -> None:
    env = child_environment(
        ["/p", "/p/src"], {"PYTHONPATH": f"/site{os.pathsep}/p", "PYTHONPROFILEIMPORTTIME": "1"}
    )
    assert env == {"PYTHONPATH": os.pathsep.join(["/p", "/p/src", "/site"])}


# --- calibrate ----------------------------------------------------------------------------------


def _calibrate(workspace: Workspace, folder: Path, *extra: str) -> tuple[int, str]:
    folder.mkdir(exist_ok=True)
    with workspace.entered(folder):
        code, out, err = _main(
            "calibrate",
            "slowdep",
            "fastdep",
            "no_such_module",
            "--runs",
            RUNS,
            "--threshold-ms",
            "100",
            *extra,
        )
    assert err == ""
    return code, out


@pytest.mark.slow
def test_calibrate_lists_the_slow_module_and_proposes_it(workspace: Workspace, tmp_path: Path) -> None:
    code, out = _calibrate(workspace, tmp_path / "plain")
    assert code == 0
    table, proposal = out.split("\n\n")
    rows = table.splitlines()
    assert (
        rows[0] == f"Import time of 3 modules (median of {RUNS} runs each, start-up subtracted; "
        f"Python {'.'.join(map(str, __import__('sys').version_info[:3]))}):"
    )
    # 150 ms of sleep, start-up subtracted: a busy machine moves it by tens of milliseconds,
    # so only the order and the side of the 100 ms threshold are checked
    slowdep = re.fullmatch(r"\s+(\d+\.\d)  slowdep", rows[2])
    fastdep = re.fullmatch(r"\s+(\d+\.\d)  fastdep", rows[3])
    assert slowdep is not None and fastdep is not None, rows
    assert float(slowdep[1]) >= 100 > float(fastdep[1])
    assert rows[4] == "     failed  no_such_module: ModuleNotFoundError: No module named 'no_such_module'"
    assert proposal.splitlines()[1:] == ["[tool.qemlflow-lint]", 'extend-heavy-modules = ["slowdep"]']
    assert "not yet heavy" in proposal


PYPROJECT_HEAD = '[project]\nname = "demo"  # keep this comment\n\n'
PYPROJECT_TAIL = '\n[tool.other]\nkey = "value"\n'


@pytest.mark.slow
@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            f'{PYPROJECT_HEAD}[tool.qemlflow-lint]\nselect = ["QF"]\n{PYPROJECT_TAIL}',
            f'{PYPROJECT_HEAD}[tool.qemlflow-lint]\nselect = ["QF"]\nextend-heavy-modules = ["slowdep"]\n'
            f"{PYPROJECT_TAIL}",
            id="existing-table",
        ),
        pytest.param(
            f"{PYPROJECT_HEAD}{PYPROJECT_TAIL}",
            f'{PYPROJECT_HEAD}{PYPROJECT_TAIL}\n[tool.qemlflow-lint]\nextend-heavy-modules = ["slowdep"]\n',
            id="missing-table",
        ),
        pytest.param(
            f'{PYPROJECT_HEAD}[tool.qemlflow-lint]\nextend-heavy-modules = ["mine"]  # ours\nignore = []\n'
            f"{PYPROJECT_TAIL}",
            f'{PYPROJECT_HEAD}[tool.qemlflow-lint]\nextend-heavy-modules = ["mine", "slowdep"]  # ours\n'
            f"ignore = []\n{PYPROJECT_TAIL}",
            id="existing-single-line-key",
        ),
    ],
)
def test_calibrate_write_edits_pyproject_and_keeps_every_other_byte(
    workspace: Workspace, tmp_path: Path, before: str, after: str
) -> None:
    folder = tmp_path / "proj"
    folder.mkdir()
    (folder / "pyproject.toml").write_bytes(before.encode())
    code, out = _calibrate(workspace, folder, "--write")
    assert code == 0
    assert out.endswith('\nAdded ["slowdep"] to extend-heavy-modules in pyproject.toml.\n')
    assert (folder / "pyproject.toml").read_bytes() == after.encode()


def test_with_heavy_modules_edits_minimally_or_refuses() -> None:
    crlf = '[tool.qemlflow-lint]\r\nselect = [\r\n  "QF",\r\n]\r\n\r\n# next table\r\n[tool.x]\r\n'
    assert with_heavy_modules(crlf, ["a"]) == crlf.replace(
        "]\r\n\r\n", ']\r\nextend-heavy-modules = ["a"]\r\n\r\n'
    )
    assert with_heavy_modules("", ["a"]) == '[tool.qemlflow-lint]\nextend-heavy-modules = ["a"]\n'
    no_newline = "[tool.qemlflow-lint]\nselect = ['QF']"
    assert with_heavy_modules(no_newline, ["a"]) == no_newline + '\nextend-heavy-modules = ["a"]\n'
    # a sub-table alone: the table itself is added at the end, which TOML allows
    sub = "[tool.qemlflow-lint.score]\nfail-under = 90\n"
    assert with_heavy_modules(sub, ["a"]) == sub + '\n[tool.qemlflow-lint]\nextend-heavy-modules = ["a"]\n'
    already = '[tool.qemlflow-lint]\nextend-heavy-modules = "a, b"\n'
    assert with_heavy_modules(already, ["b"]) == already
    with pytest.raises(EditError, match="spans several lines"):
        with_heavy_modules('[tool.qemlflow-lint]\nextend-heavy-modules = [\n  "x",\n]\n', ["a"])
    with pytest.raises(EditError, match="cannot edit safely"):
        with_heavy_modules('[tool]\n"qemlflow-lint".select = ["QF"]\n', ["a"])
    with pytest.raises(EditError, match="not valid TOML"):
        with_heavy_modules("[tool.qemlflow-lint\n", ["a"])


def test_write_creates_a_missing_file_with_ordinary_permissions(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    assert write_heavy_modules(str(path), ["slowdep"]) is True
    assert path.read_text() == '[tool.qemlflow-lint]\nextend-heavy-modules = ["slowdep"]\n'
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    assert write_heavy_modules(str(path), ["slowdep"]) is False


def test_new_heavy_modules_skip_what_the_heavy_list_already_covers() -> None:
    times = {"torch.nn": 900_000.0, "slowdep": 150_000.0, "fastdep": 1_000.0, "edge": 100_000.0}
    assert new_heavy_modules(times, 100_000, ["torch"]) == ["slowdep", "edge"]


# --- one reading of imports: QF001, QF101 and the blame agree, import calls included ----------

CALLS_PROJECT = {
    "pyproject.toml": (
        '[tool.qemlflow-lint]\nextend-heavy-modules = ["slowdep", "fastdep", "fakeheavy", "missingheavy"]\n'
    ),
    "calls/__init__.py": (
        '"""Loads its dependencies with literal import calls."""\n'
        "import importlib\n"
        "\n"
        'if importlib.import_module("slowdep"):\n'
        "    READY = True\n"
        "\n"
        "from calls import extra\n"
    ),
    "calls/extra.py": (
        '"""Loads a dependency in an augmented assignment."""\n'
        "import importlib\n"
        "\n"
        "LOADED: list = []\n"
        'LOADED += [importlib.import_module("fastdep")]\n'
    ),
    # A configured heavy module that lives in the project folder, next to the package.
    "fakeheavy.py": f'"""A slow module of the project itself."""\nimport time\n\ntime.sleep({SLEEP})\n',
    "local/__init__.py": (
        '"""Uses the slow local module, and an optional dependency that is not installed."""\n'
        "import fakeheavy\n"
        "\n"
        "try:\n"
        "    import missingheavy\n"
        "except ImportError:\n"
        "    missingheavy = None\n"
    ),
}


@pytest.fixture(scope="module")
def calls_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("calls")
    write_tree(root / "site", THIRD_PARTY)
    write_tree(root / "project", CALLS_PROJECT)
    return Workspace(root / "site", root / "project")


def test_check_reports_import_calls_as_qf001_and_follows_them_for_qf101(calls_workspace: Workspace) -> None:
    with calls_workspace.entered():
        code, out, _ = _main("check", ".", "--no-cache", "--select", "QF001,QF101")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(
        "calls/__init__.py:4:4: QF001 heavy module 'slowdep' imported at module import time"
    )
    assert lines[1] == (
        "calls/__init__.py:7:1: QF101 importing calls pulls in fastdep at import time: "
        "calls/__init__.py:7 → calls/extra.py:5 → fastdep"
    )
    assert lines[2].startswith(
        "calls/extra.py:5:12: QF001 heavy module 'fastdep' imported at module import time"
    )
    assert lines[3].startswith("local/__init__.py:2:1: QF001 heavy module 'fakeheavy' imported")
    assert lines[4].startswith(
        "local/__init__.py:5:5: QF001 heavy module 'missingheavy' imported at module import "
        "time; an optional dependency still imports eagerly"
    )
    assert len(lines) == 5


@pytest.mark.slow
def test_importtime_blames_the_lines_of_import_calls(calls_workspace: Workspace) -> None:
    with calls_workspace.entered():
        code, out, _ = _main("importtime", "calls", "--runs", "1", "--format", "json", "--no-cache")
    assert code == 0
    blamed = {a["module"]: a for a in json.loads(out)["attributions"]}
    assert blamed["slowdep"]["statement"]["path"] == "calls/__init__.py"
    assert blamed["slowdep"]["statement"]["line"] == 4
    assert blamed["slowdep"]["cumulative_ms"] >= SLEEP * 1000 * 0.95
    assert blamed["fastdep"]["statement"] == {
        "path": "calls/extra.py",
        "line": 5,
        "text": 'LOADED += [importlib.import_module("fastdep")]',
        "note": None,
    }


@pytest.mark.slow
def test_importtime_blames_heavy_modules_inside_the_project_and_says_when_an_import_failed(
    calls_workspace: Workspace,
) -> None:
    with calls_workspace.entered():
        code, out, _ = _main("importtime", "local", "--runs", "1", "--no-cache")
    assert code == 0
    assert "No heavy module" not in out
    lines = out.splitlines()
    fake = lines.index(next(line for line in lines if line.startswith("  fakeheavy: heavy (fakeheavy), ")))
    assert lines[fake + 1] == "    local/__init__.py:2: import fakeheavy"
    missing = next(line for line in lines if line.startswith("  missingheavy: "))
    assert re.fullmatch(
        r"  missingheavy: heavy \(missingheavy\), its import failed \(tried and caught: "
        r"not installed\?\); the attempt took \d+\.\d ms",
        missing,
    )
    assert lines[lines.index(missing) + 1] == "    local/__init__.py:5: import missingheavy"


@pytest.mark.slow
def test_importtime_json_says_a_failed_import_failed(calls_workspace: Workspace) -> None:
    with calls_workspace.entered():
        code, out, _ = _main("importtime", "local", "--runs", "1", "--format", "json", "--no-cache")
    assert code == 0
    report = json.loads(out)
    blamed = {a["module"]: a for a in report["attributions"]}
    assert blamed["missingheavy"]["failed"] is True and blamed["fakeheavy"]["failed"] is False
    listed = {m["module"]: m for m in report["top_modules"]}
    assert listed["missingheavy"]["failed"] is True and listed["fakeheavy"]["failed"] is False
    text = render_importtime_text(report)
    assert re.search(r"\n  +\d+\.\d +\d+\.\d  missingheavy  \(its import failed\)\n", text)
    assert not re.search(r"missingheavy: heavy \(missingheavy\), \d+\.\d ms", text)


# --- optional dependencies and costly shares ---------------------------------------------------

OPTIONAL_THIRD_PARTY = {
    "slowdep.py": f'"""Stands in for a heavy dependency."""\nimport time\n\ntime.sleep({SLEEP})\n',
    "useddep.py": '"""A heavy dependency that the project uses."""\n',
    # 100 ms: under the --costly-ms of the test, but nearly all of `import shared`
    "sharedep.py": '"""Most of a small import."""\nimport time\n\ntime.sleep(0.1)\n',
}

OPTIONAL_PROJECT = {
    "pyproject.toml": '[tool.qemlflow-lint]\nextend-heavy-modules = ["slowdep", "useddep"]\n',
    "opt/__init__.py": '"""Optional dependencies."""\n\nfrom opt import checks, uses\n',
    "opt/checks.py": (
        '"""Only tells whether slowdep is installed."""\n'
        "\n"
        "try:\n"
        "    import slowdep\n"
        "\n"
        "    HAS_SLOWDEP = True\n"
        "except ImportError:\n"
        "    HAS_SLOWDEP = False\n"
    ),
    "opt/uses.py": (
        '"""Uses useddep when it is installed."""\n'
        "\n"
        "try:\n"
        "    import useddep\n"
        "except ImportError:\n"
        "    useddep = None\n"
        "\n"
        "\n"
        "def name() -> str:\n"
        '    """The dependency\'s name, if installed."""\n'
        '    return useddep.__name__ if useddep is not None else ""\n'
    ),
    "shared/__init__.py": '"""Small, but for its dependency."""\n\nimport sharedep\n\nNAME = sharedep.__name__\n',
}


@pytest.fixture(scope="module")
def optional_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("optional")
    write_tree(root / "site", OPTIONAL_THIRD_PARTY)
    write_tree(root / "project", OPTIONAL_PROJECT)
    return Workspace(root / "site", root / "project")


@pytest.mark.slow
def test_importtime_suggests_find_spec_for_an_import_that_only_tests_availability(
    optional_workspace: Workspace,
) -> None:
    with optional_workspace.entered():
        code, out, _ = _main("importtime", "opt", "--runs", "1", "--format", "json", "--no-cache")
        text_code, text, _ = _main("importtime", "opt", "--runs", "1", "--no-cache")
    assert code == text_code == 0
    blamed = {a["module"]: a for a in json.loads(out)["attributions"]}
    assert blamed["slowdep"]["statement"]["path"] == "opt/checks.py"
    assert blamed["slowdep"]["availability_check"] == {
        "module": "slowdep",
        "use_instead": 'importlib.util.find_spec("slowdep") is not None',
    }
    assert blamed["useddep"]["statement"]["path"] == "opt/uses.py"
    assert blamed["useddep"]["availability_check"] is None
    lines = text.splitlines()
    slowdep = lines.index("    opt/checks.py:4: import slowdep")
    assert lines[slowdep + 1].startswith("    deferring that line would save up to ")
    assert lines[slowdep + 2] == (
        "    it only tests whether slowdep is installed: "
        '`importlib.util.find_spec("slowdep") is not None` tells without importing it'
    )
    assert "    opt/uses.py:4: import useddep" in lines
    assert sum("find_spec" in line for line in lines) == 1  # useddep is used: no suggestion


@pytest.mark.slow
def test_importtime_blames_a_module_that_takes_a_large_share_of_the_import(
    optional_workspace: Workspace,
) -> None:
    with optional_workspace.entered():
        code, out, _ = _main("importtime", "shared", "--runs", "1", "--costly-ms", "1000", "--no-cache")
    assert code == 0
    lines = out.splitlines()
    assert (
        "Heavy modules and costly (≥ 1000 ms or ≥ 25% of the import) third-party modules, "
        "and the first-party line that pulled each in:"
    ) in lines
    blamed = next((line for line in lines if line.startswith("  sharedep: ")), out)
    assert re.fullmatch(r"  sharedep: costly \(\d+% of the import\), \d+\.\d ms cumulative", blamed)
    assert lines[lines.index(blamed) + 1] == "    shared/__init__.py:3: import sharedep"


@pytest.mark.parametrize("share", ["0", "101", "x", "-5", "nan"])
def test_costly_share_is_a_percentage(share: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["importtime", "app", "--costly-share", share])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "--costly-share" in err and "expected a percentage" in err
