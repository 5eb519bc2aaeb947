"""The best next fixes are actions ranked by root cause: one deferred import is worth every
QF101 chain it ends, typing and documentation work is counted per package, the measured
milliseconds come with each import action, and doing an action regains exactly its points."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from qemlflow_lint.cli import main
from qemlflow_lint.fix.import_deferral import closure as fix_closure
from qemlflow_lint.fix.import_deferral import project_plan
from qemlflow_lint.measure.last_measured import LastMeasured
from qemlflow_lint.project import closure as shared_closure
from tests.frontends import write_tree

# pkg, pkg.api, pkg.cli and pkg.core all reach torch through one import in pkg/core/__init__.py.
CHAINED = {
    "pkg/__init__.py": '"""Pkg."""\nfrom pkg import api\n',
    "pkg/api.py": '"""Api."""\nfrom pkg.core import run\n',
    "pkg/cli.py": '"""Cli."""\nfrom pkg.core import run\n',
    "pkg/core/__init__.py": '"""Core."""\nfrom pkg.core.models import run\n',
    "pkg/core/models.py": '"""Models."""\nimport torch{noqa}\n\n\ndef run() -> None:\n    """Run."""\n',
}
CORE_DEFERRED = (
    '"""Core."""\n\n\ndef run() -> None:\n    """Run."""\n'
    "    from pkg.core.models import run as real\n\n    real()\n"
)
MODELS_DEFERRED = '"""Models."""\n\n\ndef run() -> None:\n    """Run."""\n    import torch  # noqa: F401\n'


def _project(root: Path, files: dict[str, str], noqa: str = "") -> Path:
    (root / "pyproject.toml").write_text("[tool.qemlflow-lint]\n", encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace("{noqa}", noqa), encoding="utf-8")
    return root


def _score(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    main(["score", "--format", "json", "--no-cache", *args])
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


@pytest.fixture()
def chained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return _project(tmp_path, CHAINED, noqa="  # noqa: QF001")


def test_one_import_that_ends_four_chains_is_one_action_worth_all_four(
    chained: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _score(capsys, ".")
    qf101 = before["rules"]["QF101"]
    assert qf101["violating"] == 4
    top = before["best_next_fixes"][0]
    assert top["text"] == (
        "defer pkg/core/__init__.py:2 → pkg.core.models (loads torch): "
        "ends 4 QF101 chains (pkg, pkg.api, pkg.cli, +1 more)"
    )
    assert (top["code"], top["line"], top["imports"], top["heavy"]) == (
        "QF101",
        2,
        "pkg.core.models",
        ["torch"],
    )
    assert top["ends_chains"] == ["pkg", "pkg.api", "pkg.cli", "pkg.core"]
    assert top["points"] == pytest.approx(qf101["points_lost"])
    # Doing it regains exactly what it says.
    (chained / "pkg/core/__init__.py").write_text(CORE_DEFERRED, encoding="utf-8")
    after = _score(capsys, ".")
    assert after["score_exact"] == pytest.approx(before["score_exact"] + top["points"])


def test_the_heavy_import_at_the_end_of_the_chains_comes_first_with_its_qf001_unit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(_project(tmp_path, CHAINED))
    before = _score(capsys, ".")
    top = before["best_next_fixes"][0]
    assert top["text"] == (
        "defer the heavy imports of pkg/core/models.py (torch): ends 4 QF101 chains (pkg, pkg.api, pkg.cli, +1 more)"
    )
    assert top["code"] == "QF001"
    lost = before["rules"]["QF001"]["points_lost"] + before["rules"]["QF101"]["points_lost"]
    assert top["points"] == pytest.approx(lost)
    (tmp_path / "pkg/core/models.py").write_text(MODELS_DEFERRED, encoding="utf-8")
    after = _score(capsys, ".")
    assert after["score_exact"] == pytest.approx(before["score_exact"] + top["points"])
    assert after["best_next_fixes"] == []


def test_typing_and_documentation_work_is_grouped_by_package_with_a_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    untyped = '"""M."""\n\n\ndef f(x):\n    """F."""\n\n\ndef g(y):\n    """G."""\n'
    monkeypatch.chdir(
        _project(
            tmp_path,
            {
                "pkg/__init__.py": '"""Pkg."""\n',
                "pkg/sub/__init__.py": '"""Sub."""\n',
                "pkg/sub/a.py": untyped,
                "pkg/sub/b.py": untyped,
                "pkg/c.py": untyped,
            },
        )
    )
    fixes = _score(capsys, ".")["best_next_fixes"]
    texts = [fix["text"] for fix in fixes]
    assert texts == ["annotate 4 public defs in 2 files of pkg/sub/", "annotate 2 public defs in pkg/c.py"]
    assert (fixes[0]["path"], fixes[0]["count"], fixes[0]["files"]) == ("pkg/sub/", 4, 2)
    assert fixes[0]["points"] == pytest.approx(2 * fixes[1]["points"])


def _importtime_json(path: Path, saving: object) -> Path:
    data = {
        "module": "pkg",
        "median_ms": 900.0,
        "top_modules": [],
        "attributions": [{"module": "torch", "cumulative_ms": 850.0, "saving_up_to_ms": saving}],
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_measured_import_shows_the_milliseconds_each_action_takes_off_it(
    chained: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    measured = _importtime_json(chained / "importtime.json", 812.4)
    top = _score(capsys, ".", "--importtime", str(measured))["best_next_fixes"][0]
    assert (top["saves_ms"], top["measured_module"]) == (812.4, "pkg")
    main(["score", "--no-cache", ".", "--importtime", str(measured)])
    text = capsys.readouterr().out
    assert "(QF101) [saves 812 ms of import pkg]" in text


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "1e308"])
def test_a_measurement_that_is_not_a_time_is_refused_with_its_field(
    chained: Path, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    measured = _importtime_json(chained / "importtime.json", 0.0)
    measured.write_text(measured.read_text(encoding="utf-8").replace("0.0}", f"{bad}}}"), encoding="utf-8")
    assert main(["score", "--no-cache", ".", "--importtime", str(measured)]) == 2
    err = capsys.readouterr().err
    assert "importtime.json: not an importtime result" in err
    assert "Traceback" not in err
    if bad == "1e308":
        assert "attributions[0].saving_up_to_ms" in err


def test_the_same_list_in_the_detailed_report_markdown_json_and_html(
    chained: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = _score(capsys, ".")["best_next_fixes"]
    text_line = f"{expected[0]['text']} (QF101)"
    main(["score", "--no-cache", "--detailed-report", "."])
    detailed = capsys.readouterr().out
    assert text_line in detailed
    assert "chains ended: pkg, pkg.api, pkg.cli, pkg.core" in detailed
    main(["score", "--no-cache", "--format", "markdown", "."])
    assert text_line in capsys.readouterr().out
    main(["report", "--no-cache", "--html", "report.html", "."])
    page = (chained / "report.html").read_text(encoding="utf-8")
    section = page.split('id="fixes-title"')[1].split("</section>")[0]
    assert "pkg/core/__init__.py:2 → pkg.core.models (loads torch)" in section


def test_fix_and_the_score_read_one_deferral_with_the_same_closures() -> None:
    """``fix`` plans and the score ranks over one implementation of the import closures."""
    assert vars(fix_closure)["Closures"] is shared_closure.Closures
    assert vars(project_plan)["loads_too"] is shared_closure.loads_too
    assert vars(project_plan)["whole_package"] is shared_closure.whole_package


# --- the milliseconds from the last `importtime`, kept in the cache folder --------------------

#: How long the stand-in for a heavy dependency sleeps at import.
SLEEP_S = 0.1
HEAVY_SITE = {
    "heavydep.py": f'"""Stands in for a heavy dependency."""\nimport time\n\ntime.sleep({SLEEP_S})\n'
}


@pytest.fixture()
def measurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """CHAINED with ``heavydep`` (a real module that sleeps at import) for torch, importable."""
    write_tree(tmp_path / "site", HEAVY_SITE)
    project = tmp_path / "project"
    project.mkdir()
    files = {name: text.replace("torch", "heavydep") for name, text in CHAINED.items()}
    _project(project, files, noqa="  # noqa: QF001")
    (project / "pyproject.toml").write_text(
        '[tool.qemlflow-lint]\nextend-heavy-modules = ["heavydep"]\n', encoding="utf-8"
    )
    monkeypatch.chdir(project)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "site"))
    return project


def _importtime(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["importtime", "pkg", "--runs", "1", "--format", "json", *args]) == 0
    return capsys.readouterr().out


def test_score_shows_the_milliseconds_of_the_last_importtime_without_importtime_file(
    measurable: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (measurable / "importtime.json").write_text(_importtime(capsys), encoding="utf-8")
    stored = _score_kept(capsys)
    top = stored["best_next_fixes"][0]
    assert top["text"].startswith("defer pkg/core/__init__.py:2 → pkg.core.models")
    assert (top["measured_module"], top["measured_source"]) == ("pkg", "store")
    assert top["saves_ms"] >= SLEEP_S * 1000
    # The same figure the JSON of the same run gives with --importtime FILE.
    from_file = _score_kept(capsys, "--importtime", "importtime.json")["best_next_fixes"][0]
    assert (from_file["measured_source"], from_file["saves_ms"]) == (
        "file",
        pytest.approx(top["saves_ms"], abs=0.1),
    )

    # JSON rounds the figure to tenths; the text shows whole milliseconds of the exact one.
    def shown(pattern: str, text: str) -> float:
        found = re.search(pattern, text)
        assert found is not None, text
        return float(found[1])

    for extra in ([], ["--detailed-report"]):
        main(["score", ".", *extra])
        captured = capsys.readouterr()
        saves = shown(r"\(QF101\) \[saves (\d+) ms of import pkg\]", captured.out)
        assert saves == pytest.approx(top["saves_ms"], abs=0.55)
        assert "milliseconds from the last `importtime pkg`, measured just now" in captured.err
    main(["report", "--html", "report.html", "."])
    page = (measurable / "report.html").read_text(encoding="utf-8")
    saves = shown(r"(\d+) ms of import pkg", page.split('id="fixes-title"')[1])
    assert saves == pytest.approx(top["saves_ms"], abs=0.55)


def _score_kept(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    """``score --format json`` reading the cache folder (and its stored measurements)."""
    main(["score", "--format", "json", ".", *args])
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def test_a_measurement_of_other_files_or_other_heavy_modules_is_not_used(
    measurable: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _importtime(capsys)
    (measurable / "pkg" / "cli.py").write_text(
        '"""Cli, changed."""\nfrom pkg.core import run\n', encoding="utf-8"
    )
    main(["score", "--format", "json", "."])
    captured = capsys.readouterr()
    top = json.loads(captured.out)["best_next_fixes"][0]
    assert (top["saves_ms"], top["measured_source"]) == (None, None)
    assert "the last measurement of import pkg is of other files or heavy modules" in captured.err
    _importtime(capsys)  # measured again: used again
    assert _score_kept(capsys)["best_next_fixes"][0]["saves_ms"] >= SLEEP_S * 1000
    with open(measurable / "pyproject.toml", "a", encoding="utf-8") as config:
        config.write('heavy-modules = ["heavydep", "numpy"]\n')
    assert _score_kept(capsys)["best_next_fixes"][0]["saves_ms"] is None


def test_a_measurement_kept_before_the_time_per_heavy_module_shows_no_milliseconds(
    chained: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = {
        "module": "pkg",
        "median_us": 900000.0,
        "spread_us": [880000.0, 890000.0, 910000.0, 920000.0],
        "runs": 5,
        "modules": 1200,
        "heavy": ["torch"],
        "python": "python3",
        "version": "3.11.9",
    }
    kept = LastMeasured(str(chained / ".qemlflow-lint-cache"))
    assert kept.connection is not None
    with kept.connection:
        kept.connection.execute("INSERT INTO measurements VALUES (?, ?, ?)", ("pkg", 1.0, json.dumps(old)))
    kept.close()
    assert main(["score", "--format", "json", "."]) == 0
    captured = capsys.readouterr()
    top = json.loads(captured.out)["best_next_fixes"][0]
    assert (top["saves_ms"], top["measured_module"]) == (None, None)
    assert "the last measurement of import pkg has no time per heavy module" in captured.err
    assert "Traceback" not in captured.err
